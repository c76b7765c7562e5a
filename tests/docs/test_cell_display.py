"""The site's cell executor shows a cell's last value exactly when Jupyter (IPython) does.

IPython runs in a child process (its shell takes over process-wide hooks), with the same cells; the
value IPython's display hook showed is compared with what :mod:`condis_edu.harness.cells` shows. CPython only:
IPython is not installed in the Pyodide tier.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from condis_edu.harness import cells

SETUP = "x = 1\nclass Html:\n    def _repr_html_(self):\n        return '<b>h</b>'\n"
# Each cell runs after SETUP; what matters is whether (and what) it displays.
CASES = [
    "x",
    "x;",
    "x;  # a comment after the semicolon",
    "x  # a comment; with a semicolon",
    "x;\n\n",
    "x ;   ",
    "x; x + 1",
    "x; x + 1;",
    "s = 'a;'\ns",
    "'''\n;\n'''",
    "(x,\n x);",
    "None",
    "x = 2;",
    "if x:\n    x;",
    "for i in range(2):\n    i\nx * 10",
    "print(x);",
    "Html()",
    "Html();",
    "[x][0]  # shown",
]

IPYTHON_SCRIPT = """
import json, sys
from traitlets.config import Config
from IPython.core.interactiveshell import InteractiveShell

config = Config()
config.HistoryManager.hist_file = ":memory:"
shell = InteractiveShell.instance(config=config)
cases = json.loads(sys.argv[1])
shown = []
for code in cases:
    shell.run_cell(sys.argv[2], store_history=True)
    result = shell.run_cell(code, store_history=True)  # as ipykernel runs a cell
    assert result.error_in_exec is None and result.error_before_exec is None, (code, result)
    shown.append(None if result.result is None else shell.display_formatter.format(result.result)[0])
with open(sys.argv[3], "w") as f:
    json.dump(shown, f)
"""


def ours(code: str) -> dict[str, str] | None:
    ns = cells.new_namespace()
    assert cells.run_cell(SETUP, ns, label="setup", emit=lambda m: None).status == "ok"
    messages: list[cells.Message] = []
    assert cells.run_cell(code, ns, label="cell", emit=messages.append).status == "ok"
    results = [m["data"] for m in messages if m["type"] == "result"]
    assert len(results) <= 1
    return results[0] if results else None


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str] | None]:
    tmp = tmp_path_factory.mktemp("ipython")
    out = tmp / "shown.json"
    env = {**os.environ, "IPYTHONDIR": str(tmp / "ipythondir")}
    subprocess.run(
        [sys.executable, "-c", IPYTHON_SCRIPT, json.dumps(CASES), SETUP, str(out)],
        check=True,
        env=env,
        capture_output=True,
        timeout=120,
    )
    shown: list[dict[str, str] | None] = json.loads(Path(out).read_text())
    return shown


@pytest.mark.parametrize("index", range(len(CASES)), ids=[repr(c) for c in CASES])
def test_last_value_is_shown_as_jupyter_shows_it(jupyter: list[dict[str, str] | None], index: int) -> None:
    code = CASES[index]
    want = jupyter[index]
    got = ours(code)
    if want is None:
        assert got is None, f"Jupyter shows nothing for {code!r}; the executor shows {got}"
    else:
        assert got is not None, f"Jupyter shows {want} for {code!r}; the executor shows nothing"
        assert set(want) <= set(got), code
        for mime, text in want.items():
            if " at 0x" not in text:  # default reprs carry addresses (and IPython words them differently)
                assert got[mime] == text, (code, mime)


def test_the_cases_cover_both_answers(jupyter: list[dict[str, str] | None]) -> None:
    # The comparison above means something only if Jupyter both shows and hides among the cases.
    assert any(s is None for s in jupyter) and any(s is not None for s in jupyter)
    assert jupyter[CASES.index("x;")] is None
    assert jupyter[CASES.index("x")] == {"text/plain": "1"}


def test_an_exception_with_html_is_shown_as_html_and_text() -> None:
    code = (
        "class Rich(Exception):\n"
        "    def _repr_html_(self):\n"
        "        return '<p class=\"rule\">rule <b>broken</b></p>'\n"
        "raise Rich('the rule was broken')\n"
    )
    messages: list[cells.Message] = []
    outcome = cells.run_cell(code, cells.new_namespace(), label="cell 4", emit=messages.append)
    assert outcome.status == "error" and type(outcome.error).__name__ == "Rich"
    [error] = messages
    assert error["html"] == '<p class="rule">rule <b>broken</b></p>'
    assert error["traceback"].splitlines()[1:] == [
        "  Cell 4, line 4",
        "    raise Rich('the rule was broken')",
        "Rich: the rule was broken",
    ]

    messages.clear()
    cells.run_cell("1 / 0", cells.new_namespace(), label="cell 5", emit=messages.append)
    [error] = messages
    assert "html" not in error and error["traceback"].endswith("ZeroDivisionError: division by zero")
