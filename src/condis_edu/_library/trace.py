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
at once and no event objects are built (the data path relies on this).
"""

from __future__ import annotations

import enum
import html
from collections.abc import Collection, Iterator, Sequence
from typing import Final, NamedTuple, Protocol

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

    Arguments and results are kept as the objects that crossed the boundary (handles, statuses,
    strings) and turned into text only when the trace is rendered, so recording stays cheap. Every
    kept value renders the same later as it would have at once: a handle's label never changes, and
    anything else is a number, a string or shown by its type name.
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
_CALL: Final = EventKind.CALL
_UPCALL: Final = EventKind.UPCALL
_RETURN: Final = EventKind.RETURN


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
    return type(value).__name__


class Trace:
    """An ordered list of ``TraceEvent`` plus the participants seen so far."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.events: list[TraceEvent] = []
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
    # Each recording method builds its event in one step (``tuple.__new__`` on a ready tuple, no
    # keyword defaults) and reads the clock with one attribute load: a traced send records eight
    # events, so this is the cost of tracing.
    def call(self, driver: str, ddi: str, args: Sequence[object] = ()) -> int:
        """A driver calls a DDI. Returns the event's seq (0 when disabled)."""
        if not self.enabled:
            return 0
        events = self.events
        seq = len(events) + 1
        depth = self.depth
        shown = args if type(args) is tuple else tuple(args)
        events.append(_new(TraceEvent, (seq, self.clock.now, depth, _CALL, driver, NDIS, ddi, shown, _NO_RESULT, 0)))
        self.depth = depth + 1
        return seq

    def upcall(self, driver: str, role: str, args: Sequence[object] = ()) -> int:
        """NDIS calls a driver's handler. Returns the event's seq (0 when disabled)."""
        if not self.enabled:
            return 0
        events = self.events
        seq = len(events) + 1
        depth = self.depth
        shown = args if type(args) is tuple else tuple(args)
        events.append(_new(TraceEvent, (seq, self.clock.now, depth, _UPCALL, NDIS, driver, role, shown, _NO_RESULT, 0)))
        self.depth = depth + 1
        return seq

    def ret(self, call_seq: int, result: object) -> None:
        """Close the call or upcall *call_seq* with *result* (a status, a tuple, or None)."""
        if not self.enabled or call_seq == 0:
            return
        events = self.events
        depth = self.depth - 1
        self.depth = depth
        opened = events[call_seq - 1]
        seq = len(events) + 1
        source, target, name = opened[5], opened[4], opened[6]
        event = (seq, self.clock.now, depth, _RETURN, source, target, name, (), result, call_seq)
        events.append(_new(TraceEvent, event))

    def unwind(self, call_seq: int) -> None:
        """Close *call_seq* after an exception (no result)."""
        if self.enabled and call_seq:
            self.ret(call_seq, "raised")

    def _add(self, kind: EventKind, source: str, target: str, name: str, args: tuple[object, ...] = ()) -> None:
        events = self.events
        seq = len(events) + 1
        event = (seq, self.clock.now, self.depth, kind, source, target, name, args, _NO_RESULT, 0)
        events.append(_new(TraceEvent, event))

    def state(self, label: str, machine: str, old: enum.Enum | None, new: enum.Enum) -> None:
        """An NDIS object changed state."""
        if not self.enabled:
            return
        before = old.name if old is not None else "(new)"
        self._add(EventKind.STATE, NDIS, NDIS, f"{label} {before} -> {new.name}", (machine,))

    def change(self, label: str, record: str, changes: Sequence[tuple[str, object, object]]) -> None:
        """Fields of an NDIS object's frozen record changed: ``(field, old, new)`` each, one line."""
        if not self.enabled:
            return
        text = ", ".join(f"{field} {describe(old)} -> {describe(new)}" for field, old, new in changes)
        self._add(EventKind.STATE, NDIS, NDIS, f"{label} {text}", (record,))

    def finding(self, driver: str, text: str) -> None:
        """A verifier finding."""
        if self.enabled:
            self._add(EventKind.FINDING, NDIS, driver, text)

    def note(self, text: str) -> None:
        """A harness action (start adapter, bind...)."""
        if self.enabled:
            self._add(EventKind.NOTE, "harness", NDIS, text)

    def clear(self) -> None:
        """Forget every event (participants are kept)."""
        self.events.clear()
        self.depth = 0

    def __len__(self) -> int:
        return len(self.events)

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
