"""Exercises for the condis-edu notebooks, checked in the reader's browser and in the test suite.

In a notebook::

    from condis_edu.exercises import check
    check("nb03-create-vc", MPCoCreateVc)

shows which public checks pass, and a hint when one does not. Each exercise lives in
``condis_edu.exercises.catalogue``, grouped by notebook; ids are ``nbNN-topic``.
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
)
from condis_edu.exercises._progress import progress_items

__all__ = [
    "Check",
    "CheckFailed",
    "CheckOutcome",
    "CheckResult",
    "Exercise",
    "check",
    "exercises",
    "get",
    "progress_items",
]
