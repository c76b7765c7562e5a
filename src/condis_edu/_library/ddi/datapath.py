"""The CoNDIS data path: send, send completion, receive indication and return.

Theory of operation. Four DDIs move NBL chains across the NDIS boundary, and each one is a
hand-off of ownership (``condis_edu._library.ownership``):

* ``NdisCoSendNetBufferLists`` (protocol) -> ``MiniportCoSendNetBufferLists``: the sending
  protocol must hold every NBL at rest, with ``SourceHandle`` set to the VC handle (R3.03);
  the NBLs become *sent on the VC* and count as outstanding sends of the VC and adapter.
* ``NdisMCoSendNetBufferListsComplete`` (miniport) -> ``ProtocolCoSendNetBufferListsComplete``:
  every NBL must be *sent on that VC*; it goes back to its owner and the counts drop.
  Completing an NBL twice, one that was never sent, or one sent on another VC is a finding.
* ``NdisMCoIndicateReceiveNetBufferLists`` (miniport) -> ``ProtocolCoReceiveNetBufferLists``:
  the miniport must hold the NBLs; without ``NDIS_RECEIVE_FLAGS_RESOURCES`` they become
  *indicated on the VC* (outstanding receives) until the protocol returns them; with it
  they are only *lent* for the length of the callback (R3.23, R3.24).
* ``NdisReturnNetBufferLists`` (protocol) -> ``MiniportReturnNetBufferLists``: every NBL must
  be indicated to that binding; it goes back to the miniport.

NDIS completes a send itself, without calling the miniport, when the data cannot flow:
NDIS_STATUS_VC_NOT_ACTIVATED on a VC that is not active (Q3), NDIS_STATUS_PAUSED while the
adapter is not Running (Q2, Q19), NDIS_STATUS_RESET_IN_PROGRESS during a reset (R4.22).
Those completions are queued on the scheduler, never run inside the send call.

When the outstanding counts of an adapter or a VC drop to zero, the waiters registered with
``when_drained`` run: that is how a pause (R5.19) and a VC deactivation (R2.28) wait.

Speed, and one route. A send and its completion cost one walk of the chain each in NDIS (check
holder and SourceHandle, or holder and Status; re-stamp; count) plus a handful of attribute
loads. The states a send depends on (machine not halted; VC active, its call not closing;
adapter Running, not resetting) are checked once and remembered on the VC's route as *ready*
until the next state change (``_check_ready``); the caller, its machine, the flags and the
chain are checked on every call, and anything unusual takes the checked route
(``_send_checked``, ``_complete_checked``), which runs every check in order. Handler calls
skip the generic ``NdisLibrary.upcall`` and do, inline, what it does for a handler that
returns nothing. The trace changes only what is recorded, never what is checked: with it on,
the same code records the DDI call and the handler call (``_up`` for receive and return).

Pages: https://learn.microsoft.com/windows-hardware/drivers/network/sending-net-buffer-structures-from-condis-drivers,
https://learn.microsoft.com/windows-hardware/drivers/network/receiving-net-buffer-structures-in-condis-drivers
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Final

from condis_edu._library import core as _library
from condis_edu._library import nb_chain, reserved  # noqa: F401  (install the R3.32 and R3.37 write checks)
from condis_edu._library.boundary import check_chain, check_ulong
from condis_edu._library.core import NdisLibrary, library_of
from condis_edu._library.ddi import pools as pools_module
from condis_edu._library.ddi.pools import PoolRegistry
from condis_edu._library.handlers import HANDLER_SPECS, HandlerSpec
from condis_edu._library.objects import Adapter, Binding, Driver, Vc
from condis_edu._library.ownership import owned_by, refuse, rollback, transfer, transfer_owned
from condis_edu._library.states.adapter import AdapterState, ResetState
from condis_edu._library.states.call import CallState
from condis_edu._library.states.vc import VcState
from condis_edu._library.trace import CALL, UPCALL, plain
from condis_edu._library.watch import watch_held_by
from condis_edu.errors import (
    BugCheck,
    CallerUnknownError,
    DriverCrashed,
    ForeignHandleError,
    SimulationHalted,
    VerifierViolation,
)
from condis_edu.mirror.constants import NDIS_RECEIVE_FLAGS_RESOURCES, NdisMediumCoWan
from condis_edu.mirror.handles import NDIS_HANDLE, HandleTable
from condis_edu.mirror.nbl import NDIS_NBL_FLAGS_IS_LOOPBACK_PACKET, NET_BUFFER_LIST, Holder, HolderKind
from condis_edu.mirror.status import (
    NDIS_STATUS_CLOSING,
    NDIS_STATUS_PAUSED,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_RESET_IN_PROGRESS,
    NDIS_STATUS_SUCCESS,
    NDIS_STATUS_VC_NOT_ACTIVATED,
    is_status,
    status_name,
)

__all__ = [
    "DataPathState",
    "NdisCoSendNetBufferLists",
    "NdisMCoIndicateReceiveNetBufferLists",
    "NdisMCoSendNetBufferListsComplete",
    "NdisReturnNetBufferLists",
    "VcPath",
    "drain_then",
    "forget_path",
    "outstanding",
    "path_of",
    "peek_state",
    "state_of",
    "when_drained",
]

_RUNNING: Final = AdapterState.RUNNING
_NO_RESET: Final = ResetState.IDLE
_ACTIVE_VC: Final = VcState.ACTIVE
_CLOSING_CALL: Final = CallState.CLOSING
_DATA_VC_STATES: Final = frozenset({VcState.ACTIVE, VcState.REACTIVATING})
_RECEIVE_ADAPTER_STATES: Final = frozenset({AdapterState.RUNNING, AdapterState.PAUSING, AdapterState.RESTARTING})
"""R5.15/R5.24: receives may be indicated while Running, Pausing, and from MiniportRestart on."""

SPEC_MP_SEND: Final = HANDLER_SPECS["CoSendNetBufferListsHandler"]
SPEC_PT_SEND_COMPLETE: Final = HANDLER_SPECS["CoSendNetBufferListsCompleteHandler"]
SPEC_PT_RECEIVE: Final = HANDLER_SPECS["CoReceiveNetBufferListsHandler"]
SPEC_MP_RETURN: Final = HANDLER_SPECS["ReturnNetBufferListsHandler"]

_KIND_OWNED: Final = HolderKind.OWNED
_ACTIVE: Final = _library._ACTIVE
"""The running-libraries stack (the same list object as ``core._ACTIVE``; only its top is read here)."""
_NO_FLAGS: Final = 0
"""Flags of 0, the usual value: ``flags is _NO_FLAGS`` is a shortcut of the ULONG test (``_ulong``)."""


def _ulong(value: object) -> bool:
    """True if *value* is an ``int`` in the ULONG range (the full test behind ``_NO_FLAGS``)."""
    return value.__class__ is int and 0 <= value <= 0xFFFFFFFF


# --------------------------------------------------------------------------------------------
# Per-machine and per-VC records
# --------------------------------------------------------------------------------------------


class DataPathState:
    """The data-path bookkeeping of one NDIS library: pools, owners, waiters."""

    def __init__(self, lib: NdisLibrary) -> None:
        self.lib = lib
        self._holders: dict[Driver, Holder] = {}
        self.pools = PoolRegistry(lib.handles, self.owner_of_handle, self._report_pool)
        self.waiters: dict[object, list[Callable[[], None]]] = {}
        self.waiting = False
        """True while any waiter is registered (checked on the fast path)."""
        self.ndis_held = 0
        """NBLs NDIS is holding to complete itself (refused sends not yet completed)."""
        self.completed_by_ndis = 0

    def owner(self, driver: Driver) -> Holder:
        """The holder "owned at rest by *driver*" (one per driver)."""
        holder = self._holders.get(driver)
        if holder is None:
            holder = Holder(HolderKind.OWNED, driver, None, f"owned by {driver.name}")
            self._holders[driver] = holder
        return holder

    def owner_of_handle(self, handle: object) -> Holder:
        """Which driver's NBLs a pool created with *handle* (NdisHandle) holds."""
        target = HandleTable.target(handle) if isinstance(handle, NDIS_HANDLE) else None
        driver = getattr(target, "driver", None)
        if not isinstance(driver, Driver):
            current = self.lib.current()
            if current is None:
                raise CallerUnknownError("NdisAllocateNetBufferListPool: NdisHandle names no driver")
            driver = current
        return self.owner(driver)

    def _report_pool(self, rule_id: str, message: str, subject: object) -> None:
        current = self.lib.current()
        self.lib.report(rule_id, current if current is not None else "harness", message.split("(")[0], message)


_STATES: weakref.WeakKeyDictionary[NdisLibrary, DataPathState] = weakref.WeakKeyDictionary()
"""The data path's state of each library, owned by this module (it goes when the library goes)."""


def state_of(lib: NdisLibrary) -> DataPathState:
    """The data-path state of *lib* (created on first use)."""
    state = _STATES.get(lib)
    if state is None:
        state = _STATES[lib] = DataPathState(lib)
    return state


def peek_state(lib: NdisLibrary) -> DataPathState | None:
    """The data-path state of *lib* if it has one (never creates it: for snapshots)."""
    return _STATES.get(lib)


def _registry_for(owner: object) -> PoolRegistry | None:
    return state_of(owner).pools if isinstance(owner, NdisLibrary) else None


pools_module.REGISTRY_FACTORY.append(_registry_for)


class VcPath:
    """What the data path needs about one VC, looked up once and cached on the VC."""

    __slots__ = (
        "adapter",
        "back",
        "binding",
        "handle",
        "indicated",
        "lent",
        "lib",
        "mp_driver",
        "mp_owner",
        "mp_send",
        "protocol",
        "pt_owner",
        "pt_receive",
        "pt_send_complete",
        "ready",
        "refused",
        "sent",
        "state",
        "vc",
    )

    def __init__(self, lib: NdisLibrary, vc: Vc) -> None:
        state = state_of(lib)
        self.lib = lib
        self.state = state
        self.vc = vc
        self.handle = vc.handle
        self.adapter = vc.adapter
        binding = vc.client_binding if vc.af is not None else vc.cm_binding
        assert binding is not None
        self.binding: Binding = binding
        self.protocol: Driver = binding.driver
        co = binding.protocol.co
        assert co is not None
        self.pt_send_complete = co.CoSendNetBufferListsCompleteHandler
        self.pt_receive = co.CoReceiveNetBufferListsHandler
        self.mp_driver: Driver = vc.adapter.driver
        mco = vc.adapter.miniport.co
        self.mp_send = mco.CoSendNetBufferListsHandler if mco is not None else None
        label = vc.handle.label
        self.pt_owner = state.owner(self.protocol)
        self.mp_owner = state.owner(self.mp_driver)
        self.sent = Holder(HolderKind.SENT, self.mp_driver, vc, f"sent on {label}, held by {self.mp_driver.name}")
        self.back = Holder(
            HolderKind.OWNED, self.protocol, vc, f"owned by {self.protocol.name} (came back from {label})"
        )
        self.indicated = Holder(
            HolderKind.INDICATED, self.protocol, vc, f"indicated on {label}, held by {self.protocol.name}"
        )
        self.lent = Holder(HolderKind.LENT, self.protocol, vc, f"lent to {self.protocol.name} on {label}")
        self.refused = Holder(HolderKind.SENT, None, vc, f"refused on {label}, held by NDIS until it completes it")
        self.ready = False
        """True while every state a send depends on is known to be fine (see ``_check_ready``)."""

    @property
    def protocol_vc_context(self) -> object:
        """ProtocolVcContext of the protocol that sends and receives on this VC."""
        return self.vc.client_context if self.vc.af is not None else self.vc.cm_context


def path_of(lib: NdisLibrary, vc: Vc) -> VcPath:
    """The VcPath of *vc*, built on first use and cached on its live handle (``_fast``).

    The cache lives in the handle's ``_fast`` slot: the data path's one-load route from a
    handle to everything it needs. ``HandleTable.kill`` clears it when the VC dies, so a
    stale handle always takes the checked route and gets its StaleHandleError.
    """
    path = getattr(vc.handle, "_fast", None)
    if not isinstance(path, VcPath) or path.vc is not vc:
        path = VcPath(lib, vc)
        if vc.handle.alive:
            setattr(vc.handle, "_fast", path)  # noqa: B010
    return path


def _check_ready(lib: NdisLibrary, path: VcPath) -> None:
    """Remember, until the next state change, that sends on *path* need no state checks.

    A send checks the machine (not halted), the VC (active or reactivating, its call not
    closing) and the adapter (Running, not resetting). Once all of that holds, the route is
    *ready*: it joins ``NdisLibrary.routes``, and the next state change anywhere in the
    machine (``NdisLibrary.move``, ``mark``, ``halt``, ``changed``) clears the flag, so the
    following send checks again. The per-call checks (caller, flags, chain) never move here.
    """
    vc, adapter = path.vc, path.adapter
    if (
        not path.ready
        and lib.halted is None
        and vc.state in _DATA_VC_STATES
        and vc.call_state is not _CLOSING_CALL
        and adapter.state is _RUNNING
        and adapter.reset_state is _NO_RESET
        and vc.handle._fast is path
    ):
        path.ready = True
        lib.routes.append(path)


def forget_path(vc: Vc) -> None:
    """Drop the cached route of *vc* (its handle is dying, or its handlers changed)."""
    setattr(vc.handle, "_fast", None)  # noqa: B010


def _vc_of(handle: object, ddi: str) -> tuple[NdisLibrary, Vc]:
    lib, vc = library_of(handle, ("vc",), "NdisVcHandle", ddi)
    assert isinstance(vc, Vc)
    return lib, vc


# --------------------------------------------------------------------------------------------
# Handler calls (one route, traced or not)
# --------------------------------------------------------------------------------------------


def _up(
    lib: NdisLibrary,
    driver: Driver,
    spec: HandlerSpec,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    shown: tuple[str, ...],
) -> None:
    """Call a data-path handler (they return nothing): what ``NdisLibrary.upcall`` does for
    them, with the trace recorded only when it is on (*shown* is then the traced arguments as
    text: a handle's label, not the handle, so the record can be shared; see ``Trace.shared``).
    The DDI that leads here has already checked that the machine has not halted."""
    trace = lib.trace
    seq = 0
    if trace.enabled:  # Trace.upcall written out (the traced data path's busiest lines)
        records = trace.records
        depth = trace.depth
        at = trace.clock.now
        record = (UPCALL, at, depth, driver.name, spec.role) + shown  # noqa: RUF005 - faster than *shown
        records.append(trace.shared.setdefault(record, record))
        trace.depth = depth + 1
        seq = len(records)
    stack = lib.stack
    # Only the top of the running-libraries stack is ever read: when this library is already
    # there (the caller is its driver code, the usual case), there is nothing to push.
    active = _library._ACTIVE
    pushed = not active or active[-1] is not lib
    if pushed:
        active.append(lib)
    stack.append(driver)
    try:
        fn(*args)
    except BaseException as exc:
        stack.pop()
        if pushed:
            active.pop()
        if seq:
            trace.unwind(seq)
        _escaped(lib, driver, spec, exc)
        raise
    stack.pop()
    if pushed:
        active.pop()
    if seq:  # Trace.ret(seq, None) written out: a bare seq when still tracing, at the same depth and time
        if trace.enabled and trace.depth == depth + 1 and trace.clock.now == at:
            trace.depth = depth
            records.append(len(records) - seq)
        else:
            trace.ret(seq, None)


def _escaped(lib: NdisLibrary, driver: Driver, spec: HandlerSpec, exc: BaseException) -> None:
    """What ``NdisLibrary.upcall`` does when an exception leaves a handler."""
    if isinstance(exc, VerifierViolation):
        lib.halt(exc)
        return
    if isinstance(exc, (BugCheck, SimulationHalted)) or not isinstance(exc, Exception):
        return
    crash = DriverCrashed(
        f"{type(exc).__name__} escaped {driver.name}'s {spec.role}: {exc} "
        "(KMODE_EXCEPTION_NOT_HANDLED, bug check 0x1E)",
        driver.name,
        spec.role,
    )
    lib.halt(crash)
    raise crash from exc


def _chain_label(head: NET_BUFFER_LIST | None) -> str:
    """The chain as a trace argument (walks it; trace mode only), as it is now: ``nbl#1`` or
    ``nbl#1..nbl#8 (8)``, and text for NULL, a non-NBL and a broken chain."""
    if type(head) is NET_BUFFER_LIST and head.Next is None:
        return head._label
    if head is None:
        return "NULL"
    if not isinstance(head, NET_BUFFER_LIST):
        return type(head).__name__
    last, n = head, 0
    nbl: NET_BUFFER_LIST | None = head
    try:
        while nbl is not None and n < 1 << 20:
            last, n, nbl = nbl, n + 1, nbl.Next
        tail = last.label  # a link that is not an NBL has no label
    except AttributeError:
        return f"{head.label}.. (broken chain)"
    return head.label if n == 1 else f"{head.label}..{tail} ({n})"


def _bad_link(head: object) -> str | None:
    """Describe the first link of a chain that is not an NBL (slow path only), or None."""
    nbl, index = head, 0
    while nbl is not None and index < 1 << 20:
        if not isinstance(nbl, NET_BUFFER_LIST):
            where = "NetBufferLists" if index == 0 else f"the Next of NBL {index}"
            return f"{where} is {type(nbl).__name__}, not an NBL from an NDIS pool"
        nbl, index = nbl.Next, index + 1
    return None


def _looped_back(head: NET_BUFFER_LIST | None) -> NET_BUFFER_LIST | None:
    """The first NBL of the chain marked as a looped-back packet, or None (R1.41)."""
    nbl = head
    while nbl is not None:
        if nbl.NblFlags & NDIS_NBL_FLAGS_IS_LOOPBACK_PACKET:
            return nbl
        nbl = nbl.Next
    return None


def _caller(lib: NdisLibrary) -> Driver | None:
    stack = lib.stack
    return stack[-1] if stack else None


def _boundary(
    lib: NdisLibrary, ddi: str, head: object, flags: object, flags_name: str, number: object = None, chain: bool = True
) -> bool:
    """The boundary checks of a checked route (``condis_edu._library.boundary``), before anything moves.

    The handle must come from the calling driver's machine, the flags (and the count) must be
    ULONGs, and the chain must be one (R3.05: not NULL, no loop, NBLs of this machine, not
    freed). Returns False when collect mode recorded a finding: the call does not go ahead.

    With *chain* False only a NULL chain is checked here: the send and completion routes
    stamp the chain in one walk that already fails on anything ``check_chain`` refuses (a
    foreign, freed or looping NBL is never held by the sender), and run ``check_chain`` only
    when that walk fails, to name the problem.
    """
    active = _library._ACTIVE
    if active and active[-1] is not lib:
        raise ForeignHandleError(f"{ddi}: the handle was minted by another Machine")
    check_ulong(flags, flags_name, ddi)
    if number is not None:
        check_ulong(number, "NumberOfNetBufferLists", ddi)
    if not chain and head is not None:
        return True
    return check_chain(head, ddi, lib) is None


# --------------------------------------------------------------------------------------------
# Send
# --------------------------------------------------------------------------------------------


def NdisCoSendNetBufferLists(NdisVcHandle: NDIS_HANDLE, NetBufferLists: NET_BUFFER_LIST, SendFlags: int) -> None:
    """Send a chain of NBLs on a VC; each one comes back in ProtocolCoSendNetBufferListsComplete.

    NDIS contract:
        The caller (the client of the VC, or the call manager on its own VC) must own every
        NBL and set each ``SourceHandle`` to *NdisVcHandle* (R3.03). From this call until the
        completion it must not touch them (R3.06). NDIS passes the chain in order to
        MiniportCoSendNetBufferLists (R3.08). If the VC is not active, or the adapter is not
        Running, NDIS completes every NBL itself with VC_NOT_ACTIVATED or PAUSED (Q2, Q3).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscosendnetbufferlists
    """
    try:
        path: VcPath = NdisVcHandle._fast  # type: ignore[assignment]
        lib = path.lib
    except AttributeError:  # no cached route (not a live VC handle, or not built yet): resolve, with its errors
        lib, vc = _vc_of(NdisVcHandle, "NdisCoSendNetBufferLists")
        path = path_of(lib, vc)
    if lib.halted is not None:
        lib.check_alive()
    stack = lib.stack
    try:
        caller: Driver | None = stack[-1]
    except IndexError:  # harness level: no driver is running
        caller = None
    trace = lib.trace
    label = ""
    seq = 0
    if trace.enabled:  # Trace.call written out, with plain values (the handle's label, not the handle)
        head = NetBufferLists
        label = head._label if type(head) is NET_BUFFER_LIST and head.Next is None else _chain_label(head)
        flags_text = (type(SendFlags) is int and _FLAG_TEXT.get(SendFlags)) or _flags(SendFlags)
        records = trace.records
        depth = trace.depth
        at = trace.clock.now
        record = (
            CALL,
            at,
            depth,
            caller.name if caller is not None else "harness",
            "NdisCoSendNetBufferLists",
            NdisVcHandle.label if type(NdisVcHandle) is NDIS_HANDLE else plain(NdisVcHandle),
            label,
            flags_text,
        )
        records.append(trace.shared.setdefault(record, record))
        trace.depth = depth + 1
        seq = len(records)
    # One route, traced or not: the trace only records around it.
    try:
        # The ready route: the VC's states were checked since the last state change
        # (``_check_ready``); the caller, its machine, the chain and the flags are checked here,
        # then one walk checks and re-stamps every NBL (owned by the sender, fresh or back from
        # this VC, with SourceHandle right). Anything else takes the checked route.
        n = 0
        nbl: NET_BUFFER_LIST | None = NetBufferLists
        if (
            path.ready
            and caller is path.protocol
            and _ACTIVE[-1] is lib
            and nbl is not None
            and (SendFlags is _NO_FLAGS or _ulong(SendFlags))
        ):
            back, sent = path.back, path.sent
            try:
                while nbl is not None:
                    if (
                        nbl._holder is not back and nbl._holder is not path.pt_owner
                    ) or nbl.SourceHandle is not NdisVcHandle:
                        break
                    nbl._holder = sent
                    n += 1
                    nbl = nbl.Next
            except AttributeError:  # not an NBL: the checked route names it
                nbl = NetBufferLists
            if nbl is not None:
                rollback(NetBufferLists, n, back)
                n = _send_checked(lib, path, caller, NetBufferLists, SendFlags)
                if n < 0:
                    return
        else:
            n = _send_checked(lib, path, caller, NetBufferLists, SendFlags)
            if n < 0:
                return
        vc = path.vc
        vc.outstanding_sends += n
        path.adapter.outstanding_sends += n
        # The miniport's handler. Both routes have checked that this library is the running
        # one, so only the driver stack moves: inline on the untraced hot path, through ``_up``
        # (the same steps plus the records) when tracing.
        if seq:
            _up(
                lib,
                path.mp_driver,
                SPEC_MP_SEND,
                path.mp_send,  # type: ignore[arg-type]
                (vc.miniport_context, NetBufferLists, SendFlags),
                (path.handle.label, label, flags_text),
            )
        else:
            stack.append(path.mp_driver)
            try:
                path.mp_send(vc.miniport_context, NetBufferLists, SendFlags)  # type: ignore[misc]
            except BaseException as exc:
                driver = stack.pop()
                _escaped(lib, driver, SPEC_MP_SEND, exc)
                raise
            stack.pop()
        if vc.outstanding_sends:  # the miniport kept some: the sender may not look at them (R3.06)
            watch_held_by(path.state.pools.every_nbl(), path.sent)
    except BaseException:
        if seq:
            trace.unwind(seq)
            seq = 0
        raise
    finally:
        if seq:  # Trace.ret(seq, None) written out, as in _up
            if trace.enabled and trace.depth == depth + 1 and trace.clock.now == at:
                trace.depth = depth
                records.append(len(records) - seq)
            else:
                trace.ret(seq, None)


def _send_checked(lib: NdisLibrary, path: VcPath, caller: Driver | None, head: NET_BUFFER_LIST, flags: int) -> int:
    """The checked route of a send: every check, in order, then the hand-off.

    Returns how many NBLs go down to the miniport, or -1 when the call ends here (a finding
    in collect mode, or NDIS completes the send itself).
    """
    ddi = "NdisCoSendNetBufferLists"
    vc, adapter = path.vc, path.adapter
    if caller is None:
        raise CallerUnknownError(f"{ddi} must be called by a protocol driver (a handler or machine.running_as)")
    if not _boundary(lib, ddi, head, flags, "SendFlags", chain=False):
        return -1
    if caller is not path.protocol:
        lib.report(
            "R3.06",
            caller,
            ddi,
            f"{caller.name} sent on {vc.handle.label}, whose data belongs to {path.protocol.name}",
        )
        return -1
    status = 0
    if vc.call_state is _CLOSING_CALL and vc.af is not None:
        # R3.07: the client called NdisClCloseCall; NDIS completes the send itself (collect mode).
        lib.report("R3.07", caller, ddi, f"{caller.name} sent on {vc.handle.label} after NdisClCloseCall")
        status = NDIS_STATUS_CLOSING
    elif vc.state not in _DATA_VC_STATES:
        status = NDIS_STATUS_VC_NOT_ACTIVATED
    elif adapter.reset_state is not _NO_RESET:
        status = NDIS_STATUS_RESET_IN_PROGRESS
    elif adapter.state is not _RUNNING:
        status = NDIS_STATUS_PAUSED
    if status:
        target = path.refused
    else:
        target = path.sent
        _check_ready(lib, path)
    # The hand-off walk, as on the ready route; anything else undoes the walk and takes the
    # diagnosis below.
    back, owner, handle = path.back, path.pt_owner, path.handle
    n = 0
    nbl: NET_BUFFER_LIST | None = head
    try:
        while nbl is not None:
            if (nbl._holder is not back and nbl._holder is not owner) or nbl.SourceHandle is not handle:
                break
            nbl._holder = target
            n += 1
            nbl = nbl.Next
    except AttributeError:  # not an NBL: the diagnosis names it
        nbl = head
    if nbl is not None:
        rollback(head, n, back)
        # The chain itself (R3.05: foreign, freed or looping NBLs), before the diagnosis below.
        if check_chain(head, ddi, lib) is not None:
            return -1
        # Slow diagnosis: what is not an NBL (R3.05), then SourceHandle (R3.03), so a wrong
        # one is reported before anything moves; then ownership, accepting NBLs that came
        # back by another VC.
        bad = _bad_link(head)
        if bad is not None:
            lib.report("R3.05", caller, ddi, bad)
            return -1
        nbl = head
        count = 0
        while nbl is not None and count < 1 << 20:
            if owned_by(nbl._holder, caller) and nbl.SourceHandle is not path.handle:
                lib.report(
                    "R3.03",
                    caller,
                    ddi,
                    f"{nbl.label}.SourceHandle is {_describe(nbl.SourceHandle)}, must be {path.handle.label}",
                )
                return -1
            nbl, count = nbl.Next, count + 1
        n, _, reason = transfer_owned(head, caller, target)
        if n < 0:
            lib.report("R3.06", caller, ddi, f"{caller.name} does not hold every NBL it sends: {reason}")
            return -1
    if status:
        _refuse_send(lib, path, head, n, status)
        return -1
    if path.mp_send is None:  # pragma: no cover - registration guarantees the handler
        raise AssertionError("engine bug: a CoNDIS miniport without MiniportCoSendNetBufferLists")
    return n


def _refuse_send(lib: NdisLibrary, path: VcPath, head: NET_BUFFER_LIST, n: int, status: int) -> None:
    """NDIS completes a send it will not pass down, from the scheduler (never inline)."""
    state = path.state
    state.ndis_held += n
    # Until NDIS completes them the VC cannot be deleted (NdisCoDeleteVc answers
    # NDIS_STATUS_NOT_ACCEPTED), so no completion ever reaches a deleted VC. They are not the
    # miniport's, so a pause or a deactivation does not wait for them.
    vc = path.vc
    vc.data["ndis_held"] = vc.data.get("ndis_held", 0) + n
    nbl: NET_BUFFER_LIST | None = head
    while nbl is not None:
        nbl.Status = status
        nbl = nbl.Next

    def complete() -> None:
        back = transfer(head, path.refused, path.back)
        if back < 0:  # pragma: no cover - nobody else can touch NBLs NDIS holds
            raise AssertionError("engine bug: an NBL held by NDIS changed holder")
        state.ndis_held -= back
        state.completed_by_ndis += back
        vc.data["ndis_held"] -= back
        _deliver_send_complete(lib, path, head, 0)

    lib.schedule(f"NDIS completes {n} NBL(s) on {path.handle.label} with {status_name(status)}", complete)


def _deliver_send_complete(lib: NdisLibrary, path: VcPath, head: NET_BUFFER_LIST, flags: int, label: str = "") -> None:
    fn = path.pt_send_complete
    assert fn is not None
    _up(
        lib,
        path.protocol,
        SPEC_PT_SEND_COMPLETE,
        fn,
        (path.protocol_vc_context, head, flags),
        (path.handle.label, label or _chain_label(head), _FLAG_TEXT.get(flags) or _flags(flags))
        if lib.trace.enabled
        else (),
    )


def NdisMCoSendNetBufferListsComplete(
    NdisVcHandle: NDIS_HANDLE, NetBufferLists: NET_BUFFER_LIST, SendCompleteFlags: int
) -> None:
    """Give sent NBLs back; NDIS passes them to the sender's ProtocolCoSendNetBufferListsComplete.

    NDIS contract:
        Every NBL must have been sent on *NdisVcHandle* and not completed yet; write each
        ``Status`` first (never NDIS_STATUS_PENDING) and do not touch the NBLs afterwards
        (R3.10-R3.12). NBLs from several sends may be completed together and in any order
        (R3.11); NDIS hands each call's chain to the protocol as one completion (Q15).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismcosendnetbufferlistscomplete
    """
    try:
        path: VcPath = NdisVcHandle._fast  # type: ignore[assignment]
        lib = path.lib
    except AttributeError:  # no cached route (not a live VC handle, or not built yet): resolve, with its errors
        lib, vc = _vc_of(NdisVcHandle, "NdisMCoSendNetBufferListsComplete")
        path = path_of(lib, vc)
    if lib.halted is not None:
        lib.check_alive()
    stack = lib.stack
    try:
        caller: Driver | None = stack[-1]
    except IndexError:  # harness level: no driver is running
        caller = None
    trace = lib.trace
    label = ""
    seq = 0
    if trace.enabled:  # Trace.call written out, with plain values (the handle's label, not the handle)
        head = NetBufferLists
        label = head._label if type(head) is NET_BUFFER_LIST and head.Next is None else _chain_label(head)
        flags_text = (type(SendCompleteFlags) is int and _FLAG_TEXT.get(SendCompleteFlags)) or _flags(SendCompleteFlags)
        records = trace.records
        depth = trace.depth
        at = trace.clock.now
        record = (
            CALL,
            at,
            depth,
            caller.name if caller is not None else "harness",
            "NdisMCoSendNetBufferListsComplete",
            NdisVcHandle.label if type(NdisVcHandle) is NDIS_HANDLE else plain(NdisVcHandle),
            label,
            flags_text,
        )
        records.append(trace.shared.setdefault(record, record))
        trace.depth = depth + 1
        seq = len(records)
    # One route, traced or not: the trace only records around it.
    try:
        # The ready route: the caller, its machine, the chain and the flags are checked here,
        # then one walk checks and re-stamps every NBL (sent on this VC, with a final Status).
        # Anything else takes the checked route.
        n = 0
        nbl: NET_BUFFER_LIST | None = NetBufferLists
        if (
            caller is path.mp_driver
            and _ACTIVE[-1] is lib
            and nbl is not None
            and (SendCompleteFlags is _NO_FLAGS or _ulong(SendCompleteFlags))
        ):
            # ``status is success`` is only a shortcut for the usual status: any other gets the full test.
            sent, back, success = path.sent, path.back, NDIS_STATUS_SUCCESS
            try:
                while nbl is not None:
                    status = nbl.Status
                    if nbl._holder is not sent or (
                        status is not success and (type(status) is not int or status == NDIS_STATUS_PENDING)
                    ):
                        break
                    nbl._holder = back
                    n += 1
                    nbl = nbl.Next
            except AttributeError:
                nbl = NetBufferLists
            if nbl is not None:
                rollback(NetBufferLists, n, sent)
                n = _complete_checked(lib, path, caller, NetBufferLists, SendCompleteFlags)
                if n < 0:
                    return
        else:
            n = _complete_checked(lib, path, caller, NetBufferLists, SendCompleteFlags)
            if n < 0:
                return
        vc = path.vc
        vc.outstanding_sends -= n
        path.adapter.outstanding_sends -= n
        if path.state.waiting:
            _check_drained(path.state, vc, path.adapter)
        # The sender's handler, as in the send: inline untraced, through ``_up`` when tracing.
        context = vc.client_context if vc.af is not None else vc.cm_context
        if seq:
            _up(
                lib,
                path.protocol,
                SPEC_PT_SEND_COMPLETE,
                path.pt_send_complete,  # type: ignore[arg-type]
                (context, NetBufferLists, SendCompleteFlags),
                (path.handle.label, label, flags_text),
            )
        else:
            stack.append(path.protocol)
            try:
                path.pt_send_complete(context, NetBufferLists, SendCompleteFlags)  # type: ignore[misc]
            except BaseException as exc:
                driver = stack.pop()
                _escaped(lib, driver, SPEC_PT_SEND_COMPLETE, exc)
                raise
            stack.pop()
    except BaseException:
        if seq:
            trace.unwind(seq)
            seq = 0
        raise
    finally:
        if seq:  # Trace.ret(seq, None) written out, as in _up
            if trace.enabled and trace.depth == depth + 1 and trace.clock.now == at:
                trace.depth = depth
                records.append(len(records) - seq)
            else:
                trace.ret(seq, None)


def _complete_checked(lib: NdisLibrary, path: VcPath, caller: Driver | None, head: NET_BUFFER_LIST, flags: int) -> int:
    """The checked route of a send completion: every check, in order, then the hand-off.

    Returns how many NBLs go back to the sender, or -1 when the call ends here (a finding in
    collect mode).
    """
    ddi = "NdisMCoSendNetBufferListsComplete"
    vc = path.vc
    if caller is None:
        raise CallerUnknownError(f"{ddi} must be called by the miniport driver (from a handler or work item)")
    if not _boundary(lib, ddi, head, flags, "SendCompleteFlags", chain=False):
        return -1
    if caller is not path.mp_driver:
        lib.report("R3.10", caller, ddi, f"{caller.name} is not the miniport of {vc.handle.label}")
        return -1
    # The hand-off walk, as on the ready route; anything else undoes the walk and takes the
    # diagnosis below.
    sent, back, pending = path.sent, path.back, NDIS_STATUS_PENDING
    n = 0
    nbl: NET_BUFFER_LIST | None = head
    try:
        while nbl is not None:
            status = nbl.Status
            if nbl._holder is not sent or type(status) is not int or status == pending:
                break
            nbl._holder = back
            n += 1
            nbl = nbl.Next
    except AttributeError:
        nbl = head
    if nbl is not None:
        rollback(head, n, sent)
        if check_chain(head, ddi, lib) is not None:
            return -1
        bad = _bad_link(head)
        if bad is not None:
            lib.report("R3.10", caller, ddi, bad)
            return -1
        nbl = head
        count = 0
        while nbl is not None and count < 1 << 20:
            if nbl._holder is path.sent and (nbl.Status == NDIS_STATUS_PENDING or not is_status(nbl.Status)):
                lib.report(
                    "R3.12", caller, ddi, f"{nbl.label}.Status is {status_name(nbl.Status)}; write a final status"
                )
                return -1
            nbl, count = nbl.Next, count + 1
        n = transfer(head, path.sent, path.back)
    if n < 0:
        offender, reason = refuse(head, n, path.sent, path.back)
        assert offender is not None
        holder = offender._holder
        if holder.kind is _KIND_OWNED and isinstance(holder.via, Vc):
            rule = "R3.12"
            what = "completes an NBL that already came back (double completion, or use after complete)"
        else:
            rule, what = "R3.10", "completes an NBL it was not sent on this VC (a foreign NBL)"
        lib.report(rule, caller, ddi, f"{caller.name} {what}: {reason}")
        return -1
    return n


# --------------------------------------------------------------------------------------------
# Receive and return
# --------------------------------------------------------------------------------------------


def NdisMCoIndicateReceiveNetBufferLists(
    NdisVcHandle: NDIS_HANDLE, NetBufferLists: NET_BUFFER_LIST, NumberOfNetBufferLists: int, CoReceiveFlags: int
) -> None:
    """Indicate received NBLs on a VC to the protocol that owns the VC's data.

    NDIS contract:
        The miniport must own the NBLs and set each ``SourceHandle`` to *NdisVcHandle*
        (R3.21). Without NDIS_RECEIVE_FLAGS_RESOURCES the protocol may keep them until it
        calls NdisReturnNetBufferLists (R3.23); with it, they are back with the miniport
        when this call returns (R3.24). Only on an active VC (R2.29) of an adapter that is
        Running, Pausing or Restarting (R5.15, R5.20, R5.24).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismcoindicatereceivenetbufferlists
    """
    ddi = "NdisMCoIndicateReceiveNetBufferLists"
    lib, vc = _vc_of(NdisVcHandle, ddi)
    path = path_of(lib, vc)
    caller = _caller(lib)
    if lib.trace.enabled:
        lib.ddi(
            caller.name if caller is not None else "harness",
            ddi,
            (NdisVcHandle, _chain_label(NetBufferLists), str(NumberOfNetBufferLists), _flags(CoReceiveFlags)),
            _indicate,
            lib,
            path,
            caller,
            NetBufferLists,
            NumberOfNetBufferLists,
            CoReceiveFlags,
        )
        return
    _indicate(lib, path, caller, NetBufferLists, NumberOfNetBufferLists, CoReceiveFlags)


def _indicate(
    lib: NdisLibrary, path: VcPath, caller: Driver | None, head: NET_BUFFER_LIST, number: int, flags: int
) -> None:
    ddi = "NdisMCoIndicateReceiveNetBufferLists"
    vc = path.vc
    if caller is None:
        raise CallerUnknownError(f"{ddi} must be called by the miniport driver (from a handler or work item)")
    if not _boundary(lib, ddi, head, flags, "CoReceiveFlags", number):
        return
    if caller is not path.mp_driver:
        lib.report("R3.20", caller, ddi, f"{caller.name} is not the miniport of {vc.handle.label}")
        return
    bad = _bad_link(head)
    if bad is not None:
        lib.report("R3.21", caller, ddi, bad)
        return
    if vc.state not in _DATA_VC_STATES:
        lib.report("R2.29", caller, ddi, f"{vc.handle.label} is {vc.state.name}: no receive indications on it")
        return
    if path.adapter.state not in _RECEIVE_ADAPTER_STATES:
        lib.report("R5.20", caller, ddi, f"{path.adapter.name} is {path.adapter.state.name}: no receive indications")
        return
    nbl: NET_BUFFER_LIST | None = head
    count = 0
    while nbl is not None and count < 1 << 20:
        if nbl._holder is path.mp_owner and nbl.SourceHandle is not path.handle:
            lib.report(
                "R3.21",
                caller,
                ddi,
                f"{nbl.label}.SourceHandle is {_describe(nbl.SourceHandle)}, must be {path.handle.label}",
            )
            return
        nbl, count = nbl.Next, count + 1
    general = path.adapter.general
    if general is not None and general.MediaType == NdisMediumCoWan:
        looped = _looped_back(head)
        if looped is not None:
            lib.report("R1.41", caller, ddi, f"{looped.label} carries NDIS_NBL_FLAGS_IS_LOOPBACK_PACKET on a WAN VC")
            return
    resources = bool(flags & NDIS_RECEIVE_FLAGS_RESOURCES)
    target = path.lent if resources else path.indicated
    n = transfer(head, path.mp_owner, target)
    if n < 0:
        _, reason = refuse(head, n, path.mp_owner, target)
        lib.report("R3.21", caller, ddi, f"{caller.name} does not own every NBL it indicates: {reason}")
        return
    if n != number:
        rollback(head, n, path.mp_owner)
        lib.report("R3.20", caller, ddi, f"NumberOfNetBufferLists is {number} but the chain holds {n}")
        return
    fn = path.pt_receive
    assert fn is not None
    args = (path.binding.context, path.protocol_vc_context, head, n, flags)
    shown = (vc.handle.label, _chain_label(head), str(n), _flags(flags)) if lib.trace.enabled else ()
    if not resources:
        vc.outstanding_receives += n
        path.adapter.outstanding_receives += n
        _up(lib, path.protocol, SPEC_PT_RECEIVE, fn, args, shown)
        if vc.outstanding_receives:  # the protocol kept some: the miniport may not look at them (R3.06)
            watch_held_by(path.state.pools.every_nbl(), path.indicated)
        return
    # RESOURCES: the NBLs are only lent. Remember the chain as NDIS handed it over, so the
    # miniport gets exactly these NBLs back, however the protocol relinked them.
    lent = []
    nbl = head
    while nbl is not None:
        lent.append(nbl)
        nbl = nbl.Next
    try:
        _up(lib, path.protocol, SPEC_PT_RECEIVE, fn, args, shown)
    finally:
        kept = [x for x in lent if x._holder is not path.lent]
        for i, x in enumerate(lent):
            x.Next = lent[i + 1] if i + 1 < len(lent) else None
            if x._holder is path.lent:
                x._holder = path.mp_owner
    if kept:
        lib.report(
            "R3.24",
            path.protocol,
            "ProtocolCoReceiveNetBufferLists",
            f"{kept[0].label} was indicated with NDIS_RECEIVE_FLAGS_RESOURCES and passed on inside the callback "
            f"(now {kept[0]._holder.label}); copy what you need instead",
        )


def NdisReturnNetBufferLists(NdisBindingHandle: NDIS_HANDLE, NetBufferLists: NET_BUFFER_LIST, ReturnFlags: int) -> None:
    """Return received NBLs to the miniport that indicated them (MiniportReturnNetBufferLists).

    NDIS contract:
        Every NBL must have been indicated to this binding without
        NDIS_RECEIVE_FLAGS_RESOURCES and not returned yet (R3.23, R3.27). NBLs may come
        back in any order and mixed across indications and VCs (R3.26).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisreturnnetbufferlists
    """
    ddi = "NdisReturnNetBufferLists"
    lib, binding = library_of(NdisBindingHandle, ("binding",), "NdisBindingHandle", ddi)
    assert isinstance(binding, Binding)
    caller = _caller(lib)
    if lib.trace.enabled:
        lib.ddi(
            caller.name if caller is not None else "harness",
            ddi,
            (NdisBindingHandle, _chain_label(NetBufferLists), _flags(ReturnFlags)),
            _return,
            lib,
            binding,
            caller,
            NetBufferLists,
            ReturnFlags,
        )
        return
    _return(lib, binding, caller, NetBufferLists, ReturnFlags)


def _return(lib: NdisLibrary, binding: Binding, caller: Driver | None, head: NET_BUFFER_LIST, flags: int) -> None:
    ddi = "NdisReturnNetBufferLists"
    if caller is None:
        raise CallerUnknownError(f"{ddi} must be called by the protocol driver (from a handler or work item)")
    if not _boundary(lib, ddi, head, flags, "ReturnFlags"):
        return
    if caller is not binding.driver:
        lib.report("R3.27", caller, ddi, f"{binding.handle.label} belongs to {binding.driver.name}, not {caller.name}")
        return
    bad = _bad_link(head)
    if bad is not None:
        lib.report("R3.23", caller, ddi, bad)
        return
    state = state_of(lib)
    adapter = binding.adapter
    mp_owner = state.owner(adapter.driver)
    # One walk re-stamps; the first NBL that may not go back undoes the walk (nothing moves).
    taken: list[tuple[NET_BUFFER_LIST, Holder]] = []
    nbl: NET_BUFFER_LIST | None = head
    while nbl is not None:
        holder = nbl._holder
        via = holder.via
        if (
            holder.kind is not HolderKind.INDICATED
            or holder.driver is not caller
            or not (via is adapter or (isinstance(via, Vc) and via.adapter is adapter))
        ):
            for x, h in taken:
                x._holder = h
            rule = "R3.23"
            if holder is mp_owner and any(x is nbl for x, _ in taken):
                reason = f"{nbl.label} appears twice in the chain"
            elif holder.kind is HolderKind.LENT:
                rule = "R3.24"
                reason = f"{nbl.label} was only {holder.label} (NDIS_RECEIVE_FLAGS_RESOURCES): not yours to return"
            elif holder.kind is _KIND_OWNED and holder.driver is adapter.driver:
                reason = f"{nbl.label} is already back with {adapter.driver.name} (returned twice?)"
            elif holder.kind is HolderKind.INDICATED:
                reason = f"{nbl.label} is {holder.label}, not indicated to {binding.handle.label}"
            else:
                reason = f"{nbl.label} is {holder.label}; only NBLs indicated to this binding come back here"
            lib.report(rule, caller, ddi, reason)
            return
        taken.append((nbl, holder))
        nbl._holder = mp_owner
        nbl = nbl.Next
    for _, holder in taken:
        vc = holder.via
        if isinstance(vc, Vc):
            vc.outstanding_receives -= 1
    adapter.outstanding_receives -= len(taken)
    if state.waiting:
        _check_drained_adapter_and_vcs(state, adapter)
    fn = adapter.miniport.chars.ReturnNetBufferListsHandler
    assert fn is not None
    _up(
        lib,
        adapter.driver,
        SPEC_MP_RETURN,
        fn,
        (adapter.context, head, flags),
        (adapter.handle.label, _chain_label(head), _flags(flags)) if lib.trace.enabled else (),
    )


# --------------------------------------------------------------------------------------------
# Waiting for outstanding NBLs to drain (pause R5.19, deactivation R2.28, halt R5.17)
# --------------------------------------------------------------------------------------------


def outstanding(obj: Adapter | Vc) -> int:
    """Sends in flight plus receives not yet returned, for an adapter or a VC."""
    return obj.outstanding_sends + obj.outstanding_receives


def when_drained(lib: NdisLibrary, obj: Adapter | Vc, callback: Callable[[], None]) -> bool:
    """Run *callback* once *obj* has no outstanding NBL; True if that is already so (no wait)."""
    if outstanding(obj) == 0:
        callback()
        return True
    state = state_of(lib)
    state.waiters.setdefault(obj, []).append(callback)
    state.waiting = True
    return False


def drain_then(
    lib: NdisLibrary, obj: Adapter | Vc, rule: str, driver: Driver, call: str, finish: Callable[[], None]
) -> bool:
    """Run *finish* now if *obj* has no NBL outstanding; otherwise report *rule* and run it
    once the last NBL is back (collect mode). Returns True if *finish* ran now.

    This is how NDIS holds a pause (R5.19) or a VC deactivation (R2.28) that a miniport
    declared finished too early: the finding names the mistake, and nothing is lost.
    """
    if outstanding(obj) == 0:
        finish()
        return True
    label = obj.name if isinstance(obj, Adapter) else obj.handle.label
    lib.report(
        rule,
        driver,
        call,
        f"{obj.outstanding_sends} send(s) and {obj.outstanding_receives} receive(s) still outstanding on {label}; "
        "NDIS finishes only when they are back",
    )
    when_drained(lib, obj, finish)
    return False


def _check_drained(state: DataPathState, vc: Vc, adapter: Adapter) -> None:
    for obj in (vc, adapter):
        if outstanding(obj) == 0 and obj in state.waiters:
            _fire(state, obj)


def _check_drained_adapter_and_vcs(state: DataPathState, adapter: Adapter) -> None:
    for obj in list(state.waiters):
        mine = isinstance(obj, (Adapter, Vc)) and (obj is adapter or getattr(obj, "adapter", None) is adapter)
        if mine and outstanding(obj) == 0:  # type: ignore[arg-type]
            _fire(state, obj)


def _fire(state: DataPathState, obj: object) -> None:
    callbacks = state.waiters.pop(obj, [])
    state.waiting = bool(state.waiters)
    for callback in callbacks:
        state.lib.schedule(f"drained: {getattr(getattr(obj, 'handle', None), 'label', obj)}", callback)


def _describe(value: object) -> str:
    if isinstance(value, NDIS_HANDLE):
        return value.label
    return "NULL" if value is None else type(value).__name__


_FLAG_TEXT: dict[int, str] = {}
"""Flags already turned into text (a handful of values recur on every call)."""


def _flags(flags: object) -> str:
    """Flags as the trace shows them (hex, never mistaken for a status)."""
    if type(flags) is int:
        text = _FLAG_TEXT.get(flags)
        if text is None:
            text = f"0x{flags:x}"
            if len(_FLAG_TEXT) < 64:
                _FLAG_TEXT[flags] = text
        return text
    return f"0x{flags:x}" if isinstance(flags, int) else repr(flags)
