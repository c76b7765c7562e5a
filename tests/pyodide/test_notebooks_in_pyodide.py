"""Inside Pyodide: every notebook runs and shows what the real kernel showed at build time.

The reference outputs come from ``tests/docs/kernel_run.py`` (``make test-pyodide`` writes them to
build/notebook-outputs first). A missing reference is a failure, not a skip.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "docs"))
import nbexec  # noqa: E402

NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.py"))
REFERENCE = ROOT / "build" / "notebook-outputs"


def test_runs_inside_pyodide() -> None:
    # This file is only collected by tests/pyodide/run.mjs; make sure it is really Pyodide.
    assert sys.platform == "emscripten", sys.platform
    assert os.environ.get("CONDIS_RUNTIME") == "pyodide"
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_matches_kernel(path: Path) -> None:
    ref_file = REFERENCE / f"{path.stem}.json"
    assert ref_file.exists(), f"no kernel reference for {path.name}: run `python tests/docs/kernel_run.py {REFERENCE}`"
    reference = nbexec.load(ref_file.read_text())
    ours = nbexec.run_notebook(path)
    assert len(ours) == len(reference)
    modes = nbexec.parity_modes(path)
    for index, (got, want) in enumerate(zip(ours, reference, strict=True)):
        got, want = nbexec.comparable(got, modes[index]), nbexec.comparable(want, modes[index])
        assert got == want, f"{path.name} code cell {index}: Pyodide output differs from the build-time kernel"
