"""R3.32 and R3.37: who may edit an NBL's NET_BUFFER chain, and who may write its reserved areas.

R3.32: a driver holding an NBL it did not allocate (the miniport holding a send, the protocol
holding an indicated receive) may relink NBLs but must leave each NBL's NET_BUFFER chain as
its builder made it. R3.37: ``MiniportReserved`` is the miniport's and ``ProtocolReserved``
the protocol's, on NBLs and on NET_BUFFERs alike.

Each breaking case runs as the wrong driver. Strict mode halts with the rule; collect mode
records it and the write has no effect, so the NBL's builder (or the area's driver) finds
what it left. The correct drivers (the samples, a client that builds a two-NET_BUFFER NBL,
a miniport using its own area) are not flagged, and a send that completes inline, the
benchmark's path, runs none of the checks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from condis_edu import Machine, VerifierViolation
from condis_edu._library.headers import fill_header
from condis_edu.errors import StructureTypeError
from condis_edu.mirror import nbl as nbl_module
from condis_edu.mirror.nbl import NET_BUFFER, NET_BUFFER_LIST, ReservedArea
from condis_edu.ndis import (
    NET_BUFFER_LIST_POOL_PARAMETERS,
    NET_BUFFER_POOL_PARAMETERS,
    NdisAllocateNetBuffer,
    NdisAllocateNetBufferList,
    NdisAllocateNetBufferListPool,
    NdisAllocateNetBufferPool,
    NdisCoSendNetBufferLists,
    NdisFreeNetBuffer,
    NdisFreeNetBufferList,
    NdisMCoSendNetBufferListsComplete,
)
from condis_edu.samples import client
from condis_edu.samples.client import data as cl_data
from condis_edu.samples.loopback_miniport import datapath as mp_data
from condis_edu.testing import loopback_machine

_get = object.__getattribute__


def queued_send(mode: str, count: int = 2) -> tuple[Machine, Any, list[NET_BUFFER_LIST]]:
    """*count* NBLs the client sent and the miniport keeps queued (it holds them, not their builder)."""
    m, nic = loopback_machine(verifier=mode)  # type: ignore[arg-type]
    mp_data.settings(nic).complete = "deferred"
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    with m.running_as("client"):
        head = cl_data.build_chain(call, count, b"frame")
        nbls = []
        nbl = head
        while nbl is not None:
            nbls.append(nbl)
            nbl = nbl.Next
        NdisCoSendNetBufferLists(call.NdisVcHandle, head, 0)
    return m, call, nbls


def held_receive(mode: str) -> tuple[Machine, Any, NET_BUFFER_LIST]:
    """An echoed receive the client keeps (it holds it; the miniport built it)."""
    m, _ = loopback_machine(verifier=mode)  # type: ignore[arg-type]
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    cl_data.data_of(call).hold_receives = True
    with m.running_as("client"):
        cl_data.send_chain(call, cl_data.build_chain(call, 1, b"ping"))
    m.run_until_idle()
    return m, call, cl_data.data_of(call).held[0]


def nb_chain(nbl: NET_BUFFER_LIST) -> list[NET_BUFFER]:
    """The NBL's NET_BUFFERs as stored (no watch, no hook)."""
    out = []
    nb = _get(nbl, "_first_nb")
    while nb is not None:
        out.append(nb)
        nb = _get(nb, "_next")
    return out


def first_nb(nbl: NET_BUFFER_LIST) -> NET_BUFFER:
    nb = _get(nbl, "_first_nb")
    assert isinstance(nb, NET_BUFFER)
    return nb


def own_nbl(m: Machine, call: Any) -> NET_BUFFER_LIST:
    with m.running_as("client"):
        nbl = cl_data.build_chain(call, 1, b"mine")
    assert nbl is not None
    return nbl


# ------------------------------------------------------------------ R3.32: the NET_BUFFER chain
Edit = Callable[[Machine, Any, list[NET_BUFFER_LIST]], None]
SEND_EDITS: dict[str, Edit] = {
    "links the second NBL's NET_BUFFER after the first's": lambda m, call, nbls: setattr(
        first_nb(nbls[0]), "Next", first_nb(nbls[1])
    ),
    "empties an NBL": lambda m, call, nbls: setattr(nbls[1], "FirstNetBuffer", None),
    "swaps the NET_BUFFERs of two NBLs": lambda m, call, nbls: setattr(nbls[0], "FirstNetBuffer", first_nb(nbls[1])),
}


@pytest.mark.parametrize("edit", sorted(SEND_EDITS))
@pytest.mark.parametrize("mode", ["strict", "collect"])
def test_the_miniport_may_not_edit_the_chain_of_a_sent_nbl(edit: str, mode: str) -> None:
    m, call, nbls = queued_send(mode)
    before = [nb_chain(nbl) for nbl in nbls]
    if mode == "strict":
        with pytest.raises(VerifierViolation) as caught, m.running_as("loopback_miniport"):
            SEND_EDITS[edit](m, call, nbls)
        assert caught.value.finding.rule.id == "R3.32"
        assert "client built that chain" in caught.value.finding.detail
        assert m.halted is caught.value
        return
    with m.running_as("loopback_miniport"):
        SEND_EDITS[edit](m, call, nbls)
    assert [f.rule.id for f in m.findings] == ["R3.32"]
    assert [nb_chain(nbl) for nbl in nbls] == before  # the write had no effect
    m.run_until_idle()  # the miniport completes: the client gets its NBLs as it built them
    assert cl_data.data_of(call).completed == {0: 2} and m.halted is None


@pytest.mark.parametrize("mode", ["strict", "collect"])
def test_the_protocol_may_not_take_a_net_buffer_out_of_an_indicated_nbl(mode: str) -> None:
    m, call, held = held_receive(mode)
    mine = own_nbl(m, call)
    before = (nb_chain(held), nb_chain(mine))
    with m.running_as("client"):
        if mode == "strict":
            with pytest.raises(VerifierViolation) as caught:
                mine.FirstNetBuffer = held.FirstNetBuffer  # its own NBL, somebody else's NET_BUFFER
            assert caught.value.finding.rule.id == "R3.32"
            assert "a NET_BUFFER of loopback_miniport" in caught.value.finding.detail
            return
        mine.FirstNetBuffer = held.FirstNetBuffer
        held.FirstNetBuffer.Next = first_nb(mine)
    assert [f.rule.id for f in m.findings] == ["R3.32", "R3.32"]
    assert (nb_chain(held), nb_chain(mine)) == before
    with m.running_as("client"):
        assert cl_data.release_receives(call) == 1  # the miniport gets back what it indicated
    assert m.halted is None


def test_a_driver_builds_and_relinks_its_own_chains_freely() -> None:
    """The builder links NET_BUFFERs of its own into its own NBL; holders relink NBLs: no finding."""
    m, nic = loopback_machine(verifier="strict")
    mp_data.settings(nic).complete = "deferred"  # the miniport relinks the NBLs it queues
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    binding = call.af.binding
    with m.running_as("client"):
        params = NET_BUFFER_LIST_POOL_PARAMETERS()
        fill_header(params)
        nbl_pool = NdisAllocateNetBufferListPool(binding.NdisBindingHandle, params)
        nb_params = NET_BUFFER_POOL_PARAMETERS()
        fill_header(nb_params)
        nb_pool = NdisAllocateNetBufferPool(binding.NdisBindingHandle, nb_params)
        nbl = NdisAllocateNetBufferList(nbl_pool, 0, 0)
        one, two = NdisAllocateNetBuffer(nb_pool, None, 0, 0), NdisAllocateNetBuffer(nb_pool, None, 0, 0)
        assert nbl is not None and one is not None and two is not None
        nbl.FirstNetBuffer = one
        one.Next = two
        nbl.SourceHandle = call.NdisVcHandle
        NdisCoSendNetBufferLists(call.NdisVcHandle, nbl, 0)
    with m.running_as("loopback_miniport"):  # the holder may read the chain
        assert nbl.FirstNetBuffer is one and one.Next is two
    m.run_until_idle()
    with m.running_as("client"):  # home again: the builder takes its chain apart
        one.Next = None
        nbl.FirstNetBuffer = None
        NdisFreeNetBuffer(one)
        NdisFreeNetBuffer(two)
        NdisFreeNetBufferList(nbl)
    assert m.findings == [] and m.halted is None


def test_the_builders_links_tell_ndis_which_nbl_a_net_buffer_is_in() -> None:
    m, call, nbls = queued_send("strict", 1)
    cl_data.data_of(call).recycle = False  # the client keeps the NBL when it comes back
    m.run_until_idle()
    nbl = nbls[0]
    one = first_nb(nbl)
    with m.running_as("client"):
        other = own_nbl(m, call)
        two = first_nb(other)
        other.FirstNetBuffer = None  # unlinked: in no NBL now
        assert _get(two, "_home") is None
        one.Next = two  # linked after nbl's first NET_BUFFER
        assert _get(two, "_home") is nbl and _get(one, "_home") is nbl
        nbl.FirstNetBuffer = two  # nbl's chain is now just two: one is in no NBL
        assert _get(one, "_home") is None and _get(two, "_home") is nbl
    assert m.findings == []


# ------------------------------------------------------------------ R3.37: the reserved areas
Write = Callable[[NET_BUFFER_LIST], None]
MINIPORT_WRITES: dict[str, Write] = {
    "the NBL's ProtocolReserved": lambda nbl: nbl.ProtocolReserved.__setitem__(0, None),
    "its NET_BUFFER's ProtocolReserved": lambda nbl: nbl.FirstNetBuffer.ProtocolReserved.__setitem__(1, "x"),
    "a slice of the NBL's ProtocolReserved": lambda nbl: nbl.ProtocolReserved.__setitem__(slice(0, 2), [1, 2]),
}
PROTOCOL_WRITES: dict[str, Write] = {
    "the NBL's MiniportReserved": lambda nbl: nbl.MiniportReserved.__setitem__(0, "seen"),
    "its NET_BUFFER's MiniportReserved": lambda nbl: nbl.FirstNetBuffer.MiniportReserved.__setitem__(3, "seen"),
}


@pytest.mark.parametrize("write", sorted(MINIPORT_WRITES))
@pytest.mark.parametrize("mode", ["strict", "collect"])
def test_the_miniport_may_not_write_the_protocols_area_of_a_send(write: str, mode: str) -> None:
    m, call, nbls = queued_send(mode, 1)
    nbl = nbls[0]
    before = (list(nbl.ProtocolReserved), list(first_nb(nbl).ProtocolReserved))
    if mode == "strict":
        with pytest.raises(VerifierViolation) as caught, m.running_as("loopback_miniport"):
            MINIPORT_WRITES[write](nbl)
        assert caught.value.finding.rule.id == "R3.37"
        assert "it is the miniport here" in caught.value.finding.detail
        return
    with m.running_as("loopback_miniport"):
        MINIPORT_WRITES[write](nbl)
    assert [f.rule.id for f in m.findings] == ["R3.37"]
    assert (list(nbl.ProtocolReserved), list(first_nb(nbl).ProtocolReserved)) == before
    m.run_until_idle()  # the client's mark survived: the completion is counted, not taken for a duplicate
    data = cl_data.data_of(call)
    assert data.completed == {0: 1} and data.duplicates == 0 and m.halted is None


@pytest.mark.parametrize("write", sorted(PROTOCOL_WRITES))
@pytest.mark.parametrize("mode", ["strict", "collect"])
def test_the_protocol_may_not_write_the_miniports_area_of_a_receive(write: str, mode: str) -> None:
    m, call, held = held_receive(mode)
    before = (list(held.MiniportReserved), list(first_nb(held).MiniportReserved))
    if mode == "strict":
        with pytest.raises(VerifierViolation) as caught, m.running_as("client"):
            PROTOCOL_WRITES[write](held)
        assert caught.value.finding.rule.id == "R3.37"
        assert "it is the protocol here" in caught.value.finding.detail
        return
    with m.running_as("client"):
        PROTOCOL_WRITES[write](held)
        assert (list(held.MiniportReserved), list(first_nb(held).MiniportReserved)) == before
        assert cl_data.release_receives(call) == 1  # the miniport finds its VC where it left it
    assert [f.rule.id for f in m.findings] == ["R3.37"] and m.halted is None


def test_each_driver_writes_its_own_area() -> None:
    m, _, nbls = queued_send("strict", 1)
    sent = nbls[0]
    with m.running_as("loopback_miniport"):
        sent.MiniportReserved[1] = "queued"
        sent.FirstNetBuffer.MiniportReserved[0] = "queued"
    m.run_until_idle()
    with m.running_as("client"):  # back home, at rest: the protocol's own area
        sent.ProtocolReserved[2] = "done"
        sent.FirstNetBuffer.ProtocolReserved[2] = "done"
    m2, call2, held = held_receive("strict")
    with m2.running_as("client"):
        held.ProtocolReserved[3] = "kept"
        held.FirstNetBuffer.ProtocolReserved[0] = "kept"
        cl_data.release_receives(call2)
    assert m.findings == [] and m2.findings == []


def test_writing_an_area_of_an_nbl_one_does_not_hold_is_r3_06() -> None:
    m, nic = loopback_machine(verifier="collect")
    mp_data.settings(nic).echo = False
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    with m.running_as("client"):
        head = cl_data.build_chain(call, 1, b"frame")
        assert head is not None
        NdisCoSendNetBufferLists(call.NdisVcHandle, head, 0)  # completed inline: the client's again
    with m.running_as("loopback_miniport"):
        head.MiniportReserved[0] = "late"  # after completing it
    assert [f.rule.id for f in m.findings] == ["R3.06"]
    assert head.MiniportReserved[0] is None


def test_a_reserved_area_is_a_fixed_array() -> None:
    m, _, nbls = queued_send("strict", 1)
    area = nbls[0].ProtocolReserved
    assert isinstance(area, ReservedArea) and area.name == "ProtocolReserved" and area.of is nbls[0]
    assert len(area) == 4 and len(nbls[0].MiniportReserved) == 2 and len(first_nb(nbls[0]).MiniportReserved) == 4
    for grow in (lambda: area.append(1), lambda: area.pop(), lambda: area.__setitem__(slice(0, 1), [1, 2])):
        with pytest.raises(StructureTypeError, match="fixed array"):
            grow()
    for target in (nbls[0], first_nb(nbls[0])):
        for name in ("ProtocolReserved", "MiniportReserved"):
            before = getattr(target, name)
            with pytest.raises(StructureTypeError, match="cannot be replaced"):
                setattr(target, name, [None] * 4)
            assert getattr(target, name) is before
    area[1:3] = ["a", "b"]  # the harness (no driver running) may write any area
    assert area == ["in flight", "a", "b", None] and m.findings == []


# ------------------------------------------------------------------ cost
@pytest.fixture
def counted_hooks() -> Iterator[list[str]]:
    calls: list[str] = []
    chain_hook = lambda s, f, v: calls.append(f) or True  # noqa: E731
    area_hook = lambda a, i, v: calls.append(a.name) or True  # noqa: E731
    nbl_module.CHAIN_WRITE_HOOKS.append(chain_hook)
    nbl_module.RESERVED_WRITE_HOOKS.append(area_hook)
    try:
        yield calls
    finally:
        nbl_module.CHAIN_WRITE_HOOKS.remove(chain_hook)
        nbl_module.RESERVED_WRITE_HOOKS.remove(area_hook)


def test_an_inline_send_and_completion_run_no_write_check(counted_hooks: list[str]) -> None:
    """The benchmark's path (pooled NBLs sent and completed inline) never reaches the checks."""
    m, nic = loopback_machine(verifier="strict", trace=False)
    settings = mp_data.settings(nic)
    settings.complete, settings.echo = "inline", False
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    cl_data.data_of(call).recycle = False
    with m.running_as("client"):
        head = cl_data.build_chain(call, 8, b"")
    counted_hooks.clear()
    with m.running_as("client"):
        for _ in range(3):
            NdisCoSendNetBufferLists(call.NdisVcHandle, head, 0)
    assert counted_hooks == []
    assert sum(cl_data.data_of(call).completed.values()) == 24


def test_a_completion_by_the_wrong_miniport_is_still_r3_10() -> None:
    """The new checks leave the hand-off rules alone (a control case that can fail)."""
    m, call, nbls = queued_send("collect", 1)
    with m.running_as("call_manager"):
        NdisMCoSendNetBufferListsComplete(call.NdisVcHandle, nbls[0], 0)
    assert [f.rule.id for f in m.findings] == ["R3.10"]
