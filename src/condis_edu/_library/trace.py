"""The trace: every call across the NDIS boundary and every state change, in order.

Events are immutable records (named tuples). ``CALL`` is a driver calling a DDI, ``UPCALL`` is NDIS
calling a driver's handler, ``RETURN`` closes either of them, ``STATE`` is a state change
of an NDIS object (a move in one of its tables, ``[vc] vc#1 INACTIVE -> ACTIVATING``, or a
change to its frozen flags record, ``[flags] vc#1 activation_pending FALSE -> TRUE``),
``FINDING`` is a verifier finding and ``NOTE`` a harness action.

One trace renders three ways: ``to_text()`` (golden files, doctests), ``to_table()``
(Markdown) and ``to_mermaid()`` (a Mermaid ``sequenceDiagram``). ``sequence()`` and
``table()`` wrap those in objects that display richly in Jupyter.

Tracing is cheap to switch off: when ``enabled`` is False the recording methods return
at once and nothing is built (the data path relies on this). Switched on, it is cheap too:
an event is stored as a compact record of plain values (``Trace.records`` says which) and
becomes a ``TraceEvent`` only when someone reads ``events``.
"""

from __future__ import annotations

import enum
import html
import sys
from collections.abc import Collection, Iterator, Sequence
from typing import Final, NamedTuple, Protocol, overload

from condis_edu.mirror.handles import NDIS_HANDLE
from condis_edu.mirror.nbl import NET_BUFFER_LIST
from condis_edu.mirror.status import short_status, status_name


class EventKind(enum.Enum):
    """Kinds of trace event."""

    CALL = "call"
    UPCALL = "upcall"
    RETURN = "return"
    STATE = "state"
    FINDING = "finding"
    NOTE = "note"


NDIS = "NDIS"
"""The participant name of the NDIS library in traces and diagrams."""

WORK_ITEM_DDIS = ("NdisAllocateIoWorkItem", "NdisQueueIoWorkItem", "NdisFreeIoWorkItem")
"""Pass as ``hide=`` to leave work-item bookkeeping out of a rendering."""


_NO_RESULT: object = object()


class Clock(Protocol):
    """Anything with a ``now`` (the scheduler's simulated time)."""

    @property
    def now(self) -> int: ...


class _StoppedClock:
    """The clock of a trace no library drives: always 0."""

    __slots__ = ()
    now = 0


_NO_CLOCK: Final = _StoppedClock()


class Chain(NamedTuple):
    """A chain of NBLs as a trace argument: its first and last NBL and its length.

    Recorded as it was when the call was made (the chain may be relinked later) and turned into
    text (``nbl#1..nbl#8 (8)``) only when the trace is rendered.
    """

    first: NET_BUFFER_LIST
    last: NET_BUFFER_LIST
    n: int

    def __str__(self) -> str:
        if self.n == 1:
            return self.first.label
        return f"{self.first.label}..{self.last.label} ({self.n})"


class TraceEvent(NamedTuple):
    """One line of the trace: an immutable record.

    Arguments and results are kept as plain values (numbers, strings, ``None``, ``True``/``False``)
    and turned into text only when the trace is rendered, so recording stays cheap: a status stays
    a number (shown by name, long or short), a handle is kept as its label (which never changes), a
    chain of NBLs as its text, and any other object as its type name, which is how it is shown.
    """

    seq: int
    time: int
    depth: int
    kind: EventKind
    source: str
    target: str
    name: str
    raw_args: tuple[object, ...] = ()
    raw_result: object = _NO_RESULT
    call_seq: int = 0

    @property
    def args(self) -> str:
        """Arguments as text: ``binding#1, af#1``."""
        return ", ".join(describe(a) for a in self.raw_args)

    @property
    def short_args(self) -> str:
        """Arguments with statuses shortened (``SUCCESS`` for ``NDIS_STATUS_SUCCESS``)."""
        return ", ".join(describe(a, short=True) for a in self.raw_args)

    @property
    def result(self) -> str:
        """A RETURN event's result as text ("" when there is none)."""
        return _describe_result(self.raw_result, short=False)

    @property
    def short_result(self) -> str:
        """A RETURN event's result with statuses shortened."""
        return _describe_result(self.raw_result, short=True)

    def message(self, short: bool = False) -> str:
        """The message part: ``NdisCoCreateVc(binding#1, af#1)`` (short: statuses without prefix)."""
        if self.kind in (EventKind.CALL, EventKind.UPCALL):
            return f"{self.name}({self.short_args if short else self.args})"
        return self.name


_new: Final = tuple.__new__
_KINDS: Final = (
    EventKind.CALL,
    EventKind.UPCALL,
    EventKind.RETURN,
    EventKind.STATE,
    EventKind.FINDING,
    EventKind.NOTE,
)
"""Record codes: a record's first item is the index of its kind here."""
CALL: Final = 0
UPCALL: Final = 1
_RETURN: Final = 2
_STATE: Final = 3
_FINDING: Final = 4
_NOTE: Final = 5
_RETURN_MANY: Final = 6
"""A RETURN whose result is a tuple (out-parameters), kept flat in its record."""


def _describe_result(result: object, short: bool) -> str:
    if result is _NO_RESULT or result is None:
        return ""
    if isinstance(result, tuple):
        return " ".join(describe(r, short=short) for r in result)
    return describe(result, short=short)


def describe(value: object, short: bool = False) -> str:
    """Render a traced argument: handles by label, statuses by name, None as NULL."""
    if isinstance(value, NDIS_HANDLE):
        return value.label
    if value is None:
        return "NULL"
    if isinstance(value, bool):  # a C BOOLEAN out-parameter, such as AddressingReset
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return short_status(value) if short else status_name(value)
    if isinstance(value, str):
        return value
    if isinstance(value, Chain):
        return str(value)
    if isinstance(value, enum.Enum):  # a state or a pending operation: by its member name
        return value.name
    return type(value).__name__


def plain(value: object) -> object:
    """What the trace keeps of an argument: a plain value that ``describe`` renders the same.

    A handle becomes its label, a ``Chain`` its text, a number, string, bool or None stays as it
    is, an enum member (not an int) its name, and anything else its type name (how ``describe``
    shows them anyway).

    >>> plain(None), plain(0xC0010023), plain("0x0"), plain([1, 2]), plain(EventKind.CALL)
    (None, 3221291043, '0x0', 'list', 'CALL')
    """
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if isinstance(value, NDIS_HANDLE):
        return value.label
    if isinstance(value, int):  # an int subclass (an IntEnum): shown by its number
        return int(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, Chain):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.name
    return kind.__name__


def _plain_values(values: Sequence[object]) -> tuple[object, ...]:
    """*values* as a tuple of plain values (itself when it already is one)."""
    for value in values:
        kind = type(value)
        if kind is not str and kind is not int and value is not None and kind is not bool:
            return tuple(map(plain, values))
    return values if type(values) is tuple else tuple(values)


Record = tuple[object, ...] | int
"""One recorded event, as ``Trace.records`` describes it."""


class TraceEvents(Sequence[TraceEvent]):
    """The events of a trace: reads like a list of ``TraceEvent`` (index, slice, iterate, ``index``).

    The trace stores compact records; each becomes a ``TraceEvent`` the first time the events are
    read, and stays that same object afterwards. ``clear()`` forgets every event.
    """

    __slots__ = ("_built", "_records", "_shared")

    def __init__(self, records: list[Record], shared: dict[Record, Record]) -> None:
        self._records = records
        self._shared = shared
        self._built: list[TraceEvent] = []

    def _events(self) -> list[TraceEvent]:
        built, records = self._built, self._records
        if len(built) < len(records):
            built.extend(_build(records, len(built)))
        return built

    def __len__(self) -> int:
        return len(self._records)

    @overload
    def __getitem__(self, index: int) -> TraceEvent: ...

    @overload
    def __getitem__(self, index: slice) -> list[TraceEvent]: ...

    def __getitem__(self, index: int | slice) -> TraceEvent | list[TraceEvent]:
        return self._events()[index]

    def __iter__(self) -> Iterator[TraceEvent]:
        return iter(self._events())

    def __contains__(self, value: object) -> bool:
        return value in self._events()

    def index(self, value: object, start: int = 0, stop: int = sys.maxsize) -> int:
        """Position of the first event equal to *value* (``ValueError`` when there is none)."""
        return self._events().index(value, start, stop)  # type: ignore[arg-type]

    def count(self, value: object) -> int:
        """How many events equal *value*."""
        return self._events().count(value)  # type: ignore[arg-type]

    def clear(self) -> None:
        """Forget every event."""
        self._records.clear()
        self._shared.clear()
        self._built.clear()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TraceEvents):
            return self._events() == other._events()
        if isinstance(other, list):
            return self._events() == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._events())


_CLEARED: Final = (CALL, 0, 0, NDIS, "(a call made before the trace was cleared)")
"""Stands for the call of a return whose call record was cleared while the call ran."""


def _opener(records: list[Record], call_seq: int) -> tuple[object, ...]:
    """The record of the call or upcall *call_seq*."""
    opened = records[call_seq - 1] if 0 < call_seq <= len(records) else None
    if type(opened) is tuple and (opened[0] == CALL or opened[0] == UPCALL):
        return opened
    return _CLEARED


def _build(records: list[Record], start: int) -> Iterator[TraceEvent]:
    """The events of ``records[start:]``, built from their records."""
    for index in range(start, len(records)):
        record = records[index]
        seq = index + 1
        event: tuple[object, ...]
        if type(record) is int:  # a RETURN without a result, at the time and depth of its call
            closed = index - record
            opened = _opener(records, closed)
            source, target = (NDIS, opened[3]) if opened[0] == CALL else (opened[3], NDIS)
            event = (seq, opened[1], opened[2], _KINDS[2], source, target, opened[4], (), None, closed)
            yield _new(TraceEvent, event)
            continue
        assert type(record) is tuple
        code = record[0]
        assert type(code) is int
        if code == CALL:
            event = (seq, record[1], record[2], _KINDS[0], record[3], NDIS, record[4], record[5:], _NO_RESULT, 0)
        elif code == UPCALL:
            event = (seq, record[1], record[2], _KINDS[1], NDIS, record[3], record[4], record[5:], _NO_RESULT, 0)
        elif code == _RETURN:
            call_seq = record[3]
            assert type(call_seq) is int
            opened = _opener(records, call_seq)
            source, target = (NDIS, opened[3]) if opened[0] == CALL else (opened[3], NDIS)
            event = (seq, record[1], record[2], _KINDS[2], source, target, opened[4], (), record[4], call_seq)
        elif code == _RETURN_MANY:
            call_seq = record[3]
            assert type(call_seq) is int
            opened = _opener(records, call_seq)
            source, target = (NDIS, opened[3]) if opened[0] == CALL else (opened[3], NDIS)
            event = (seq, record[1], record[2], _KINDS[2], source, target, opened[4], (), record[4:], call_seq)
        else:
            event = (
                seq,
                record[1],
                record[2],
                _KINDS[code],
                record[3],
                record[4],
                record[5],
                record[6:],
                _NO_RESULT,
                0,
            )
        yield _new(TraceEvent, event)


class Trace:
    """An ordered list of ``TraceEvent`` plus the participants seen so far."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.records: list[Record] = []
        """The events as compact records (what ``events`` is built from):

        * ``(CALL, time, depth, driver, ddi, *args)``: a driver calls a DDI;
        * ``(UPCALL, time, depth, driver, handler, *args)``: NDIS calls a driver's handler;
        * ``(2, time, depth, call_seq, result)``: the return of event *call_seq*;
        * ``(6, time, depth, call_seq, *results)``: the same with a tuple of results (out-parameters);
        * an int *n* alone: the return, without a result, of the call recorded *n* + 1 records
          earlier, at that call's time and depth (small numbers, which Python does not allocate);
        * ``(3 | 4 | 5, time, depth, source, target, text, *args)``: a state change, a finding, a note.

        Every item is a plain value (``plain``), so the garbage collector stops tracking the
        records: a long trace costs nothing at each collection.
        """
        self.shared: dict[Record, Record] = {}
        """Each record kept once: an identical record (a loop sending the same chain records
        the same calls at the same time and depth) is stored as the first one, which keeps a
        long trace small. The data path's records hold only strings and ints that are not
        bools, so records that compare equal are the same record."""
        self.events = TraceEvents(self.records, self.shared)
        """The events, built from ``records`` when read."""
        self._upper: list[str] = []
        self._lower: list[str] = []
        self.depth = 0
        self.clock: Clock = _NO_CLOCK
        """Where event times come from; the library sets its scheduler here."""

    # -- participants ---------------------------------------------------------------------
    def add_participant(self, name: str, lower: bool) -> None:
        """Declare a driver; protocols (upper) are drawn left of NDIS, miniports right."""
        if name in self._upper or name in self._lower:
            return
        (self._lower if lower else self._upper).append(name)

    @property
    def participants(self) -> list[str]:
        """Diagram order: protocol drivers, NDIS, miniport drivers."""
        return [*self._upper, NDIS, *self._lower]

    # -- recording ------------------------------------------------------------------------
    # A traced send records eight events, so each recording method appends one compact record
    # (a tuple of plain values, or a bare int for a return without a result) and nothing else.
    def call(self, driver: str, ddi: str, args: Sequence[object] = ()) -> int:
        """A driver calls a DDI. Returns the event's seq (0 when disabled)."""
        if not self.enabled:
            return 0
        records = self.records
        depth = self.depth
        records.append((CALL, self.clock.now, depth, driver, ddi, *_plain_values(args)))
        self.depth = depth + 1
        return len(records)

    def upcall(self, driver: str, role: str, args: Sequence[object] = ()) -> int:
        """NDIS calls a driver's handler. Returns the event's seq (0 when disabled)."""
        if not self.enabled:
            return 0
        records = self.records
        depth = self.depth
        records.append((UPCALL, self.clock.now, depth, driver, role, *_plain_values(args)))
        self.depth = depth + 1
        return len(records)

    def ret(self, call_seq: int, result: object) -> None:
        """Close the call or upcall *call_seq* with *result* (a status, a tuple, or None)."""
        if not self.enabled or call_seq == 0:
            return
        records = self.records
        depth = self.depth - 1
        self.depth = depth
        now = self.clock.now
        opened = _opener(records, call_seq)
        if result is None and opened[1] == now and opened[2] == depth and opened is not _CLEARED:
            records.append(len(records) - call_seq)
        elif isinstance(result, tuple):  # several results (out-parameters), each shown on its own
            records.append((_RETURN_MANY, now, depth, call_seq, *map(plain, result)))
        else:
            records.append((_RETURN, now, depth, call_seq, plain(result)))

    def unwind(self, call_seq: int) -> None:
        """Close *call_seq* after an exception (no result)."""
        if self.enabled and call_seq:
            self.ret(call_seq, "raised")

    def _add(self, code: int, source: str, target: str, name: str, *args: str) -> None:
        self.records.append((code, self.clock.now, self.depth, source, target, name, *args))

    def state(self, label: str, machine: str, old: enum.Enum | None, new: enum.Enum) -> None:
        """An NDIS object changed state."""
        if not self.enabled:
            return
        before = old.name if old is not None else "(new)"
        self._add(_STATE, NDIS, NDIS, f"{label} {before} -> {new.name}", machine)

    def change(self, label: str, record: str, changes: Sequence[tuple[str, object, object]]) -> None:
        """Fields of an NDIS object's frozen record changed: ``(field, old, new)`` each, one line."""
        if not self.enabled:
            return
        text = ", ".join(f"{field} {describe(old)} -> {describe(new)}" for field, old, new in changes)
        self._add(_STATE, NDIS, NDIS, f"{label} {text}", record)

    def finding(self, driver: str, text: str) -> None:
        """A verifier finding."""
        if self.enabled:
            self._add(_FINDING, NDIS, driver, text)

    def note(self, text: str) -> None:
        """A harness action (start adapter, bind...)."""
        if self.enabled:
            self._add(_NOTE, "harness", NDIS, text)

    def clear(self) -> None:
        """Forget every event (participants are kept)."""
        self.events.clear()
        self.depth = 0

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[TraceEvent]:
        return iter(self.events)

    # -- rendering ------------------------------------------------------------------------
    def _merged(self, events: Sequence[TraceEvent]) -> Iterator[tuple[TraceEvent, TraceEvent | None]]:
        """Pair each call with its return when nothing happened in between."""
        skip = False
        for index, event in enumerate(events):
            if skip:
                skip = False
                continue
            nxt = events[index + 1] if index + 1 < len(events) else None
            if (
                event.kind in (EventKind.CALL, EventKind.UPCALL)
                and nxt is not None
                and nxt.kind is EventKind.RETURN
                and nxt.call_seq == event.seq
            ):
                skip = True
                yield event, nxt
            else:
                yield event, None

    def _visible(self, start: int, hide: Collection[str]) -> list[TraceEvent]:
        """Events from *start* on, without calls to the DDIs/handlers named in *hide*."""
        events = self.events[start:]
        if not hide:
            return events
        hidden = {e.seq for e in events if e.kind in (EventKind.CALL, EventKind.UPCALL) and e.name in hide}
        return [e for e in events if e.seq not in hidden and not (e.kind is EventKind.RETURN and e.call_seq in hidden)]

    def to_text(self, start: int = 0, hide: Collection[str] = ()) -> str:
        """Stable text rendering (one line per event, returns merged into their call).

        *start* skips the first events (e.g. ``trace.to_text(start=mark)``); *hide* leaves
        out calls to the named DDIs or handlers (e.g. ``Machine.WORK_ITEM_DDIS``).
        """
        lines = []
        for event, ret in self._merged(self._visible(start, hide)):
            pad = "  " * event.depth
            head = f"{event.seq:4d} t={event.time:<3d} {pad}"
            if event.kind in (EventKind.CALL, EventKind.UPCALL):
                result = f" = {ret.result}" if ret is not None and ret.result else ""
                lines.append(f"{head}{event.source} -> {event.target}: {event.message()}{result}")
            elif event.kind is EventKind.RETURN:
                lines.append(f"{head}{event.source} --> {event.target}: {event.name} returned {event.result}".rstrip())
            elif event.kind is EventKind.STATE:
                lines.append(f"{head}[{event.args}] {event.name}")
            elif event.kind is EventKind.FINDING:
                lines.append(f"{head}!! {event.target}: {event.name}")
            else:
                lines.append(f"{head}== {event.name}")
        return "\n".join(lines)

    def to_rows(self, start: int = 0, hide: Collection[str] = ()) -> list[tuple[int, int, str, str, str, str]]:
        """Rows ``(seq, time, from, to, message, result)`` with returns merged."""
        rows = []
        for event, ret in self._merged(self._visible(start, hide)):
            result = ret.result if ret is not None else event.result
            if event.kind is EventKind.STATE:
                rows.append((event.seq, event.time, NDIS, NDIS, f"[{event.args}] {event.name}", ""))
            elif event.kind is EventKind.RETURN:
                rows.append((event.seq, event.time, event.source, event.target, f"{event.name} returned", result))
            else:
                rows.append((event.seq, event.time, event.source, event.target, event.message(), result))
        return rows

    def to_table(self, start: int = 0, hide: Collection[str] = ()) -> str:
        """A Markdown table of ``to_rows()``."""
        lines = ["| seq | t | from | to | message | result |", "|---:|---:|---|---|---|---|"]
        for seq, time, src, dst, msg, result in self.to_rows(start, hide):
            lines.append(f"| {seq} | {time} | {src} | {dst} | `{msg}` | {result} |")
        return "\n".join(lines)

    def to_mermaid(
        self, start: int = 0, states: bool = False, title: str | None = None, hide: Collection[str] = ()
    ) -> str:
        """Mermaid ``sequenceDiagram`` source: drivers and NDIS as participants.

        Calls without nested activity show their result on the same arrow; calls that
        caused other calls get a dashed return arrow. State changes appear as notes over
        NDIS when *states* is true; verifier findings always appear.
        """
        events = self._visible(start, hide)
        used = {e.source for e in events} | {e.target for e in events}
        lines = ["sequenceDiagram"]
        if title:
            lines.append(f"    title {_mermaid_text(title)}")
        for name in self.participants:
            if name in used or name == NDIS:
                lines.append(f"    participant {name}")
        for event, ret in self._merged(events):
            if event.kind in (EventKind.CALL, EventKind.UPCALL):
                result = f" = {ret.short_result}" if ret is not None and ret.short_result else ""
                text = event.message(short=True) + result
                lines.append(f"    {event.source}->>{event.target}: {_mermaid_text(text)}")
            elif event.kind is EventKind.RETURN:
                lines.append(f"    {event.source}-->>{event.target}: {_mermaid_text(event.short_result or 'done')}")
            elif event.kind is EventKind.STATE and states:
                lines.append(f"    Note over {NDIS}: {_mermaid_text(event.name)}")
            elif event.kind is EventKind.FINDING:
                where = event.target if event.target in used else NDIS
                lines.append(f"    Note over {where}: {_mermaid_text(event.name)}")
            elif event.kind is EventKind.NOTE:
                lines.append(f"    Note over {NDIS}: {_mermaid_text(event.name)}")
        return "\n".join(lines)

    def sequence(
        self, start: int = 0, states: bool = False, title: str | None = None, hide: Collection[str] = ()
    ) -> MermaidDiagram:
        """``to_mermaid()`` wrapped for rich display in Jupyter and the project's site."""
        return MermaidDiagram(self.to_mermaid(start=start, states=states, title=title, hide=hide))

    def table(self, start: int = 0, hide: Collection[str] = ()) -> TraceTable:
        """``to_rows()`` wrapped for rich display in Jupyter."""
        return TraceTable(self.to_rows(start, hide), self.to_table(start, hide))

    def _repr_markdown_(self) -> str:
        return "```text\n" + self.to_text() + "\n```"

    def __repr__(self) -> str:
        return f"<Trace {len(self.events)} events>"

    def __str__(self) -> str:
        return self.to_text()


def _mermaid_text(text: str) -> str:
    """Make ``text`` safe as a Mermaid message: ';' ends a statement and '#' starts a comment.

    >>> _mermaid_text("NdisCoCreateVc(binding#2, af#1); x")
    'NdisCoCreateVc(binding#35;2, af#35;1), x'
    """
    return text.replace(";", ",").replace("#", "#35;")


class MermaidDiagram:
    """Mermaid source that displays as a diagram where Mermaid is available."""

    def __init__(self, source: str) -> None:
        self.source = source

    def _repr_html_(self) -> str:
        return f'<pre class="mermaid">{html.escape(self.source)}</pre>'

    def _repr_markdown_(self) -> str:
        return "```mermaid\n" + self.source + "\n```"

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        return self.source

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MermaidDiagram):
            return self.source == other.source
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


class TraceTable:
    """Trace rows that display as an HTML table in Jupyter and as Markdown elsewhere."""

    def __init__(self, rows: list[tuple[int, int, str, str, str, str]], markdown: str) -> None:
        self.rows = rows
        self.markdown = markdown

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{h}</th>" for h in ("seq", "t", "from", "to", "message", "result"))
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>" for row in self.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __str__(self) -> str:
        return self.markdown

    def __repr__(self) -> str:
        return self.markdown
