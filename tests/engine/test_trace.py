"""The trace: order, renderings, rich display, determinism, and switching it off."""

from __future__ import annotations

import html

from condis_edu import Machine
from condis_edu._library.trace import EventKind
from condis_edu.samples import call_manager, client, loopback_miniport
from condis_edu.testing import loopback_machine


def notebook_cell() -> Machine:
    """A dozen-line notebook cell: load, start, bind, make a call, draw the trace."""
    m = Machine()
    m.load_driver(loopback_miniport)
    m.load_driver(call_manager)
    m.load_driver(client)
    m.start_adapter("loopback_miniport")
    m.bind_all()
    client.make_call(m, b"echo")
    m.run_until_idle()
    return m


def test_notebook_cell_shows_every_handler_ndis_called() -> None:
    m = notebook_cell()
    diagram = m.trace.sequence()
    source = diagram.source
    assert source.startswith("sequenceDiagram\n")
    upcalls = {e.name for e in m.trace if e.kind is EventKind.UPCALL}
    for role in (
        "DriverEntry",
        "MiniportSetOptions",
        "ProtocolSetOptions",
        "MiniportInitializeEx",
        "MiniportRestart",
        "ProtocolBindAdapterEx",
        "ProtocolCoAfRegisterNotify",
        "ProtocolCmOpenAf",
        "ProtocolClOpenAfCompleteEx",
        "ProtocolCmRegisterSap",
        "MiniportCoCreateVc",
        "ProtocolCoCreateVc",
        "ProtocolCmMakeCall",
        "MiniportCoActivateVc",
        "ProtocolCmActivateVcComplete",
        "ProtocolClIncomingCall",
        "ProtocolClCallConnected",
        "ProtocolClMakeCallComplete",
    ):
        assert role in upcalls, role
        assert f": {role}(" in source, role
    for name in m.trace.participants:
        assert f"participant {name}" in source
    assert diagram._repr_html_() == f'<pre class="mermaid">{html.escape(source)}</pre>'
    assert diagram._repr_markdown_().startswith("```mermaid\n")
    assert str(diagram) == repr(diagram) == source


def test_participants_are_protocols_then_ndis_then_miniports() -> None:
    m = notebook_cell()
    assert m.trace.participants == ["call_manager", "client", "NDIS", "loopback_miniport"]


def test_calls_and_returns_nest() -> None:
    m = notebook_cell()
    depth = 0
    for event in m.trace:
        if event.kind in (EventKind.CALL, EventKind.UPCALL):
            assert event.depth == depth
            depth += 1
        elif event.kind is EventKind.RETURN:
            depth -= 1
            assert event.depth == depth
            opened = m.trace.events[event.call_seq - 1]
            assert (opened.source, opened.target) == (event.target, event.source)
    assert depth == 0


def test_renderings_are_deterministic_and_identical_across_machines() -> None:
    a, b = notebook_cell(), notebook_cell()
    assert a.trace.to_text() == b.trace.to_text()
    assert a.trace.to_mermaid() == b.trace.to_mermaid()
    assert a.trace.to_table() == b.trace.to_table()
    for text in (a.trace.to_text(), a.trace.to_mermaid(), a.trace.to_table()):
        assert "0x7f" not in text and " at 0x" not in text  # no addresses, ever


def test_text_merges_simple_returns() -> None:
    m = notebook_cell()
    text = m.trace.to_text()
    assert "MiniportCoCreateVc(vc#1) = NDIS_STATUS_SUCCESS" in text
    assert "NdisClMakeCall returned NDIS_STATUS_PENDING" in text


def test_table_forms() -> None:
    m = notebook_cell()
    table = m.trace.table()
    assert table.rows == m.trace.to_rows()
    assert table._repr_html_().startswith("<table><thead>")
    assert str(table).startswith("| seq | t | from | to | message | result |")


def test_hide_leaves_out_bookkeeping() -> None:
    m = notebook_cell()
    hidden = m.trace.to_mermaid(hide=Machine.WORK_ITEM_DDIS)
    assert "NdisQueueIoWorkItem" in m.trace.to_mermaid()
    assert "NdisQueueIoWorkItem" not in hidden and "NdisAllocateIoWorkItem" not in hidden


def test_states_and_findings_in_mermaid() -> None:
    m = notebook_cell()
    assert "Note over NDIS: vc#35;1 INACTIVE -> ACTIVATING" in m.trace.to_mermaid(states=True)
    assert "Note over NDIS: vc#35;1" not in m.trace.to_mermaid()


def test_trace_off_records_nothing_and_behaves_the_same() -> None:
    on, _ = loopback_machine()
    off, _ = loopback_machine(trace=False)
    assert len(off.trace) == 0
    for m in (on, off):
        call = client.make_call(m)
        m.run_until_idle()
        assert call.state == "connected"
    assert on.snapshot() == off.snapshot()
    assert len(off.trace) == 0


def test_time_advances_with_deferred_work() -> None:
    m = notebook_cell()
    times = [e.time for e in m.trace]
    assert times == sorted(times) and times[-1] > 0


def test_trace_repr() -> None:
    m = notebook_cell()
    assert repr(m.trace) == f"<Trace {len(m.trace)} events>"
    assert m.trace._repr_markdown_().startswith("```text\n")
