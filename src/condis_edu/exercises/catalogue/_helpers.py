"""What the exercise checks share: loading a submission on a fresh machine and reading its trace.

Checks only look at what a learner can see too: the trace, the verifier's findings and the
harness's read-only properties. Each check builds its own machine, so one failing check cannot
spoil the next.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from condis_edu import EventKind, TraceEvent
from condis_edu._library.objects import Driver
from condis_edu.exercises._core import CheckFailed, record_machine
from condis_edu.harness.machine import Machine
from condis_edu.ndis import NdisCoCreateVc, NdisCoDeleteVc
from condis_edu.samples import call_manager, client, loopback_miniport


def fresh(**kwargs: Any) -> Machine:
    """A machine in collect mode: a rule violation becomes a finding the check can report.

    Every check builds its machines here, so a failed check's trace can be shown beside the reference's.
    """
    kwargs.setdefault("verifier", "collect")
    return record_machine(Machine(**kwargs))


def load(entry: Callable[..., Any], name: str, machine: Machine | None = None) -> tuple[Machine, Driver]:
    """Load ``entry`` (a DriverEntry) as driver ``name`` on ``machine`` (a fresh one by default)."""
    m = fresh() if machine is None else machine
    return m, m.load_driver(entry, name=name)


def calls(m: Machine, name: str, kind: EventKind = EventKind.CALL) -> list[TraceEvent]:
    """Every call of DDI ``name`` (or, with ``kind=UPCALL``, every call NDIS made to handler role ``name``)."""
    return [e for e in m.trace if e.kind is kind and e.name == name]


def result_of(m: Machine, event: TraceEvent) -> str:
    """What the call ``event`` returned, as the trace prints it ("" if it has not returned)."""
    for e in m.trace:
        if e.kind is EventKind.RETURN and e.call_seq == event.seq:
            return e.result
    return ""


def first_result(m: Machine, name: str, kind: EventKind = EventKind.CALL) -> str:
    """The result of the first call of ``name``; fails the check if there was none."""
    found = calls(m, name, kind)
    if not found:
        who = "NDIS never called" if kind is EventKind.UPCALL else "your code never called"
        raise CheckFailed(f"{who} {name}")
    return result_of(m, found[0])


def findings_text(m: Machine) -> str:
    """The verifier's findings, one short line each ("" when there are none)."""
    return "; ".join(f.short() for f in m.findings)


def require_no_findings(m: Machine) -> None:
    """Fail the check with the verifier's words if it found anything."""
    if m.findings:
        raise CheckFailed(f"the verifier reported: {findings_text(m)}")


def co_topology(miniport_entry: Callable[..., Any], name: str = "miniport") -> Machine:
    """A miniport (from ``miniport_entry``), the sample call manager and client, started and bound."""
    m = fresh()
    m.load_driver(miniport_entry, name=name)
    if not m.driver(name).loaded:
        raise CheckFailed(f"the miniport did not load: {findings_text(m) or 'no verifier finding'}")
    m.load_driver(call_manager)
    m.load_driver(client)
    m.start_adapter(name)
    m.bind_all()
    return m


class ClientVc:
    """The ProtocolVcContext the checks pass when they create a VC as the sample client."""


def client_create_vc(m: Machine) -> tuple[int, Any]:
    """``NdisCoCreateVc`` as the sample client, on its first open address family."""
    binding = m.driver("client").context.bindings[0]  # type: ignore[attr-defined]
    with m.running_as("client"):
        return NdisCoCreateVc(binding.NdisBindingHandle, binding.af.NdisAfHandle, ClientVc())


def client_delete_vc(m: Machine, handle: Any) -> int:
    """``NdisCoDeleteVc`` as the sample client."""
    with m.running_as("client"):
        return NdisCoDeleteVc(handle)


def sample_stack(machine: Machine | None = None) -> Machine:
    """The loopback miniport, the sample call manager and client: loaded, started and bound."""
    m = Machine() if machine is None else machine
    m.load_driver(loopback_miniport)
    m.load_driver(call_manager)
    m.load_driver(client)
    m.start_adapter("loopback_miniport")
    m.bind_all()
    return m
