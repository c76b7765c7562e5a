"""The IM's upper edge: a connectionless virtual miniport (R5.04) that frames ride through."""

from __future__ import annotations

from itertools import pairwise

from condis_edu.ndis import (
    NDIS_HANDLE,
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES,
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES,
    NDIS_MINIPORT_INIT_PARAMETERS,
    NDIS_MINIPORT_PAUSE_PARAMETERS,
    NDIS_MINIPORT_RESTART_PARAMETERS,
    NDIS_OBJECT_TYPE_DEFAULT,
    NDIS_OID_REQUEST,
    NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
    NDIS_STATUS_FAILURE,
    NDIS_STATUS_MEDIA_DISCONNECTED,
    NDIS_STATUS_NOT_SUPPORTED,
    NDIS_STATUS_PAUSED,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
    NET_BUFFER_LIST,
    NET_BUFFER_LIST_POOL_PARAMETERS,
    NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
    OID_802_3_CURRENT_ADDRESS,
    OID_802_3_PERMANENT_ADDRESS,
    OID_GEN_CO_MEDIA_CONNECT_STATUS,
    OID_GEN_CURRENT_PACKET_FILTER,
    OID_GEN_MAXIMUM_FRAME_SIZE,
    OID_GEN_MAXIMUM_TOTAL_SIZE,
    NdisAllocateNetBufferAndNetBufferList,
    NdisAllocateNetBufferListPool,
    NdisCoSendNetBufferLists,
    NdisFreeNetBufferList,
    NdisFreeNetBufferListPool,
    NdisMedium802_3,
    NdisMIndicateReceiveNetBufferLists,
    NdisMPauseComplete,
    NdisMSendNetBufferListsComplete,
    NdisMSetMiniportAttributes,
    NdisRequestQueryInformation,
    NdisRequestSetInformation,
    fill_header,
)
from condis_edu.samples.client.state import ClBinding
from condis_edu.samples.lane_im.state import FRAME_SIZE, LaneAdapter, LaneGlobals

MAC_ADDRESS = b"\x02\x00\x4c\x41\x4e\x45"


def _pool(handle: NDIS_HANDLE) -> NDIS_HANDLE:
    params = NET_BUFFER_LIST_POOL_PARAMETERS()
    params.Header.Type = NDIS_OBJECT_TYPE_DEFAULT
    params.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1
    params.Header.Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1
    params.fAllocateNetBuffer = True
    params.DataSize = FRAME_SIZE
    pool = NdisAllocateNetBufferListPool(handle, params)
    assert pool is not None
    return pool


def LaneInitializeEx(
    NdisMiniportHandle: NDIS_HANDLE,
    MiniportDriverContext: LaneGlobals,
    MiniportInitParameters: NDIS_MINIPORT_INIT_PARAMETERS,
) -> int:
    """Start a virtual miniport; ``IMDeviceInstanceContext`` is the lower binding (R5.07)."""
    lower = MiniportInitParameters.IMDeviceInstanceContext
    if not isinstance(lower, ClBinding):
        return NDIS_STATUS_FAILURE
    adapter = LaneAdapter(NdisMiniportHandle, lower)
    registration = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES()
    fill_header(registration)
    registration.MiniportAdapterContext = adapter
    Status = NdisMSetMiniportAttributes(NdisMiniportHandle, registration)
    if Status != NDIS_STATUS_SUCCESS:
        return Status
    general = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES()
    fill_header(general)
    general.MediaType = NdisMedium802_3
    general.MtuSize = FRAME_SIZE - 14
    general.MaxXmitLinkSpeed = general.MaxRcvLinkSpeed = 155_520_000
    general.MacAddressLength = 6
    general.PermanentMacAddress = general.CurrentMacAddress = MAC_ADDRESS
    Status = NdisMSetMiniportAttributes(NdisMiniportHandle, general)
    if Status != NDIS_STATUS_SUCCESS:
        return Status
    adapter.tx_pool = _pool(NdisMiniportHandle)
    adapter.rx_pool = _pool(NdisMiniportHandle)
    MiniportDriverContext.adapters.append(adapter)
    return NDIS_STATUS_SUCCESS


def LaneHaltEx(MiniportAdapterContext: LaneAdapter, HaltAction: int) -> None:
    """Free the pools (every NBL is back: NDIS pauses before it halts)."""
    adapter = MiniportAdapterContext
    globals_ = adapter.lower.globals
    assert isinstance(globals_, LaneGlobals)
    for free in (adapter.tx_free, adapter.rx_free):
        while free:
            NdisFreeNetBufferList(free.pop())
    for pool in (adapter.tx_pool, adapter.rx_pool):
        if pool is not None:
            NdisFreeNetBufferListPool(pool)
    adapter.tx_pool = adapter.rx_pool = None
    if adapter in globals_.adapters:
        globals_.adapters.remove(adapter)


def LanePause(MiniportAdapterContext: LaneAdapter, PauseParameters: NDIS_MINIPORT_PAUSE_PARAMETERS) -> int:
    """Stop taking frames; finish once our sends below and our indications above are back."""
    adapter = MiniportAdapterContext
    adapter.running = False
    if adapter.tx_in_flight or adapter.rx_outstanding:
        adapter.pause_pending = True
        return NDIS_STATUS_PENDING
    return NDIS_STATUS_SUCCESS


def _maybe_pause_done(adapter: LaneAdapter) -> None:
    if adapter.pause_pending and not adapter.tx_in_flight and not adapter.rx_outstanding:
        adapter.pause_pending = False
        NdisMPauseComplete(adapter.MiniportAdapterHandle)


def LaneRestart(MiniportAdapterContext: LaneAdapter, RestartParameters: NDIS_MINIPORT_RESTART_PARAMETERS) -> int:
    """Take frames again."""
    MiniportAdapterContext.running = True
    return NDIS_STATUS_SUCCESS


def LaneSendNetBufferLists(
    MiniportAdapterContext: LaneAdapter, NetBufferList: NET_BUFFER_LIST, PortNumber: int, SendFlags: int
) -> None:
    """Frames from above: copy each into one of our NBLs and send the copies on the VC."""
    adapter = MiniportAdapterContext
    vc = adapter.vc()
    refuse = NDIS_STATUS_PAUSED if not adapter.running else NDIS_STATUS_MEDIA_DISCONNECTED if vc is None else 0
    head: NET_BUFFER_LIST | None = None
    tail: NET_BUFFER_LIST | None = None
    failed: list[NET_BUFFER_LIST] = []
    upper: NET_BUFFER_LIST | None = NetBufferList
    while upper is not None:
        following = upper.Next
        upper.Next = None
        copy = None if refuse else _copy(adapter, adapter.tx_free, adapter.tx_pool, upper)
        if copy is None:
            upper.Status = refuse or NDIS_STATUS_FAILURE
            failed.append(upper)
        else:
            assert vc is not None
            copy.SourceHandle = vc.NdisVcHandle
            copy.ProtocolReserved[1] = (adapter, upper)
            if tail is None:
                head = copy
            else:
                tail.Next = copy
            tail = copy
            adapter.tx_in_flight += 1
        upper = following
    if failed:
        for a, b in pairwise(failed):
            a.Next = b
        NdisMSendNetBufferListsComplete(adapter.MiniportAdapterHandle, failed[0], 0)
    if head is not None:
        assert vc is not None and vc.NdisVcHandle is not None
        adapter.frames_down += adapter.tx_in_flight
        NdisCoSendNetBufferLists(vc.NdisVcHandle, head, 0)


def _copy(
    adapter: LaneAdapter, free: list[NET_BUFFER_LIST], pool: NDIS_HANDLE | None, source: NET_BUFFER_LIST
) -> NET_BUFFER_LIST | None:
    data = source.FirstNetBuffer.data() if source.FirstNetBuffer is not None else b""
    nbl = free.pop() if free else None
    if nbl is None:
        if pool is None:
            return None
        nbl = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, min(len(data), FRAME_SIZE))
        if nbl is None:
            return None
    nb = nbl.FirstNetBuffer
    assert nb is not None and nb.MdlChain is not None
    data = data[:FRAME_SIZE]
    nb.MdlChain.MappedSystemVa[: len(data)] = data
    nb.DataLength = len(data)
    nbl.Next = None
    return nbl


def lower_send_complete(copies: NET_BUFFER_LIST) -> None:
    """Our copies came back from the VC: complete the frames they carried, per adapter."""
    done: dict[LaneAdapter, list[NET_BUFFER_LIST]] = {}
    nbl: NET_BUFFER_LIST | None = copies
    while nbl is not None:
        following = nbl.Next
        carried = nbl.ProtocolReserved[1]
        assert isinstance(carried, tuple)
        adapter: LaneAdapter = carried[0]
        upper: NET_BUFFER_LIST = carried[1]
        nbl.ProtocolReserved[1] = None
        nbl.Next = None
        upper.Status = nbl.Status
        adapter.tx_free.append(nbl)
        adapter.tx_in_flight -= 1
        done.setdefault(adapter, []).append(upper)
        nbl = following
    for adapter, uppers in done.items():
        for a, b in pairwise(uppers):
            a.Next = b
        uppers[-1].Next = None
        NdisMSendNetBufferListsComplete(adapter.MiniportAdapterHandle, uppers[0], 0)
        _maybe_pause_done(adapter)


def indicate_up(adapter: LaneAdapter, frames: NET_BUFFER_LIST) -> None:
    """Copy frames received on the VC into our receive NBLs and indicate them above."""
    if not adapter.running:
        return  # paused: frames are dropped, as on a real link
    copies: list[NET_BUFFER_LIST] = []
    nbl: NET_BUFFER_LIST | None = frames
    while nbl is not None:
        copy = _copy(adapter, adapter.rx_free, adapter.rx_pool, nbl)
        if copy is not None:
            copy.SourceHandle = adapter.MiniportAdapterHandle
            copies.append(copy)
        nbl = nbl.Next
    if not copies:
        return
    for a, b in pairwise(copies):
        a.Next = b
    adapter.rx_outstanding += len(copies)
    adapter.frames_up += len(copies)
    NdisMIndicateReceiveNetBufferLists(adapter.MiniportAdapterHandle, copies[0], 0, len(copies), 0)


def LaneReturnNetBufferLists(
    MiniportAdapterContext: LaneAdapter, NetBufferLists: NET_BUFFER_LIST, ReturnFlags: int
) -> None:
    """Our indications come back: recycle them."""
    adapter = MiniportAdapterContext
    nbl: NET_BUFFER_LIST | None = NetBufferLists
    while nbl is not None:
        following = nbl.Next
        nbl.Next = None
        adapter.rx_free.append(nbl)
        adapter.rx_outstanding -= 1
        nbl = following
    _maybe_pause_done(adapter)


def LaneOidRequest(MiniportAdapterContext: LaneAdapter, OidRequest: NDIS_OID_REQUEST) -> int:
    """Answer what an Ethernet protocol asks; the rest is not supported."""
    info = OidRequest.DATA.QUERY_INFORMATION
    if OidRequest.RequestType == NdisRequestQueryInformation:
        answers: dict[int, object] = {
            OID_GEN_MAXIMUM_FRAME_SIZE: FRAME_SIZE - 14,
            OID_GEN_MAXIMUM_TOTAL_SIZE: FRAME_SIZE,
            OID_802_3_PERMANENT_ADDRESS: MAC_ADDRESS,
            OID_802_3_CURRENT_ADDRESS: MAC_ADDRESS,
            OID_GEN_CO_MEDIA_CONNECT_STATUS: 0 if MiniportAdapterContext.vc() is not None else 1,
        }
        if info.Oid in answers:
            info.InformationBuffer = answers[info.Oid]
            info.BytesWritten = 6 if isinstance(answers[info.Oid], bytes) else 4
            return NDIS_STATUS_SUCCESS
    elif OidRequest.RequestType == NdisRequestSetInformation and info.Oid == OID_GEN_CURRENT_PACKET_FILTER:
        info.BytesRead = 4
        return NDIS_STATUS_SUCCESS
    return NDIS_STATUS_NOT_SUPPORTED


def LaneCancelSend(MiniportAdapterContext: LaneAdapter, CancelId: object) -> None:
    """Nothing is queued inside the IM (frames go straight down)."""


def LaneCancelOidRequest(MiniportAdapterContext: LaneAdapter, RequestId: object) -> None:
    """OIDs complete synchronously."""


def LaneDevicePnPEventNotify(MiniportAdapterContext: LaneAdapter, NetDevicePnPEvent: object) -> None:
    """Nothing to do."""


def LaneShutdownEx(MiniportAdapterContext: LaneAdapter, ShutdownAction: int) -> None:
    """Nothing to quiesce."""
