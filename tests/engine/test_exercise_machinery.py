"""The exercise machinery: hint order, the trace comparison, and knowledge checks graded from the engine.

The notebooks' exercises themselves are tested in ``tests/docs/test_exercises.py``; here are the
parts that do not need a notebook, so they also run inside Pyodide.
"""

from __future__ import annotations

import re

import pytest

from condis_edu import EventKind, Machine
from condis_edu.exercises import (
    Check,
    Exercise,
    KnowledgeCheck,
    Question,
    answer_digest,
    check,
    exercises,
    get,
    hint,
    quiz,
)
from condis_edu.exercises._core import run_checks
from condis_edu.exercises._knowledge import handler_choices, next_upcall, trace_until
from condis_edu.exercises._markup import address, inline_html, inline_text
from condis_edu.exercises._tracediff import compare_lines, trace_lines
from condis_edu.exercises.catalogue._helpers import fresh, sample_stack
from condis_edu.ndis import NDIS_STATUS_PENDING
from condis_edu.samples import loopback_miniport

KNOWLEDGE = sorted(exercises("knowledge"))
EXERCISES = sorted(exercises("exercise"))

# What the engine answers today. A change here is a change in the simulated NDIS: the pages'
# questions follow it on their own, and this list says that it happened.
EXPECTED_ANSWERS = {
    "nb01-next-after-register": "MiniportSetOptions",
    "nb02-after-initialize": "MiniportRestart",
    "nb03-who-deletes": "call_manager",
    "nb04-make-call-returns": "NDIS_STATUS_PENDING",
    "nb05-mcm-create-vc": "ProtocolCoCreateVc",
    "nb06-virtual-miniport-start": "MiniportInitializeEx",
    "nb07-send-while-paused": "NDIS_STATUS_PAUSED",
    "nb08-small-buffer": "NDIS_STATUS_BUFFER_TOO_SHORT",
}


# ---------------------------------------------------------------- the registry


def test_one_registry_two_kinds_every_notebook_has_both() -> None:
    items = exercises()
    assert {item.kind for item in items.values()} == {"exercise", "knowledge"}
    assert set(items) == set(KNOWLEDGE) | set(EXERCISES)
    for nb in range(1, 9):
        prefix = f"nb{nb:02d}-"
        assert sum(i.startswith(prefix) for i in KNOWLEDGE) >= 1, f"notebook {nb} has no knowledge check"
        assert sum(i.startswith(prefix) for i in EXERCISES) >= 2, f"notebook {nb} has fewer than two exercises"


def test_check_and_quiz_refuse_the_other_kind() -> None:
    with pytest.raises(KeyError, match="is a knowledge check"):
        check("nb03-who-deletes", print)
    with pytest.raises(KeyError, match="is an exercise"):
        quiz("nb03-create-vc")


# ---------------------------------------------------------------- hints


@pytest.mark.parametrize("ex_id", EXERCISES)
def test_hints_come_in_order_and_at_least_two(ex_id: str) -> None:
    ex = get(ex_id)
    assert len(ex.hints) >= 2
    shown = [hint(ex_id, n) for n in range(1, len(ex.hints) + 1)]
    assert shown == [f"Hint {n} of {len(ex.hints)}: {h}" for n, h in enumerate(ex.hints, 1)]
    assert len(set(ex.hints)) == len(ex.hints), f"{ex_id}: two hints say the same"
    # The first one points at Microsoft's documentation.
    assert re.search(r"\]\((ddi:|net:|https://learn\.microsoft\.com/)", ex.hints[0]), ex.hints[0]
    with pytest.raises(IndexError, match="hints 1 to"):
        hint(ex_id, 0)


def test_hints_render_in_order_hidden_in_a_failed_result() -> None:
    def never(MiniportAdapterContext: object, NdisVcHandle: object) -> tuple[int, None]:
        return NDIS_STATUS_PENDING, None

    html = check("nb03-create-vc", never)._repr_html_()
    numbers = re.findall(r'data-hint="(\d)" hidden>', html)
    assert numbers == ["1", "2", "3"]
    first, second = (html.index(f'data-hint="{n}"') for n in (1, 2))
    assert first < second
    assert "learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_co_create_vc" in html


def test_markup_links_and_code() -> None:
    assert address("ddi:nf-ndis-ndiscocreatevc").endswith("/drivers/ddi/ndis/nf-ndis-ndiscocreatevc")
    assert address("net:creating-a-vc").endswith("/drivers/network/creating-a-vc")
    html = inline_html("See [Creating a VC](net:creating-a-vc) and `x<y`.")
    assert '<a href="https://learn.microsoft.com/windows-hardware/drivers/network/creating-a-vc">Creating a VC</a>' in html
    assert "<code>x&lt;y</code>" in html
    assert inline_text("[A](net:a)") == "A (https://learn.microsoft.com/windows-hardware/drivers/network/a)"
    assert "<a" not in inline_html("[not a link](javascript:alert(1))")


# ---------------------------------------------------------------- the trace comparison


def test_identical_traces_have_no_divergence() -> None:
    c = compare_lines(["a", "b"], ["a", "b"])
    assert c.first_divergence is None
    assert [r.tag for r in c.rows] == ["same", "same"]


def test_first_divergence_is_the_first_changed_line_and_gaps_line_up() -> None:
    yours = ["load", "create = PENDING", "finding", "end"]
    reference = ["load", "create = SUCCESS", "peer create", "state", "end"]
    c = compare_lines(yours, reference, "check")
    assert c.first_divergence == 1
    assert c.rows[0].tag == "same" and c.rows[-1].tag == "same" and c.rows[-1].yours == "end"
    assert c.rows[1].yours == "create = PENDING" and c.rows[1].reference == "create = SUCCESS"
    assert any(r.tag == "reference-only" and r.yours is None for r in c.rows)
    text = c.to_text().splitlines()
    assert text[1].startswith(">> create = PENDING")
    html = c.to_html()
    assert html.count('data-first="true"') == 1 and "first difference" in html
    assert html.startswith('<div class="condis-diff" hidden>')


def test_a_missing_call_is_a_gap_not_a_shift() -> None:
    c = compare_lines(["a", "c", "d"], ["a", "b", "c", "d"])
    assert [(r.yours, r.reference, r.tag) for r in c.rows] == [
        ("a", "a", "same"),
        (None, "b", "reference-only"),
        ("c", "c", "same"),
        ("d", "d", "same"),
    ]


def test_long_traces_show_a_window_around_the_divergence() -> None:
    same = [f"line {i}" for i in range(40)]
    c = compare_lines([*same, "mine", *same], [*same, "theirs", *same])
    start, stop = c.window()
    assert start == 40 - 3 and stop == 40 + 10
    assert "… 37 matching lines before this" in c.to_html()


def test_trace_lines_drop_numbers_and_work_items() -> None:
    m = sample_stack()
    lines = trace_lines(m.trace)
    assert lines and not any(re.match(r"^\s*\d+ t=", line) for line in lines)
    assert not any("NdisQueueIoWorkItem" in line for line in lines)


def test_a_failed_check_compares_the_same_check_run_with_the_reference() -> None:
    def wrong(MiniportVcContext: object) -> int:
        return NDIS_STATUS_PENDING  # deletion cannot pend

    result = check("nb02-delete-vc", wrong)
    assert result.comparison is not None
    assert result.comparison.check == result.failures[0].expects
    first = result.comparison.rows[result.comparison.first_divergence or 0]
    assert "MiniportCoDeleteVc" in (first.yours or "") and "NDIS_STATUS_PENDING" in (first.yours or "")
    assert "NDIS_STATUS_SUCCESS" in (first.reference or "")


def test_no_reference_or_no_machine_means_no_comparison() -> None:
    def needs_machine(f: object) -> None:
        fresh()
        raise AssertionError("always fails")

    ex = Exercise("nb00-x", "t", "a function", "f", (Check("c", needs_machine),), ("h1", "h2"))
    assert run_checks(ex, print).comparison is None
    with_ref = Exercise("nb00-y", "t", "f", "f", (Check("c", needs_machine),), ("h1", "h2"), reference=lambda: print)
    assert run_checks(with_ref, print).comparison is None, "a reference that fails too shows nothing"


# ---------------------------------------------------------------- knowledge checks


@pytest.mark.parametrize("kc_id", KNOWLEDGE)
def test_knowledge_answer_comes_from_the_engine_and_grades(kc_id: str) -> None:
    item = get(kc_id)
    assert isinstance(item, KnowledgeCheck) and item.kind == "knowledge"
    view = quiz(kc_id)
    q = view.question
    assert q.answer == EXPECTED_ANSWERS[kc_id]
    assert q.answer in q.choices and len(q.choices) >= 3 and list(q.choices) == sorted(q.choices)
    assert view.grade(q.answer).correct and item.grade(f"  {q.answer} ").correct
    for other in q.choices:
        if other != q.answer:
            assert not view.grade(other).correct
            assert repr(view.grade(other)).startswith("Not quite")
    assert q.trace.strip(), "the reader sees a trace"
    # The page carries the digest of the answer, never the answer as data.
    html = view._repr_html_()
    assert f'data-answer="{answer_digest(kc_id, q.answer)}"' in html
    assert f'data-choice="{q.answer}"' in html
    assert q.explanation not in html.split('class="condis-quiz__explain" hidden>')[0]
    # Deterministic: a second run asks the same question.
    assert quiz(kc_id).question == q


def test_answer_digest_is_fnv1a_32() -> None:
    # The function docs/js/exercises.js computes; _fnv1a is checked against published test vectors.
    assert _fnv1a(b"a") == 0xE40C292C and _fnv1a(b"foobar") == 0xBF9CF968
    assert answer_digest("a", "b") == f"{_fnv1a(b'a' + bytes([10]) + b'b'):08x}"
    assert answer_digest("", "") == f"{_fnv1a(bytes([10])):08x}"
    assert answer_digest("nb", "é") != answer_digest("nb", "e")


def _fnv1a(data: bytes) -> int:
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) % 2**32
    return h


def test_questions_refuse_an_answer_outside_the_choices() -> None:
    with pytest.raises(ValueError, match="not among the choices"):
        Question("s", "t", "p", ("a", "b"), "c", "e")
    with pytest.raises(ValueError, match="distinct"):
        Question("s", "t", "p", ("a", "a"), "a", "e")


def test_next_upcall_and_choices_read_the_trace() -> None:
    m = Machine()
    m.load_driver(loopback_miniport)
    m.start_adapter("loopback_miniport")
    register = next(e for e in m.trace if e.kind is EventKind.CALL and e.name == "NdisMRegisterMiniportDriver")
    nxt = next_upcall(m.trace, register.seq)
    assert nxt.name == "MiniportSetOptions" and nxt.seq > register.seq
    choices = handler_choices(m.trace, nxt.name, lambda e: e.target == "loopback_miniport")
    assert "MiniportSetOptions" in choices and len(choices) == 4
    shown = trace_until(m.trace, register.seq)
    assert shown.splitlines()[-1].rstrip().endswith("NdisMRegisterMiniportDriver()")
    assert "MiniportSetOptions" not in shown, "the shown trace stops before the answer"
    with pytest.raises(LookupError):
        next_upcall(m.trace, 10_000)


def test_trace_until_hides_what_the_last_call_returned() -> None:
    m = sample_stack()
    call = next(e for e in m.trace if e.kind is EventKind.CALL and e.name == "NdisSetOptionalHandlers")
    full = m.trace.to_text()
    assert "= NDIS_STATUS_SUCCESS" in next(line for line in full.splitlines() if line.split()[0] == str(call.seq))
    last = trace_until(m.trace, call.seq).splitlines()[-1]
    assert last.endswith(")") and "NDIS_STATUS" not in last
