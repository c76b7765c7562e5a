"""Notebook 3, "Creating a VC": MiniportCoCreateVc as a synchronous contract."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from condis_edu import EventKind
from condis_edu._library.objects import Vc
from condis_edu.exercises._core import Check, CheckFailed, Exercise, register
from condis_edu.exercises._knowledge import (
    KnowledgeCheck,
    Question,
    return_of,
    trace_until,
)
from condis_edu.exercises.catalogue import _solutions
from condis_edu.exercises.catalogue._helpers import (
    client_create_vc,
    client_delete_vc,
    co_topology,
    findings_text,
    sample_stack,
)
from condis_edu.exercises.catalogue._helpers import result_of as returned
from condis_edu.exercises.catalogue._reference import loopback_driver_entry
from condis_edu.harness.machine import Machine
from condis_edu.ndis import NDIS_HANDLE, NDIS_STATUS_RESOURCES, NDIS_STATUS_SUCCESS, status_name
from condis_edu.samples import client

Handler = Callable[..., Any]


def _machine(create_vc: Handler) -> Machine:
    return co_topology(loopback_driver_entry(CoCreateVcHandler=create_vc))


def _vc(m: Machine, handle: NDIS_HANDLE) -> Vc:
    return next(v for v in m.adapters[0].vcs if v.handle is handle)


def _create_ok(m: Machine, what: str = "NdisCoCreateVc") -> NDIS_HANDLE:
    status, handle = client_create_vc(m)
    if status != NDIS_STATUS_SUCCESS:
        why = findings_text(m)
        raise CheckFailed(f"{what} returned {status_name(status)}" + (f" ({why})" if why else ""))
    assert isinstance(handle, NDIS_HANDLE)
    return handle


# ---------------------------------------------------------------- nb03-create-vc


def _returns_at_once(create_vc: Handler) -> None:
    m = _machine(create_vc)
    _create_ok(m)


def _stores_handle(create_vc: Handler) -> None:
    m = _machine(create_vc)
    handle = _create_ok(m)
    context = _vc(m, handle).miniport_context
    kept = vars(context).values() if hasattr(context, "__dict__") else ()
    if not any(value is handle for value in kept):
        raise CheckFailed(
            f"NDIS passed {handle.label}, but the MiniportVcContext you returned "
            f"({type(context).__name__}) has no attribute holding it"
        )


def _own_context(create_vc: Handler) -> None:
    m = _machine(create_vc)
    first, second = _create_ok(m), _create_ok(m, "the second NdisCoCreateVc")
    a, b = _vc(m, first).miniport_context, _vc(m, second).miniport_context
    if a is b:
        raise CheckFailed(f"{first.label} and {second.label} got the same MiniportVcContext object")


def _call_connects(create_vc: Handler) -> None:
    m = _machine(create_vc)
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    if call.state != "connected":
        why = findings_text(m) or f"status {status_name(call.status)}"
        raise CheckFailed(f"the call ended {call.state} ({why})")


def _deletes(create_vc: Handler) -> None:
    m = _machine(create_vc)
    handle = _create_ok(m)
    status = client_delete_vc(m, handle)
    if status != NDIS_STATUS_SUCCESS:
        raise CheckFailed(f"NdisCoDeleteVc returned {status_name(status)} ({findings_text(m) or 'no finding'})")


register(
    Exercise(
        id="nb03-create-vc",
        title="Write `MiniportCoCreateVc` for the loopback miniport",
        asks="your MiniportCoCreateVc function",
        entry="MyCoCreateVc",
        checks=(
            Check("returns at once, so `NdisCoCreateVc` succeeds", _returns_at_once),
            Check("returns a `MiniportVcContext` that keeps `NdisVcHandle`", _stores_handle),
            Check("gives every VC a context of its own", _own_context),
            Check("a call made over the VC connects (activation uses your context)", _call_connects),
            Check(
                "the VC can be deleted (the sample's `MPCoDeleteVc` finds it in `MiniportAdapterContext.vcs`)",
                _deletes,
            ),
        ),
        hints=(
            (
                "`MiniportCoCreateVc` is synchronous: NDIS needs your context before `NdisCoCreateVc` returns, "
                "and `NDIS_STATUS_PENDING` here is a bug check (rule R2.09). See "
                "[MiniportCoCreateVc](ddi:nc-ndis-miniport_co_create_vc) and [Creating a VC](net:creating-a-vc)."
            ),
            (
                "The context you return must remember `NdisVcHandle` (you hand it back to NDIS later), and each "
                "VC needs a context of its own. The sample's `LoopbackVc(MiniportAdapterContext, NdisVcHandle)` "
                "is such a context."
            ),
            (
                "The rest of the sample looks VCs up in `MiniportAdapterContext.vcs`: put the new context there "
                "before you return it with `NDIS_STATUS_SUCCESS`."
            ),
        ),
        reference=_solutions.create_vc,
    )
)

# ---------------------------------------------------------------- nb03-vc-limit

LIMIT = 2


def _first_two(create_vc: Handler) -> None:
    m = _machine(create_vc)
    _create_ok(m, "the first NdisCoCreateVc")
    _create_ok(m, "the second NdisCoCreateVc")


def _third_refused(create_vc: Handler) -> None:
    m = _machine(create_vc)
    for _ in range(LIMIT):
        _create_ok(m, "an NdisCoCreateVc below the limit")
    status, _handle = client_create_vc(m)
    if status != NDIS_STATUS_RESOURCES:
        raise CheckFailed(f"the third NdisCoCreateVc returned {status_name(status)}")
    if m.findings:
        raise CheckFailed(f"the verifier reported: {findings_text(m)}")


def _nothing_left(create_vc: Handler) -> None:
    m = _machine(create_vc)
    for _ in range(LIMIT):
        _create_ok(m, "an NdisCoCreateVc below the limit")
    client_create_vc(m)
    adapter_context = m.adapters[0].context
    kept = len(getattr(adapter_context, "vcs", []))
    if kept != LIMIT:
        raise CheckFailed(f"after the refusal MiniportAdapterContext.vcs holds {kept} contexts, not {LIMIT}")


def _room_again(create_vc: Handler) -> None:
    m = _machine(create_vc)
    handles = [_create_ok(m, "an NdisCoCreateVc below the limit") for _ in range(LIMIT)]
    client_create_vc(m)
    status = client_delete_vc(m, handles[0])
    if status != NDIS_STATUS_SUCCESS:
        raise CheckFailed(f"NdisCoDeleteVc returned {status_name(status)}")
    _create_ok(m, "NdisCoCreateVc after a VC was deleted")


register(
    Exercise(
        id="nb03-vc-limit",
        title="Refuse a VC cleanly when the adapter is full",
        asks="your MiniportCoCreateVc function",
        entry="MyLimitedCoCreateVc",
        checks=(
            Check("the first two VCs are created", _first_two),
            Check("the third `NdisCoCreateVc` fails with `NDIS_STATUS_RESOURCES`", _third_refused),
            Check("a refused VC leaves nothing behind in `MiniportAdapterContext.vcs`", _nothing_left),
            Check("once a VC is deleted, a new one can be created", _room_again),
        ),
        hints=(
            (
                "A miniport that cannot take another VC refuses it from `MiniportCoCreateVc` itself, with a "
                "failure status, and a refusal must leave nothing behind. See the return values on "
                "[MiniportCoCreateVc](ddi:nc-ndis-miniport_co_create_vc)."
            ),
            (
                "Decide before allocating anything, so that a refusal has nothing to undo. "
                "`NDIS_STATUS_RESOURCES` is the status that means \"no room\"."
            ),
            (
                "Count what is really there: `MiniportAdapterContext.vcs` grows when a VC is created and shrinks "
                "when the sample's `MPCoDeleteVc` runs, so its length is the number of live VCs to compare with "
                "`MAX_VCS`."
            ),
        ),
        reference=_solutions.limited_create_vc,
    )
)


# ---------------------------------------------------------------- nb03-who-deletes (knowledge)


def _who_deletes() -> Question:
    m = sample_stack()
    start = len(m.trace)
    client.make_call(m, b"echo")
    m.run_until_idle()
    creations = [e for e in m.trace.events[start:] if e.kind is EventKind.CALL and e.name == "NdisCoCreateVc"]
    last = creations[-1]
    handle = returned(m, last).split()[-1]
    drivers = tuple(d.name for d in m.drivers)
    return Question(
        scenario=(
            "The sample client calls the loopback network's echo service; the network answers the call, so a "
            "second VC appears. Here is the trace from the call until that VC exists."
        ),
        trace=trace_until(m.trace, return_of(m.trace, last).seq, start=start),
        prompt=f"Which driver may delete `{handle}` once the calls are over?",
        choices=tuple(sorted(drivers)),
        answer=last.source,
        explanation=(
            f"`{last.source}` created `{handle}` with `NdisCoCreateVc` (event {last.seq}), and only the creator of "
            "a VC deletes it. The client's VC for its outgoing call is the client's to delete."
        ),
    )


register(
    KnowledgeCheck(
        id="nb03-who-deletes",
        title="Whose VC is it?",
        build=_who_deletes,
        pages=(("Deleting a VC", "net:deleting-a-vc"), ("Creating a VC", "net:creating-a-vc")),
    )
)
