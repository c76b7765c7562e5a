"""Every exception condis_edu raises, in one tree.

We keep three tiers apart:

1. NDIS outcomes are *values*: a DDI returns an NDIS_STATUS and nothing is raised.
2. A driver that breaks a documented contract gets a verifier *violation*.
3. A caller that misuses the Python harness gets an ordinary Python error.

```text
CondisError
├── UsageError                    the harness was misused (never an NDIS outcome)
│   ├── WrongHandleError          (TypeError)  not an NDIS_HANDLE, or the wrong kind of handle
│   ├── ForeignHandleError        (ValueError) a handle minted by another Machine
│   ├── StaleHandleError          (ValueError) a handle whose object is gone
│   ├── StructureTypeError        (TypeError)  a parameter of the wrong Python type
│   ├── HandlerSignatureError     (TypeError)  a handler that cannot take NDIS's arguments
│   ├── HandlerReturnError        (TypeError)  a handler returned something NDIS cannot read
│   ├── CallerUnknownError        (ValueError) a DDI needs to know which driver calls it
│   └── HarnessError              (ValueError) a Machine method used in the wrong situation
├── StepBudgetExceeded            (RuntimeError) the scheduler ran more steps than allowed
├── SimulationHalted              (RuntimeError) the machine bug-checked earlier
├── VerifierViolation             a driver broke a rule of the catalogue (strict mode)
│   └── RuleBugCheck              ... and the rule is a system-wide failure (also a BugCheck)
└── BugCheck                      the simulated system stopped
    ├── RuleBugCheck
    └── DriverCrashed             an exception escaped a driver's code
```

After a ``BugCheck`` the machine is halted: every later DDI or harness call raises
``SimulationHalted`` naming the original stop. In the default ``strict`` verifier mode a
``VerifierViolation`` halts the machine too, as Driver Verifier's bug check 0xC4 would (NDIS
may be in the middle of an operation it cannot finish); build a new ``Machine`` to go on,
or use ``Machine(verifier="collect")``, where violations are recorded, the offending call is
refused and the machine keeps running. A ``UsageError`` raised at harness level changes
nothing and leaves the machine usable; one that escapes a driver's handler is a crash
(``DriverCrashed``), as an exception in kernel code would be.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from condis_edu.rendering import Report, bugcheck_title, readable_traceback

if TYPE_CHECKING:
    from condis_edu.verifier.finding import Finding


class CondisError(Exception):
    """Base class of every condis_edu exception."""


class UsageError(CondisError):
    """The Python harness was used in a way that has no NDIS meaning."""


class WrongHandleError(UsageError, TypeError):
    """A parameter that must be an NDIS_HANDLE is not one, or is a handle of another kind."""


class ForeignHandleError(UsageError, ValueError):
    """The handle was minted by a different Machine."""


class StaleHandleError(UsageError, ValueError):
    """The handle's object was deleted, closed or deregistered."""


class StructureTypeError(UsageError, TypeError):
    """A parameter is not the NDIS structure (or Python type) this DDI takes."""


class HandlerSignatureError(UsageError, TypeError):
    """A registered handler cannot accept the arguments NDIS passes to that handler."""


class HandlerReturnError(UsageError, TypeError):
    """A handler returned a value NDIS cannot interpret (for example not an NDIS_STATUS)."""


class CallerUnknownError(UsageError, ValueError):
    """A DDI whose caller NDIS must know was called from outside any driver.

    Call it from a handler or work item, or wrap the call in ``machine.running_as(name)``.
    """


class HarnessError(UsageError, ValueError):
    """A Machine method was called in a situation where it has no meaning."""


class StepBudgetExceeded(CondisError, RuntimeError):
    """The scheduler ran more steps than the machine's ``step_budget`` allows.

    Usually a driver that re-queues a work item forever. The machine stays usable: raise
    the budget or fix the driver and call ``run_until_idle()`` again.
    """


class SimulationHalted(CondisError, RuntimeError):
    """The machine stopped earlier (bug check); nothing more can run on it."""


class VerifierViolation(CondisError):
    """A driver broke a rule of the verifier catalogue.

    Attributes:
        finding: the ``Finding`` with rule id, summary, driver, call and pages.
    """

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message())
        self.finding = finding

    @property
    def rule_id(self) -> str:
        """The rule id, e.g. ``"R2.09"``."""
        return self.finding.rule.id

    def report(self) -> Report:
        """What the stop shows. In strict mode every violation stops the machine as Driver
        Verifier would (0xC4); a bug-check rule carries its own code."""
        code = getattr(self, "code", 0xC4)
        return self.finding.report(bugcheck_title(code), code)

    def _repr_html_(self) -> str:
        return self.report().html()

    def _render_traceback_(self) -> list[str]:
        return readable_traceback(self, self.report())


class BugCheck(CondisError):
    """The simulated system stopped, as Windows does with a bug check (blue screen).

    Attributes:
        code: the bug check code (0x7C BUGCODE_NDIS_DRIVER, 0xC4 verifier, 0x1E exception).
    """

    code: int = 0xC4
    parameters: tuple[int, int, int, int] = (0, 0, 0, 0)
    """The four bug check parameters; parameter 1 of 0x7C is the NDIS_BUGCHECK_* subcode
    (https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x7c--bugcode-ndis-driver).
    Parameters that are kernel addresses on Windows are 0 here."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    def report(self) -> Report:
        """What the stop shows: its name and code, and the message."""
        return Report(title=bugcheck_title(self.code), detail=str(self), bugcheck_code=self.code)

    def _repr_html_(self) -> str:
        return self.report().html()

    def _render_traceback_(self) -> list[str]:
        return readable_traceback(self, self.report())


class RuleBugCheck(VerifierViolation, BugCheck):
    """A violation of a rule whose documented consequence is a system-wide failure."""

    def __init__(self, finding: Finding) -> None:
        VerifierViolation.__init__(self, finding)
        self.code = finding.rule.bugcheck_code
        self.parameters = (finding.rule.bugcheck_parameter1, 0, 0, 0)


class DriverCrashed(BugCheck):
    """An exception escaped a driver's DriverEntry, handler or work item.

    The original exception is chained as ``__cause__``.
    """

    code = 0x1E  # KMODE_EXCEPTION_NOT_HANDLED

    def __init__(self, message: str, driver: str, call: str) -> None:
        super().__init__(message)
        self.driver = driver
        self.call = call

    def report(self) -> Report:
        """What the stop shows: its name and code, the driver, the handler and what escaped."""
        return Report(
            title=bugcheck_title(self.code),
            driver=self.driver,
            call=self.call,
            detail=str(self),
            bugcheck_code=self.code,
        )
