"""Notebook 6, "Intermediate drivers": the virtual miniport's handler table, and starting it from a bind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from condis_edu import EventKind
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
from condis_edu.exercises.catalogue._helpers import calls, findings_text, fresh, result_of
from condis_edu.exercises.catalogue._im import lane_driver_entry
from condis_edu.harness.machine import Machine
from condis_edu.ndis import NDIS_INTERMEDIATE_DRIVER, NDIS_MINIPORT_DRIVER_CHARACTERISTICS
from condis_edu.samples import call_manager, ethproto, lane_im, loopback_miniport

Handler = Callable[..., Any]


def _im_stack(entry: Callable[..., Any], adapters: int = 1) -> Machine:
    """Loopback NIC(s), the sample call manager, the IM built from ``entry``, and ethproto; all bound."""
    m = fresh()
    m.load_driver(loopback_miniport)
    m.load_driver(call_manager)
    im = m.load_driver(entry, name="lane_im")
    if not im.loaded:
        raise CheckFailed(f"the intermediate driver did not load ({findings_text(m) or 'no verifier finding'})")
    m.load_driver(ethproto)
    for _ in range(adapters):
        m.start_adapter("loopback_miniport")
    m.bind_all()
    return m


def _virtual(m: Machine) -> list[Any]:
    return [a for a in m.adapters if a.driver.name == "lane_im"]


def _frames_flow(m: Machine, lower: str = "loopback0") -> None:
    call = lane_im.connect(m, lower)
    m.run_until_idle()
    if call.state != "connected":
        raise CheckFailed(f"the IM's call over {lower} did not connect ({findings_text(m) or call.state})")
    m.bind_all()
    ethproto.send_frames(m, [b"hello", b"world"])
    m.run_until_idle()
    stats = ethproto.statistics(m)
    if stats["received"] != [b"hello", b"world"]:
        raise CheckFailed(f"ethproto sent two frames through the virtual miniport and got back {stats['received']}")


# ---------------------------------------------------------------- nb06-im-chars


def _loads(fill: Handler) -> None:
    m = fresh()
    record = m.load_driver(lane_driver_entry(fill), name="lane_im")
    if not record.loaded or m.findings:
        raise CheckFailed(f"loaded={record.loaded}; the verifier reported: {findings_text(m) or 'nothing'}")


def _flag(fill: Handler) -> None:
    m = fresh()
    record = m.load_driver(lane_driver_entry(fill), name="lane_im")
    if not record.loaded or not record.miniports:
        raise CheckFailed(f"the driver did not load ({findings_text(m) or 'no verifier finding'})")
    flags = record.miniports[0].chars.Flags
    if not isinstance(flags, int) or not flags & NDIS_INTERMEDIATE_DRIVER:
        raise CheckFailed(f"NDIS holds Flags = {flags!r}: a plain miniport, not an intermediate driver")


def _null_slots(fill: Handler) -> None:
    chars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
    fill(chars)
    filled = [f for f in ("CheckForHangHandlerEx", "ResetHandlerEx") if getattr(chars, f) is not None]
    if filled:
        raise CheckFailed(f"{', '.join(filled)} set: NDIS never hang-checks or resets a virtual miniport")


def _starts(fill: Handler) -> None:
    m = _im_stack(lane_driver_entry(fill))
    virtual = _virtual(m)
    if not virtual or virtual[0].state.name != "RUNNING":
        raise CheckFailed(f"after binding, the IM's adapters are {[(a.name, a.state.name) for a in virtual]}")
    _frames_flow(m)
    if m.findings:
        raise CheckFailed(f"the verifier reported: {findings_text(m)}")


register(
    Exercise(
        id="nb06-im-chars",
        title="Fill the virtual miniport's characteristics of an intermediate driver",
        asks="your function that fills NDIS_MINIPORT_DRIVER_CHARACTERISTICS",
        entry="my_fill",
        checks=(
            Check("NDIS accepts the registration: the driver loads, no verifier finding", _loads),
            Check("NDIS registered an intermediate driver (`NDIS_INTERMEDIATE_DRIVER` in `Flags`)", _flag),
            Check("`CheckForHangHandlerEx` and `ResetHandlerEx` stay NULL", _null_slots),
            Check("binding starts the virtual miniport, and frames flow through it", _starts),
        ),
        hints=(
            (
                "An intermediate driver's miniport edge registers with a flag saying that no hardware stands "
                "behind it, and it follows handler rules of its own. See [Registering an intermediate driver as a "
                "miniport driver](net:registering-an-intermediate-driver-as-a-miniport-driver)."
            ),
            (
                "The flag is `NDIS_INTERMEDIATE_DRIVER`, in `mchars.Flags`. The notebook's tables (`IM_REQUIRED`, "
                "`IM_MUST_BE_NULL`) list the handlers an IM must set and those it must leave NULL."
            ),
            (
                "Go through the required list one by one against what you set. An IM answers OIDs from the "
                "protocols above it, so `OidRequestHandler` is required; `CheckForHangHandlerEx` and "
                "`ResetHandlerEx` must stay NULL."
            ),
        ),
        reference=_solutions.im_fill,
    )
)

# ---------------------------------------------------------------- nb06-bind-adapter


def _bind_ok(bind: Handler) -> None:
    m = _im_stack(lane_driver_entry(BindAdapterHandlerEx=bind))
    found = calls(m, "NdisIMInitializeDeviceInstanceEx")
    if not found:
        raise CheckFailed("your ProtocolBindAdapterEx never called NdisIMInitializeDeviceInstanceEx")
    result = result_of(m, found[0])
    if not result.startswith("NDIS_STATUS_SUCCESS") or m.findings:
        raise CheckFailed(f"NdisIMInitializeDeviceInstanceEx returned {result}; {findings_text(m) or 'no finding'}")
    lower = [b for a in m.adapters if a.driver.name == "loopback_miniport" for b in a.bindings]
    if not any(b.driver.name == "lane_im" and b.state.name == "RUNNING" for b in lower):
        raise CheckFailed("the IM's binding to loopback0 is not running")


def _virtual_runs(bind: Handler) -> None:
    m = _im_stack(lane_driver_entry(BindAdapterHandlerEx=bind))
    virtual = _virtual(m)
    if not virtual:
        raise CheckFailed("no virtual miniport was started" + (f" ({findings_text(m)})" if m.findings else ""))
    if virtual[0].state.name != "RUNNING":
        raise CheckFailed(
            f"{virtual[0].name} is {virtual[0].state.name}: MiniportInitializeEx needs the lower binding as "
            "DeviceContext"
        )


def _data(bind: Handler) -> None:
    m = _im_stack(lane_driver_entry(BindAdapterHandlerEx=bind))
    if not _virtual(m):
        raise CheckFailed("no virtual miniport was started")
    _frames_flow(m)


def _two(bind: Handler) -> None:
    m = _im_stack(lane_driver_entry(BindAdapterHandlerEx=bind), adapters=2)
    names = sorted(a.name for a in _virtual(m) if a.state.name == "RUNNING")
    if len(names) != 2:
        raise CheckFailed(
            f"two lower adapters, running virtual miniports: {names}" + (f" ({findings_text(m)})" if m.findings else "")
        )


register(
    Exercise(
        id="nb06-bind-adapter",
        title="Start a virtual miniport from the IM's `ProtocolBindAdapterEx`",
        asks="your ProtocolBindAdapterEx function",
        entry="MyBindAdapterEx",
        checks=(
            Check("the lower binding opens and `NdisIMInitializeDeviceInstanceEx` succeeds, no finding", _bind_ok),
            Check("NDIS starts the virtual miniport and it runs", _virtual_runs),
            Check("frames from the protocol above travel through the virtual miniport and back", _data),
            Check("two lower adapters get two virtual miniports", _two),
        ),
        hints=(
            (
                "An IM starts one virtual miniport for each lower adapter it binds to, from "
                "`ProtocolBindAdapterEx`, with `NdisIMInitializeDeviceInstanceEx`. See "
                "[NdisIMInitializeDeviceInstanceEx](ddi:nf-ndis-ndisiminitializedeviceinstanceex) and [NDIS "
                "intermediate drivers](net:ndis-intermediate-drivers)."
            ),
            (
                "That DDI wants the handle NDIS returned from `NdisMRegisterMiniportDriver` (the IM kept it in "
                "`ProtocolDriverContext`), not the protocol's handle; each instance needs a name of its own; and "
                "its last argument is a device context that `MiniportInitializeEx` gets back."
            ),
            (
                "Open the lower binding first with `ClBindAdapterEx`. When that succeeds the new binding is "
                "`ProtocolDriverContext.bindings[-1]`: pass it as the device context, and count instances in "
                "`ProtocolDriverContext.instances` to make the names."
            ),
        ),
        reference=_solutions.bind_adapter,
    )
)


# ---------------------------------------------------------------- nb06-virtual-miniport-start (knowledge)


def _virtual_miniport_start() -> Question:
    m = Machine()
    m.load_driver(loopback_miniport)
    m.load_driver(call_manager)
    m.load_driver(lane_im)
    m.start_adapter("loopback_miniport")
    m.bind_all()
    m.run_until_idle()
    start_instance = first_event(m.trace, EventKind.CALL, "NdisIMInitializeDeviceInstanceEx")
    bind = next_upcall(m.trace, 0, lambda e: e.target == "lane_im" and e.name == "ProtocolBindAdapterEx")
    edge = lambda e: e.target == "lane_im" and e.name.startswith("Miniport")  # noqa: E731
    nxt = next_upcall(m.trace, start_instance.seq, edge)
    to_im = lambda e: e.target == "lane_im"  # noqa: E731
    return Question(
        scenario=(
            "The LAN-emulation IM has opened its binding to the loopback adapter and asked NDIS for a virtual "
            "miniport above it with `NdisIMInitializeDeviceInstanceEx`."
        ),
        trace=trace_until(m.trace, start_instance.seq + 1, start=m.trace.events.index(bind)),
        prompt="Which handler of the IM's miniport edge does NDIS call first for the new virtual miniport?",
        choices=handler_choices(m.trace, nxt.name, to_im, others=("ProtocolNetPnPEvent",)),
        answer=nxt.name,
        explanation=(
            f"`{nxt.name}` (event {nxt.seq}), as for any adapter: the IM's upper edge is an ordinary miniport. "
            "It comes after the binding below has finished starting, and it receives the device context the IM "
            "passed to `NdisIMInitializeDeviceInstanceEx`."
        ),
    )


register(
    KnowledgeCheck(
        id="nb06-virtual-miniport-start",
        title="How a virtual miniport starts",
        build=_virtual_miniport_start,
        pages=(("NdisIMInitializeDeviceInstanceEx", "ddi:nf-ndis-ndisiminitializedeviceinstanceex"),),
    )
)
