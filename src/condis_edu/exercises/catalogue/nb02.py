"""Notebook 2, "What a CoNDIS miniport does": two of the six MiniportCoXxx handlers, written by the reader."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from condis_edu import EventKind
from condis_edu.exercises._core import Check, CheckFailed, Exercise, register
from condis_edu.exercises._knowledge import (
    KnowledgeCheck,
    Question,
    first_event,
    handler_choices,
    next_upcall,
    return_of,
    trace_until,
)
from condis_edu.exercises.catalogue import _solutions
from condis_edu.exercises.catalogue._helpers import (
    calls,
    client_create_vc,
    client_delete_vc,
    co_topology,
    findings_text,
    sample_stack,
)
from condis_edu.exercises.catalogue._reference import loopback_driver_entry
from condis_edu.harness.machine import Machine
from condis_edu.ndis import CO_CALL_PARAMETERS, NDIS_STATUS_SUCCESS, status_name
from condis_edu.samples import client
from condis_edu.samples.client import data as cl_data

Handler = Callable[..., Any]


def _connected(m: Machine) -> Any:
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    if call.state != "connected":
        why = findings_text(m) or f"status {status_name(call.status)}"
        raise CheckFailed(f"the call ended {call.state} ({why})")
    return call


def _why(m: Machine) -> str:
    return f" ({findings_text(m)})" if m.findings else ""


def _miniport_context(m: Machine, call: Any) -> Any:
    vc = next(v for v in m.adapters[0].vcs if v.handle is call.NdisVcHandle)
    return vc.miniport_context


# ---------------------------------------------------------------- nb02-activate-vc


def _activate_machine(activate: Handler) -> Machine:
    return co_topology(loopback_driver_entry(CoActivateVcHandler=activate))


def _call_connects(activate: Handler) -> None:
    _connected(_activate_machine(activate))


def _context_active(activate: Handler) -> None:
    m = _activate_machine(activate)
    call = _connected(m)
    context = _miniport_context(m, call)
    if getattr(context, "active", None) is not True:
        raise CheckFailed(f"the call is up, but its LoopbackVc has active = {getattr(context, 'active', None)!r}")
    if not isinstance(getattr(context, "parameters", None), CO_CALL_PARAMETERS):
        raise CheckFailed(
            f"the LoopbackVc's parameters are {getattr(context, 'parameters', None)!r}, not the CallParameters "
            "NDIS passed"
        )


def _data_flows(activate: Handler) -> None:
    m = _activate_machine(activate)
    call = _connected(m)
    with m.running_as("client"):
        head = cl_data.build_chain(call, 2, b"ping")
        assert head is not None
        cl_data.send_chain(call, head)
    m.run_until_idle()
    stats = cl_data.data_of(call).statistics()
    if stats["received"] != 2:
        raise CheckFailed(
            f"2 packets sent, {stats['received']} echoed back: the loopback NIC only echoes on a VC whose "
            "LoopbackVc is active"
        )


def _answered_once(activate: Handler) -> None:
    m = _activate_machine(activate)

    call = client.make_call(m, b"echo")
    m.run_until_idle()
    if m.findings:
        raise CheckFailed(f"the verifier reported: {findings_text(m)}")
    if call.state == "connected":
        client.close_call(m, call)
        m.run_until_idle()
        if m.findings:
            raise CheckFailed(f"after the call was closed the verifier reported: {findings_text(m)}")


register(
    Exercise(
        id="nb02-activate-vc",
        title="Write a `MiniportCoActivateVc` that activates at once",
        asks="your MiniportCoActivateVc function",
        entry="MyCoActivateVc",
        checks=(
            Check("a call over the VC connects", _call_connects),
            Check("the `LoopbackVc` is marked active and keeps the `CallParameters`", _context_active),
            Check("data flows: two packets sent, two echoed back", _data_flows),
            Check("the activation is answered once (no verifier finding, also after closing the call)", _answered_once),
        ),
        hints=(
            (
                "Activation may finish now or later, and the return value says which. Read "
                "[MiniportCoActivateVc](ddi:nc-ndis-miniport_co_activate_vc) and [Activating a "
                "VC](net:activating-a-vc): a handler that finishes now must not also report a completion."
            ),
            (
                "The loopback NIC has nothing to wait for, so do the work before returning. The `LoopbackVc` that "
                "arrives as `MiniportVcContext` has `active` and `parameters` attributes that the rest of the "
                "sample reads."
            ),
            (
                "Mark the VC active, keep `CallParameters` on it and return `NDIS_STATUS_SUCCESS`. "
                "`NdisMCoActivateVcComplete` belongs only to an activation that returned `NDIS_STATUS_PENDING`."
            ),
        ),
        reference=_solutions.activate_vc,
    )
)

# ---------------------------------------------------------------- nb02-delete-vc


def _delete_machine(delete: Handler) -> Machine:
    return co_topology(loopback_driver_entry(CoDeleteVcHandler=delete))


def _delete_succeeds(delete: Handler) -> None:
    m = _delete_machine(delete)
    status, handle = client_create_vc(m)
    if status != NDIS_STATUS_SUCCESS:
        raise CheckFailed(f"NdisCoCreateVc returned {status_name(status)}")
    status = client_delete_vc(m, handle)
    if status != NDIS_STATUS_SUCCESS or m.findings:
        raise CheckFailed(f"NdisCoDeleteVc returned {status_name(status)}{_why(m)}")


def _context_freed(delete: Handler) -> None:
    m = _delete_machine(delete)
    (s1, first), (s2, second) = client_create_vc(m), client_create_vc(m)
    if s1 != NDIS_STATUS_SUCCESS or s2 != NDIS_STATUS_SUCCESS:
        raise CheckFailed(f"NdisCoCreateVc returned {status_name(s1)}, {status_name(s2)}")
    other = next(v.miniport_context for v in m.adapters[0].vcs if v.handle is second)
    client_delete_vc(m, first)
    kept = list(getattr(m.adapters[0].context, "vcs", []))
    if kept != [other]:
        raise CheckFailed(
            f"two VCs were created and the first deleted; MiniportAdapterContext.vcs now holds {len(kept)} "
            "LoopbackVc" + ("" if other in kept else ", and not the second VC's")
        )


def _whole_call(delete: Handler) -> None:
    m = _delete_machine(delete)
    call = _connected(m)
    client.close_call(m, call)
    m.run_until_idle()
    if m.adapters[0].vcs:
        labels = ", ".join(v.handle.label for v in m.adapters[0].vcs)
        raise CheckFailed(f"after the call was closed NDIS still has {labels}{_why(m)}")
    kept = len(getattr(m.adapters[0].context, "vcs", []))
    if kept:
        raise CheckFailed(f"after the call was closed the miniport still lists {kept} LoopbackVc")


def _never_pends(delete: Handler) -> None:
    m = _delete_machine(delete)
    status, handle = client_create_vc(m)
    if status != NDIS_STATUS_SUCCESS:
        raise CheckFailed(f"NdisCoCreateVc returned {status_name(status)}")
    client_delete_vc(m, handle)
    for event in calls(m, "MiniportCoDeleteVc", EventKind.UPCALL):
        for ret in m.trace:
            if ret.kind is EventKind.RETURN and ret.call_seq == event.seq and "PENDING" in ret.result:
                raise CheckFailed("MiniportCoDeleteVc returned NDIS_STATUS_PENDING: it has no completion call")
    if m.findings:
        raise CheckFailed(f"the verifier reported: {findings_text(m)}")


register(
    Exercise(
        id="nb02-delete-vc",
        title="Write `MiniportCoDeleteVc` for the loopback miniport",
        asks="your MiniportCoDeleteVc function",
        entry="MyCoDeleteVc",
        checks=(
            Check("`NdisCoDeleteVc` of a fresh VC succeeds", _delete_succeeds),
            Check("the deleted VC's context, and only it, leaves `MiniportAdapterContext.vcs`", _context_freed),
            Check("a whole call (create, activate, close, delete) leaves no VC behind", _whole_call),
            Check("answers at once: never `NDIS_STATUS_PENDING`", _never_pends),
        ),
        hints=(
            (
                "Deleting a VC has no completion DDI, so `MiniportCoDeleteVc` cannot pend: what it returns is "
                "final. See [MiniportCoDeleteVc](ddi:nc-ndis-miniport_co_delete_vc) and [Deleting a "
                "VC](net:deleting-a-vc)."
            ),
            (
                "`MiniportVcContext` is the context your create handler returned, and the adapter keeps a list of "
                "those contexts. The context's `adapter` attribute leads back to that list."
            ),
            (
                "Take this VC's context, and only it, out of `MiniportVcContext.adapter.vcs`, then return "
                "`NDIS_STATUS_SUCCESS`."
            ),
        ),
        reference=_solutions.delete_vc,
    )
)


# ---------------------------------------------------------------- nb02-after-initialize (knowledge)


def _after_initialize() -> Question:
    m = sample_stack()
    client.make_call(m, b"echo")
    m.run_until_idle()
    init = first_event(m.trace, EventKind.UPCALL, "MiniportInitializeEx")
    done = return_of(m.trace, init)
    to_miniport = lambda e: e.target == "loopback_miniport"  # noqa: E731
    nxt = next_upcall(m.trace, done.seq, to_miniport)
    return Question(
        scenario=(
            "NDIS starts the loopback miniport's adapter. `MiniportInitializeEx` has just returned "
            f"`{done.result}`."
        ),
        trace=trace_until(m.trace, done.seq + 1, start=m.trace.events.index(init) - 1),
        prompt="Which of the miniport's handlers does NDIS call next?",
        choices=handler_choices(m.trace, nxt.name, to_miniport),
        answer=nxt.name,
        explanation=(
            f"After a successful initialization the adapter is *Paused*; NDIS then calls `{nxt.name}` "
            f"(event {nxt.seq}) to bring it to *Running*. VCs come only once protocols have bound."
        ),
    )


register(
    KnowledgeCheck(
        id="nb02-after-initialize",
        title="From initialized to running",
        build=_after_initialize,
        pages=(("Differences in initialization", "net:differences-in-initialization"),),
    )
)
