"""A correct submission for every exercise: what a failed check's trace is compared with.

Each function returns the submission (a handler, a DriverEntry, a fill function) written the way
the notebook's published solution writes it, with the names the notebook would supply taken from
the sample drivers. The tests require every one of them to pass all of its exercise's checks, so
the reference trace a reader sees is always a passing run.

Imports of the sample drivers happen inside the functions: a notebook's first cell imports the
exercise package and should not pay for them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from condis_edu import ndis as n
from condis_edu.exercises.catalogue import _reference as ref
from condis_edu.samples.client.bind import ClBindAdapterEx
from condis_edu.samples.lane_im import driver as lane_driver
from condis_edu.samples.lane_im import miniport as lane_mp
from condis_edu.samples.loopback_miniport.state import LoopbackVc

Handler = Callable[..., Any]

MAX_VCS = 2
MAX_FRAME = 64
LINK_SPEED = 1_555_200
VENDOR_DESCRIPTION = b"my CoNDIS NIC\x00"


class MiniportGlobals:
    """Driver-wide state of the reference DriverEntry."""
    def __init__(self) -> None:
        self.NdisMiniportDriverHandle: object = None


def driver_entry() -> Handler:
    """nb01-driver-entry."""
    def DriverEntry(DriverObject: Any, RegistryPath: str) -> int:
        globals_ = MiniportGlobals()
        DriverObject.DriverExtension = globals_
        chars = n.NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
        chars.Header.Type = n.NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS
        chars.Header.Revision = n.NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
        chars.Header.Size = n.NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
        chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
        chars.SetOptionsHandler = ref.set_options()
        for field, fn in ref.MINIPORT_HANDLERS.items():
            setattr(chars, field, fn)
        status, handle = n.NdisMRegisterMiniportDriver(DriverObject, RegistryPath, globals_, chars)
        if status != n.NDIS_STATUS_SUCCESS:
            return n.STATUS_UNSUCCESSFUL
        globals_.NdisMiniportDriverHandle = handle
        return n.STATUS_SUCCESS

    return DriverEntry


def set_options() -> Handler:
    """nb01-set-options."""
    return ref.set_options()


def activate_vc() -> Handler:
    """nb02-activate-vc."""
    def MPCoActivateVc(MiniportVcContext: Any, CallParameters: Any) -> int:
        MiniportVcContext.active = True
        MiniportVcContext.parameters = CallParameters
        return n.NDIS_STATUS_SUCCESS

    return MPCoActivateVc


def delete_vc() -> Handler:
    """nb02-delete-vc."""
    def MPCoDeleteVc(MiniportVcContext: Any) -> int:
        MiniportVcContext.adapter.vcs.remove(MiniportVcContext)
        return n.NDIS_STATUS_SUCCESS

    return MPCoDeleteVc


def create_vc(limit: int | None = None) -> Handler:
    """nb03-create-vc (and, with ``limit``, nb03-vc-limit)."""
    def MPCoCreateVc(MiniportAdapterContext: Any, NdisVcHandle: Any) -> tuple[int, Any]:
        if limit is not None and len(MiniportAdapterContext.vcs) >= limit:
            return n.NDIS_STATUS_RESOURCES, None
        vc = LoopbackVc(MiniportAdapterContext, NdisVcHandle)
        MiniportAdapterContext.vcs.append(vc)
        return n.NDIS_STATUS_SUCCESS, vc

    return MPCoCreateVc


def limited_create_vc() -> Handler:
    """nb03-vc-limit."""
    return create_vc(MAX_VCS)


def deactivate_vc() -> Handler:
    """nb04-deactivate-vc."""
    def MPCoDeactivateVc(MiniportVcContext: Any) -> int:
        MiniportVcContext.active = False
        MiniportVcContext.parameters = None
        return n.NDIS_STATUS_SUCCESS

    return MPCoDeactivateVc


def close_call_complete() -> Handler:
    """nb04-close-complete."""
    def ClCloseCallComplete(Status: int, ProtocolVcContext: Any, ProtocolPartyContext: Any) -> None:
        vc = ProtocolVcContext
        vc.state = "closed"
        if vc.outgoing and n.NdisCoDeleteVc(vc.NdisVcHandle) == n.NDIS_STATUS_SUCCESS:
            vc.NdisVcHandle = None
            vc.af.vcs.remove(vc)

    return ClCloseCallComplete


def _set_both(co_type: str, co_handlers: dict[str, Handler], cm_handlers: dict[str, Handler]) -> Handler:
    """A SetOptions registering a CoNDIS structure (``co_type``: protocol or miniport) and the CM handlers."""
    def SetOptions(NdisDriverHandle: Any, DriverContext: Any) -> int:
        if co_type == "protocol":
            co: Any = n.NDIS_PROTOCOL_CO_CHARACTERISTICS()
            co.Header.Type = n.NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS
            co.Header.Revision = n.NDIS_PROTOCOL_CO_CHARACTERISTICS_REVISION_1
            co.Header.Size = n.NDIS_SIZEOF_PROTOCOL_CO_CHARACTERISTICS_REVISION_1
        else:
            co = n.NDIS_MINIPORT_CO_CHARACTERISTICS()
            co.Header.Type = n.NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS
            co.Header.Revision = n.NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1
            co.Header.Size = n.NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1
        for field, handler in co_handlers.items():
            setattr(co, field, handler)
        status: int = n.NdisSetOptionalHandlers(NdisDriverHandle, co)
        if status != n.NDIS_STATUS_SUCCESS:
            return status
        cm = n.NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS()
        cm.Header.Type = n.NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS
        cm.Header.Revision = n.NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1
        cm.Header.Size = n.NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1
        for field, handler in cm_handlers.items():
            setattr(cm, field, handler)
        result: int = n.NdisSetOptionalHandlers(NdisDriverHandle, cm)
        return result

    return SetOptions


def cm_set_options() -> Handler:
    """nb05-cm-set-options."""
    return _set_both("protocol", *ref.call_manager_tables())


def mcm_set_options() -> Handler:
    """nb05-mcm-set-options."""
    return _set_both("miniport", *ref.mcm_tables())


def im_fill() -> Handler:
    """nb06-im-chars."""
    def fill(mchars: Any) -> None:
        mchars.Flags = n.NDIS_INTERMEDIATE_DRIVER
        mchars.InitializeHandlerEx = lane_mp.LaneInitializeEx
        mchars.HaltHandlerEx = lane_mp.LaneHaltEx
        mchars.UnloadHandler = lane_driver.LaneUnload
        mchars.PauseHandler = lane_mp.LanePause
        mchars.RestartHandler = lane_mp.LaneRestart
        mchars.OidRequestHandler = lane_mp.LaneOidRequest
        mchars.SendNetBufferListsHandler = lane_mp.LaneSendNetBufferLists
        mchars.ReturnNetBufferListsHandler = lane_mp.LaneReturnNetBufferLists
        mchars.CancelSendHandler = lane_mp.LaneCancelSend
        mchars.DevicePnPEventNotifyHandler = lane_mp.LaneDevicePnPEventNotify
        mchars.ShutdownHandlerEx = lane_mp.LaneShutdownEx
        mchars.CancelOidRequestHandler = lane_mp.LaneCancelOidRequest

    return fill


def bind_adapter() -> Handler:
    """nb06-bind-adapter."""
    def BindAdapterEx(ProtocolDriverContext: Any, BindContext: Any, BindParameters: Any) -> int:
        status = ClBindAdapterEx(ProtocolDriverContext, BindContext, BindParameters)
        if status != n.NDIS_STATUS_SUCCESS:
            return status
        binding = ProtocolDriverContext.bindings[-1]
        name = f"lane{ProtocolDriverContext.instances}"
        ProtocolDriverContext.instances += 1
        n.NdisIMInitializeDeviceInstanceEx(ProtocolDriverContext.NdisMiniportDriverHandle, name, binding)
        return status

    return BindAdapterEx


def co_send(max_frame: int | None = None) -> Handler:
    """nb07-co-send (and, with ``max_frame``, nb07-length-check)."""
    def MPCoSendNetBufferLists(MiniportVcContext: Any, NetBufferLists: Any, SendFlags: int) -> None:
        nbl = NetBufferLists
        while nbl is not None:
            too_long = max_frame is not None and nbl.FirstNetBuffer.DataLength > max_frame
            nbl.Status = n.NDIS_STATUS_INVALID_LENGTH if too_long else n.NDIS_STATUS_SUCCESS
            nbl = nbl.Next
        n.NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, NetBufferLists, 0)

    return MPCoSendNetBufferLists


def checked_co_send() -> Handler:
    """nb07-length-check."""
    return co_send(MAX_FRAME)


def receive() -> Handler:
    """nb08-receive."""
    def ClCoReceiveNetBufferLists(
        ProtocolBindingContext: Any,
        ProtocolVcContext: Any,
        NetBufferLists: Any,
        NumberOfNetBufferLists: int,
        ReceiveFlags: int,
    ) -> None:
        if ReceiveFlags & n.NDIS_RECEIVE_FLAGS_RESOURCES:
            return
        n.NdisReturnNetBufferLists(ProtocolBindingContext.NdisBindingHandle, NetBufferLists, 0)

    return ClCoReceiveNetBufferLists


def oid_request() -> Handler:
    """nb08-oid-request."""
    def MPCoOidRequest(MiniportAdapterContext: Any, MiniportVcContext: Any, NdisRequest: Any) -> int:
        info = NdisRequest.DATA.QUERY_INFORMATION
        value: int | bytes | tuple[int, int]
        if info.Oid == n.OID_GEN_CO_LINK_SPEED:
            value, size = (LINK_SPEED, LINK_SPEED), 8
        elif info.Oid == n.OID_GEN_CO_VENDOR_DESCRIPTION:
            value, size = VENDOR_DESCRIPTION, len(VENDOR_DESCRIPTION)
        else:
            return n.NDIS_STATUS_INVALID_OID
        if info.InformationBufferLength < size:
            info.BytesNeeded = size
            return n.NDIS_STATUS_BUFFER_TOO_SHORT
        info.InformationBuffer = value
        info.BytesWritten = size
        return n.NDIS_STATUS_SUCCESS

    return MPCoOidRequest
