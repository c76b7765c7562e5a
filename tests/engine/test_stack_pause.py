"""Pausing and restarting an adapter pauses and restarts the protocol bindings above it, in order.

"Pausing a Driver Stack": NDIS sends NetEventPause to each bound protocol and waits for it to
complete before MiniportPause. "Restarting a Driver Stack": MiniportRestart first, then
NetEventRestart to the protocols.
"""

from __future__ import annotations

from typing import Any

from condis_edu import ndis
from condis_edu._library.objects import Binding
from condis_edu._library.pnp import drop_binding, halt_adapter_now
from condis_edu._library.states.adapter import AdapterState
from condis_edu._library.states.af import AfState, SapState
from condis_edu._library.states.binding import BindingState
from condis_edu.harness.machine import Machine
from condis_edu.mirror import constants as c
from condis_edu.samples.client import app as client_app
from condis_edu.samples.client import data as client_data
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
