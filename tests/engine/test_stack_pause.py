"""Pausing and restarting an adapter pauses and restarts the protocol bindings above it, in order.

"Pausing a Driver Stack": NDIS sends NetEventPause to each bound protocol and waits for it to
complete before MiniportPause. "Restarting a Driver Stack": MiniportRestart first, then
NetEventRestart to the protocols.
"""

from __future__ import annotations

from typing import Any

import pytest

from condis_edu import ndis
from condis_edu._library.objects import Binding
from condis_edu._library.pnp import drop_binding, halt_adapter_now
from condis_edu._library.states.adapter import AdapterState
from condis_edu._library.states.af import AfState, SapState
from condis_edu._library.states.binding import BindingState
from condis_edu.errors import HarnessError
from condis_edu.harness.machine import Machine
from condis_edu.mirror import constants as c
from condis_edu.samples.client import app as client_app
from condis_edu.samples.client import data as client_data
from condis_edu.samples.loopback_miniport import datapath as mp_data
from condis_edu.testing import loopback_machine


def _new_lines(m: Machine, start: int) -> list[str]:
    return m.trace.to_text().splitlines()[start:]


def _position(lines: list[str], needle: str) -> int:
    hits = [i for i, line in enumerate(lines) if needle in line]
    assert hits, f"{needle!r} not in the trace"
    return hits[0]


def test_pause_sends_net_event_pause_to_every_binding_before_miniport_pause() -> None:
    m, nic = loopback_machine()
    assert len(nic.bindings) == 2
    start = len(m.trace.to_text().splitlines())
    m.pause_adapter(nic)
    lines = _new_lines(m, start)
    miniport_pause = _position(lines, "MiniportPause(")
    for binding in nic.bindings:
        label = binding.handle.label
        assert _position(lines, f"ProtocolNetPnPEvent({label}, NetEventPause)") < miniport_pause
        assert _position(lines, f"[binding] {label} RUNNING -> PAUSING") < miniport_pause
        assert _position(lines, f"[binding] {label} PAUSING -> PAUSED") < miniport_pause
        assert binding.state is BindingState.PAUSED
    assert nic.state is AdapterState.PAUSED


def test_restart_calls_miniport_restart_before_net_event_restart() -> None:
    m, nic = loopback_machine()
    m.pause_adapter(nic)
    start = len(m.trace.to_text().splitlines())
    m.restart_adapter(nic)
    lines = _new_lines(m, start)
    running = _position(lines, "[adapter] adapter#1 RESTARTING -> RUNNING")
    assert _position(lines, "MiniportRestart(") < running
    for binding in nic.bindings:
        label = binding.handle.label
        assert _position(lines, f"ProtocolNetPnPEvent({label}, NetEventRestart)") > running
        assert _position(lines, f"[binding] {label} PAUSED -> RESTARTING") > running
        assert binding.state is BindingState.RUNNING
    assert not m.audit()


def _pend_pause(binding: Binding, held: list[Any]) -> None:
    """Make *binding*'s protocol pend NetEventPause (and remember the notification)."""
    chars = binding.protocol.chars
    original = chars.NetPnPEventHandler

    def handler(context: object, notification: Any) -> int:
        if notification.NetPnPEvent.NetEvent == c.NetEventPause:
            held.append(notification)
            return ndis.NDIS_STATUS_PENDING
        result: int = original(context, notification)
        return result

    chars.NetPnPEventHandler = handler


def test_a_pending_net_event_pause_holds_miniport_pause_back() -> None:
    m, nic = loopback_machine()
    client = next(b for b in nic.bindings if b.protocol.driver.name == "client")
    held: list[Any] = []
    _pend_pause(client, held)
    start = len(m.trace.to_text().splitlines())
    m.pause_adapter(nic)
    assert len(held) == 1
    assert client.state is BindingState.PAUSING
    assert nic.state is AdapterState.RUNNING
    assert not any("MiniportPause(" in line for line in _new_lines(m, start))
    with m.running_as("client"):
        ndis.NdisCompleteNetPnPEvent(ndis.NDIS_STATUS_SUCCESS, client.handle, held[0])
    m.run_until_idle()
    assert client.state is BindingState.PAUSED
    assert nic.state is AdapterState.PAUSED
    assert _position(_new_lines(m, start), "MiniportPause(") > _position(
        _new_lines(m, start), f"[binding] {client.handle.label} PAUSING -> PAUSED"
    )


def test_a_send_on_a_paused_binding_comes_back_paused_and_never_reaches_the_miniport() -> None:
    m, nic = loopback_machine()
    call = client_app.make_call(m)
    m.run_until_idle()
    m.pause_adapter(nic)
    client = next(b for b in nic.bindings if b.protocol.driver.name == "client")
    assert client.state is BindingState.PAUSED
    start = len(m.trace.to_text().splitlines())
    with m.running_as("client"):
        head = client_data.build_chain(call, 2)
        assert head is not None
        client_data.send_chain(call, head)
    m.run_until_idle()
    assert client_data.data_of(call).completed == {ndis.NDIS_STATUS_PAUSED: 2}
    assert not any("MiniportCoSendNetBufferLists" in line for line in _new_lines(m, start))
    assert not m.findings


def test_teardown_moves_the_af_sap_and_binding_through_their_tables() -> None:
    m, nic = loopback_machine()
    client = next(b for b in nic.bindings if b.protocol.driver.name == "client")
    af = client.afs[0]
    sap = af.saps[0]
    assert (af.state, sap.state) == (AfState.OPEN, SapState.REGISTERED)
    start = len(m.trace.to_text().splitlines())
    drop_binding(m._lib, client, "the test pulled the binding")
    lines = _new_lines(m, start)
    sap_line = _position(lines, f"[sap] {sap.handle.label} REGISTERED -> DEREGISTERED")
    af_line = _position(lines, f"[af] {af.handle.label} OPEN -> CLOSED")
    binding_line = _position(lines, f"[binding] {client.handle.label} RUNNING -> UNBOUND")
    assert sap_line < af_line < binding_line
    assert (af.state, sap.state, client.state) == (AfState.CLOSED, SapState.DEREGISTERED, BindingState.UNBOUND)


def test_an_adapter_removed_while_running_moves_through_remove() -> None:
    m, nic = loopback_machine()
    start = len(m.trace.to_text().splitlines())
    halt_adapter_now(m._lib, nic)
    assert nic.state is AdapterState.HALTED
    _position(_new_lines(m, start), "[adapter] adapter#1 RUNNING -> HALTED")


# ------------------------------------------------------------------ edge cases, each by its order in the trace


def _client(nic: Any) -> Binding:
    return next(b for b in nic.bindings if b.protocol.driver.name == "client")


def _complete_pause(m: Machine, binding: Binding, held: list[Any]) -> None:
    with m.running_as(binding.protocol.driver.name):
        ndis.NdisCompleteNetPnPEvent(ndis.NDIS_STATUS_SUCCESS, binding.handle, held.pop(0))
    m.run_until_idle()


def test_a_pause_waits_for_a_binding_already_pausing_for_an_unbind() -> None:
    m, nic = loopback_machine()
    client = _client(nic)
    held: list[Any] = []
    _pend_pause(client, held)
    start = len(m.trace.to_text().splitlines())
    m.unbind("client", nic)  # NetEventPause pends: the binding stays Pausing
    assert client.state is BindingState.PAUSING and len(held) == 1
    m.pause_adapter(nic)
    assert len(held) == 1  # no second NetEventPause to a binding already pausing
    assert nic.state is AdapterState.RUNNING and nic.flags.stack_pausing
    assert not any("MiniportPause(" in line for line in _new_lines(m, start))
    _complete_pause(m, client, held)
    lines = _new_lines(m, start)
    label = client.handle.label
    paused = _position(lines, f"[binding] {label} PAUSING -> PAUSED")
    assert _position(lines, "[flags] adapter#1 stack_pausing FALSE -> TRUE") < paused
    assert paused < _position(lines, "[flags] adapter#1 stack_pausing TRUE -> FALSE")
    assert _position(lines, "[flags] adapter#1 stack_pausing TRUE -> FALSE") < _position(lines, "MiniportPause(")
    # asked for first, the unbind goes first once the binding is Paused; MiniportPause follows
    assert paused < _position(lines, "ProtocolUnbindAdapterEx(") < _position(lines, "MiniportPause(")
    assert nic.state is AdapterState.PAUSED and client not in nic.bindings
    assert sum("NetEventPause" in line for line in lines) == 2  # one per binding, never two for the client


def test_a_second_pause_while_the_first_waits_joins_it() -> None:
    m, nic = loopback_machine()
    client = _client(nic)
    held: list[Any] = []
    _pend_pause(client, held)
    start = len(m.trace.to_text().splitlines())
    m.pause_adapter(nic)
    m.pause_adapter(nic)  # the adapter is still Running: NDIS is pausing the stack above it
    assert len(held) == 1
    _complete_pause(m, client, held)
    lines = _new_lines(m, start)
    assert sum("MiniportPause(" in line for line in lines) == 1
    assert sum("ProtocolNetPnPEvent(" in line and "NetEventPause" in line for line in lines) == 2
    assert _position(lines, f"[binding] {client.handle.label} PAUSING -> PAUSED") < _position(lines, "MiniportPause(")
    assert nic.state is AdapterState.PAUSED and not m.findings


def test_a_restart_asked_for_while_net_event_pause_pends_runs_after_the_pause() -> None:
    m, nic = loopback_machine()
    client = _client(nic)
    held: list[Any] = []
    _pend_pause(client, held)
    start = len(m.trace.to_text().splitlines())
    m.pause_adapter(nic)
    m.restart_adapter(nic)  # queued: the stack is still pausing
    assert nic.flags.restart_queued and nic.state is AdapterState.RUNNING
    assert not any("MiniportRestart(" in line for line in _new_lines(m, start))
    _complete_pause(m, client, held)
    lines = _new_lines(m, start)
    label = client.handle.label
    order = [
        _position(lines, f"[binding] {label} PAUSING -> PAUSED"),
        _position(lines, "MiniportPause("),
        _position(lines, "[adapter] adapter#1 PAUSING -> PAUSED"),
        _position(lines, "[flags] adapter#1 restart_queued TRUE -> FALSE"),
        _position(lines, "MiniportRestart("),
        _position(lines, "[adapter] adapter#1 RESTARTING -> RUNNING"),
        _position(lines, f"ProtocolNetPnPEvent({label}, NetEventRestart)"),
    ]
    assert order == sorted(order)
    assert all(b.state is BindingState.RUNNING for b in nic.bindings) and nic.state is AdapterState.RUNNING
    assert not m.findings and not m.audit()


def test_a_restart_cannot_be_queued_twice_and_nothing_changes() -> None:
    m, nic = loopback_machine()
    client = _client(nic)
    held: list[Any] = []
    _pend_pause(client, held)
    m.pause_adapter(nic)
    m.restart_adapter(nic)
    before = (nic.flags, nic.state, len(m.trace))
    with pytest.raises(HarnessError, match="already queued"):
        m.restart_adapter(nic)
    assert (nic.flags, nic.state, len(m.trace)) == before


def test_a_binding_is_paused_only_after_its_outstanding_send_completes() -> None:
    m, nic = loopback_machine()
    call = client_app.make_call(m)
    m.run_until_idle()
    mp_data.settings(nic).complete = "deferred"  # the NIC completes sends later, from a work item
    with m.running_as("client"):
        head = client_data.build_chain(call, 2)
        assert head is not None
        client_data.send_chain(call, head)
    assert nic.outstanding_sends == 2
    start = len(m.trace.to_text().splitlines())
    m.pause_adapter(nic)
    lines = _new_lines(m, start)
    label = _client(nic).handle.label
    event = _position(lines, f"ProtocolNetPnPEvent({label}, NetEventPause)")
    completed = _position(lines, "ProtocolCoSendNetBufferListsComplete(")
    paused = _position(lines, f"[binding] {label} PAUSING -> PAUSED")
    assert event < completed < paused < _position(lines, "MiniportPause(")
    assert client_data.data_of(call).completed == {ndis.NDIS_STATUS_SUCCESS: 2}
    assert nic.state is AdapterState.PAUSED and not m.findings


def test_an_unbind_asked_for_during_the_pause_runs_once_the_binding_is_paused() -> None:
    m, nic = loopback_machine()
    client = _client(nic)
    held: list[Any] = []
    _pend_pause(client, held)
    start = len(m.trace.to_text().splitlines())
    m.pause_adapter(nic)
    m.unbind("client", nic)  # the binding is Pausing (its NetEventPause pends): the unbind waits
    assert client.state is BindingState.PAUSING and client in nic.bindings
    assert not any("ProtocolUnbindAdapterEx(" in line for line in _new_lines(m, start))
    _complete_pause(m, client, held)
    lines = _new_lines(m, start)
    label = client.handle.label
    paused = _position(lines, f"[binding] {label} PAUSING -> PAUSED")
    assert paused < _position(lines, "MiniportPause(") < _position(lines, f"[binding] {label} PAUSED -> CLOSING")
    assert _position(lines, f"[binding] {label} PAUSED -> CLOSING") < _position(lines, "ProtocolUnbindAdapterEx(")
    assert client not in nic.bindings and nic.state is AdapterState.PAUSED
    restart = len(m.trace.to_text().splitlines())
    m.restart_adapter(nic)
    assert not any(label in line for line in _new_lines(m, restart))  # the unbound binding is not restarted
    assert all(b.state is BindingState.RUNNING for b in nic.bindings)


def test_a_pause_waits_for_a_pending_net_event_restart_then_pauses_the_binding() -> None:
    m, nic = loopback_machine()
    m.pause_adapter(nic)
    client = _client(nic)
    held: list[Any] = []
    chars = client.protocol.chars
    original = chars.NetPnPEventHandler

    def handler(context: object, notification: Any) -> int:
        if notification.NetPnPEvent.NetEvent == c.NetEventRestart and not held:
            held.append(notification)
            return ndis.NDIS_STATUS_PENDING
        result: int = original(context, notification)
        return result

    chars.NetPnPEventHandler = handler
    m.restart_adapter(nic)
    assert client.state is BindingState.RESTARTING and nic.state is AdapterState.RUNNING
    start = len(m.trace.to_text().splitlines())
    m.pause_adapter(nic)
    assert nic.state is AdapterState.RUNNING  # held back by the restart in flight
    with m.running_as("client"):
        ndis.NdisCompleteNetPnPEvent(ndis.NDIS_STATUS_SUCCESS, client.handle, held[0])
    m.run_until_idle()
    lines = _new_lines(m, start)
    label = client.handle.label
    order = [
        _position(lines, f"[binding] {label} RESTARTING -> RUNNING"),
        _position(lines, f"ProtocolNetPnPEvent({label}, NetEventPause)"),
        _position(lines, f"[binding] {label} PAUSING -> PAUSED"),
        _position(lines, "MiniportPause("),
    ]
    assert order == sorted(order)
    assert nic.state is AdapterState.PAUSED and client.state is BindingState.PAUSED


def test_a_bind_that_completes_while_the_stack_pauses_stays_paused_until_the_restart() -> None:
    m, nic = loopback_machine()
    m.unbind("client", nic)
    cm = next(b for b in nic.bindings if b.protocol.driver.name == "call_manager")
    held: list[Any] = []
    _pend_pause(cm, held)
    m.pause_adapter(nic)
    assert nic.flags.stack_pausing
    start = len(m.trace.to_text().splitlines())
    client = m.bind("client", nic)
    assert client is not None and client.state is BindingState.PAUSED  # not restarted over a pausing stack
    assert not any("NetEventRestart" in line for line in _new_lines(m, start))
    _complete_pause(m, cm, held)
    assert nic.state is AdapterState.PAUSED and client.state is BindingState.PAUSED
    m.restart_adapter(nic)
    lines = _new_lines(m, start)
    running = _position(lines, "[adapter] adapter#1 RESTARTING -> RUNNING")
    assert running < _position(lines, f"ProtocolNetPnPEvent({client.handle.label}, NetEventRestart)")
    assert client.state is BindingState.RUNNING
