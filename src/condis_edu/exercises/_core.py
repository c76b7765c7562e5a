"""The exercise machinery: what an exercise is, how a submission is checked, how a result looks.

An exercise asks the reader for one thing (a handler, a DriverEntry, a whole small driver). Its
*public checks* each build a fresh simulation around the submission and say, in one sentence, what
they expect. :func:`check` runs every check and returns a :class:`CheckResult`, which notebooks
display as HTML.

Nothing the reader writes can make :func:`check` raise: an exception escaping the reader's code, a
verifier finding or a bug check becomes a failed check that says what happened. That keeps a
wrong attempt an ordinary *result* (notebooks are built with ``allow_errors: false``, and a reader
in the browser should see what to do next, not a traceback). A check cell run before its exercise
cell gets a result too: it says which cell to run first.

When a check fails, the same check runs again with the exercise's *reference* submission and the
result carries both traces side by side (:mod:`condis_edu.exercises._tracediff`). Every exercise
has at least two *hints*, from a nudge towards the rule to something close to the change to make.
The result's HTML carries the hints and the traces hidden; the site's ``docs/js/exercises.js``
reveals them, one hint at a time on request, only after the reader's own attempt.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal, Protocol

from condis_edu.errors import BugCheck, DriverCrashed, VerifierViolation
from condis_edu.exercises._markup import inline_html
from condis_edu.exercises._tracediff import TraceComparison, compare_traces

if TYPE_CHECKING:
    from condis_edu.harness.machine import Machine

__all__ = [
    "Check",
    "CheckFailed",
    "CheckOutcome",
    "CheckResult",
    "Exercise",
    "check",
    "exercises",
    "get",
    "hint",
    "record_machine",
    "register",
    "run_checks",
]

MIN_HINTS: Final = 2


class CheckFailed(Exception):
    """Raised inside a check function to fail it with a message for the reader."""


CheckFunction = Callable[[Any], None]
"""A check: takes the submission, returns normally to pass, raises :class:`CheckFailed` to fail."""


@dataclass(frozen=True, slots=True)
class Check:
    """One public check: a sentence the reader sees, and the function that verifies it."""

    expects: str
    """What the check expects, phrased so that "✓ <expects>" reads as a fact once it passes."""
    run: CheckFunction = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Exercise:
    """An exercise: its id, what it asks for, its public checks, graduated hints and a reference."""

    kind: ClassVar[str] = "exercise"
    """What sort of course item this is (knowledge checks say ``"knowledge"``)."""

    id: str
    title: str
    asks: str
    """What the reader must pass to ``check`` (e.g. "your MPCoCreateVc function")."""
    entry: str
    """The name the exercise cell defines; ``check(id)`` looks it up where it is called."""
    checks: tuple[Check, ...]
    hints: tuple[str, ...]
    """From a nudge (the concept, the rule, Microsoft's page) to something specific; never the answer."""
    reference: Callable[[], object] | None = field(default=None, repr=False, compare=False)
    """Returns a correct submission: failed checks show its trace beside the reader's."""
    accepts: Callable[[Any], bool] = field(default=callable, repr=False, compare=False)
    """Accepts the submission's type before any check runs (default: anything callable)."""


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """The outcome of one check on one submission."""

    expects: str
    passed: bool
    detail: str = ""
    """Why it failed (empty when it passed)."""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The result of :func:`check`: one outcome per public check, shown as HTML in notebooks."""

    exercise: Exercise
    outcomes: tuple[CheckOutcome, ...]
    comparison: TraceComparison | None = None
    """The first failing check's trace beside the reference's (``None`` when there is none)."""
    missing: str = ""
    """Set when there was nothing to check: what the reader should run first."""

    @property
    def passed(self) -> bool:
        """True when every public check passed."""
        return not self.missing and bool(self.outcomes) and all(o.passed for o in self.outcomes)

    @property
    def state(self) -> Literal["pass", "fail", "missing"]:
        """``pass``, ``fail`` or ``missing`` (nothing was checked): the HTML's ``data-result``."""
        return "missing" if self.missing else "pass" if self.passed else "fail"

    @property
    def failures(self) -> tuple[CheckOutcome, ...]:
        """The outcomes that failed."""
        return tuple(o for o in self.outcomes if not o.passed)

    def summary(self) -> str:
        """One line: verdict and how many checks pass."""
        if self.missing:
            return f"Not checked yet: `{self.exercise.entry}` is not defined ({self.exercise.id})"
        ok = sum(o.passed for o in self.outcomes)
        verdict = "Passed" if self.passed else "Not yet"
        return f"{verdict}: {ok} of {len(self.outcomes)} checks pass ({self.exercise.id})"

    def __repr__(self) -> str:
        lines = [self.summary()]
        if self.missing:
            lines.append(self.missing)
            return "\n".join(lines)
        for o in self.outcomes:
            lines.append(f"  {'✓' if o.passed else '✗'} {o.expects}")
            if o.detail:
                lines.append(f"      {o.detail}")
        if not self.passed:
            lines.append(f'{len(self.exercise.hints)} hints: hint("{self.exercise.id}", 1) shows the first.')
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = self.exercise
        head = (
            f'<div class="condis-check" data-exercise="{html.escape(e.id, quote=True)}" data-result="{self.state}" '
            f'data-kind="exercise" data-hints="{len(e.hints)}" role="status">'
            f'<p class="condis-check__title"><strong>{inline_html(self.summary())}</strong><br>'
            f"{inline_html(e.title)}</p>"
        )
        if self.missing:
            return f'{head}<p class="condis-check__missing">{inline_html(self.missing)}</p></div>'
        items = []
        for o in self.outcomes:
            mark = "✓" if o.passed else "✗"
            detail = f'<div class="condis-check__detail">{html.escape(o.detail)}</div>' if o.detail else ""
            items.append(
                f'<li class="condis-check__item" data-check="{"pass" if o.passed else "fail"}">'
                f'<span class="condis-check__mark" aria-hidden="true">{mark}</span> '
                f"{inline_html(o.expects)}{detail}</li>"
            )
        if self.passed:
            tail = '<p class="condis-check__footer">Well done. Compare with the solution below if you like.</p>'
        else:
            hints = "".join(
                f'<li class="condis-check__hint" data-hint="{n}" hidden>{inline_html(h)}</li>'
                for n, h in enumerate(e.hints, start=1)
            )
            diff = self.comparison.to_html() if self.comparison is not None else ""
            tail = (
                '<div class="condis-check__hints" hidden>'
                '<p class="condis-check__hints-title"><strong>Hints</strong></p>'
                f'<ol class="condis-check__hint-list">{hints}</ol></div>{diff}'
                '<p class="condis-check__footer">Edit the exercise cell, run it, then run this check cell yourself '
                '(its Run button, or Shift+Enter).<span class="condis-check__until-tried"> After that first try, '
                "hints open here one at a time, and the solution below can be opened.</span></p>"
            )
        return f'{head}<ul class="condis-check__list">{"".join(items)}</ul>{tail}</div>'




class CourseItem(Protocol):
    """What the registry holds: exercises and knowledge checks alike."""

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...

    kind: ClassVar[str]


_REGISTRY: Final[dict[str, Any]] = {}


def register[T: CourseItem](item: T) -> T:
    """Add an exercise or a knowledge check to the catalogue; ids are unique."""
    if item.id in _REGISTRY:
        raise ValueError(f"course item id {item.id!r} is registered twice")
    if isinstance(item, Exercise):
        if not item.checks:
            raise ValueError(f"exercise {item.id!r} has no checks")
        if len(item.hints) < MIN_HINTS:
            raise ValueError(f"exercise {item.id!r} has {len(item.hints)} hints; it needs at least {MIN_HINTS}")
    _REGISTRY[item.id] = item
    return item


def exercises(kind: str | None = None) -> dict[str, Any]:
    """Every registered course item by id, in notebook order (a copy); ``kind`` keeps one sort only.

    ``exercises("exercise")`` gives the :class:`Exercise` objects, ``exercises("knowledge")`` the
    knowledge checks; each item's ``kind`` attribute says which it is.
    """
    return {k: v for k, v in _REGISTRY.items() if kind is None or v.kind == kind}


def get(item_id: str) -> Any:
    """The exercise or knowledge check with this id; ``KeyError`` lists the known ids."""
    try:
        return _REGISTRY[item_id]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise KeyError(f"no exercise {item_id!r}; known exercises: {known}") from None


def _exercise(exercise_id: str) -> Exercise:
    item = get(exercise_id)
    if not isinstance(item, Exercise):
        raise KeyError(f"{exercise_id!r} is a knowledge check, not an exercise: use quiz({exercise_id!r})")
    return item


def hint(exercise_id: str, number: int = 1) -> str:
    """Hint ``number`` (1 is the first, the gentlest) of an exercise, as "Hint n of N: ..."."""
    hints = _exercise(exercise_id).hints
    if not 1 <= number <= len(hints):
        raise IndexError(f"{exercise_id} has hints 1 to {len(hints)}, not {number}")
    return f"Hint {number} of {len(hints)}: {hints[number - 1]}"


_FROM_CALLER: Final = object()


def check(exercise_id: str, submission: object = _FROM_CALLER) -> CheckResult:
    """Run every public check of exercise ``exercise_id``.

    ``check("nb03-create-vc")`` checks the function the exercise cell defines (the exercise's
    ``entry``, e.g. ``MyCoCreateVc``), looked up in the namespace ``check`` is called from; if that
    cell has not run yet, the result says so. ``check(id, submission)`` checks ``submission``.

    Never raises because of the submission: whatever goes wrong becomes a failed check.
    An unknown ``exercise_id`` is a mistake in the page, not the reader's, and raises ``KeyError``.
    """
    exercise = _exercise(exercise_id)
    if submission is _FROM_CALLER:
        namespace = sys._getframe(1).f_globals
        if exercise.entry not in namespace:
            return CheckResult(exercise, (), missing=_run_first(exercise))
        submission = namespace[exercise.entry]
    return run_checks(exercise, submission)


def _run_first(exercise: Exercise) -> str:
    return (
        f"This cell checks `{exercise.entry}`, which the exercise cell above defines, and that cell has not run "
        "yet. Run the exercise cell first (and, if you have not yet, the cells before it: the toolbar's Run all "
        "runs the whole page in order), then run this check again."
    )


def run_checks(exercise: Exercise, submission: object) -> CheckResult:
    """Run every check of ``exercise`` on ``submission`` (what :func:`check` does, given the exercise)."""
    if not exercise.accepts(submission):
        detail = f"{exercise.asks} was expected here, got {_describe(submission)}"
        return CheckResult(exercise, tuple(CheckOutcome(c.expects, False, detail) for c in exercise.checks))
    outcomes = []
    comparison = None
    for c in exercise.checks:
        with recording() as machines:
            outcome = _run_one(c, submission)
        outcomes.append(outcome)
        if not outcome.passed and comparison is None:
            comparison = _compare_with_reference(exercise, c, machines)
    return CheckResult(exercise, tuple(outcomes), comparison)


def _run_one(c: Check, submission: object) -> CheckOutcome:
    try:
        c.run(submission)
    except CheckFailed as failed:
        return CheckOutcome(c.expects, False, str(failed))
    except Exception as exc:  # the reader's code, or the engine reporting on it
        return CheckOutcome(c.expects, False, describe_exception(exc))
    return CheckOutcome(c.expects, True)


# ---------------------------------------------------------------- the reference run


_recorders: list[list[Machine]] = []


@contextmanager
def recording() -> Iterator[list[Machine]]:
    """Collect every machine a check builds (through :func:`record_machine`) while the block runs."""
    machines: list[Machine] = []
    _recorders.append(machines)
    try:
        yield machines
    finally:
        _recorders.pop()


def record_machine(machine: Machine) -> Machine:
    """Called by the checks' machine factory: lets a failed check's trace be shown afterwards."""
    if _recorders:
        _recorders[-1].append(machine)
    return machine


def _compare_with_reference(exercise: Exercise, c: Check, yours: list[Machine]) -> TraceComparison | None:
    """The failing check's trace with the reader's submission beside the same check's with the reference."""
    if exercise.reference is None or not yours:
        return None
    with recording() as theirs:
        if not _run_one(c, exercise.reference()).passed or not theirs:
            return None  # a reference that fails its own check has nothing to teach (the tests catch it)
    index = min(len(yours), len(theirs)) - 1
    return compare_traces(yours[index].trace, theirs[index].trace, c.expects)


def describe_exception(exc: BaseException) -> str:
    """A one-line, deterministic account of an exception for the reader."""
    # Imported here: the error module belongs to the engine and we only need it on this path.

    if isinstance(exc, VerifierViolation):
        return f"the verifier stopped the simulation: {exc}"
    if isinstance(exc, DriverCrashed) and exc.__cause__ is not None:
        cause = exc.__cause__
        return f"your code raised {type(cause).__name__}: {cause} (in {exc.call}){_name_advice(cause)}"
    if isinstance(exc, BugCheck):
        return f"the simulated system bug-checked (0x{exc.code:X}): {exc}"
    return f"{type(exc).__name__}: {exc}{_name_advice(exc)}"


def _name_advice(exc: BaseException) -> str:
    if isinstance(exc, NameError):
        return (
            ". A name from an earlier cell is missing: run the cells above the exercise first "
            "(Run all, in the toolbar, runs them in order)"
        )
    return ""


def _describe(value: object) -> str:
    if value is None:
        return "None"
    return f"a value of type {type(value).__name__}"
