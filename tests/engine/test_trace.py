"""The trace: order, renderings, rich display, determinism, and switching it off."""

from __future__ import annotations

import enum
import gc
import html
from typing import Any

from condis_edu import Machine
from condis_edu._library.states.vc import VcState
from condis_edu._library.trace import EventKind, Trace, describe, plain
from condis_edu.ndis import NdisCoSendNetBufferLists
from condis_edu.samples import call_manager, client, loopback_miniport
from condis_edu.samples.client import data as cl_data
from condis_edu.samples.loopback_miniport import datapath as mp_data
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


def ready_to_send() -> tuple[Machine, Any]:
    """The notebook cell with sends completed inline, no echo; returns the machine and the call."""
    m = Machine()
    m.load_driver(loopback_miniport)
    m.load_driver(call_manager)
    m.load_driver(client)
    nic = m.start_adapter("loopback_miniport")
    settings = mp_data.settings(nic)
    settings.complete, settings.echo = "inline", False
    m.bind_all()
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    return m, call


def sent_twice() -> tuple[Machine, int]:
    """Two sends of a three-NBL chain; returns the machine and the trace length before them."""
    m, call = ready_to_send()
    mark = len(m.trace)
    with m.running_as("client"):
        for _ in range(2):
            head = cl_data.build_chain(call, 3, b"x")
            assert head is not None
            cl_data.send_chain(call, head)
    m.run_until_idle()
    return m, mark


def test_records_hold_plain_values_so_the_collector_lets_them_go() -> None:
    """A long trace must not slow every garbage collection down: no record keeps an object alive."""
    m, mark = sent_twice()
    records = m.trace.records
    assert len(records) > mark + 8
    gc.collect()
    tracked = [r for r in records if gc.is_tracked(r)]
    assert tracked == []
    for record in records:
        items = (record,) if isinstance(record, int) else record
        assert all(type(x) in (int, str, bool, type(None)) or type(x) is tuple for x in items), record


def test_a_traced_send_reads_as_calls_upcalls_and_returns() -> None:
    m, mark = sent_twice()
    events = m.trace.events[mark:]
    kinds = [(e.kind.value, e.depth, e.name) for e in events[:8]]
    assert kinds == [
        ("call", 0, "NdisCoSendNetBufferLists"),
        ("upcall", 1, "MiniportCoSendNetBufferLists"),
        ("call", 2, "NdisMCoSendNetBufferListsComplete"),
        ("upcall", 3, "ProtocolCoSendNetBufferListsComplete"),
        ("return", 3, "ProtocolCoSendNetBufferListsComplete"),
        ("return", 2, "NdisMCoSendNetBufferListsComplete"),
        ("return", 1, "MiniportCoSendNetBufferLists"),
        ("return", 0, "NdisCoSendNetBufferLists"),
    ]
    first = events[0]
    assert (first.source, first.target, first.args) == ("client", "NDIS", f"vc#1, {first.raw_args[1]}, 0x0")
    assert str(first.raw_args[1]).endswith(" (3)")
    upcall, back = events[3], events[4]
    assert (upcall.source, upcall.target) == ("NDIS", "client")
    assert (back.source, back.target, back.call_seq, back.raw_result, back.result) == ("client", "NDIS", upcall.seq, None, "")
    assert [e.seq for e in m.trace.events] == list(range(1, len(m.trace) + 1))


def test_events_read_like_a_list_and_are_built_once() -> None:
    m, mark = sent_twice()
    events = m.trace.events
    assert len(events) == len(m.trace) == len(m.trace.records)
    assert events[mark] is events[mark] is list(events)[mark]
    assert events.index(events[mark]) == mark and events[mark] in events and events.count(events[mark]) == 1
    assert events[-1] == events[len(events) - 1] and events[mark:] == list(events)[mark:]
    assert events == list(events) and repr(events) == repr(list(events))
    before = m.trace.to_text()
    events.clear()
    assert len(events) == 0 and list(events) == [] and m.trace.records == [] and m.trace.to_text() == ""
    assert before.count("NdisCoSendNetBufferLists(") == 2


def test_a_return_whose_call_was_cleared_still_renders() -> None:
    trace = Trace()
    seq = trace.call("client", "NdisCoSendNetBufferLists", ("vc#1",))
    inner = trace.upcall("loopback_miniport", "MiniportCoSendNetBufferLists", ("vc#1",))
    trace.clear()
    trace.depth = 2
    trace.ret(inner, None)
    trace.ret(seq, 0)
    assert [e.kind for e in trace] == [EventKind.RETURN, EventKind.RETURN]
    assert trace.to_text().splitlines() == [
        "   1 t=0     NDIS --> NDIS: (a call made before the trace was cleared) returned",
        "   2 t=0   NDIS --> NDIS: (a call made before the trace was cleared) returned NDIS_STATUS_SUCCESS",
    ]


def test_arguments_are_kept_as_plain_values_shown_the_same() -> None:
    from condis_edu.mirror.handles import NDIS_HANDLE

    class Status(enum.IntEnum):
        SUCCESS = 0

    class Name(str):
        pass

    m = notebook_cell()
    handle = next(e for e in m.trace if e.name == "NdisCoCreateVc").raw_args[0]
    assert handle == "binding#1" or not isinstance(handle, NDIS_HANDLE)
    trace = Trace()
    values = (None, True, Status.SUCCESS, Name("x"), 1.5, [1], (2,))
    seq = trace.call("client", "Ndis", values)
    trace.ret(seq, (Status.SUCCESS, None, False))
    call, back = trace.events
    assert call.args == "NULL, TRUE, NDIS_STATUS_SUCCESS, x, float, list, tuple"
    assert call.short_args == "NULL, TRUE, SUCCESS, x, float, list, tuple"
    assert back.result == "NDIS_STATUS_SUCCESS NULL FALSE"
    assert all(type(x) in (int, str, bool, type(None)) for x in (*call.raw_args, *back.raw_result))



class _SwitchOff(dict[int, int]):
    """The client's status counts; counting one switches the trace off (from inside the send)."""

    def __init__(self, m: Machine) -> None:
        super().__init__()
        self.m = m

    def get(self, key: int, default: Any = None) -> Any:
        self.m.trace.enabled = False
        return super().get(key, default)


def test_switching_the_trace_off_inside_a_send_records_no_more_returns() -> None:
    """The send path writes its records itself; switched off mid-send, it stops as ``Trace.ret`` does."""
    m, call = ready_to_send()
    mark = len(m.trace)
    data = cl_data.data_of(call)
    data.recycle = False
    data.completed = _SwitchOff(m)
    with m.running_as("client"):
        head = cl_data.build_chain(call, 1, b"x")
        assert head is not None
        cl_data.send_chain(call, head)
    assert dict(data.completed) == {0: 1}
    assert [(e.kind.value, e.name) for e in m.trace.events[mark:]] == [
        ("call", "NdisCoSendNetBufferLists"),
        ("upcall", "MiniportCoSendNetBufferLists"),
        ("call", "NdisMCoSendNetBufferListsComplete"),
        ("upcall", "ProtocolCoSendNetBufferListsComplete"),
    ]
    assert m.trace.depth == 4


def test_a_loop_sending_the_same_chain_stores_each_record_once() -> None:
    """The benchmark's loop: the second send's records are the first send's (a long trace stays small)."""
    m, call = ready_to_send()
    cl_data.data_of(call).recycle = False
    with m.running_as("client"):
        head = cl_data.build_chain(call, 2, b"x")
        assert head is not None
        mark = len(m.trace)
        for _ in range(2):
            NdisCoSendNetBufferLists(call.NdisVcHandle, head, 0)
    records = m.trace.records[mark:]
    assert len(records) == 16
    assert all(a is b for a, b in zip(records[:8], records[8:], strict=True))
    assert records[4:8] == [0, 2, 4, 6]  # the returns: how far back their call is, small ints
    first, second = m.trace.events[mark : mark + 8], m.trace.events[mark + 8 :]
    assert [e.seq - 8 for e in second] == [e.seq for e in first]
    assert [e.call_seq - 8 for e in second[4:]] == [e.call_seq for e in first[4:]]
    assert m.trace.to_text(mark).count("NdisCoSendNetBufferLists(vc#1, nbl#") == 2


def test_an_enum_argument_shows_its_member_name() -> None:
    """A state or pending operation passed to the trace reads as its name, not its class."""
    assert describe(VcState.ACTIVE) == "ACTIVE" and plain(VcState.ACTIVE) == "ACTIVE"
