"""The connectionless data path and OIDs, as much as an IM's virtual miniport needs.

An intermediate driver's upper edge is a connectionless miniport (R5.04), so a protocol
bound to it uses the NDIS 6 connectionless DDIs:

* ``NdisSendNetBufferLists`` (protocol) -> ``MiniportSendNetBufferLists`` ->
  ``NdisMSendNetBufferListsComplete`` (miniport) -> ``ProtocolSendNetBufferListsComplete``.
  ``SourceHandle`` is the sender's ``NdisBindingHandle`` (Q12, connectionless meaning); NDIS
  routes each completed NBL back to the binding it names.
* ``NdisMIndicateReceiveNetBufferLists`` (miniport) -> ``ProtocolReceiveNetBufferLists`` of
  the bound protocol, and back through ``NdisReturnNetBufferLists`` (shared with CoNDIS).
  With more than one running binding NDIS lends the NBLs to each in turn (it indicates them
  with NDIS_RECEIVE_FLAGS_RESOURCES, R3.25), so no NBL ever has two holders.
* ``NdisOidRequest`` -> ``MiniportOidRequest`` -> ``NdisMOidRequestComplete`` ->
  ``ProtocolOidRequestComplete``. Unlike CoNDIS, NDIS serializes these: one request per
  adapter at a time; a second one waits in NDIS's queue.

The same ownership rules as the CoNDIS path hold (``condis_edu._library.ownership``), with the adapter
standing where the VC stands there. Sends while the adapter is not Running are completed by
NDIS with NDIS_STATUS_PAUSED.

Pages: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndissendnetbufferlists,
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismindicatereceivenetbufferlists,
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisoidrequest
"""

from __future__ import annotations

import weakref
from collections import deque
from typing import Final

from condis_edu._library.core import NdisLibrary
from condis_edu._library.ddi.common import called_on
from condis_edu._library.ddi.datapath import _chain_label, _check_drained_adapter_and_vcs, _flags, _up, state_of
from condis_edu._library.ddi.requests import _oid_of
from condis_edu._library.handlers import HANDLER_SPECS
from condis_edu._library.objects import Adapter, Binding, Driver
from condis_edu._library.ownership import owned_by, refuse, transfer, transfer_owned
from condis_edu._library.states.adapter import OID_STATES, AdapterState
from condis_edu.errors import StructureTypeError
from condis_edu.mirror.constants import NDIS_RECEIVE_FLAGS_RESOURCES
from condis_edu.mirror.handles import NDIS_HANDLE
from condis_edu.mirror.nbl import NET_BUFFER_LIST, Holder, HolderKind
from condis_edu.mirror.oids import oid_name
from condis_edu.mirror.status import (
    NDIS_STATUS_INVALID_STATE,
    NDIS_STATUS_NOT_SUPPORTED,
    NDIS_STATUS_PAUSED,
    NDIS_STATUS_PENDING,
    is_status,
    status_name,
)
from condis_edu.mirror.structures import NDIS_OID_REQUEST

__all__ = [
    "NdisMIndicateReceiveNetBufferLists",
    "NdisMOidRequestComplete",
    "NdisMSendNetBufferListsComplete",
    "NdisOidRequest",
    "NdisSendNetBufferLists",
]

SPEC_MP_SEND: Final = HANDLER_SPECS["SendNetBufferListsHandler"]
SPEC_PT_SEND_COMPLETE: Final = HANDLER_SPECS["SendNetBufferListsCompleteHandler"]
SPEC_PT_RECEIVE: Final = HANDLER_SPECS["ReceiveNetBufferListsHandler"]
SPEC_MP_OID: Final = HANDLER_SPECS["OidRequestHandler"]
SPEC_PT_OID_COMPLETE: Final = HANDLER_SPECS["OidRequestCompleteHandler"]
_RECEIVE_STATES: Final = frozenset({AdapterState.RUNNING, AdapterState.PAUSING, AdapterState.RESTARTING})


class AdapterPath:
    """Holders of a connectionless adapter (cached on the adapter)."""

    __slots__ = ("adapter", "lent", "mp_owner", "sent")

    def __init__(self, lib: NdisLibrary, adapter: Adapter) -> None:
        state = state_of(lib)
        self.adapter = adapter
        mp = adapter.driver
        self.mp_owner = state.owner(mp)
        self.sent = Holder(HolderKind.SENT, mp, adapter, f"sent to {adapter.name}, held by {mp.name}")
        self.lent: dict[tuple[Binding, bool], Holder] = {}

    def indicated(self, binding: Binding, lent: bool) -> Holder:
        """The holder for NBLs indicated (or lent) to *binding*."""
        key = (binding, lent)
        holder = self.lent.get(key)
        if holder is None:
            kind = HolderKind.LENT if lent else HolderKind.INDICATED
            verb = "lent to" if lent else "indicated to"
            holder = Holder(kind, binding.driver, self.adapter, f"{verb} {binding.driver.name} by {self.adapter.name}")
            self.lent[key] = holder
        return holder


_PATHS: weakref.WeakKeyDictionary[Adapter, AdapterPath] = weakref.WeakKeyDictionary()
"""The connectionless data path of each adapter, owned by this module."""


def _path(lib: NdisLibrary, adapter: Adapter) -> AdapterPath:
    path = _PATHS.get(adapter)
    if path is None:
        path = _PATHS[adapter] = AdapterPath(lib, adapter)
    return path


def _label(lib: NdisLibrary, head: object) -> str:
    return _chain_label(head) if lib.trace.enabled else ""  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Send
# --------------------------------------------------------------------------------------------


def NdisSendNetBufferLists(
    NdisBindingHandle: NDIS_HANDLE, NetBufferLists: NET_BUFFER_LIST, PortNumber: int, SendFlags: int
) -> None:
    """Send NBLs on a connectionless binding (SourceHandle = NdisBindingHandle).

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndissendnetbufferlists
    """
    ddi = "NdisSendNetBufferLists"
    lib, binding, caller = called_on(NdisBindingHandle, Binding, ddi)
    lib.ddi(
        caller.name,
        ddi,
        (NdisBindingHandle, _label(lib, NetBufferLists), _flags(SendFlags)),
        _send,
        lib,
        binding,
        caller,
        NetBufferLists,
        PortNumber,
        SendFlags,
    )


def _send(lib: NdisLibrary, binding: Binding, caller: Driver, head: NET_BUFFER_LIST, port: int, flags: int) -> None:
    ddi = "NdisSendNetBufferLists"
    if caller is not binding.driver:
        lib.report("R3.06", caller, ddi, f"{binding.handle.label} belongs to {binding.driver.name}")
        return
    if not isinstance(head, NET_BUFFER_LIST):
        lib.report("R3.05", caller, ddi, f"NetBufferLists is {type(head).__name__}, not an NBL from an NDIS pool")
        return
    state = state_of(lib)
    owner = state.owner(caller)
    nbl: NET_BUFFER_LIST | None = head
    while nbl is not None:
        if owned_by(nbl._holder, caller) and nbl.SourceHandle is not binding.handle:
            lib.report("R3.03", caller, ddi, f"{nbl.label}.SourceHandle must be {binding.handle.label}")
            return
        nbl = nbl.Next
    adapter = binding.adapter
    path = _path(lib, adapter)
    n, _, reason = transfer_owned(head, caller, path.sent)
    if n < 0:
        lib.report("R3.06", caller, ddi, f"{caller.name} does not hold every NBL it sends: {reason}")
        return
    if adapter.state is not AdapterState.RUNNING:
        nbl = head
        while nbl is not None:
            nbl.Status = NDIS_STATUS_PAUSED
            nbl = nbl.Next
        transfer(head, path.sent, owner)
        lib.schedule(
            f"NDIS completes {n} NBL(s) to {binding.driver.name} with NDIS_STATUS_PAUSED",
            lambda: _deliver(lib, binding, head),
        )
        return
    adapter.outstanding_sends += n
    fn = adapter.miniport.chars.SendNetBufferListsHandler
    assert fn is not None
    _up(
        lib,
        adapter.driver,
        SPEC_MP_SEND,
        fn,
        (adapter.context, head, port, flags),
        (adapter.handle.label, _label(lib, head), _flags(flags)),
    )


def _deliver(lib: NdisLibrary, binding: Binding, head: NET_BUFFER_LIST) -> None:
    fn = binding.protocol.chars.SendNetBufferListsCompleteHandler
    assert fn is not None
    _up(
        lib,
        binding.driver,
        SPEC_PT_SEND_COMPLETE,
        fn,
        (binding.context, head, 0),
        (binding.handle.label, _label(lib, head), _flags(0)),
    )


def NdisMSendNetBufferListsComplete(
    MiniportAdapterHandle: NDIS_HANDLE, NetBufferLists: NET_BUFFER_LIST, SendCompleteFlags: int
) -> None:
    """Complete sent NBLs; NDIS returns each to the binding named by its SourceHandle.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismsendnetbufferlistscomplete
    """
    ddi = "NdisMSendNetBufferListsComplete"
    lib, adapter, caller = called_on(MiniportAdapterHandle, Adapter, ddi)
    lib.ddi(
        caller.name,
        ddi,
        (MiniportAdapterHandle, _label(lib, NetBufferLists), _flags(SendCompleteFlags)),
        _complete,
        lib,
        adapter,
        caller,
        NetBufferLists,
        SendCompleteFlags,
    )


def _complete(lib: NdisLibrary, adapter: Adapter, caller: Driver, head: NET_BUFFER_LIST, flags: int) -> None:
    ddi = "NdisMSendNetBufferListsComplete"
    if caller is not adapter.driver:
        lib.report("R3.10", caller, ddi, f"{caller.name} is not the miniport of {adapter.name}")
        return
    path = _path(lib, adapter)
    state = state_of(lib)
    groups: dict[Binding, list[NET_BUFFER_LIST]] = {}
    nbl: NET_BUFFER_LIST | None = head
    seen: list[NET_BUFFER_LIST] = []
    while nbl is not None:
        if nbl._holder is not path.sent or any(x is nbl for x in seen):
            what = (
                "already came back (double completion)"
                if nbl._holder.kind is HolderKind.OWNED
                else (f"is {nbl._holder.label}")
            )
            lib.report("R3.12" if nbl._holder.kind is HolderKind.OWNED else "R3.10", caller, ddi, f"{nbl.label} {what}")
            return
        if nbl.Status == NDIS_STATUS_PENDING or not is_status(nbl.Status):
            lib.report("R3.12", caller, ddi, f"{nbl.label}.Status is {status_name(nbl.Status)}")
            return
        binding = next((b for b in adapter.bindings if b.handle is nbl.SourceHandle), None)
        if binding is None:  # an IM that overwrote SourceHandle to forward the NBL and did not restore it
            lib.report(
                "R3.04",
                caller,
                ddi,
                f"{nbl.label}.SourceHandle is {nbl.SourceHandle!r}, no longer the sender's binding: restore it "
                "before completing",
            )
            return
        seen.append(nbl)
        groups.setdefault(binding, []).append(nbl)
        nbl = nbl.Next
    for binding, nbls in groups.items():
        owner = state.owner(binding.driver)
        for i, x in enumerate(nbls):
            x._holder = owner
            x.Next = nbls[i + 1] if i + 1 < len(nbls) else None
    adapter.outstanding_sends -= len(seen)
    if state.waiting:
        _check_drained_adapter_and_vcs(state, adapter)
    for binding, nbls in groups.items():
        _deliver(lib, binding, nbls[0])


# --------------------------------------------------------------------------------------------
# Receive
# --------------------------------------------------------------------------------------------


def NdisMIndicateReceiveNetBufferLists(
    MiniportAdapterHandle: NDIS_HANDLE,
    NetBufferLists: NET_BUFFER_LIST,
    PortNumber: int,
    NumberOfNetBufferLists: int,
    ReceiveFlags: int,
) -> None:
    """Indicate received NBLs to the protocols bound to a connectionless adapter.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismindicatereceivenetbufferlists
    """
    ddi = "NdisMIndicateReceiveNetBufferLists"
    lib, adapter, caller = called_on(MiniportAdapterHandle, Adapter, ddi)
    lib.ddi(
        caller.name,
        ddi,
        (
            MiniportAdapterHandle,
            _label(lib, NetBufferLists),
            str(NumberOfNetBufferLists),
            _flags(ReceiveFlags),
        ),
        _indicate,
        lib,
        adapter,
        caller,
        NetBufferLists,
        PortNumber,
        NumberOfNetBufferLists,
        ReceiveFlags,
    )


def _indicate(
    lib: NdisLibrary, adapter: Adapter, caller: Driver, head: NET_BUFFER_LIST, port: int, number: int, flags: int
) -> None:
    ddi = "NdisMIndicateReceiveNetBufferLists"
    if caller is not adapter.driver:
        lib.report("R3.20", caller, ddi, f"{caller.name} is not the miniport of {adapter.name}")
        return
    im_protocol = adapter.miniport.im_protocol
    if im_protocol is not None:
        below = next((b.adapter for b in im_protocol.bindings if b.adapter.resetting), None)
        if below is not None:  # between RESET_START and RESET_END of the adapter under the IM
            lib.report("R4.30", caller, ddi, f"{below.name}, under {adapter.name}, is resetting: hold the indication")
            return
    if adapter.state not in _RECEIVE_STATES:
        lib.report("R5.20", caller, ddi, f"{adapter.name} is {adapter.state.name}: no receive indications")
        return
    path = _path(lib, adapter)
    nbl: NET_BUFFER_LIST | None = head
    while nbl is not None:
        if nbl._holder is not path.mp_owner:
            lib.report("R3.21", caller, ddi, f"{caller.name} does not own {nbl.label}: it is {nbl._holder.label}")
            return
        if nbl.SourceHandle is not adapter.handle:
            lib.report("R3.21", caller, ddi, f"{nbl.label}.SourceHandle must be {adapter.handle.label}")
            return
        nbl = nbl.Next
    bindings = [b for b in adapter.bindings if b.protocol.chars.ReceiveNetBufferListsHandler is not None]
    lend = bool(flags & NDIS_RECEIVE_FLAGS_RESOURCES) or len(bindings) != 1
    if not bindings:
        return
    for binding in bindings:
        target = path.indicated(binding, lend)
        n = transfer(head, path.mp_owner, target)
        if n < 0:
            _, reason = refuse(head, n, path.mp_owner, target)
            lib.report("R3.21", caller, ddi, f"{caller.name} does not own every NBL it indicates: {reason}")
            return
        if n != number:
            transfer(head, target, path.mp_owner)
            lib.report("R3.20", caller, ddi, f"NumberOfNetBufferLists is {number} but the chain holds {n}")
            return
        fn = binding.protocol.chars.ReceiveNetBufferListsHandler
        assert fn is not None
        call_flags = flags | NDIS_RECEIVE_FLAGS_RESOURCES if lend else flags
        if not lend:
            adapter.outstanding_receives += n
            _up(
                lib,
                binding.driver,
                SPEC_PT_RECEIVE,
                fn,
                (binding.context, head, port, n, call_flags),
                (binding.handle.label, _label(lib, head), str(n), _flags(call_flags)),
            )
            return
        lent = []
        x: NET_BUFFER_LIST | None = head
        while x is not None:
            lent.append(x)
            x = x.Next
        try:
            _up(
                lib,
                binding.driver,
                SPEC_PT_RECEIVE,
                fn,
                (binding.context, head, port, n, call_flags),
                (binding.handle.label, _label(lib, head), str(n), _flags(call_flags)),
            )
        finally:
            for i, y in enumerate(lent):
                y.Next = lent[i + 1] if i + 1 < len(lent) else None
                if y._holder is target:
                    y._holder = path.mp_owner


# --------------------------------------------------------------------------------------------
# OID requests (serialized per adapter)
# --------------------------------------------------------------------------------------------


class _OidQueue:
    def __init__(self) -> None:
        self.current: tuple[Binding, NDIS_OID_REQUEST] | None = None
        self.waiting: deque[tuple[Binding, NDIS_OID_REQUEST]] = deque()


_QUEUES: weakref.WeakKeyDictionary[Adapter, _OidQueue] = weakref.WeakKeyDictionary()
"""The connectionless OID requests waiting for each adapter, owned by this module."""


def _queue(adapter: Adapter) -> _OidQueue:
    q = _QUEUES.get(adapter)
    if q is None:
        q = _QUEUES[adapter] = _OidQueue()
    return q


def NdisOidRequest(NdisBindingHandle: NDIS_HANDLE, OidRequest: NDIS_OID_REQUEST) -> int:
    """Query or set information in the miniport below a connectionless binding.

    Returns the final status, or NDIS_STATUS_PENDING (also when NDIS queues the request
    behind one in progress) followed by ProtocolOidRequestComplete.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisoidrequest
    """
    ddi = "NdisOidRequest"
    lib, binding, caller = called_on(NdisBindingHandle, Binding, ddi)
    if not isinstance(OidRequest, NDIS_OID_REQUEST):
        raise StructureTypeError(f"{ddi}: OidRequest must be an NDIS_OID_REQUEST")

    result: int = lib.ddi(
        caller.name, ddi, (NdisBindingHandle, oid_name(_oid_of(OidRequest))), _oid, lib, binding, OidRequest
    )
    return result


def _oid(lib: NdisLibrary, binding: Binding, request: NDIS_OID_REQUEST) -> int:
    adapter = binding.adapter
    if adapter.state not in OID_STATES:
        return NDIS_STATUS_INVALID_STATE
    q = _queue(adapter)
    if q.current is not None:
        q.waiting.append((binding, request))
        return NDIS_STATUS_PENDING
    return _start(lib, adapter, q, binding, request, queued=False)


def _start(
    lib: NdisLibrary, adapter: Adapter, q: _OidQueue, binding: Binding, request: NDIS_OID_REQUEST, queued: bool
) -> int:
    fn = adapter.miniport.chars.OidRequestHandler
    if fn is None:  # a CoNDIS-only miniport: requests go through NdisCoOidRequest
        if queued:
            _oid_done(lib, binding, request, NDIS_STATUS_NOT_SUPPORTED)
        _next(lib, adapter, q)
        return NDIS_STATUS_NOT_SUPPORTED
    q.current = (binding, request)
    status: int = lib.upcall(adapter.driver, SPEC_MP_OID, fn, (adapter.context, request), (adapter.handle,))
    if status == NDIS_STATUS_PENDING:
        return status
    q.current = None
    if queued:
        _oid_done(lib, binding, request, status)
    _next(lib, adapter, q)
    return status


def _next(lib: NdisLibrary, adapter: Adapter, q: _OidQueue) -> None:
    if q.current is None and q.waiting:
        binding, request = q.waiting.popleft()
        lib.schedule(
            f"NDIS starts the next queued OID on {adapter.name}",
            lambda: _start(lib, adapter, q, binding, request, queued=True) and None,
        )


def _oid_done(lib: NdisLibrary, binding: Binding, request: NDIS_OID_REQUEST, status: int) -> None:
    fn = binding.protocol.chars.OidRequestCompleteHandler
    if fn is None:  # pragma: no cover - registration requires it for connectionless protocols
        return
    lib.schedule(
        f"ProtocolOidRequestComplete on {binding.handle.label}",
        lambda: lib.upcall(
            binding.driver, SPEC_PT_OID_COMPLETE, fn, (binding.context, request, status), (binding.handle, status)
        ),
    )


def NdisMOidRequestComplete(MiniportAdapterHandle: NDIS_HANDLE, OidRequest: NDIS_OID_REQUEST, Status: int) -> None:
    """Complete the OID request the miniport pended in MiniportOidRequest.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismoidrequestcomplete
    """
    ddi = "NdisMOidRequestComplete"
    lib, adapter, caller = called_on(MiniportAdapterHandle, Adapter, ddi)

    def impl() -> None:
        q = _queue(adapter)
        if q.current is None or q.current[1] is not OidRequest:
            lib.report("R6.10", caller, ddi, "completes an OID request that is not pending (NdisOidDoubleComplete)")
            return
        if Status == NDIS_STATUS_PENDING or not is_status(Status):
            lib.report("R6.10", caller, ddi, "completes with NDIS_STATUS_PENDING (NdisOidComplete)")
            return
        binding, request = q.current
        q.current = None
        _oid_done(lib, binding, request, Status)
        _next(lib, adapter, q)

    lib.ddi(caller.name, ddi, (MiniportAdapterHandle, Status), impl)
