"""The simulated machine: the Pythonic harness around the NDIS library.

A ``Machine`` plays the parts of Windows that are not NDIS drivers: the I/O manager that
loads drivers (``load_driver`` calls ``DriverEntry``), Plug and Play that starts adapters
(``start_adapter``: MiniportInitializeEx, then MiniportRestart) and binds protocols
(``bind_all``), and the clock (``run_until_idle`` runs pending work in a fixed order).

>>> from condis_edu import Machine
>>> from condis_edu.samples import loopback_miniport
>>> m = Machine()
>>> m.load_driver(loopback_miniport)
<Driver loopback_miniport>
>>> nic = m.start_adapter("loopback_miniport")
>>> nic.name, nic.state.name
('loopback0', 'RUNNING')
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from condis_edu._library.core import DRIVER_ENTRY_SPEC, DRIVER_UNLOAD_SPEC, NdisLibrary
from condis_edu._library.ddi.datapath import peek_state
from condis_edu._library.ddi.intermediate import (
    is_intermediate,
    pause_stack_above,
    restart_stack_above,
    unassociated_im,
)
from condis_edu._library.ddi.requests import reset_adapter
from condis_edu._library.handlers import HANDLER_SPECS
from condis_edu._library.objects import Adapter, Binding, Driver, ProtocolDriver
from condis_edu._library.pnp import (
    attempts_in_flight,
    bind,
    halt_adapter_now,
    initialize_adapter,
    pause_adapter,
    request_restart,
    unbind,
)
from condis_edu._library.states.adapter import AdapterState
from condis_edu._library.states.af import AfPending
from condis_edu._library.states.binding import BindingState
from condis_edu._library.states.call import CallPending, CallState
from condis_edu._library.states.vc import DATA_STATES
from condis_edu._library.trace import WORK_ITEM_DDIS, Trace
from condis_edu.errors import HarnessError
from condis_edu.mirror.status import NT_SUCCESS, status_name
from condis_edu.mirror.structures import DRIVER_OBJECT
from condis_edu.verifier.core import VerifierMode
from condis_edu.verifier.finding import FindingList

__all__ = ["Machine"]

_UNBINDABLE = frozenset({BindingState.RUNNING, BindingState.PAUSED, BindingState.PAUSING, BindingState.RESTARTING})
"""Binding states an unbind may start from (Pausing/Restarting: it waits for the PnP event in flight)."""


class Machine:
    """A simulated Windows machine running NDIS and the drivers you load.

    Args:
        verifier: ``"strict"`` (violations raise) or ``"collect"`` (violations are recorded
            in ``findings`` and the engine refuses the offending call).
        trace: record the trace (``False`` makes every call cheaper; ``trace`` stays empty).
        step_budget: most scheduler steps one ``run_until_idle`` may take before raising
            ``StepBudgetExceeded``.
        ndis_version: the (major, minor) NDIS version this machine runs.
    """

    WORK_ITEM_DDIS = WORK_ITEM_DDIS
    """DDI names to pass as ``hide=`` to trace renderers to drop work-item bookkeeping."""

    def __init__(
        self,
        *,
        verifier: VerifierMode = "strict",
        trace: bool = True,
        step_budget: int = 10_000,
        ndis_version: tuple[int, int] = (6, 86),
    ) -> None:
        self._lib = NdisLibrary(verifier=verifier, trace=trace, step_budget=step_budget, ndis_version=ndis_version)
        self._adapter_counts: dict[str, int] = {}
        self._stack_paused: dict[str, list[Adapter]] = {}

    # ------------------------------------------------------------------ inspection
    @property
    def trace(self) -> Trace:
        """Everything that crossed the NDIS boundary, in order."""
        return self._lib.trace

    @property
    def findings(self) -> FindingList:
        """Verifier findings recorded so far (in strict mode, at most the one that was raised)."""
        return self._lib.verifier.findings

    @property
    def halted(self) -> Exception | None:
        """The bug check that stopped the machine, or None."""
        return self._lib.halted

    @property
    def now(self) -> int:
        """Simulated time (scheduler ticks)."""
        return self._lib.scheduler.now

    @property
    def step_budget(self) -> int:
        """Steps one ``run_until_idle`` may take."""
        return self._lib.scheduler.step_budget

    @step_budget.setter
    def step_budget(self, value: int) -> None:
        self._lib.scheduler.step_budget = value

    @property
    def drivers(self) -> list[Driver]:
        """Loaded drivers, in load order."""
        return list(self._lib.drivers.values())

    @property
    def adapters(self) -> list[Adapter]:
        """Adapters that exist (not halted), in start order."""
        return list(self._lib.adapters)

    def driver(self, name: str) -> Driver:
        """The loaded driver called *name*."""
        try:
            return self._lib.drivers[name]
        except KeyError:
            known = ", ".join(self._lib.drivers) or "none"
            raise HarnessError(f"no driver {name!r} is loaded (loaded: {known})") from None

    def adapter(self, name: str) -> Adapter:
        """The adapter called *name* (e.g. ``"loopback0"``)."""
        for adapter in self._lib.adapters:
            if adapter.name == name:
                return adapter
        raise HarnessError(f"no adapter {name!r} (adapters: {', '.join(a.name for a in self._lib.adapters) or 'none'})")

    def pending(self) -> list[str]:
        """Labels of the work queued on the scheduler."""
        return self._lib.scheduler.pending()

    # ------------------------------------------------------------------ drivers
    def load_driver(self, driver: ModuleType | Any, name: str | None = None) -> Driver:
        """Load a driver: build its DRIVER_OBJECT and call its ``DriverEntry``.

        *driver* is a module (or any object) with a ``DriverEntry(DriverObject, RegistryPath)``
        function, or that function itself. The name defaults to ``DRIVER_NAME`` if the module
        defines one, else the last part of the module name. If DriverEntry fails the returned
        ``Driver`` has ``loaded == False`` and the machine forgets it.
        """
        lib = self._lib
        lib.check_alive()
        self._check_top_level("load_driver")
        entry: Callable[..., Any] | None = (
            driver if callable(driver) and not isinstance(driver, ModuleType) else getattr(driver, "DriverEntry", None)
        )
        if entry is None or not callable(entry):
            raise HarnessError(f"{driver!r} has no DriverEntry function")
        if name is None:
            module_name = driver.__name__ if isinstance(driver, ModuleType) else getattr(entry, "__module__", "driver")
            name = getattr(driver, "DRIVER_NAME", None) or str(module_name).rsplit(".", 1)[-1]
        if not name.isidentifier():
            raise HarnessError(f"driver name {name!r} must be a Python identifier (it names a diagram participant)")
        if name in lib.drivers:
            raise HarnessError(f"a driver called {name!r} is already loaded")
        driver_object = DRIVER_OBJECT(DriverName=f"\\Driver\\{name}", _owner=lib)
        registry_path = f"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\{name}"
        record = Driver(name, driver_object, registry_path, driver)
        lib.add_driver_object(driver_object, record)
        lib.drivers[name] = record
        lib.trace.note(f"load {name}")
        record.in_driver_entry = True
        try:
            status = lib.upcall(record, DRIVER_ENTRY_SPEC, entry, (driver_object, registry_path))
        finally:
            record.in_driver_entry = False
        if NT_SUCCESS(status):
            record.loaded = True
            lib.trace.add_participant(name, lower=bool(record.miniports) and record.protocol is None)
            unassociated = unassociated_im(record)
            if unassociated:
                lib.report("R5.01", record, "DriverEntry", f"returned {status_name(status)} but {unassociated}")
            return record
        lib.trace.add_participant(name, lower=False)
        leftovers = [m.handle.label for m in record.live_miniports()]
        if record.protocol is not None and not record.protocol.deregistered:
            leftovers.append(record.protocol.handle.label)
        del lib.drivers[name]
        if leftovers:
            lib.report(
                "R1.06",
                record,
                "DriverEntry",
                f"returned {status_name(status)} but left registered: {', '.join(leftovers)}",
            )
        return record

    def unload_driver(self, name: str) -> None:
        """Unload a driver: halt its adapters, unbind its bindings, call its unload routine."""
        lib = self._lib
        lib.check_alive()
        self._check_top_level("unload_driver")
        record = self.driver(name)
        for miniport in record.live_miniports():
            for adapter in list(miniport.adapters):
                self.halt_adapter(adapter)
        protocol = record.protocol
        if protocol is not None and not protocol.deregistered:
            for binding in list(reversed(protocol.bindings)):
                self._unbind(binding)
        lib.trace.note(f"unload {name}")
        live = record.live_miniports()
        if live and live[0].chars.UnloadHandler is not None:
            lib.upcall(record, _spec("UnloadHandler"), live[0].chars.UnloadHandler, (record.driver_object,))
        elif record.driver_object.DriverUnload is not None:
            lib.upcall(record, DRIVER_UNLOAD_SPEC, record.driver_object.DriverUnload, (record.driver_object,))
        still = [m.handle.label for m in record.live_miniports()]
        if record.protocol is not None and not record.protocol.deregistered:
            still.append(record.protocol.handle.label)
        del lib.drivers[name]
        record.loaded = False
        if still:
            rule = "R1.45" if len(record.miniports) > 1 and record.live_miniports() else "R1.06"
            if any(is_intermediate(m.chars) for m in record.miniports) and record.protocol is not None:
                rule = "R5.03"  # an IM: both edges go in its unload routine
            lib.report(
                rule,
                record,
                "MiniportDriverUnload" if record.miniports else "DriverUnload",
                "still registered after unload: " + ", ".join(still),
            )

    # ------------------------------------------------------------------ adapters
    def start_adapter(self, driver: str | Driver, name: str | None = None, *, run: bool = True) -> Adapter:
        """Start a new adapter of a miniport driver: MiniportInitializeEx, then MiniportRestart.

        The adapter is named *name* or ``<prefix><n>``, where the prefix is the driver's
        ``ADAPTER_PREFIX`` (if its module defines one) or its name. With *run* the scheduler
        runs until idle, so a pended restart completes before this returns.
        """
        lib = self._lib
        lib.check_alive()
        self._check_top_level("start_adapter")
        record = driver if isinstance(driver, Driver) else self.driver(driver)
        live = record.live_miniports()
        if not live:
            raise HarnessError(f"{record.name} did not register a miniport driver")
        miniport = live[-1]
        if name is None:
            prefix = getattr(record.module, "ADAPTER_PREFIX", record.name)
            index = self._adapter_counts.get(record.name, 0)
            self._adapter_counts[record.name] = index + 1
            name = f"{prefix}{index}"
        if any(a.name == name for a in lib.adapters):
            raise HarnessError(f"an adapter called {name!r} already exists")
        lib.trace.note(f"start adapter {name}")
        adapter = initialize_adapter(lib, miniport, name)
        if run:
            self.run_until_idle()
        return adapter

    def pause_adapter(self, adapter: Adapter | str, *, run: bool = True) -> None:
        """Pause a running adapter and the stack above it, top-down.

        Any IM virtual miniport stacked on the adapter pauses first; then every protocol bound to
        the adapter gets ``NetEventPause`` (its binding goes Pausing, then Paused), and only then
        does NDIS call ``MiniportPause``. Sends on a Paused binding come back ``NDIS_STATUS_PAUSED``.
        """
        target = self._adapter(adapter)
        self._check_top_level("pause_adapter")
        if target.state is not AdapterState.RUNNING:
            raise HarnessError(f"{target.name} is {target.state.name}; only a RUNNING adapter can be paused")
        self._lib.trace.note(f"pause adapter {target.name}")

        self._stack_paused[target.name] = pause_stack_above(self._lib, target)  # IM virtual miniports first
        pause_adapter(self._lib, target)
        if run:
            self.run_until_idle()

    def restart_adapter(self, adapter: Adapter | str, *, run: bool = True) -> None:
        """Restart a paused adapter: MiniportRestart, then ``NetEventRestart`` to each binding above.

        Asked for while the adapter is still pausing (a protocol pended NetEventPause, or
        MiniportPause pended), the restart is queued: it runs once the pause has finished.
        """
        target = self._adapter(adapter)
        self._check_top_level("restart_adapter")
        pausing = target.flags.stack_pausing or target.state is AdapterState.PAUSING
        if target.state is not AdapterState.PAUSED and not pausing:
            raise HarnessError(f"{target.name} is {target.state.name}; only a PAUSED adapter can be restarted")
        if target.flags.restart_queued:
            raise HarnessError(f"{target.name}: a restart is already queued behind its pause")
        self._lib.trace.note(f"restart adapter {target.name}" + (" (queued behind its pause)" if pausing else ""))
        request_restart(self._lib, target)
        above = self._stack_paused.pop(target.name, [])
        if above:
            restart_stack_above(self._lib, target, above)  # then the virtual miniports above it
        if run:
            self.run_until_idle()

    def halt_adapter(self, adapter: Adapter | str) -> None:
        """Unbind every protocol from the adapter, pause it, and halt it (MiniportHaltEx)."""
        target = self._adapter(adapter)
        self._check_top_level("halt_adapter")
        lib = self._lib
        lib.trace.note(f"halt adapter {target.name}")
        for binding in list(reversed(target.bindings)):
            self._unbind(binding)
        if target.state is AdapterState.RUNNING:
            pause_adapter(lib, target)
            self.run_until_idle()
        if target.state is not AdapterState.PAUSED:
            raise HarnessError(f"{target.name} is {target.state.name}; it must reach PAUSED before it is halted")
        halt_adapter_now(lib, target)
        self.run_until_idle()

    def reset_adapter(self, adapter: Adapter | str, *, run: bool = True) -> int:
        """NDIS resets the adapter: RESET_START to every binding, MiniportResetEx, RESET_END.

        Returns what MiniportResetEx returned (PENDING: NdisMResetComplete follows). While the
        reset runs, NDIS refuses sends and OID requests with NDIS_STATUS_RESET_IN_PROGRESS.
        """

        target = self._adapter(adapter)
        self._check_top_level("reset_adapter")
        self._lib.trace.note(f"reset adapter {target.name}")
        status = reset_adapter(self._lib, target)
        if run:
            self.run_until_idle()
        return status

    def _adapter(self, adapter: Adapter | str) -> Adapter:
        self._lib.check_alive()
        if isinstance(adapter, Adapter):
            if adapter not in self._lib.adapters:
                raise HarnessError(f"{adapter.name} is not an adapter of this machine (or it was halted)")
            return adapter
        return self.adapter(adapter)

    # ------------------------------------------------------------------ bindings
    def bind(self, protocol: str | Driver, adapter: Adapter | str, *, run: bool = True) -> Binding | None:
        """Ask *protocol* to bind to *adapter* (ProtocolBindAdapterEx); returns the binding, if any."""
        lib = self._lib
        self._check_top_level("bind")
        target = self._adapter(adapter)
        record = protocol if isinstance(protocol, Driver) else self.driver(protocol)
        registration = self._protocol(record)
        if target.state is not AdapterState.RUNNING:
            raise HarnessError(f"{target.name} is {target.state.name}; NDIS binds protocols to RUNNING adapters")
        if any(b.protocol is registration for b in target.bindings):
            raise HarnessError(f"{record.name} is already bound to {target.name}")
        lib.trace.note(f"bind {record.name} to {target.name}")
        attempt = bind(lib, registration, target)
        if run:
            self.run_until_idle()
        return attempt.binding if attempt.binding is not None and attempt.binding.handle.alive else None

    def bind_all(self, *, run: bool = True) -> list[Binding]:
        """Bind every loaded protocol to every running adapter it is not bound to yet.

        Adapters are taken in start order and protocols in load order (so a call manager
        loaded before a client binds first). Returns the bindings that exist afterwards.
        """
        lib = self._lib
        lib.check_alive()
        self._check_top_level("bind_all")
        for adapter in list(lib.adapters):
            if adapter.state is not AdapterState.RUNNING:
                continue
            for record in list(lib.drivers.values()):
                protocol = record.protocol
                if protocol is None or protocol.deregistered:
                    continue
                if any(b.protocol is protocol for b in adapter.bindings):
                    continue
                lib.trace.note(f"bind {record.name} to {adapter.name}")
                bind(lib, protocol, adapter)
        if run:
            self.run_until_idle()
        return [b for a in lib.adapters for b in a.bindings]

    def unbind(self, protocol: str | Driver, adapter: Adapter | str) -> None:
        """Unbind *protocol* from *adapter* (pause the binding, then ProtocolUnbindAdapterEx)."""
        self._check_top_level("unbind")
        target = self._adapter(adapter)
        record = protocol if isinstance(protocol, Driver) else self.driver(protocol)
        registration = self._protocol(record)
        for binding in target.bindings:
            if binding.protocol is registration:
                self._unbind(binding)
                return
        raise HarnessError(f"{record.name} is not bound to {target.name}")

    def _unbind(self, binding: Binding) -> None:
        lib = self._lib
        if binding.state not in _UNBINDABLE:
            self.run_until_idle()
        if binding.state not in _UNBINDABLE:
            return
        lib.trace.note(f"unbind {binding.protocol.driver.name} from {binding.adapter.name}")
        unbind(lib, binding)
        self.run_until_idle()

    @staticmethod
    def _protocol(record: Driver) -> ProtocolDriver:
        if record.protocol is None or record.protocol.deregistered:
            raise HarnessError(f"{record.name} did not register a protocol driver")
        return record.protocol

    # ------------------------------------------------------------------ running
    def run_until_idle(self, *, audit: bool = False) -> int:
        """Run queued work (completions, work items, notifications) until none is left.

        Returns the number of steps. With *audit*, then check that every pended request
        was completed (see ``audit``).

        Raises:
            StepBudgetExceeded: the run took more than ``step_budget`` steps.
        """
        lib = self._lib
        lib.check_alive()
        self._check_top_level("run_until_idle")
        steps = lib.scheduler.run_until_idle()
        if audit:
            self.audit()
        return steps

    def step(self) -> bool:
        """Run one queued entry; False if nothing was queued."""
        self._lib.check_alive()
        self._check_top_level("step")
        return self._lib.scheduler.step()

    @contextmanager
    def running_as(self, name: str) -> Iterator[None]:
        """Run the block as driver *name*'s code (for DDIs whose caller NDIS must know).

        Sample drivers use it for their "application" entry points (``client.make_call``),
        the way a real driver runs code when an IOCTL reaches it.
        """
        with self._lib.running_as(self.driver(name)):
            yield

    def _check_top_level(self, what: str) -> None:
        if self._lib.stack:
            raise HarnessError(f"Machine.{what}() cannot be called from driver code")

    # ------------------------------------------------------------------ checks
    def audit(self) -> FindingList:
        """Report every request a driver pended and never completed (rule X1.06) and the
        teardown duties still open (R2.43, R2.45). Meaningful when the machine is idle."""
        lib = self._lib
        before = len(lib.verifier.findings)
        for adapter in list(lib.adapters):
            if adapter.pause_pending or adapter.restart_pending:
                what = "MiniportPause" if adapter.pause_pending else "MiniportRestart"
                lib.report("X1.06", adapter.driver, what, f"{adapter.name}: pended and never completed")
            for binding in adapter.bindings:
                if binding.pnp_pending:
                    lib.report(
                        "X1.06", binding.driver, "ProtocolNetPnPEvent", f"{binding.handle.label}: never completed"
                    )
                for af in binding.afs:
                    if af.pending is not None:
                        lib.report(
                            "X1.06",
                            af.registration.cm_driver if af.pending is not AfPending.NOTIFY_CLOSE else binding.driver,
                            "address family",
                            f"{af.handle.label}: {af.pending.value} pended",
                        )
                    for sap in af.saps:
                        if sap.pending is not None:
                            lib.report(
                                "X1.06",
                                af.registration.cm_driver,
                                "SAP",
                                f"{sap.handle.label}: {sap.pending.value} pended",
                            )
            for vc in adapter.vcs:
                if vc.activation_pending or vc.deactivation_pending:
                    what = "MiniportCoActivateVc" if vc.activation_pending else "MiniportCoDeactivateVc"
                    lib.report("X1.06", adapter.driver, what, f"{vc.handle.label}: pended and never completed")
                if vc.call_pending is not None:
                    owner = (
                        vc.client_binding.driver
                        if vc.call_pending is CallPending.INCOMING and vc.client_binding
                        else vc.cm_driver
                    )
                    lib.report(
                        "X1.06",
                        owner,
                        f"{vc.call_pending.value} call",
                        f"{vc.handle.label}: pended and never completed",
                    )
                if vc.call_state is CallState.CLOSE_INDICATED and vc.client_binding is not None:
                    lib.report(
                        "R2.43",
                        vc.client_binding.driver,
                        "ProtocolClIncomingCloseCall",
                        f"{vc.handle.label}: the client never called NdisClCloseCall",
                    )
                if vc.must_delete:
                    lib.report(
                        "R2.43",
                        vc.creator_driver,
                        "ProtocolClIncomingCloseCall",
                        f"{vc.handle.label}: closed with an error status but not deleted",
                    )
                if vc.incoming_rejected and vc.state in DATA_STATES and vc.call_state is CallState.IDLE:
                    lib.report(
                        "R2.45",
                        vc.cm_driver,
                        "ProtocolCmIncomingCallComplete",
                        f"{vc.handle.label}: rejected incoming call, VC still active",
                    )
        return FindingList(lib.verifier.findings[before:])

    def snapshot(self) -> tuple[Any, ...]:
        """A structural summary of NDIS's state (no trace), for "nothing changed" checks."""
        lib = self._lib
        drivers = tuple(
            (
                d.name,
                d.loaded,
                tuple((m.handle.label, m.deregistered, m.co is not None, m.cm is not None) for m in d.miniports),
                None
                if d.protocol is None
                else (
                    d.protocol.handle.label,
                    d.protocol.deregistered,
                    d.protocol.co is not None,
                    d.protocol.cl is not None,
                    d.protocol.cm is not None,
                    tuple(b.handle.label for b in d.protocol.bindings),
                ),
            )
            for d in lib.drivers.values()
        )
        adapters = tuple(
            (
                a.handle.label,
                a.name,
                a.state.name,
                a.reset_state.name,
                a.flags,
                a.pause_pending,
                a.restart_pending,
                tuple(
                    (
                        b.handle.label,
                        b.state.name,
                        b.pnp_pending,
                        tuple(
                            (
                                af.handle.label,
                                af.state.name,
                                af.pending,
                                tuple((s.handle.label, s.state.name, s.pending) for s in af.saps),
                            )
                            for af in b.afs
                        ),
                    )
                    for b in a.bindings
                ),
                tuple((r.family.AddressFamily, r.alive, len(r.opens)) for r in a.af_registrations),
                tuple(
                    (
                        v.handle.label,
                        v.state.name,
                        v.call_state.name,
                        v.creator,
                        v.activation_pending,
                        v.deactivation_pending,
                        v.call_pending,
                        v.incoming_rejected,
                        v.must_delete,
                        None if v.party is None else v.party.label,
                        v.outstanding_sends,
                        v.outstanding_receives,
                        v.data.get("ndis_held", 0),
                        v.incoming_close_status,
                        v.last_activation_failed,
                    )
                    for v in a.vcs
                ),
                a.outstanding_sends,
                a.outstanding_receives,
            )
            for a in lib.adapters
        )
        attempts = tuple(
            (
                a.handle.label,
                type(a).__name__,
                a.pending,
                None if a.binding is None else a.binding.handle.label,
            )
            for a in attempts_in_flight(lib)
        )
        return (
            drivers,
            adapters,
            attempts,
            _data_path_snapshot(lib),
            tuple(sorted(lib.handles.counters().items())),
            tuple(lib.scheduler.pending()),
            lib.halted is not None,
        )

    def __repr__(self) -> str:
        state = "halted" if self._lib.halted is not None else f"t={self.now}"
        return f"<Machine {state} drivers={list(self._lib.drivers)} adapters={[a.name for a in self._lib.adapters]}>"


def _data_path_snapshot(lib: NdisLibrary) -> tuple[Any, ...]:
    """Pools (with where each of their items is), NDIS-held NBLs and the reset set."""
    state = peek_state(lib)
    if state is None:
        return ()
    registry = state.pools
    pools = tuple(
        (
            p.label,
            p.kind,
            p.outstanding,
            p.created,
            p.zombie,
            tuple(getattr(item, "label", "") for item in p.free_list),
        )
        for p in registry.pools
    )
    return (
        pools,
        (registry.nbl_serial, registry.nb_serial, registry.mdl_serial),
        state.ndis_held,
        state.completed_by_ndis,
        tuple(sorted(a.name for a in lib.adapters if a.resetting)),
        state.waiting,
    )


def _spec(field: str) -> Any:

    return HANDLER_SPECS[field]
