"""The ethproto driver: DriverEntry, binding and the connectionless send and receive handlers."""

from __future__ import annotations

from condis_edu.ndis import (
    DRIVER_OBJECT,
    NDIS_BIND_PARAMETERS,
    NDIS_HANDLE,
    NDIS_OBJECT_HEADER,
    NDIS_OBJECT_TYPE_OPEN_PARAMETERS,
    NDIS_OPEN_PARAMETERS,
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS,
    NDIS_RECEIVE_FLAGS_RESOURCES,
    NDIS_STATUS_SUCCESS,
    NET_BUFFER_LIST,
    NET_PNP_EVENT_NOTIFICATION,
    STATUS_SUCCESS,
    STATUS_UNSUCCESSFUL,
    NdisCloseAdapterEx,
    NdisDeregisterProtocolDriver,
    NdisFreeNetBufferList,
    NdisFreeNetBufferListPool,
    NdisMedium802_3,
    NdisOpenAdapterEx,
    NdisRegisterProtocolDriver,
    NdisReturnNetBufferLists,
    fill_header,
)

DRIVER_NAME = "ethproto"
FRAME_SIZE = 1514


class EthGlobals:
    """ProtocolDriverContext."""

    def __init__(self) -> None:
        self.NdisProtocolHandle: NDIS_HANDLE | None = None
        self.bindings: list[EthBinding] = []


class EthBinding:
    """ProtocolBindingContext: one 802.3 adapter we are bound to."""

    def __init__(self, globals_: EthGlobals, adapter_name: str) -> None:
        self.globals = globals_
        self.adapter_name = adapter_name
        self.NdisBindingHandle: NDIS_HANDLE | None = None
        self.pool: NDIS_HANDLE | None = None
        self.free: list[NET_BUFFER_LIST] = []
        self.sent = 0
        self.completed: dict[int, int] = {}
        self.received: list[bytes] = []


def DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: str) -> int:
    """Register as a connectionless NDIS 6.30 protocol."""
    globals_ = EthGlobals()
    DriverObject.DriverExtension = globals_
    DriverObject.DriverUnload = EthUnload
    chars = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS()
    fill_header(chars)
    chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
    chars.Name = DRIVER_NAME
    chars.BindAdapterHandlerEx = EthBindAdapterEx
    chars.UnbindAdapterHandlerEx = EthUnbindAdapterEx
    chars.OpenAdapterCompleteHandlerEx = EthOpenAdapterCompleteEx
    chars.CloseAdapterCompleteHandlerEx = EthCloseAdapterCompleteEx
    chars.NetPnPEventHandler = EthNetPnPEvent
    chars.OidRequestCompleteHandler = EthOidRequestComplete
    chars.StatusHandlerEx = EthStatusEx
    chars.ReceiveNetBufferListsHandler = EthReceiveNetBufferLists
    chars.SendNetBufferListsCompleteHandler = EthSendNetBufferListsComplete
    Status, handle = NdisRegisterProtocolDriver(globals_, chars)
    if Status != NDIS_STATUS_SUCCESS:
        return STATUS_UNSUCCESSFUL
    globals_.NdisProtocolHandle = handle
    return STATUS_SUCCESS


def EthUnload(DriverObject: DRIVER_OBJECT) -> None:
    """Undo DriverEntry."""
    globals_ = DriverObject.DriverExtension
    assert isinstance(globals_, EthGlobals) and globals_.NdisProtocolHandle is not None
    NdisDeregisterProtocolDriver(globals_.NdisProtocolHandle)


def EthBindAdapterEx(
    ProtocolDriverContext: EthGlobals, BindContext: NDIS_HANDLE, BindParameters: NDIS_BIND_PARAMETERS
) -> int:
    """Bind to 802.3 adapters only; NDIS refuses the open for any other medium."""
    binding = EthBinding(ProtocolDriverContext, BindParameters.AdapterName)
    params = NDIS_OPEN_PARAMETERS(
        NDIS_OBJECT_HEADER(NDIS_OBJECT_TYPE_OPEN_PARAMETERS, 1, 0),
        AdapterName=BindParameters.AdapterName,
        MediumArray=(NdisMedium802_3,),
        MediumArraySize=1,
    )
    assert ProtocolDriverContext.NdisProtocolHandle is not None
    Status, handle = NdisOpenAdapterEx(ProtocolDriverContext.NdisProtocolHandle, binding, params, BindContext)
    if Status == NDIS_STATUS_SUCCESS:
        binding.NdisBindingHandle = handle
        ProtocolDriverContext.bindings.append(binding)
    return Status


def EthUnbindAdapterEx(UnbindContext: NDIS_HANDLE, ProtocolBindingContext: EthBinding) -> int:
    """Free our NBLs (all are back: NDIS paused the binding first), then close."""
    binding = ProtocolBindingContext
    while binding.free:
        NdisFreeNetBufferList(binding.free.pop())
    if binding.pool is not None:
        NdisFreeNetBufferListPool(binding.pool)
        binding.pool = None
    assert binding.NdisBindingHandle is not None
    Status = NdisCloseAdapterEx(binding.NdisBindingHandle)
    if binding in binding.globals.bindings:
        binding.globals.bindings.remove(binding)
    return Status


def EthOpenAdapterCompleteEx(ProtocolBindingContext: EthBinding, Status: int) -> None:
    """Opens complete synchronously here."""


def EthCloseAdapterCompleteEx(ProtocolBindingContext: EthBinding) -> None:
    """Closes complete synchronously here."""


def EthNetPnPEvent(ProtocolBindingContext: EthBinding, NetPnPEventNotification: NET_PNP_EVENT_NOTIFICATION) -> int:
    """Pause and restart need nothing from us: sends complete on their own."""
    return NDIS_STATUS_SUCCESS


def EthOidRequestComplete(ProtocolBindingContext: EthBinding, OidRequest: object, Status: int) -> None:
    """We issue no OIDs."""


def EthStatusEx(ProtocolBindingContext: EthBinding, StatusIndication: object) -> None:
    """No status matters here."""


def EthSendNetBufferListsComplete(
    ProtocolBindingContext: EthBinding, NetBufferList: NET_BUFFER_LIST, SendCompleteFlags: int
) -> None:
    """Our frames are back: count each status, keep the NBLs."""
    binding = ProtocolBindingContext
    nbl: NET_BUFFER_LIST | None = NetBufferList
    while nbl is not None:
        following = nbl.Next
        nbl.Next = None
        binding.completed[nbl.Status] = binding.completed.get(nbl.Status, 0) + 1
        binding.free.append(nbl)
        nbl = following


def EthReceiveNetBufferLists(
    ProtocolBindingContext: EthBinding,
    NetBufferLists: NET_BUFFER_LIST,
    PortNumber: int,
    NumberOfNetBufferLists: int,
    ReceiveFlags: int,
) -> None:
    """Copy each frame, then give the NBLs back."""
    binding = ProtocolBindingContext
    nbl: NET_BUFFER_LIST | None = NetBufferLists
    while nbl is not None:
        binding.received.append(nbl.FirstNetBuffer.data() if nbl.FirstNetBuffer is not None else b"")
        nbl = nbl.Next
    if not ReceiveFlags & NDIS_RECEIVE_FLAGS_RESOURCES:
        assert binding.NdisBindingHandle is not None
        NdisReturnNetBufferLists(binding.NdisBindingHandle, NetBufferLists, 0)


# ------------------------------------------------------------------------------------ app


