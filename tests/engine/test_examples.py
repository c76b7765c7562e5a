"""Every ``examples/*.py`` script prints exactly its golden ``.out`` transcript.

The scripts run in-process (runpy + redirected stdout), so the same test runs under
Pyodide. Set ``CONDIS_UPDATE_GOLDEN=1`` to rewrite the transcripts after a deliberate change.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import runpy
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))


def run_script(path: Path) -> str:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        runpy.run_path(str(path), run_name="__main__")
    return buffer.getvalue()


def test_there_are_examples() -> None:
    assert len(SCRIPTS) >= 4, SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_example_matches_golden(script: Path) -> None:
    golden = script.with_suffix(".out")
    output = run_script(script)
    if os.environ.get("CONDIS_UPDATE_GOLDEN") == "1":
        golden.write_text(output, encoding="utf-8")
    assert golden.exists(), f"{golden.name} is missing; run with CONDIS_UPDATE_GOLDEN=1 to create it"
    expected = golden.read_text(encoding="utf-8")
    if output != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True), output.splitlines(keepends=True), golden.name, "actual"
            )
        )
        pytest.fail(f"{script.name} output differs from {golden.name}:\n{diff}")


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_example_is_deterministic(script: Path) -> None:
    assert run_script(script) == run_script(script)
