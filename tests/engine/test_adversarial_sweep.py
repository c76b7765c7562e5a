"""Adversarial sweep: every DDI of ``ndis.DDIS`` with bad arguments, in both verifier modes.

The cases are generated, not hand-picked: for each DDI the parameters come from its
signature, and each parameter's annotation (``NDIS_HANDLE``, ``NDIS_STATUS``, ``int``, a
structure, an NBL chain...) selects a family of bad values: wrong Python types, None where
NULL is not allowed, handles of another kind, of another Machine or stale, structures with a
bad ``NDIS_OBJECT_HEADER`` or a field of the wrong type, status values out of range, NBL
chains that are cyclic, foreign, freed, held by someone else or broken. The other
parameters keep a valid value taken from a machine with a connected call.

Each case must end in one of the outcomes NDIS can have (docs/reference/harness.md): an
NDIS status (or NULL) returned, a verifier finding (collect mode) or a bug check (strict
mode), or a named ``UsageError``; and a refused call must leave ``Machine.snapshot()``
unchanged. A raw Python exception, a silent acceptance, a changed state or a hang (a call
that runs past a line budget) fails the test. Counts by outcome are printed (``pytest -s``).
"""

from __future__ import annotations

import inspect
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, is_dataclass
from types import FrameType
from typing import Any

import pytest

from condis_edu import Machine, UsageError, ndis
from condis_edu._library.headers import HEADER_SPECS, fill_header
from condis_edu.errors import BugCheck, DriverCrashed, VerifierViolation
from condis_edu.mirror.handles import NDIS_HANDLE, HandleTable
from condis_edu.mirror.nbl import MDL, NET_BUFFER, NET_BUFFER_LIST
from condis_edu.ndis import (
    CO_ADDRESS_FAMILY,
    CO_SAP,
    NDIS_OBJECT_TYPE_DEFAULT,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
    NET_BUFFER_LIST_POOL_PARAMETERS,
    NET_BUFFER_POOL_PARAMETERS,
    NdisAllocateIoWorkItem,
    NdisAllocateMdl,
    NdisAllocateNetBuffer,
    NdisAllocateNetBufferAndNetBufferList,
    NdisAllocateNetBufferListPool,
    NdisAllocateNetBufferPool,
    NdisCoCreateVc,
    NdisCoDeleteVc,
    NdisFreeNetBufferList,
    NdisFreeNetBufferListPool,
)
from condis_edu.samples import client
from condis_edu.samples.common import call_parameters, loopback_af, name_sap
from condis_edu.testing import loopback_machine
from condis_edu.verifier.core import VerifierMode

LINE_BUDGET = 100_000
"""Lines one DDI call may run before the sweep calls it a hang."""

BAD_OUTCOMES = ("raw exception", "silent acceptance", "hang", "state changed")
GOOD_OUTCOMES = ("status", "finding", "bug check", "named error")

HANDLE_KINDS: dict[str, tuple[str, ...]] = {
    "NdisVcHandle": ("vc",),
    "NdisMiniportVcHandle": ("vc",),
    "NdisAfHandle": ("af",),
    "NdisSapHandle": ("sap",),
    "NdisBindingHandle": ("binding",),
    "NdisPartyHandle": ("party",),
    "MiniportAdapterHandle": ("adapter",),
    "NdisMiniportHandle": ("adapter",),
    "NdisProtocolHandle": ("protocol-driver",),
    "ProtocolHandle": ("protocol-driver",),
    "NdisMiniportDriverHandle": ("miniport-driver",),
    "DriverHandle": ("miniport-driver",),
    "BindContext": ("bindctx",),
    "UnbindContext": ("unbindctx",),
    "NdisIoWorkItemHandle": ("workitem",),
    "NdisObjectHandle": ("adapter", "binding", "miniport-driver", "protocol-driver"),
    "NdisHandle": ("binding", "adapter", "miniport-driver", "protocol-driver"),
}
"""Handle parameters by name: the kinds NDIS accepts there (PoolHandle depends on the DDI)."""

STATUS_PARAMS = frozenset({"Status", "CloseStatus"})
STRUCTURE_PARAMS = {"MiniportAttributes": "NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES"}
"""``object``-annotated parameters that take one structure."""


def handle_kinds(ddi: str, param: str) -> tuple[str, ...]:
    """The handle kinds *param* of *ddi* accepts."""
    if param == "PoolHandle":
        return ("nb_pool",) if "NetBufferPool" in ddi or ddi == "NdisAllocateNetBuffer" else ("nbl_pool",)
    return HANDLE_KINDS[param]


def caller_of(ddi: str) -> str:
    """Which sample driver calls *ddi* in the sweep (by the DDI's family prefix)."""
    if ddi.startswith(("NdisM", "NdisIM")):
        return "loopback_miniport"
    if ddi.startswith("NdisCm"):
        return "call_manager"
    return "client"


class Hang(BaseException):
    """Raised by the line budget (a BaseException, so no ``except Exception`` in the engine eats it)."""


@contextmanager
def line_budget(limit: int) -> Iterator[None]:
    """Raise ``Hang`` in the traced code once it has run *limit* lines."""
    left = [limit]

    def local(frame: FrameType, event: str, arg: object) -> Any:
        if event == "line":
            left[0] -= 1
            if left[0] < 0:
                raise Hang(f"more than {limit} lines")
        return local

    def tracer(frame: FrameType, event: str, arg: object) -> Any:
        return local

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        yield
    finally:
        sys.settrace(previous)


# ------------------------------------------------------------------------------------------
# The world a case runs in
# ------------------------------------------------------------------------------------------


@dataclass
class World:
    """A machine with a connected call, and the objects the sweep takes values from."""

    m: Machine
    handles: dict[tuple[str, str], NDIS_HANDLE] = field(default_factory=dict)
    """(caller, kind) -> a live handle; ("", kind) is the fallback for any caller."""
    stale: dict[str, NDIS_HANDLE] = field(default_factory=dict)
    nbls: dict[str, NET_BUFFER_LIST] = field(default_factory=dict)
    """caller -> an NBL that caller holds at rest (the client's has SourceHandle = the VC)."""
    pairs: dict[str, tuple[NET_BUFFER_LIST, NET_BUFFER_LIST]] = field(default_factory=dict)
    freed: dict[str, NET_BUFFER_LIST] = field(default_factory=dict)
    nb: NET_BUFFER | None = None
    mdl: MDL | None = None

    def handle(self, caller: str, kind: str) -> NDIS_HANDLE | None:
        return self.handles.get((caller, kind)) or self.handles.get(("", kind))


def _nbl_pool_params() -> NET_BUFFER_LIST_POOL_PARAMETERS:
    params = NET_BUFFER_LIST_POOL_PARAMETERS()
    params.Header.Type, params.Header.Revision, params.Header.Size = NDIS_OBJECT_TYPE_DEFAULT, 1, 16
    params.fAllocateNetBuffer, params.DataSize = True, 64
    return params


def build_world(mode: VerifierMode) -> World:
    """A fresh machine in *mode* with a connected call, pools, NBLs, and stale handles."""
    m, nic = loopback_machine(verifier=mode, trace=False)
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    assert call.NdisVcHandle is not None
    w = World(m)
    lib = m._lib
    cl_binding = m.driver("client").protocol.bindings[0]  # type: ignore[union-attr]
    cm_binding = m.driver("call_manager").protocol.bindings[0]  # type: ignore[union-attr]
    af = cl_binding.afs[0]
    mp = m.driver("loopback_miniport")
    w.handles.update(
        {
            ("", "vc"): call.NdisVcHandle,
            ("", "af"): af.handle,
            ("client", "binding"): cl_binding.handle,
            ("", "binding"): cm_binding.handle,
            ("", "adapter"): nic.handle,
            ("client", "protocol-driver"): cl_binding.protocol.handle,
            ("", "protocol-driver"): cm_binding.protocol.handle,
            ("", "miniport-driver"): mp.miniports[0].handle,
        }
    )
    if af.saps:
        w.handles[("", "sap")] = af.saps[0].handle
    vc = call.NdisVcHandle
    for caller, owner_handle in (("client", cl_binding.handle), ("loopback_miniport", nic.handle)):
        with m.running_as(caller):
            pool = NdisAllocateNetBufferListPool(owner_handle, _nbl_pool_params())
            assert pool is not None
            w.handles[(caller, "nbl_pool")] = pool
            made = [NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 8) for _ in range(4)]
            for nbl in made:
                assert nbl is not None
                nbl.SourceHandle = vc if caller == "client" else None
            w.nbls[caller] = made[0]  # type: ignore[assignment]
            w.pairs[caller] = (made[1], made[2])  # type: ignore[assignment]
            NdisFreeNetBufferList(made[3])  # type: ignore[arg-type]
            w.freed[caller] = made[3]  # type: ignore[assignment]
    with m.running_as("client"):
        nb_params = NET_BUFFER_POOL_PARAMETERS()
        nb_params.Header.Type, nb_params.Header.Revision, nb_params.Header.Size = NDIS_OBJECT_TYPE_DEFAULT, 1, 12
        nb_pool = NdisAllocateNetBufferPool(cl_binding.handle, nb_params)
        assert nb_pool is not None
        w.handles[("", "nb_pool")] = nb_pool
        w.mdl = NdisAllocateMdl(cl_binding.handle, bytearray(16), 16)
        w.nb = NdisAllocateNetBuffer(nb_pool, w.mdl, 0, 8)
        # Real stale handles where a DDI makes them cheaply: a freed pool, a deleted VC.
        gone_pool = NdisAllocateNetBufferListPool(cl_binding.handle, _nbl_pool_params())
        assert gone_pool is not None
        NdisFreeNetBufferListPool(gone_pool)
        w.stale["nbl_pool"] = gone_pool
        status, gone_vc = NdisCoCreateVc(cl_binding.handle, af.handle, None)
        assert status == NDIS_STATUS_SUCCESS and gone_vc is not None
        assert NdisCoDeleteVc(gone_vc) == NDIS_STATUS_SUCCESS
        w.stale["vc"] = gone_vc
    with m.running_as("loopback_miniport"):
        w.handles[("", "workitem")] = NdisAllocateIoWorkItem(nic.handle)
    # Other kinds: a handle of that kind whose object is gone.
    for kind in (
        "af",
        "sap",
        "binding",
        "party",
        "adapter",
        "protocol-driver",
        "miniport-driver",
        "bindctx",
        "unbindctx",
        "workitem",
        "nb_pool",
    ):
        dead = lib.handles.mint(kind, None)
        HandleTable.kill(dead, "gone (sweep)")
        w.stale[kind] = dead
    for kind in ("bindctx", "unbindctx", "party"):
        w.handles.setdefault(("", kind), w.stale[kind])
    m.run_until_idle()
    assert not lib.stack
    return w


# ------------------------------------------------------------------------------------------
# Values: a valid one per parameter, and the bad ones
# ------------------------------------------------------------------------------------------

Make = Callable[[World, World], object]
"""``make(world, foreign)``: build the value for a case."""


def _structure_class(annotation: str) -> type | None:
    name = annotation.replace(" | None", "")
    cls = getattr(ndis, name, None)
    return cls if isinstance(cls, type) and is_dataclass(cls) else None


def _valid_structure(cls: type, caller: str, w: World) -> object:
    if cls is ndis.CO_CALL_PARAMETERS:
        return call_parameters(b"echo")
    if cls is CO_ADDRESS_FAMILY:
        return loopback_af()
    if cls is CO_SAP:
        return name_sap(b"sweep")
    if cls is ndis.DRIVER_OBJECT:
        return w.m.driver(caller).driver_object
    value = cls()
    if cls in HEADER_SPECS:
        fill_header(value, max(HEADER_SPECS[cls].sizes))
    return value


def valid_value(ddi: str, p: inspect.Parameter, caller: str, w: World) -> object:
    """A value of parameter *p* of *ddi* NDIS accepts (or the best the sweep world has)."""
    ann = str(p.annotation)
    if p.default is not inspect.Parameter.empty:
        return p.default
    if p.name in STRUCTURE_PARAMS:
        return _valid_structure(getattr(ndis, STRUCTURE_PARAMS[p.name]), caller, w)
    if "NDIS_HANDLE" in ann and "Callable" not in ann:
        if ann.endswith("| None") and p.name not in ("NdisAfHandle",):
            return None
        return w.handle(caller, handle_kinds(ddi, p.name)[0])
    if p.name in STATUS_PARAMS:
        return NDIS_STATUS_SUCCESS
    if ann == "int":
        return 0
    if ann == "bool":
        return False
    if ann == "str":
        return "sweep"
    if ann.startswith("bytes"):
        return bytearray(8)
    if ann.startswith("Callable"):
        return lambda context, handle: None
    if ann == "NET_BUFFER_LIST":
        return w.nbls[caller if caller in w.nbls else "client"]
    if ann == "NET_BUFFER":
        return w.nb
    if ann.startswith("MDL"):
        return None if ann.endswith("| None") else w.mdl
    cls = _structure_class(ann)
    if cls is not None:
        return _valid_structure(cls, caller, w)
    return None  # an opaque context: anything goes


def _handle_cases(ddi: str, p: inspect.Parameter, caller: str) -> dict[str, Make]:
    kinds = handle_kinds(ddi, p.name)
    other = "af" if "vc" in kinds else "vc"
    cases: dict[str, Make] = {
        "int": lambda w, f: 42,
        "str": lambda w, f: "vc#1",
        "object": lambda w, f: object(),
        "other kind": lambda w, f: w.handle(caller, other),
        "foreign": lambda w, f: f.handle(caller, kinds[0]) or f.stale[kinds[0]],
        "stale": lambda w, f: w.stale[kinds[0]],
    }
    if not str(p.annotation).endswith("| None"):
        cases["None"] = lambda w, f: None
    elif p.default is None and p.name == "NdisVcHandle":
        cases["not NULL on entry"] = lambda w, f: w.handle(caller, kinds[0])  # an in/out handle (R2.06)
    return cases


STATUS_CASES: dict[str, Make] = {
    "None": lambda w, f: None,
    "str": lambda w, f: "SUCCESS",
    "float": lambda w, f: 0.0,
    "negative": lambda w, f: -1,
    "too big": lambda w, f: 0x1_0000_0000,
    "bool": lambda w, f: True,
    "PENDING": lambda w, f: NDIS_STATUS_PENDING,  # every Status a driver passes NDIS is a final one
}
INT_CASES: dict[str, Make] = {
    "None": lambda w, f: None,
    "str": lambda w, f: "0",
    "float": lambda w, f: 1.5,
    "negative": lambda w, f: -1,
    "too big": lambda w, f: 1 << 64,
}


def _chain(w: World, caller: str, link: Callable[[NET_BUFFER_LIST, NET_BUFFER_LIST], None]) -> NET_BUFFER_LIST:
    a, b = w.pairs[caller if caller in w.pairs else "client"]
    link(a, b)
    return a


def _cycle(a: NET_BUFFER_LIST, b: NET_BUFFER_LIST) -> None:
    a.Next, b.Next = b, a


def _self_loop(a: NET_BUFFER_LIST, b: NET_BUFFER_LIST) -> None:
    a.Next = a


def _broken(a: NET_BUFFER_LIST, b: NET_BUFFER_LIST) -> None:
    a.Next = 42  # type: ignore[assignment]


def _nbl_cases(caller: str, chain: bool) -> dict[str, Make]:
    """Bad NBLs; for a chain parameter (``NetBufferLists``) also bad chains."""
    mine = caller if caller in ("client", "loopback_miniport") else "client"
    theirs = "loopback_miniport" if mine == "client" else "client"
    cases: dict[str, Make] = {
        "None": lambda w, f: None,
        "object": lambda w, f: object(),
        "int": lambda w, f: 42,
        "foreign": lambda w, f: f.nbls[mine],
        "freed": lambda w, f: w.freed[mine],
        "held by another driver": lambda w, f: w.nbls[theirs],
    }
    if chain:
        cases["cyclic"] = lambda w, f: _chain(w, mine, _cycle)
        cases["self-loop"] = lambda w, f: _chain(w, mine, _self_loop)
        cases["broken link"] = lambda w, f: _chain(w, mine, _broken)
    return cases


def _structure_cases(cls: type, p: inspect.Parameter, caller: str) -> dict[str, Make]:
    def edited(edit: Callable[[Any], None]) -> Make:
        def make(w: World, f: World) -> object:
            value = _valid_structure(cls, caller, w)
            edit(value)
            return value

        return make

    wrong = CO_SAP if cls is not CO_SAP else CO_ADDRESS_FAMILY
    cases: dict[str, Make] = {
        "object": lambda w, f: object(),
        "int": lambda w, f: 42,
        "other structure": lambda w, f: wrong(),
    }
    if not str(p.annotation).endswith("| None"):
        cases["None"] = lambda w, f: None
    if cls is ndis.DRIVER_OBJECT:
        cases["not from the harness"] = lambda w, f: ndis.DRIVER_OBJECT()
        cases["foreign"] = lambda w, f: f.m.driver(caller).driver_object
        return cases
    names = [x.name for x in fields(cls)]
    if "Header" in names:
        cases["Header None"] = edited(lambda s: setattr(s, "Header", None))
        cases["Header.Type wrong"] = edited(lambda s: setattr(s.Header, "Type", (s.Header.Type + 1) & 0xFF))
        cases["Header.Type str"] = edited(lambda s: setattr(s.Header, "Type", "x"))
        cases["Header.Revision 0"] = edited(lambda s: setattr(s.Header, "Revision", 0))
        cases["Header.Revision 99"] = edited(lambda s: setattr(s.Header, "Revision", 99))
        cases["Header.Size 0"] = edited(lambda s: setattr(s.Header, "Size", 0))
    for x in fields(cls):
        if x.type == "int":
            cases[f"{x.name} str"] = edited(lambda s, n=x.name: setattr(s, n, "bad"))
            cases[f"{x.name} negative"] = edited(lambda s, n=x.name: setattr(s, n, -1))
        elif x.type in ("bytes", "str"):
            cases[f"{x.name} int"] = edited(lambda s, n=x.name: setattr(s, n, 42))
    return cases


def bad_values(ddi: str, p: inspect.Parameter, caller: str) -> dict[str, Make]:
    """The bad values of parameter *p* of *ddi*, by name (generated from its annotation)."""
    ann = str(p.annotation)
    if p.name in STRUCTURE_PARAMS:
        cls = getattr(ndis, STRUCTURE_PARAMS[p.name])
        return _structure_cases(cls, p, caller)
    if "NDIS_HANDLE" in ann and "Callable" not in ann:
        return _handle_cases(ddi, p, caller)
    if p.name in STATUS_PARAMS:
        return STATUS_CASES
    if ann == "int":
        return INT_CASES
    if ann == "bool":
        return {"None": lambda w, f: None, "str": lambda w, f: "yes"}
    if ann == "str":
        return {"None": lambda w, f: None, "int": lambda w, f: 42}
    if ann.startswith("bytes"):
        return {"None": lambda w, f: None, "str": lambda w, f: "data", "int": lambda w, f: 42}
    if ann.startswith("bytearray"):
        return {"str": lambda w, f: "data", "int": lambda w, f: 42}
    if ann.startswith("Callable"):
        return {"None": lambda w, f: None, "int": lambda w, f: 42}
    if ann == "NET_BUFFER_LIST":
        return _nbl_cases(caller, chain=p.name.endswith("s"))
    if ann == "NET_BUFFER":
        return {"None": lambda w, f: None, "object": lambda w, f: object(), "foreign": lambda w, f: f.nb}
    if ann.startswith("MDL"):
        cases: dict[str, Make] = {"object": lambda w, f: object(), "int": lambda w, f: 42}
        if not ann.endswith("| None"):
            cases["None"] = lambda w, f: None
        return cases
    cls = _structure_class(ann)
    if cls is not None:
        return _structure_cases(cls, p, caller)
    return {}  # an opaque context: any value is a valid one


# ------------------------------------------------------------------------------------------
# Running one case
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    ddi: str
    param: str
    label: str

    def __str__(self) -> str:
        return f"{self.ddi}({self.param}={self.label})"


def _refused(result: object, returns: str) -> bool | None:
    """True: the result is a refusal (a failure status, or NULL); False: accepted; None: a void DDI."""
    if isinstance(result, tuple) and result and isinstance(result[0], int):
        result = result[0]
    if isinstance(result, int) and not isinstance(result, bool):
        return result not in (NDIS_STATUS_SUCCESS, NDIS_STATUS_PENDING)
    if result is None:
        return None if returns == "None" else True
    return False


def run_case(w: World, foreign: World, case: Case, make: Make) -> str:
    """Run one case; return its outcome (a key of GOOD_OUTCOMES or BAD_OUTCOMES)."""
    m, lib = w.m, w.m._lib
    fn = getattr(ndis, case.ddi)
    sig = inspect.signature(fn)
    caller = caller_of(case.ddi)
    args = []
    for p in sig.parameters.values():
        args.append(make(w, foreign) if p.name == case.param else valid_value(case.ddi, p, caller, w))
    before = m.snapshot()
    foreign_before = foreign.m.snapshot()
    findings = len(m.findings)
    outcome: str
    try:
        with m.running_as(caller), line_budget(LINE_BUDGET):
            result = fn(*args)
    except Hang:
        return "hang"
    except DriverCrashed:
        outcome = "raw exception"  # a bad value reached a driver's handler
    except (VerifierViolation, BugCheck):
        outcome = "bug check"
    except UsageError:
        outcome = "named error"
    except Exception:
        return "raw exception"
    else:
        refused = _refused(result, str(sig.return_annotation))
        if len(m.findings) > findings:
            outcome = "finding"
        elif refused:
            outcome = "status"
        else:
            return "silent acceptance"
    lib.stack.clear()
    if lib.halted is not None and outcome == "bug check":
        lib.halted = None  # the sweep revives the machine: the state must still be what it was
    if m.snapshot() != before or foreign.m.snapshot() != foreign_before:
        return "state changed"
    return outcome


def _cleanup(w: World) -> None:
    for a, b in w.pairs.values():
        a.Next = b.Next = None


def sweep_cases() -> list[tuple[Case, Make]]:
    """Every (DDI, parameter, bad value) case, generated from the DDIs' signatures."""
    cases: list[tuple[Case, Make]] = []
    for ddi in ndis.DDIS:
        caller = caller_of(ddi)
        for p in inspect.signature(getattr(ndis, ddi)).parameters.values():
            for label, make in bad_values(ddi, p, caller).items():
                cases.append((Case(ddi, p.name, label), make))
    return cases


def sweep(mode: VerifierMode) -> tuple[Counter[str], list[str]]:
    """Run every case in *mode*; return the counts by outcome and the bad cases."""
    counts: Counter[str] = Counter()
    bad: list[str] = []
    foreign = build_world(mode)
    w = build_world(mode)
    for case, make in sweep_cases():
        outcome = run_case(w, foreign, case, make)
        counts[outcome] += 1
        _cleanup(w)
        if outcome in BAD_OUTCOMES:
            bad.append(f"{mode}: {case} -> {outcome}")
            w = build_world(mode)
            foreign = build_world(mode)
        elif w.m.halted is not None:
            w = build_world(mode)
    return counts, bad


def test_the_sweep_covers_every_ddi_and_parameter_kind() -> None:
    """Every DDI gets cases, and each family of bad values appears."""
    cases = sweep_cases()
    assert {c.ddi for c, _ in cases} == set(ndis.DDIS)
    labels = {c.label for c, _ in cases}
    for family in (
        "foreign",
        "stale",
        "other kind",
        "cyclic",
        "freed",
        "held by another driver",
        "Header None",
        "Header.Revision 99",
        "too big",
        "float",
    ):
        assert family in labels
    assert len(cases) > 1000


@pytest.mark.parametrize("mode", ["strict", "collect"])
def test_adversarial_sweep(mode: VerifierMode) -> None:
    counts, bad = sweep(mode)
    print(
        f"\nadversarial sweep ({mode}): {sum(counts.values())} cases; "
        + ", ".join(f"{k} {counts[k]}" for k in (*BAD_OUTCOMES, *GOOD_OUTCOMES))
    )
    assert not bad, f"{len(bad)} bad case(s), first ones:\n" + "\n".join(bad[:40])
