"""Every exercise in the notebooks: the published solution passes, known wrong answers and the starter fail.

How an exercise sits in a notebook (docs/notebooks/NN-topic.py), which these tests rely on:

- an **exercise cell**: a code cell whose first line is ``# Exercise nbNN-topic: <what to do>``,
  holding the starter code the reader edits;
- a **check cell**: a code cell that imports ``check`` (so it runs even first) and ends with the one
  expression ``check("nbNN-topic")``, which checks the function the exercise cell defines;
- a **solution**: in a Markdown cell, ``<details class="condis-solution" data-exercise="nbNN-topic">``
  wrapping one ```python fence, a complete replacement for the exercise cell.

For each exercise we run the notebook's code cells up to the exercise cell (the setup the reader has
when they reach it), then a candidate in place of the exercise cell, then the check cell, and read
the :class:`CheckResult` it evaluates to. Wrong answers live in ``WRONG_ANSWERS`` below: each is a
replacement exercise cell and the public check it must fail, so a check that stops checking fails a
test here.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from condis_edu.exercises import CheckResult, check, exercises, get, hint
from condis_edu.exercises._core import Check, CheckFailed, Exercise, register, run_checks

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import nbexec  # noqa: E402  (plain Python: this module also runs inside Pyodide)

NOTEBOOKS = sorted((HERE.parents[1] / "docs" / "notebooks").glob("*.py"))

EXERCISE_CELL = re.compile(r"^# Exercise (?P<id>nb\d\d-[a-z0-9-]+):")
SOLUTION = re.compile(
    r'<details class="condis-solution" data-exercise="(?P<id>[^"]+)">.*?```python\n(?P<code>.*?)```.*?</details>',
    re.S,
)
CHECK_CALL = re.compile(r'^(?:from condis_edu\.exercises import check\n+)?check\("(?P<id>[^"]+)"\)$')


@dataclass(frozen=True)
class Placed:
    """Where one exercise sits in its notebook."""

    id: str
    notebook: Path
    setup: tuple[str, ...]  # code cells before the exercise cell
    starter: str
    between: tuple[str, ...]  # code cells between the exercise cell and the check cell
    check_cell: str
    solution: str


def place_exercises(path: Path) -> dict[str, Placed]:
    cells = nbexec.parse_percent(path.read_text(encoding="utf-8"))
    code = [c.source for c in cells if c.kind == "code"]
    solutions: dict[str, str] = {}
    for c in cells:
        if c.kind == "markdown":
            for m in SOLUTION.finditer(c.source):
                assert m["id"] not in solutions, f"{path.name}: two solutions for {m['id']}"
                solutions[m["id"]] = m["code"]
    placed: dict[str, Placed] = {}
    for i, src in enumerate(code):
        m = EXERCISE_CELL.match(src)
        if not m:
            continue
        ex_id = m["id"]
        checks = [j for j in range(i + 1, len(code)) if CHECK_CALL.match(code[j].strip())]
        checks = [j for j in checks if CHECK_CALL.match(code[j].strip())["id"] == ex_id]  # type: ignore[index]
        assert checks, f"{path.name}: exercise {ex_id} has no check cell after it"
        j = checks[0]
        assert ex_id in solutions, f"{path.name}: exercise {ex_id} has no <details class=condis-solution>"
        placed[ex_id] = Placed(
            ex_id, path, tuple(code[:i]), src, tuple(code[i + 1 : j]), code[j].strip(), solutions[ex_id]
        )
    stray = set(solutions) - set(placed)
    assert not stray, f"{path.name}: solutions without an exercise cell: {sorted(stray)}"
    return placed


def all_placed() -> dict[str, Placed]:
    found: dict[str, Placed] = {}
    for path in NOTEBOOKS:
        for ex_id, p in place_exercises(path).items():
            assert ex_id not in found, f"exercise {ex_id} appears in two notebooks"
            assert ex_id.startswith(f"nb{path.name[:2]}-"), f"{ex_id} sits in {path.name}: ids carry their notebook"
            found[ex_id] = p
    return found


PLACED = all_placed()
IDS = sorted(PLACED)


def attempt(p: Placed, candidate: str) -> CheckResult:
    """Run the notebook's setup, ``candidate`` in place of the exercise cell, then the check cell."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for src in p.setup:
        nbexec.run_cell(src, namespace)
    nbexec.run_cell(candidate, namespace)
    for src in p.between:
        nbexec.run_cell(src, namespace)
    return run_check_cell(p, namespace)


def run_check_cell(p: Placed, namespace: dict[str, Any]) -> CheckResult:
    """Run the check cell in ``namespace`` the way a kernel does, and return the value of its last line."""
    tree = ast.parse(p.check_cell)
    *body, last = tree.body
    assert isinstance(last, ast.Expr), f"{p.id}: the check cell does not end with an expression"
    exec(compile(ast.Module(body=body, type_ignores=[]), "<check>", "exec"), namespace)
    value = eval(compile(ast.Expression(last.value), "<check>", "eval"), namespace)
    assert isinstance(value, CheckResult)
    return value


# ---------------------------------------------------------------- wrong answers, per exercise
# Each entry: (replacement for the exercise cell, the start of the public check it must fail).
WRONG_ANSWERS: dict[str, list[tuple[str, str]]] = {
    "nb01-driver-entry": [
        (  # the header is left zeroed
            """
def MyDriverEntry(DriverObject, RegistryPath):
    globals_ = MiniportGlobals()
    DriverObject.DriverExtension = globals_
    chars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
    chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
    set_handlers(chars)
    Status, handle = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, globals_, chars)
    globals_.NdisMiniportDriverHandle = handle
    return STATUS_SUCCESS
""",
            "NDIS accepts the characteristics",
        ),
        (  # success whatever NDIS said
            """
def MyDriverEntry(DriverObject, RegistryPath):
    globals_ = MiniportGlobals()
    DriverObject.DriverExtension = globals_
    chars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
    chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS
    chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
    chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
    chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
    set_handlers(chars)
    Status, handle = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, globals_, chars)
    globals_.NdisMiniportDriverHandle = handle
    return STATUS_SUCCESS
""",
            "returns `STATUS_UNSUCCESSFUL` when NDIS refuses it",
        ),
        (  # the handle is dropped
            """
def MyDriverEntry(DriverObject, RegistryPath):
    chars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
    chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS
    chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
    chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
    chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
    set_handlers(chars)
    Status, handle = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, None, chars)
    return STATUS_SUCCESS if Status == NDIS_STATUS_SUCCESS else STATUS_UNSUCCESSFUL
""",
            "keeps `NdisMiniportDriverHandle`",
        ),
    ],
    "nb01-set-options": [
        (  # five handlers: CoOidRequestHandler forgotten
            """
def MySetOptions(NdisDriverHandle, DriverContext):
    co = NDIS_MINIPORT_CO_CHARACTERISTICS()
    co.Header.Type = NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS
    co.Header.Revision = NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1
    co.Header.Size = NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1
    co.CoCreateVcHandler = MPCoCreateVc
    co.CoDeleteVcHandler = MPCoDeleteVc
    co.CoActivateVcHandler = MPCoActivateVc
    co.CoDeactivateVcHandler = MPCoDeactivateVc
    co.CoSendNetBufferListsHandler = MPCoSendNetBufferLists
    return NdisSetOptionalHandlers(NdisDriverHandle, co)
""",
            "registers all six",
        ),
        (  # the header is left zeroed
            """
def MySetOptions(NdisDriverHandle, DriverContext):
    co = NDIS_MINIPORT_CO_CHARACTERISTICS()
    co.CoCreateVcHandler = MPCoCreateVc
    co.CoDeleteVcHandler = MPCoDeleteVc
    co.CoActivateVcHandler = MPCoActivateVc
    co.CoDeactivateVcHandler = MPCoDeactivateVc
    co.CoSendNetBufferListsHandler = MPCoSendNetBufferLists
    co.CoOidRequestHandler = MPCoOidRequest
    return NdisSetOptionalHandlers(NdisDriverHandle, co)
""",
            "NDIS accepts the",
        ),
        (  # NDIS's answer is ignored
            """
def MySetOptions(NdisDriverHandle, DriverContext):
    co = NDIS_MINIPORT_CO_CHARACTERISTICS()
    co.Header.Type = NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS
    co.CoCreateVcHandler = MPCoCreateVc
    NdisSetOptionalHandlers(NdisDriverHandle, co)
    return NDIS_STATUS_SUCCESS
""",
            "returns the status",
        ),
    ],
    "nb02-activate-vc": [
        (  # answers twice: returns SUCCESS and calls the completion DDI too
            """
def MyCoActivateVc(MiniportVcContext, CallParameters):
    MiniportVcContext.active = True
    MiniportVcContext.parameters = CallParameters
    NdisMCoActivateVcComplete(NDIS_STATUS_SUCCESS, MiniportVcContext.NdisVcHandle, CallParameters)
    return NDIS_STATUS_SUCCESS
""",
            "the activation is answered once",
        ),
        (  # pends and never completes
            """
def MyCoActivateVc(MiniportVcContext, CallParameters):
    MiniportVcContext.parameters = CallParameters
    return NDIS_STATUS_PENDING
""",
            "a call over the VC connects",
        ),
        (  # active, but the parameters are dropped
            """
def MyCoActivateVc(MiniportVcContext, CallParameters):
    MiniportVcContext.active = True
    return NDIS_STATUS_SUCCESS
""",
            "the `LoopbackVc` is marked active and keeps",
        ),
    ],
    "nb02-delete-vc": [
        (  # pends: deletion has no completion
            """
def MyCoDeleteVc(MiniportVcContext):
    MiniportVcContext.adapter.vcs.remove(MiniportVcContext)
    return NDIS_STATUS_PENDING
""",
            "answers at once",
        ),
        (  # frees the context but returns nothing
            """
def MyCoDeleteVc(MiniportVcContext):
    MiniportVcContext.adapter.vcs.remove(MiniportVcContext)
""",
            "`NdisCoDeleteVc` of a fresh VC succeeds",
        ),
        (  # empties the whole list: the other VC's context goes too
            """
def MyCoDeleteVc(MiniportVcContext):
    MiniportVcContext.adapter.vcs.clear()
    return NDIS_STATUS_SUCCESS
""",
            "the deleted VC's context, and only it",
        ),
    ],
    "nb03-create-vc": [
        (  # "I'll allocate later": the bug check of R2.09, a finding in the checks' collect mode
            """
def MyCoCreateVc(MiniportAdapterContext, NdisVcHandle):
    return NDIS_STATUS_PENDING, None
""",
            "returns at once",
        ),
        (  # the adapter context is not a VC context
            """
def MyCoCreateVc(MiniportAdapterContext, NdisVcHandle):
    return NDIS_STATUS_SUCCESS, MiniportAdapterContext
""",
            "returns a `MiniportVcContext` that keeps",
        ),
        (  # one context shared by every VC
            """
SHARED = []
def MyCoCreateVc(MiniportAdapterContext, NdisVcHandle):
    if not SHARED:
        SHARED.append(LoopbackVc(MiniportAdapterContext, NdisVcHandle))
        MiniportAdapterContext.vcs.append(SHARED[0])
    return NDIS_STATUS_SUCCESS, SHARED[0]
""",
            "gives every VC a context of its own",
        ),
        (  # the adapter never hears of the VC, so MPCoDeleteVc cannot find it
            """
def MyCoCreateVc(MiniportAdapterContext, NdisVcHandle):
    return NDIS_STATUS_SUCCESS, LoopbackVc(MiniportAdapterContext, NdisVcHandle)
""",
            "the VC can be deleted",
        ),
    ],
    "nb03-vc-limit": [
        (  # off by one
            """
def MyLimitedCoCreateVc(MiniportAdapterContext, NdisVcHandle):
    if len(MiniportAdapterContext.vcs) > MAX_VCS:
        return NDIS_STATUS_RESOURCES, None
    vc = LoopbackVc(MiniportAdapterContext, NdisVcHandle)
    MiniportAdapterContext.vcs.append(vc)
    return NDIS_STATUS_SUCCESS, vc
""",
            "the third `NdisCoCreateVc` fails",
        ),
        (  # allocates before checking, and leaves the refused context behind
            """
def MyLimitedCoCreateVc(MiniportAdapterContext, NdisVcHandle):
    vc = LoopbackVc(MiniportAdapterContext, NdisVcHandle)
    MiniportAdapterContext.vcs.append(vc)
    if len(MiniportAdapterContext.vcs) > MAX_VCS:
        return NDIS_STATUS_RESOURCES, None
    return NDIS_STATUS_SUCCESS, vc
""",
            "a refused VC leaves nothing behind",
        ),
        (  # a counter that deletions never decrement
            """
CREATED = []
def MyLimitedCoCreateVc(MiniportAdapterContext, NdisVcHandle):
    if len(CREATED) >= MAX_VCS:
        return NDIS_STATUS_RESOURCES, None
    CREATED.append(1)
    vc = LoopbackVc(MiniportAdapterContext, NdisVcHandle)
    MiniportAdapterContext.vcs.append(vc)
    return NDIS_STATUS_SUCCESS, vc
""",
            "once a VC is deleted",
        ),
    ],
    "nb04-deactivate-vc": [
        (  # completes twice: returns SUCCESS and also calls the completion DDI
            """
def MyCoDeactivateVc(MiniportVcContext):
    MiniportVcContext.active = False
    MiniportVcContext.parameters = None
    NdisMCoDeactivateVcComplete(NDIS_STATUS_SUCCESS, MiniportVcContext.NdisVcHandle)
    return NDIS_STATUS_SUCCESS
""",
            "no verifier finding",
        ),
        (  # says done but leaves the context active
            """
def MyCoDeactivateVc(MiniportVcContext):
    return NDIS_STATUS_SUCCESS
""",
            "the `LoopbackVc` is inactive",
        ),
    ],
    "nb04-close-complete": [
        (  # deletes every VC, including the call manager's
            """
def MyClCloseCallComplete(Status, ProtocolVcContext, ProtocolPartyContext):
    vc = ProtocolVcContext
    vc.state = "closed"
    NdisCoDeleteVc(vc.NdisVcHandle)
    vc.NdisVcHandle = None
""",
            "the VC of the incoming call is left to the call manager",
        ),
        (  # deletes its own VC but forgets to record the close
            """
def MyClCloseCallComplete(Status, ProtocolVcContext, ProtocolPartyContext):
    vc = ProtocolVcContext
    if vc.outgoing:
        NdisCoDeleteVc(vc.NdisVcHandle)
        vc.NdisVcHandle = None
        vc.af.vcs.remove(vc)
""",
            "the call's context ends in state",
        ),
    ],
    "nb05-cm-set-options": [
        (  # one of the 17 call manager handlers left NULL
            """
def MyCmSetOptions(NdisDriverHandle, DriverContext):
    co = NDIS_PROTOCOL_CO_CHARACTERISTICS()
    co.Header.Type = NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS
    co.Header.Revision = NDIS_PROTOCOL_CO_CHARACTERISTICS_REVISION_1
    co.Header.Size = NDIS_SIZEOF_PROTOCOL_CO_CHARACTERISTICS_REVISION_1
    for field, handler in CO_HANDLERS.items():
        setattr(co, field, handler)
    Status = NdisSetOptionalHandlers(NdisDriverHandle, co)
    if Status != NDIS_STATUS_SUCCESS:
        return Status
    cm = NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS()
    cm.Header.Type = NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS
    cm.Header.Revision = NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1
    cm.Header.Size = NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1
    for field, handler in CM_HANDLERS.items():
        if field != "CmNotifyCloseAfCompleteHandler":
            setattr(cm, field, handler)
    return NdisSetOptionalHandlers(NdisDriverHandle, cm)
""",
            "all 4 CoNDIS protocol handlers",
        ),
        (  # the call manager structure sent with the client structure's type
            """
def MyCmSetOptions(NdisDriverHandle, DriverContext):
    co = NDIS_PROTOCOL_CO_CHARACTERISTICS()
    co.Header.Type = NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS
    co.Header.Revision = NDIS_PROTOCOL_CO_CHARACTERISTICS_REVISION_1
    co.Header.Size = NDIS_SIZEOF_PROTOCOL_CO_CHARACTERISTICS_REVISION_1
    for field, handler in CO_HANDLERS.items():
        setattr(co, field, handler)
    Status = NdisSetOptionalHandlers(NdisDriverHandle, co)
    if Status != NDIS_STATUS_SUCCESS:
        return Status
    cm = NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS()
    cm.Header.Type = NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS
    cm.Header.Revision = NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1
    cm.Header.Size = NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1
    for field, handler in CM_HANDLERS.items():
        setattr(cm, field, handler)
    return NdisSetOptionalHandlers(NdisDriverHandle, cm)
""",
            "NDIS holds its",
        ),
    ],
    "nb05-mcm-set-options": [
        (  # the miniport half only: NDIS sees a CoNDIS miniport with two handlers missing
            """
def MyMcmSetOptions(NdisDriverHandle, DriverContext):
    co = NDIS_MINIPORT_CO_CHARACTERISTICS()
    co.Header.Type = NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS
    co.Header.Revision = NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1
    co.Header.Size = NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1
    for field, handler in MCM_CO_HANDLERS.items():
        setattr(co, field, handler)
    Status = NdisSetOptionalHandlers(NdisDriverHandle, co)
    if Status != NDIS_STATUS_SUCCESS:
        return Status
    return NDIS_STATUS_SUCCESS
""",
            "all 17 call manager handlers",
        ),
        (  # one function for both OID roles
            """
def MyMcmSetOptions(NdisDriverHandle, DriverContext):
    co = NDIS_MINIPORT_CO_CHARACTERISTICS()
    co.Header.Type = NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS
    co.Header.Revision = NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1
    co.Header.Size = NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1
    for field, handler in MCM_CO_HANDLERS.items():
        setattr(co, field, handler)
    Status = NdisSetOptionalHandlers(NdisDriverHandle, co)
    if Status != NDIS_STATUS_SUCCESS:
        return Status
    cm = NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS()
    cm.Header.Type = NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS
    cm.Header.Revision = NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1
    cm.Header.Size = NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1
    for field, handler in MCM_CM_HANDLERS.items():
        setattr(cm, field, handler)
    cm.CmOidRequestHandler = MCM_CO_HANDLERS["CoOidRequestHandler"]
    return NdisSetOptionalHandlers(NdisDriverHandle, cm)
""",
            "the MCM loads",
        ),
    ],
    "nb06-im-chars": [
        (  # every handler, but the flag is missing: NDIS sees an ordinary miniport
            """
def my_fill(mchars):
    mchars.InitializeHandlerEx = lane_mp.LaneInitializeEx
    mchars.HaltHandlerEx = lane_mp.LaneHaltEx
    mchars.UnloadHandler = lane_driver.LaneUnload
    mchars.PauseHandler = lane_mp.LanePause
    mchars.RestartHandler = lane_mp.LaneRestart
    mchars.OidRequestHandler = lane_mp.LaneOidRequest
    mchars.SendNetBufferListsHandler = lane_mp.LaneSendNetBufferLists
    mchars.ReturnNetBufferListsHandler = lane_mp.LaneReturnNetBufferLists
    mchars.CancelSendHandler = lane_mp.LaneCancelSend
    mchars.DevicePnPEventNotifyHandler = lane_mp.LaneDevicePnPEventNotify
    mchars.ShutdownHandlerEx = lane_mp.LaneShutdownEx
    mchars.CancelOidRequestHandler = lane_mp.LaneCancelOidRequest
""",
            "NDIS registered an intermediate driver",
        ),
        (  # a reset handler "just in case"
            """
def my_fill(mchars):
    mchars.Flags = NDIS_INTERMEDIATE_DRIVER
    mchars.InitializeHandlerEx = lane_mp.LaneInitializeEx
    mchars.HaltHandlerEx = lane_mp.LaneHaltEx
    mchars.UnloadHandler = lane_driver.LaneUnload
    mchars.PauseHandler = lane_mp.LanePause
    mchars.RestartHandler = lane_mp.LaneRestart
    mchars.OidRequestHandler = lane_mp.LaneOidRequest
    mchars.SendNetBufferListsHandler = lane_mp.LaneSendNetBufferLists
    mchars.ReturnNetBufferListsHandler = lane_mp.LaneReturnNetBufferLists
    mchars.CancelSendHandler = lane_mp.LaneCancelSend
    mchars.DevicePnPEventNotifyHandler = lane_mp.LaneDevicePnPEventNotify
    mchars.ShutdownHandlerEx = lane_mp.LaneShutdownEx
    mchars.CancelOidRequestHandler = lane_mp.LaneCancelOidRequest
    mchars.ResetHandlerEx = lambda MiniportAdapterContext: (NDIS_STATUS_SUCCESS, False)
""",
            "`CheckForHangHandlerEx` and `ResetHandlerEx` stay NULL",
        ),
        (  # the flag, but OidRequestHandler is still missing
            """
def my_fill(mchars):
    mchars.Flags = NDIS_INTERMEDIATE_DRIVER
    mchars.InitializeHandlerEx = lane_mp.LaneInitializeEx
    mchars.HaltHandlerEx = lane_mp.LaneHaltEx
    mchars.UnloadHandler = lane_driver.LaneUnload
    mchars.PauseHandler = lane_mp.LanePause
    mchars.RestartHandler = lane_mp.LaneRestart
    mchars.SendNetBufferListsHandler = lane_mp.LaneSendNetBufferLists
    mchars.ReturnNetBufferListsHandler = lane_mp.LaneReturnNetBufferLists
    mchars.CancelSendHandler = lane_mp.LaneCancelSend
    mchars.DevicePnPEventNotifyHandler = lane_mp.LaneDevicePnPEventNotify
    mchars.ShutdownHandlerEx = lane_mp.LaneShutdownEx
    mchars.CancelOidRequestHandler = lane_mp.LaneCancelOidRequest
""",
            "NDIS accepts the registration",
        ),
    ],
    "nb06-bind-adapter": [
        (  # the protocol handle instead of the retained miniport driver handle
            """
def MyBindAdapterEx(ProtocolDriverContext, BindContext, BindParameters):
    Status = ClBindAdapterEx(ProtocolDriverContext, BindContext, BindParameters)
    if Status != NDIS_STATUS_SUCCESS:
        return Status
    NdisIMInitializeDeviceInstanceEx(ProtocolDriverContext.NdisProtocolHandle, "lane0",
                                     ProtocolDriverContext.bindings[-1])
    return Status
""",
            "the lower binding opens and `NdisIMInitializeDeviceInstanceEx` succeeds",
        ),
        (  # one name for every instance
            """
def MyBindAdapterEx(ProtocolDriverContext, BindContext, BindParameters):
    Status = ClBindAdapterEx(ProtocolDriverContext, BindContext, BindParameters)
    if Status != NDIS_STATUS_SUCCESS:
        return Status
    NdisIMInitializeDeviceInstanceEx(ProtocolDriverContext.NdisMiniportDriverHandle, "lane0",
                                     ProtocolDriverContext.bindings[-1])
    return Status
""",
            "two lower adapters get two virtual miniports",
        ),
        (  # no device context: MiniportInitializeEx cannot find its lower binding
            """
def MyBindAdapterEx(ProtocolDriverContext, BindContext, BindParameters):
    Status = ClBindAdapterEx(ProtocolDriverContext, BindContext, BindParameters)
    if Status != NDIS_STATUS_SUCCESS:
        return Status
    name = f"lane{ProtocolDriverContext.instances}"
    ProtocolDriverContext.instances += 1
    NdisIMInitializeDeviceInstanceEx(ProtocolDriverContext.NdisMiniportDriverHandle, name)
    return Status
""",
            "NDIS starts the virtual miniport and it runs",
        ),
    ],
    "nb07-co-send": [
        (  # completes the chain twice
            """
def MyCoSendNetBufferLists(MiniportVcContext, NetBufferLists, SendFlags):
    nbl = NetBufferLists
    while nbl is not None:
        nbl.Status = NDIS_STATUS_SUCCESS
        nbl = nbl.Next
    NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, NetBufferLists, 0)
    NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, NetBufferLists, 0)
""",
            "no verifier finding",
        ),
        (  # completes only the head: the rest of the chain is cut off and never comes back
            """
def MyCoSendNetBufferLists(MiniportVcContext, NetBufferLists, SendFlags):
    NetBufferLists.Status = NDIS_STATUS_SUCCESS
    NetBufferLists.Next = None
    NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, NetBufferLists, 0)
""",
            "a chain of 8 NBLs comes back whole",
        ),
        (  # use after completion: follows Next after giving the NBL back
            """
def MyCoSendNetBufferLists(MiniportVcContext, NetBufferLists, SendFlags):
    nbl = NetBufferLists
    while nbl is not None:
        nbl.Status = NDIS_STATUS_SUCCESS
        NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, nbl, 0)
        nbl = nbl.Next
""",
            "no verifier finding",
        ),
        (  # a failure status for a good send
            """
def MyCoSendNetBufferLists(MiniportVcContext, NetBufferLists, SendFlags):
    nbl = NetBufferLists
    while nbl is not None:
        nbl.Status = NDIS_STATUS_FAILURE
        nbl = nbl.Next
    NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, NetBufferLists, 0)
""",
            "one NBL comes back to the client once",
        ),
    ],
    "nb07-length-check": [
        (  # drops the long frames instead of completing them
            """
def MyCheckedCoSend(MiniportVcContext, NetBufferLists, SendFlags):
    keep = [n for n in iter_chain(NetBufferLists) if n.FirstNetBuffer.DataLength <= MAX_FRAME]
    for a, b in zip(keep, keep[1:] + [None]):
        a.Status, a.Next = NDIS_STATUS_SUCCESS, b
    if keep:
        NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, keep[0], 0)
""",
            "a frame longer than `MAX_FRAME` comes back",
        ),
        (  # off by one: refuses a frame of exactly MAX_FRAME bytes
            """
def MyCheckedCoSend(MiniportVcContext, NetBufferLists, SendFlags):
    nbl = NetBufferLists
    while nbl is not None:
        nbl.Status = NDIS_STATUS_INVALID_LENGTH if nbl.FirstNetBuffer.DataLength >= MAX_FRAME else NDIS_STATUS_SUCCESS
        nbl = nbl.Next
    NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, NetBufferLists, 0)
""",
            "a frame of exactly `MAX_FRAME` bytes",
        ),
        (  # judges the whole chain by its first NBL
            """
def MyCheckedCoSend(MiniportVcContext, NetBufferLists, SendFlags):
    too_long = NetBufferLists.FirstNetBuffer.DataLength > MAX_FRAME
    nbl = NetBufferLists
    while nbl is not None:
        nbl.Status = NDIS_STATUS_INVALID_LENGTH if too_long else NDIS_STATUS_SUCCESS
        nbl = nbl.Next
    NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, NetBufferLists, 0)
""",
            "in a mixed chain each NBL gets its own status",
        ),
    ],
    "nb08-receive": [
        (  # returns even what was only lent
            """
def MyCoReceiveNetBufferLists(ProtocolBindingContext, ProtocolVcContext, NetBufferLists,
                              NumberOfNetBufferLists, ReceiveFlags):
    NdisReturnNetBufferLists(ProtocolBindingContext.NdisBindingHandle, NetBufferLists, 0)
""",
            "NBLs lent with `NDIS_RECEIVE_FLAGS_RESOURCES`",
        ),
        (  # returns only the head of each chain
            """
def MyCoReceiveNetBufferLists(ProtocolBindingContext, ProtocolVcContext, NetBufferLists,
                              NumberOfNetBufferLists, ReceiveFlags):
    if ReceiveFlags & NDIS_RECEIVE_FLAGS_RESOURCES:
        return
    NetBufferLists.Next = None
    NdisReturnNetBufferLists(ProtocolBindingContext.NdisBindingHandle, NetBufferLists, 0)
""",
            "NBLs indicated normally go back",
        ),
        (  # compares the flags for equality: misses the flag when another bit is set too
            """
def MyCoReceiveNetBufferLists(ProtocolBindingContext, ProtocolVcContext, NetBufferLists,
                              NumberOfNetBufferLists, ReceiveFlags):
    if ReceiveFlags == NDIS_RECEIVE_FLAGS_RESOURCES:
        return
    NdisReturnNetBufferLists(ProtocolBindingContext.NdisBindingHandle, NetBufferLists, 0)
""",
            "NBLs lent with",
        ),
    ],
    "nb08-oid-request": [
        (  # writes the value even when the buffer is too small
            """
def MyCoOidRequest(MiniportAdapterContext, MiniportVcContext, NdisRequest):
    info = NdisRequest.DATA.QUERY_INFORMATION
    if info.Oid == OID_GEN_CO_LINK_SPEED:
        value, size = (LINK_SPEED, LINK_SPEED), 8
    elif info.Oid == OID_GEN_CO_VENDOR_DESCRIPTION:
        value, size = VENDOR_DESCRIPTION, len(VENDOR_DESCRIPTION)
    else:
        return NDIS_STATUS_INVALID_OID
    info.InformationBuffer = value
    info.BytesWritten = size
    return NDIS_STATUS_SUCCESS
""",
            "a buffer too small",
        ),
        (  # answers NOT_SUPPORTED for OIDs it does not know
            """
def MyCoOidRequest(MiniportAdapterContext, MiniportVcContext, NdisRequest):
    info = NdisRequest.DATA.QUERY_INFORMATION
    if info.Oid == OID_GEN_CO_LINK_SPEED:
        value, size = (LINK_SPEED, LINK_SPEED), 8
    elif info.Oid == OID_GEN_CO_VENDOR_DESCRIPTION:
        value, size = VENDOR_DESCRIPTION, len(VENDOR_DESCRIPTION)
    else:
        return NDIS_STATUS_NOT_SUPPORTED
    if info.InformationBufferLength < size:
        info.BytesNeeded = size
        return NDIS_STATUS_BUFFER_TOO_SHORT
    info.InformationBuffer = value
    info.BytesWritten = size
    return NDIS_STATUS_SUCCESS
""",
            "any other OID",
        ),
        (  # forgets BytesWritten
            """
def MyCoOidRequest(MiniportAdapterContext, MiniportVcContext, NdisRequest):
    info = NdisRequest.DATA.QUERY_INFORMATION
    if info.Oid == OID_GEN_CO_LINK_SPEED:
        value, size = (LINK_SPEED, LINK_SPEED), 8
    elif info.Oid == OID_GEN_CO_VENDOR_DESCRIPTION:
        value, size = VENDOR_DESCRIPTION, len(VENDOR_DESCRIPTION)
    else:
        return NDIS_STATUS_INVALID_OID
    if info.InformationBufferLength < size:
        info.BytesNeeded = size
        return NDIS_STATUS_BUFFER_TOO_SHORT
    info.InformationBuffer = value
    return NDIS_STATUS_SUCCESS
""",
            "`OID_GEN_CO_LINK_SPEED` returns",
        ),
    ],
}


# ---------------------------------------------------------------- the catalogue and the notebooks agree


def test_there_are_exercises() -> None:
    assert len(PLACED) >= 2, "the notebooks hold no exercises"


def test_every_registered_exercise_is_in_a_notebook() -> None:
    assert set(exercises("exercise")) == set(PLACED), "registered exercises and notebook exercises differ"


def test_every_exercise_cell_defines_the_entry_its_check_looks_up() -> None:
    for ex_id, p in PLACED.items():
        entry = get(ex_id).entry
        assert re.search(rf"^def {entry}\(", p.starter, re.M), f"{ex_id}: the exercise cell does not define {entry}"
        assert re.search(rf"^def {entry}\(", p.solution, re.M), f"{ex_id}: the solution does not define {entry}"


def test_every_exercise_has_wrong_answers() -> None:
    missing = [i for i in IDS if not WRONG_ANSWERS.get(i)]
    assert not missing, f"exercises without a wrong answer to test: {missing}"
    assert set(WRONG_ANSWERS) <= set(IDS)


def test_each_notebook_with_exercises_has_at_least_two() -> None:
    per_nb: dict[str, int] = {}
    for p in PLACED.values():
        per_nb[p.notebook.name] = per_nb.get(p.notebook.name, 0) + 1
    assert all(n >= 2 for n in per_nb.values()), per_nb


@pytest.mark.parametrize("ex_id", IDS)
def test_solution_passes(ex_id: str) -> None:
    result = attempt(PLACED[ex_id], PLACED[ex_id].solution)
    assert result.passed, repr(result)


@pytest.mark.parametrize("ex_id", IDS)
def test_starter_fails_cleanly(ex_id: str) -> None:
    result = attempt(PLACED[ex_id], PLACED[ex_id].starter)
    assert not result.passed, f"{ex_id}: the starter already passes every check"
    html = result._repr_html_()
    assert 'data-result="fail"' in html
    # The hints travel with the result but hidden: the build-time output shows none of them.
    hints = re.findall(r'<li class="condis-check__hint" data-hint="(\d+)"( hidden)?>', html)
    assert [int(n) for n, _ in hints] == list(range(1, len(get(ex_id).hints) + 1))
    assert all(hidden for _, hidden in hints), f"{ex_id}: a hint is visible before any attempt"
    assert '<div class="condis-check__hints" hidden>' in html


@pytest.mark.parametrize("ex_id", IDS)
def test_check_cell_run_first_says_what_to_run(ex_id: str) -> None:
    """A reader who runs the check cell before anything else gets guidance, not a NameError."""
    p = PLACED[ex_id]
    result = run_check_cell(p, {"__name__": "__main__"})
    assert result.state == "missing" and not result.passed
    html = result._repr_html_()
    assert 'data-result="missing"' in html
    assert f"<code>{get(ex_id).entry}</code>" in html and "Run the exercise cell first" in html


@pytest.mark.parametrize("ex_id", IDS)
def test_hints_are_graduated_and_never_the_answer(ex_id: str) -> None:
    ex = get(ex_id)
    assert len(ex.hints) >= 2
    assert "learn.microsoft.com" in ex.hints[0] or "](ddi:" in ex.hints[0] or "](net:" in ex.hints[0], (
        f"{ex_id}: the first hint should point at Microsoft's page"
    )
    assert [hint(ex_id, n) for n in range(1, len(ex.hints) + 1)] == [
        f"Hint {n} of {len(ex.hints)}: {h}" for n, h in enumerate(ex.hints, start=1)
    ]
    with pytest.raises(IndexError):
        hint(ex_id, len(ex.hints) + 1)
    # No hint quotes a line of the published solution's body (the lines that do the work).
    body = [line.strip() for line in PLACED[ex_id].solution.splitlines()[2:] if len(line.strip()) > 24]
    for h in ex.hints:
        for line in body:
            assert line not in h, f"{ex_id}: a hint gives away the line {line!r}"


@pytest.mark.parametrize("ex_id", IDS)
def test_reference_passes_and_a_failure_shows_both_traces(ex_id: str) -> None:
    ex = get(ex_id)
    assert ex.reference is not None
    assert run_checks(ex, ex.reference()).passed, f"{ex_id}: the reference fails its own checks"
    result = attempt(PLACED[ex_id], PLACED[ex_id].starter)
    assert result.comparison is not None, f"{ex_id}: a failed check shows no trace comparison"
    html = result._repr_html_()
    assert '<div class="condis-diff" hidden>' in html
    if result.comparison.first_divergence is not None:
        assert html.count('data-first="true"') == 1


@pytest.mark.parametrize(("ex_id", "index"), [(i, n) for i in IDS for n in range(len(WRONG_ANSWERS.get(i, [])))])
def test_wrong_answer_fails_its_check(ex_id: str, index: int) -> None:
    source, failing = WRONG_ANSWERS[ex_id][index]
    result = attempt(PLACED[ex_id], source)
    assert not result.passed, f"{ex_id}: wrong answer #{index} passes every check"
    failed = [o.expects for o in result.failures]
    assert any(e.startswith(failing) for e in failed), f"{ex_id}: wrong answer #{index} failed {failed}"


# ---------------------------------------------------------------- the framework itself


def _fails_with(msg: str) -> None:
    raise CheckFailed(msg)


def _boom(_: object) -> None:
    raise ZeroDivisionError("division by zero")


DEMO = Exercise(
    id="nb00-demo",
    title="Return `42`",
    asks="a function",
    entry="answer",
    checks=(
        Check("returns 42", lambda f: None if f() == 42 else _fails_with(f"it returned {f()!r}")),
        Check("survives a crash in the check", _boom),
    ),
    hints=("Think of [the answer](https://example.org/a) <not HTML>.", "Use `return 42`."),
)


def test_result_renders_state_and_escapes() -> None:
    result = run_checks(DEMO, lambda: 41)
    assert not result.passed
    html = result._repr_html_()
    assert 'data-exercise="nb00-demo"' in html and 'data-result="fail"' in html
    assert "<code>42</code>" in html and "&lt;not HTML&gt;" in html
    assert '<a href="https://example.org/a">the answer</a>' in html
    assert "it returned 41" in html and "ZeroDivisionError: division by zero" in html
    assert "Not yet: 0 of 2 checks pass" in repr(result)
    assert "return 42" not in repr(result), "the text view shows no hint either"
    assert result.comparison is None, "no reference, no comparison"


def test_wrong_kind_fails_every_check_without_running_it() -> None:
    result = run_checks(DEMO, 42)
    assert [o.passed for o in result.outcomes] == [False, False]
    assert "got a value of type int" in result.outcomes[0].detail


def test_reader_exceptions_do_not_escape() -> None:
    def broken() -> int:
        raise KeyError("missing")

    result = run_checks(DEMO, broken)
    assert result.outcomes[0].detail == "KeyError: 'missing'"


def test_all_checks_passing_is_a_pass() -> None:
    ok = Exercise("nb00-ok", "t", "a function", "f", (Check("returns 42", lambda f: None),), ("h1", "h2"))
    result = run_checks(ok, lambda: 42)
    assert result.passed and 'data-result="pass"' in result._repr_html_()
    assert "condis-check__hint" not in result._repr_html_()


def test_registering_an_exercise_with_one_hint_is_refused() -> None:
    one = Exercise("nb00-one-hint", "t", "a function", "f", (Check("x", lambda f: None),), ("only",))
    with pytest.raises(ValueError, match="needs at least 2"):
        register(one)
    assert "nb00-one-hint" not in exercises()


def test_check_by_name_finds_the_callers_function() -> None:
    namespace: dict[str, Any] = {"check": check}
    missing = eval('check("nb03-create-vc")', namespace)
    assert missing.state == "missing" and "MyCoCreateVc" in missing.summary()
    exec("def MyCoCreateVc(MiniportAdapterContext, NdisVcHandle):\n    return 0xC000009A, None", namespace)
    result = eval('check("nb03-create-vc")', namespace)
    assert result.state == "fail" and len(result.outcomes) == 5


def test_a_name_error_in_the_readers_code_says_to_run_the_cells_above() -> None:
    def MyCoCreateVc(MiniportAdapterContext: object, NdisVcHandle: object) -> object:
        return LoopbackVc  # type: ignore[name-defined]  # noqa: F821  (a setup cell not run)

    result = check("nb03-create-vc", MyCoCreateVc)
    assert "NameError" in result.outcomes[0].detail
    assert "run the cells above the exercise first" in result.outcomes[0].detail


def test_unknown_exercise_id_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="no exercise 'nb99-nope'"):
        check("nb99-nope", print)


def test_reference_builders_reject_unknown_handler_names() -> None:
    """A misspelled handler field in a check is a clear error when the driver is built, not a silent no-op."""
    from condis_edu.exercises.catalogue._reference import client_driver_entry, loopback_driver_entry

    with pytest.raises(ValueError, match="NDIS_MINIPORT_CO_CHARACTERISTICS"):
        loopback_driver_entry(CoCreateVcHandlr=lambda *a: None)
    with pytest.raises(ValueError, match="NDIS_CO_CLIENT_OPTIONAL_HANDLERS"):
        client_driver_entry(ClMakeCallCompletHandler=lambda *a: None)
    loopback_driver_entry(CoCreateVcHandler=lambda *a: None)  # a real field is accepted
