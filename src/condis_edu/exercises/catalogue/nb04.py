"""Notebook 4, "Call managers, clients and MCMs": who deactivates and who deletes which VC."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from condis_edu import EventKind
from condis_edu._library.objects import Vc
from condis_edu.exercises._core import Check, CheckFailed, Exercise, register
from condis_edu.exercises._knowledge import (
    KnowledgeCheck,
    Question,
    first_event,
    return_of,
    status_choices,
    trace_until,
)
from condis_edu.exercises.catalogue import _solutions
from condis_edu.exercises.catalogue._helpers import findings_text, fresh, sample_stack
from condis_edu.exercises.catalogue._reference import client_driver_entry, loopback_driver_entry
from condis_edu.harness.machine import Machine
from condis_edu.samples import call_manager, client

Handler = Callable[..., Any]


def _stack(miniport: Callable[..., Any], client_entry: Callable[..., Any] | None = None) -> Machine:
    m = fresh()
    m.load_driver(miniport, name="miniport")
    m.load_driver(call_manager)
    m.load_driver(client if client_entry is None else client_entry, name="client")
    if not all(d.loaded for d in m.drivers):
        raise CheckFailed(f"a driver did not load: {findings_text(m) or 'no verifier finding'}")
    m.start_adapter("miniport")
    m.bind_all()
    return m


def _call_and_hang_up(m: Machine) -> tuple[Any, list[Vc]]:
    """Make a call (which the loopback network answers on a second VC), then hang it up."""
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    if call.state != "connected":
        raise CheckFailed(f"the call did not connect ({findings_text(m) or call.state})")
    vcs = list(m.adapters[0].vcs)
    client.close_call(m, call)
    m.run_until_idle()
    return call, vcs


def _clean(m: Machine) -> None:
    audit = m.audit()
    if m.findings:
        raise CheckFailed(f"the verifier reported: {findings_text(m)}")
    assert not audit


# ---------------------------------------------------------------- nb04-deactivate-vc


def _deactivation_machine(deactivate: Handler) -> Machine:
    return _stack(loopback_driver_entry(CoDeactivateVcHandler=deactivate))


def _close_completes(deactivate: Handler) -> None:
    m = _deactivation_machine(deactivate)
    call, _ = _call_and_hang_up(m)
    if call.state != "closed":
        m.audit()
        raise CheckFailed(f"the call is still {call.state} ({findings_text(m) or 'no finding'})")


def _context_inactive(deactivate: Handler) -> None:
    m = _deactivation_machine(deactivate)
    _, vcs = _call_and_hang_up(m)
    still = [v.handle.label for v in vcs if getattr(v.miniport_context, "active", False)]
    if still:
        raise CheckFailed(f"after deactivation the LoopbackVc of {', '.join(still)} still says active = True")
    kept = [v.handle.label for v in vcs if getattr(v.miniport_context, "parameters", None) is not None]
    if kept:
        raise CheckFailed(f"after deactivation the LoopbackVc of {', '.join(kept)} still holds the call parameters")


def _no_double_completion(deactivate: Handler) -> None:
    m = _deactivation_machine(deactivate)
    _call_and_hang_up(m)
    _clean(m)


def _vcs_gone(deactivate: Handler) -> None:
    m = _deactivation_machine(deactivate)
    _call_and_hang_up(m)
    left = m.adapters[0].vcs
    if left:
        raise CheckFailed("VCs left on the adapter: " + ", ".join(repr(v) for v in left))


register(
    Exercise(
        id="nb04-deactivate-vc",
        title="Deactivate a VC synchronously in the miniport",
        asks="your MiniportCoDeactivateVc function",
        entry="MyCoDeactivateVc",
        checks=(
            Check("hanging up completes (`ProtocolClCloseCallComplete` is reached)", _close_completes),
            Check("the `LoopbackVc` is inactive and forgets the call parameters", _context_inactive),
            Check(
                "no verifier finding: no stray `NdisMCoDeactivateVcComplete`, nothing left pending",
                _no_double_completion,
            ),
            Check("both VCs of the call are deleted by their creators", _vcs_gone),
        ),
        hints=(
            (
                "Like activation, deactivation finishes either now (the return value) or later "
                "(`NdisMCoDeactivateVcComplete`), never both. See "
                "[MiniportCoDeactivateVc](ddi:nc-ndis-miniport_co_deactivate_vc)."
            ),
            (
                "When the handler returns, the VC must be inactive in the miniport's own bookkeeping too: the "
                "`LoopbackVc` carries the `active` and `parameters` attributes that activation set."
            ),
            (
                "Undo on `MiniportVcContext` what activation did (no longer active, no parameters) and return "
                "`NDIS_STATUS_SUCCESS`."
            ),
        ),
        reference=_solutions.deactivate_vc,
    )
)

# ---------------------------------------------------------------- nb04-close-complete


def _close_machine(close_complete: Handler) -> Machine:
    return _stack(loopback_driver_entry(), client_driver_entry(ClCloseCallCompleteHandler=close_complete))


def _deletes_outgoing(close_complete: Handler) -> None:
    m = _close_machine(close_complete)
    _, vcs = _call_and_hang_up(m)
    outgoing = next(v for v in vcs if v.creator == "client")
    if outgoing.handle.alive:
        raise CheckFailed(f"{outgoing.handle.label}, the VC the client created for its call, was never deleted")


def _leaves_incoming(close_complete: Handler) -> None:
    m = _close_machine(close_complete)
    _, vcs = _call_and_hang_up(m)
    wrong = [f.short() for f in m.findings if f.rule.id == "R2.05"]
    if wrong:
        raise CheckFailed("the client tried to delete a VC the call manager created: " + "; ".join(wrong))
    incoming = next(v for v in vcs if v.creator == "cm")
    if incoming.handle.alive:
        raise CheckFailed(f"{incoming.handle.label} was not deleted by the call manager")


def _state_closed(close_complete: Handler) -> None:
    m = _close_machine(close_complete)
    call, _ = _call_and_hang_up(m)
    if call.state != "closed":
        raise CheckFailed(f"the client's call context says {call.state!r}, not 'closed'")


def _clean_close(close_complete: Handler) -> None:
    m = _close_machine(close_complete)
    _call_and_hang_up(m)
    _clean(m)


register(
    Exercise(
        id="nb04-close-complete",
        title="Finish closing a call in the client: delete your own VC, and only yours",
        asks="your ProtocolClCloseCallComplete function",
        entry="MyClCloseCallComplete",
        checks=(
            Check("the client deletes the VC it created for its outgoing call", _deletes_outgoing),
            Check("the VC of the incoming call is left to the call manager, which deletes it", _leaves_incoming),
            Check("the call's context ends in state `'closed'`", _state_closed),
            Check("no verifier finding and nothing left pending", _clean_close),
        ),
        hints=(
            (
                "The rule: only the driver that created a VC deletes it. A client creates the VC of its outgoing "
                "calls; the call manager creates the VC of an incoming one. See [Deleting a "
                "VC](net:deleting-a-vc) and [Client-initiated request to close a "
                "call](net:client-initiated-request-to-close-a-call)."
            ),
            (
                "The client's `ClVc` (your `ProtocolVcContext`) records in `outgoing` which kind of call it was, "
                "and its `state` is what the sample reads to know that the call is over."
            ),
            (
                "Always record the close in `vc.state`. Only for an outgoing call: `NdisCoDeleteVc` on its "
                "handle; when it answers `NDIS_STATUS_SUCCESS`, forget the handle and take the context out of "
                "`vc.af.vcs` (any other status: the VC still exists, so keep both)."
            ),
        ),
        reference=_solutions.close_call_complete,
    )
)


# ---------------------------------------------------------------- nb04-make-call-returns (knowledge)


def _make_call_returns() -> Question:
    m = sample_stack()
    start = len(m.trace)
    client.make_call(m, b"echo")
    m.run_until_idle()
    make = first_event(m.trace, EventKind.CALL, "NdisClMakeCall", start)
    status = return_of(m.trace, make).result.split()[0]
    done = first_event(m.trace, EventKind.UPCALL, "ProtocolClMakeCallComplete", start)
    return Question(
        scenario="The client has created its VC and now asks the call manager to connect a call over it.",
        trace=trace_until(m.trace, make.seq, start=start),
        prompt="What does `NdisClMakeCall` return to the client?",
        choices=status_choices(
            status, ("NDIS_STATUS_SUCCESS", "NDIS_STATUS_PENDING", "NDIS_STATUS_FAILURE", "NDIS_STATUS_RESOURCES")
        ),
        answer=status,
        explanation=(
            f"It returns `{status}`: the call manager has to talk to the network (and activate the VC) first. "
            f"The real outcome reaches the client later, in `ProtocolClMakeCallComplete` (event {done.seq})."
        ),
    )


register(
    KnowledgeCheck(
        id="nb04-make-call-returns",
        title="What making a call returns",
        build=_make_call_returns,
        pages=(("Making a call", "net:making-a-call"),),
    )
)
