"""The course index and the home page list exactly the notebooks that exist, and promise nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
LINK = re.compile(r"\]\((?:\.\./)?notebooks/(?P<name>[^)#]+\.py)\)")
PROMISE = re.compile(r"\b(wait|waits|waiting|coming|coming soon|still being written|not yet written)\b", re.I)


def linked_notebooks(page: str) -> list[str]:
    """Notebook file names linked from the course table of ``page`` (in order)."""
    return [m.group("name") for line in page.splitlines() if line.startswith("| ") for m in LINK.finditer(line)]


def promises(page: str) -> list[str]:
    """Lines of the course table that promise a notebook instead of linking one."""
    return [line for line in page.splitlines() if line.startswith("| ") and PROMISE.search(line)]


@pytest.mark.parametrize("page", ["learn/index.md", "index.md"])
def test_the_course_table_lists_every_notebook_in_order(page: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    existing = sorted(p.name for p in (DOCS / "notebooks").glob("*.py"))
    assert existing, "no notebooks found"
    assert linked_notebooks(text) == existing, f"{page}: the course table and docs/notebooks/ disagree"
    assert promises(text) == [], f"{page}: the course table promises notebooks instead of linking them"
    assert "still being written" not in text


def test_the_checks_catch_a_missing_or_promised_notebook() -> None:
    stale = "| 1 | [One](../notebooks/01-a.py) |\n| 2 | Two | waits for the data path |\n"
    assert linked_notebooks(stale) == ["01-a.py"]
    assert promises(stale) == ["| 2 | Two | waits for the data path |"]
    assert linked_notebooks("| 3 | [Gone](notebooks/03-gone.py) | x |") == ["03-gone.py"]
