"""Run a jupytext (percent format) notebook the way a Jupyter kernel would, with no dependencies.

The same module runs in CPython and inside Pyodide, so both tiers execute notebooks identically and can
compare what each cell shows with what the real kernel showed at build time. Cells run through
:mod:`condis_edu.harness.cells`, the executor the browser's live cells use too.

A cell's *signature* is what a reader sees under it: a list of ``(kind, mime_or_stream, text)`` tuples,
consecutive stream chunks of one stream merged, rich results reduced to the mime type Jupyter would pick
(``text/html`` over ``text/markdown`` over ``text/plain``).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from condis_edu.harness import cells

Output = tuple[str, str, str]
PREFERRED = ("text/html", "text/markdown", "text/plain")
# A code cell whose first line is this comment shows measurements (a live benchmark): its outputs must have
# the same kinds and mime types everywhere, but their text may differ. Every other cell must match exactly.
STRUCTURE_ONLY = "# parity: structure"


@dataclass(frozen=True)
class Cell:
    kind: str  # "code" or "markdown"
    source: str


def parse_percent(text: str) -> list[Cell]:
    """Split a jupytext percent-format file into cells (the YAML header is dropped)."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "# ---":
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "# ---")
        lines = lines[end + 1 :]
    cells: list[Cell] = []
    kind: str | None = None
    body: list[str] = []

    def flush() -> None:
        if kind is not None:
            src = "\n".join(body).strip("\n")
            if kind == "markdown":
                src = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in src.splitlines())
            if src.strip():
                cells.append(Cell(kind, src))

    for line in lines:
        if line.startswith("# %%"):
            flush()
            kind = "markdown" if "[markdown]" in line else "code"
            body = []
        elif kind is not None:
            body.append(line)
    flush()
    return cells


def pick(bundle: dict[str, str]) -> tuple[str, str]:
    for mime in PREFERRED:
        if mime in bundle:
            return mime, bundle[mime]
    raise ValueError(f"no displayable mime type in {sorted(bundle)}")


def signature(messages: list[cells.Message]) -> list[Output]:
    """What a reader sees under a cell, from the executor's messages (errors excluded)."""
    outputs: list[Output] = []
    for msg in messages:
        if msg["type"] == "stream":
            outputs.append(("stream", msg["name"], msg["text"]))
        elif msg["type"] in ("display", "result"):
            outputs.append((msg["type"], *pick(msg["data"])))
    return merge_streams(outputs)


def run_cell(source: str, namespace: dict[str, Any]) -> list[Output]:
    """Execute one cell with the site's executor; return its signature. Exceptions propagate."""
    namespace.setdefault("display", cells.display)
    messages: list[cells.Message] = []
    outcome = cells.run_cell(source, namespace, label="cell", emit=messages.append)
    if outcome.error is not None:
        raise outcome.error
    return signature(messages)


def merge_streams(outputs: list[Output]) -> list[Output]:
    merged: list[Output] = []
    for out in outputs:
        if merged and out[0] == "stream" and merged[-1][:2] == out[:2]:
            merged[-1] = (out[0], out[1], merged[-1][2] + out[2])
        else:
            merged.append(out)
    return merged


def parity_modes(path: Path) -> list[str]:
    """``"exact"`` or ``"structure"`` for each code cell of ``path`` (see :data:`STRUCTURE_ONLY`)."""
    return [
        "structure" if c.source.lstrip().startswith(STRUCTURE_ONLY) else "exact"
        for c in parse_percent(path.read_text())
        if c.kind == "code"
    ]


def comparable(outputs: list[Output], mode: str) -> list[Output] | list[tuple[str, str]]:
    """What must be equal between two runs of a cell under ``mode``."""
    if mode == "structure":
        return [(kind, mime) for kind, mime, _ in outputs]
    return outputs


def run_notebook(path: Path) -> list[list[Output]]:
    """Signatures of every code cell of ``path``, executed in one fresh namespace."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    return [run_cell(c.source, namespace) for c in parse_percent(path.read_text()) if c.kind == "code"]


def kernel_signatures(nb: dict[str, Any]) -> list[list[Output]]:
    """Signatures from an executed ``.ipynb`` (nbformat dict), for comparison with :func:`run_notebook`."""
    result: list[list[Output]] = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        outs: list[Output] = []
        for o in cell.get("outputs", []):
            if o["output_type"] == "stream":
                outs.append(("stream", o["name"], "".join(o["text"]) if isinstance(o["text"], list) else o["text"]))
            elif o["output_type"] in ("execute_result", "display_data"):
                data = {k: "".join(v) if isinstance(v, list) else v for k, v in o["data"].items()}
                outs.append(("result" if o["output_type"] == "execute_result" else "display", *pick(data)))
            elif o["output_type"] == "error":
                raise AssertionError(f"cell raised at build time: {o['ename']}: {o['evalue']}")
        result.append(merge_streams(outs))
    return result


def dump(signatures: list[list[Output]]) -> str:
    return json.dumps([[list(o) for o in cell] for cell in signatures], indent=1, ensure_ascii=False)


def load(text: str) -> list[list[Output]]:
    return [[tuple(o) for o in cell] for cell in json.loads(text)]  # type: ignore[misc]


if __name__ == "__main__":  # pragma: no cover - manual use
    for arg in sys.argv[1:]:
        print(dump(run_notebook(Path(arg))))
