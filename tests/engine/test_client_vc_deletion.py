"""The sample client deletes the VCs it created only when NDIS can let them go.

``NdisCoDeleteVc`` answers ``NDIS_STATUS_NOT_ACCEPTED`` while NDIS still holds NBLs sent on the
VC; the VC and its handle then stay valid. The client must keep the VC and ask again once its
NBLs are back, never forget a VC NDIS still holds (samples/client/deletion.py).

The set-up that reaches it: the MCM closes a call synchronously, so the client's
ProtocolClCloseCallComplete runs inside NdisClCloseCall; sends made while the adapter is paused
are refused with NDIS_STATUS_PAUSED, and NDIS holds them until it completes them from the
scheduler, after that close.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from condis_edu import Machine
from condis_edu.ndis import (
    NDIS_STATUS_NOT_ACCEPTED,
    NDIS_STATUS_PAUSED,
    NET_BUFFER_LIST,
    NET_BUFFER_LIST_POOL_PARAMETERS,
    NdisAllocateNetBufferAndNetBufferList,
    NdisAllocateNetBufferListPool,
    NdisCoSendNetBufferLists,
    NdisFreeNetBufferList,
    NdisMCoIndicateReceiveNetBufferLists,
    chain,
    fill_header,
)
from condis_edu.samples import client
from condis_edu.samples.client import data as cl_data
from condis_edu.testing import loopback_machine
from condis_edu.verifier.core import VerifierMode

MODES: tuple[VerifierMode, ...] = ("strict", "collect")


def paused_call(mode: VerifierMode) -> tuple[Machine, Any, Any]:
    """A connected call over the MCM, its adapter paused (sends are refused and held by NDIS)."""
    m, nic = loopback_machine(verifier=mode, use_mcm=True)
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    assert call.state == "connected"
    m.pause_adapter(nic)
    return m, nic, call


def nbls(head: NET_BUFFER_LIST | None) -> Iterator[NET_BUFFER_LIST]:
    while head is not None:
        yield head
        head = head.Next


def live_vcs(nic: Any) -> list[str]:
    return [vc.handle.label for vc in nic.vcs]


@pytest.mark.parametrize("mode", MODES)
def test_the_client_waits_for_its_sends_before_deleting_its_vc(mode: VerifierMode) -> None:
    m, nic, call = paused_call(mode)
    handle = call.NdisVcHandle
    with m.running_as("client"):
        head = cl_data.build_chain(call, 2, b"held")
        assert head is not None
        cl_data.send_chain(call, head)
    client.close_call(m, call)  # the MCM closes at once: the client's close completion has run

    # NDIS still holds the two NBLs: the client keeps its VC and does not ask yet.
    assert call.NdisVcHandle is handle and handle.alive
    assert call in client.active_calls(m) and handle.label in live_vcs(nic)
    assert m.findings == []
    assert call.state == "closed" and call.delete_pending

    m.run_until_idle()  # NDIS completes the refused sends; the client deletes its VC then
    assert cl_data.data_of(call).completed == {NDIS_STATUS_PAUSED: 2}
    assert not handle.alive and call.NdisVcHandle is None and not call.delete_pending
    assert call not in client.active_calls(m) and handle.label not in live_vcs(nic)

    m.restart_adapter(nic)
    m.unbind("client", nic)  # the orderly teardown finds nothing left over
    assert m.findings == [] and m.halted is None


@pytest.mark.parametrize("mode", MODES)
def test_the_client_keeps_a_vc_ndis_refuses_to_delete_and_deletes_it_later(mode: VerifierMode) -> None:
    m, nic, call = paused_call(mode)
    handle = call.NdisVcHandle
    data = cl_data.data_of(call)
    data.recycle = False  # the caller keeps the chain: the client counts statuses, not NBLs out
    with m.running_as("client"):
        head = cl_data.build_chain(call, 3, b"held")
        chain = list(nbls(head))
        NdisCoSendNetBufferLists(handle, head, 0)
    client.close_call(m, call)

    # The client asked; NDIS answered NOT_ACCEPTED (it holds the NBLs) and the VC stays.
    assert [f.rule.id for f in m.findings] == ["R2.37"]
    assert call.NdisVcHandle is handle and handle.alive
    assert call in client.active_calls(m) and handle.label in live_vcs(nic)
    assert call.status == NDIS_STATUS_NOT_ACCEPTED and call.delete_pending

    m.run_until_idle()  # the completion comes back: the client asks again, and NDIS deletes it
    assert data.completed == {NDIS_STATUS_PAUSED: 3}
    assert not handle.alive and call.NdisVcHandle is None and not call.delete_pending
    assert call not in client.active_calls(m) and handle.label not in live_vcs(nic)

    with m.running_as("client"):  # the chain is the caller's: it frees it
        for nbl in chain:
            NdisFreeNetBufferList(nbl)
    m.restart_adapter(nic)
    m.unbind("client", nic)
    assert [f.rule.id for f in m.findings] == ["R2.37"] and m.halted is None


@pytest.mark.parametrize("mode", MODES)
def test_held_receives_keep_the_vc_until_they_are_returned(mode: VerifierMode) -> None:
    m, nic = loopback_machine(verifier=mode, use_mcm=True)
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    handle = call.NdisVcHandle
    cl_data.data_of(call).hold_receives = True
    params = NET_BUFFER_LIST_POOL_PARAMETERS(fAllocateNetBuffer=True, DataSize=16)
    fill_header(params)
    with m.running_as("mcm"):  # the miniport indicates two frames; the client keeps them
        pool = NdisAllocateNetBufferListPool(nic.handle, params)
        frames = [NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 16) for _ in range(2)]
        for frame in frames:
            frame.SourceHandle = handle
        NdisMCoIndicateReceiveNetBufferLists(handle, chain(frames), 2, 0)
    assert len(cl_data.data_of(call).held) == 2
    client.close_call(m, call)
    m.run_until_idle()
    assert call.NdisVcHandle is handle and handle.alive and m.findings == []
    assert call.state == "closed" and call.delete_pending

    with m.running_as("client"):
        cl_data.release_receives(call)  # the frames go back: now the VC can go
    assert not handle.alive and not call.delete_pending and call.NdisVcHandle is None
    assert m.findings == [] and m.halted is None
