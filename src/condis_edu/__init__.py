"""condis_edu: run CoNDIS drivers written in Python against a faithful, deterministic NDIS.

Two audiences, two namespaces:

* drivers import ``condis_edu.ndis`` (Microsoft's names: ``NdisCoCreateVc``,
  ``NDIS_MINIPORT_CO_CHARACTERISTICS``, ``NDIS_STATUS_PENDING``...);
* learners drive a ``Machine`` (PEP 8 names: ``load_driver``, ``start_adapter``,
  ``bind_all``, ``run_until_idle``, ``trace``).

Sample drivers live in ``condis_edu.samples``.
"""

from condis_edu._library.trace import EventKind, MermaidDiagram, Trace, TraceEvent
from condis_edu.errors import (
    BugCheck,
    CallerUnknownError,
    CondisError,
    DriverCrashed,
    ForeignHandleError,
    HandlerReturnError,
    HandlerSignatureError,
    HarnessError,
    RuleBugCheck,
    SimulationHalted,
    StaleHandleError,
    StepBudgetExceeded,
    StructureTypeError,
    UsageError,
    VerifierViolation,
    WrongHandleError,
)
from condis_edu.harness.machine import Machine
from condis_edu.mirror.handles import NDIS_HANDLE
from condis_edu.verifier import RULES, Finding, Rule

__all__ = [
    "NDIS_HANDLE",
    "RULES",
    "BugCheck",
    "CallerUnknownError",
    "CondisError",
    "DriverCrashed",
    "EventKind",
    "Finding",
    "ForeignHandleError",
    "HandlerReturnError",
    "HandlerSignatureError",
    "HarnessError",
    "Machine",
    "MermaidDiagram",
    "Rule",
    "RuleBugCheck",
    "SimulationHalted",
    "StaleHandleError",
    "StepBudgetExceeded",
    "StructureTypeError",
    "Trace",
    "TraceEvent",
    "UsageError",
    "VerifierViolation",
    "WrongHandleError",
]

__version__ = "0.1.0"
