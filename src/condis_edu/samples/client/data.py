"""The client's data path: sending on a call, send completions, receives and returns.

The client allocates one NBL pool per binding (the first time it sends), keeps the NBLs that
come back on a free list and sends them again, so a steady stream allocates nothing.

Exactly-once bookkeeping, as a careful driver would do it: before sending an NBL the client
writes a mark in ``ProtocolReserved[0]`` (the area reserved to the protocol while it owns the
NBL); the completion handler checks and clears it. An NBL completed twice, or one the client
never sent, shows up in ``ClData.duplicates`` / ``ClData.strangers`` (``state.py``); every status seen is
counted in ``ClData.completed``.

Page: https://learn.microsoft.com/windows-hardware/drivers/network/sending-net-buffer-structures-from-condis-drivers
"""

from __future__ import annotations

from condis_edu.ndis import (
    NDIS_HANDLE,
    NDIS_OBJECT_TYPE_DEFAULT,
    NDIS_RECEIVE_FLAGS_RESOURCES,
    NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
    NET_BUFFER_LIST,
    NET_BUFFER_LIST_POOL_PARAMETERS,
    NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
    NdisAllocateNetBufferAndNetBufferList,
    NdisAllocateNetBufferListPool,
    NdisCoSendNetBufferLists,
    NdisReturnNetBufferLists,
)
from condis_edu.samples.client.deletion import delete_if_idle
from condis_edu.samples.client.state import ClBinding, ClData, ClVc

IN_FLIGHT = "in flight"
"""The mark the client keeps in ProtocolReserved[0] while NDIS holds the NBL."""
PAYLOAD_SIZE = 256
"""Bytes of data each pooled NBL can carry."""


def data_of(vc: ClVc) -> ClData:
    """The call's data state (created on first use)."""
    if vc.data is None:
        vc.data = ClData()
    return vc.data


def _pool(binding: ClBinding) -> NDIS_HANDLE:
    if binding.nbl_pool is None:
        params = NET_BUFFER_LIST_POOL_PARAMETERS()
        params.Header.Type = NDIS_OBJECT_TYPE_DEFAULT
        params.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1
        params.Header.Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1
        params.fAllocateNetBuffer = True
        params.DataSize = PAYLOAD_SIZE
        assert binding.NdisBindingHandle is not None
        binding.nbl_pool = NdisAllocateNetBufferListPool(binding.NdisBindingHandle, params)
        assert binding.nbl_pool is not None, "NdisAllocateNetBufferListPool failed"
    return binding.nbl_pool


def build_chain(vc: ClVc, count: int, payload: bytes = b"") -> NET_BUFFER_LIST | None:
    """Take *count* NBLs (reused from the free list, or new), fill them, link them. Runs as the client."""
    data = data_of(vc)
    binding = vc.af.binding
    head: NET_BUFFER_LIST | None = None
    tail: NET_BUFFER_LIST | None = None
    for _ in range(count):
        nbl = data.free.pop() if data.free else None
        if nbl is None:
            nbl = NdisAllocateNetBufferAndNetBufferList(_pool(binding), 0, 0, None, 0, len(payload))
            if nbl is None:
                break
        nb = nbl.FirstNetBuffer
        assert nb is not None and nb.MdlChain is not None
        if payload:
            nb.MdlChain.MappedSystemVa[: len(payload)] = payload
        nb.DataLength = len(payload)
        nbl.SourceHandle = vc.NdisVcHandle
        nbl.ProtocolReserved[0] = IN_FLIGHT
        nbl.Next = None
        if tail is None:
            head = nbl
        else:
            tail.Next = nbl
        tail = nbl
    return head


def send_chain(vc: ClVc, head: NET_BUFFER_LIST) -> int:
    """Send a chain built with ``build_chain``; returns how many NBLs went. Runs as the client."""
    data = data_of(vc)
    n = 0
    nbl: NET_BUFFER_LIST | None = head
    while nbl is not None:
        n += 1
        nbl = nbl.Next
    data.sent += n
    data.in_flight += n
    assert vc.NdisVcHandle is not None
    NdisCoSendNetBufferLists(vc.NdisVcHandle, head, 0)
    return n


def ClCoSendNetBufferListsComplete(
    ProtocolVcContext: ClVc, NetBufferLists: NET_BUFFER_LIST, SendCompleteFlags: int
) -> None:
    """The NBLs are ours again: count each status, check the mark, keep the NBL for reuse."""
    data = ProtocolVcContext.data
    if data is None:  # pragma: no cover - NDIS only completes what we sent
        return
    completed = data.completed
    if not data.recycle:
        nbl_: NET_BUFFER_LIST | None = NetBufferLists
        while nbl_ is not None:
            status = nbl_.Status
            completed[status] = completed.get(status, 0) + 1
            nbl_ = nbl_.Next
        if ProtocolVcContext.delete_pending:
            delete_if_idle(ProtocolVcContext)  # not counted here: NDIS says whether they are all back
        return
    free = data.free
    n = 0
    nbl: NET_BUFFER_LIST | None = NetBufferLists
    while nbl is not None:
        following = nbl.Next
        reserved = nbl.ProtocolReserved
        if reserved[0] is IN_FLIGHT:
            reserved[0] = None
            status = nbl.Status
            completed[status] = completed.get(status, 0) + 1
            free.append(nbl)
            n += 1
        elif reserved[0] is None:
            data.duplicates += 1
        else:
            data.strangers += 1
        nbl = following
    data.completions += n
    data.in_flight -= n
    if ProtocolVcContext.delete_pending and not data.in_flight:
        delete_if_idle(ProtocolVcContext)  # the call is over: the VC can go now that its NBLs are back


def ClCoReceiveNetBufferLists(
    ProtocolBindingContext: ClBinding,
    ProtocolVcContext: ClVc,
    NetBufferLists: NET_BUFFER_LIST,
    NumberOfNetBufferLists: int,
    ReceiveFlags: int,
) -> None:
    """Copy what we want, then return the NBLs (or hold them, when asked to)."""
    data = data_of(ProtocolVcContext)
    nbl: NET_BUFFER_LIST | None = NetBufferLists
    while nbl is not None:
        data.received += 1
        if data.keep_received_bytes and nbl.FirstNetBuffer is not None:
            data.received_bytes += nbl.FirstNetBuffer.data()
        nbl = nbl.Next
    if ReceiveFlags & NDIS_RECEIVE_FLAGS_RESOURCES:
        return  # only lent to us for this call: we copied what we need
    if data.hold_receives:
        nbl = NetBufferLists
        while nbl is not None:
            following = nbl.Next
            nbl.Next = None
            data.held.append(nbl)
            nbl = following
        return
    assert ProtocolBindingContext.NdisBindingHandle is not None
    NdisReturnNetBufferLists(ProtocolBindingContext.NdisBindingHandle, NetBufferLists, 0)


def release_receives(vc: ClVc) -> int:
    """Return every held receive NBL to the miniport. Runs as the client."""
    data = data_of(vc)
    if not data.held:
        return 0
    head = data.held[0]
    for a, b in zip(data.held, data.held[1:], strict=False):
        a.Next = b
    data.held[-1].Next = None
    n = len(data.held)
    data.held.clear()
    assert vc.af.binding.NdisBindingHandle is not None
    NdisReturnNetBufferLists(vc.af.binding.NdisBindingHandle, head, 0)
    delete_if_idle(vc)
    return n

