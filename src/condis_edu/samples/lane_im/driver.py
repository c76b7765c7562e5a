"""DriverEntry of the LAN-emulation IM: two registrations, associated (R5.01)."""

from __future__ import annotations

from condis_edu.ndis import (
    DRIVER_OBJECT,
    NDIS_INTERMEDIATE_DRIVER,
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS,
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS,
    NDIS_STATUS_SUCCESS,
    STATUS_SUCCESS,
    STATUS_UNSUCCESSFUL,
    NdisDeregisterProtocolDriver,
    NdisIMAssociateMiniport,
    NdisMDeregisterMiniportDriver,
    NdisMRegisterMiniportDriver,
    NdisRegisterProtocolDriver,
    fill_header,
)
from condis_edu.samples.client import bind as cl_bind
from condis_edu.samples.client import protocol as cl_protocol
from condis_edu.samples.lane_im import lower, miniport
from condis_edu.samples.lane_im.state import LaneGlobals


def DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: str) -> int:
    """Register the virtual miniport (intermediate), then the CoNDIS client edge, then associate."""
    globals_ = LaneGlobals()
    DriverObject.DriverExtension = globals_

    mchars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
    fill_header(mchars)
    mchars.MajorNdisVersion, mchars.MinorNdisVersion = 6, 30
    mchars.Flags = NDIS_INTERMEDIATE_DRIVER
    mchars.InitializeHandlerEx = miniport.LaneInitializeEx
    mchars.HaltHandlerEx = miniport.LaneHaltEx
    mchars.UnloadHandler = LaneUnload
    mchars.PauseHandler = miniport.LanePause
    mchars.RestartHandler = miniport.LaneRestart
    mchars.OidRequestHandler = miniport.LaneOidRequest
    mchars.SendNetBufferListsHandler = miniport.LaneSendNetBufferLists
    mchars.ReturnNetBufferListsHandler = miniport.LaneReturnNetBufferLists
    mchars.CancelSendHandler = miniport.LaneCancelSend
    mchars.DevicePnPEventNotifyHandler = miniport.LaneDevicePnPEventNotify
    mchars.ShutdownHandlerEx = miniport.LaneShutdownEx
    mchars.CancelOidRequestHandler = miniport.LaneCancelOidRequest
    # CheckForHangHandlerEx and ResetHandlerEx stay NULL: an IM never supplies them (R5.02).
    Status, handle = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, globals_, mchars)
    if Status != NDIS_STATUS_SUCCESS or handle is None:
        return STATUS_UNSUCCESSFUL
    globals_.NdisMiniportDriverHandle = handle  # kept for NdisIMInitializeDeviceInstanceEx

    pchars = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS()
    fill_header(pchars)
    pchars.MajorNdisVersion, pchars.MinorNdisVersion = 6, 30
    pchars.Name = "lane_im"
    pchars.SetOptionsHandler = lower.LaneProtocolSetOptions
    pchars.BindAdapterHandlerEx = lower.LaneBindAdapterEx
    pchars.UnbindAdapterHandlerEx = lower.LaneUnbindAdapterEx
    pchars.OpenAdapterCompleteHandlerEx = cl_bind.ClOpenAdapterCompleteEx
    pchars.CloseAdapterCompleteHandlerEx = cl_bind.ClCloseAdapterCompleteEx
    pchars.NetPnPEventHandler = cl_bind.ClNetPnPEvent
    pchars.OidRequestCompleteHandler = cl_bind.ClOidRequestComplete
    Status, protocol = NdisRegisterProtocolDriver(globals_, pchars)
    if Status != NDIS_STATUS_SUCCESS or protocol is None:
        NdisMDeregisterMiniportDriver(handle)  # R1.06: undo what succeeded
        return STATUS_UNSUCCESSFUL
    globals_.NdisProtocolHandle = protocol
    NdisIMAssociateMiniport(handle, protocol)
    return STATUS_SUCCESS


def LaneUnload(DriverObject: DRIVER_OBJECT) -> None:
    """MiniportDriverUnload: deregister both edges (R5.03)."""
    globals_ = DriverObject.DriverExtension
    assert isinstance(globals_, LaneGlobals)
    NdisDeregisterProtocolDriver(globals_.NdisProtocolHandle)  # type: ignore[arg-type]
    assert globals_.NdisMiniportDriverHandle is not None
    NdisMDeregisterMiniportDriver(globals_.NdisMiniportDriverHandle)


_ = cl_protocol
