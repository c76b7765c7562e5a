"""Notebook 3, "Creating a VC": MiniportCoCreateVc as a synchronous contract."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from condis_edu._library.objects import Vc
from condis_edu.exercises._core import Check, CheckFailed, Exercise, register
from condis_edu.exercises.catalogue._helpers import (
    client_create_vc,
    client_delete_vc,
    co_topology,
    findings_text,
)
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
        hint=(
            "Do all the work before returning: build `LoopbackVc(MiniportAdapterContext, NdisVcHandle)`, append it "
            "to `MiniportAdapterContext.vcs` and `return NDIS_STATUS_SUCCESS, vc`. Never `NDIS_STATUS_PENDING`."
        ),
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
        checks=(
            Check("the first two VCs are created", _first_two),
            Check("the third `NdisCoCreateVc` fails with `NDIS_STATUS_RESOURCES`", _third_refused),
            Check("a refused VC leaves nothing behind in `MiniportAdapterContext.vcs`", _nothing_left),
            Check("once a VC is deleted, a new one can be created", _room_again),
        ),
        hint=(
            "Decide before allocating: if `len(MiniportAdapterContext.vcs) >= MAX_VCS`, return "
            "`NDIS_STATUS_RESOURCES, None` at once. Counting the adapter's own list (which `MPCoDeleteVc` shrinks) "
            "keeps the limit right after deletions."
        ),
    )
)
