"""The NDIS library core: handle resolution, dispatch to handlers, state changes, halting.

Everything that crosses the NDIS boundary goes through two methods:

* ``NdisLibrary.ddi`` wraps a driver's call into NDIS (trace + result);
* ``NdisLibrary.upcall`` wraps NDIS's call into a driver's handler. It pushes the driver
  on the "who is running" stack, checks the handler's return value against the
  handler's documented shape, and turns an exception escaping driver code into a
  simulated bug check (the machine halts; later calls raise ``SimulationHalted``).

State changes go through two more methods, and both are traced. ``NdisLibrary.move`` steps
one of the state tables (``condis_edu._library.states``) and records ``[table] label OLD -> NEW``;
``NdisLibrary.mark`` replaces an object's frozen ``flags`` record and records one ``[flags]``
line with every field it changed (an enum value by its member name). The rule that keeps the
trace readable: a mark is for what NDIS remembers about an object on its control path (a
pending activation, a request a driver pended and must still complete, a rejected incoming
call), never for per-NBL bookkeeping; the data path's counts and holders are not states and
stay out of the trace (the DDI calls that change them are already there). A mark that changes
no value records nothing.

The DDI implementations live in ``condis_edu._library.ddi.*`` and are re-exported by
``condis_edu.ndis``; they find their library through the handles they are given.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, TypeVar

from condis_edu._library.handlers import HandlerSpec
from condis_edu._library.objects import Adapter, Driver
from condis_edu._library.scheduler import Scheduler
from condis_edu._library.statemachine import Cell, Move, StateTable
from condis_edu._library.trace import Trace
from condis_edu.errors import (
    BugCheck,
    CallerUnknownError,
    CondisError,
    DriverCrashed,
    ForeignHandleError,
    HandlerReturnError,
    SimulationHalted,
    StaleHandleError,
    VerifierViolation,
    WrongHandleError,
)
from condis_edu.mirror.handles import NDIS_HANDLE, HandleTable, death_of, owner_of, target_of
from condis_edu.mirror.status import NDIS_STATUS_PENDING, is_status
from condis_edu.mirror.structures import DRIVER_OBJECT
from condis_edu.verifier.core import Verifier, VerifierMode
from condis_edu.verifier.finding import Finding

T = TypeVar("T")

_ACTIVE: list[NdisLibrary] = []
"""Libraries whose drivers are running now (innermost last): how DDIs without a handle
parameter, such as NdisRegisterProtocolDriver, find their machine."""


def active_library(ddi: str) -> NdisLibrary:
    """The library of the driver code running now; ``CallerUnknownError`` at harness level."""
    if not _ACTIVE:
        raise CallerUnknownError(f"{ddi} must be called from driver code (DriverEntry, a handler or a work item)")
    lib = _ACTIVE[-1]
    lib.check_alive()
    return lib


WORK_ITEM_SPEC = HandlerSpec(
    "Routine",
    "NDIS_IO_WORKITEM_ROUTINE",
    ("WorkItemContext", "NdisIoWorkItemHandle"),
    (),
    False,
    "nc-ndis-ndis_io_workitem_function",
)
DRIVER_ENTRY_SPEC = HandlerSpec("DriverEntry", "DriverEntry", ("DriverObject", "RegistryPath"), (), True, "")
DRIVER_UNLOAD_SPEC = HandlerSpec("DriverUnload", "DriverUnload", ("DriverObject",), (), False, "")


class NdisLibrary:
    """The simulated ndis.sys of one ``Machine``."""

    def __init__(
        self,
        *,
        verifier: VerifierMode = "strict",
        trace: bool = True,
        step_budget: int = 100_000,
        ndis_version: tuple[int, int] = (6, 86),
    ) -> None:
        self.handles = HandleTable(owner=self)
        self.trace = Trace(enabled=trace)
        self.scheduler = Scheduler(step_budget)
        self.trace.clock = self.scheduler
        self.verifier = Verifier(verifier, self.trace)
        self.ndis_version = ndis_version
        self.drivers: dict[str, Driver] = {}
        self.adapters: list[Adapter] = []
        self.stack: list[Driver] = []
        self.halted: CondisError | None = None
        self._driver_objects: list[tuple[DRIVER_OBJECT, Driver]] = []
        self.im_starting: set[str] = set()
        """Device instances an NdisIMInitializeDeviceInstanceEx has asked for and not yet started."""
        self.routes: list[Any] = []
        """Cached verdicts "every state this route depends on is fine" (each has a ``ready``
        flag, such as the data path's per-VC route): any state change (``move``, ``mark``,
        ``halt``, ``changed``) clears them all, so a route is rechecked after every change."""

    # ------------------------------------------------------------------ handles
    def resolve(self, handle: object, kinds: tuple[str, ...], param: str, ddi: str) -> Any:
        """Return the object behind *handle*, or raise the matching usage error."""
        if not isinstance(handle, NDIS_HANDLE):
            raise WrongHandleError(
                f"{ddi}: {param} must be an NDIS_HANDLE ({'/'.join(kinds)}), got {_type_name(handle)}"
            )
        if owner_of(handle) is not self:
            raise ForeignHandleError(f"{ddi}: {param} {handle.label} was minted by another Machine")
        if handle.kind not in kinds:
            raise WrongHandleError(f"{ddi}: {param} must be a {'/'.join(kinds)} handle, got {handle.label}")
        if death_of(handle) is not None:
            raise StaleHandleError(f"{ddi}: {param} {handle.label} is stale ({death_of(handle)})")
        return target_of(handle)

    def driver_for_object(self, DriverObject: object, ddi: str) -> Driver:
        """The Driver whose DRIVER_OBJECT this is (harness-minted objects only)."""
        for obj, driver in self._driver_objects:
            if obj is DriverObject:
                return driver
        raise WrongHandleError(f"{ddi}: DriverObject is not the DRIVER_OBJECT this Machine passed to DriverEntry")

    def add_driver_object(self, driver_object: DRIVER_OBJECT, driver: Driver) -> None:
        """Remember which Driver a DRIVER_OBJECT belongs to."""
        self._driver_objects.append((driver_object, driver))

    # ------------------------------------------------------------------ callers
    def current(self) -> Driver | None:
        """The driver whose code is running now (None at harness level)."""
        return self.stack[-1] if self.stack else None

    def caller(self, ddi: str) -> Driver:
        """The driver calling *ddi*; raise ``CallerUnknownError`` at harness level."""
        if not self.stack:
            raise CallerUnknownError(
                f"{ddi} must be called by a driver (from a handler, a work item, or inside "
                "machine.running_as(name)) because NDIS has to know who is calling"
            )
        return self.stack[-1]

    @contextmanager
    def running_as(self, driver: Driver) -> Iterator[None]:
        """Run harness code as if it were *driver*'s code (an IOCTL path, say)."""
        self.check_alive()
        self.stack.append(driver)
        _ACTIVE.append(self)
        try:
            yield
        finally:
            _ACTIVE.pop()
            self.stack.pop()

    # ------------------------------------------------------------------ dispatch
    def check_alive(self) -> None:
        """Raise ``SimulationHalted`` if the machine bug-checked earlier."""
        if self.halted is not None:
            raise SimulationHalted(f"the machine halted earlier: {str(self.halted).splitlines()[0]}")

    def ddi(self, driver: str, name: str, shown: tuple[object, ...], impl: Callable[..., T], *args: Any) -> T:
        """Run the implementation of DDI *name* called by *driver*, tracing entry and result."""
        if self.halted is not None:
            self.check_alive()
        trace = self.trace
        if not trace.enabled:
            return impl(*args)
        if self.stack:
            driver = self.stack[-1].name  # the trace names who really calls, not who should
        seq = trace.call(driver, name, shown)
        try:
            result = impl(*args)
        except BaseException:
            trace.unwind(seq)
            raise
        trace.ret(seq, result)
        return result

    def upcall(
        self,
        driver: Driver,
        spec: HandlerSpec,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        shown: tuple[object, ...] = (),
    ) -> Any:
        """Call a driver's handler; validate its result; crash the machine if it raises."""
        if self.halted is not None:
            self.check_alive()
        trace = self.trace
        seq = trace.upcall(driver.name, spec.role, shown) if trace.enabled else 0
        self.stack.append(driver)
        _ACTIVE.append(self)
        try:
            result = fn(*args)
        except VerifierViolation as exc:
            _ACTIVE.pop()
            self.stack.pop()
            trace.unwind(seq)
            self.halt(exc)
            raise
        except (BugCheck, SimulationHalted):
            _ACTIVE.pop()
            self.stack.pop()
            trace.unwind(seq)
            raise
        except Exception as exc:
            _ACTIVE.pop()
            self.stack.pop()
            trace.unwind(seq)
            crash = DriverCrashed(
                f"{type(exc).__name__} escaped {driver.name}'s {spec.role}: {exc} "
                "(KMODE_EXCEPTION_NOT_HANDLED, bug check 0x1E)",
                driver.name,
                spec.role,
            )
            self.halt(crash)
            raise crash from exc
        _ACTIVE.pop()
        self.stack.pop()
        try:
            result = self._normalize(result, spec, driver)
        except HandlerReturnError as exc:
            trace.unwind(seq)
            crash = DriverCrashed(str(exc), driver.name, spec.role)
            self.halt(crash)
            raise crash from exc
        if seq:
            trace.ret(seq, result)
        return result

    @staticmethod
    def _normalize(result: Any, spec: HandlerSpec, driver: Driver) -> Any:
        if not spec.returns_status:
            return None
        where = f"{driver.name}'s {spec.role}"
        if not spec.outs:
            if not is_status(result):
                raise HandlerReturnError(f"{where} must return an NDIS_STATUS, returned {_type_name(result)}")
            return result
        if is_status(result):
            # A bare status is fine when the out-parameters are meaningless (failure, pending).
            return (result, *([None] * len(spec.outs)))
        if not isinstance(result, tuple) or len(result) != 1 + len(spec.outs) or not is_status(result[0]):
            outs = ", ".join(spec.outs)
            raise HandlerReturnError(f"{where} must return (Status, {outs}), returned {_type_name(result)}")
        return result

    def halt(self, exc: CondisError) -> None:
        """Stop the machine (first stop wins)."""
        if self.halted is None:
            self.halted = exc
            self.changed()
            self.trace.note(f"machine halted: {str(exc).splitlines()[0]}")

    # ------------------------------------------------------------------ verifier
    def report(self, rule_id: str, driver: Driver | str, call: str, detail: str) -> Finding:
        """Report a violation: in strict mode it halts the machine and raises."""
        name = driver if isinstance(driver, str) else driver.name
        try:
            return self.verifier.report(rule_id, name, call, detail)
        except VerifierViolation as exc:
            self.halt(exc)  # strict mode: like Driver Verifier, any violation stops the machine
            raise

    def note(self, rule_id: str, driver: Driver | str, call: str, detail: str) -> Finding:
        """A finding that never halts: the DDI returns the status NDIS documents for the misuse."""
        return self.verifier.note(rule_id, driver if isinstance(driver, str) else driver.name, call, detail)

    # ------------------------------------------------------------------ state
    def move(self, obj: Any, attr: str, table: StateTable, event: enum.Enum) -> Cell | None:
        """Look up ``(obj.attr, event)`` in *table*; apply it if it is a move."""
        cell = table.step(getattr(obj, attr), event)
        if isinstance(cell, Move):
            old = getattr(obj, attr)
            setattr(obj, attr, cell.target)
            if self.routes:
                self.changed()
            if self.trace.enabled:
                self.trace.state(_label(obj), table.name, old, cell.target)
        return cell

    def mark(self, obj: Any, **changes: Any) -> None:
        """Replace *obj*'s frozen ``flags`` record with one that has *changes* (the only writer).

        Traced like a move: one ``[flags]`` line naming every field whose value changed. A mark
        that changes nothing (setting a field to the value it has) records nothing, as a table
        input that is refused moves nothing. Cached data-path routes go back to their checks.
        """
        old = obj.flags
        new = replace(old, **changes)
        obj.flags = new
        if self.routes:
            self.changed()
        if self.trace.enabled:
            changed = [(name, getattr(old, name), value) for name, value in changes.items()]
            changed = [(name, _shown(was), _shown(now)) for name, was, now in changed if was != now]
            if changed:
                self.trace.change(_label(obj), "flags", changed)

    def changed(self) -> None:
        """Something a cached route depends on changed: every route goes back to its checks."""
        routes = self.routes
        for route in routes:
            route.ready = False
        routes.clear()

    def force(self, obj: Any, attr: str, table: StateTable, event: enum.Enum) -> None:
        """Apply a move the engine has already validated (raises if the table disagrees)."""
        cell = self.move(obj, attr, table, event)
        if not isinstance(cell, Move):
            raise AssertionError(f"engine bug: {table.name} has no move for {getattr(obj, attr)} x {event}")

    # ------------------------------------------------------------------ scheduling
    def schedule(self, label: str, callback: Callable[[], object], delay: int = 0) -> None:
        """Queue NDIS work (bind, notifications, work items) on the deterministic scheduler."""
        self.scheduler.schedule(callback, label, delay)

    def kill(self, handle: NDIS_HANDLE | None, reason: str) -> None:
        """Mark *handle* stale."""
        if handle is not None:
            HandleTable.kill(handle, reason)

    @staticmethod
    def is_pending(status: int) -> bool:
        """``status == NDIS_STATUS_PENDING``."""
        return status == NDIS_STATUS_PENDING


def _shown(value: object) -> object:
    """A flag's value as the trace shows it: an enum by its member name (``OPEN``), the rest as is."""
    return value.name if isinstance(value, enum.Enum) else value


def _label(obj: Any) -> str:
    handle = getattr(obj, "handle", None)
    if isinstance(handle, NDIS_HANDLE):
        return handle.label
    return type(obj).__name__


def _type_name(value: object) -> str:
    if value is None:
        return "None"
    if isinstance(value, (int, str, bool, float)):
        return f"{type(value).__name__} {value!r}"
    return type(value).__name__


def library_of(handle: object, kinds: tuple[str, ...], param: str, ddi: str) -> tuple[NdisLibrary, Any]:
    """Find the library that minted *handle* and the object behind it (for DDI entry points)."""
    lib = owner_of(handle) if isinstance(handle, NDIS_HANDLE) else None
    if not isinstance(lib, NdisLibrary):
        raise WrongHandleError(f"{ddi}: {param} must be an NDIS_HANDLE ({'/'.join(kinds)}), got {_type_name(handle)}")
    lib.check_alive()
    return lib, lib.resolve(handle, kinds, param, ddi)
