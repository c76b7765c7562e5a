"""The playground's catalogue (``condis_edu.scenarios``): every script runs and shows what it promises.

Each script runs the way a notebook cell does, through the repository's own cell executor
(``tests/docs/nbexec.py``, shared by the CPython and Pyodide tiers): a fresh namespace, stdout
captured, and the last expression shown through its rich representation. The endless script
runs under a ``sys.settrace`` line budget, which it must use up.
"""

from __future__ import annotations

import ast
import functools
import json
import pkgutil
import re
import sys
from pathlib import Path

import pytest

import condis_edu.samples
from condis_edu.scenarios import GROUPS, JSON_FIELDS, SCENARIOS, Scenario, as_json, scenario
from condis_edu.verifier import RULES

DOCS_TESTS = Path(__file__).resolve().parents[1] / "docs"
if str(DOCS_TESTS) not in sys.path:
    sys.path.insert(0, str(DOCS_TESTS))
import nbexec  # noqa: E402

FINITE = [entry for entry in SCENARIOS if not entry.endless]
LEGACY_IDS = ("loopback", "bind-all", "stop", "blank")  # web/samples.js had these: links may name them
RULE_ID = re.compile(r"\b[RX]\d+\.\d{2}\b")
LINE_BUDGET = 10_000


def run(entry: Scenario) -> list[nbexec.Output]:
    """Run *entry*'s script as one cell in a fresh namespace; return what a reader would see."""
    return nbexec.run_cell(entry.code, {"__name__": "__main__"})


@functools.cache
def shown(scenario_id: str) -> str:
    """Everything the script printed or displayed, as one text (cached: each script runs once here)."""
    return "\n".join(text for _kind, _mime, text in run(scenario(scenario_id)))


# ------------------------------------------------------------------------------ the catalogue
def test_ids_are_unique_and_url_safe() -> None:
    ids = [entry.id for entry in SCENARIOS]
    assert len(ids) == len(set(ids)), ids
    for scenario_id in ids:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", scenario_id), scenario_id


def test_ids_from_the_old_picker_are_kept() -> None:
    assert set(LEGACY_IDS) <= {entry.id for entry in SCENARIOS}


def test_groups_are_valid_and_each_is_listed_in_one_run() -> None:
    groups = [entry.group for entry in SCENARIOS]
    assert set(groups) <= set(GROUPS)
    runs = [group for i, group in enumerate(groups) if i == 0 or groups[i - 1] != group]
    assert runs == [g for g in GROUPS if g in groups], f"a group is split in the picker: {groups}"


def test_entries_are_well_formed() -> None:
    for entry in SCENARIOS:
        assert entry.title.strip() and "\n" not in entry.title, entry.id
        assert entry.summary.endswith(".") and "\n" not in entry.summary, entry.id
        assert entry.code.endswith("\n") and entry.code.strip(), entry.id
        assert all(line == line.rstrip() for line in entry.code.splitlines()), f"{entry.id}: trailing whitespace"
        assert isinstance(entry.expect, tuple) and all(isinstance(e, str) and e for e in entry.expect), entry.id
        ast.parse(entry.code)


def test_only_the_stop_scenario_is_endless() -> None:
    assert [entry.id for entry in SCENARIOS if entry.endless] == ["stop"]


def test_every_sample_driver_has_an_entry() -> None:
    samples = {m.name for m in pkgutil.iter_modules(condis_edu.samples.__path__)} - {"common"}
    assert samples, "no sample drivers found"
    shown_samples: set[str] = set()
    for entry in SCENARIOS:
        if entry.group != "Sample drivers":
            continue
        assert entry.expect, f"{entry.id} declares nothing to check"
        for node in ast.walk(ast.parse(entry.code)):
            if isinstance(node, ast.ImportFrom) and node.module == "condis_edu.samples":
                shown_samples.update(alias.name for alias in node.names)
    assert samples <= shown_samples, f"sample drivers no entry loads: {sorted(samples - shown_samples)}"


def test_lookup_by_id() -> None:
    for entry in SCENARIOS:
        assert scenario(entry.id) is entry


def test_unknown_id_lists_the_valid_ones() -> None:
    with pytest.raises(KeyError) as caught:
        scenario("nope")
    message = str(caught.value)
    assert "nope" in message
    for entry in SCENARIOS:
        assert entry.id in message


def test_a_bad_entry_is_refused() -> None:
    good = {"id": "x", "title": "X", "group": GROUPS[0], "summary": "X.", "code": "pass\n", "expect": ()}
    Scenario(**good)
    for field, value in (("id", "Not URL safe"), ("id", "a--b"), ("group", "Drivers"), ("code", "pass")):
        with pytest.raises(ValueError, match=field if field != "id" else "URL-safe"):
            Scenario(**{**good, field: value})


def test_as_json_round_trips() -> None:
    text = as_json()
    entries = json.loads(text)
    assert isinstance(entries, list) and len(entries) == len(SCENARIOS)
    for obj, entry in zip(entries, SCENARIOS, strict=True):
        assert list(obj) == list(JSON_FIELDS) == ["id", "title", "group", "summary", "code"]
        assert obj == {field: getattr(entry, field) for field in JSON_FIELDS}
    assert "</" not in text, "the JSON must be safe inside an HTML <script> element"
    assert all(line == line.rstrip() for line in text.splitlines())
    assert text == as_json()


# ------------------------------------------------------------------------------ running them
@pytest.mark.parametrize("entry", FINITE, ids=lambda e: e.id)
def test_scenario_runs_and_shows_what_it_promises(entry: Scenario) -> None:
    outputs = run(entry)
    assert not [o for o in outputs if o[:2] == ("stream", "stderr")], f"{entry.id} wrote to stderr: {outputs}"
    text = "\n".join(o[2] for o in outputs)
    missing = [e for e in entry.expect if e not in text]
    assert not missing, f"{entry.id}: {missing} not in its output:\n{text}"


@pytest.mark.parametrize("entry", FINITE, ids=lambda e: e.id)
def test_scenario_shows_the_same_every_time(entry: Scenario) -> None:
    assert run(entry) == run(entry), f"{entry.id} is not deterministic, or leaks state between runs"


def test_break_rule_names_a_catalogued_rule_and_its_page() -> None:
    text = shown("break-rule")
    named = set(RULE_ID.findall(text))
    assert named, f"no rule id in the output:\n{text}"
    for rule_id in named:
        assert rule_id in RULES, f"{rule_id} is not in the verifier's catalogue"
        assert RULES[rule_id].site_path in text, f"the page of {rule_id} ({RULES[rule_id].site_path}) is not shown"


class _LineBudgetSpent(Exception):
    """Raised into the script when it has executed LINE_BUDGET lines."""


def run_with_line_budget(code: str, budget: int) -> int:
    """Run *code* as a cell, stopping it after *budget* line events in the cell itself.

    Returns how many lines ran; raises ``_LineBudgetSpent`` if the budget ran out.
    """
    lines = 0

    def local(frame, event, arg):
        nonlocal lines
        if event == "line":
            lines += 1
            if lines >= budget:
                raise _LineBudgetSpent
        return local

    def tracer(frame, event, arg):
        return local if frame.f_code.co_filename == "<cell>" else None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        nbexec.run_cell(code, {"__name__": "__main__"})
    finally:
        sys.settrace(previous)
    return lines


def test_line_budget_lets_a_finite_script_finish() -> None:
    assert run_with_line_budget("count = 0\nfor _ in range(10):\n    count += 1\n", LINE_BUDGET) < LINE_BUDGET


@pytest.mark.parametrize("entry", [e for e in SCENARIOS if e.endless], ids=lambda e: e.id)
def test_endless_scenario_never_ends(entry: Scenario) -> None:
    with pytest.raises(_LineBudgetSpent):
        run_with_line_budget(entry.code, LINE_BUDGET)
