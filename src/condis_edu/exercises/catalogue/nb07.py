"""Notebook 7, "The send path": MiniportCoSendNetBufferLists completes every NBL once, with a status."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

from condis_edu.exercises._core import Check, CheckFailed, Exercise, register
from condis_edu.exercises._knowledge import (
    KnowledgeCheck,
    Question,
    status_choices,
    trace_until,
)
from condis_edu.exercises.catalogue import _solutions
from condis_edu.exercises.catalogue._helpers import co_topology, findings_text, sample_stack
from condis_edu.exercises.catalogue._reference import loopback_driver_entry
from condis_edu.harness.machine import Machine
from condis_edu.ndis import NDIS_STATUS_INVALID_LENGTH, NDIS_STATUS_SUCCESS, NET_BUFFER_LIST, status_name
from condis_edu.samples import client
from condis_edu.samples.client import data as cl_data

Handler = Callable[..., Any]

MAX_FRAME = 64
"""nb07-length-check: the longest frame the pretend NIC transmits (the notebook's MAX_FRAME)."""


def _call(send: Handler) -> tuple[Machine, Any]:
    """The loopback stack with ``send`` as MiniportCoSendNetBufferLists, and a connected call."""
    m = co_topology(loopback_driver_entry(CoSendNetBufferListsHandler=send))
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    if call.state != "connected":
        raise CheckFailed(f"the call did not connect ({findings_text(m) or call.state})")
    return m, call


def _send(m: Machine, call: Any, payloads: list[bytes]) -> list[NET_BUFFER_LIST]:
    """Send one chain, one NBL per payload, as the sample client; returns the NBLs, in order."""
    nbls: list[NET_BUFFER_LIST] = []
    with m.running_as("client"):
        for payload in payloads:
            head = cl_data.build_chain(call, 1, payload)
            assert head is not None
            nbls.append(head)
        for a, b in pairwise(nbls):
            a.Next = b
        cl_data.send_chain(call, nbls[0])
    m.run_until_idle()
    return nbls


def _stats(call: Any) -> dict[str, Any]:
    return cl_data.data_of(call).statistics()


def _all_back_once(m: Machine, call: Any, sent: int) -> None:
    """Fail unless every NBL sent came back exactly once and NDIS holds none."""
    stats = _stats(call)
    if stats["duplicates"] or stats["strangers"]:
        raise CheckFailed(
            f"the client saw {stats['duplicates']} NBL(s) completed twice and {stats['strangers']} it never sent"
        )
    if stats["in_flight"]:
        raise CheckFailed(
            f"{stats['in_flight']} of {sent} NBLs never came back to the client (still in the miniport)"
            + (f"; the verifier reported: {findings_text(m)}" if m.findings else "")
        )
    if m.adapters[0].outstanding_sends:
        raise CheckFailed(f"NDIS still counts {m.adapters[0].outstanding_sends} send(s) outstanding")


def _statuses(nbls: list[NET_BUFFER_LIST]) -> list[str]:
    return [status_name(n.Status) for n in nbls]


# ---------------------------------------------------------------- nb07-co-send


def _one(send: Handler) -> None:
    m, call = _call(send)
    nbls = _send(m, call, [b"one"])
    _all_back_once(m, call, 1)
    if nbls[0].Status != NDIS_STATUS_SUCCESS:
        raise CheckFailed(f"the NBL came back with {status_name(nbls[0].Status)}")


def _chain(send: Handler) -> None:
    m, call = _call(send)
    _send(m, call, [b"frame %d" % i for i in range(8)])
    _all_back_once(m, call, 8)
    stats = _stats(call)
    if stats["completed"] != {NDIS_STATUS_SUCCESS: 8}:
        shown = {status_name(k): v for k, v in stats["completed"].items()}
        raise CheckFailed(f"the 8 NBLs came back with {shown}")


def _no_findings(send: Handler) -> None:
    m, call = _call(send)
    _send(m, call, [b"a", b"b", b"c"])
    if m.findings:
        raise CheckFailed(f"the verifier reported: {findings_text(m)}")


def _steady(send: Handler) -> None:
    m, call = _call(send)
    for i in range(100):
        _send(m, call, [b"x" * (i % 7 + 1)] * (i % 4 + 1))
    stats = _stats(call)
    _all_back_once(m, call, stats["sent"])
    if m.findings:
        raise CheckFailed(f"the verifier reported: {findings_text(m)}")


register(
    Exercise(
        id="nb07-co-send",
        title="Write `MiniportCoSendNetBufferLists` for a NIC that transmits at once",
        asks="your MiniportCoSendNetBufferLists function",
        entry="MyCoSendNetBufferLists",
        checks=(
            Check("one NBL comes back to the client once, with `NDIS_STATUS_SUCCESS`", _one),
            Check("a chain of 8 NBLs comes back whole: 8 completions, all `NDIS_STATUS_SUCCESS`", _chain),
            Check("no verifier finding: nothing completed twice, nothing foreign", _no_findings),
            Check("after 100 sends of varied chains, NDIS counts no send outstanding", _steady),
        ),
        hints=(
            (
                "Every NBL NDIS hands to `MiniportCoSendNetBufferLists` must come back exactly once through "
                "`NdisMCoSendNetBufferListsComplete`, with its `Status` set, and the miniport must not touch it "
                "afterwards. See [MiniportCoSendNetBufferLists](ddi:nc-ndis-miniport_co_send_net_buffer_lists) "
                "and [Sending NET_BUFFER structures from CoNDIS "
                "drivers](net:sending-net-buffer-structures-from-condis-drivers)."
            ),
            (
                "`NetBufferLists` is the head of a chain linked through `Next`. One completion call can return "
                "the whole chain, so there is no need to take it apart."
            ),
            (
                "Walk the chain setting each `nbl.Status` to `NDIS_STATUS_SUCCESS`, then complete once, with "
                "`MiniportVcContext.NdisVcHandle` and the head you were given."
            ),
        ),
        reference=_solutions.co_send,
    )
)

# ---------------------------------------------------------------- nb07-length-check


def _short_ok(send: Handler) -> None:
    m, call = _call(send)
    nbls = _send(m, call, [b"s" * 10, b"t" * 20])
    _all_back_once(m, call, 2)
    if any(n.Status != NDIS_STATUS_SUCCESS for n in nbls):
        raise CheckFailed(f"short frames came back with {_statuses(nbls)}")


def _exact_ok(send: Handler) -> None:
    m, call = _call(send)
    nbls = _send(m, call, [b"e" * MAX_FRAME])
    _all_back_once(m, call, 1)
    if nbls[0].Status != NDIS_STATUS_SUCCESS:
        raise CheckFailed(f"a frame of exactly MAX_FRAME ({MAX_FRAME}) bytes came back with {_statuses(nbls)[0]}")


def _long_refused(send: Handler) -> None:
    m, call = _call(send)
    nbls = _send(m, call, [b"L" * (MAX_FRAME + 1)])
    _all_back_once(m, call, 1)
    if nbls[0].Status != NDIS_STATUS_INVALID_LENGTH:
        raise CheckFailed(f"a {MAX_FRAME + 1}-byte frame came back with {_statuses(nbls)[0]}")


def _mixed(send: Handler) -> None:
    m, call = _call(send)
    nbls = _send(m, call, [b"a" * 8, b"B" * 200, b"c" * 8, b"D" * 100])
    _all_back_once(m, call, 4)
    want = ["NDIS_STATUS_SUCCESS", "NDIS_STATUS_INVALID_LENGTH"] * 2
    if _statuses(nbls) != want:
        raise CheckFailed(f"the chain short, long, short, long came back {_statuses(nbls)}")
    if m.findings:
        raise CheckFailed(f"the verifier reported: {findings_text(m)}")


register(
    Exercise(
        id="nb07-length-check",
        title="Give each NBL of a chain its own completion status",
        asks="your MiniportCoSendNetBufferLists function",
        entry="MyCheckedCoSend",
        checks=(
            Check("short frames come back with `NDIS_STATUS_SUCCESS`", _short_ok),
            Check("a frame of exactly `MAX_FRAME` bytes is still sent", _exact_ok),
            Check("a frame longer than `MAX_FRAME` comes back with `NDIS_STATUS_INVALID_LENGTH`", _long_refused),
            Check("in a mixed chain each NBL gets its own status, every one comes back once, no finding", _mixed),
        ),
        hints=(
            (
                "Each NBL carries its own `Status`, so one completion can report success for some NBLs and "
                "failure for others. See "
                "[NdisMCoSendNetBufferListsComplete](ddi:nf-ndis-ndismcosendnetbufferlistscomplete)."
            ),
            (
                "A frame's length is `nbl.FirstNetBuffer.DataLength`. A frame of exactly `MAX_FRAME` bytes is "
                "still fine; only longer ones are refused, with `NDIS_STATUS_INVALID_LENGTH`."
            ),
            (
                "Judge each NBL on its own while you walk the chain, keep the chain whole, and complete it once "
                "at the end, as in the previous exercise."
            ),
        ),
        reference=_solutions.checked_co_send,
    )
)


# ---------------------------------------------------------------- nb07-send-while-paused (knowledge)


def _send_while_paused() -> Question:
    m = sample_stack()
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    m.pause_adapter(m.adapters[0])
    start = len(m.trace)
    head = cl_data.build_chain(call, 1, b"paused")
    assert head is not None
    with m.running_as("client"):
        cl_data.send_chain(call, head)
    m.run_until_idle()
    (status,) = (status_name(s) for s in cl_data.data_of(call).completed)
    return Question(
        scenario=(
            "A call is connected over the loopback miniport, and NDIS has paused the adapter. The client sends "
            "one NBL on the call's VC."
        ),
        trace=trace_until(m.trace, len(m.trace), start=start),
        prompt="With which status does the NBL come back to the client?",
        choices=status_choices(
            status, ("NDIS_STATUS_SUCCESS", "NDIS_STATUS_PAUSED", "NDIS_STATUS_PENDING", "NDIS_STATUS_FAILURE")
        ),
        answer=status,
        explanation=(
            f"`{status}`. A paused adapter takes no sends: here NDIS completes the NBL itself without calling "
            "`MiniportCoSendNetBufferLists` at all, as the trace shows."
        ),
    )


register(
    KnowledgeCheck(
        id="nb07-send-while-paused",
        title="A send while the adapter is paused",
        build=_send_while_paused,
        pages=(("Pausing an adapter", "net:pausing-an-adapter"),),
    )
)
