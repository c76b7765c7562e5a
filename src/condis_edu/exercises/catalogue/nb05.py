"""Notebook 5, "Registering CoNDIS WAN drivers and call managers": CM and MCM registration."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from condis_edu import EventKind
from condis_edu._library.objects import Driver
from condis_edu.exercises._core import Check, CheckFailed, Exercise, register
from condis_edu.exercises._knowledge import (
    KnowledgeCheck,
    Question,
    first_event,
    handler_choices,
    next_upcall,
    trace_until,
)
from condis_edu.exercises.catalogue import _solutions
from condis_edu.exercises.catalogue._helpers import calls, findings_text, fresh
from condis_edu.exercises.catalogue._reference import (
    call_manager_driver_entry,
    call_manager_tables,
    loopback_driver_entry,
    mcm_driver_entry,
    mcm_tables,
)
from condis_edu.harness.machine import Machine
from condis_edu.samples import client, mcm

Handler = Callable[..., Any]


def _loaded(m: Machine, name: str) -> Driver:
    driver = m.driver(name) if any(d.name == name for d in m.drivers) else None
    if driver is None or not driver.loaded:
        raise CheckFailed(f"{name} did not load: {findings_text(m) or 'DriverEntry failed, no verifier finding'}")
    return driver


def _call_connects(m: Machine) -> None:
    m.bind_all()
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    if call.state != "connected":
        raise CheckFailed(f"the client's call ended {call.state} ({findings_text(m) or 'no verifier finding'})")
    if m.findings:
        raise CheckFailed(f"the call connected, but the verifier reported: {findings_text(m)}")


# ---------------------------------------------------------------- nb05-cm-set-options


def _cm_machine(set_options: Handler) -> Machine:
    m = fresh()
    m.load_driver(loopback_driver_entry(), name="loopback_miniport")
    m.load_driver(call_manager_driver_entry(set_options), name="call_manager")
    m.load_driver(client)
    return m


def _cm_loads(set_options: Handler) -> None:
    m = _cm_machine(set_options)
    _loaded(m, "call_manager")


def _cm_structures(set_options: Handler) -> None:
    m = _cm_machine(set_options)
    protocol = _loaded(m, "call_manager").protocol
    assert protocol is not None
    missing = [
        name
        for name, registered in (
            ("NDIS_PROTOCOL_CO_CHARACTERISTICS", protocol.co),
            ("NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS", protocol.cm),
        )
        if registered is None
    ]
    if missing:
        raise CheckFailed("NDIS holds no " + " and no ".join(missing) + " for the driver")


def _cm_all_handlers(set_options: Handler) -> None:
    m = _cm_machine(set_options)
    protocol = _loaded(m, "call_manager").protocol
    assert protocol is not None
    co, cm = call_manager_tables()
    empty = [f for f in co if protocol.co is None or getattr(protocol.co, f) is None]
    empty += [f for f in cm if protocol.cm is None or getattr(protocol.cm, f) is None]
    if empty:
        raise CheckFailed("NULL handlers: " + ", ".join(empty))


def _cm_works(set_options: Handler) -> None:
    m = _cm_machine(set_options)
    _loaded(m, "call_manager")
    m.start_adapter("loopback_miniport")
    m.bind_all()
    if not calls(m, "NdisCmRegisterAddressFamilyEx"):
        raise CheckFailed(
            f"the call manager bound but never registered its address family ({findings_text(m) or 'no finding'})"
        )
    _call_connects(m)


register(
    Exercise(
        id="nb05-cm-set-options",
        title="Register a stand-alone call manager's CoNDIS handlers",
        asks="your ProtocolSetOptions function",
        entry="MyCmSetOptions",
        checks=(
            Check("the call manager loads", _cm_loads),
            Check(
                "NDIS holds its `NDIS_PROTOCOL_CO_CHARACTERISTICS` and `NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS`",
                _cm_structures,
            ),
            Check("all 4 CoNDIS protocol handlers and all 17 call manager handlers are registered", _cm_all_handlers),
            Check("it registers its AF when it binds, and a client's call through it connects", _cm_works),
        ),
        hints=(
            (
                "A call manager registers two optional structures from `ProtocolSetOptions`, each with its own "
                "`NdisSetOptionalHandlers` call. See [CoNDIS call manager "
                "registration](net:condis-call-manager-registration)."
            ),
            (
                "The first is `NDIS_PROTOCOL_CO_CHARACTERISTICS` (the connection-oriented protocol handlers, "
                "`CO_HANDLERS`), the second `NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS` (the seventeen `Cm...` "
                "handlers, `CM_HANDLERS`). Each has a header of its own to fill."
            ),
            (
                "Stop at the first refusal: if the first `NdisSetOptionalHandlers` does not return "
                "`NDIS_STATUS_SUCCESS`, return its status; otherwise return what the second call returns."
            ),
        ),
        reference=_solutions.cm_set_options,
    )
)

# ---------------------------------------------------------------- nb05-mcm-set-options


def _mcm_machine(set_options: Handler) -> Machine:
    m = fresh()
    m.load_driver(mcm_driver_entry(set_options), name="mcm")
    m.load_driver(client)
    return m


def _mcm_loads(set_options: Handler) -> None:
    _loaded(_mcm_machine(set_options), "mcm")


def _mcm_no_create_delete(set_options: Handler) -> None:
    m = _mcm_machine(set_options)
    registered = [f.short() for f in m.findings if f.rule.id == "R1.34"]
    if registered:
        raise CheckFailed("; ".join(registered))
    driver = _loaded(m, "mcm")
    co = driver.miniports[0].co
    if co is None:
        raise CheckFailed("NDIS holds no NDIS_MINIPORT_CO_CHARACTERISTICS for the MCM")
    set_anyway = [f for f in ("CoCreateVcHandler", "CoDeleteVcHandler") if getattr(co, f) is not None]
    if set_anyway:
        raise CheckFailed("these must stay NULL for an MCM: " + ", ".join(set_anyway))


def _mcm_is_call_manager(set_options: Handler) -> None:
    m = _mcm_machine(set_options)
    driver = _loaded(m, "mcm")
    if driver.miniports[0].cm is None:
        raise CheckFailed("no NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS registered: NDIS sees a plain miniport")
    _, cm = mcm_tables()
    empty = [f for f in cm if getattr(driver.miniports[0].cm, f) is None]
    if empty:
        raise CheckFailed("NULL call manager handlers: " + ", ".join(empty))


def _mcm_works(set_options: Handler) -> None:
    m = _mcm_machine(set_options)
    _loaded(m, "mcm")
    m.start_adapter("mcm")
    _call_connects(m)
    if calls(m, "MiniportCoCreateVc", EventKind.UPCALL):
        raise CheckFailed("NDIS called MiniportCoCreateVc on an MCM")


register(
    Exercise(
        id="nb05-mcm-set-options",
        title="Register an MCM: miniport and call manager in one `MiniportSetOptions`",
        asks="your MiniportSetOptions function",
        entry="MyMcmSetOptions",
        checks=(
            Check("the MCM loads", _mcm_loads),
            Check("`CoCreateVcHandler` and `CoDeleteVcHandler` are left NULL", _mcm_no_create_delete),
            Check("all 17 call manager handlers are registered", _mcm_is_call_manager),
            Check("a client's call through the MCM connects", _mcm_works),
        ),
        hints=(
            (
                "An MCM is a miniport and a call manager in one driver, so its `MiniportSetOptions` registers "
                "both roles. See [CoNDIS MCM registration](net:condis-mcm-registration) and [MCM drivers vs. call "
                "managers](net:mcm-drivers-vs--call-managers)."
            ),
            (
                "Its miniport half is an `NDIS_MINIPORT_CO_CHARACTERISTICS` without `CoCreateVcHandler` and "
                "`CoDeleteVcHandler`: for an MCM, NDIS calls the call manager's create and delete handlers "
                "instead. `MCM_CO_HANDLERS` holds the four it does register."
            ),
            (
                "Register `NDIS_MINIPORT_CO_CHARACTERISTICS` with `MCM_CO_HANDLERS`, then "
                "`NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS` with `MCM_CM_HANDLERS`: one `NdisSetOptionalHandlers` "
                "call each, stopping at the first failure."
            ),
        ),
        reference=_solutions.mcm_set_options,
    )
)


# ---------------------------------------------------------------- nb05-mcm-create-vc (knowledge)


def _mcm_create_vc() -> Question:
    m = Machine()
    m.load_driver(mcm)
    m.load_driver(client)
    m.start_adapter("mcm")
    m.bind_all()
    start = len(m.trace)
    client.make_call(m, b"echo")
    m.run_until_idle()
    create = first_event(m.trace, EventKind.CALL, "NdisCoCreateVc", start)
    to_mcm = lambda e: e.target == "mcm"  # noqa: E731
    nxt = next_upcall(m.trace, create.seq, to_mcm)
    return Question(
        scenario="A client bound to an MCM creates a VC for an outgoing call on the MCM's address family.",
        trace=trace_until(m.trace, create.seq, start=start),
        prompt="Which of the MCM's handlers does NDIS call for this VC?",
        choices=handler_choices(m.trace, nxt.name, to_mcm, others=("MiniportCoCreateVc",)),
        answer=nxt.name,
        explanation=(
            f"NDIS calls `{nxt.name}` (event {nxt.seq}), the call manager's create handler: an MCM registers no "
            "`MiniportCoCreateVc`, so its call manager half answers for the whole driver."
        ),
    )


register(
    KnowledgeCheck(
        id="nb05-mcm-create-vc",
        title="Creating a VC on an MCM",
        build=_mcm_create_vc,
        pages=(("MCM drivers vs. call managers", "net:mcm-drivers-vs--call-managers"),),
    )
)
