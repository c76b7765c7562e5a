"""The hand-off check: transfer re-stamps a whole chain or changes nothing."""

from __future__ import annotations

import pytest

from condis_edu._library.ddi import pools as p
from condis_edu._library.ownership import explain, nth, refuse, transfer
from condis_edu.mirror.nbl import NET_BUFFER_LIST, Holder, HolderKind, chain, iter_chain


@pytest.fixture
def nbls() -> list[NET_BUFFER_LIST]:
    registry = p.PoolRegistry.standalone()
    params = p.NET_BUFFER_LIST_POOL_PARAMETERS()
    params.Header.Type, params.Header.Revision, params.Header.Size = 0x80, 1, 16
    params.fAllocateNetBuffer, params.DataSize = True, 8
    pool = p.NdisAllocateNetBufferListPool(registry.driver_handle("client"), params)
    assert pool is not None
    out = []
    for _ in range(4):
        nbl = p.NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 8)
        assert nbl is not None
        out.append(nbl)
    return out


SENT = Holder(HolderKind.SENT, "miniport", "vc#1", "sent on vc#1")


def test_transfer_restamps_and_counts(nbls: list[NET_BUFFER_LIST]) -> None:
    owner = nbls[0].holder
    head = chain(nbls)
    assert transfer(head, owner, SENT) == 4
    assert all(n.holder is SENT for n in nbls)
    assert transfer(head, SENT, owner) == 4
    assert all(n.holder is owner for n in nbls)


def test_refused_transfer_changes_nothing(nbls: list[NET_BUFFER_LIST]) -> None:
    owner = nbls[0].holder
    nbls[2]._holder = SENT  # still in flight from an earlier send
    head = chain(nbls)
    result = transfer(head, owner, SENT)
    assert result == ~2
    offender, reason = refuse(head, result, owner, SENT)
    assert offender is nbls[2]
    assert reason == "nbl#3 is still sent on vc#1; it is not back with its owner yet"
    assert [n.holder for n in nbls] == [owner, owner, SENT, owner]


def test_a_cycle_is_caught_without_looping(nbls: list[NET_BUFFER_LIST]) -> None:
    owner = nbls[0].holder
    head = chain(nbls[:3])
    nbls[2].Next = nbls[1]  # 1 -> 2 -> 3 -> 2 ...
    result = transfer(head, owner, SENT)
    offender, reason = refuse(head, result, owner, SENT)
    assert offender is nbls[1]
    assert "appears twice" in reason
    assert all(n.holder is owner for n in nbls)


def test_explanations_name_the_holder(nbls: list[NET_BUFFER_LIST]) -> None:
    owner = nbls[0].holder
    free = Holder(HolderKind.FREE, None, None, "free in nbl_pool#1")
    indicated = Holder(HolderKind.INDICATED, "client", "vc#1", "indicated on vc#1")
    other = Holder(HolderKind.SENT, "miniport", "vc#2", "sent on vc#2")
    nbl = nbls[0]
    nbl._holder = free
    assert "freed" in explain(nbl, owner)
    nbl._holder = indicated
    assert "NdisReturnNetBufferLists" in explain(nbl, owner)
    nbl._holder = other
    assert explain(nbl, SENT) == "nbl#1 is sent on vc#2, not sent on vc#1"
    assert nth(chain(nbls), 9) is None
    assert transfer(None, owner, SENT) == 0
    assert list(iter_chain(None)) == []
