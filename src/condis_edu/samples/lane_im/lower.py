"""The IM's lower edge: a CoNDIS client (call handling reused from the sample client) whose
data handlers carry frames between the VC and the virtual miniport above."""

from __future__ import annotations

from condis_edu.ndis import (
    NDIS_BIND_PARAMETERS,
    NDIS_CO_CLIENT_OPTIONAL_HANDLERS,
    NDIS_HANDLE,
    NDIS_PROTOCOL_CO_CHARACTERISTICS,
    NDIS_RECEIVE_FLAGS_RESOURCES,
    NDIS_STATUS_SUCCESS,
    NET_BUFFER_LIST,
    NdisIMDeInitializeDeviceInstance,
    NdisIMInitializeDeviceInstanceEx,
    NdisReturnNetBufferLists,
    NdisSetOptionalHandlers,
    fill_header,
)
from condis_edu.samples.client import af as cl_af
from condis_edu.samples.client import bind as cl_bind
from condis_edu.samples.client import calls as cl_calls
from condis_edu.samples.client import deletion as cl_deletion
from condis_edu.samples.client import teardown as cl_teardown
from condis_edu.samples.client.state import ClBinding, ClVc
from condis_edu.samples.lane_im import miniport
from condis_edu.samples.lane_im.state import LaneGlobals


def LaneProtocolSetOptions(NdisDriverHandle: object, DriverContext: LaneGlobals) -> int:
    """Register the CoNDIS handlers: our data path, the sample client's call handling."""
    co = NDIS_PROTOCOL_CO_CHARACTERISTICS()
    fill_header(co)
    co.CoStatusHandlerEx = cl_bind.ClCoStatusEx
    co.CoAfRegisterNotifyHandler = cl_af.ClCoAfRegisterNotify
    co.CoReceiveNetBufferListsHandler = LaneCoReceiveNetBufferLists
    co.CoSendNetBufferListsCompleteHandler = LaneCoSendNetBufferListsComplete
    Status = NdisSetOptionalHandlers(NdisDriverHandle, co)  # type: ignore[arg-type]
    if Status != NDIS_STATUS_SUCCESS:
        return Status
    cl = NDIS_CO_CLIENT_OPTIONAL_HANDLERS()
    fill_header(cl)
    cl.ClCreateVcHandler = cl_calls.ClCreateVc
    cl.ClDeleteVcHandler = cl_calls.ClDeleteVc
    cl.ClOidRequestHandler = cl_calls.ClOidRequest
    cl.ClOidRequestCompleteHandler = cl_calls.ClOidRequestComplete
    cl.ClOpenAfCompleteHandlerEx = cl_af.ClOpenAfCompleteEx
    cl.ClCloseAfCompleteHandler = cl_af.ClCloseAfComplete
    cl.ClRegisterSapCompleteHandler = cl_af.ClRegisterSapComplete
    cl.ClDeregisterSapCompleteHandler = cl_teardown.ClDeregisterSapComplete
    cl.ClMakeCallCompleteHandler = cl_calls.ClMakeCallComplete
    cl.ClModifyCallQoSCompleteHandler = cl_calls.ClModifyCallQoSComplete
    cl.ClCloseCallCompleteHandler = cl_calls.ClCloseCallComplete
    cl.ClAddPartyCompleteHandler = cl_calls.ClAddPartyComplete
    cl.ClDropPartyCompleteHandler = cl_calls.ClDropPartyComplete
    cl.ClIncomingCallHandler = cl_calls.ClIncomingCall
    cl.ClIncomingCallQoSChangeHandler = cl_calls.ClIncomingCallQoSChange
    cl.ClIncomingCloseCallHandler = cl_calls.ClIncomingCloseCall
    cl.ClIncomingDropPartyHandler = cl_calls.ClIncomingDropParty
    cl.ClCallConnectedHandler = cl_calls.ClCallConnected
    cl.ClNotifyCloseAfHandler = cl_af.ClNotifyCloseAf
    return NdisSetOptionalHandlers(NdisDriverHandle, cl)  # type: ignore[arg-type]


def LaneBindAdapterEx(
    ProtocolDriverContext: LaneGlobals, BindContext: NDIS_HANDLE, BindParameters: NDIS_BIND_PARAMETERS
) -> int:
    """Open the lower adapter like the client does, then ask for our virtual miniport (R5.06)."""
    Status = cl_bind.ClBindAdapterEx(ProtocolDriverContext, BindContext, BindParameters)
    if Status != NDIS_STATUS_SUCCESS:
        return Status
    binding = ProtocolDriverContext.bindings[-1]
    globals_ = ProtocolDriverContext
    assert globals_.NdisMiniportDriverHandle is not None
    name = f"lane{globals_.instances}"
    globals_.instances += 1
    NdisIMInitializeDeviceInstanceEx(globals_.NdisMiniportDriverHandle, name, binding)
    return Status


def LaneUnbindAdapterEx(UnbindContext: NDIS_HANDLE, ProtocolBindingContext: ClBinding) -> int:
    """Remove the virtual miniport above this binding, then unbind like the client (R5.09)."""
    globals_ = ProtocolBindingContext.globals
    assert isinstance(globals_, LaneGlobals)
    for adapter in list(globals_.adapters):
        if adapter.lower is ProtocolBindingContext:
            NdisIMDeInitializeDeviceInstance(adapter.MiniportAdapterHandle)
    return cl_bind.ClUnbindAdapterEx(UnbindContext, ProtocolBindingContext)


def LaneCoSendNetBufferListsComplete(
    ProtocolVcContext: ClVc, NetBufferLists: NET_BUFFER_LIST, SendCompleteFlags: int
) -> None:
    """Our copies went out: complete the frames they carried, upward. A VC whose deletion NDIS
    refused while it held our sends may go now (the client's rule, ``client/deletion.py``)."""
    miniport.lower_send_complete(NetBufferLists)
    cl_deletion.delete_if_idle(ProtocolVcContext)


def LaneCoReceiveNetBufferLists(
    ProtocolBindingContext: ClBinding,
    ProtocolVcContext: ClVc,
    NetBufferLists: NET_BUFFER_LIST,
    NumberOfNetBufferLists: int,
    ReceiveFlags: int,
) -> None:
    """Frames from the VC: copy them up through the virtual miniport, return the originals."""
    globals_ = ProtocolBindingContext.globals
    assert isinstance(globals_, LaneGlobals)
    for adapter in globals_.adapters:
        if adapter.lower is ProtocolBindingContext:
            miniport.indicate_up(adapter, NetBufferLists)
    if ReceiveFlags & NDIS_RECEIVE_FLAGS_RESOURCES:
        return
    assert ProtocolBindingContext.NdisBindingHandle is not None
    NdisReturnNetBufferLists(ProtocolBindingContext.NdisBindingHandle, NetBufferLists, 0)
