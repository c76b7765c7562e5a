"""The sample LAN-emulation IM's DriverEntry, with pieces a learner writes plugged in (notebook 6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from condis_edu import ndis as n
from condis_edu.ndis import DRIVER_OBJECT
from condis_edu.samples.client import bind as cl_bind
from condis_edu.samples.lane_im import driver, lower, miniport
from condis_edu.samples.lane_im.state import LaneGlobals

Handler = Callable[..., Any]


def fill_reference(mchars: Any) -> None:
    """What the sample's DriverEntry puts in its miniport characteristics after header and version."""

    mchars.Flags = n.NDIS_INTERMEDIATE_DRIVER
    mchars.InitializeHandlerEx = miniport.LaneInitializeEx
    mchars.HaltHandlerEx = miniport.LaneHaltEx
    mchars.UnloadHandler = driver.LaneUnload
    mchars.PauseHandler = miniport.LanePause
    mchars.RestartHandler = miniport.LaneRestart
    mchars.OidRequestHandler = miniport.LaneOidRequest
    mchars.SendNetBufferListsHandler = miniport.LaneSendNetBufferLists
    mchars.ReturnNetBufferListsHandler = miniport.LaneReturnNetBufferLists
    mchars.CancelSendHandler = miniport.LaneCancelSend
    mchars.DevicePnPEventNotifyHandler = miniport.LaneDevicePnPEventNotify
    mchars.ShutdownHandlerEx = miniport.LaneShutdownEx
    mchars.CancelOidRequestHandler = miniport.LaneCancelOidRequest


def lane_driver_entry(
    fill_miniport_chars: Callable[[Any], None] | None = None, **protocol_handlers: Handler
) -> Callable[[DRIVER_OBJECT, str], int]:
    """The sample IM's DriverEntry (samples/lane_im/driver.py), with its miniport table filled by
    ``fill_miniport_chars`` and some lower-edge protocol handlers replaced."""

    fill = fill_reference if fill_miniport_chars is None else fill_miniport_chars
    pfields: dict[str, Handler] = {
        "SetOptionsHandler": lower.LaneProtocolSetOptions,
        "BindAdapterHandlerEx": lower.LaneBindAdapterEx,
        "UnbindAdapterHandlerEx": lower.LaneUnbindAdapterEx,
        "OpenAdapterCompleteHandlerEx": cl_bind.ClOpenAdapterCompleteEx,
        "CloseAdapterCompleteHandlerEx": cl_bind.ClCloseAdapterCompleteEx,
        "NetPnPEventHandler": cl_bind.ClNetPnPEvent,
        "OidRequestCompleteHandler": cl_bind.ClOidRequestComplete,
    }
    unknown = set(protocol_handlers) - set(pfields)
    if unknown:
        raise ValueError(f"not NDIS_PROTOCOL_DRIVER_CHARACTERISTICS handler fields: {sorted(unknown)}")
    pfields.update(protocol_handlers)

    def DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: str) -> int:
        globals_ = LaneGlobals()
        DriverObject.DriverExtension = globals_
        mchars = n.NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
        mchars.Header.Type = n.NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS
        mchars.Header.Revision = n.NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
        mchars.Header.Size = n.NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
        mchars.MajorNdisVersion, mchars.MinorNdisVersion = 6, 30
        fill(mchars)
        status, handle = n.NdisMRegisterMiniportDriver(DriverObject, RegistryPath, globals_, mchars)
        if status != n.NDIS_STATUS_SUCCESS or handle is None:
            return n.STATUS_UNSUCCESSFUL
        globals_.NdisMiniportDriverHandle = handle
        pchars = n.NDIS_PROTOCOL_DRIVER_CHARACTERISTICS()
        pchars.Header.Type = n.NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS
        pchars.Header.Revision = n.NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1
        pchars.Header.Size = n.NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1
        pchars.MajorNdisVersion, pchars.MinorNdisVersion = 6, 30
        pchars.Name = "lane_im"
        for field, fn in pfields.items():
            setattr(pchars, field, fn)
        status, protocol = n.NdisRegisterProtocolDriver(globals_, pchars)
        if status != n.NDIS_STATUS_SUCCESS or protocol is None:
            n.NdisMDeregisterMiniportDriver(handle)
            return n.STATUS_UNSUCCESSFUL
        globals_.NdisProtocolHandle = protocol
        n.NdisIMAssociateMiniport(handle, protocol)
        return n.STATUS_SUCCESS

    return DriverEntry
