"""DriverEntry and registration of the call manager."""

from __future__ import annotations

from condis_edu.ndis import (
    DRIVER_OBJECT,
    NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS,
    NDIS_PROTOCOL_CO_CHARACTERISTICS,
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS,
    NDIS_STATUS_SUCCESS,
    STATUS_SUCCESS,
    STATUS_UNSUCCESSFUL,
    NdisDeregisterProtocolDriver,
    NdisRegisterProtocolDriver,
    NdisSetOptionalHandlers,
    fill_header,
)
from condis_edu.samples.call_manager import af, bind, calls
from condis_edu.samples.call_manager.state import CmGlobals


def DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: str) -> int:
    """Register as an NDIS 6.30 protocol driver."""
    globals_ = CmGlobals()
    DriverObject.DriverExtension = globals_
    DriverObject.DriverUnload = CmUnload

    chars = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS()
    fill_header(chars)
    chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
    chars.Name = "call_manager"
    chars.SetOptionsHandler = CmSetOptions
    chars.BindAdapterHandlerEx = bind.CmBindAdapterEx
    chars.UnbindAdapterHandlerEx = bind.CmUnbindAdapterEx
    chars.OpenAdapterCompleteHandlerEx = bind.CmOpenAdapterCompleteEx
    chars.CloseAdapterCompleteHandlerEx = bind.CmCloseAdapterCompleteEx
    chars.NetPnPEventHandler = bind.CmNetPnPEvent
    chars.OidRequestCompleteHandler = bind.CmOidRequestComplete

    Status, handle = NdisRegisterProtocolDriver(globals_, chars)
    if Status != NDIS_STATUS_SUCCESS:
        return STATUS_UNSUCCESSFUL
    globals_.NdisProtocolHandle = handle
    return STATUS_SUCCESS


def CmSetOptions(NdisDriverHandle: object, DriverContext: CmGlobals) -> int:
    """Register the CoNDIS protocol handlers and the call manager handlers."""
    co = NDIS_PROTOCOL_CO_CHARACTERISTICS()
    fill_header(co)
    co.CoStatusHandlerEx = bind.CmCoStatusEx
    co.CoAfRegisterNotifyHandler = bind.CmCoAfRegisterNotify
    co.CoReceiveNetBufferListsHandler = calls.CmCoReceiveNetBufferLists
    co.CoSendNetBufferListsCompleteHandler = calls.CmCoSendNetBufferListsComplete
    Status = NdisSetOptionalHandlers(NdisDriverHandle, co)  # type: ignore[arg-type]
    if Status != NDIS_STATUS_SUCCESS:
        return Status

    cm = NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS()
    fill_header(cm)
    cm.CmCreateVcHandler = calls.CmCreateVc
    cm.CmDeleteVcHandler = calls.CmDeleteVc
    cm.CmOpenAfHandler = af.CmOpenAf
    cm.CmCloseAfHandler = af.CmCloseAf
    cm.CmRegisterSapHandler = af.CmRegisterSap
    cm.CmDeregisterSapHandler = af.CmDeregisterSap
    cm.CmMakeCallHandler = calls.CmMakeCall
    cm.CmCloseCallHandler = calls.CmCloseCall
    cm.CmIncomingCallCompleteHandler = calls.CmIncomingCallComplete
    cm.CmAddPartyHandler = calls.CmAddParty
    cm.CmDropPartyHandler = calls.CmDropParty
    cm.CmActivateVcCompleteHandler = calls.CmActivateVcComplete
    cm.CmDeactivateVcCompleteHandler = calls.CmDeactivateVcComplete
    cm.CmModifyCallQoSHandler = calls.CmModifyCallQoS
    cm.CmOidRequestHandler = af.CmOidRequest
    cm.CmOidRequestCompleteHandler = af.CmOidRequestComplete
    cm.CmNotifyCloseAfCompleteHandler = af.CmNotifyCloseAfComplete
    return NdisSetOptionalHandlers(NdisDriverHandle, cm)  # type: ignore[arg-type]


def CmUnload(DriverObject: DRIVER_OBJECT) -> None:
    """Undo DriverEntry."""
    globals_ = DriverObject.DriverExtension
    assert isinstance(globals_, CmGlobals)
    NdisDeregisterProtocolDriver(globals_.NdisProtocolHandle)  # type: ignore[arg-type]
