"""The plain executor must mimic the kernel in the ways our pages rely on."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import nbexec  # noqa: E402

NB = """# ---
# jupyter:
#   kernelspec: {name: python3}
# ---

# %% [markdown]
# # Title
# text

# %%
x = 2
print("a"); print("b")

# %%
x * 21

# %%
x;

# %%
class R:
    def _repr_html_(self):
        return "<b>r</b>"
R()
"""


def test_parse_percent_splits_cells_and_drops_header() -> None:
    cells = nbexec.parse_percent(NB)
    assert [c.kind for c in cells] == ["markdown", "code", "code", "code", "code"]
    assert cells[0].source == "# Title\ntext"
    assert cells[1].source == 'x = 2\nprint("a"); print("b")'


def test_outputs_match_kernel_conventions() -> None:
    ns: dict[str, object] = {}
    cells = [c for c in nbexec.parse_percent(NB) if c.kind == "code"]
    sigs = [nbexec.run_cell(c.source, ns) for c in cells]
    assert sigs[0] == [("stream", "stdout", "a\nb\n")]
    assert sigs[1] == [("result", "text/plain", "42")]
    assert sigs[2] == []  # a trailing semicolon hides the value
    assert sigs[3] == [("result", "text/html", "<b>r</b>")]


def test_kernel_signatures_reject_errors() -> None:
    nb = {"cells": [{"cell_type": "code", "outputs": [{"output_type": "error", "ename": "E", "evalue": "v"}]}]}
    try:
        nbexec.kernel_signatures(nb)
    except AssertionError as exc:
        assert "E: v" in str(exc)
    else:
        raise AssertionError("an error output must fail the comparison")


def test_dump_load_round_trip() -> None:
    sigs = [[("stream", "stdout", "é\n")], []]
    assert nbexec.load(nbexec.dump(sigs)) == sigs


def test_structure_only_cells_compare_kinds_not_text(tmp_path: Path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text("# %%\nprint(1)\n\n# %%\n# parity: structure\nprint(2)\n")
    assert nbexec.parity_modes(nb) == ["exact", "structure"]
    a, b = [("stream", "stdout", "0.31\n")], [("stream", "stdout", "0.29\n")]
    assert nbexec.comparable(a, "structure") == nbexec.comparable(b, "structure")
    assert nbexec.comparable(a, "exact") != nbexec.comparable(b, "exact")
    assert nbexec.comparable(a, "structure") != nbexec.comparable([("result", "text/html", "x")], "structure")
