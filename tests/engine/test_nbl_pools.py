"""NET_BUFFER_LIST / NET_BUFFER structures, the pool DDIs, and reuse without allocation."""

from __future__ import annotations

import tracemalloc

import pytest

from condis_edu._library.ddi import pools as p
from condis_edu.errors import StaleHandleError, WrongHandleError
from condis_edu.mirror.nbl import (
    MDL,
    NET_BUFFER,
    NET_BUFFER_LIST,
    NET_BUFFER_LIST_FIRST_NB,
    NET_BUFFER_LIST_NEXT_NBL,
    NET_BUFFER_LIST_STATUS,
    NET_BUFFER_NEXT_NB,
    HolderKind,
    chain,
    chain_length,
    iter_chain,
)
from condis_edu.mirror.status import NDIS_STATUS_FAILURE, NDIS_STATUS_SUCCESS


class Recorder:
    """A registry whose findings are collected instead of raised."""

    def __init__(self) -> None:
        self.registry = p.PoolRegistry.standalone()
        self.findings: list[tuple[str, str]] = []
        self.registry.report = lambda rule, msg, subject: self.findings.append((rule, msg))
        self.driver = self.registry.driver_handle("client")

    def pool(self, data_size: int = 128, with_nb: bool = True, context: int = 0) -> object:
        params = p.NET_BUFFER_LIST_POOL_PARAMETERS()
        params.Header.Type = p.NDIS_OBJECT_TYPE_DEFAULT
        params.Header.Revision = p.NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1
        params.Header.Size = p.NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1
        params.fAllocateNetBuffer = with_nb
        params.DataSize = data_size
        params.ContextSize = context
        handle = p.NdisAllocateNetBufferListPool(self.driver, params)
        assert handle is not None
        return handle


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


def test_structures_are_minted_by_ndis_only() -> None:
    for cls in (NET_BUFFER_LIST, NET_BUFFER, MDL):
        with pytest.raises(TypeError, match="NDIS"):
            cls()


def test_new_nbl_has_microsoft_fields_and_belongs_to_the_pool_owner(rec: Recorder) -> None:
    pool = rec.pool()
    nbl = p.NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 4, 60)
    assert nbl is not None
    assert nbl.Next is None and nbl.SourceHandle is None and nbl.Status == NDIS_STATUS_SUCCESS
    assert nbl.Scratch is None and nbl.ParentNetBufferList is None and nbl.ChildRefCount == 0
    assert p.NdisGetPoolFromNetBufferList(nbl) is pool
    nb = NET_BUFFER_LIST_FIRST_NB(nbl)
    assert nb is not None and NET_BUFFER_NEXT_NB(nb) is None
    assert (nb.DataOffset, nb.DataLength, nb.MdlChain.ByteCount) == (4, 60, 128)  # type: ignore[union-attr]
    assert nbl.holder.kind is HolderKind.OWNED and nbl.holder.driver == "client"
    assert repr(nbl) == "<NET_BUFFER_LIST nbl#1 Status=NDIS_STATUS_SUCCESS owned by client>"


def test_pool_parameters_header_is_checked(rec: Recorder) -> None:
    params = p.NET_BUFFER_LIST_POOL_PARAMETERS()  # Header left zero, as a forgetful driver would
    assert p.NdisAllocateNetBufferListPool(rec.driver, params) is None
    params.Header.Type, params.Header.Revision, params.Header.Size = 0x80, 1, 15
    assert p.NdisAllocateNetBufferListPool(rec.driver, params) is None
    params.Header.Size = 16
    params.ContextSize = 12  # not a multiple of 8
    assert p.NdisAllocateNetBufferListPool(rec.driver, params) is None


def test_data_from_the_caller_mdl_chain(rec: Recorder) -> None:
    pool = rec.pool(data_size=0)
    first = p.NdisAllocateMdl(rec.driver, bytearray(b"hello "), 6)
    second = p.NdisAllocateMdl(rec.driver, b"world!", 6)
    assert first is not None and second is not None
    first.Next = second
    nbl = p.NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, first, 3, 7)
    assert nbl is not None and nbl.FirstNetBuffer is not None
    assert nbl.FirstNetBuffer.data() == b"lo worl"
    assert p.NdisGetDataBuffer(nbl.FirstNetBuffer, 4) == b"lo w"
    assert p.NdisGetDataBuffer(nbl.FirstNetBuffer, 8) is None
    storage = bytearray(4)
    p.NdisGetDataBuffer(nbl.FirstNetBuffer, 4, storage)
    assert storage == b"lo w"


def test_too_long_for_the_pool_data_buffer_fails(rec: Recorder) -> None:
    pool = rec.pool(data_size=16)
    assert p.NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 8, 9) is None
    assert p.NdisAllocateNetBufferList(pool, 0, 0) is None  # an NB pool needs the ...AndNetBufferList DDI


def test_nbl_without_nb_and_nb_pool(rec: Recorder) -> None:
    pool = rec.pool(data_size=0, with_nb=False)
    nbl = p.NdisAllocateNetBufferList(pool, 0, 0)
    assert nbl is not None and nbl.FirstNetBuffer is None
    assert p.NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 0) is None
    nbp = p.NET_BUFFER_POOL_PARAMETERS()
    nbp.Header.Type, nbp.Header.Revision, nbp.Header.Size = 0x80, 1, 12
    nb_pool = p.NdisAllocateNetBufferPool(rec.driver, nbp)
    assert nb_pool is not None
    nb = p.NdisAllocateNetBuffer(nb_pool, None, 0, 0)
    assert nb is not None
    nbl.FirstNetBuffer = nb
    nbl.FirstNetBuffer = None
    p.NdisFreeNetBuffer(nb)
    p.NdisFreeNetBuffer(nb)
    assert rec.findings[-1][0] == "R3.05"
    p.NdisFreeNetBufferPool(nb_pool)
    p.NdisFreeNetBufferList(nbl)
    p.NdisFreeNetBufferListPool(pool)
    assert rec.registry.statistics() == []


def test_free_list_reuse_resets_fields(rec: Recorder) -> None:
    pool = rec.pool()
    nbl = p.NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 10)
    assert nbl is not None
    nbl.Status, nbl.Scratch, nbl.SourceHandle = NDIS_STATUS_FAILURE, "x", "vc"
    nbl.ProtocolReserved[0] = "mine"
    p.NdisFreeNetBufferList(nbl)
    again = p.NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 20)
    assert again is nbl
    assert (again.Status, again.Scratch, again.SourceHandle, again.ProtocolReserved[0]) == (0, None, None, None)
    assert again.FirstNetBuffer is not None and again.FirstNetBuffer.DataLength == 20
    stats = rec.registry.statistics()[0]
    assert (stats.created, stats.outstanding, stats.free) == (1, 1, 0)


def test_double_free_is_a_finding_and_changes_nothing(rec: Recorder) -> None:
    pool = rec.pool()
    nbl = p.NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 10)
    assert nbl is not None
    p.NdisFreeNetBufferList(nbl)
    p.NdisFreeNetBufferList(nbl)
    assert rec.findings == [("R3.05", "NdisFreeNetBufferList(nbl#1): the NBL is already free")]
    stats = rec.registry.statistics()[0]
    assert (stats.outstanding, stats.free) == (0, 1)


def test_standalone_registry_raises_findings() -> None:
    registry = p.PoolRegistry.standalone()
    params = p.NET_BUFFER_LIST_POOL_PARAMETERS()
    params.Header.Type, params.Header.Revision, params.Header.Size = 0x80, 1, 16
    params.fAllocateNetBuffer, params.DataSize = True, 8
    pool = p.NdisAllocateNetBufferListPool(registry.driver_handle("x"), params)
    assert pool is not None
    nbl = p.NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 8)
    assert nbl is not None
    p.NdisFreeNetBufferList(nbl)
    with pytest.raises(AssertionError, match=r"R3\.05"):
        p.NdisFreeNetBufferList(nbl)


def test_freeing_a_pool_with_nbls_out_is_the_leak_bugcheck(rec: Recorder) -> None:
    pool = rec.pool()
    nbl = p.NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 10)
    assert nbl is not None
    p.NdisFreeNetBufferListPool(pool)
    assert rec.findings[0][0] == "R1.46" and "1 NBL(s) still allocated" in rec.findings[0][1]
    assert nbl.FirstNetBuffer is not None  # the NBL stays valid: the pool is kept alive
    p.NdisFreeNetBufferList(nbl)  # the last free completes the deferred pool free
    assert rec.registry.statistics() == []
    with pytest.raises(StaleHandleError):
        p.NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 10)


def test_wrong_handles_are_usage_errors(rec: Recorder) -> None:
    with pytest.raises(WrongHandleError):
        p.NdisAllocateNetBufferListPool("not a handle", p.NET_BUFFER_LIST_POOL_PARAMETERS())  # type: ignore[arg-type]
    with pytest.raises(WrongHandleError):
        p.NdisAllocateNetBufferAndNetBufferList(rec.driver, 0, 0, None, 0, 0)
    with pytest.raises(WrongHandleError):
        p.NdisFreeNetBufferList("nbl")  # type: ignore[arg-type]


def test_contexts(rec: Recorder) -> None:
    pool = rec.pool(context=16)
    nbl = p.NdisAllocateNetBufferAndNetBufferList(pool, 8, 0, None, 0, 10)
    assert nbl is not None
    assert p.NET_BUFFER_LIST_CONTEXT_DATA_SIZE(nbl) == 8
    assert p.NdisAllocateNetBufferListContext(nbl, 16, 0, 0) == NDIS_STATUS_SUCCESS  # grows past 16
    area = p.NET_BUFFER_LIST_CONTEXT_DATA_START(nbl)
    area[0] = 7
    assert p.NET_BUFFER_LIST_CONTEXT_DATA_SIZE(nbl) == 24
    p.NdisFreeNetBufferListContext(nbl, 16)
    assert p.NET_BUFFER_LIST_CONTEXT_DATA_SIZE(nbl) == 8
    assert p.NdisAllocateNetBufferListContext(nbl, 12, 0, 0) == NDIS_STATUS_FAILURE


def test_chain_helpers(rec: Recorder) -> None:
    pool = rec.pool()
    nbls = [p.NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 1) for _ in range(3)]
    head = chain(n for n in nbls if n is not None)
    assert [n.label for n in iter_chain(head)] == ["nbl#1", "nbl#2", "nbl#3"]
    assert chain_length(head) == 3 and chain([]) is None
    assert NET_BUFFER_LIST_NEXT_NBL(nbls[0]) is nbls[1]  # type: ignore[arg-type]
    assert NET_BUFFER_LIST_STATUS(nbls[2]) == NDIS_STATUS_SUCCESS  # type: ignore[arg-type]
    nbls[2].Next = nbls[0]  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="cycle"):
        list(iter_chain(head, limit=10))


def test_steady_reuse_allocates_nothing_per_nbl(rec: Recorder) -> None:
    pool = rec.pool(data_size=64, context=8)

    def cycle() -> None:
        got = [p.NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 60) for _ in range(64)]
        for nbl in got:
            p.NdisFreeNetBufferList(nbl)  # type: ignore[arg-type]

    cycle()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for _ in range(50):
            cycle()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    pool_file = p.__file__
    grown = sum(s.count_diff for s in after.compare_to(before, "filename") if s.traceback[0].filename == pool_file)
    assert grown <= 2  # a constant (a list resize at most); 50 x 64 NBLs went through
