"""The exercise machinery: what an exercise is, how a submission is checked, how a result looks.

An exercise asks the reader for one thing (a handler, a DriverEntry, a whole small driver). Its
*public checks* each build a fresh simulation around the submission and say, in one sentence, what
they expect. :func:`check` runs every check and returns a :class:`CheckResult`, which notebooks
display as HTML.

Nothing the reader writes can make :func:`check` raise: an exception escaping the reader's code, a
verifier finding or a bug check becomes a failed check that says what happened. That keeps a
wrong attempt an ordinary *result* (notebooks are built with ``allow_errors: false``, and a reader
in the browser should see a hint, not a traceback).

The result's HTML carries ``data-exercise`` and ``data-result`` attributes; the site's
``docs/js/exercises.js`` reads them to unlock the solution once the reader has tried.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from condis_edu.errors import BugCheck, DriverCrashed, VerifierViolation

__all__ = [
    "Check",
    "CheckFailed",
    "CheckOutcome",
    "CheckResult",
    "Exercise",
    "check",
    "exercises",
    "get",
    "register",
    "run_checks",
]


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
    """An exercise: its id, what it asks for, its public checks and one hint."""

    id: str
    title: str
    asks: str
    """What the reader must pass to ``check`` (e.g. "your MPCoCreateVc function")."""
    checks: tuple[Check, ...]
    hint: str
    kind: Callable[[Any], bool] = field(default=callable, repr=False, compare=False)
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

    @property
    def passed(self) -> bool:
        """True when every public check passed."""
        return bool(self.outcomes) and all(o.passed for o in self.outcomes)

    @property
    def failures(self) -> tuple[CheckOutcome, ...]:
        """The outcomes that failed."""
        return tuple(o for o in self.outcomes if not o.passed)

    def summary(self) -> str:
        """One line: verdict and how many checks pass."""
        ok = sum(o.passed for o in self.outcomes)
        verdict = "Passed" if self.passed else "Not yet"
        return f"{verdict}: {ok} of {len(self.outcomes)} checks pass ({self.exercise.id})"

    def __repr__(self) -> str:
        lines = [self.summary()]
        for o in self.outcomes:
            lines.append(f"  {'✓' if o.passed else '✗'} {o.expects}")
            if o.detail:
                lines.append(f"      {o.detail}")
        if not self.passed:
            lines.append(f"Hint: {self.exercise.hint}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = self.exercise
        state = "pass" if self.passed else "fail"
        items = []
        for o in self.outcomes:
            mark = "✓" if o.passed else "✗"
            detail = f'<div class="condis-check__detail">{html.escape(o.detail)}</div>' if o.detail else ""
            items.append(
                f'<li class="condis-check__item" data-check="{"pass" if o.passed else "fail"}">'
                f'<span class="condis-check__mark" aria-hidden="true">{mark}</span> '
                f"{_inline(o.expects)}{detail}</li>"
            )
        footer = (
            '<p class="condis-check__footer">Well done. Compare with the solution below if you like.</p>'
            if self.passed
            else f'<p class="condis-check__hint"><strong>Hint:</strong> {_inline(e.hint)}</p>'
            '<p class="condis-check__footer">Edit the exercise cell, run it, then run this check again. '
            "After your first attempt in the browser, the solution below can be opened.</p>"
        )
        return (
            f'<div class="condis-check" data-exercise="{html.escape(e.id, quote=True)}" data-result="{state}" '
            f'role="status">'
            f'<p class="condis-check__title"><strong>{html.escape(self.summary())}</strong><br>'
            f"{_inline(e.title)}</p>"
            f'<ul class="condis-check__list">{"".join(items)}</ul>{footer}</div>'
        )


def _inline(text: str) -> str:
    """Escape ``text`` for HTML, turning `backticks` into <code> (our only inline markup)."""
    parts = html.escape(text, quote=False).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


_REGISTRY: Final[dict[str, Exercise]] = {}


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the catalogue; ids are unique."""
    if exercise.id in _REGISTRY:
        raise ValueError(f"exercise id {exercise.id!r} is registered twice")
    if not exercise.checks:
        raise ValueError(f"exercise {exercise.id!r} has no checks")
    _REGISTRY[exercise.id] = exercise
    return exercise


def exercises() -> dict[str, Exercise]:
    """Every registered exercise, by id (a copy)."""
    return dict(_REGISTRY)


def get(exercise_id: str) -> Exercise:
    """The exercise with this id; ``KeyError`` lists the known ids."""
    try:
        return _REGISTRY[exercise_id]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise KeyError(f"no exercise {exercise_id!r}; known exercises: {known}") from None


def check(exercise_id: str, submission: object) -> CheckResult:
    """Run every public check of exercise ``exercise_id`` on ``submission``.

    Never raises because of the submission: whatever goes wrong becomes a failed check.
    An unknown ``exercise_id`` is a mistake in the page, not the reader's, and raises ``KeyError``.
    """
    return run_checks(get(exercise_id), submission)


def run_checks(exercise: Exercise, submission: object) -> CheckResult:
    """Run every check of ``exercise`` on ``submission`` (what :func:`check` does, given the exercise)."""
    if not exercise.kind(submission):
        detail = f"{exercise.asks} was expected here, got {_describe(submission)}"
        return CheckResult(exercise, tuple(CheckOutcome(c.expects, False, detail) for c in exercise.checks))
    return CheckResult(exercise, tuple(_run_one(c, submission) for c in exercise.checks))


def _run_one(c: Check, submission: object) -> CheckOutcome:
    try:
        c.run(submission)
    except CheckFailed as failed:
        return CheckOutcome(c.expects, False, str(failed))
    except Exception as exc:  # the reader's code, or the engine reporting on it
        return CheckOutcome(c.expects, False, describe_exception(exc))
    return CheckOutcome(c.expects, True)


def describe_exception(exc: BaseException) -> str:
    """A one-line, deterministic account of an exception for the reader."""
    # Imported here: the error module belongs to the engine and we only need it on this path.

    if isinstance(exc, VerifierViolation):
        return f"the verifier stopped the simulation: {exc}"
    if isinstance(exc, DriverCrashed) and exc.__cause__ is not None:
        cause = exc.__cause__
        return f"your code raised {type(cause).__name__}: {cause} (in {exc.call})"
    if isinstance(exc, BugCheck):
        return f"the simulated system bug-checked (0x{exc.code:X}): {exc}"
    return f"{type(exc).__name__}: {exc}"


def _describe(value: object) -> str:
    if value is None:
        return "None"
    return f"a value of type {type(value).__name__}"
