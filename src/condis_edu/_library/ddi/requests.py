"""CoNDIS OID requests, status indications and resets.

Theory of operation.

* OIDs (R4.01-R4.12). ``NdisCoOidRequest`` with no AF handle goes to the miniport's
  ``MiniportCoOidRequest``; with an AF handle it goes to the peer protocol's
  ``ProtocolCoOidRequest`` (client <-> call manager). A final status is returned at once and
  no completion follows; ``NDIS_STATUS_PENDING`` means the handler will call
  ``NdisMCoOidRequestComplete`` (miniport) or ``NdisCoOidRequestComplete`` (protocol) and
  NDIS then calls the originator's ``ProtocolCoOidRequestComplete``. CoNDIS requests are not
  serialized: several may be pending on one adapter at once (R4.08). Each request object may
  be pending only once; completing one that is not pending, completing it twice, or with
  PENDING are findings (R4.10, R4.11, R6.10 applied to the Co DDIs, Q20).
* Status (R4.16-R4.19). ``NdisMCoIndicateStatusEx`` with a NULL VC reaches every bound
  protocol's ``ProtocolCoStatusEx``; with a VC, only the client and call manager of that VC.
  The miniport may not indicate RESET_START or RESET_END: NDIS does (R4.21).
* Reset (R4.20-R4.27). NDIS (never a protocol, Q6) calls ``MiniportResetEx`` through the
  harness. NDIS indicates RESET_START first and RESET_END once the reset is complete; in
  between it refuses sends (completed with NDIS_STATUS_RESET_IN_PROGRESS) and OIDs (returned
  NDIS_STATUS_RESET_IN_PROGRESS). The miniport completes the sends it had queued with
  NDIS_STATUS_RESET_IN_PROGRESS (Q5; NDIS_STATUS_REQUEST_ABORTED is accepted too), and for a
  driver of NDIS 6.30 or later every send must be back before the reset completes (R4.26).

Pages: https://learn.microsoft.com/windows-hardware/drivers/network/condis-miniport-driver-oid-requests,
https://learn.microsoft.com/windows-hardware/drivers/network/condis-miniport-driver-status-indications,
https://learn.microsoft.com/windows-hardware/drivers/network/reset
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from condis_edu._library.core import NdisLibrary, library_of
from condis_edu._library.ddi.common import called_on
from condis_edu._library.handlers import HANDLER_SPECS
from condis_edu._library.objects import Adapter, Af, Binding, Driver, Vc
from condis_edu._library.states.adapter import OID_STATES, RESET_TABLE, ResetInput
from condis_edu.errors import HarnessError, StructureTypeError
from condis_edu.mirror.handles import NDIS_HANDLE
from condis_edu.mirror.oids import NDIS_OID_REQUEST_DATA, OID_CATALOGUE, NdisRequestQueryInformation, oid_name
from condis_edu.mirror.status import (
    NDIS_STATUS_BUFFER_TOO_SHORT,
    NDIS_STATUS_HARD_ERRORS,
    NDIS_STATUS_INVALID_DATA,
    NDIS_STATUS_INVALID_LENGTH,
    NDIS_STATUS_INVALID_OID,
    NDIS_STATUS_INVALID_PARAMETER,
    NDIS_STATUS_INVALID_STATE,
    NDIS_STATUS_NOT_ACCEPTED,
    NDIS_STATUS_NOT_SUPPORTED,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_REQUEST_ABORTED,
    NDIS_STATUS_RESET_END,
    NDIS_STATUS_RESET_IN_PROGRESS,
    NDIS_STATUS_RESET_START,
    NDIS_STATUS_SOFT_ERRORS,
    NDIS_STATUS_SUCCESS,
    is_status,
    status_name,
)
from condis_edu.mirror.structures import (
    NDIS_OBJECT_HEADER,
    NDIS_OID_REQUEST,
    NDIS_STATUS_INDICATION,
    NDIS_STATUS_INDICATION_REVISION_1,
)

__all__ = [
    "NDIS_STATUS_INDICATION",
    "NdisCoOidRequest",
    "NdisCoOidRequestComplete",
    "NdisMCoIndicateStatusEx",
    "NdisMCoOidRequestComplete",
    "NdisMResetComplete",
    "cancel_oid",
    "reset_adapter",
]

NDIS_OBJECT_TYPE_STATUS_INDICATION: Final = 0x98

SPEC_MP_CO_OID: Final = HANDLER_SPECS["CoOidRequestHandler"]
SPEC_CL_OID: Final = HANDLER_SPECS["ClOidRequestHandler"]
SPEC_CL_OID_COMPLETE: Final = HANDLER_SPECS["ClOidRequestCompleteHandler"]
SPEC_CM_OID: Final = HANDLER_SPECS["CmOidRequestHandler"]
SPEC_CM_OID_COMPLETE: Final = HANDLER_SPECS["CmOidRequestCompleteHandler"]
SPEC_CO_STATUS: Final = HANDLER_SPECS["CoStatusHandlerEx"]
SPEC_MP_RESET: Final = HANDLER_SPECS["ResetHandlerEx"]
SPEC_MP_CANCEL_OID: Final = HANDLER_SPECS["CancelOidRequestHandler"]

MINIPORT_CO_OID_STATUSES: Final = frozenset(
    {
        NDIS_STATUS_SUCCESS,
        NDIS_STATUS_PENDING,
        NDIS_STATUS_INVALID_OID,
        NDIS_STATUS_NOT_SUPPORTED,
        NDIS_STATUS_BUFFER_TOO_SHORT,
        NDIS_STATUS_INVALID_LENGTH,
        NDIS_STATUS_INVALID_DATA,
        NDIS_STATUS_NOT_ACCEPTED,
        NDIS_STATUS_REQUEST_ABORTED,
    }
)
"""What MiniportCoOidRequest may return (R4.07); the completion takes the same, PENDING aside."""
_REFUSALS: Final = frozenset({NDIS_STATUS_INVALID_OID, NDIS_STATUS_NOT_SUPPORTED})


@dataclass(slots=True)
class PendingOid:
    """NDIS's record of one pended OID request."""

    request: object
    binding: Binding
    originator: Driver
    target: Driver
    af: Af | None
    vc: Vc | None
    party: object
    to_miniport: bool


class OidTable:
    """Pended OID requests of one library, keyed by request object (insertion ordered)."""

    def __init__(self) -> None:
        self.next_key = 0
        self.pending: dict[int, PendingOid] = {}
        self.completed: list[tuple[str, int]] = []
        """(OID name, status) of every completed request, for tests and notebooks."""

    def find(self, request: object) -> PendingOid | None:
        """The pending record of *request*, if any (identity, not equality)."""
        for record in self.pending.values():
            if record.request is request:
                return record
        return None


_TABLES: weakref.WeakKeyDictionary[NdisLibrary, OidTable] = weakref.WeakKeyDictionary()
"""The OID requests in flight of each library, owned by this module."""


def oid_table(lib: NdisLibrary) -> OidTable:
    """The OID requests in flight and completed on *lib* (created on first use)."""
    table = _TABLES.get(lib)
    if table is None:
        table = _TABLES[lib] = OidTable()
    return table


def _oid_of(request: object) -> int:
    data = getattr(request, "DATA", None)
    if isinstance(data, NDIS_OID_REQUEST_DATA):
        return data.QUERY_INFORMATION.Oid
    oid = getattr(request, "Oid", 0)
    return oid if isinstance(oid, int) else 0


# --------------------------------------------------------------------------------------------
# OID requests
# --------------------------------------------------------------------------------------------


def NdisCoOidRequest(
    NdisBindingHandle: NDIS_HANDLE,
    NdisAfHandle: NDIS_HANDLE | None,
    NdisVcHandle: NDIS_HANDLE | None,
    NdisPartyHandle: NDIS_HANDLE | None,
    OidRequest: NDIS_OID_REQUEST,
) -> int:
    """Query or set information in the miniport (AF NULL) or the peer protocol (AF given).

    NDIS contract:
        Returns the final status, or NDIS_STATUS_PENDING and then ProtocolCoOidRequestComplete
        (R4.03). A party handle needs an AF handle (R4.01). Allowed while the adapter is
        Paused, Restarting, Running or Pausing (R4.06); refused with RESET_IN_PROGRESS during
        a reset (R4.22).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscooidrequest
    """
    ddi = "NdisCoOidRequest"
    lib, binding, caller = called_on(NdisBindingHandle, Binding, ddi)
    shown = (NdisBindingHandle, NdisAfHandle, NdisVcHandle, oid_name(_oid_of(OidRequest)))
    result: int = lib.ddi(
        caller.name,
        ddi,
        shown,
        _co_oid_request,
        lib,
        binding,
        caller,
        NdisAfHandle,
        NdisVcHandle,
        NdisPartyHandle,
        OidRequest,
    )
    return result


def _co_oid_request(
    lib: NdisLibrary,
    binding: Binding,
    caller: Driver,
    af_handle: object,
    vc_handle: object,
    party: object,
    request: object,
) -> int:
    ddi = "NdisCoOidRequest"
    if not isinstance(request, NDIS_OID_REQUEST):
        raise StructureTypeError(f"{ddi}: OidRequest must be an NDIS_OID_REQUEST, got {type(request).__name__}")
    if caller is not binding.driver:
        lib.report("R4.02", caller, ddi, f"{binding.handle.label} belongs to {binding.driver.name}")
        return NDIS_STATUS_INVALID_PARAMETER
    af: Af | None = None
    vc: Vc | None = None
    if af_handle is not None:
        _, found = library_of(af_handle, ("af",), "NdisAfHandle", ddi)
        assert isinstance(found, Af)
        af = found
    elif party is not None:
        return NDIS_STATUS_INVALID_PARAMETER  # R4.01: a party needs its AF
    if vc_handle is not None:
        _, found_vc = library_of(vc_handle, ("vc",), "NdisVcHandle", ddi)
        assert isinstance(found_vc, Vc)
        vc = found_vc
    adapter = binding.adapter
    table = oid_table(lib)
    if table.find(request) is not None:
        lib.report(
            "R6.10",
            caller,
            ddi,
            f"this {oid_name(_oid_of(request))} request is already pending "
            "(NdisOidDoubleRequest): use a new NDIS_OID_REQUEST",
        )
        return NDIS_STATUS_INVALID_PARAMETER
    if adapter.resetting:
        return NDIS_STATUS_RESET_IN_PROGRESS
    if af is None:
        info = OID_CATALOGUE.get(_oid_of(request))
        if info is not None and not info.connection_oriented:
            lib.report("R4.05", caller, ddi, f"{info.name} is a connectionless OID: it goes through NdisOidRequest")
            return NDIS_STATUS_INVALID_OID
        if adapter.state not in OID_STATES:
            return NDIS_STATUS_INVALID_STATE
        co = adapter.miniport.co
        if co is None or co.CoOidRequestHandler is None:
            return NDIS_STATUS_NOT_SUPPORTED
        target = adapter.driver
        fn: Callable[..., Any] | None = co.CoOidRequestHandler
        spec = SPEC_MP_CO_OID
        args: tuple[Any, ...] = (adapter.context, vc.miniport_context if vc is not None else None, request)
    else:
        is_client = af.client_binding is binding
        if is_client:
            reg = af.registration
            target = reg.cm_driver
            cm = reg.cm_handlers
            fn, spec = cm.CmOidRequestHandler, SPEC_CM_OID
            args = (af.cm_context, vc.cm_context if vc is not None else None, None, request)
        else:
            target = af.client_binding.driver
            cl = af.client_binding.protocol.cl
            fn, spec = (cl.ClOidRequestHandler if cl is not None else None), SPEC_CL_OID
            args = (af.client_context, vc.client_context if vc is not None else None, None, request)
        if fn is None:
            return NDIS_STATUS_NOT_SUPPORTED
    record = PendingOid(request, binding, caller, target, af, vc, party, af is None)
    table.next_key += 1
    key = table.next_key
    table.pending[key] = record  # visible to a completion from inside the handler
    assert fn is not None
    status: int = lib.upcall(target, spec, fn, args, (oid_name(_oid_of(request)),))
    if af is None:
        _check_miniport_answer(lib, target, "MiniportCoOidRequest", request, status)
    if status == NDIS_STATUS_PENDING:
        return status
    if table.pending.get(key) is record:
        del table.pending[key]
    else:
        # The handler called the completion DDI itself, then returned a final status as well: the
        # requester hears of one request twice (a request that returns a final status is complete).
        lib.report(
            "R6.10",
            target,
            spec.role,
            f"completed the request inside {spec.role} and returned {status_name(status)} as well: "
            "return NDIS_STATUS_PENDING when the request is completed with the completion call",
        )
        return status
    table.completed.append((oid_name(_oid_of(request)), status))
    return status


def _check_miniport_answer(lib: NdisLibrary, miniport: Driver, call: str, request: object, status: object) -> None:
    """A miniport's answer to an OID request: a documented status (R4.07), and for a mandatory
    ``OID_GEN_CO_*`` query an answer of the documented size (R4.13). The status goes on to the
    requester either way: NDIS does not rewrite a miniport's answer."""
    if status not in MINIPORT_CO_OID_STATUSES:
        lib.report(
            "R4.07", miniport, call, f"returned {status_name(status)}, not one of MiniportCoOidRequest's statuses"
        )
        return
    if not isinstance(request, NDIS_OID_REQUEST) or request.RequestType != NdisRequestQueryInformation:
        return
    info = request.DATA.QUERY_INFORMATION
    oid = OID_CATALOGUE.get(info.Oid)
    if oid is None or not oid.mandatory:
        return
    if status in _REFUSALS:
        refused = f"refused {oid.name} with {status_name(status)}; every CoNDIS miniport answers it"
        lib.report("R4.13", miniport, call, refused)
        return
    if status != NDIS_STATUS_SUCCESS:
        return
    written, buffer = info.BytesWritten, info.InformationBuffer
    if isinstance(buffer, (bytes, bytearray)):
        expected = len(buffer)
    elif oid.array and isinstance(buffer, (tuple, list)):
        expected = 4 * len(buffer)
    else:
        expected = written
    problem = ""
    if not isinstance(written, int) or written < oid.size:
        problem = f"BytesWritten is {written!r}, and {oid.name} needs at least {oid.size} bytes"
    elif written != expected:
        problem = f"BytesWritten is {written} for an InformationBuffer of {expected} bytes"
        if oid.array:
            problem += " (4 bytes per item)"
    elif written > info.InformationBufferLength:
        problem = f"BytesWritten is {written}, more than InformationBufferLength {info.InformationBufferLength}"
    if problem:
        lib.report("R4.13", miniport, call, f"{oid.name} succeeded but {problem}")


def _complete(lib: NdisLibrary, caller: Driver, ddi: str, request: object, status: object, rule: str) -> None:
    table = oid_table(lib)
    record = table.find(request)
    if record is None or record.target is not caller:
        lib.report(
            "R6.10",
            caller,
            ddi,
            "completes an OID request that is not pending in this driver "
            "(completed twice, finished synchronously, or never received)",
        )
        return
    if not is_status(status) or status == NDIS_STATUS_PENDING:
        lib.report(rule, caller, ddi, f"Status is {status_name(status)}; complete with a final status")
        return
    assert isinstance(status, int)
    if record.to_miniport:
        _check_miniport_answer(lib, caller, ddi, request, status)
    for key, value in list(table.pending.items()):
        if value is record:
            del table.pending[key]
    table.completed.append((oid_name(_oid_of(request)), status))
    lib.schedule(
        f"ProtocolCoOidRequestComplete({oid_name(_oid_of(request))})",
        lambda: _deliver_oid_complete(lib, record, status),
    )


def _deliver_oid_complete(lib: NdisLibrary, record: PendingOid, status: int) -> None:
    binding = record.binding
    protocol = binding.protocol
    af = record.af
    vc = record.vc
    if protocol.cl is not None and (af is None or af.client_binding is binding):
        fn, spec = protocol.cl.ClOidRequestCompleteHandler, SPEC_CL_OID_COMPLETE
        afctx = af.client_context if af is not None else None
        vcctx = vc.client_context if vc is not None else None
    elif protocol.cm is not None:
        fn, spec = protocol.cm.CmOidRequestCompleteHandler, SPEC_CM_OID_COMPLETE
        afctx = af.cm_context if af is not None else None
        vcctx = vc.cm_context if vc is not None else None
    else:  # pragma: no cover - a CoNDIS protocol is a client or a call manager
        return
    if fn is None:  # pragma: no cover - registration checks the optional handlers
        return
    lib.upcall(
        record.originator,
        spec,
        fn,
        (afctx, vcctx, None, record.request, status),
        (oid_name(_oid_of(record.request)), status),
    )


def NdisMCoOidRequestComplete(
    MiniportAdapterHandle: NDIS_HANDLE, NdisMiniportVcHandle: NDIS_HANDLE | None, Request: NDIS_OID_REQUEST, Status: int
) -> None:
    """Complete an OID request the miniport pended in MiniportCoOidRequest.

    NDIS contract:
        Only after MiniportCoOidRequest returned NDIS_STATUS_PENDING for *Request*, once, and
        with a final status (R4.10, R6.10).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismcooidrequestcomplete
    """
    ddi = "NdisMCoOidRequestComplete"
    lib, _, caller = called_on(MiniportAdapterHandle, Adapter, ddi)
    lib.ddi(
        caller.name,
        ddi,
        (MiniportAdapterHandle, NdisMiniportVcHandle, oid_name(_oid_of(Request)), Status),
        _complete,
        lib,
        caller,
        ddi,
        Request,
        Status,
        "R4.10",
    )


def NdisCoOidRequestComplete(
    NdisAfHandle: NDIS_HANDLE,
    NdisVcHandle: NDIS_HANDLE | None,
    NdisPartyHandle: NDIS_HANDLE | None,
    OidRequest: NDIS_OID_REQUEST,
    Status: int,
) -> None:
    """Complete an OID request a protocol pended in ProtocolCoOidRequest (R4.11).

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscooidrequestcomplete
    """
    ddi = "NdisCoOidRequestComplete"
    lib, _, caller = called_on(NdisAfHandle, Af, ddi)
    lib.ddi(
        caller.name,
        ddi,
        (NdisAfHandle, NdisVcHandle, oid_name(_oid_of(OidRequest)), Status),
        _complete,
        lib,
        caller,
        ddi,
        OidRequest,
        Status,
        "R4.11",
    )


def cancel_oid(lib: NdisLibrary, adapter: Adapter, request_id: object) -> bool:
    """NDIS cancels pended miniport OIDs with this RequestId (MiniportCancelOidRequest).

    Returns True if a matching request was pending. The miniport then completes the request
    with NDIS_STATUS_REQUEST_ABORTED (R4.07, R4.15).
    """
    table = oid_table(lib)
    if not any(
        r.to_miniport and r.binding.adapter is adapter and getattr(r.request, "RequestId", None) == request_id
        for r in table.pending.values()
    ):
        return False
    fn = adapter.miniport.chars.CancelOidRequestHandler
    if fn is None:  # pragma: no cover - mandatory handler (R1.10)
        return False
    lib.upcall(adapter.driver, SPEC_MP_CANCEL_OID, fn, (adapter.context, request_id), (adapter.handle,))
    return True


# --------------------------------------------------------------------------------------------
# Status indications
# --------------------------------------------------------------------------------------------


def NdisMCoIndicateStatusEx(
    MiniportAdapterHandle: NDIS_HANDLE, NdisVcHandle: NDIS_HANDLE | None, StatusIndication: NDIS_STATUS_INDICATION
) -> None:
    """Tell bound protocols about a change of status (adapter-wide with a NULL VC).

    NDIS contract:
        After NdisMSetMiniportAttributes in MiniportInitializeEx and before MiniportHaltEx
        returns (R4.17); Header Type 0x98 Revision 1, SourceHandle = MiniportAdapterHandle
        (R4.18); never NDIS_STATUS_RESET_START/END, which NDIS indicates itself (R4.21).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismcoindicatestatusex
    """
    ddi = "NdisMCoIndicateStatusEx"
    lib, adapter, caller = called_on(MiniportAdapterHandle, Adapter, ddi)
    lib.ddi(
        caller.name,
        ddi,
        (MiniportAdapterHandle, NdisVcHandle, _status_code(StatusIndication)),
        _indicate_status,
        lib,
        adapter,
        caller,
        NdisVcHandle,
        StatusIndication,
    )


def _status_code(indication: object) -> str:
    code = getattr(indication, "StatusCode", None)
    return status_name(code) if isinstance(code, int) else "?"


def _indicate_status(lib: NdisLibrary, adapter: Adapter, caller: Driver, vc_handle: object, ind: object) -> None:
    ddi = "NdisMCoIndicateStatusEx"
    if not isinstance(ind, NDIS_STATUS_INDICATION):
        raise StructureTypeError(f"{ddi}: StatusIndication must be an NDIS_STATUS_INDICATION")
    if caller is not adapter.driver:
        lib.report("R4.17", caller, ddi, f"{caller.name} is not the miniport of {adapter.name}")
        return
    if adapter.registration is None:
        lib.report("R4.17", caller, ddi, "indicated before NdisMSetMiniportAttributes")
        return
    h = ind.Header
    if h.Type != NDIS_OBJECT_TYPE_STATUS_INDICATION or h.Revision < NDIS_STATUS_INDICATION_REVISION_1:
        lib.report("R4.18", caller, ddi, f"Header is {h!r}; needs Type 0x98, Revision 1")
        return
    if ind.SourceHandle is not adapter.handle:
        lib.report("R4.18", caller, ddi, "SourceHandle must be the MiniportAdapterHandle")
        return
    if ind.StatusCode in (NDIS_STATUS_RESET_START, NDIS_STATUS_RESET_END):
        lib.report("R4.21", caller, ddi, f"{status_name(ind.StatusCode)} is indicated by NDIS, not the miniport")
        return
    vc: Vc | None = None
    if vc_handle is not None:
        _, found = library_of(vc_handle, ("vc",), "NdisVcHandle", ddi)
        assert isinstance(found, Vc)
        vc = found
    _broadcast(lib, adapter, vc, ind)


def _broadcast(lib: NdisLibrary, adapter: Adapter, vc: Vc | None, ind: NDIS_STATUS_INDICATION) -> None:
    """ProtocolCoStatusEx of every bound protocol, or of the VC's client and CM."""
    if vc is None:
        targets: list[tuple[Binding, object]] = [(b, None) for b in adapter.bindings]
    else:
        targets = []
        if vc.client_binding is not None:
            targets.append((vc.client_binding, vc.client_context))
        cm_binding = (
            vc.cm_binding
            if vc.cm_binding is not None
            else (vc.af.registration.cm_binding if vc.af is not None else None)
        )
        if cm_binding is not None and cm_binding is not vc.client_binding:
            targets.append((cm_binding, vc.cm_context))
    for binding, vc_context in targets:
        co = binding.protocol.co
        if co is None or co.CoStatusHandlerEx is None:
            continue
        lib.upcall(
            binding.driver,
            SPEC_CO_STATUS,
            co.CoStatusHandlerEx,
            (binding.context, vc_context, ind),
            (binding.handle, status_name(ind.StatusCode)),
        )


def _ndis_status(lib: NdisLibrary, adapter: Adapter, code: int) -> None:
    ind = NDIS_STATUS_INDICATION(
        NDIS_OBJECT_HEADER(NDIS_OBJECT_TYPE_STATUS_INDICATION, NDIS_STATUS_INDICATION_REVISION_1, 0),
        SourceHandle=adapter.handle,
        StatusCode=code,
    )
    _broadcast(lib, adapter, None, ind)


# --------------------------------------------------------------------------------------------
# Reset
# --------------------------------------------------------------------------------------------

ACCEPTED_RESET_SEND_STATUSES: Final = (NDIS_STATUS_RESET_IN_PROGRESS, 0xC001000C)
"""Q5: RESET_IN_PROGRESS is what the samples write; REQUEST_ABORTED is accepted too."""


def reset_adapter(lib: NdisLibrary, adapter: Adapter) -> int:
    """NDIS resets *adapter*: RESET_START, MiniportResetEx, and RESET_END once it completes.

    Returns the status MiniportResetEx returned (PENDING: NdisMResetComplete will follow).
    """
    if adapter.miniport.chars.ResetHandlerEx is None:
        raise HarnessError(f"{adapter.name}'s driver registered no MiniportResetEx (ResetHandlerEx is NULL)")
    if adapter.resetting:
        raise HarnessError(f"{adapter.name} is already resetting")
    lib.force(adapter, "reset_state", RESET_TABLE, ResetInput.RESET)
    _ndis_status(lib, adapter, NDIS_STATUS_RESET_START)
    result = lib.upcall(
        adapter.driver, SPEC_MP_RESET, adapter.miniport.chars.ResetHandlerEx, (adapter.context,), (adapter.handle,)
    )
    status, addressing = result if isinstance(result, tuple) else (result, False)
    if status == NDIS_STATUS_PENDING:
        lib.force(adapter, "reset_state", RESET_TABLE, ResetInput.RESET_PENDED)
        return int(status)
    _finish_reset(lib, adapter, int(status), bool(addressing), "MiniportResetEx")
    return int(status)


def _finish_reset(lib: NdisLibrary, adapter: Adapter, status: int, addressing: bool, call: str) -> None:
    minor = adapter.miniport.chars.MinorNdisVersion
    if adapter.outstanding_sends and isinstance(minor, int) and minor >= 30:
        lib.report(
            "R4.26",
            adapter.driver,
            call,
            f"the reset completed with {adapter.outstanding_sends} send(s) "
            "still outstanding; complete queued sends before the reset completes (NDIS 6.30+)",
        )
    lib.force(adapter, "reset_state", RESET_TABLE, ResetInput.RESET_DONE)
    allowed = (NDIS_STATUS_SUCCESS, NDIS_STATUS_RESET_IN_PROGRESS, NDIS_STATUS_SOFT_ERRORS, NDIS_STATUS_HARD_ERRORS)
    if status not in allowed:
        lib.report("R4.23", adapter.driver, call, f"reset ended with {status_name(status)}")
    _ndis_status(lib, adapter, NDIS_STATUS_RESET_END)


def NdisMResetComplete(MiniportAdapterHandle: NDIS_HANDLE, Status: int, AddressingReset: bool) -> None:
    """Finish a reset for which MiniportResetEx returned NDIS_STATUS_PENDING.

    NDIS contract:
        Only after a pended MiniportResetEx, once (R4.27; otherwise bug check 0x7C, 0x0F).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismresetcomplete
    """
    ddi = "NdisMResetComplete"
    lib, adapter, caller = called_on(MiniportAdapterHandle, Adapter, ddi)

    def impl() -> None:
        if not adapter.reset_pending:
            lib.report("R4.27", caller, ddi, "no reset of this adapter is pending")
            return
        _finish_reset(lib, adapter, Status, AddressingReset, ddi)

    lib.ddi(caller.name, ddi, (MiniportAdapterHandle, Status), impl)
