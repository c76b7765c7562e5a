"""The call manager side of the MCM (NdisMCmXxx DDIs).

The flow mirrors the stand-alone sample call manager, except that the MCM creates the
callee's VC with NdisMCmCreateVc, activates VCs with NdisMCmActivateVc (internal: no
MiniportCoActivateVc, and never a ProtocolCmActivateVcComplete, our Q7 reading) and
completes with the NdisMCmXxx forms.
"""

from __future__ import annotations

from condis_edu.ndis import (
    CO_ADDRESS_FAMILY,
    CO_CALL_PARAMETERS,
    CO_SAP,
    NDIS_HANDLE,
    NDIS_STATUS_INVALID_SAP,
    NDIS_STATUS_NO_ROUTE_TO_DESTINATION,
    NDIS_STATUS_NOT_SUPPORTED,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SAP_IN_USE,
    NDIS_STATUS_SUCCESS,
    NdisAllocateIoWorkItem,
    NdisFreeIoWorkItem,
    NdisMCmActivateVc,
    NdisMCmCreateVc,
    NdisMCmDeactivateVc,
    NdisMCmDeleteVc,
    NdisMCmDispatchCallConnected,
    NdisMCmDispatchIncomingCall,
    NdisMCmDispatchIncomingCloseCall,
    NdisMCmMakeCallComplete,
    NdisQueueIoWorkItem,
)
from condis_edu.samples.common import SAP_TYPE_NAME, called_name, is_loopback_af
from condis_edu.samples.mcm.state import McmAdapter, McmAf, McmSap, McmVc


def McmOpenAf(
    CallMgrBindingContext: McmAdapter, AddressFamily: CO_ADDRESS_FAMILY, NdisAfHandle: NDIS_HANDLE
) -> tuple[int, McmAf | None]:
    """Accept opens of the sample AF at once."""
    if not is_loopback_af(AddressFamily):
        return NDIS_STATUS_NOT_SUPPORTED, None
    af = McmAf(CallMgrBindingContext, NdisAfHandle)
    CallMgrBindingContext.afs.append(af)
    return NDIS_STATUS_SUCCESS, af


def McmCloseAf(CallMgrAfContext: McmAf) -> int:
    """Forget the open."""
    CallMgrAfContext.adapter.afs.remove(CallMgrAfContext)
    return NDIS_STATUS_SUCCESS


def _find_sap(adapter: McmAdapter, name: bytes) -> McmSap | None:
    for af in adapter.afs:
        for sap in af.saps:
            if sap.name == name:
                return sap
    return None


def McmRegisterSap(CallMgrAfContext: McmAf, Sap: CO_SAP, NdisSapHandle: NDIS_HANDLE) -> tuple[int, McmSap | None]:
    """A SAP is a service name, unique per adapter."""
    if Sap.SapType != SAP_TYPE_NAME or not Sap.Sap:
        return NDIS_STATUS_INVALID_SAP, None
    if _find_sap(CallMgrAfContext.adapter, Sap.Sap) is not None:
        return NDIS_STATUS_SAP_IN_USE, None
    sap = McmSap(CallMgrAfContext, NdisSapHandle, Sap.Sap)
    CallMgrAfContext.saps.append(sap)
    return NDIS_STATUS_SUCCESS, sap


def McmDeregisterSap(CallMgrSapContext: McmSap) -> int:
    """Forget the SAP."""
    CallMgrSapContext.af.saps.remove(CallMgrSapContext)
    return NDIS_STATUS_SUCCESS


def McmCreateVc(ProtocolAfContext: McmAf, NdisVcHandle: NDIS_HANDLE) -> tuple[int, McmVc]:
    """A client created a VC; for an MCM this context is also the miniport's VC context."""
    return NDIS_STATUS_SUCCESS, McmVc(ProtocolAfContext, NdisVcHandle, outgoing=True)


def McmDeleteVc(ProtocolVcContext: McmVc) -> int:
    """The client deleted its VC."""
    return NDIS_STATUS_SUCCESS


def _defer(vc: McmVc, routine: object) -> None:
    work = NdisAllocateIoWorkItem(vc.af.adapter.MiniportAdapterHandle)
    NdisQueueIoWorkItem(work, routine, vc)  # type: ignore[arg-type]


def McmMakeCall(
    CallMgrVcContext: McmVc, CallParameters: CO_CALL_PARAMETERS, NdisPartyHandle: object
) -> tuple[int, None]:
    """Route the call to a local SAP; the signaling runs from a work item."""
    name = called_name(CallParameters)
    sap = _find_sap(CallMgrVcContext.af.adapter, name) if name else None
    if sap is None:
        return NDIS_STATUS_NO_ROUTE_TO_DESTINATION, None
    CallMgrVcContext.parameters, CallMgrVcContext.sap, CallMgrVcContext.state = CallParameters, sap, "making"
    _defer(CallMgrVcContext, _connect)
    return NDIS_STATUS_PENDING, None


def _connect(WorkItemContext: McmVc, NdisIoWorkItemHandle: NDIS_HANDLE) -> None:
    NdisFreeIoWorkItem(NdisIoWorkItemHandle)
    caller = WorkItemContext
    sap = caller.sap
    assert sap is not None and caller.parameters is not None and caller.NdisVcHandle is not None
    callee = McmVc(sap.af, None, outgoing=False)
    Status, handle = NdisMCmCreateVc(sap.af.adapter.MiniportAdapterHandle, sap.af.NdisAfHandle, callee)
    if Status != NDIS_STATUS_SUCCESS or handle is None:
        NdisMCmMakeCallComplete(Status, caller.NdisVcHandle, None, None, caller.parameters)
        return
    callee.NdisVcHandle, callee.peer, caller.peer = handle, caller, callee
    NdisMCmActivateVc(handle, caller.parameters)
    Status = NdisMCmDispatchIncomingCall(sap.NdisSapHandle, handle, caller.parameters)
    if Status == NDIS_STATUS_PENDING:
        return
    McmIncomingCallComplete(Status, callee, caller.parameters)


def McmIncomingCallComplete(Status: int, CallMgrVcContext: McmVc, CallParameters: CO_CALL_PARAMETERS) -> None:
    """Connect both ends, or undo the callee's VC and fail the caller (R2.45)."""
    callee = CallMgrVcContext
    caller = callee.peer
    assert caller is not None and callee.NdisVcHandle is not None and caller.NdisVcHandle is not None
    if Status != NDIS_STATUS_SUCCESS:
        NdisMCmDeactivateVc(callee.NdisVcHandle)
        NdisMCmDeleteVc(callee.NdisVcHandle)
        caller.peer = None
        NdisMCmMakeCallComplete(Status, caller.NdisVcHandle, None, None, CallParameters)
        return
    callee.state = caller.state = "connected"
    NdisMCmDispatchCallConnected(callee.NdisVcHandle)
    NdisMCmActivateVc(caller.NdisVcHandle, CallParameters)
    NdisMCmMakeCallComplete(NDIS_STATUS_SUCCESS, caller.NdisVcHandle, None, None, CallParameters)


def McmCloseCall(CallMgrVcContext: McmVc, CallMgrPartyContext: object, CloseData: object, Size: int) -> int:
    """Deactivate (internally), close synchronously, and hang up the other end."""
    vc = CallMgrVcContext
    assert vc.NdisVcHandle is not None
    NdisMCmDeactivateVc(vc.NdisVcHandle)
    vc.state = "idle"
    peer, vc.peer = vc.peer, None
    if peer is not None:
        peer.peer = None
        if peer.state == "connected":
            _defer(peer, _remote_close)
    if not vc.outgoing:
        _defer(vc, _delete_callee)
    return NDIS_STATUS_SUCCESS


def _remote_close(WorkItemContext: McmVc, NdisIoWorkItemHandle: NDIS_HANDLE) -> None:
    NdisFreeIoWorkItem(NdisIoWorkItemHandle)
    if WorkItemContext.state == "connected" and WorkItemContext.NdisVcHandle is not None:
        NdisMCmDispatchIncomingCloseCall(NDIS_STATUS_SUCCESS, WorkItemContext.NdisVcHandle, None, 0)


def _delete_callee(WorkItemContext: McmVc, NdisIoWorkItemHandle: NDIS_HANDLE) -> None:
    NdisFreeIoWorkItem(NdisIoWorkItemHandle)
    assert WorkItemContext.NdisVcHandle is not None
    NdisMCmDeleteVc(WorkItemContext.NdisVcHandle)
    WorkItemContext.NdisVcHandle = None


def McmActivateVcComplete(Status: int, CallMgrVcContext: McmVc, CallParameters: object) -> None:
    """Never called for an MCM (Q7), but every CmXxx entry must be filled (R1.35)."""


def McmDeactivateVcComplete(Status: int, CallMgrVcContext: McmVc) -> None:
    """Never called for an MCM (Q7), but every CmXxx entry must be filled (R1.35)."""


def McmAddParty(CallMgrVcContext: McmVc, CallParameters: object, NdisPartyHandle: object) -> tuple[int, None]:
    """Point-to-point only."""
    return NDIS_STATUS_NOT_SUPPORTED, None


def McmDropParty(CallMgrPartyContext: object, CloseData: object, Size: int) -> int:
    """Point-to-point only."""
    return NDIS_STATUS_NOT_SUPPORTED


def McmModifyCallQoS(CallMgrVcContext: McmVc, CallParameters: object) -> int:
    """QoS changes are not supported."""
    return NDIS_STATUS_NOT_SUPPORTED


def McmNotifyCloseAfComplete(Status: int, CallMgrAfContext: McmAf) -> None:
    """A client finished closing the AF after a notification."""


def McmCmOidRequest(
    ProtocolAfContext: object, ProtocolVcContext: object, ProtocolPartyContext: object, OidRequest: object
) -> int:
    """The call-manager OID handler, distinct from McmCoOidRequest (R1.36)."""
    return NDIS_STATUS_NOT_SUPPORTED


def McmCmOidRequestComplete(
    ProtocolAfContext: object, ProtocolVcContext: object, ProtocolPartyContext: object, OidRequest: object, Status: int
) -> None:
    """No OIDs are issued."""
