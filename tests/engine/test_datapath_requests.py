"""CoNDIS OID requests, status indications and resets, through the sample drivers."""

from __future__ import annotations

from typing import Any

import pytest

from condis_edu import Machine
from condis_edu._library.ddi.requests import cancel_oid, oid_table
from condis_edu._library.headers import fill_header
from condis_edu.mirror.oids import MANDATORY_CO_OIDS
from condis_edu.ndis import (
    NDIS_OID_REQUEST,
    NDIS_STATUS_BUFFER_TOO_SHORT,
    NDIS_STATUS_INDICATION,
    NDIS_STATUS_INVALID_OID,
    NDIS_STATUS_LINK_STATE,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_RESET_END,
    NDIS_STATUS_RESET_IN_PROGRESS,
    NDIS_STATUS_RESET_START,
    NDIS_STATUS_SUCCESS,
    OID_GEN_CO_LINK_SPEED,
    OID_GEN_CO_SUPPORTED_LIST,
    OID_GEN_CO_VENDOR_DESCRIPTION,
    OID_GEN_CO_XMIT_PDUS_OK,
    NdisCoOidRequest,
    NdisMCoIndicateStatusEx,
    NdisMResetComplete,
    NdisRequestQueryInformation,
)
from condis_edu.samples import client
from condis_edu.samples.client import data as cl_data
from condis_edu.samples.loopback_miniport import datapath as mp_data
from condis_edu.testing import loopback_machine


def machine(complete: str = "inline", verifier: str = "strict") -> tuple[Machine, Any, Any]:
    m, nic = loopback_machine(verifier=verifier)
    mp_data.settings(nic).complete = complete
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    return m, nic, call


def query(oid: int, length: int = 64, request_id: object = None) -> NDIS_OID_REQUEST:
    request = NDIS_OID_REQUEST(RequestType=NdisRequestQueryInformation, RequestId=request_id)
    fill_header(request)
    request.DATA.QUERY_INFORMATION.Oid = oid
    request.DATA.QUERY_INFORMATION.InformationBufferLength = length
    return request


def ask(m: Machine, call: Any, request: NDIS_OID_REQUEST, vc: bool = False) -> int:
    with m.running_as("client"):
        handle = call.af.binding.NdisBindingHandle
        return NdisCoOidRequest(handle, None, call.NdisVcHandle if vc else None, None, request)


def test_mandatory_oids_are_answered() -> None:
    m, _, call = machine()
    for oid in MANDATORY_CO_OIDS:
        request = query(oid)
        assert ask(m, call, request) == NDIS_STATUS_SUCCESS, hex(oid)
        assert request.DATA.QUERY_INFORMATION.BytesWritten > 0
    supported = query(OID_GEN_CO_SUPPORTED_LIST, length=256)
    ask(m, call, supported)
    info = supported.DATA.QUERY_INFORMATION
    assert isinstance(info.InformationBuffer, tuple)
    assert set(MANDATORY_CO_OIDS) <= set(info.InformationBuffer)
    assert info.BytesWritten == 4 * len(info.InformationBuffer)  # an array of 4-byte OIDs, not a count
    speed = query(OID_GEN_CO_LINK_SPEED)
    ask(m, call, speed)
    assert speed.DATA.QUERY_INFORMATION.BytesWritten == 8  # NDIS_CO_LINK_SPEED: Outbound, Inbound
    assert m.findings == []


def test_mandatory_oid_answers_are_checked_on_the_pended_route_too() -> None:
    from condis_edu.ndis import NdisMCoOidRequestComplete

    m, nic, call = machine(verifier="collect")
    nic.miniport.co.CoOidRequestHandler = lambda ctx, vc, request: NDIS_STATUS_PENDING
    request = query(OID_GEN_CO_LINK_SPEED)
    assert ask(m, call, request) == NDIS_STATUS_PENDING
    assert m.findings == []
    with m.running_as("loopback_miniport"):
        NdisMCoOidRequestComplete(nic.handle, None, request, NDIS_STATUS_SUCCESS)  # wrote nothing
    m.run_until_idle()
    assert [f.rule.id for f in m.findings] == ["R4.13"]
    assert "BytesWritten is 0" in m.findings[0].detail


def test_short_buffer_and_unknown_oid() -> None:
    m, _, call = machine()
    request = query(OID_GEN_CO_VENDOR_DESCRIPTION, length=4)
    assert ask(m, call, request) == NDIS_STATUS_BUFFER_TOO_SHORT
    assert request.DATA.QUERY_INFORMATION.BytesNeeded == len(mp_data.VENDOR_DESCRIPTION)
    assert ask(m, call, query(0x0BADF00D)) == NDIS_STATUS_INVALID_OID


def test_statistics_per_vc_and_per_adapter() -> None:
    m, _, call = machine()
    with m.running_as("client"):
        cl_data.send_chain(call, cl_data.build_chain(call, 3, b"x"))
    per_vc, total = query(OID_GEN_CO_XMIT_PDUS_OK), query(OID_GEN_CO_XMIT_PDUS_OK)
    ask(m, call, per_vc, vc=True)
    ask(m, call, total)
    assert per_vc.DATA.QUERY_INFORMATION.InformationBuffer == 3
    assert total.DATA.QUERY_INFORMATION.InformationBuffer == 3


def test_pended_oids_are_not_serialized_and_complete_later() -> None:
    m, nic, call = machine()
    mp_data.settings(nic).pend_oids = True
    first, second = query(OID_GEN_CO_LINK_SPEED), query(OID_GEN_CO_VENDOR_DESCRIPTION)
    assert ask(m, call, first) == NDIS_STATUS_PENDING
    assert ask(m, call, second) == NDIS_STATUS_PENDING  # a second one while the first is pending (R4.08)
    table = oid_table(m._lib)
    assert len(table.pending) == 2
    m.run_until_idle()
    assert table.pending == {}
    assert table.completed[-2:] == [("OID_GEN_CO_LINK_SPEED", 0), ("OID_GEN_CO_VENDOR_DESCRIPTION", 0)]
    assert first.DATA.QUERY_INFORMATION.InformationBuffer == (1_555_200, 1_555_200)


def test_cancel_reaches_the_miniport() -> None:
    m, nic, call = machine()
    mp_data.settings(nic).pend_oids = True
    ask(m, call, query(OID_GEN_CO_LINK_SPEED, request_id=7))
    assert cancel_oid(m._lib, nic, 7) is True
    assert cancel_oid(m._lib, nic, 8) is False
    m.run_until_idle()


class StatusRecorder:
    def __init__(self, m: Machine) -> None:
        self.seen: list[tuple[str, object, int]] = []
        for name in ("client", "call_manager"):
            protocol = m.driver(name).protocol
            assert protocol is not None and protocol.co is not None
            original = protocol.co.CoStatusHandlerEx

            def record(bctx: Any, vctx: Any, ind: Any, _name: str = name, _orig: Any = original) -> None:
                self.seen.append((_name, vctx, ind.StatusCode))
                _orig(bctx, vctx, ind)

            protocol.co.CoStatusHandlerEx = record


def indication(nic: Any, code: int) -> NDIS_STATUS_INDICATION:
    ind = NDIS_STATUS_INDICATION(SourceHandle=nic.handle, StatusCode=code)
    fill_header(ind)
    return ind


def test_status_goes_to_every_binding_or_to_one_vc() -> None:
    m, nic, call = machine()
    recorder = StatusRecorder(m)
    with m.running_as("loopback_miniport"):
        NdisMCoIndicateStatusEx(nic.handle, None, indication(nic, NDIS_STATUS_LINK_STATE))
    assert sorted(name for name, vctx, _ in recorder.seen) == ["call_manager", "client"]
    assert all(vctx is None for _, vctx, _ in recorder.seen)
    recorder.seen.clear()
    with m.running_as("loopback_miniport"):
        NdisMCoIndicateStatusEx(nic.handle, call.NdisVcHandle, indication(nic, NDIS_STATUS_LINK_STATE))
    assert ("client", call, NDIS_STATUS_LINK_STATE) in recorder.seen


def test_reset_brackets_with_start_and_end_and_aborts_queued_sends() -> None:
    m, nic, call = machine(complete="deferred")
    recorder = StatusRecorder(m)
    with m.running_as("client"):
        cl_data.send_chain(call, cl_data.build_chain(call, 3, b"x"))
    assert nic.outstanding_sends == 3
    assert m.reset_adapter(nic) == NDIS_STATUS_SUCCESS
    codes = [code for name, _, code in recorder.seen if name == "client"]
    assert codes == [NDIS_STATUS_RESET_START, NDIS_STATUS_RESET_END]
    data = cl_data.data_of(call)
    assert data.completed == {NDIS_STATUS_RESET_IN_PROGRESS: 3} and nic.outstanding_sends == 0


def test_sends_and_oids_during_a_pended_reset_are_refused() -> None:
    m, nic, call = machine()
    nic.miniport.chars.ResetHandlerEx = lambda ctx: (NDIS_STATUS_PENDING, False)
    m.reset_adapter(nic)
    with m.running_as("client"):
        cl_data.send_chain(call, cl_data.build_chain(call, 2, b"x"))
    assert ask(m, call, query(OID_GEN_CO_LINK_SPEED)) == NDIS_STATUS_RESET_IN_PROGRESS
    m.run_until_idle()
    assert cl_data.data_of(call).completed == {NDIS_STATUS_RESET_IN_PROGRESS: 2}
    with m.running_as("loopback_miniport"):
        NdisMResetComplete(nic.handle, NDIS_STATUS_SUCCESS, False)
    with m.running_as("client"):
        cl_data.send_chain(call, cl_data.build_chain(call, 1, b"x"))
    assert cl_data.data_of(call).completed[NDIS_STATUS_SUCCESS] == 1


def test_deactivation_waits_for_held_receives() -> None:
    m, nic, call = machine()
    data = cl_data.data_of(call)
    data.hold_receives = True
    with m.running_as("client"):
        cl_data.send_chain(call, cl_data.build_chain(call, 2, b"x"))
    assert nic.outstanding_receives == 2
    client.close_call(m, call)
    m.run_until_idle()
    vc = next(v for v in nic.vcs if v.handle is call.NdisVcHandle)
    assert vc.state.name == "DEACTIVATING"  # the miniport waits for its echoed NBLs (R2.28)
    with m.running_as("client"):
        cl_data.release_receives(call)
    m.run_until_idle(audit=True)
    assert nic.outstanding_receives == 0 and call.state == "closed"
    assert m.findings == []


@pytest.mark.parametrize("mode", ["strict", "collect"])
def test_a_pause_declared_early_is_held_until_drained(mode: str) -> None:
    m, nic = loopback_machine(verifier=mode)  # type: ignore[arg-type]
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    cl_data.data_of(call).hold_receives = True
    with m.running_as("client"):
        cl_data.send_chain(call, cl_data.build_chain(call, 1, b"x"))
    nic.miniport.chars.PauseHandler = lambda ctx, params: NDIS_STATUS_SUCCESS
    if mode == "strict":
        from condis_edu import VerifierViolation

        with pytest.raises(VerifierViolation, match=r"R5\.19"):
            m.pause_adapter(nic)
        return
    m.pause_adapter(nic)
    assert nic.state.name == "PAUSING"  # NDIS holds the pause: an NBL is still out
    with m.running_as("client"):
        cl_data.release_receives(call)
    m.run_until_idle()
    assert nic.state.name == "PAUSED" and [f.rule.id for f in m.findings] == ["R5.19"]


def test_a_supported_list_counted_in_oids_not_bytes_is_flagged() -> None:
    from condis_edu.ndis import NdisRequestQueryInformation

    m, nic, call = machine(verifier="collect")

    def counts_oids(ctx: Any, vc: Any, request: Any) -> int:
        info = request.DATA.QUERY_INFORMATION
        if request.RequestType == NdisRequestQueryInformation and info.Oid == OID_GEN_CO_SUPPORTED_LIST:
            info.InformationBuffer = MANDATORY_CO_OIDS
            info.BytesWritten = len(MANDATORY_CO_OIDS)  # the old loopback mistake: a count, not 4 bytes each
            return NDIS_STATUS_SUCCESS
        return NDIS_STATUS_INVALID_OID

    nic.miniport.co.CoOidRequestHandler = counts_oids
    assert ask(m, call, query(OID_GEN_CO_SUPPORTED_LIST, length=256)) == NDIS_STATUS_SUCCESS
    assert [f.rule.id for f in m.findings] == ["R4.13"]
    assert "4 bytes per item" in m.findings[0].detail
    assert ask(m, call, query(OID_GEN_CO_LINK_SPEED)) == NDIS_STATUS_INVALID_OID  # refusing a mandatory one
    assert [f.rule.id for f in m.findings] == ["R4.13", "R4.13"]


def test_a_pended_reset_moves_through_the_reset_table_in_the_trace() -> None:
    m, nic, call = machine()
    nic.miniport.chars.ResetHandlerEx = lambda ctx: (NDIS_STATUS_PENDING, False)
    start = len(m.trace)
    m.reset_adapter(nic)
    with m.running_as("client"):
        cl_data.send_chain(call, cl_data.build_chain(call, 1, b"x"))
    m.run_until_idle()
    with m.running_as("loopback_miniport"):
        NdisMResetComplete(nic.handle, NDIS_STATUS_SUCCESS, False)
    lines = m.trace.to_text(start=start).splitlines()

    def at(needle: str) -> int:
        hits = [i for i, line in enumerate(lines) if needle in line]
        assert hits, needle
        return hits[0]

    begun = at("[reset] adapter#1 IDLE -> IN_PROGRESS")
    assert begun < at("MiniportResetEx(adapter#1)") < at("[reset] adapter#1 IN_PROGRESS -> PENDING")
    refused = at("ProtocolCoSendNetBufferListsComplete(")
    assert at("[reset] adapter#1 IN_PROGRESS -> PENDING") < refused < at("[reset] adapter#1 PENDING -> IDLE")
    assert at("NdisMResetComplete(") < at("[reset] adapter#1 PENDING -> IDLE")
    assert cl_data.data_of(call).completed == {NDIS_STATUS_RESET_IN_PROGRESS: 1}
    assert not nic.resetting
