"""Notebook 6, "Intermediate drivers": the virtual miniport's handler table, and starting it from a bind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from condis_edu.exercises._core import Check, CheckFailed, Exercise, register
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
        checks=(
            Check("NDIS accepts the registration: the driver loads, no verifier finding", _loads),
            Check("NDIS registered an intermediate driver (`NDIS_INTERMEDIATE_DRIVER` in `Flags`)", _flag),
            Check("`CheckForHangHandlerEx` and `ResetHandlerEx` stay NULL", _null_slots),
            Check("binding starts the virtual miniport, and frames flow through it", _starts),
        ),
        hint=(
            "Set `mchars.Flags = NDIS_INTERMEDIATE_DRIVER`, then all twelve required handlers, including "
            "`OidRequestHandler` (an IM answers OIDs from above) and `CancelOidRequestHandler`. Leave "
            "`CheckForHangHandlerEx` and `ResetHandlerEx` alone: they must stay NULL."
        ),
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
        checks=(
            Check("the lower binding opens and `NdisIMInitializeDeviceInstanceEx` succeeds, no finding", _bind_ok),
            Check("NDIS starts the virtual miniport and it runs", _virtual_runs),
            Check("frames from the protocol above travel through the virtual miniport and back", _data),
            Check("two lower adapters get two virtual miniports", _two),
        ),
        hint=(
            "After `ClBindAdapterEx` succeeds, the new binding is `ProtocolDriverContext.bindings[-1]`. Call "
            "`NdisIMInitializeDeviceInstanceEx(ProtocolDriverContext.NdisMiniportDriverHandle, name, binding)` with "
            "the handle kept from `NdisMRegisterMiniportDriver` (not the protocol handle), a name of its own per "
            "instance (count them in `ProtocolDriverContext.instances`), and the binding as the device context."
        ),
    )
)
