"""VC and call handlers of the call manager: loopback "signaling".

An outgoing call to service *name* (``ProtocolCmMakeCall``) is looked up among the SAPs
registered on the same adapter. If one matches, the call manager creates a second VC for
the callee (``NdisCoCreateVc`` with the SAP's AF handle), activates it, and offers it with
``NdisCmDispatchIncomingCall``. When the callee accepts, it confirms the incoming call
(``NdisCmDispatchCallConnected``), activates the caller's VC and completes the outgoing
call (``NdisCmMakeCallComplete``). Closing either end deactivates that VC, completes the
close and tells the other end with ``NdisCmDispatchIncomingCloseCall``.
"""

from __future__ import annotations

from condis_edu.ndis import (
    CO_CALL_PARAMETERS,
    NDIS_HANDLE,
    NDIS_STATUS_NO_ROUTE_TO_DESTINATION,
    NDIS_STATUS_NOT_SUPPORTED,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
    NdisAllocateIoWorkItem,
    NdisCmActivateVc,
    NdisCmCloseCallComplete,
    NdisCmDeactivateVc,
    NdisCmDispatchCallConnected,
    NdisCmDispatchIncomingCall,
    NdisCmDispatchIncomingCloseCall,
    NdisCmMakeCallComplete,
    NdisCoCreateVc,
    NdisCoDeleteVc,
    NdisFreeIoWorkItem,
    NdisQueueIoWorkItem,
)
from condis_edu.samples.call_manager.af import find_sap
from condis_edu.samples.call_manager.state import CmAf, CmSap, CmVc
from condis_edu.samples.common import called_name


def CmCreateVc(ProtocolAfContext: CmAf, NdisVcHandle: NDIS_HANDLE) -> tuple[int, CmVc]:
    """A client created a VC for an outgoing call."""
    vc = CmVc(ProtocolAfContext, NdisVcHandle, outgoing=True)
    ProtocolAfContext.vcs.append(vc)
    return NDIS_STATUS_SUCCESS, vc


def CmDeleteVc(ProtocolVcContext: CmVc) -> int:
    """The client deleted its VC."""
    if ProtocolVcContext.af is not None and ProtocolVcContext in ProtocolVcContext.af.vcs:
        ProtocolVcContext.af.vcs.remove(ProtocolVcContext)
    return NDIS_STATUS_SUCCESS


def _defer(vc: CmVc, routine: object) -> None:
    assert vc.af is not None and vc.af.binding.NdisBindingHandle is not None
    work = NdisAllocateIoWorkItem(vc.af.binding.NdisBindingHandle)
    NdisQueueIoWorkItem(work, routine, vc)  # type: ignore[arg-type]


def CmMakeCall(
    CallMgrVcContext: CmVc, CallParameters: CO_CALL_PARAMETERS, NdisPartyHandle: NDIS_HANDLE | None
) -> tuple[int, object]:
    """Route the call; nothing irreversible happens here (R2.11): the work is deferred."""
    vc = CallMgrVcContext
    name = called_name(CallParameters)
    assert vc.af is not None
    sap = find_sap(vc.af.binding, name) if name else None
    if sap is None:
        return NDIS_STATUS_NO_ROUTE_TO_DESTINATION, None
    vc.state, vc.parameters, vc.sap = "making", CallParameters, sap
    _defer(vc, _offer_call)
    return NDIS_STATUS_PENDING, None


def _offer_call(WorkItemContext: CmVc, NdisIoWorkItemHandle: NDIS_HANDLE) -> None:
    """Create and activate the callee's VC (R2.02, R2.15)."""
    NdisFreeIoWorkItem(NdisIoWorkItemHandle)
    caller = WorkItemContext
    sap = caller.sap
    assert sap is not None and caller.parameters is not None
    callee = CmVc(sap.af, None, outgoing=False)
    binding = sap.af.binding
    assert binding.NdisBindingHandle is not None
    Status, handle = NdisCoCreateVc(binding.NdisBindingHandle, sap.af.NdisAfHandle, callee)
    if Status != NDIS_STATUS_SUCCESS:
        _fail_make_call(caller, Status)
        return
    assert handle is not None
    callee.NdisVcHandle, callee.peer, caller.peer, callee.sap = handle, caller, callee, sap
    callee.parameters = caller.parameters
    sap.af.vcs.append(callee)
    Status = NdisCmActivateVc(handle, caller.parameters)
    if Status != NDIS_STATUS_PENDING:
        CmActivateVcComplete(Status, callee, caller.parameters)


def _fail_make_call(caller: CmVc, Status: int) -> None:
    caller.state, caller.peer = "idle", None
    assert caller.NdisVcHandle is not None and caller.parameters is not None
    NdisCmMakeCallComplete(Status, caller.NdisVcHandle, None, None, caller.parameters)


def CmActivateVcComplete(Status: int, CallMgrVcContext: CmVc, CallParameters: CO_CALL_PARAMETERS) -> None:
    """An activation finished: offer the callee's call, or complete the caller's."""
    vc = CallMgrVcContext
    assert vc.NdisVcHandle is not None
    if not vc.outgoing:
        caller = vc.peer
        assert caller is not None
        if Status != NDIS_STATUS_SUCCESS:
            _delete_callee(vc)
            _fail_make_call(caller, Status)
            return
        vc.state = "offered"
        assert vc.sap is not None
        Status = NdisCmDispatchIncomingCall(vc.sap.NdisSapHandle, vc.NdisVcHandle, CallParameters)
        if Status != NDIS_STATUS_PENDING:
            CmIncomingCallComplete(Status, vc, CallParameters)
        return
    if Status == NDIS_STATUS_SUCCESS:
        vc.state = "connected"
    else:
        vc.state = "idle"
    NdisCmMakeCallComplete(Status, vc.NdisVcHandle, None, None, CallParameters)


def CmIncomingCallComplete(Status: int, CallMgrVcContext: CmVc, CallParameters: CO_CALL_PARAMETERS) -> None:
    """The callee answered: connect both ends, or undo the callee's VC (R2.45)."""
    callee = CallMgrVcContext
    caller = callee.peer
    assert caller is not None and callee.NdisVcHandle is not None and caller.NdisVcHandle is not None
    if Status != NDIS_STATUS_SUCCESS:
        callee.state, callee.reject_status = "rejected", Status
        Status = NdisCmDeactivateVc(callee.NdisVcHandle)
        if Status != NDIS_STATUS_PENDING:
            CmDeactivateVcComplete(Status, callee)
        return
    callee.state = "connected"
    NdisCmDispatchCallConnected(callee.NdisVcHandle)
    assert caller.parameters is not None
    Status = NdisCmActivateVc(caller.NdisVcHandle, caller.parameters)
    if Status != NDIS_STATUS_PENDING:
        CmActivateVcComplete(Status, caller, caller.parameters)


def CmCloseCall(CallMgrVcContext: CmVc, CallMgrPartyContext: object, CloseData: object, Size: int) -> int:
    """Deactivate the VC first; the close completes when the deactivation has (R2.34)."""
    vc = CallMgrVcContext
    vc.state = "closing"
    assert vc.NdisVcHandle is not None
    Status = NdisCmDeactivateVc(vc.NdisVcHandle)
    if Status == NDIS_STATUS_PENDING:
        return NDIS_STATUS_PENDING
    _after_close(vc, inline=True)
    return NDIS_STATUS_SUCCESS


def CmDeactivateVcComplete(Status: int, CallMgrVcContext: CmVc) -> None:
    """A deactivation finished: complete the close, or finish rejecting an offered call."""
    vc = CallMgrVcContext
    if vc.state == "rejected":
        caller = vc.peer
        _delete_callee(vc)
        if caller is not None:
            _fail_make_call(caller, vc.reject_status)
        return
    _after_close(vc, inline=False)


def _after_close(vc: CmVc, inline: bool) -> None:
    assert vc.NdisVcHandle is not None
    if not inline:
        NdisCmCloseCallComplete(NDIS_STATUS_SUCCESS, vc.NdisVcHandle, None)
    vc.state = "idle"
    peer, vc.peer = vc.peer, None
    if peer is not None:
        peer.peer = None
        if peer.state == "connected":
            _defer(peer, _remote_close)
    if not vc.outgoing:
        if inline:
            _defer(vc, _delete_later)
        else:
            _delete_callee(vc)


def _remote_close(WorkItemContext: CmVc, NdisIoWorkItemHandle: NDIS_HANDLE) -> None:
    """Tell the other end of a looped-back call that its peer hung up."""
    NdisFreeIoWorkItem(NdisIoWorkItemHandle)
    if WorkItemContext.state == "connected" and WorkItemContext.NdisVcHandle is not None:
        NdisCmDispatchIncomingCloseCall(NDIS_STATUS_SUCCESS, WorkItemContext.NdisVcHandle, None, 0)


def _delete_later(WorkItemContext: CmVc, NdisIoWorkItemHandle: NDIS_HANDLE) -> None:
    NdisFreeIoWorkItem(NdisIoWorkItemHandle)
    if WorkItemContext.NdisVcHandle is not None:
        _delete_callee(WorkItemContext)


DELETE_TRIES = 8
"""How many times we ask NDIS to delete a callee's VC before we give up and leave it as it is."""


def _delete_callee(vc: CmVc) -> None:
    """We created the callee's VC, so we delete it (R2.05) once it is idle and inactive.

    NdisCoDeleteVc can refuse: NDIS_STATUS_NOT_ACCEPTED while the VC is still in use (NDIS
    still holds NBLs sent on it, which it completes later), NDIS_STATUS_CLOSING while a
    deactivation runs. The VC and its handle then stay valid, so we keep both and ask again
    from a work item, which runs after what NDIS has queued already.
    """
    assert vc.NdisVcHandle is not None
    Status = NdisCoDeleteVc(vc.NdisVcHandle)
    if Status != NDIS_STATUS_SUCCESS:
        vc.delete_status = Status
        vc.delete_tries += 1
        binding = vc.af.binding if vc.af is not None else None
        if vc.delete_tries < DELETE_TRIES and binding is not None and binding.NdisBindingHandle is not None:
            _defer(vc, _delete_later)
        return
    if vc.af is not None and vc in vc.af.vcs:
        vc.af.vcs.remove(vc)
    vc.NdisVcHandle = None


def CmAddParty(
    CallMgrVcContext: CmVc, CallParameters: CO_CALL_PARAMETERS, NdisPartyHandle: NDIS_HANDLE
) -> tuple[int, None]:
    """Point-to-point only."""
    return NDIS_STATUS_NOT_SUPPORTED, None


def CmDropParty(CallMgrPartyContext: object, CloseData: object, Size: int) -> int:
    """Point-to-point only."""
    return NDIS_STATUS_NOT_SUPPORTED


def CmModifyCallQoS(CallMgrVcContext: CmVc, CallParameters: CO_CALL_PARAMETERS) -> int:
    """QoS changes are not supported."""
    return NDIS_STATUS_NOT_SUPPORTED


def CmCoReceiveNetBufferLists(
    ProtocolBindingContext: object,
    ProtocolVcContext: object,
    NetBufferLists: object,
    NumberOfNetBufferLists: int,
    ReceiveFlags: int,
) -> None:
    """No signaling traffic on a loopback NIC."""


def CmCoSendNetBufferListsComplete(ProtocolVcContext: object, NetBufferLists: object, SendCompleteFlags: int) -> None:
    """The call manager sends nothing."""


_ = CmSap
