"""Data path of the loopback miniport: sends, echoed receives, returns, OIDs, reset.

The loopback NIC "transmits" by completing the send, and, when ``echo`` is on, hands a copy
of every packet back to the same VC as a receive (a loopback plug on the line). Two ways to
complete sends, chosen per adapter for teaching and measuring:

* ``complete="inline"``: inside MiniportCoSendNetBufferLists (what the benchmark uses);
* ``complete="deferred"``: NBLs wait in a transmit queue and a work item completes up to
  ``batch`` of them per run, possibly from several sends in one call (R3.11).

Pause (R5.19): MiniportPause transmits what is queued, then pends until every echoed NBL is
back. Deactivation (R2.28): the VC's queued sends are aborted (NDIS_STATUS_REQUEST_ABORTED,
Q4) and the deactivation completes once the VC's receives are back. Reset: queued sends are
completed with NDIS_STATUS_RESET_IN_PROGRESS (Q5).
"""

from __future__ import annotations

from collections.abc import Callable

from condis_edu.ndis import (
    MANDATORY_CO_OIDS,
    NDIS_HANDLE,
    NDIS_MAC_OPTION_NO_LOOPBACK,
    NDIS_OBJECT_TYPE_DEFAULT,
    NDIS_OID_REQUEST,
    NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
    NDIS_STATUS_BUFFER_TOO_SHORT,
    NDIS_STATUS_INVALID_OID,
    NDIS_STATUS_NOT_SUPPORTED,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_REQUEST_ABORTED,
    NDIS_STATUS_RESET_IN_PROGRESS,
    NDIS_STATUS_SUCCESS,
    NET_BUFFER_LIST,
    NET_BUFFER_LIST_POOL_PARAMETERS,
    NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
    OID_GEN_CO_DRIVER_VERSION,
    OID_GEN_CO_HARDWARE_STATUS,
    OID_GEN_CO_LINK_SPEED,
    OID_GEN_CO_MAC_OPTIONS,
    OID_GEN_CO_MEDIA_CONNECT_STATUS,
    OID_GEN_CO_MEDIA_IN_USE,
    OID_GEN_CO_MEDIA_SUPPORTED,
    OID_GEN_CO_MINIMUM_LINK_SPEED,
    OID_GEN_CO_PROTOCOL_OPTIONS,
    OID_GEN_CO_RCV_PDUS_OK,
    OID_GEN_CO_SUPPORTED_LIST,
    OID_GEN_CO_VENDOR_DESCRIPTION,
    OID_GEN_CO_VENDOR_DRIVER_VERSION,
    OID_GEN_CO_VENDOR_ID,
    OID_GEN_CO_XMIT_PDUS_OK,
    NdisAllocateIoWorkItem,
    NdisAllocateNetBufferAndNetBufferList,
    NdisAllocateNetBufferListPool,
    NdisFreeIoWorkItem,
    NdisFreeNetBufferList,
    NdisFreeNetBufferListPool,
    NdisHardwareStatusReady,
    NdisMCoIndicateReceiveNetBufferLists,
    NdisMCoOidRequestComplete,
    NdisMCoSendNetBufferListsComplete,
    NdisMediaStateConnected,
    NdisMediumAtm,
    NdisMPauseComplete,
    NdisQueueIoWorkItem,
    NdisRequestQueryInformation,
    NdisRequestSetInformation,
)
from condis_edu.samples.loopback_miniport.state import Adapter, AdapterData, LoopbackVc

RX_DATA_SIZE = 256


def data_of(adapter: Adapter) -> AdapterData:
    """The adapter's data state (created on first use)."""
    if adapter.data is None:
        adapter.data = AdapterData(adapter)
    return adapter.data


def settings(adapter: object) -> AdapterData:
    """The data-path settings of a loopback adapter, from the harness's adapter record
    (``machine.start_adapter(...)``) or from the miniport's own context."""
    context = getattr(adapter, "context", adapter)
    if not isinstance(context, Adapter):
        raise TypeError(f"{adapter!r} is not a loopback adapter")
    return data_of(context)


# ------------------------------------------------------------------------------------ send
def MPCoSendNetBufferLists(MiniportVcContext: LoopbackVc, NetBufferLists: NET_BUFFER_LIST, SendFlags: int) -> None:
    """Transmit: complete now (inline), or queue for the transmit work item (deferred)."""
    adapter = MiniportVcContext.adapter
    data = adapter.data
    if data is None:
        data = data_of(adapter)
    if data.complete == "inline" and not data.echo:
        nbl: NET_BUFFER_LIST | None = NetBufferLists
        while nbl is not None:
            nbl.Status = NDIS_STATUS_SUCCESS
            nbl = nbl.Next
        NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, NetBufferLists, 0)
        return
    nbl = NetBufferLists
    while nbl is not None:
        following = nbl.Next
        nbl.Next = None
        data.queue.append((MiniportVcContext, nbl))
        nbl = following
    if data.complete == "inline":
        _transmit(data, len(data.queue))
    elif not data.flush_scheduled:
        data.flush_scheduled = True
        work = NdisAllocateIoWorkItem(adapter.MiniportAdapterHandle)
        NdisQueueIoWorkItem(work, _transmit_work, data)


def _transmit_work(WorkItemContext: AdapterData, NdisIoWorkItemHandle: NDIS_HANDLE) -> None:
    NdisFreeIoWorkItem(NdisIoWorkItemHandle)
    data = WorkItemContext
    data.flush_scheduled = False
    _transmit(data, data.batch or len(data.queue))
    if data.queue and not data.flush_scheduled:
        data.flush_scheduled = True
        work = NdisAllocateIoWorkItem(data.adapter.MiniportAdapterHandle)
        NdisQueueIoWorkItem(work, _transmit_work, data)


def _transmit(data: AdapterData, count: int, status: int = NDIS_STATUS_SUCCESS, vc: LoopbackVc | None = None) -> int:
    """Complete up to *count* queued NBLs (of *vc* only, if given) with *status*, echoing successes."""
    taken: dict[LoopbackVc, list[NET_BUFFER_LIST]] = {}
    kept: list[tuple[LoopbackVc, NET_BUFFER_LIST]] = []
    n = 0
    for owner, nbl in data.queue:
        if n < count and (vc is None or owner is vc):
            taken.setdefault(owner, []).append(nbl)
            n += 1
        else:
            kept.append((owner, nbl))
    data.queue = kept
    for owner, nbls in taken.items():
        for i, nbl in enumerate(nbls):
            nbl.Status = status
            nbl.Next = nbls[i + 1] if i + 1 < len(nbls) else None
        if status == NDIS_STATUS_SUCCESS:
            owner.tx_ok += len(nbls)
        echoes = _echo(data, owner, nbls) if status == NDIS_STATUS_SUCCESS and data.echo else None
        data.completed_batches += 1
        NdisMCoSendNetBufferListsComplete(owner.NdisVcHandle, nbls[0], 0)
        if echoes is not None:
            NdisMCoIndicateReceiveNetBufferLists(owner.NdisVcHandle, echoes[0], len(echoes), 0)
    return n


def _echo(data: AdapterData, vc: LoopbackVc, sent: list[NET_BUFFER_LIST]) -> list[NET_BUFFER_LIST] | None:
    """Copy the packets into receive NBLs of our own pool (None when the VC cannot receive)."""
    if not vc.active or not data.adapter.running:
        return None
    if data.rx_pool is None:
        params = NET_BUFFER_LIST_POOL_PARAMETERS()
        params.Header.Type = NDIS_OBJECT_TYPE_DEFAULT
        params.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1
        params.Header.Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1
        params.fAllocateNetBuffer = True
        params.DataSize = RX_DATA_SIZE
        data.rx_pool = NdisAllocateNetBufferListPool(data.adapter.MiniportAdapterHandle, params)
    out: list[NET_BUFFER_LIST] = []
    for tx in sent:
        payload = tx.FirstNetBuffer.data()[:RX_DATA_SIZE] if tx.FirstNetBuffer is not None else b""
        rx = data.rx_free.pop() if data.rx_free else None
        if rx is None:
            assert data.rx_pool is not None
            rx = NdisAllocateNetBufferAndNetBufferList(data.rx_pool, 0, 0, None, 0, len(payload))
            if rx is None:
                break
        nb = rx.FirstNetBuffer
        assert nb is not None and nb.MdlChain is not None
        nb.MdlChain.MappedSystemVa[: len(payload)] = payload
        nb.DataLength = len(payload)
        rx.SourceHandle = vc.NdisVcHandle
        rx.MiniportReserved[0] = vc
        out.append(rx)
    if not out:
        return None
    for i, rx in enumerate(out):
        rx.Next = out[i + 1] if i + 1 < len(out) else None
    data.rx_outstanding += len(out)
    vc.rx_outstanding += len(out)
    vc.rx_ok += len(out)
    return out


def MPReturnNetBufferLists(MiniportAdapterContext: Adapter, NetBufferLists: NET_BUFFER_LIST, ReturnFlags: int) -> None:
    """Echoed NBLs come back: recycle them; a waiting pause or deactivation may now finish."""
    data = data_of(MiniportAdapterContext)
    nbl: NET_BUFFER_LIST | None = NetBufferLists
    waiting: list[LoopbackVc] = []
    while nbl is not None:
        following = nbl.Next
        vc = nbl.MiniportReserved[0]
        assert isinstance(vc, LoopbackVc)
        nbl.MiniportReserved[0] = None
        nbl.Next = None
        vc.rx_outstanding -= 1
        data.rx_outstanding -= 1
        if vc.rx_outstanding == 0 and vc.deactivate_waiting is not None:
            waiting.append(vc)
        data.rx_free.append(nbl)
        nbl = following
    for vc in waiting:
        finish = vc.deactivate_waiting
        vc.deactivate_waiting = None
        assert finish is not None
        finish()
    if data.pause_pending and data.rx_outstanding == 0 and not data.queue:
        data.pause_pending = False
        NdisMPauseComplete(MiniportAdapterContext.MiniportAdapterHandle)


def MPSendNetBufferLists(
    MiniportAdapterContext: Adapter, NetBufferList: object, PortNumber: int, SendFlags: int
) -> None:
    """Connectionless sends never reach a CoNDIS-only miniport."""


def MPCancelSend(MiniportAdapterContext: Adapter, CancelId: object) -> None:
    """Cancellation by id is not modelled; queued sends leave within one work item anyway."""


# ------------------------------------------------------------------ pause, deactivate, reset
def pause(adapter: Adapter) -> int:
    """MiniportPause's data-path part: transmit the queue, wait for echoed NBLs to come back."""
    data = data_of(adapter)
    if data.queue:
        _transmit(data, len(data.queue))
    if data.rx_outstanding:
        data.pause_pending = True
        return NDIS_STATUS_PENDING
    return NDIS_STATUS_SUCCESS


def deactivate(vc: LoopbackVc, finish: Callable[[], None]) -> bool:
    """Abort the VC's queued sends; True if *finish* must wait for receives to come back."""
    data = data_of(vc.adapter)
    _transmit(data, len(data.queue), NDIS_STATUS_REQUEST_ABORTED, vc)
    if vc.rx_outstanding:
        vc.deactivate_waiting = finish
        return True
    return False


def MPResetEx(MiniportAdapterContext: Adapter) -> tuple[int, bool]:
    """Reset the pretend hardware: drop the transmit queue (RESET_IN_PROGRESS, Q5)."""
    data = data_of(MiniportAdapterContext)
    _transmit(data, len(data.queue), NDIS_STATUS_RESET_IN_PROGRESS)
    return NDIS_STATUS_SUCCESS, False


def free_rx(adapter: Adapter) -> None:
    """At halt: free the receive NBLs and their pool (all are back by then)."""
    data = adapter.data
    if data is None:
        return
    while data.rx_free:
        NdisFreeNetBufferList(data.rx_free.pop())
    if data.rx_pool is not None:
        NdisFreeNetBufferListPool(data.rx_pool)
        data.rx_pool = None


# ------------------------------------------------------------------------------------ OIDs
VENDOR_DESCRIPTION = b"condis-edu loopback NIC\x00"
_QUERIES: dict[int, object] = {
    OID_GEN_CO_HARDWARE_STATUS: NdisHardwareStatusReady,
    OID_GEN_CO_MEDIA_SUPPORTED: NdisMediumAtm,
    OID_GEN_CO_MEDIA_IN_USE: NdisMediumAtm,
    OID_GEN_CO_LINK_SPEED: (155_520_000 // 100, 155_520_000 // 100),  # NDIS_CO_LINK_SPEED: Outbound, Inbound
    OID_GEN_CO_MINIMUM_LINK_SPEED: (155_520_000 // 100, 155_520_000 // 100),
    OID_GEN_CO_VENDOR_ID: 0x00FFFFFF,
    OID_GEN_CO_VENDOR_DESCRIPTION: VENDOR_DESCRIPTION,
    OID_GEN_CO_VENDOR_DRIVER_VERSION: 0x00010000,
    OID_GEN_CO_DRIVER_VERSION: 0x0650,
    OID_GEN_CO_MAC_OPTIONS: 0,
    OID_GEN_CO_MEDIA_CONNECT_STATUS: NdisMediaStateConnected,
}
_ = NDIS_MAC_OPTION_NO_LOOPBACK


def _answer(adapter: Adapter, vc: LoopbackVc | None, request: NDIS_OID_REQUEST) -> int:
    info = request.DATA.QUERY_INFORMATION
    oid = info.Oid
    if request.RequestType == NdisRequestQueryInformation:
        if oid == OID_GEN_CO_SUPPORTED_LIST:
            value: object = (*MANDATORY_CO_OIDS, OID_GEN_CO_XMIT_PDUS_OK, OID_GEN_CO_RCV_PDUS_OK)
        elif oid == OID_GEN_CO_XMIT_PDUS_OK:
            value = sum(v.tx_ok for v in adapter.vcs) if vc is None else vc.tx_ok
        elif oid == OID_GEN_CO_RCV_PDUS_OK:
            value = sum(v.rx_ok for v in adapter.vcs) if vc is None else vc.rx_ok
        elif oid in _QUERIES:
            value = _QUERIES[oid]
        else:
            return NDIS_STATUS_INVALID_OID
        # bytes: one byte each; a tuple: an array (or structure) of 4-byte ULONGs; else one ULONG.
        size = len(value) if isinstance(value, bytes) else 4 * len(value) if isinstance(value, tuple) else 4
        if info.InformationBufferLength < size:
            info.BytesNeeded = size
            return NDIS_STATUS_BUFFER_TOO_SHORT
        info.InformationBuffer = value
        info.BytesWritten = size
        return NDIS_STATUS_SUCCESS
    if request.RequestType == NdisRequestSetInformation and oid == OID_GEN_CO_PROTOCOL_OPTIONS:
        info.BytesRead = 4
        return NDIS_STATUS_SUCCESS
    return NDIS_STATUS_NOT_SUPPORTED


def MPCoOidRequest(
    MiniportAdapterContext: Adapter, MiniportVcContext: LoopbackVc | None, NdisRequest: NDIS_OID_REQUEST
) -> int:
    """Answer the mandatory CoNDIS OIDs (R4.13), per VC for statistics (R4.14)."""
    data = data_of(MiniportAdapterContext)
    if not data.pend_oids:
        return _answer(MiniportAdapterContext, MiniportVcContext, NdisRequest)
    work = NdisAllocateIoWorkItem(MiniportAdapterContext.MiniportAdapterHandle)
    NdisQueueIoWorkItem(work, _oid_work, (MiniportAdapterContext, MiniportVcContext, NdisRequest))
    return NDIS_STATUS_PENDING


def _oid_work(
    WorkItemContext: tuple[Adapter, LoopbackVc | None, NDIS_OID_REQUEST], NdisIoWorkItemHandle: NDIS_HANDLE
) -> None:
    NdisFreeIoWorkItem(NdisIoWorkItemHandle)
    adapter, vc, request = WorkItemContext
    status = _answer(adapter, vc, request)
    NdisMCoOidRequestComplete(adapter.MiniportAdapterHandle, vc.NdisVcHandle if vc else None, request, status)
