"""R3.06 covers looking: a driver may not read or write an NBL (or its NET_BUFFERs, MDLs and
bytes) from the moment it hands the NBL over until it comes back.

Each case hands NBLs away and then touches them as the wrong driver. Strict mode halts with
R3.06; collect mode records it, lets a read return the value, and drops a write or a DDI call.
The holder itself, the harness and NDIS may always look, and an NBL that came home is plain
again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from condis_edu import Machine, VerifierViolation
from condis_edu._library.watch import WatchedNetBufferList
from condis_edu.mirror.nbl import NET_BUFFER, NET_BUFFER_LIST
from condis_edu.ndis import (
    NDIS_STATUS_FAILURE,
    NDIS_STATUS_SUCCESS,
    NdisCoSendNetBufferLists,
    NdisGetDataBuffer,
    NdisReturnNetBufferLists,
)
from condis_edu.samples import client
from condis_edu.samples.client import data as cl_data
from condis_edu.samples.loopback_miniport import datapath as mp_data
from condis_edu.testing import loopback_machine


def queued_send(mode: str) -> tuple[Machine, Any, NET_BUFFER_LIST]:
    """A send the miniport keeps queued (deferred completion): the client no longer holds it."""
    m, nic = loopback_machine(verifier=mode)  # type: ignore[arg-type]
    mp_data.settings(nic).complete = "deferred"
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    with m.running_as("client"):
        head = cl_data.build_chain(call, 1, b"secret")
        assert head is not None
        NdisCoSendNetBufferLists(call.NdisVcHandle, head, 0)
    return m, call, head


def _first_nb(nbl: NET_BUFFER_LIST) -> NET_BUFFER:
    nb = object.__getattribute__(nbl, "FirstNetBuffer")
    assert isinstance(nb, NET_BUFFER)
    return nb


Touch = Callable[[NET_BUFFER_LIST], object]
TOUCHES: dict[str, tuple[Touch, bool]] = {
    "read Status": (lambda nbl: nbl.Status, False),
    "read Next": (lambda nbl: nbl.Next, False),
    "write Status": (lambda nbl: setattr(nbl, "Status", NDIS_STATUS_FAILURE), True),
    "read NB.DataLength": (lambda nbl: _first_nb(nbl).DataLength, False),
    "write NB.Next": (lambda nbl: setattr(_first_nb(nbl), "Next", None), True),
    "read MDL bytes": (lambda nbl: bytes(object.__getattribute__(_first_nb(nbl), "MdlChain").MappedSystemVa), False),
    "NdisGetDataBuffer": (lambda nbl: NdisGetDataBuffer(_first_nb(nbl), 6, None, 1, 0), True),
}


@pytest.mark.parametrize("touch", sorted(TOUCHES))
def test_the_sender_may_not_look_at_a_queued_send_strict(touch: str) -> None:
    m, _, head = queued_send("strict")
    fn, _ = TOUCHES[touch]
    with pytest.raises(VerifierViolation) as caught, m.running_as("client"):
        fn(head)
    assert caught.value.finding.rule.id == "R3.06"
    assert "held by loopback_miniport" in caught.value.finding.detail
    assert m.halted is caught.value


@pytest.mark.parametrize("touch", sorted(TOUCHES))
def test_the_sender_may_not_look_at_a_queued_send_collect(touch: str) -> None:
    m, _, head = queued_send("collect")
    fn, refused = TOUCHES[touch]
    before = (object.__getattribute__(head, "Status"), object.__getattribute__(_first_nb(head), "Next"))
    with m.running_as("client"):
        result = fn(head)
    assert [f.rule.id for f in m.findings] == ["R3.06"]
    assert (object.__getattribute__(head, "Status"), object.__getattribute__(_first_nb(head), "Next")) == before
    if touch == "NdisGetDataBuffer":
        assert result is None  # the refused call does not go ahead
    elif not refused:
        assert result is not None or touch == "read Next"  # a read still sees the memory
    assert m.halted is None


def test_the_holder_the_harness_and_ndis_may_look_and_home_is_plain() -> None:
    m, _, head = queued_send("strict")
    assert type(head) is WatchedNetBufferList
    assert head.Status == NDIS_STATUS_SUCCESS  # the harness (no driver running) may look
    with m.running_as("loopback_miniport"):  # the miniport holds it now
        head.Status = NDIS_STATUS_SUCCESS
        assert NdisGetDataBuffer(head.FirstNetBuffer, 6, None, 1, 0) == b"secret"
    m.run_until_idle()  # the miniport completes its queue; the NBL goes home
    with m.running_as("client"):  # home again: the client may look, and the watch is gone
        assert head.Status == NDIS_STATUS_SUCCESS
    assert type(head) is NET_BUFFER_LIST
    assert type(head.FirstNetBuffer) is NET_BUFFER
    assert m.findings == []


def test_the_miniport_may_not_look_at_a_receive_the_protocol_kept() -> None:
    m, nic = loopback_machine(verifier="collect")
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    cl_data.data_of(call).hold_receives = True
    with m.running_as("client"):
        cl_data.send_chain(call, cl_data.build_chain(call, 1, b"ping"))
    m.run_until_idle()
    held = cl_data.data_of(call).held[0]
    with m.running_as("loopback_miniport"):
        held.Status = NDIS_STATUS_FAILURE  # dropped: the client holds it
    assert [f.rule.id for f in m.findings] == ["R3.06"]
    assert object.__getattribute__(held, "Status") == NDIS_STATUS_SUCCESS
    with m.running_as("client"):
        cl_data.release_receives(call)
    m.run_until_idle()
    assert nic.outstanding_receives == 0 and m.halted is None
    _ = NdisReturnNetBufferLists
