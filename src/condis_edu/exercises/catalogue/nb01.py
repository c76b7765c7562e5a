"""Notebook 1, "Your first CoNDIS miniport": DriverEntry and MiniportSetOptions."""

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
from condis_edu.exercises.catalogue import _reference as ref
from condis_edu.exercises.catalogue import _solutions
from condis_edu.exercises.catalogue._helpers import calls, findings_text, first_result, fresh, load
from condis_edu.harness.machine import Machine
from condis_edu.ndis import NDIS_HANDLE
from condis_edu.samples import loopback_miniport

NAME = "exercise_miniport"

# ---------------------------------------------------------------- nb01-driver-entry


def _load_entry(entry: Callable[..., Any], machine: Machine | None = None) -> tuple[Machine, Driver]:
    return load(entry, NAME, machine)


def _calls_register(entry: Callable[..., Any]) -> None:
    m, _ = _load_entry(entry)
    if not calls(m, "NdisMRegisterMiniportDriver"):
        raise CheckFailed("DriverEntry returned without calling NdisMRegisterMiniportDriver")


def _ndis_accepts(entry: Callable[..., Any]) -> None:
    m, _ = _load_entry(entry)
    result = first_result(m, "NdisMRegisterMiniportDriver")
    if not result.startswith("NDIS_STATUS_SUCCESS"):
        why = findings_text(m) or "no verifier finding"
        raise CheckFailed(f"NdisMRegisterMiniportDriver returned {result.split()[0]} ({why})")


def _loads(entry: Callable[..., Any]) -> None:
    m, driver = _load_entry(entry)
    first_result(m, "NdisMRegisterMiniportDriver")
    if not driver.loaded:
        status = first_result(m, "DriverEntry", EventKind.UPCALL)
        raise CheckFailed(f"DriverEntry returned {status}, so the system unloaded the driver")
    if m.findings:
        raise CheckFailed(f"the verifier reported: {findings_text(m)}")


def _keeps_handle(entry: Callable[..., Any]) -> None:
    m, driver = _load_entry(entry)
    handle = first_result(m, "NdisMRegisterMiniportDriver").split()[-1]
    if not driver.loaded:
        raise CheckFailed("the driver did not load, so there is no handle to keep yet")
    kept = _handles_in(driver.driver_object.DriverExtension)
    if handle not in kept:
        raise CheckFailed(
            f"NDIS returned {handle}, but DriverObject.DriverExtension holds no attribute with that handle"
        )


def _handles_in(extension: object) -> set[str]:
    values = vars(extension).values() if hasattr(extension, "__dict__") else ()
    return {v.label for v in values if isinstance(v, NDIS_HANDLE)}


def _fails_when_refused(entry: Callable[..., Any]) -> None:
    old = fresh(ndis_version=(6, 20))  # a machine whose NDIS predates 6.30: NDIS_STATUS_BAD_VERSION
    m, driver = _load_entry(entry, old)
    result = first_result(m, "NdisMRegisterMiniportDriver")
    if result.startswith("NDIS_STATUS_SUCCESS"):
        raise CheckFailed("on an NDIS 6.20 machine registration should fail for a 6.30 driver, yet it succeeded")
    if driver.loaded:
        raise CheckFailed(f"NdisMRegisterMiniportDriver returned {result.split()[0]}, but DriverEntry still succeeded")


register(
    Exercise(
        id="nb01-driver-entry",
        title="Finish `DriverEntry`: header, version, registration",
        asks="your DriverEntry function",
        entry="MyDriverEntry",
        checks=(
            Check("calls `NdisMRegisterMiniportDriver`", _calls_register),
            Check("NDIS accepts the characteristics (`NDIS_STATUS_SUCCESS`)", _ndis_accepts),
            Check("returns `STATUS_SUCCESS`, so the driver stays loaded", _loads),
            Check(
                "keeps `NdisMiniportDriverHandle` in `DriverObject.DriverExtension`",
                _keeps_handle,
            ),
            Check(
                "returns `STATUS_UNSUCCESSFUL` when NDIS refuses it (on an NDIS 6.20 machine)",
                _fails_when_refused,
            ),
        ),
        hints=(
            (
                "Registration is one call, and `NdisMRegisterMiniportDriver` checks the structure's header before "
                "anything else: it refuses a header it does not recognise. Read the remarks of "
                "[NdisMRegisterMiniportDriver](ddi:nf-ndis-ndismregisterminiportdriver) and look at which check "
                "above fails first."
            ),
            (
                "Every NDIS 6 structure starts with an `NDIS_OBJECT_HEADER` whose `Type`, `Revision` and `Size` "
                "name *this* structure at *this* revision. `ndis.h` has a constant for each, named after the "
                "structure: an `NDIS_OBJECT_TYPE_...`, a `..._REVISION_2` and an `NDIS_SIZEOF_..._REVISION_2`."
            ),
            (
                "The DDI returns `(Status, NdisMiniportDriverHandle)`. Keep the handle in "
                "`DriverObject.DriverExtension` only when `Status` is `NDIS_STATUS_SUCCESS`, and let "
                "DriverEntry's own return value say whether registration worked (`STATUS_SUCCESS` or "
                "`STATUS_UNSUCCESSFUL`)."
            ),
        ),
        reference=_solutions.driver_entry,
    )
)

# ---------------------------------------------------------------- nb01-set-options


def _load_with(set_options: Callable[..., Any]) -> tuple[Machine, Driver]:
    return load(ref.driver_entry(set_options), NAME)


def _calls_set_optional(set_options: Callable[..., Any]) -> None:
    m, _ = _load_with(set_options)
    if not calls(m, "MiniportSetOptions", EventKind.UPCALL):
        raise CheckFailed("NDIS never reached MiniportSetOptions")
    if not calls(m, "NdisSetOptionalHandlers"):
        raise CheckFailed(
            "MiniportSetOptions returned without calling NdisSetOptionalHandlers, so NDIS sees a connectionless "
            "miniport"
        )


def _accepted(set_options: Callable[..., Any]) -> None:
    m, _ = _load_with(set_options)
    result = first_result(m, "NdisSetOptionalHandlers")
    if result != "NDIS_STATUS_SUCCESS":
        why = findings_text(m) or "no verifier finding"
        raise CheckFailed(f"NdisSetOptionalHandlers returned {result} ({why})")


def _registered_six(set_options: Callable[..., Any]) -> None:
    m, driver = _load_with(set_options)
    first_result(m, "NdisSetOptionalHandlers")
    miniports = driver.miniports
    if not driver.loaded or not miniports:
        raise CheckFailed(f"the miniport did not load: {findings_text(m) or 'no verifier finding'}")
    co = miniports[0].co
    if co is None:
        raise CheckFailed("NDIS holds no NDIS_MINIPORT_CO_CHARACTERISTICS for the driver")
    missing = [f for f in ref.CO_HANDLERS if getattr(co, f) is None]
    if missing:
        raise CheckFailed("these handlers are NULL: " + ", ".join(missing))


def _returns_status(set_options: Callable[..., Any]) -> None:
    m, driver = _load_with(set_options)
    inner = first_result(m, "NdisSetOptionalHandlers")
    outer = first_result(m, "MiniportSetOptions", EventKind.UPCALL)
    if outer != inner:
        raise CheckFailed(f"NdisSetOptionalHandlers returned {inner} but MiniportSetOptions returned {outer}")
    if not driver.loaded:
        raise CheckFailed(f"the miniport did not load: {findings_text(m) or 'no verifier finding'}")


register(
    Exercise(
        id="nb01-set-options",
        title="Write `MiniportSetOptions` for a CoNDIS miniport",
        asks="your MiniportSetOptions function",
        entry="MySetOptions",
        checks=(
            Check("calls `NdisSetOptionalHandlers` from `MiniportSetOptions`", _calls_set_optional),
            Check("NDIS accepts the `NDIS_MINIPORT_CO_CHARACTERISTICS` (`NDIS_STATUS_SUCCESS`)", _accepted),
            Check("registers all six `MiniportCoXxx` handlers", _registered_six),
            Check("returns the status `NdisSetOptionalHandlers` returned, and the miniport loads", _returns_status),
        ),
        hints=(
            (
                "A CoNDIS miniport registers its connection-oriented handlers separately, from "
                "`MiniportSetOptions`, by handing an `NDIS_MINIPORT_CO_CHARACTERISTICS` to "
                "`NdisSetOptionalHandlers`. See [CoNDIS miniport driver "
                "registration](net:condis-miniport-driver-registration)."
            ),
            (
                "Like every NDIS 6 structure it needs its header (type "
                "`NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS`, revision 1 and its size), and it has six "
                "`Co...Handler` fields: one for each `MPCo...` function defined above."
            ),
            (
                "NDIS's answer is the answer of `MiniportSetOptions`: return whatever `NdisSetOptionalHandlers` "
                "returned, so that a refused registration stops the driver from loading."
            ),
        ),
        reference=_solutions.set_options,
    )
)


# ---------------------------------------------------------------- nb01-next-after-register (knowledge)


def _next_after_register() -> Question:
    m = Machine()
    m.load_driver(loopback_miniport)
    m.start_adapter("loopback_miniport")
    register_call = first_event(m.trace, EventKind.CALL, "NdisMRegisterMiniportDriver")
    to_miniport = lambda e: e.target == "loopback_miniport"  # noqa: E731
    nxt = next_upcall(m.trace, register_call.seq, to_miniport)
    return Question(
        scenario="The loopback miniport is loaded. Its `DriverEntry` has just called `NdisMRegisterMiniportDriver`.",
        trace=trace_until(m.trace, register_call.seq),
        prompt="Which of the miniport's handlers does NDIS call next?",
        choices=handler_choices(m.trace, nxt.name, to_miniport),
        answer=nxt.name,
        explanation=(
            f"NDIS calls `{nxt.name}` (event {nxt.seq}) from inside `NdisMRegisterMiniportDriver`, before the DDI "
            "returns: that is where a CoNDIS miniport registers its `MiniportCoXxx` handlers. Adapters come later."
        ),
    )


register(
    KnowledgeCheck(
        id="nb01-next-after-register",
        title="What NDIS calls during registration",
        build=_next_after_register,
        pages=(("MiniportSetOptions", "ddi:nc-ndis-set_options"),),
    )
)
