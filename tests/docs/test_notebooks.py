"""Every notebook runs in CPython, and shows the same thing in a real kernel and in our plain executor.

The plain executor (nbexec) is what the Pyodide tier uses, so agreement here means a mismatch there is
a real CPython/Pyodide difference, not a difference between two ways of running cells.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import kernel_run  # noqa: E402
import nbexec  # noqa: E402

NOTEBOOKS = kernel_run.notebooks()


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "docs/notebooks holds no notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_kernel_and_plain_agree(path: Path) -> None:
    kernel = nbexec.kernel_signatures(kernel_run.execute_in_kernel(path))
    plain = nbexec.run_notebook(path)
    assert len(kernel) == len(plain)
    modes = nbexec.parity_modes(path)
    for index, (k, p) in enumerate(zip(kernel, plain, strict=True)):
        got, want = nbexec.comparable(p, modes[index]), nbexec.comparable(k, modes[index])
        assert got == want, f"{path.name} code cell {index} differs between the kernel and the plain executor"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_shows_something(path: Path) -> None:
    sigs = nbexec.run_notebook(path)
    assert any(sigs), f"{path.name}: no cell produced output; a teaching notebook should show results"
