"""Notebook 8, "Receive path, OIDs, status indications and reset": a receive handler and an OID handler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from condis_edu import EventKind
from condis_edu.exercises._core import Check, CheckFailed, Exercise, register
from condis_edu.exercises._knowledge import (
    KnowledgeCheck,
    Question,
    first_event,
    return_of,
    status_choices,
    trace_until,
)
from condis_edu.exercises.catalogue import _solutions
from condis_edu.exercises.catalogue._helpers import co_topology, findings_text, fresh, sample_stack
from condis_edu.exercises.catalogue._reference import loopback_driver_entry
from condis_edu.harness.machine import Machine
from condis_edu.ndis import (
    NDIS_OBJECT_TYPE_DEFAULT,
    NDIS_OID_REQUEST,
    NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL,
    NDIS_RECEIVE_FLAGS_RESOURCES,
    NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
    NDIS_STATUS_BUFFER_TOO_SHORT,
    NDIS_STATUS_INVALID_OID,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
    NET_BUFFER_LIST_POOL_PARAMETERS,
    NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
    OID_GEN_CO_LINK_SPEED,
    OID_GEN_CO_RCV_CRC_ERROR,
    OID_GEN_CO_VENDOR_DESCRIPTION,
    NdisAllocateNetBufferAndNetBufferList,
    NdisAllocateNetBufferListPool,
    NdisCoOidRequest,
    NdisMCoIndicateReceiveNetBufferLists,
    NdisRequestQueryInformation,
    fill_header,
    status_name,
)
from condis_edu.samples import call_manager, client, loopback_miniport
from condis_edu.samples.client import data as cl_data
from condis_edu.testing import protocol_driver

Handler = Callable[..., Any]

LINK_SPEED = 1_555_200
"""nb08-oid-request: the link speed to report, in 100 bit/s (the notebook's LINK_SPEED)."""
VENDOR_DESCRIPTION = b"my CoNDIS NIC\x00"
"""nb08-oid-request: the vendor description to report (the notebook's VENDOR_DESCRIPTION)."""

# ---------------------------------------------------------------- nb08-receive


def _receive_machine(receive: Handler) -> tuple[Machine, Any]:
    edited = protocol_driver(edit_co=lambda co: setattr(co, "CoReceiveNetBufferListsHandler", receive))
    m = fresh()
    m.load_driver(loopback_miniport)
    m.load_driver(call_manager)
    m.load_driver(edited, name="client")
    m.start_adapter("loopback_miniport")
    m.bind_all()
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    if call.state != "connected":
        raise CheckFailed(f"the call did not connect ({findings_text(m) or call.state})")
    return m, call


def _echo(m: Machine, call: Any, count: int) -> None:
    with m.running_as("client"):
        head = cl_data.build_chain(call, count, b"echo me")
        assert head is not None
        cl_data.send_chain(call, head)
    m.run_until_idle()


def _returned(receive: Handler) -> None:
    m, call = _receive_machine(receive)
    _echo(m, call, 3)
    nic = m.adapters[0]
    if m.findings:
        raise CheckFailed(f"the verifier reported: {findings_text(m)}")
    if nic.outstanding_receives:
        raise CheckFailed(f"3 NBLs were indicated and {nic.outstanding_receives} never went back to the miniport")


def _lent(receive: Handler) -> None:
    m, call = _receive_machine(receive)
    nic = m.adapters[0]
    with m.running_as("loopback_miniport"):
        params = NET_BUFFER_LIST_POOL_PARAMETERS()
        params.Header.Type = NDIS_OBJECT_TYPE_DEFAULT
        params.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1
        params.Header.Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1
        params.fAllocateNetBuffer = True
        params.DataSize = 64
        pool = NdisAllocateNetBufferListPool(nic.handle, params)
        assert pool is not None
        nbl = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 4)
        assert nbl is not None
        nbl.SourceHandle = call.NdisVcHandle
        flags = NDIS_RECEIVE_FLAGS_RESOURCES | NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL  # as from a DPC
        NdisMCoIndicateReceiveNetBufferLists(call.NdisVcHandle, nbl, 1, flags)
    m.run_until_idle()
    if m.findings:
        raise CheckFailed(f"an NBL lent with NDIS_RECEIVE_FLAGS_RESOURCES: the verifier reported {findings_text(m)}")


def _pause_completes(receive: Handler) -> None:
    m, call = _receive_machine(receive)
    _echo(m, call, 4)
    nic = m.adapters[0]
    m.pause_adapter(nic)
    if nic.state.name != "PAUSED":
        raise CheckFailed(
            f"the adapter is stuck {nic.state.name}: it waits for {nic.outstanding_receives} receive(s) to come back"
        )


def _many(receive: Handler) -> None:
    m, call = _receive_machine(receive)
    for n in (1, 5, 2, 8):
        _echo(m, call, n)
    nic = m.adapters[0]
    if m.findings or nic.outstanding_receives:
        raise CheckFailed(
            f"after 16 echoes: {nic.outstanding_receives} receive(s) outstanding"
            + (f"; the verifier reported: {findings_text(m)}" if m.findings else "")
        )


register(
    Exercise(
        id="nb08-receive",
        title="Write a client's `ProtocolCoReceiveNetBufferLists`",
        asks="your ProtocolCoReceiveNetBufferLists function",
        entry="MyCoReceiveNetBufferLists",
        checks=(
            Check("NBLs indicated normally go back to the miniport", _returned),
            Check("NBLs lent with `NDIS_RECEIVE_FLAGS_RESOURCES` are not returned (no verifier finding)", _lent),
            Check("after receiving, the adapter can pause: nothing is held", _pause_completes),
            Check("chains of 1, 5, 2 and 8 NBLs all go back, once each", _many),
        ),
        hints=(
            (
                "NBLs indicated to `ProtocolCoReceiveNetBufferLists` are either given to the protocol for a while "
                "(it returns them later with `NdisReturnNetBufferLists`) or only lent for the duration of the "
                "call. See [ProtocolCoReceiveNetBufferLists](ddi:nc-ndis-protocol_co_receive_net_buffer_lists) "
                "and [Receiving NET_BUFFER structures in CoNDIS "
                "drivers](net:receiving-net-buffer-structures-in-condis-drivers)."
            ),
            (
                "The difference is one bit of `ReceiveFlags`, `NDIS_RECEIVE_FLAGS_RESOURCES`. Test it as a bit "
                "(with `&`): other flags may be set at the same time."
            ),
            (
                "When the bit is set, read what you need and just return. Otherwise give the whole chain back in "
                "one `NdisReturnNetBufferLists` call, on `ProtocolBindingContext.NdisBindingHandle`."
            ),
        ),
        reference=_solutions.receive,
    )
)

# ---------------------------------------------------------------- nb08-oid-request


def _query(m: Machine, oid: int, length: int = 64) -> tuple[int, NDIS_OID_REQUEST]:
    request = NDIS_OID_REQUEST(RequestType=NdisRequestQueryInformation)
    fill_header(request)
    request.DATA.QUERY_INFORMATION.Oid = oid
    request.DATA.QUERY_INFORMATION.InformationBufferLength = length
    binding = m.driver("client").context.bindings[0]  # type: ignore[attr-defined]
    with m.running_as("client"):
        status = NdisCoOidRequest(binding.NdisBindingHandle, None, None, None, request)
    m.run_until_idle()
    return status, request


def _why(m: Machine) -> str:
    return f" ({findings_text(m)})" if m.findings else ""


def _oid_machine(handler: Handler) -> Machine:
    return co_topology(loopback_driver_entry(CoOidRequestHandler=handler))


def _final(m: Machine, status: int, request: NDIS_OID_REQUEST) -> int:
    """The request's status; this exercise's NIC has every answer at hand, so it must not pend."""
    if status == NDIS_STATUS_PENDING:
        raise CheckFailed("MiniportCoOidRequest returned NDIS_STATUS_PENDING: this NIC can answer at once")
    return status


def _link_speed(handler: Handler) -> None:
    m = _oid_machine(handler)
    status, request = _query(m, OID_GEN_CO_LINK_SPEED)
    status = _final(m, status, request)
    info = request.DATA.QUERY_INFORMATION
    if status != NDIS_STATUS_SUCCESS:
        raise CheckFailed(f"the query returned {status_name(status)}{_why(m)}")
    if info.InformationBuffer != (LINK_SPEED, LINK_SPEED) or info.BytesWritten != 8:
        raise CheckFailed(f"InformationBuffer = {info.InformationBuffer!r}, BytesWritten = {info.BytesWritten}")


def _description(handler: Handler) -> None:
    m = _oid_machine(handler)
    status, request = _query(m, OID_GEN_CO_VENDOR_DESCRIPTION)
    status = _final(m, status, request)
    info = request.DATA.QUERY_INFORMATION
    if status != NDIS_STATUS_SUCCESS:
        raise CheckFailed(f"the query returned {status_name(status)}{_why(m)}")
    if info.InformationBuffer != VENDOR_DESCRIPTION or info.BytesWritten != len(VENDOR_DESCRIPTION):
        raise CheckFailed(f"InformationBuffer = {info.InformationBuffer!r}, BytesWritten = {info.BytesWritten}")


def _too_short(handler: Handler) -> None:
    m = _oid_machine(handler)
    status, request = _query(m, OID_GEN_CO_VENDOR_DESCRIPTION, length=4)
    status = _final(m, status, request)
    info = request.DATA.QUERY_INFORMATION
    if status != NDIS_STATUS_BUFFER_TOO_SHORT:
        raise CheckFailed(f"with a 4-byte buffer the query returned {status_name(status)}")
    if info.BytesNeeded != len(VENDOR_DESCRIPTION):
        raise CheckFailed(f"BytesNeeded is {info.BytesNeeded}, not {len(VENDOR_DESCRIPTION)}")
    if info.BytesWritten:
        raise CheckFailed(f"BytesWritten is {info.BytesWritten} although nothing fitted")


def _unknown(handler: Handler) -> None:
    m = _oid_machine(handler)
    status, request = _query(m, OID_GEN_CO_RCV_CRC_ERROR)
    status = _final(m, status, request)
    if status != NDIS_STATUS_INVALID_OID:
        raise CheckFailed(f"OID_GEN_CO_RCV_CRC_ERROR (not handled here) returned {status_name(status)}")
    if m.findings:
        raise CheckFailed(f"the verifier reported: {findings_text(m)}")


register(
    Exercise(
        id="nb08-oid-request",
        title="Answer two OID queries in `MiniportCoOidRequest`",
        asks="your MiniportCoOidRequest function",
        entry="MyCoOidRequest",
        checks=(
            Check("`OID_GEN_CO_LINK_SPEED` returns `(LINK_SPEED, LINK_SPEED)`, 8 bytes written", _link_speed),
            Check("`OID_GEN_CO_VENDOR_DESCRIPTION` returns `VENDOR_DESCRIPTION`, all its bytes written", _description),
            Check("a buffer too small gets `NDIS_STATUS_BUFFER_TOO_SHORT` and the right `BytesNeeded`", _too_short),
            Check("any other OID gets `NDIS_STATUS_INVALID_OID`", _unknown),
        ),
        hints=(
            (
                "A query arrives in `NdisRequest.DATA.QUERY_INFORMATION`, and the size of its buffer decides the "
                "answer as much as the OID does. See [MiniportCoOidRequest](ddi:nc-ndis-miniport_co_oid_request) "
                "and [CoNDIS miniport driver OID requests](net:condis-miniport-driver-oid-requests)."
            ),
            (
                "There are three outcomes: the value fits (fill `InformationBuffer` and `BytesWritten`), it does "
                "not (`BytesNeeded`, and `NDIS_STATUS_BUFFER_TOO_SHORT`), or the OID is not one you support "
                "(`NDIS_STATUS_INVALID_OID`)."
            ),
            (
                "Pick the value and its size by `info.Oid` first (an NDIS_CO_LINK_SPEED pair, 8 bytes, for the "
                "link speed, `len(VENDOR_DESCRIPTION)` for the description), then compare that size with "
                "`info.InformationBufferLength` before writing anything."
            ),
        ),
        reference=_solutions.oid_request,
    )
)


# ---------------------------------------------------------------- nb08-small-buffer (knowledge)


def _small_buffer() -> Question:
    m = sample_stack()
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    request = NDIS_OID_REQUEST(RequestType=NdisRequestQueryInformation)
    fill_header(request)
    request.DATA.QUERY_INFORMATION.Oid = OID_GEN_CO_VENDOR_DESCRIPTION
    request.DATA.QUERY_INFORMATION.InformationBufferLength = 4
    start = len(m.trace)
    binding = call.af.binding.NdisBindingHandle
    assert binding is not None
    with m.running_as("client"):
        NdisCoOidRequest(binding, None, None, None, request)
    m.run_until_idle()
    ask = first_event(m.trace, EventKind.CALL, "NdisCoOidRequest", start)
    status = return_of(m.trace, ask).result.split()[0]
    needed = request.DATA.QUERY_INFORMATION.BytesNeeded
    return Question(
        scenario=(
            "The client asks the loopback miniport for `OID_GEN_CO_VENDOR_DESCRIPTION` with a 4-byte "
            "`InformationBufferLength`. The description is longer than that."
        ),
        trace=trace_until(m.trace, ask.seq, start=start),
        prompt="What status does `NdisCoOidRequest` return?",
        choices=status_choices(
            status,
            (
                "NDIS_STATUS_SUCCESS",
                "NDIS_STATUS_BUFFER_TOO_SHORT",
                "NDIS_STATUS_INVALID_LENGTH",
                "NDIS_STATUS_PENDING",
            ),
        ),
        answer=status,
        explanation=(
            f"`{status}`, with `BytesNeeded` set to {needed}: the miniport writes nothing and tells the caller "
            "how big a buffer to come back with."
        ),
    )


register(
    KnowledgeCheck(
        id="nb08-small-buffer",
        title="An OID query with a buffer too small",
        build=_small_buffer,
        pages=(("MiniportCoOidRequest", "ddi:nc-ndis-miniport_co_oid_request"),),
    )
)
