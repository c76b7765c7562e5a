"""The three kinds of outcome, kept apart (docs/reference/harness.md, "Outcomes"), and the
engine bugs the adversarial review found on the way.

(a) NDIS documents a status for the misuse: the driver gets it in every verifier mode, the
    verifier notes a finding that never halts, and the driver's failure path runs.
(b) NDIS or Driver Verifier would bug-check: strict mode raises the bug check with its real
    code and parameters and halts; collect mode records the finding and the call does not go
    ahead (nothing changes).
(c) the harness itself is misused: a named ``UsageError``, nothing changes.
"""

from __future__ import annotations

from typing import Any

import pytest

from condis_edu import HarnessError, Machine, UsageError
from condis_edu._library.headers import fill_header
from condis_edu._library.trace import EventKind
from condis_edu.errors import RuleBugCheck
from condis_edu.ndis import (
    NDIS_OID_REQUEST,
    NDIS_STATUS_INVALID_PARAMETER,
    NDIS_STATUS_NOT_ACCEPTED,
    NDIS_STATUS_NOT_SUPPORTED,
    NDIS_STATUS_SUCCESS,
    NDIS_STATUS_VC_NOT_ACTIVATED,
    OID_GEN_CO_LINK_SPEED,
    NdisCmActivateVc,
    NdisCoCreateVc,
    NdisCoDeleteVc,
    NdisCoOidRequest,
    NdisCoSendNetBufferLists,
    NdisRequestQueryInformation,
)
from condis_edu.samples import client
from condis_edu.samples.client import data as cl_data
from condis_edu.samples.client.state import ClVc
from condis_edu.samples.common import call_parameters
from condis_edu.testing import loopback_machine, miniport_driver
from condis_edu.verifier.core import VerifierMode

MODES: tuple[VerifierMode, ...] = ("strict", "collect")


def connected(mode: VerifierMode) -> tuple[Machine, Any]:
    m, _ = loopback_machine(verifier=mode)
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    assert call.state == "connected"
    return m, call


# ------------------------------------------------------------------------ (a) documented status
@pytest.mark.parametrize("mode", MODES)
def test_deleting_an_active_vc_returns_not_accepted_and_the_failure_path_runs(mode: VerifierMode) -> None:
    m, call = connected(mode)
    with m.running_as("client"):
        status = NdisCoDeleteVc(call.NdisVcHandle)
    assert status == NDIS_STATUS_NOT_ACCEPTED
    assert m.halted is None
    assert [f.rule.id for f in m.findings] == ["R2.37"]
    # The failure path: close the call first; then the sample's own delete succeeds.
    handle = call.NdisVcHandle
    client.close_call(m, call)
    m.run_until_idle()
    assert not handle.alive and m.halted is None
    assert [f.rule.id for f in m.findings] == ["R2.37"]


@pytest.mark.parametrize("mode", MODES)
def test_a_bad_ndis_version_is_bad_version_in_strict_mode_too(mode: VerifierMode) -> None:
    def old(chars: Any) -> None:
        chars.MajorNdisVersion = 5

    m = Machine(verifier=mode)
    record = m.load_driver(miniport_driver(edit_chars=old))
    assert not record.loaded  # DriverEntry saw NDIS_STATUS_BAD_VERSION and failed cleanly
    assert m.halted is None
    assert "R1.09" in [f.rule.id for f in m.findings]


# ------------------------------------------------------------------------ (b) bug check
def bad_header_request() -> NDIS_OID_REQUEST:
    request = NDIS_OID_REQUEST(RequestType=NdisRequestQueryInformation)
    fill_header(request)
    request.DATA.QUERY_INFORMATION.Oid = OID_GEN_CO_LINK_SPEED
    request.Header.Revision = 7  # no such revision
    return request


def test_a_bad_object_header_is_bug_check_0x7c_invalid_object_header() -> None:
    m, call = connected("strict")
    with pytest.raises(RuleBugCheck) as caught, m.running_as("client"):
        NdisCoOidRequest(call.af.binding.NdisBindingHandle, None, None, None, bad_header_request())
    assert caught.value.code == 0x7C
    assert caught.value.parameters[0] == 0x21  # NDIS_BUGCHECK_INVALID_OBJECT_HEADER
    assert m.halted is not None


def test_collect_mode_records_the_bug_check_and_the_call_does_not_go_ahead() -> None:
    m, call = connected("collect")
    before = m.snapshot()
    with m.running_as("client"):
        status = NdisCoOidRequest(call.af.binding.NdisBindingHandle, None, None, None, bad_header_request())
    assert status == NDIS_STATUS_INVALID_PARAMETER
    assert [f.rule.id for f in m.findings] == ["X1.07"]
    assert m.snapshot() == before and m.halted is None


# ------------------------------------------------------------------------ (c) harness misuse
def test_harness_misuse_is_a_named_error() -> None:
    m, call = connected("strict")
    before = m.snapshot()
    with pytest.raises(HarnessError):
        m.start_adapter(42)  # type: ignore[arg-type]
    with pytest.raises(HarnessError):
        m.halt_adapter(object())  # type: ignore[arg-type]
    with pytest.raises(UsageError), m.running_as("client"):
        NdisCoDeleteVc(call)  # the client's context, not its NdisVcHandle
    assert m.snapshot() == before and m.halted is None


# ------------------------------------------------------------------------ engine bugs
def test_the_trace_names_the_driver_that_really_calls() -> None:
    m, call = connected("collect")
    with m.running_as("client"):
        NdisCmActivateVc(call.NdisVcHandle, call_parameters(b"echo"))  # only the CM may
    calls = [e for e in m.trace.events if e.kind is EventKind.CALL and e.name == "NdisCmActivateVc"]
    assert calls[-1].source == "client"  # before the fix: the VC's call manager
    assert "R2.14" in [f.rule.id for f in m.findings]


@pytest.mark.parametrize("mode", MODES)
def test_a_send_ndis_refused_comes_back_before_its_vc_can_be_deleted(mode: VerifierMode) -> None:
    m, call = connected(mode)
    af = call.af
    with m.running_as("client"):
        vc = ClVc(af, outgoing=True, called=b"echo")
        status, handle = NdisCoCreateVc(af.binding.NdisBindingHandle, af.NdisAfHandle, vc)
        assert status == NDIS_STATUS_SUCCESS and handle is not None
        vc.NdisVcHandle = handle
        head = cl_data.build_chain(vc, 2, b"x")
        NdisCoSendNetBufferLists(handle, head, 0)  # not activated: NDIS completes it itself, later
        assert NdisCoDeleteVc(handle) == NDIS_STATUS_NOT_ACCEPTED  # its NBLs are still out
    m.run_until_idle()
    assert cl_data.data_of(vc).completed == {NDIS_STATUS_VC_NOT_ACTIVATED: 2}
    with m.running_as("client"):
        assert NdisCoDeleteVc(handle) == NDIS_STATUS_SUCCESS
    assert m.halted is None


def test_a_miniport_without_co_handlers_fails_the_vc_with_a_status() -> None:
    # collect mode: the miniport's own mistake (R1.18) is recorded when its adapter starts
    m, _ = loopback_machine(verifier="collect", miniport=miniport_driver(register_co=False))
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    assert call.state == "failed" and call.status == NDIS_STATUS_NOT_SUPPORTED
    assert m.halted is None
