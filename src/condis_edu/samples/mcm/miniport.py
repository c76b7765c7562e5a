"""DriverEntry and registration of the MCM."""

from __future__ import annotations

from condis_edu.ndis import (
    DRIVER_OBJECT,
    NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS,
    NDIS_MINIPORT_CO_CHARACTERISTICS,
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS,
    NDIS_STATUS_NOT_SUPPORTED,
    NDIS_STATUS_SUCCESS,
    STATUS_SUCCESS,
    STATUS_UNSUCCESSFUL,
    NdisMDeregisterMiniportDriver,
    NdisMRegisterMiniportDriver,
    NdisSetOptionalHandlers,
    fill_header,
)
from condis_edu.samples.mcm import adapter, cm
from condis_edu.samples.mcm.state import McmAdapter, McmGlobals, McmVc


def DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: str) -> int:
    """Register the MCM as an NDIS 6.30 miniport."""
    globals_ = McmGlobals()
    DriverObject.DriverExtension = globals_
    chars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
    fill_header(chars, revision=2)
    chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
    chars.SetOptionsHandler = McmSetOptions
    chars.InitializeHandlerEx = adapter.McmInitializeEx
    chars.HaltHandlerEx = adapter.McmHaltEx
    chars.UnloadHandler = McmDriverUnload
    chars.PauseHandler = adapter.McmPause
    chars.RestartHandler = adapter.McmRestart
    chars.SendNetBufferListsHandler = adapter.McmSendNetBufferLists
    chars.ReturnNetBufferListsHandler = adapter.McmReturnNetBufferLists
    chars.CancelSendHandler = adapter.McmCancelSend
    chars.DevicePnPEventNotifyHandler = adapter.McmDevicePnPEventNotify
    chars.ShutdownHandlerEx = adapter.McmShutdownEx
    chars.CancelOidRequestHandler = adapter.McmCancelOidRequest
    Status, handle = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, globals_, chars)
    if Status != NDIS_STATUS_SUCCESS:
        return STATUS_UNSUCCESSFUL
    globals_.NdisMiniportDriverHandle = handle
    return STATUS_SUCCESS


def McmSetOptions(NdisDriverHandle: object, DriverContext: McmGlobals) -> int:
    """Register the Co miniport handlers and the call manager handlers (R1.33)."""
    co = NDIS_MINIPORT_CO_CHARACTERISTICS()
    fill_header(co)
    co.CoActivateVcHandler = McmCoActivateVc
    co.CoDeactivateVcHandler = McmCoDeactivateVc
    co.CoSendNetBufferListsHandler = McmCoSendNetBufferLists
    co.CoOidRequestHandler = McmCoOidRequest
    Status = NdisSetOptionalHandlers(NdisDriverHandle, co)  # type: ignore[arg-type]
    if Status != NDIS_STATUS_SUCCESS:
        return Status
    handlers = NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS()
    fill_header(handlers)
    handlers.CmCreateVcHandler = cm.McmCreateVc
    handlers.CmDeleteVcHandler = cm.McmDeleteVc
    handlers.CmOpenAfHandler = cm.McmOpenAf
    handlers.CmCloseAfHandler = cm.McmCloseAf
    handlers.CmRegisterSapHandler = cm.McmRegisterSap
    handlers.CmDeregisterSapHandler = cm.McmDeregisterSap
    handlers.CmMakeCallHandler = cm.McmMakeCall
    handlers.CmCloseCallHandler = cm.McmCloseCall
    handlers.CmIncomingCallCompleteHandler = cm.McmIncomingCallComplete
    handlers.CmAddPartyHandler = cm.McmAddParty
    handlers.CmDropPartyHandler = cm.McmDropParty
    handlers.CmActivateVcCompleteHandler = cm.McmActivateVcComplete
    handlers.CmDeactivateVcCompleteHandler = cm.McmDeactivateVcComplete
    handlers.CmModifyCallQoSHandler = cm.McmModifyCallQoS
    handlers.CmOidRequestHandler = cm.McmCmOidRequest
    handlers.CmOidRequestCompleteHandler = cm.McmCmOidRequestComplete
    handlers.CmNotifyCloseAfCompleteHandler = cm.McmNotifyCloseAfComplete
    return NdisSetOptionalHandlers(NdisDriverHandle, handlers)  # type: ignore[arg-type]


def McmCoActivateVc(MiniportVcContext: McmVc, CallParameters: object) -> int:
    """Never called for an MCM: activation is internal (NdisMCmActivateVc)."""
    return NDIS_STATUS_SUCCESS


def McmCoDeactivateVc(MiniportVcContext: McmVc) -> int:
    """Never called for an MCM: deactivation is internal (NdisMCmDeactivateVc)."""
    return NDIS_STATUS_SUCCESS


def McmCoSendNetBufferLists(MiniportVcContext: McmVc, NetBufferLists: object, SendFlags: int) -> None:
    """Client data (the data path engine will loop it back)."""


def McmCoOidRequest(MiniportAdapterContext: McmAdapter, MiniportVcContext: object, NdisRequest: object) -> int:
    """Miniport-side OIDs are part of the data path engine (a separate handler from CmOidRequest, R1.36)."""
    return NDIS_STATUS_NOT_SUPPORTED


def McmDriverUnload(DriverObject: DRIVER_OBJECT) -> None:
    """Undo DriverEntry."""
    globals_ = DriverObject.DriverExtension
    assert isinstance(globals_, McmGlobals)
    NdisMDeregisterMiniportDriver(globals_.NdisMiniportDriverHandle)  # type: ignore[arg-type]
