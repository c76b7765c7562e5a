"""Address family and SAP handlers of the call manager."""

from __future__ import annotations

from condis_edu.ndis import (
    CO_ADDRESS_FAMILY,
    CO_SAP,
    NDIS_HANDLE,
    NDIS_STATUS_INVALID_SAP,
    NDIS_STATUS_NOT_SUPPORTED,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SAP_IN_USE,
    NDIS_STATUS_SUCCESS,
    NdisAllocateIoWorkItem,
    NdisCmOpenAddressFamilyComplete,
    NdisFreeIoWorkItem,
    NdisQueueIoWorkItem,
)
from condis_edu.samples.call_manager.bind import finish_unbind
from condis_edu.samples.call_manager.state import CmAf, CmBinding, CmSap
from condis_edu.samples.common import SAP_TYPE_NAME, is_loopback_af


def CmOpenAf(
    CallMgrBindingContext: CmBinding, AddressFamily: CO_ADDRESS_FAMILY, NdisAfHandle: NDIS_HANDLE
) -> tuple[int, CmAf | None]:
    """Accept opens of the sample AF. We pend and finish from a work item, as a CM that
    had to talk to the network first would."""
    if not is_loopback_af(AddressFamily):
        return NDIS_STATUS_NOT_SUPPORTED, None
    af = CmAf(CallMgrBindingContext, NdisAfHandle)
    assert CallMgrBindingContext.NdisBindingHandle is not None
    work = NdisAllocateIoWorkItem(CallMgrBindingContext.NdisBindingHandle)
    NdisQueueIoWorkItem(work, _open_done, af)
    return NDIS_STATUS_PENDING, None


def _open_done(WorkItemContext: CmAf, NdisIoWorkItemHandle: NDIS_HANDLE) -> None:
    NdisFreeIoWorkItem(NdisIoWorkItemHandle)
    WorkItemContext.binding.afs.append(WorkItemContext)
    NdisCmOpenAddressFamilyComplete(NDIS_STATUS_SUCCESS, WorkItemContext.NdisAfHandle, WorkItemContext)


def CmCloseAf(CallMgrAfContext: CmAf) -> int:
    """Forget the client's open (its calls and SAPs are gone by now, R2.46)."""
    if CallMgrAfContext in CallMgrAfContext.binding.afs:
        CallMgrAfContext.binding.afs.remove(CallMgrAfContext)
    return NDIS_STATUS_SUCCESS


def CmRegisterSap(CallMgrAfContext: CmAf, Sap: CO_SAP, NdisSapHandle: NDIS_HANDLE) -> tuple[int, CmSap | None]:
    """A SAP is a service name; each name may be registered once per adapter."""
    if Sap.SapType != SAP_TYPE_NAME or not Sap.Sap:
        return NDIS_STATUS_INVALID_SAP, None
    if find_sap(CallMgrAfContext.binding, Sap.Sap) is not None:
        return NDIS_STATUS_SAP_IN_USE, None
    sap = CmSap(CallMgrAfContext, NdisSapHandle, Sap.Sap)
    CallMgrAfContext.saps.append(sap)
    return NDIS_STATUS_SUCCESS, sap


def find_sap(binding: CmBinding, name: bytes) -> CmSap | None:
    """The SAP registered under *name* on this adapter, if any."""
    for af in binding.afs:
        for sap in af.saps:
            if sap.name == name:
                return sap
    return None


def CmDeregisterSap(CallMgrSapContext: CmSap) -> int:
    """Forget the SAP."""
    CallMgrSapContext.af.saps.remove(CallMgrSapContext)
    return NDIS_STATUS_SUCCESS


def CmNotifyCloseAfComplete(Status: int, CallMgrAfContext: CmAf) -> None:
    """The client finished closing the AF after our notification: maybe finish the unbind."""

    binding = CallMgrAfContext.binding
    binding.notify_pending -= 1
    finish_unbind(binding)


def CmOidRequest(
    ProtocolAfContext: CmAf, ProtocolVcContext: object, ProtocolPartyContext: object, OidRequest: object
) -> int:
    """No call-manager OIDs are supported."""
    return NDIS_STATUS_NOT_SUPPORTED


def CmOidRequestComplete(
    ProtocolAfContext: CmAf, ProtocolVcContext: object, ProtocolPartyContext: object, OidRequest: object, Status: int
) -> None:
    """No OIDs are issued."""
