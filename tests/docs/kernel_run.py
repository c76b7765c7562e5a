"""Execute notebooks with a real Jupyter kernel (as the docs build does) and save what each cell showed.

    python tests/docs/kernel_run.py build/notebook-outputs

writes ``<stem>.json`` per notebook in docs/notebooks: the reference signatures that the Pyodide tier
compares its own execution against.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import jupytext
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import nbexec  # noqa: E402

ROOT = HERE.parents[1]
NOTEBOOKS = ROOT / "docs" / "notebooks"


def notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.py"))


def execute_in_kernel(path: Path) -> dict[str, Any]:
    nb = jupytext.read(path)
    NotebookClient(nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb  # type: ignore[no-any-return]


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in notebooks():
        sigs = nbexec.kernel_signatures(execute_in_kernel(path))
        (out_dir / f"{path.stem}.json").write_text(nbexec.dump(sigs))
        print(f"{path.name}: {len(sigs)} code cells")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
