"""A request a handler completes with the completion call is pended: returning a final status as
well completes it twice (R6.10), and the requester hears of it once only."""

from __future__ import annotations

from typing import Any

import pytest

from condis_edu.errors import VerifierViolation
from condis_edu.ndis import (
    NDIS_OID_REQUEST,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
    OID_GEN_CO_LINK_SPEED,
    NdisCoOidRequest,
    NdisMCoOidRequestComplete,
    NdisRequestQueryInformation,
    fill_header,
)
from condis_edu.samples.loopback_miniport import datapath as nic_data
from condis_edu.testing import loopback_machine, miniport_driver


def answering_inline(returned: int) -> Any:
    """A loopback miniport whose MiniportCoOidRequest completes the request inside, then returns *returned*."""

    def CoOidRequest(MiniportAdapterContext: Any, MiniportVcContext: Any, NdisRequest: NDIS_OID_REQUEST) -> int:
        status = nic_data.MPCoOidRequest(MiniportAdapterContext, MiniportVcContext, NdisRequest)
        NdisMCoOidRequestComplete(MiniportAdapterContext.MiniportAdapterHandle, None, NdisRequest, status)
        return returned

    def edit(co: Any) -> None:
        co.CoOidRequestHandler = CoOidRequest

    return miniport_driver(edit_co=edit)


def query(m: Any) -> tuple[int, NDIS_OID_REQUEST]:
    request = NDIS_OID_REQUEST(RequestType=NdisRequestQueryInformation)
    fill_header(request)
    request.DATA.QUERY_INFORMATION.Oid = OID_GEN_CO_LINK_SPEED
    request.DATA.QUERY_INFORMATION.InformationBufferLength = 8
    binding = m.driver("client").context.bindings[0]
    with m.running_as("client"):
        status = NdisCoOidRequest(binding.NdisBindingHandle, None, None, None, request)
    return status, request


def test_completing_inside_and_returning_pending_is_one_completion() -> None:
    m, _ = loopback_machine(verifier="collect", miniport=answering_inline(NDIS_STATUS_PENDING))
    status, _ = query(m)
    m.run_until_idle()
    assert status == NDIS_STATUS_PENDING
    assert not m.findings


def test_completing_inside_and_returning_a_final_status_is_a_double_completion_in_collect_mode() -> None:
    m, _ = loopback_machine(verifier="collect", miniport=answering_inline(NDIS_STATUS_SUCCESS))
    status, _ = query(m)
    m.run_until_idle()
    assert status == NDIS_STATUS_SUCCESS  # what the handler returned still reaches the requester
    assert [f.rule.id for f in m.findings] == ["R6.10"]
    assert "returned NDIS_STATUS_SUCCESS as well" in m.findings[0].detail


def test_completing_inside_and_returning_a_final_status_stops_a_strict_machine() -> None:
    m, _ = loopback_machine(verifier="strict", miniport=answering_inline(NDIS_STATUS_SUCCESS))
    with pytest.raises(VerifierViolation, match=r"R6\.10"):
        query(m)
    assert m.halted is not None
