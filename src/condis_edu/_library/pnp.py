"""What NDIS starts on its own: adapter start/pause/restart/halt, binds, unbinds, AF notifications.

The harness (``Machine``) calls these; drivers never do. Each function runs the handler
calls NDIS would make and leaves pending completions (NdisMRestartComplete,
NdisCompleteBindAdapterEx...) to the drivers, through the scheduler.

Pausing and restarting a stack. NDIS pauses from the top and restarts from the bottom:

* pause: ``NetEventPause`` to every binding above the adapter; a binding is Paused once its
  protocol completed the event *and* its outstanding sends are complete (a protocol may answer
  at once; NDIS still holds the binding in Pausing until then); only
  when every binding is Paused does NDIS call ``MiniportPause``. ``AdapterFlags.stack_pausing``
  marks that stretch, during which the adapter itself is still Running.
* restart: ``MiniportRestart`` first; once the adapter is Running, ``NetEventRestart`` to every
  Paused binding above it.

The edge cases, each with the order it produces in the trace:

* a binding already Pausing or Restarting (its protocol pended a PnP event, for an unbind or a
  restart) is not sent a second event: the stack pause waits for that event to complete
  (``Binding.pnp_waiters``), then pauses it if it is Running again; a Paused, Closing or
  Opening binding carries no data and does not hold the pause back;
* a second pause while the stack is pausing joins the first (one ``MiniportPause``);
* a restart asked for while the stack is pausing (a NetEventPause pends) or while
  ``MiniportPause`` pends is queued (``restart_queued``): the pause finishes, then
  ``MiniportRestart``, then ``NetEventRestart``;
* an unbind asked for while the binding is Pausing waits for the pause to complete, then
  ``ProtocolUnbindAdapterEx`` (after the ``MiniportPause`` of a stack pause already waiting);
* a bind that completes while the stack is pausing or the adapter is not Running leaves the
  binding Paused; the adapter's restart restarts it.

Pages: https://learn.microsoft.com/windows-hardware/drivers/network/pausing-a-driver-stack,
https://learn.microsoft.com/windows-hardware/drivers/network/pausing-a-binding,
https://learn.microsoft.com/windows-hardware/drivers/network/restarting-a-driver-stack
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from condis_edu._library.core import NdisLibrary
from condis_edu._library.ddi.common import call_handler, copy_structure
from condis_edu._library.ddi.datapath import drain_then
from condis_edu._library.objects import (
    Adapter,
    Af,
    AfRegistration,
    BindAttempt,
    Binding,
    MiniportDriver,
    ProtocolDriver,
    UnbindAttempt,
    Vc,
)
from condis_edu._library.states.adapter import ADAPTER_TABLE, AdapterInput, AdapterState
from condis_edu._library.states.af import AF_TABLE, SAP_TABLE, AfInput, AfState, SapInput, SapState
from condis_edu._library.states.binding import BINDING_TABLE, BindingInput, BindingState
from condis_edu.mirror import constants as c
from condis_edu.mirror.handles import retarget
from condis_edu.mirror.status import (
    NDIS_STATUS_FAILURE,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_RESOURCES,
    NDIS_STATUS_SUCCESS,
    status_name,
)
from condis_edu.mirror.structures import (
    NDIS_BIND_PARAMETERS,
    NDIS_MINIPORT_INIT_PARAMETERS,
    NDIS_MINIPORT_PAUSE_PARAMETERS,
    NDIS_MINIPORT_RESTART_PARAMETERS,
    NDIS_OBJECT_HEADER,
    NET_PNP_EVENT,
    NET_PNP_EVENT_NOTIFICATION,
)

AI, BI = AdapterInput, BindingInput
BOUND_STATES = frozenset({BindingState.PAUSED, BindingState.RESTARTING, BindingState.RUNNING, BindingState.PAUSING})

_IN_FLIGHT: weakref.WeakKeyDictionary[NdisLibrary, list[BindAttempt | UnbindAttempt]] = weakref.WeakKeyDictionary()
"""The bind and unbind attempts of each library that have not ended yet, oldest first."""


def attempts_in_flight(lib: NdisLibrary) -> tuple[BindAttempt | UnbindAttempt, ...]:
    """The bind and unbind attempts NDIS started on *lib* and that have not ended, oldest first."""
    return tuple(_IN_FLIGHT.get(lib, ()))


# ------------------------------------------------------------------------------------ adapters
def initialize_adapter(lib: NdisLibrary, miniport: MiniportDriver, name: str, im_context: object = None) -> Adapter:
    """Create an adapter in Halted, call MiniportInitializeEx, and restart it on success.

    *im_context* is the DeviceContext of NdisIMInitializeDeviceInstanceEx, passed on as
    ``IMDeviceInstanceContext`` (R5.07).
    """
    handle = lib.handles.mint("adapter", None)
    adapter = Adapter(handle, name, miniport)
    retarget(handle, adapter)
    miniport.adapters.append(adapter)
    lib.adapters.append(adapter)
    driver = miniport.driver
    lib.force(adapter, "state", ADAPTER_TABLE, AI.INITIALIZE)
    params = NDIS_MINIPORT_INIT_PARAMETERS(
        NDIS_OBJECT_HEADER(c.NDIS_OBJECT_TYPE_MINIPORT_INIT_PARAMETERS, 1, 0),
        IMDeviceInstanceContext=im_context,
        IfIndex=len(lib.adapters),
    )
    status = call_handler(
        lib, driver, miniport.chars, "InitializeHandlerEx", (handle, miniport.context, params), (handle,)
    )
    if status == NDIS_STATUS_PENDING:
        lib.report(
            "X1.05", driver, "MiniportInitializeEx", "returned NDIS_STATUS_PENDING; initialization is synchronous"
        )
        status = NDIS_STATUS_FAILURE
    if status == NDIS_STATUS_SUCCESS and adapter.registration is None:
        lib.report("X1.04", driver, "MiniportInitializeEx", "returned SUCCESS without registration attributes")
        status = NDIS_STATUS_FAILURE
    if status == NDIS_STATUS_SUCCESS:
        _post_initialize_checks(lib, adapter)
        lib.force(adapter, "state", ADAPTER_TABLE, AI.INITIALIZE_SUCCEEDED)
        restart_adapter(lib, adapter)
    else:
        lib.force(adapter, "state", ADAPTER_TABLE, AI.INITIALIZE_FAILED)
        _forget_adapter(lib, adapter, f"MiniportInitializeEx failed with {status_name(status)}")
    return adapter


def _post_initialize_checks(lib: NdisLibrary, adapter: Adapter) -> None:
    miniport, driver = adapter.miniport, adapter.driver
    media = adapter.general.MediaType if adapter.general is not None else None
    if media in c.CONNECTION_ORIENTED_MEDIA and miniport.co is None:
        if media == c.NdisMediumCoWan:
            rule = "R1.40"
        elif miniport.chars.SetOptionsHandler is None:
            rule = "R1.11"
        else:
            rule = "R1.18"
        lib.report(
            rule,
            driver,
            "MiniportInitializeEx",
            f"connection-oriented medium {c.MEDIUM_NAMES.get(media, media)} but no NDIS_MINIPORT_CO_CHARACTERISTICS"
            " registered",
        )
    if miniport.is_mcm and not adapter.af_registrations:
        lib.report("R1.38", driver, "MiniportInitializeEx", "an MCM returned without registering its address family")


def request_restart(lib: NdisLibrary, adapter: Adapter) -> None:
    """Restart *adapter* now if it is Paused; queue the restart if its stack is still pausing."""
    if adapter.flags.stack_pausing or adapter.state is AdapterState.PAUSING:
        if not adapter.flags.restart_queued:
            lib.mark(adapter, restart_queued=True)
        return
    restart_adapter(lib, adapter)


def restart_adapter(lib: NdisLibrary, adapter: Adapter) -> None:
    """Paused -> Restarting: call MiniportRestart."""
    lib.force(adapter, "state", ADAPTER_TABLE, AI.RESTART)
    params = NDIS_MINIPORT_RESTART_PARAMETERS(NDIS_OBJECT_HEADER(c.NDIS_OBJECT_TYPE_DEFAULT, 1, 0))
    status = call_handler(
        lib, adapter.driver, adapter.miniport.chars, "RestartHandler", (adapter.context, params), (adapter.handle,)
    )
    if status == NDIS_STATUS_PENDING:
        lib.mark(adapter, restart_pending=True)
        return
    finish_restart(lib, adapter, status, "MiniportRestart")


def finish_restart(lib: NdisLibrary, adapter: Adapter, status: int, call: str) -> None:
    """End a restart with *status* (from MiniportRestart or NdisMRestartComplete)."""
    if status not in (NDIS_STATUS_SUCCESS, NDIS_STATUS_RESOURCES, NDIS_STATUS_FAILURE):
        lib.report("R5.23", adapter.driver, call, f"restart ended with {status_name(status)}")
        status = NDIS_STATUS_FAILURE
    if adapter.restart_pending:
        lib.mark(adapter, restart_pending=False)
    if status == NDIS_STATUS_SUCCESS:
        lib.force(adapter, "state", ADAPTER_TABLE, AI.RESTART_SUCCEEDED)
        restart_bindings(lib, adapter)
    else:
        lib.force(adapter, "state", ADAPTER_TABLE, AI.RESTART_FAILED)


def restart_bindings(lib: NdisLibrary, adapter: Adapter) -> None:
    """The miniport runs again: NetEventRestart to every Paused binding above it (bottom-up).

    https://learn.microsoft.com/windows-hardware/drivers/network/restarting-a-driver-stack
    """
    for binding in list(adapter.bindings):
        if binding.state is BindingState.PAUSED and not binding.pnp_pending:
            _restart_binding(lib, binding)


def _restart_binding(lib: NdisLibrary, binding: Binding) -> None:
    pnp_event(lib, binding, c.NetEventRestart, BI.RESTART, BI.RESTART_DONE, lambda: binding_running(lib, binding))


def pause_adapter(lib: NdisLibrary, adapter: Adapter) -> None:
    """Pause the stack on *adapter*: NetEventPause to every binding above, then MiniportPause.

    NDIS pauses a driver stack from the top: each bound protocol gets a ``NetEventPause``
    (``ProtocolNetPnPEvent``; the binding goes Running -> Pausing -> Paused), and only once
    every binding is Paused does NDIS call ``MiniportPause`` (Running -> Pausing). A protocol
    that pends the event holds the miniport's pause back until ``NdisCompleteNetPnPEvent``;
    a pause asked for while one is under way joins it (see the module docstring).
    https://learn.microsoft.com/windows-hardware/drivers/network/pausing-a-driver-stack
    """
    if adapter.flags.stack_pausing:
        return  # the stack is already pausing: this request is the same pause
    lib.mark(adapter, stack_pausing=True)
    bindings = list(adapter.bindings)
    waiting = len(bindings) + 1  # one more, released below, so that no binding ends it early

    def one_paused() -> None:
        nonlocal waiting
        waiting -= 1
        if waiting == 0:
            lib.mark(adapter, stack_pausing=False)
            _pause_miniport(lib, adapter)

    for binding in bindings:
        pause_binding(lib, binding, one_paused)
    one_paused()


def pause_binding(lib: NdisLibrary, binding: Binding, then: Callable[[], None]) -> None:
    """Run *then* once *binding* carries no data: pause it if Running, wait out a PnP event in flight."""
    state = binding.state
    if state is BindingState.PAUSING or state is BindingState.RESTARTING:
        binding.pnp_waiters.append(lambda: pause_binding(lib, binding, then))
    elif state is BindingState.RUNNING:
        pnp_event(lib, binding, c.NetEventPause, BI.PAUSE, BI.PAUSE_DONE, then)
    else:  # Paused, Closing, Opening or gone: nothing flows through it
        then()


def _pause_miniport(lib: NdisLibrary, adapter: Adapter) -> None:
    """Running -> Pausing: call MiniportPause (the bindings above are already Paused)."""
    if adapter.state is not AdapterState.RUNNING or adapter not in lib.adapters:
        lib.trace.note(f"{adapter.name} is {adapter.state.name}; NDIS does not call MiniportPause")
        return
    lib.force(adapter, "state", ADAPTER_TABLE, AI.PAUSE)
    params = NDIS_MINIPORT_PAUSE_PARAMETERS(
        NDIS_OBJECT_HEADER(c.NDIS_OBJECT_TYPE_DEFAULT, 1, 0), PauseReason=c.NDIS_PAUSE_NDIS_INTERNAL
    )
    status = call_handler(
        lib, adapter.driver, adapter.miniport.chars, "PauseHandler", (adapter.context, params), (adapter.handle,)
    )
    if status == NDIS_STATUS_PENDING:
        lib.mark(adapter, pause_pending=True)
        return
    if status != NDIS_STATUS_SUCCESS:
        lib.report("R5.18", adapter.driver, "MiniportPause", f"returned {status_name(status)}; a pause cannot fail")
    finish_pause(lib, adapter, "MiniportPause")


def finish_pause(lib: NdisLibrary, adapter: Adapter, call: str) -> None:
    """Pausing -> Paused, but only once every send and indicated receive is back (R5.19)."""

    def paused() -> None:
        lib.force(adapter, "state", ADAPTER_TABLE, AI.PAUSE_DONE)
        if adapter.flags.restart_queued:  # a restart asked for during the pause runs now
            lib.mark(adapter, restart_queued=False)
            restart_adapter(lib, adapter)

    drain_then(lib, adapter, "R5.19", adapter.driver, call, paused)


def halt_adapter_now(lib: NdisLibrary, adapter: Adapter, action: int = c.NdisHaltDeviceDisabled) -> None:
    """Halt a paused adapter (MiniportHaltEx); an adapter in any other state is just removed."""
    if adapter.state is AdapterState.HALTED:
        return
    for binding in list(adapter.bindings):
        drop_binding(lib, binding, "the adapter was halted")
    if adapter.state is not AdapterState.PAUSED:
        lib.trace.note(f"{adapter.name} removed in state {adapter.state.name} without MiniportHaltEx")
        lib.force(adapter, "state", ADAPTER_TABLE, AI.REMOVE)
        _forget_adapter(lib, adapter, "the adapter was removed")
        return
    lib.force(adapter, "state", ADAPTER_TABLE, AI.HALT)
    call_handler(
        lib, adapter.driver, adapter.miniport.chars, "HaltHandlerEx", (adapter.context, action), (adapter.handle,)
    )
    _forget_adapter(lib, adapter, "MiniportHaltEx halted the adapter")


def _forget_adapter(lib: NdisLibrary, adapter: Adapter, reason: str) -> None:
    for vc in list(adapter.vcs):
        lib.trace.note(f"{vc.handle.label} still existed when {adapter.name} went away (Q17): NDIS frees it")
        forget_vc(lib, vc, reason)
    for registration in adapter.af_registrations:
        registration.alive = False
    adapter.af_registrations.clear()
    if adapter in adapter.miniport.adapters:
        adapter.miniport.adapters.remove(adapter)
    if adapter in lib.adapters:
        lib.adapters.remove(adapter)
    lib.kill(adapter.handle, reason)


def forget_vc(lib: NdisLibrary, vc: object, reason: str) -> None:
    """Remove a VC from every list and kill its handle (no handler calls)."""

    assert isinstance(vc, Vc)
    if vc in vc.adapter.vcs:
        vc.adapter.vcs.remove(vc)
    if vc.af is not None and vc in vc.af.vcs:
        vc.af.vcs.remove(vc)
    for binding in (vc.client_binding, vc.cm_binding):
        if binding is not None and vc in binding.vcs:
            binding.vcs.remove(vc)
    lib.kill(vc.party, reason)
    lib.kill(vc.handle, reason)


# ------------------------------------------------------------------------------------ bindings
def bind(lib: NdisLibrary, protocol: ProtocolDriver, adapter: Adapter) -> BindAttempt:
    """Call ProtocolBindAdapterEx for *protocol* on *adapter*."""
    handle = lib.handles.mint("bindctx", None)
    attempt = BindAttempt(handle, protocol, adapter)
    retarget(handle, attempt)
    _IN_FLIGHT.setdefault(lib, []).append(attempt)
    general = adapter.general
    params = NDIS_BIND_PARAMETERS(
        NDIS_OBJECT_HEADER(c.NDIS_OBJECT_TYPE_BIND_PARAMETERS, 1, 0),
        ProtocolSection=protocol.driver.name,
        AdapterName=adapter.name,
        PhysicalDeviceName=adapter.name,
        MediaType=general.MediaType if general else 0,
        MtuSize=general.MtuSize if general else 0,
        MaxXmitLinkSpeed=general.MaxXmitLinkSpeed if general else 0,
        MaxRcvLinkSpeed=general.MaxRcvLinkSpeed if general else 0,
        MacOptions=general.MacOptions if general else 0,
    )
    status = call_handler(
        lib,
        protocol.driver,
        protocol.chars,
        "BindAdapterHandlerEx",
        (protocol.context, handle, params),
        (handle, adapter.name),
    )
    if status == NDIS_STATUS_PENDING:
        lib.mark(attempt, pending=True)
    else:
        finish_bind(lib, attempt, status)
    return attempt


def finish_bind(lib: NdisLibrary, attempt: BindAttempt, status: int) -> None:
    """End a bind attempt (ProtocolBindAdapterEx returned, or NdisCompleteBindAdapterEx)."""
    lib.mark(attempt, pending=False)
    lib.kill(attempt.handle, "the bind operation completed")
    _IN_FLIGHT[lib].remove(attempt)
    binding = attempt.binding
    if binding is None:
        return
    if status != NDIS_STATUS_SUCCESS:
        if binding.handle.alive:
            drop_binding(lib, binding, "the bind failed")
        return
    lib.force(binding, "state", BINDING_TABLE, BI.BIND_SUCCEEDED)
    adapter = binding.adapter
    if adapter.state is AdapterState.RUNNING and not adapter.flags.stack_pausing:
        _restart_binding(lib, binding)
    # otherwise the binding stays Paused: the adapter's restart restarts it


def pnp_event(
    lib: NdisLibrary, binding: Binding, event: int, start: BindingInput, done: BindingInput, then: Callable[[], None]
) -> None:
    """Send a NetPnPEvent to a binding; continue with *then* once it completes.

    A pause completes (Pausing -> Paused) only once the binding's sends are complete as well;
    then *then* runs, then whatever waited for the event (``pnp_waiters``).
    """
    lib.force(binding, "state", BINDING_TABLE, start)
    in_flight = binding.state
    notification = NET_PNP_EVENT_NOTIFICATION(
        NDIS_OBJECT_HEADER(c.NDIS_OBJECT_TYPE_DEFAULT, 1, 0), NetPnPEvent=NET_PNP_EVENT(NetEvent=event)
    )
    protocol = binding.protocol

    def finish(status: int) -> None:
        if binding.pnp_pending:
            lib.mark(binding, pnp_pending=False)
        binding.pnp_continuation = None
        if status != NDIS_STATUS_SUCCESS:
            lib.report(
                "X1.05", binding.driver, "ProtocolNetPnPEvent", f"returned {status_name(status)} for event {event}"
            )
        if done is BI.PAUSE_DONE:
            _when_binding_drained(lib, binding, done_now)  # Paused only once its NBLs are back
        else:
            done_now()

    def done_now() -> None:
        waiting = _take_waiters(binding)  # taken first: *then* may close the binding (an unbind)
        if binding.state is in_flight:  # else NDIS dropped the binding meanwhile
            lib.force(binding, "state", BINDING_TABLE, done)
        then()
        for waiter in waiting:
            waiter()

    status = call_handler(
        lib,
        protocol.driver,
        protocol.chars,
        "NetPnPEventHandler",
        (binding.context, notification),
        (binding.handle, _EVENT_NAMES.get(event, str(event))),
    )
    if status == NDIS_STATUS_PENDING:
        lib.mark(binding, pnp_pending=True)
        binding.pnp_continuation = finish
    else:
        finish(status)


_EVENT_NAMES = {c.NetEventRestart: "NetEventRestart", c.NetEventPause: "NetEventPause"}


def _take_waiters(binding: Binding) -> list[Callable[[], None]]:
    waiters = list(binding.pnp_waiters)
    binding.pnp_waiters.clear()
    return waiters


def _when_binding_drained(lib: NdisLibrary, binding: Binding, then: Callable[[], None]) -> None:
    """Run *then* once none of *binding*'s sends is outstanding on its VCs.

    "Pausing a driver stack": the binding is Paused once its outstanding sends are complete;
    receive indications still out are the miniport's pause to wait for (R5.19). The data of a
    VC belongs to its client (to the call manager on a VC without an address family). NDIS
    looks again on every tick of the scheduler until the last send is back.
    """
    if not any(
        vc.outstanding_sends
        for vc in binding.vcs
        if (vc.client_binding is binding if vc.af is not None else vc.cm_binding is binding)
    ):
        then()
        return
    label = f"NDIS waits for the sends of {binding.handle.label} before it is Paused"
    lib.schedule(label, lambda: _when_binding_drained(lib, binding, then), delay=1)


def binding_running(lib: NdisLibrary, binding: Binding) -> None:
    """A binding reached Running: tell a client about the AFs already registered on its adapter."""
    for registration in binding.adapter.af_registrations:
        queue_af_notify(lib, registration, binding)


def queue_af_notify(lib: NdisLibrary, registration: AfRegistration, binding: Binding) -> None:
    """Queue ProtocolCoAfRegisterNotify for *binding* (clients only, once per registration)."""
    protocol = binding.protocol
    if protocol.cl is None or protocol.co is None or registration in binding.notified:
        return
    binding.notified.append(registration)

    def deliver() -> None:
        if not registration.alive or not binding.handle.alive or binding.state not in BOUND_STATES:
            return
        assert protocol.co is not None
        call_handler(
            lib,
            protocol.driver,
            protocol.co,
            "CoAfRegisterNotifyHandler",
            (binding.context, copy_structure(registration.family)),
            (binding.handle, f"AF 0x{registration.family.AddressFamily:x}"),
        )

    lib.schedule(f"ProtocolCoAfRegisterNotify {protocol.driver.name}", deliver)


def unbind(lib: NdisLibrary, binding: Binding) -> None:
    """Pause the binding if needed (or wait for the PnP event in flight), then call ProtocolUnbindAdapterEx."""
    pause_binding(lib, binding, lambda: _unbind_paused(lib, binding))


def _unbind_paused(lib: NdisLibrary, binding: Binding) -> None:
    if binding.state is not BindingState.PAUSED:
        return  # already closing, or NDIS dropped it meanwhile
    lib.force(binding, "state", BINDING_TABLE, BI.UNBIND)
    handle = lib.handles.mint("unbindctx", None)
    attempt = UnbindAttempt(handle, binding)
    retarget(handle, attempt)
    _IN_FLIGHT.setdefault(lib, []).append(attempt)
    protocol = binding.protocol
    status = call_handler(
        lib,
        protocol.driver,
        protocol.chars,
        "UnbindAdapterHandlerEx",
        (handle, binding.context),
        (handle, binding.handle),
    )
    if status == NDIS_STATUS_PENDING:
        lib.mark(attempt, pending=True)
    else:
        finish_unbind(lib, attempt)


def finish_unbind(lib: NdisLibrary, attempt: UnbindAttempt) -> None:
    """End an unbind: the binding is gone whether or not the protocol closed it."""
    lib.mark(attempt, pending=False)
    lib.kill(attempt.handle, "the unbind operation completed")
    _IN_FLIGHT[lib].remove(attempt)
    binding = attempt.binding
    if binding.handle.alive:
        lib.trace.note(
            f"{binding.protocol.driver.name} did not call NdisCloseAdapterEx; NDIS closes {binding.handle.label}"
        )
        drop_binding(lib, binding, "the unbind completed")
    if binding.state is BindingState.CLOSING:
        lib.force(binding, "state", BINDING_TABLE, BI.UNBIND_DONE)


def drop_binding(lib: NdisLibrary, binding: Binding, reason: str) -> None:
    """Close a binding inside NDIS: its AFs, SAPs, VCs and AF registrations go with it."""

    for af in list(binding.afs):
        for sap in af.saps:
            if sap.state is not SapState.DEREGISTERED:
                lib.force(sap, "state", SAP_TABLE, SapInput.TEARDOWN)
            lib.kill(sap.handle, reason)
        for vc in list(af.vcs):
            forget_vc(lib, vc, reason)
        _teardown_af(lib, af)
        lib.kill(af.handle, reason)
    binding.afs.clear()
    for registration in binding.cm_registrations:
        registration.alive = False
        for af in list(registration.opens):
            for vc in list(af.vcs):
                forget_vc(lib, vc, reason)
            _teardown_af(lib, af)
            lib.kill(af.handle, reason)
            if af in af.client_binding.afs:
                af.client_binding.afs.remove(af)
        if registration in binding.adapter.af_registrations:
            binding.adapter.af_registrations.remove(registration)
    binding.cm_registrations.clear()
    for vc in list(binding.vcs):
        forget_vc(lib, vc, reason)
    if binding in binding.protocol.bindings:
        binding.protocol.bindings.remove(binding)
    if binding in binding.adapter.bindings:
        binding.adapter.bindings.remove(binding)
    lib.kill(binding.handle, reason)
    if binding.state is not BindingState.CLOSING and binding.state is not BindingState.UNBOUND:
        lib.force(binding, "state", BINDING_TABLE, BI.DROP)
    continuation = binding.pnp_continuation
    if binding.pnp_pending:  # a pended PnP event can no longer be completed: the handle is dead
        lib.mark(binding, pnp_pending=False)
    binding.pnp_continuation = None
    if continuation is not None:
        continuation(NDIS_STATUS_SUCCESS)  # NDIS ends it with the binding, so what waits on it goes on
    for waiter in _take_waiters(binding):  # a stack pause or an unbind waiting for it goes on without it
        waiter()


def _teardown_af(lib: NdisLibrary, af: Af) -> None:
    """NDIS closes an AF that its binding or call manager left behind (no-op once CLOSED)."""
    if af.state is not AfState.CLOSED:
        lib.force(af, "state", AF_TABLE, AfInput.TEARDOWN)
