"""The navigation is the course: every notebook has a place in it, in order, and nav globs expand as documented."""

from __future__ import annotations

import doctest
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import mkdocs_hooks  # noqa: E402

NAV_NOTEBOOK = re.compile(r'^\s*- "(?P<n>\d)\. [^"]+": "notebooks/(?P<glob>\d\d-\*\.py)"$', re.M)


def test_hook_doctests() -> None:
    result = doctest.testmod(mkdocs_hooks)
    assert result.attempted and not result.failed


def test_learn_section_lists_eight_notebooks_in_order() -> None:
    entries = NAV_NOTEBOOK.findall((ROOT / "mkdocs.yml").read_text())
    assert [int(n) for n, _ in entries] == list(range(1, 9))
    assert [g for _, g in entries] == [f"{n:02d}-*.py" for n in range(1, 9)]


def test_every_notebook_has_a_nav_entry() -> None:
    stems = sorted(p.name for p in (ROOT / "docs" / "notebooks").glob("*.py"))
    assert stems, "no notebooks"
    numbers = [s[:2] for s in stems]
    assert len(numbers) == len(set(numbers)), f"two notebooks share a number: {stems}"
    assert all(s[:2].isdigit() and 1 <= int(s[:2]) <= 8 and s[2] == "-" for s in stems), stems


def test_globs_keep_literal_pages_and_drop_empty_entries() -> None:
    nav = [{"A": ["x/index.md", "x/*.md"]}, {"B": "y/*.md"}, "z.md"]
    assert mkdocs_hooks.expand_nav_globs(nav, ["x/b.md", "x/index.md", "x/a.md", "z.md"]) == [
        {"A": ["x/index.md", "x/a.md", "x/b.md"]},
        "z.md",
    ]
