"""Intermediate drivers: handler rules, device instances, stack pause, and the
connectionless edge, through the LAN-emulation sample and the ethproto protocol."""

from __future__ import annotations

from typing import Any

from condis_edu import Machine
from condis_edu._library.ddi.intermediate import IM_MUST_BE_NULL, IM_REQUIRED, im_handler_problems
from condis_edu._library.headers import fill_header
from condis_edu.mirror.structures import NDIS_MINIPORT_DRIVER_CHARACTERISTICS
from condis_edu.ndis import (
    NDIS_INTERMEDIATE_DRIVER,
    NDIS_OID_REQUEST,
    NDIS_STATUS_FAILURE,
    NDIS_STATUS_NOT_ACCEPTED,
    NDIS_STATUS_SUCCESS,
    OID_802_3_CURRENT_ADDRESS,
    NdisHaltDeviceInstanceDeInitialized,
    NdisIMCancelInitializeDeviceInstance,
    NdisIMInitializeDeviceInstanceEx,
    NdisOidRequest,
    NdisRequestQueryInformation,
)
from condis_edu.samples import call_manager, ethproto, lane_im, loopback_miniport
from condis_edu.samples.client.state import ClBinding


def stack(verifier: str = "strict") -> tuple[Machine, Any]:
    m = Machine(verifier=verifier)  # type: ignore[arg-type]
    for driver in (loopback_miniport, call_manager, lane_im, ethproto):
        m.load_driver(driver)
    nic = m.start_adapter("loopback_miniport")
    m.bind_all()
    lane_im.connect(m)
    m.run_until_idle()
    m.bind_all()
    return m, nic


def test_handler_rules_as_a_pure_function() -> None:
    chars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS(Flags=NDIS_INTERMEDIATE_DRIVER)
    for name in IM_REQUIRED:
        setattr(chars, name, lambda *args: None)
    assert im_handler_problems(chars) == []
    chars.OidRequestHandler = None
    chars.ResetHandlerEx = lambda ctx: (0, False)
    problems = im_handler_problems(chars)
    assert [rule for rule, _ in problems] == ["R5.02", "R1.13"]
    assert "OidRequestHandler" in problems[0][1] and "ResetHandlerEx" in problems[1][1]
    assert set(IM_MUST_BE_NULL) == {"CheckForHangHandlerEx", "ResetHandlerEx"}


def test_virtual_miniport_gets_its_device_context() -> None:
    m, _ = stack()
    lane = m.adapter("lane0")
    assert lane.state.name == "RUNNING" and lane.general is not None
    assert isinstance(lane_im.virtual_adapter(m).lower, ClBinding)  # IMDeviceInstanceContext (R5.07)
    assert lane.miniport.im_protocol is m.driver("lane_im").protocol  # NdisIMAssociateMiniport


def test_instance_names_are_unique_and_cancel_works_only_before_start() -> None:
    m, _ = stack()
    handle = m.driver("lane_im").miniports[0].handle
    with m.running_as("lane_im"):
        assert NdisIMInitializeDeviceInstanceEx(handle, "lane0", None) == NDIS_STATUS_NOT_ACCEPTED
        assert NdisIMInitializeDeviceInstanceEx(handle, "lane9", None) == NDIS_STATUS_SUCCESS
        assert NdisIMCancelInitializeDeviceInstance(handle, "lane9") == NDIS_STATUS_SUCCESS
        assert NdisIMCancelInitializeDeviceInstance(handle, "lane9") == NDIS_STATUS_FAILURE
    m.run_until_idle()
    assert [a.name for a in m.adapters] == ["loopback0", "lane0"]


def test_a_miniport_that_is_not_intermediate_is_refused() -> None:
    m, nic = stack(verifier="collect")
    with m.running_as("loopback_miniport"):
        status = NdisIMInitializeDeviceInstanceEx(nic.miniport.handle, "lane5", None)
    assert status == NDIS_STATUS_FAILURE and [f.rule.id for f in m.findings] == ["R5.06"]


def test_frames_cross_the_stack_and_pause_is_top_down() -> None:
    m, nic = stack()
    ethproto.send_frames(m, [b"one", b"two"])
    m.run_until_idle()
    assert ethproto.statistics(m)["received"] == [b"one", b"two"]
    mark = len(m.trace)
    m.pause_adapter(nic)
    pauses = [
        (e.kind.value, e.target if e.kind.value == "upcall" else e.name)
        for e in m.trace.events[mark:]
        if (e.kind.value == "upcall" and e.name == "MiniportPause") or e.name.startswith("NDIS pauses")
    ]
    assert pauses == [
        ("note", "NDIS pauses lane0, stacked above loopback0"),
        ("upcall", "lane_im"),  # the virtual miniport first ...
        ("upcall", "loopback_miniport"),  # ... then the NIC under it
    ]
    assert [a.state.name for a in m.adapters] == ["PAUSED", "PAUSED"]
    m.restart_adapter(nic)
    assert [a.state.name for a in m.adapters] == ["RUNNING", "RUNNING"]
    assert m.findings == []


def test_unbinding_the_im_deinitializes_the_virtual_miniport() -> None:
    m, nic = stack()
    lane = m.adapter("lane0")
    actions: list[int] = []
    original = lane.miniport.chars.HaltHandlerEx

    def halt(ctx: Any, action: int) -> None:
        actions.append(action)
        assert original is not None
        original(ctx, action)

    lane.miniport.chars.HaltHandlerEx = halt
    m.unbind("lane_im", nic)
    m.run_until_idle()
    assert actions == [NdisHaltDeviceInstanceDeInitialized]
    assert [a.name for a in m.adapters] == ["loopback0"] and m.findings == []


def test_connectionless_oid_through_the_virtual_miniport() -> None:
    m, _ = stack()
    binding = m.driver("ethproto").protocol.bindings[0]  # type: ignore[union-attr]
    request = NDIS_OID_REQUEST(RequestType=NdisRequestQueryInformation)
    fill_header(request)
    request.DATA.QUERY_INFORMATION.Oid = OID_802_3_CURRENT_ADDRESS
    with m.running_as("ethproto"):
        assert NdisOidRequest(binding.handle, request) == NDIS_STATUS_SUCCESS
    assert request.DATA.QUERY_INFORMATION.InformationBuffer == b"\x02\x00LANE"


def test_open_on_an_adapter_of_another_medium_is_refused_with_unsupported_media() -> None:
    # ethproto asks for Ethernet; the loopback NIC below is a CoNDIS (ATM) adapter. NDIS refuses the
    # open with ndis.h's NDIS_STATUS_UNSUPPORTED_MEDIA and creates no binding.
    from condis_edu import Machine
    from condis_edu.mirror.status import NDIS_STATUS_UNSUPPORTED_MEDIA, status_name
    from condis_edu.samples import ethproto, loopback_miniport

    m = Machine()
    m.load_driver(loopback_miniport)
    m.load_driver(ethproto)
    nic = m.start_adapter("loopback_miniport")
    m.bind_all()
    assert NDIS_STATUS_UNSUPPORTED_MEDIA == 0xC0010019
    assert status_name(NDIS_STATUS_UNSUPPORTED_MEDIA) == "NDIS_STATUS_UNSUPPORTED_MEDIA"
    opens = [line for line in m.trace.to_text().splitlines() if "NdisOpenAdapterEx" in line]
    assert opens and all("NDIS_STATUS_UNSUPPORTED_MEDIA" in line for line in opens), opens
    assert not [b for b in nic.bindings if b.protocol.name == "ethproto"]
