"""Knowledge checks: a small scenario run on the engine, its trace, and one question about it.

A knowledge check asks the reader to *predict* what the simulated NDIS does: the next handler it
calls, the status a request ends with, the driver that may delete a VC. The scenario runs every time
the question is shown (at build time and again live in the browser), and the correct answer is read
from the trace or the state that run produced, so a question can never drift from the engine.

In a notebook::

    from condis_edu.exercises import quiz
    quiz("nb03-who-deletes")

shows the trace and the choices; on the site a click on a choice is graded in the page
(``docs/js/exercises.js``). In Python, ``quiz(id).grade("client")`` grades an answer.

The page must not give the answer away in its source, so the HTML carries only a digest of it:
FNV-1a (32 bits) of ``"<id>\\n<answer>"`` as UTF-8, which the script recomputes for the chosen
answer. It keeps an honest reader honest; it is not meant to stop anyone determined.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Final

from condis_edu._library.trace import WORK_ITEM_DDIS, EventKind, Trace, TraceEvent
from condis_edu.exercises._core import get
from condis_edu.exercises._markup import inline_html

__all__ = [
    "Graded",
    "KnowledgeCheck",
    "Question",
    "QuizView",
    "answer_digest",
    "first_event",
    "handler_choices",
    "next_upcall",
    "quiz",
    "return_of",
    "status_choices",
    "trace_until",
]


@dataclass(frozen=True, slots=True)
class Question:
    """One asked question, built from a scenario that has just run."""

    scenario: str
    """What happened, in a sentence or two (Markdown-ish: `backticks` become code)."""
    trace: str
    """The part of the trace the reader sees, as the engine printed it."""
    prompt: str
    choices: tuple[str, ...]
    answer: str
    """The correct choice, read from the run's trace or state."""
    explanation: str
    """Why, shown once the reader has answered."""

    def __post_init__(self) -> None:
        if self.answer not in self.choices:
            raise ValueError(f"the answer {self.answer!r} is not among the choices {self.choices!r}")
        if len(set(self.choices)) != len(self.choices) or len(self.choices) < 2:
            raise ValueError(f"choices must be two or more distinct answers, got {self.choices!r}")


@dataclass(frozen=True, slots=True)
class KnowledgeCheck:
    """A question about a scenario; ``build`` runs the scenario and returns the question."""

    kind: ClassVar[str] = "knowledge"

    id: str
    title: str
    build: Callable[[], Question] = field(repr=False, compare=False)
    pages: tuple[tuple[str, str], ...] = ()
    """Microsoft's pages about it, as (title, address)."""

    def question(self) -> Question:
        """Run the scenario afresh and ask."""
        return self.build()

    def grade(self, answer: str) -> Graded:
        """Grade ``answer`` against a fresh run of the scenario."""
        return Graded(self, self.question(), answer.strip())


@dataclass(frozen=True, slots=True)
class Graded:
    """A graded answer: ``correct`` and, as text, whether and why."""

    check: KnowledgeCheck
    question: Question
    given: str

    @property
    def correct(self) -> bool:
        """True when ``given`` is the answer the engine's run produced."""
        return self.given == self.question.answer

    def __repr__(self) -> str:
        if self.correct:
            return f"Right: {self.given}. {self.question.explanation}"
        choices = ", ".join(self.question.choices)
        return f"Not quite: {self.given!r} is not it. Choose one of: {choices}. Look at the trace again."


def answer_digest(check_id: str, answer: str) -> str:
    """FNV-1a 32-bit of ``"<id>\\n<answer>"`` (UTF-8), 8 hex digits; ``exercises.js`` computes the same."""
    h = 0x811C9DC5
    for byte in f"{check_id}\n{answer}".encode():
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return f"{h:08x}"


@dataclass(frozen=True, slots=True)
class QuizView:
    """What ``quiz(id)`` shows: the scenario, its trace, the question and the choices."""

    check: KnowledgeCheck
    question: Question

    def grade(self, answer: str) -> Graded:
        """Grade ``answer`` against this run."""
        return Graded(self.check, self.question, answer.strip())

    def __repr__(self) -> str:
        q = self.question
        lines = [f"Knowledge check {self.check.id}: {self.check.title}", q.scenario, q.trace, q.prompt]
        lines += [f"  - {c}" for c in q.choices]
        lines.append(f'Answer with quiz("{self.check.id}").grade("<your choice>").')
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        c, q = self.check, self.question
        cid = html.escape(c.id, quote=True)
        choices = "".join(
            f'<li><button type="button" class="condis-quiz__choice" data-choice="{html.escape(ch, quote=True)}">'
            f"<code>{html.escape(ch)}</code></button></li>"
            for ch in q.choices
        )
        pages = (
            '<p class="condis-quiz__pages">Read more: '
            + ", ".join(f'<a href="{html.escape(u, quote=True)}">{html.escape(t)}</a>' for t, u in c.pages)
            + "</p>"
            if c.pages
            else ""
        )
        return (
            f'<div class="condis-quiz" data-knowledge="{cid}" data-kind="knowledge" '
            f'data-answer="{answer_digest(c.id, q.answer)}" role="group" aria-labelledby="condis-quiz-{cid}">'
            f'<p class="condis-quiz__title" id="condis-quiz-{cid}"><strong>Knowledge check:</strong> '
            f"{inline_html(c.title)}</p>"
            f'<p class="condis-quiz__scenario">{inline_html(q.scenario)}</p>'
            f'<pre class="condis-quiz__trace"><code>{html.escape(q.trace)}</code></pre>'
            f'<p class="condis-quiz__prompt"><strong>{inline_html(q.prompt)}</strong></p>'
            f'<ul class="condis-quiz__choices">{choices}</ul>'
            '<p class="condis-quiz__feedback" aria-live="polite"></p>'
            f'<div class="condis-quiz__explain" hidden><p>{inline_html(q.explanation)}</p>{pages}</div>'
            '<p class="condis-quiz__footer">Pick an answer: it is checked here in the page. The trace above was '
            "computed by the simulation, and so is the answer.</p></div>"
        )




def quiz(check_id: str) -> QuizView:
    """Run knowledge check ``check_id``'s scenario and show its question."""
    item = get(check_id)
    if not isinstance(item, KnowledgeCheck):
        raise KeyError(f"{check_id!r} is an exercise, not a knowledge check: use check({check_id!r})")
    return QuizView(item, item.question())


# ---------------------------------------------------------------- reading questions off a trace

HIDDEN: Final = WORK_ITEM_DDIS


def trace_until(trace: Trace, stop_seq: int, start: int = 0) -> str:
    """The trace as ``to_text`` prints it, from event index ``start`` up to and including event ``stop_seq``.

    Work-item bookkeeping is left out, as in the notebooks' diagrams. The last line never shows
    what its call returned: that is often what the question asks.
    """
    lines = []
    for line in trace.to_text(start=start, hide=HIDDEN).splitlines():
        head = line.split(maxsplit=1)[0]
        if head.isdigit() and int(head) > stop_seq:
            break
        if head.isdigit() and int(head) == stop_seq and ") = " in line:
            line = line[: line.index(") = ") + 1]
        lines.append(line)
    return "\n".join(lines)


def next_upcall(
    trace: Trace, after_seq: int, where: Callable[[TraceEvent], bool] = lambda e: True
) -> TraceEvent:
    """The first handler NDIS calls after event ``after_seq`` for which ``where`` holds."""
    for event in trace:
        if event.seq > after_seq and event.kind is EventKind.UPCALL and event.name not in _ROUTINES and where(event):
            return event
    raise LookupError(f"NDIS called no matching handler after event {after_seq}")


_ROUTINES: Final = frozenset({"NDIS_IO_WORKITEM_ROUTINE"})


def first_event(trace: Trace, kind: EventKind, name: str, start: int = 0) -> TraceEvent:
    """The first event of ``kind`` named ``name`` from event index ``start`` on."""
    for event in trace.events[start:]:
        if event.kind is kind and event.name == name:
            return event
    raise LookupError(f"no {kind.value} of {name} in the trace")


def return_of(trace: Trace, call: TraceEvent) -> TraceEvent:
    """The RETURN event closing ``call``."""
    for event in trace:
        if event.kind is EventKind.RETURN and event.call_seq == call.seq:
            return event
    raise LookupError(f"{call.name} (event {call.seq}) has not returned")


def handler_choices(
    trace: Trace,
    answer: str,
    where: Callable[[TraceEvent], bool] = lambda e: True,
    others: Sequence[str] = (),
    count: int = 4,
) -> tuple[str, ...]:
    """``answer`` and ``count - 1`` other handler names, sorted so the position gives nothing away.

    The others are ``others`` first, then handlers this trace shows NDIS calling (those ``where``
    accepts): the ones first called after ``answer``, then the ones called before it, nearest first.
    """
    called: list[str] = []
    for e in trace:
        if e.kind is EventKind.UPCALL and e.name not in _ROUTINES and where(e) and e.name not in called:
            called.append(e.name)
    at = called.index(answer) if answer in called else len(called)
    chosen = [answer]
    for name in [*others, *called[at + 1 :], *reversed(called[:at])]:
        if name not in chosen and len(chosen) < count:
            chosen.append(name)
    return tuple(sorted(chosen))


def status_choices(answer: str, others: Sequence[str]) -> tuple[str, ...]:
    """``answer`` among ``others`` (statuses by name), sorted."""
    return tuple(sorted({answer, *others}))
