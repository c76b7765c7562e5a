"""Bad input: wrong types, None, foreign and stale handles, bad headers, wrong states.

Each case gets the status NDIS would return, a named usage error, or a verifier finding,
and in every case the engine's state is exactly what it was before (``Machine.snapshot``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from condis_edu import (
    CallerUnknownError,
    ForeignHandleError,
    HarnessError,
    Machine,
    StaleHandleError,
    StructureTypeError,
    UsageError,
    WrongHandleError,
)
from condis_edu._library.ddi import vcs as engine_vcs
from condis_edu.errors import HandlerSignatureError
from condis_edu.ndis import (
    CO_ADDRESS_FAMILY,
    NDIS_OID_REQUEST,
    NDIS_STATUS_CLOSING,
    NDIS_STATUS_FAILURE,
    NDIS_STATUS_INDICATION,
    NDIS_STATUS_NOT_ACCEPTED,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
    NdisAllocateIoWorkItem,
    NdisClCloseCall,
    NdisClMakeCall,
    NdisClOpenAddressFamilyEx,
    NdisCmActivateVc,
    NdisCmDeactivateVc,
    NdisCoCreateVc,
    NdisCoDeleteVc,
    NdisCoOidRequest,
    NdisCoOidRequestComplete,
    NdisFreeIoWorkItem,
    NdisMCoActivateVcComplete,
    NdisMCoDeactivateVcComplete,
    NdisMCoIndicateStatusEx,
    NdisMCoOidRequestComplete,
    NdisMIndicateReceiveNetBufferLists,
    NdisMOidRequestComplete,
    NdisMSendNetBufferListsComplete,
    NdisOidRequest,
    NdisQueueIoWorkItem,
    NdisRegisterProtocolDriver,
    NdisSendNetBufferLists,
    fill_header,
)
from condis_edu.samples import client
from condis_edu.samples.common import call_parameters, loopback_af
from condis_edu.testing import loopback_machine, miniport_driver


def client_binding(m: Machine) -> Any:
    return m.driver("client").protocol.bindings[0]  # type: ignore[union-attr]


def connected(m: Machine) -> Any:
    call = client.make_call(m)
    m.run_until_idle()
    return call


def unchanged(m: Machine, action: Callable[[], object]) -> object:
    before = m.snapshot()
    result = action()
    assert m.snapshot() == before
    return result


@pytest.mark.parametrize(
    ("bad", "error"),
    [(None, WrongHandleError), ("binding#1", WrongHandleError), (42, WrongHandleError), (object(), WrongHandleError)],
)
def test_not_a_handle_is_a_type_error(bad: object, error: type[Exception]) -> None:
    m, _ = loopback_machine()
    with pytest.raises(error) as caught, m.running_as("client"):
        unchanged(m, lambda: NdisCoCreateVc(bad, None, None))  # type: ignore[arg-type]
    assert isinstance(caught.value, TypeError) and isinstance(caught.value, UsageError)
    assert "NdisCoCreateVc" in str(caught.value)


def test_wrong_kind_of_handle() -> None:
    m, _ = loopback_machine()
    af = client_binding(m).afs[0].handle
    before = m.snapshot()
    with pytest.raises(WrongHandleError, match="binding"), m.running_as("client"):
        NdisCoCreateVc(af, af, None)
    assert m.snapshot() == before


def test_foreign_handle() -> None:
    m1, _ = loopback_machine()
    m2, _ = loopback_machine()
    foreign_af = client_binding(m2).afs[0].handle
    before = m1.snapshot()
    with pytest.raises(ForeignHandleError) as caught, m1.running_as("client"):
        NdisCoCreateVc(client_binding(m1).handle, foreign_af, None)
    assert isinstance(caught.value, ValueError)
    assert m1.snapshot() == before


def test_stale_handle() -> None:
    m, _ = loopback_machine()
    call = connected(m)
    handle = call.NdisVcHandle
    client.close_call(m, call)
    m.run_until_idle()
    assert not handle.alive and "stale" in repr(handle)
    before = m.snapshot()
    with pytest.raises(StaleHandleError, match="NdisCoDeleteVc"), m.running_as("client"):
        NdisCoDeleteVc(handle)
    assert m.snapshot() == before


def test_handles_cannot_be_built() -> None:
    from condis_edu import NDIS_HANDLE

    with pytest.raises(TypeError):
        NDIS_HANDLE()


def test_wrong_structure_type() -> None:
    m, _ = loopback_machine()
    call = connected(m)
    before = m.snapshot()
    with pytest.raises(StructureTypeError), m.running_as("call_manager"):
        NdisCmActivateVc(call.NdisVcHandle, {"Flags": 0})  # type: ignore[arg-type]
    with pytest.raises(StructureTypeError), m.running_as("client"):
        NdisClOpenAddressFamilyEx(client_binding(m).handle, "AF", None)  # type: ignore[arg-type]
    assert m.snapshot() == before


def test_caller_must_be_known() -> None:
    m, _ = loopback_machine()
    call = connected(m)
    before = m.snapshot()
    with pytest.raises(CallerUnknownError):
        NdisCoDeleteVc(call.NdisVcHandle)
    with pytest.raises(CallerUnknownError):
        NdisRegisterProtocolDriver(None, None)  # type: ignore[arg-type]
    assert m.snapshot() == before


def _request() -> NDIS_OID_REQUEST:
    request = NDIS_OID_REQUEST()
    fill_header(request)
    return request


def _indication() -> NDIS_STATUS_INDICATION:
    indication = NDIS_STATUS_INDICATION()
    fill_header(indication)
    return indication


# The connectionless and OID/status DDIs: (name, the handle's kind, the call, whether it reaches
# the caller check; a NULL NBL chain is refused at the boundary first).
_CALLED_ON: list[tuple[str, str, Callable[[Any], object], bool]] = [
    ("NdisSendNetBufferLists", "binding", lambda h: NdisSendNetBufferLists(h, None, 0, 0), False),
    ("NdisMSendNetBufferListsComplete", "adapter", lambda h: NdisMSendNetBufferListsComplete(h, None, 0), False),
    ("NdisMIndicateReceiveNetBufferLists", "adapter", lambda h: NdisMIndicateReceiveNetBufferLists(h, None, 0, 0, 0), False),
    ("NdisOidRequest", "binding", lambda h: NdisOidRequest(h, _request()), True),
    ("NdisMOidRequestComplete", "adapter", lambda h: NdisMOidRequestComplete(h, _request(), 0), True),
    ("NdisCoOidRequest", "binding", lambda h: NdisCoOidRequest(h, None, None, None, _request()), True),
    ("NdisMCoOidRequestComplete", "adapter", lambda h: NdisMCoOidRequestComplete(h, None, _request(), 0), True),
    ("NdisCoOidRequestComplete", "af", lambda h: NdisCoOidRequestComplete(h, None, None, _request(), 0), True),
    ("NdisMCoIndicateStatusEx", "adapter", lambda h: NdisMCoIndicateStatusEx(h, None, _indication()), True),
]


@pytest.mark.parametrize(("ddi", "kind", "call", "reaches_caller"), _CALLED_ON, ids=[c[0] for c in _CALLED_ON])
def test_ddis_called_on_an_object_check_the_handle_then_the_caller(
    ddi: str, kind: str, call: Callable[[Any], object], reaches_caller: bool
) -> None:
    m, nic = loopback_machine()
    vc = connected(m).NdisVcHandle
    binding = client_binding(m)
    handle = {"binding": binding.handle, "adapter": nic.handle, "af": binding.afs[0].handle}[kind]
    before = m.snapshot()
    with m.running_as("client"), pytest.raises(WrongHandleError, match=f"{ddi}: .* must be a {kind} handle, got vc#"):
        call(vc)
    if reaches_caller:
        with pytest.raises(CallerUnknownError, match=f"{ddi} must be called by a driver .*running_as"):
            call(handle)
    assert m.snapshot() == before


def test_handler_with_wrong_signature_is_refused_at_registration() -> None:
    m = Machine()
    bad = miniport_driver(edit_co=lambda co: setattr(co, "CoCreateVcHandler", lambda only_one: 0))
    with pytest.raises(Exception) as caught:
        m.load_driver(bad)
    assert isinstance(caught.value.__cause__, HandlerSignatureError)
    assert "MiniportCoCreateVc(MiniportAdapterContext, NdisVcHandle)" in str(caught.value.__cause__)


def test_handler_returning_garbage_crashes_its_driver() -> None:
    from condis_edu import DriverCrashed

    bad = miniport_driver(edit_co=lambda co: setattr(co, "CoCreateVcHandler", lambda ctx, h: "yes"))
    m, _ = loopback_machine(miniport=bad)
    with pytest.raises(DriverCrashed) as caught:
        client.make_call(m)
    assert caught.value.driver == "loopback_miniport" and caught.value.call == "MiniportCoCreateVc"
    assert m.halted is caught.value


@pytest.mark.parametrize(
    ("who", "action", "expected"),
    [
        ("client", lambda m, vc: NdisClMakeCall(vc, call_parameters(b"echo"), None), (NDIS_STATUS_NOT_ACCEPTED, None)),
        ("client", lambda m, vc: NdisCoDeleteVc(vc), NDIS_STATUS_NOT_ACCEPTED),
    ],
)
def test_requests_in_the_wrong_state_return_the_documented_status(who: str, action: Any, expected: object) -> None:
    m, _ = loopback_machine(verifier="collect")
    call = connected(m)
    with m.running_as(who):
        result = unchanged(m, lambda: action(m, call.NdisVcHandle))
    if expected is not None:
        assert result == expected


def test_vc_refusals_follow_the_table() -> None:
    """NOT_ACCEPTED while an activation is pending, CLOSING while deactivating (R2.24, R2.32)."""
    m, _ = loopback_machine()
    call = client.make_call(m)
    m.step()  # the call manager's work item: callee VC created, its activation pending
    vc = next(v for v in m.adapters[0].vcs if v.creator == "cm")
    assert vc.state.name == "ACTIVATING"
    with m.running_as("call_manager"):
        assert unchanged(m, lambda: NdisCmActivateVc(vc.handle, call_parameters(b"x"))) == NDIS_STATUS_NOT_ACCEPTED
        assert unchanged(m, lambda: NdisCmDeactivateVc(vc.handle)) == NDIS_STATUS_NOT_ACCEPTED
    m.run_until_idle()
    assert call.state == "connected"
    client.close_call(m, call)  # deactivation of the caller's VC now pending in the miniport
    caller = next(v for v in m.adapters[0].vcs if v.handle is call.NdisVcHandle)
    assert caller.state.name == "DEACTIVATING"
    with m.running_as("call_manager"):
        assert unchanged(m, lambda: NdisCmDeactivateVc(caller.handle)) == NDIS_STATUS_CLOSING
        assert unchanged(m, lambda: NdisCmActivateVc(caller.handle, call_parameters(b"x"))) == NDIS_STATUS_CLOSING
    with m.running_as("client"):
        assert unchanged(m, lambda: NdisClCloseCall(caller.handle, None, None, 0)) == NDIS_STATUS_CLOSING
    m.run_until_idle(audit=True)
    assert m.findings == []


def test_refused_create_changes_nothing() -> None:
    """A peer refusing ProtocolCoCreateVc: NDIS undoes the miniport side; no handle number is used up."""
    from condis_edu.ndis import NDIS_STATUS_RESOURCES
    from condis_edu.testing import protocol_driver

    stingy = protocol_driver(
        role="cm", edit_cm=lambda cm: setattr(cm, "CmCreateVcHandler", lambda a, h: NDIS_STATUS_RESOURCES)
    )
    m, _ = loopback_machine(manager=stingy)
    binding = client_binding(m)
    miniport_vcs = m.driver("loopback_miniport").miniports[0].adapters[0].context.vcs
    with m.running_as("client"):
        status, handle = unchanged(m, lambda: NdisCoCreateVc(binding.handle, binding.afs[0].handle, object()))  # type: ignore[misc]
    assert (status, handle) == (NDIS_STATUS_RESOURCES, None)
    assert miniport_vcs == []
    assert "MiniportCoDeleteVc" in m.trace.to_text()


def test_open_unknown_af_fails() -> None:
    m, _ = loopback_machine()
    with m.running_as("client"):
        result = unchanged(
            m, lambda: NdisClOpenAddressFamilyEx(client_binding(m).handle, CO_ADDRESS_FAMILY(0x7, 1, 0), None)
        )
    assert result == (NDIS_STATUS_FAILURE, None)


def test_stray_completion_in_collect_mode_changes_nothing() -> None:
    m, _ = loopback_machine(verifier="collect")
    call = connected(m)
    with m.running_as("loopback_miniport"):
        unchanged(m, lambda: NdisMCoActivateVcComplete(0, call.NdisVcHandle, call_parameters(b"echo")))
    assert [f.rule.id for f in m.findings] == ["R2.18"]


def test_stray_deactivation_completion_in_collect_mode_changes_nothing() -> None:
    m, _ = loopback_machine(verifier="collect")
    call = connected(m)
    with m.running_as("loopback_miniport"):
        unchanged(m, lambda: NdisMCoDeactivateVcComplete(NDIS_STATUS_SUCCESS, call.NdisVcHandle))
    assert [f.rule.id for f in m.findings] == ["R2.27"]
    assert "no MiniportCoDeactivateVc is pending" in m.findings[0].detail


def _pends_then_completes_with_pending(complete: Callable[[Any], None]) -> Callable[..., int]:
    """A miniport VC handler that pends, then completes from a work item passing NDIS_STATUS_PENDING.

    ``condis_edu.ndis`` stops a PENDING completion status at the boundary (X1.02); the engine's
    own DDI, called here past the boundary, still reads it as NDIS documents for the request.
    """

    def handler(MiniportVcContext: Any, *_: Any) -> int:
        def later(WorkItemContext: Any, NdisIoWorkItemHandle: Any) -> None:
            NdisFreeIoWorkItem(NdisIoWorkItemHandle)
            complete(MiniportVcContext)

        work = NdisAllocateIoWorkItem(MiniportVcContext.adapter.MiniportAdapterHandle)
        NdisQueueIoWorkItem(work, later, None)
        return NDIS_STATUS_PENDING

    return handler


def test_an_activation_completed_with_pending_is_reported_and_fails() -> None:
    def complete(ctx: Any) -> None:
        engine_vcs.NdisMCoActivateVcComplete(NDIS_STATUS_PENDING, ctx.NdisVcHandle, call_parameters(b"echo"))

    def edit(co: Any) -> None:
        co.CoActivateVcHandler = _pends_then_completes_with_pending(complete)

    m, _ = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=edit))
    call = connected(m)
    assert [(f.rule.id, f.detail) for f in m.findings] == [("R2.18", "Status is NDIS_STATUS_PENDING")]
    assert call.state == "failed"  # NDIS read the completion as NDIS_STATUS_FAILURE


def test_a_deactivation_completed_with_pending_is_reported_and_succeeds() -> None:
    def complete(ctx: Any) -> None:
        engine_vcs.NdisMCoDeactivateVcComplete(NDIS_STATUS_PENDING, ctx.NdisVcHandle)

    def edit(co: Any) -> None:
        co.CoDeactivateVcHandler = _pends_then_completes_with_pending(complete)

    m, _ = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=edit))
    call = connected(m)
    handle = call.NdisVcHandle
    client.close_call(m, call)
    m.run_until_idle()
    assert {(f.rule.id, f.detail) for f in m.findings} == {("R2.27", "Status is NDIS_STATUS_PENDING")}
    assert call.state == "closed" and not handle.alive  # read as NDIS_STATUS_SUCCESS: the VC went


def test_harness_misuse() -> None:
    m, nic = loopback_machine()
    with pytest.raises(HarnessError):
        m.driver("nope")
    with pytest.raises(HarnessError):
        m.start_adapter("client")
    with pytest.raises(HarnessError):
        m.bind("client", nic)
    with pytest.raises(HarnessError):
        m.load_driver(client)
    with pytest.raises(HarnessError):
        m.restart_adapter(nic)
    with pytest.raises(HarnessError):
        m.load_driver(object())


def test_af_register_twice_by_other_cm_fails_quietly() -> None:
    from condis_edu.ndis import NdisCmRegisterAddressFamilyEx

    m, _ = loopback_machine()
    cm_binding = m.driver("call_manager").protocol.bindings[0]  # type: ignore[union-attr]
    with m.running_as("call_manager"), pytest.raises(Exception) as caught:
        NdisCmRegisterAddressFamilyEx(cm_binding.handle, loopback_af())
    assert "R1.31" in str(caught.value)
