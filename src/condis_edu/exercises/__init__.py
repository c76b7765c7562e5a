"""Exercises and knowledge checks for the condis-edu notebooks, checked in the browser and in the tests.

In a notebook, an exercise cell defines a function and its check cell runs::

    from condis_edu.exercises import check
    check("nb03-create-vc")  # checks MyCoCreateVc, defined by the exercise cell

which shows which public checks pass; after a failed attempt ``hint("nb03-create-vc", 1)`` (or, on
the site, the hint button) gives the first of its graduated hints. A knowledge check shows a small
scenario's trace and asks about it::

    from condis_edu.exercises import quiz
    quiz("nb03-who-deletes")

Both live in ``condis_edu.exercises.catalogue``, grouped by notebook; ids are ``nbNN-topic``, and
each item's ``kind`` says ``"exercise"`` or ``"knowledge"``.
"""

# Importing the catalogue registers its exercises (the framework in _core does not import it).
from condis_edu.exercises import catalogue  # noqa: F401
from condis_edu.exercises._core import (
    Check,
    CheckFailed,
    CheckOutcome,
    CheckResult,
    Exercise,
    check,
    exercises,
    get,
    hint,
)
from condis_edu.exercises._knowledge import Graded, KnowledgeCheck, Question, QuizView, answer_digest, quiz
from condis_edu.exercises._progress import progress_items
from condis_edu.exercises._tracediff import TraceComparison

__all__ = [
    "Check",
    "CheckFailed",
    "CheckOutcome",
    "CheckResult",
    "Exercise",
    "Graded",
    "KnowledgeCheck",
    "Question",
    "QuizView",
    "TraceComparison",
    "answer_digest",
    "check",
    "exercises",
    "get",
    "hint",
    "progress_items",
    "quiz",
]
