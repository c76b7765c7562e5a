"""Code a reader sees uses only the public package: never ``condis_edu._library``.

A reader copies what the course shows: notebook code cells, the scripts in ``examples/``, the
Python blocks of the site's pages and of the README. ``condis_edu._library`` is the simulated
NDIS itself, private (docs/contributing.md, "Layers"): a driver reaches it through
``condis_edu.ndis``, a learner through ``Machine``, ``condis_edu.testing`` and the other public
modules. This test reads each piece of code with ``ast`` (nothing runs) and names every import
of the private package, and every ``condis_edu._library`` attribute reached from an imported
``condis_edu``. A block that does not parse (an illustration) is searched as text.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import nbexec  # noqa: E402
from test_markdown_blocks import RUN_LANGS, extract_blocks  # noqa: E402

ROOT = HERE.parents[1]
PRIVATE = "condis_edu._library"
_TEXT = re.compile(r"\bcondis_edu\s*\.\s*_library\b|\bfrom\s+condis_edu\s+import\s+[^\n]*\b_library\b")


def _private(name: str) -> bool:
    return name == PRIVATE or name.startswith(PRIVATE + ".")


def private_uses(source: str) -> list[str]:
    """``line: statement`` for every use of the private package in *source* (empty when none)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [
            f"{number}: {line.strip()}" for number, line in enumerate(source.splitlines(), 1) if _TEXT.search(line)
        ]
    found: list[str] = []
    for node in ast.walk(tree):
        hit = False
        if isinstance(node, ast.Import):
            hit = any(_private(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            module = node.module or ""
            hit = _private(module) or (module == "condis_edu" and any(a.name == "_library" for a in node.names))
        elif isinstance(node, ast.Attribute) and node.attr == "_library":
            hit = isinstance(node.value, ast.Name) and node.value.id == "condis_edu"
        if hit:
            found.append(f"{node.lineno}: {ast.get_source_segment(source, node) or ast.unparse(node)}")
    return sorted(set(found), key=lambda entry: int(entry.split(":", 1)[0]))


def reader_code() -> list[tuple[str, str]]:
    """``(where, source)`` of every piece of code the course shows a reader."""
    pieces: list[tuple[str, str]] = []
    for path in sorted((ROOT / "docs" / "notebooks").glob("*.py")):
        cells = [cell for cell in nbexec.parse_percent(path.read_text(encoding="utf-8")) if cell.kind == "code"]
        pieces += [(f"{path.relative_to(ROOT)} code cell {index}", cell.source) for index, cell in enumerate(cells)]
    for path in sorted((ROOT / "examples").glob("*.py")):
        pieces.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    for page in pages:
        rel = str(page.relative_to(ROOT))
        for block in extract_blocks(page.read_text(encoding="utf-8"), rel):
            if block.lang.lower() in RUN_LANGS:
                pieces.append((f"{rel}:{block.line}", block.source))
    return pieces


# ---------------------------------------------------------------- the course's code


def test_every_kind_of_reader_code_is_read() -> None:
    places = [where for where, _ in reader_code()]
    assert any(" code cell " in where for where in places), "no notebook code cell found"
    assert any(where.startswith("examples/") for where in places), "no example found"
    assert any(where.startswith("docs/") and where.rsplit(":", 1)[-1].isdigit() for where in places), (
        "no Python block of a page found"
    )


def test_reader_code_imports_only_public_modules() -> None:
    offenders = [f"{where}, line {use}" for where, source in reader_code() for use in private_uses(source)]
    assert offenders == [], "reader code uses the private condis_edu._library (use condis_edu.ndis, testing...)"


# ---------------------------------------------------------------- the checker itself


@pytest.mark.parametrize(
    "source",
    [
        "from condis_edu._library.ddi.intermediate import IM_REQUIRED\n",
        "import condis_edu._library.ddi.datapath as dp\n",
        "from condis_edu._library import trace\n",
        "from condis_edu import Machine, _library\n",
        "import condis_edu\ncondis_edu._library.ddi.datapath.forget_path(vc)\n",
        "def f():\n    from condis_edu._library.ddi.datapath import forget_path\n",
        "from condis_edu._library.ddi.datapath import (\n    forget_path,\n)\n  an illustration, not Python\n",
    ],
)
def test_the_checker_catches_a_private_import(source: str) -> None:
    assert private_uses(source), source


@pytest.mark.parametrize(
    "source",
    [
        "from condis_edu.ndis import *\nfrom condis_edu import Machine\n",
        "from condis_edu.testing import loopback_machine\nimport condis_edu.harness.cells\n",
        "from condis_edu.samples.client import data as cl_data\n",
        "library = '_library'  # a word, not an import\n",
        "from . import _library\n",
    ],
)
def test_the_checker_accepts_public_code(source: str) -> None:
    assert private_uses(source) == [], source
