"""DriverEntry and registration of the loopback miniport.

DriverEntry fills a zeroed NDIS_MINIPORT_DRIVER_CHARACTERISTICS and calls
NdisMRegisterMiniportDriver; NDIS calls MPSetOptions before that returns, and MPSetOptions
registers the six MiniportCoXxx handlers with NdisSetOptionalHandlers.
"""

from __future__ import annotations

from condis_edu.ndis import (
    DRIVER_OBJECT,
    NDIS_MINIPORT_CO_CHARACTERISTICS,
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS,
    NDIS_STATUS_SUCCESS,
    STATUS_SUCCESS,
    STATUS_UNSUCCESSFUL,
    NdisMDeregisterMiniportDriver,
    NdisMRegisterMiniportDriver,
    NdisSetOptionalHandlers,
    fill_header,
)
from condis_edu.samples.loopback_miniport import adapter, datapath, vc
from condis_edu.samples.loopback_miniport.state import MiniportGlobals


def DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: str) -> int:
    """Register the miniport with NDIS."""
    globals_ = MiniportGlobals()
    DriverObject.DriverExtension = globals_

    chars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
    fill_header(chars, revision=2)
    chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
    chars.MajorDriverVersion, chars.MinorDriverVersion = 1, 0
    chars.SetOptionsHandler = MPSetOptions
    chars.InitializeHandlerEx = adapter.MPInitializeEx
    chars.HaltHandlerEx = adapter.MPHaltEx
    chars.UnloadHandler = MPDriverUnload
    chars.PauseHandler = adapter.MPPause
    chars.RestartHandler = adapter.MPRestart
    chars.SendNetBufferListsHandler = datapath.MPSendNetBufferLists
    chars.ReturnNetBufferListsHandler = datapath.MPReturnNetBufferLists
    chars.CancelSendHandler = datapath.MPCancelSend
    chars.DevicePnPEventNotifyHandler = adapter.MPDevicePnPEventNotify
    chars.ShutdownHandlerEx = adapter.MPShutdownEx
    chars.CancelOidRequestHandler = adapter.MPCancelOidRequest
    chars.ResetHandlerEx = datapath.MPResetEx

    Status, handle = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, globals_, chars)
    if Status != NDIS_STATUS_SUCCESS:
        return STATUS_UNSUCCESSFUL
    globals_.NdisMiniportDriverHandle = handle
    return STATUS_SUCCESS


def MPSetOptions(NdisDriverHandle: object, DriverContext: MiniportGlobals) -> int:
    """Register the CoNDIS handlers (the only place NDIS accepts them, R1.18)."""
    co = NDIS_MINIPORT_CO_CHARACTERISTICS()
    fill_header(co)
    co.CoCreateVcHandler = vc.MPCoCreateVc
    co.CoDeleteVcHandler = vc.MPCoDeleteVc
    co.CoActivateVcHandler = vc.MPCoActivateVc
    co.CoDeactivateVcHandler = vc.MPCoDeactivateVc
    co.CoSendNetBufferListsHandler = datapath.MPCoSendNetBufferLists
    co.CoOidRequestHandler = datapath.MPCoOidRequest
    return NdisSetOptionalHandlers(NdisDriverHandle, co)  # type: ignore[arg-type]


def MPDriverUnload(DriverObject: DRIVER_OBJECT) -> None:
    """Undo DriverEntry."""
    globals_ = DriverObject.DriverExtension
    assert isinstance(globals_, MiniportGlobals)
    NdisMDeregisterMiniportDriver(globals_.NdisMiniportDriverHandle)  # type: ignore[arg-type]
