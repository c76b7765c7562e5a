"""Every state change goes through a table: no module of the library assigns a state itself.

The scan reads ``src/condis_edu/_library`` with ``ast`` and reports every assignment to a
state-like attribute (``.state``, ``.call_state``, anything ending in ``_state``, the reset
views ``.reset_pending`` and ``.resetting``, which only ``RESET_TABLE`` may drive, and the adapter's
``.pause_pending``/``.restart_pending``, the binding's ``.pnp_pending``, the pended request of an
AF, a SAP or a bind/unbind attempt (``.pending``) and of a VC's call (``.call_pending``), all views
of their frozen ``flags``), whether by
``=``, ``+=``, an annotated assignment or ``setattr``, outside the movers (``NdisLibrary.move``
and, for an object's frozen ``flags``, ``NdisLibrary.mark``, in ``_library/core.py``). A constructor may set its own object's initial state
(``self.state = ...`` inside ``__init__``): that is where the object is born, not a move.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from condis_edu._library.ddi.datapath import state_of
from condis_edu._library.objects import BindAttempt
from condis_edu._library.pnp import attempts_in_flight
from condis_edu._library.states.adapter import RESET_TABLE, ResetInput, ResetState
from condis_edu._library.states.af import AfFlags, AfPending, SapFlags, SapPending
from condis_edu._library.states.binding import AttemptFlags
from condis_edu._library.states.call import CallPending
from condis_edu._library.states.vc import VcFlags
from condis_edu.errors import UsageError
from condis_edu.ndis import NDIS_STATUS_FAILURE, NDIS_STATUS_PENDING, NdisCompleteBindAdapterEx
from condis_edu.samples.client import app as client_app
from condis_edu.testing import loopback_machine

LIBRARY = Path(__file__).resolve().parents[2] / "src" / "condis_edu" / "_library"
MOVERS = frozenset({("core.py", "move"), ("core.py", "mark")})
"""The only functions allowed to write a state: ``NdisLibrary.move`` (table states) and
``NdisLibrary.mark`` (an object's frozen ``flags`` record: VC, adapter, binding, AF, SAP, bind attempt)."""


ALLOWED_DYNAMIC: frozenset[tuple[str, str]] = frozenset(
    {("ddi/registration.py", "field")}  # clears handler fields beyond a structure revision's Size
)
"""``setattr`` calls with a computed name that are known not to write a state: (file, name expression)."""


STATE_NAMES: frozenset[str] = frozenset(
    {
        "state",
        "flags",
        "reset_pending",
        "resetting",
        "pause_pending",
        "restart_pending",
        "pnp_pending",
        "pending",
        "call_pending",
    }
)
"""Attribute names that hold a state (besides any ``*_state``): a reset lives in ``Adapter.reset_state``;
``reset_pending`` and ``resetting`` are read-only views of it, ``pause_pending`` and ``restart_pending``
of ``Adapter.flags``, ``pnp_pending`` of ``Binding.flags``, ``pending`` of ``Af.flags``, ``Sap.flags``,
``BindAttempt.flags`` and ``UnbindAttempt.flags``, ``call_pending`` of ``Vc.flags``: never separate records."""


def _state_like(name: str) -> bool:
    return name in STATE_NAMES or name.endswith("_state")


def _assigned_attributes(target: ast.expr) -> list[ast.Attribute]:
    if isinstance(target, ast.Attribute):
        return [target]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [a for element in target.elts for a in _assigned_attributes(element)]
    if isinstance(target, ast.Starred):
        return _assigned_attributes(target.value)
    return []


class _Scanner(ast.NodeVisitor):
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.functions: list[str] = []
        self.found: list[str] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def _allowed(self, attribute: ast.Attribute) -> bool:
        function = self.functions[-1] if self.functions else ""
        if (self.filename, function) in MOVERS:
            return True
        return function == "__init__" and isinstance(attribute.value, ast.Name) and attribute.value.id == "self"

    def _check(self, node: ast.AST, targets: list[ast.expr]) -> None:
        for target in targets:
            for attribute in _assigned_attributes(target):
                if _state_like(attribute.attr) and not self._allowed(attribute):
                    self.found.append(f"{self.filename}:{node.lineno}: {ast.unparse(attribute)} assigned")

    def visit_Assign(self, node: ast.Assign) -> None:
        self._check(node, node.targets)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._check(node, [node.target])
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._check(node, [node.target])
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        is_setattr = isinstance(node.func, ast.Name) and node.func.id == "setattr"
        if is_setattr and len(node.args) >= 2:
            name = node.args[1]
            literal = isinstance(name, ast.Constant) and isinstance(name.value, str)
            function = self.functions[-1] if self.functions else ""
            known = (self.filename, ast.unparse(name)) in ALLOWED_DYNAMIC
            if (self.filename, function) not in MOVERS and (_state_like(str(name.value)) if literal else not known):
                self.found.append(f"{self.filename}:{node.lineno}: setattr({ast.unparse(name)}) outside the mover")
        self.generic_visit(node)


def scan(source: str, filename: str) -> list[str]:
    """Every state assignment outside the mover in *source* (as ``file:line: what``)."""
    scanner = _Scanner(filename)
    scanner.visit(ast.parse(source))
    return scanner.found


def test_no_state_is_assigned_outside_the_table_mover() -> None:
    found: list[str] = []
    for path in sorted(LIBRARY.rglob("*.py")):
        found += scan(path.read_text(encoding="utf-8"), path.relative_to(LIBRARY).as_posix())
    assert found == []


def test_the_scan_looks_at_the_library() -> None:
    core = (LIBRARY / "core.py").read_text(encoding="utf-8")
    assert "setattr(obj, attr, cell.target)" in core  # the movers are where MOVERS says they are
    assert "obj.flags = new" in core
    assert len(list(LIBRARY.rglob("*.py"))) > 20


@pytest.mark.parametrize(
    ("source", "hits"),
    [
        ("def f(af):\n    af.state = 1\n", 1),
        ("def f(vc):\n    vc.call_state = 1\n", 1),
        ("def f(vc):\n    vc.flags = None\n", 1),
        ("def f(b):\n    b.link_state: int = 1\n", 1),
        ("def f(a, b):\n    a.state, b.x = 1, 2\n", 1),
        ("def f(a):\n    a.state += 1\n", 1),
        ("def f(a):\n    setattr(a, 'state', 1)\n", 1),
        ("def f(adapter):\n    adapter.reset_pending = True\n", 1),
        ("def f(adapter):\n    adapter.pause_pending = False\n", 1),
        ("def f(adapter):\n    adapter.restart_pending = True\n", 1),
        ("def f(binding):\n    binding.pnp_pending = True\n", 1),
        ("def f(af):\n    af.pending = AfPending.OPEN\n", 1),
        ("def f(sap):\n    sap.pending = None\n", 1),
        ("def f(attempt):\n    attempt.pending = True\n", 1),
        ("def f(vc):\n    vc.call_pending = CallPending.MAKE\n", 1),
        ("def f(vc):\n    setattr(vc, 'call_pending', None)\n", 1),
        ("class S:\n    def __init__(self):\n        self.pending = None\n", 0),
        ("def f(table, key):\n    table.pending[key] = 1\n", 0),
        ("def f(adapter):\n    adapter.reset_state = None\n", 1),
        ("def f(state):\n    state.resetting = set()\n", 1),
        ("def f(adapter):\n    setattr(adapter, 'reset_pending', False)\n", 1),
        ("class D:\n    def __init__(self, lib):\n        lib.resetting = set()\n", 1),
        ("def f(a, name):\n    setattr(a, name, 1)\n", 1),
        ("def f(a, field):\n    setattr(a, field, 1)\n", 1),
        ("class A:\n    def __init__(self, other):\n        other.state = 1\n", 1),
        ("class A:\n    def __init__(self):\n        self.state = 1\n", 0),
        ("def f(a):\n    a.stated = 1\n    a.status = 2\n", 0),
        ("def f(a):\n    print(a.state)\n", 0),
    ],
)
def test_the_scanner_finds_planted_assignments(source: str, hits: int) -> None:
    assert len(scan(source, "planted.py")) == hits


def test_the_mover_itself_is_allowed_but_only_there() -> None:
    mover = "class L:\n    def move(self, obj, attr):\n        setattr(obj, attr, 1)\n"
    assert scan(mover, "core.py") == []
    assert len(scan(mover, "pnp.py")) == 1


def string_pendings(source: str, filename: str) -> list[str]:
    """Assignments or comparisons of a ``pending``-like attribute to a string literal (pendings are enums)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        pairs: list[tuple[ast.expr, ast.expr]] = []
        if isinstance(node, ast.Assign):
            pairs = [(target, node.value) for target in node.targets]
        elif isinstance(node, ast.Compare):
            pairs = [(node.left, right) for right in node.comparators]
        for attribute, value in pairs:
            named = isinstance(attribute, ast.Attribute) and (
                attribute.attr == "pending" or attribute.attr.endswith("_pending")
            )
            if named and isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.append(f"{filename}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_pending_fields_are_enums_not_strings() -> None:
    found: list[str] = []
    for path in sorted(LIBRARY.parent.rglob("*.py")):
        if "samples" in path.parts:
            continue  # sample drivers keep their own notes, as drivers do
        found += string_pendings(path.read_text(encoding="utf-8"), path.name)
    assert found == []
    assert string_pendings("def f(af):\n    af.pending = 'open'\n", "planted.py")
    assert string_pendings("def f(vc):\n    return vc.call_pending == 'make'\n", "planted.py")
    assert not string_pendings("def f(af):\n    af.pending = AfPending.OPEN\n", "planted.py")


def test_vc_flags_are_frozen_and_read_only_on_the_vc() -> None:
    m, nic = loopback_machine()
    client_app.make_call(m)
    m.run_until_idle()
    vc = nic.vcs[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        vc.flags.must_delete = True  # type: ignore[misc]
    with pytest.raises(AttributeError):
        vc.must_delete = True  # type: ignore[misc]
    before = vc.flags
    assert before == VcFlags()
    m._lib.mark(vc, must_delete=True)
    assert vc.must_delete and vc.flags is not before and not before.must_delete


def test_a_reset_is_read_from_the_reset_table_only() -> None:
    m, nic = loopback_machine()
    assert nic.reset_state is ResetState.IDLE and not nic.resetting and not nic.reset_pending
    with pytest.raises(AttributeError):
        nic.reset_pending = True  # type: ignore[misc]
    with pytest.raises(AttributeError):
        nic.resetting = True  # type: ignore[misc]
    assert not hasattr(state_of(m._lib), "resetting")  # the data path keeps no reset record of its own
    m._lib.force(nic, "reset_state", RESET_TABLE, ResetInput.RESET)
    assert nic.resetting and not nic.reset_pending
    m._lib.force(nic, "reset_state", RESET_TABLE, ResetInput.RESET_PENDED)
    assert nic.resetting and nic.reset_pending
    assert "[reset] adapter#1 IN_PROGRESS -> PENDING" in m.trace.to_text()


def test_mark_is_traced_like_a_move_and_a_mark_that_changes_nothing_is_not() -> None:
    m, nic = loopback_machine()
    client_app.make_call(m)
    m.run_until_idle()
    vc = nic.vcs[0]
    start = len(m.trace)
    m._lib.mark(vc, must_delete=False)  # already False: nothing changes, nothing is recorded
    assert len(m.trace) == start
    m._lib.mark(vc, must_delete=True, incoming_rejected=False, incoming_close_status=0xC0000001)
    lines = m.trace.to_text(start=start).splitlines()
    assert len(lines) == 1
    assert lines[0].endswith(
        f"[flags] {vc.handle.label} must_delete FALSE -> TRUE, incoming_close_status NULL -> NDIS_STATUS_FAILURE"
    )


def test_pended_requests_are_frozen_flags_read_only_on_their_objects() -> None:
    m, nic = loopback_machine()
    client_app.make_call(m)
    m.run_until_idle()
    vc = nic.vcs[0]
    af = vc.af
    assert af is not None and af.saps
    sap = af.saps[0]
    assert vc.call_pending is None and af.pending is None and sap.pending is None
    for obj, field in ((vc, "call_pending"), (af, "pending"), (sap, "pending")):
        with pytest.raises(AttributeError):
            setattr(obj, field, None)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj.flags, field, None)
    assert (af.flags, sap.flags) == (AfFlags(), SapFlags())
    start = len(m.trace)
    m._lib.mark(vc, call_pending=CallPending.MAKE)
    m._lib.mark(af, pending=AfPending.NOTIFY_CLOSE)
    m._lib.mark(sap, pending=SapPending.DEREGISTER)
    m._lib.mark(sap, pending=SapPending.DEREGISTER)  # no change, no line
    assert vc.call_pending is CallPending.MAKE and af.pending is AfPending.NOTIFY_CLOSE
    assert sap.pending is SapPending.DEREGISTER
    lines = m.trace.to_text(start=start).splitlines()
    assert [line.split("[flags] ")[1] for line in lines] == [
        f"{vc.handle.label} call_pending NULL -> MAKE",
        f"{af.handle.label} pending NULL -> NOTIFY_CLOSE",
        f"{sap.handle.label} pending NULL -> DEREGISTER",
    ]



def test_a_pended_unbind_is_marked_until_ndis_complete_unbind_adapter_ex() -> None:
    m, nic = loopback_machine()
    client_app.make_call(m)
    m.run_until_idle()
    start = len(m.trace)
    m.unload_driver("call_manager")  # its ProtocolUnbindAdapterEx pends until the client closed the AF
    flags = [line.split("[flags] ")[1] for line in m.trace.to_text(start=start).splitlines() if "[flags] unbind" in line]
    assert len(flags) == 2
    label = flags[0].split()[0]
    assert flags == [f"{label} pending FALSE -> TRUE", f"{label} pending TRUE -> FALSE"]
    attempt = BindAttempt(m._lib.handles.mint("bindctx", None), nic.bindings[0].protocol, nic)
    assert attempt.flags == AttemptFlags() and not attempt.pending
    with pytest.raises(AttributeError):
        attempt.pending = True  # type: ignore[misc]


@pytest.mark.parametrize("mode", ["strict", "collect"])
def test_a_pended_bind_is_in_the_snapshot_and_a_refused_completion_changes_nothing(mode: str) -> None:
    """An attempt NDIS is waiting on is part of ``Machine.snapshot()``: a refused
    NdisCompleteBindAdapterEx leaves it as it was, the real one ends it."""
    m, nic = loopback_machine(verifier=mode, bind=False)  # type: ignore[arg-type]
    chars = m._lib.drivers["client"].protocol.chars
    contexts: list[object] = []

    def pend(ProtocolDriverContext: object, BindContext: object, BindParameters: object) -> int:
        contexts.append(BindContext)
        return NDIS_STATUS_PENDING

    chars.BindAdapterHandlerEx = pend
    assert attempts_in_flight(m._lib) == ()
    assert m.bind("client", nic, run=False) is None
    (attempt,) = attempts_in_flight(m._lib)
    assert isinstance(attempt, BindAttempt) and attempt.pending
    before = m.snapshot()
    assert (attempt.handle.label, "BindAttempt", True, None) in before[2]
    for bad in (None, "bindctx#1", nic.handle, 1):
        with pytest.raises(UsageError):
            NdisCompleteBindAdapterEx(bad, NDIS_STATUS_FAILURE)  # type: ignore[arg-type]
        assert m.snapshot() == before
    with m.running_as("client"):
        NdisCompleteBindAdapterEx(contexts[0], NDIS_STATUS_FAILURE)  # type: ignore[arg-type]
    assert attempts_in_flight(m._lib) == () and not attempt.pending and not attempt.handle.alive
    assert m.snapshot()[2] == ()
