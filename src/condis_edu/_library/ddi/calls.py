"""Calls: make, dispatch incoming, accept, connect, close (client, call manager and MCM forms).

Pages:
https://learn.microsoft.com/windows-hardware/drivers/network/making-a-call,
https://learn.microsoft.com/windows-hardware/drivers/network/indicating-an-incoming-call,
https://learn.microsoft.com/windows-hardware/drivers/network/client-initiated-request-to-close-a-call,
https://learn.microsoft.com/windows-hardware/drivers/network/incoming-request-to-close-a-call.

In ndis.h the NdisMCmXxx completion/dispatch names are macros for the NdisCmXxx functions;
we keep both names so the trace shows what the driver wrote.
"""

from __future__ import annotations

from typing import Any

from condis_edu._library.core import NdisLibrary, library_of
from condis_edu._library.ddi.afs import expect_caller
from condis_edu._library.ddi.common import call_handler, require_type
from condis_edu._library.objects import Sap, Vc
from condis_edu._library.statemachine import Refuse
from condis_edu._library.states.af import AfState, SapState
from condis_edu._library.states.call import CALL_TABLE, CallInput, CallPending, CallState
from condis_edu._library.states.vc import DATA_STATES, VcState
from condis_edu.mirror.handles import NDIS_HANDLE
from condis_edu.mirror.status import (
    NDIS_STATUS,
    NDIS_STATUS_FAILURE,
    NDIS_STATUS_NOT_ACCEPTED,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
)
from condis_edu.mirror.structures import CO_CALL_PARAMETERS


def _client(vc: Vc) -> Any:
    assert vc.af is not None
    return vc.af.client_binding.protocol


def _check_active(lib: NdisLibrary, vc: Vc, ddi: str) -> None:
    """R2.15 / R2.23 / R2.25: the (M)CM must have activated the VC before this point."""
    if vc.state in DATA_STATES:
        return
    if vc.last_activation_failed:
        lib.report("R2.23", vc.cm_driver, ddi, f"the activation of {vc.handle.label} failed")
    elif vc.is_mcm:
        lib.report("R2.25", vc.cm_driver, ddi, f"{vc.handle.label} was not activated (NdisMCmActivateVc)")
    else:
        lib.report("R2.15", vc.cm_driver, ddi, f"{vc.handle.label} is {vc.state.name}, not ACTIVE")


# ---------------------------------------------------------------------------------- make call
def NdisClMakeCall(
    NdisVcHandle: NDIS_HANDLE, CallParameters: CO_CALL_PARAMETERS, ProtocolPartyContext: object = None
) -> tuple[NDIS_STATUS, NDIS_HANDLE | None]:
    """A client sets up an outgoing call on a VC it created; returns ``(Status, NdisPartyHandle)``.

    NDIS contract:
        NDIS forwards to ProtocolCmMakeCall. Non-PENDING is final (the client calls its own
        ProtocolClMakeCallComplete); PENDING ends with NdisCmMakeCallComplete ->
        ProtocolClMakeCallComplete. *NdisPartyHandle* is only meaningful for a multipoint
        call (a non-NULL *ProtocolPartyContext*).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisclmakecall
    """
    ddi = "NdisClMakeCall"
    lib, vc = library_of(NdisVcHandle, ("vc",), "NdisVcHandle", ddi)
    return lib.ddi(
        vc.creator_driver.name, ddi, (NdisVcHandle,), _make_call, lib, vc, CallParameters, ProtocolPartyContext
    )


def _make_call(lib: NdisLibrary, vc: Vc, params: Any, party_context: object) -> tuple[NDIS_STATUS, NDIS_HANDLE | None]:
    ddi = "NdisClMakeCall"
    require_type(params, CO_CALL_PARAMETERS, "CallParameters", ddi)
    if vc.af is None or vc.creator != "client":
        lib.report(
            "R2.02",
            lib.current() or vc.creator_driver,
            ddi,
            f"{vc.handle.label} was created by the call manager; a client makes calls on VCs it created",
        )
        return NDIS_STATUS_FAILURE, None
    expect_caller(lib, vc.creator_driver, ddi, "R1.28", "the client that created the VC")
    if vc.af.state is not AfState.OPEN:
        return NDIS_STATUS_FAILURE, None
    cell = CALL_TABLE.step(vc.call_state, CallInput.MAKE_CALL)
    if isinstance(cell, Refuse):
        return cell.status, None
    party = None
    if party_context is not None:
        party = lib.handles.mint("party", vc)
        vc.party_client_context = party_context
    vc.party = party
    lib.force(vc, "call_state", CALL_TABLE, CallInput.MAKE_CALL)
    vc.call_parameters = params
    status, cm_party = call_handler(
        lib, vc.cm_driver, vc.cm_handlers, "CmMakeCallHandler", (vc.cm_context, params, party), (vc.handle,)
    )
    if status == NDIS_STATUS_PENDING:
        lib.mark(vc, call_pending=CallPending.MAKE)
        return NDIS_STATUS_PENDING, party
    _finish_make_call(lib, vc, status, cm_party, "ProtocolCmMakeCall")
    return status, party if status == NDIS_STATUS_SUCCESS else None


def _finish_make_call(lib: NdisLibrary, vc: Vc, status: int, cm_party: object, call: str) -> None:
    if status == NDIS_STATUS_SUCCESS:
        _check_active(lib, vc, call)
        vc.party_cm_context = cm_party
        lib.force(vc, "call_state", CALL_TABLE, CallInput.MAKE_CALL_SUCCEEDED)
    else:
        lib.force(vc, "call_state", CALL_TABLE, CallInput.MAKE_CALL_FAILED)
        lib.kill(vc.party, "the call failed")
        vc.party = None


def NdisCmMakeCallComplete(
    Status: NDIS_STATUS,
    NdisVcHandle: NDIS_HANDLE,
    NdisPartyHandle: NDIS_HANDLE | None,
    CallMgrPartyContext: object,
    CallParameters: CO_CALL_PARAMETERS,
) -> None:
    """The call manager finishes a make-call it pended; NDIS calls ProtocolClMakeCallComplete.

    NDIS contract:
        The VC must already be active when Status is SUCCESS (R2.15).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscmmakecallcomplete
    """
    _make_call_complete(
        "NdisCmMakeCallComplete", Status, NdisVcHandle, NdisPartyHandle, CallMgrPartyContext, CallParameters
    )


def NdisMCmMakeCallComplete(
    Status: NDIS_STATUS,
    NdisVcHandle: NDIS_HANDLE,
    NdisPartyHandle: NDIS_HANDLE | None,
    CallMgrPartyContext: object,
    CallParameters: CO_CALL_PARAMETERS,
) -> None:
    """MCM form of NdisCmMakeCallComplete."""
    _make_call_complete(
        "NdisMCmMakeCallComplete", Status, NdisVcHandle, NdisPartyHandle, CallMgrPartyContext, CallParameters
    )


def _make_call_complete(
    ddi: str, Status: int, handle: NDIS_HANDLE, party: object, cm_party: object, params: Any
) -> None:
    lib, vc = library_of(handle, ("vc",), "NdisVcHandle", ddi)

    def impl() -> None:
        cm = vc.cm_driver
        if vc.call_pending != CallPending.MAKE:
            lib.report("X1.01", cm, ddi, f"no pended ProtocolCmMakeCall on {vc.handle.label}")
            return
        status = Status
        if status == NDIS_STATUS_PENDING:
            lib.report("X1.02", cm, ddi, "Status is NDIS_STATUS_PENDING")
            status = NDIS_STATUS_FAILURE
        lib.mark(vc, call_pending=None)
        party_handle = vc.party
        _finish_make_call(lib, vc, status, cm_party, ddi)
        protocol = _client(vc)
        call_handler(
            lib,
            protocol.driver,
            protocol.cl,
            "ClMakeCallCompleteHandler",
            (status, vc.client_context, party_handle if status == NDIS_STATUS_SUCCESS else None, params),
            (status, handle),
        )

    lib.ddi(vc.cm_driver.name, ddi, (Status, handle), impl)


# ---------------------------------------------------------------------------------- incoming call
def NdisCmDispatchIncomingCall(
    NdisSapHandle: NDIS_HANDLE, NdisVcHandle: NDIS_HANDLE, CallParameters: CO_CALL_PARAMETERS
) -> NDIS_STATUS:
    """The call manager offers an incoming call on a SAP to the client that registered it.

    NDIS contract:
        The call manager created the VC (R2.02) and activated it (R2.15) first. NDIS calls
        ProtocolClIncomingCall; non-PENDING is final (the CM calls its own
        ProtocolCmIncomingCallComplete); PENDING ends with NdisClIncomingCallComplete.
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscmdispatchincomingcall
    """
    return _dispatch_incoming("NdisCmDispatchIncomingCall", NdisSapHandle, NdisVcHandle, CallParameters)


def NdisMCmDispatchIncomingCall(
    NdisSapHandle: NDIS_HANDLE, NdisVcHandle: NDIS_HANDLE, CallParameters: CO_CALL_PARAMETERS
) -> NDIS_STATUS:
    """MCM form of NdisCmDispatchIncomingCall."""
    return _dispatch_incoming("NdisMCmDispatchIncomingCall", NdisSapHandle, NdisVcHandle, CallParameters)


def _dispatch_incoming(ddi: str, sap_handle: NDIS_HANDLE, vc_handle: NDIS_HANDLE, params: Any) -> NDIS_STATUS:
    lib, sap = library_of(sap_handle, ("sap",), "NdisSapHandle", ddi)
    vc: Vc = lib.resolve(vc_handle, ("vc",), "NdisVcHandle", ddi)

    def impl() -> NDIS_STATUS:
        require_type(params, CO_CALL_PARAMETERS, "CallParameters", ddi)
        return _incoming(lib, sap, vc, params, ddi)

    return lib.ddi(vc.cm_driver.name, ddi, (sap_handle, vc_handle), impl)


def _incoming(lib: NdisLibrary, sap: Sap, vc: Vc, params: Any, ddi: str) -> NDIS_STATUS:
    cm = vc.cm_driver
    if vc.creator == "client":
        lib.report(
            "R2.02",
            cm,
            ddi,
            f"{vc.handle.label} was created by the client; incoming calls use a VC the call manager created",
        )
        return NDIS_STATUS_FAILURE
    if vc.af is not sap.af or sap.state is not SapState.REGISTERED:
        return NDIS_STATUS_FAILURE
    cell = CALL_TABLE.step(vc.call_state, CallInput.DISPATCH_INCOMING)
    if cell is None or isinstance(cell, Refuse):
        lib.report("X1.03", cm, ddi, f"{vc.handle.label} already carries a call ({vc.call_state.name})")
        return NDIS_STATUS_NOT_ACCEPTED
    _check_active(lib, vc, ddi)
    lib.force(vc, "call_state", CALL_TABLE, CallInput.DISPATCH_INCOMING)
    vc.sap = sap
    lib.mark(vc, incoming_rejected=False)
    vc.call_parameters = params
    protocol = _client(vc)
    status = call_handler(
        lib,
        protocol.driver,
        protocol.cl,
        "ClIncomingCallHandler",
        (sap.client_context, vc.client_context, params),
        (sap.handle, vc.handle),
    )
    if status == NDIS_STATUS_PENDING:
        lib.mark(vc, call_pending=CallPending.INCOMING)
        return NDIS_STATUS_PENDING
    _finish_incoming(lib, vc, status)
    return int(status)


def _finish_incoming(lib: NdisLibrary, vc: Vc, status: int) -> None:
    if status == NDIS_STATUS_SUCCESS:
        lib.force(vc, "call_state", CALL_TABLE, CallInput.INCOMING_ACCEPTED)
    else:
        lib.force(vc, "call_state", CALL_TABLE, CallInput.INCOMING_REJECTED)
        lib.mark(vc, incoming_rejected=True)


def NdisClIncomingCallComplete(
    Status: NDIS_STATUS, NdisVcHandle: NDIS_HANDLE, CallParameters: CO_CALL_PARAMETERS
) -> None:
    """The client finishes a ProtocolClIncomingCall it pended; NDIS calls ProtocolCmIncomingCallComplete.

    https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisclincomingcallcomplete
    """
    ddi = "NdisClIncomingCallComplete"
    lib, vc = library_of(NdisVcHandle, ("vc",), "NdisVcHandle", ddi)

    def impl() -> None:
        client = _client(vc).driver
        if vc.call_pending != CallPending.INCOMING:
            lib.report("X1.01", client, ddi, f"no pended ProtocolClIncomingCall on {vc.handle.label}")
            return
        status = Status
        if status == NDIS_STATUS_PENDING:
            lib.report("X1.02", client, ddi, "Status is NDIS_STATUS_PENDING")
            status = NDIS_STATUS_FAILURE
        lib.mark(vc, call_pending=None)
        _finish_incoming(lib, vc, status)
        call_handler(
            lib,
            vc.cm_driver,
            vc.cm_handlers,
            "CmIncomingCallCompleteHandler",
            (status, vc.cm_context, CallParameters),
            (status, NdisVcHandle),
        )

    lib.ddi(_client(vc).driver.name if vc.af else "?", ddi, (Status, NdisVcHandle), impl)


def NdisCmDispatchCallConnected(NdisVcHandle: NDIS_HANDLE) -> None:
    """The call manager confirms an accepted incoming call; NDIS calls ProtocolClCallConnected.

    https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscmdispatchcallconnected
    """
    _call_connected("NdisCmDispatchCallConnected", NdisVcHandle)


def NdisMCmDispatchCallConnected(NdisVcHandle: NDIS_HANDLE) -> None:
    """MCM form of NdisCmDispatchCallConnected."""
    _call_connected("NdisMCmDispatchCallConnected", NdisVcHandle)


def _call_connected(ddi: str, handle: NDIS_HANDLE) -> None:
    lib, vc = library_of(handle, ("vc",), "NdisVcHandle", ddi)

    def impl() -> None:
        if vc.call_state is not CallState.ACCEPTED:
            lib.report(
                "X1.03",
                vc.cm_driver,
                ddi,
                f"the call on {vc.handle.label} is {vc.call_state.name}, not ACCEPTED by the client",
            )
            return
        lib.force(vc, "call_state", CALL_TABLE, CallInput.CALL_CONNECTED)
        protocol = _client(vc)
        call_handler(lib, protocol.driver, protocol.cl, "ClCallConnectedHandler", (vc.client_context,), (handle,))

    lib.ddi(vc.cm_driver.name, ddi, (handle,), impl)


# ---------------------------------------------------------------------------------- close call
def NdisClCloseCall(
    NdisVcHandle: NDIS_HANDLE, NdisPartyHandle: NDIS_HANDLE | None = None, Buffer: object = None, Size: int = 0
) -> NDIS_STATUS:
    """The client tears down the call on a VC.

    NDIS contract:
        NDIS calls ProtocolCmCloseCall, which deactivates the VC (R2.42). Non-PENDING is
        final; PENDING ends with NdisCmCloseCallComplete -> ProtocolClCloseCallComplete.
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisclclosecall
    """
    ddi = "NdisClCloseCall"
    lib, vc = library_of(NdisVcHandle, ("vc",), "NdisVcHandle", ddi)
    if NdisPartyHandle is not None:
        lib.resolve(NdisPartyHandle, ("party",), "NdisPartyHandle", ddi)
    name = _client(vc).driver.name if vc.af is not None else vc.creator_driver.name
    return lib.ddi(name, ddi, (NdisVcHandle,), _close_call, lib, vc, Buffer, Size)


def _close_call(lib: NdisLibrary, vc: Vc, buffer: object, size: int) -> NDIS_STATUS:
    ddi = "NdisClCloseCall"
    if vc.af is None:
        return NDIS_STATUS_FAILURE
    expect_caller(lib, _client(vc).driver, ddi, "R1.28", "the client of the call")
    cell = CALL_TABLE.step(vc.call_state, CallInput.CLOSE_CALL)
    if isinstance(cell, Refuse):
        return cell.status
    if cell is None:
        return NDIS_STATUS_NOT_ACCEPTED
    lib.force(vc, "call_state", CALL_TABLE, CallInput.CLOSE_CALL)
    status = call_handler(
        lib,
        vc.cm_driver,
        vc.cm_handlers,
        "CmCloseCallHandler",
        (vc.cm_context, vc.party_cm_context, buffer, size),
        (vc.handle,),
    )
    if status == NDIS_STATUS_PENDING:
        lib.mark(vc, call_pending=CallPending.CLOSE)
        return NDIS_STATUS_PENDING
    _finish_close(lib, vc, status, "ProtocolCmCloseCall", pended=False)
    return int(status)


def _finish_close(lib: NdisLibrary, vc: Vc, status: int, call: str, pended: bool) -> None:
    if status == NDIS_STATUS_SUCCESS:
        if pended and vc.state is not VcState.INACTIVE:
            lib.report(
                "R2.34",
                vc.cm_driver,
                call,
                f"{vc.handle.label} is {vc.state.name}: finish the deactivation before completing the close",
            )
        elif not pended and vc.state in DATA_STATES:
            lib.report(
                "R2.42",
                vc.cm_driver,
                call,
                f"the call closed but {vc.handle.label} is still {vc.state.name}; deactivate it in ProtocolCmCloseCall",
            )
        lib.force(vc, "call_state", CALL_TABLE, CallInput.CLOSE_CALL_DONE)
        if vc.incoming_close_status not in (None, NDIS_STATUS_SUCCESS) and vc.creator == "client":
            lib.mark(vc, must_delete=True)
        lib.mark(vc, incoming_close_status=None)
        lib.kill(vc.party, "the call was closed")
        vc.party = None
    else:
        lib.force(vc, "call_state", CALL_TABLE, CallInput.CLOSE_CALL_FAILED)


def NdisCmCloseCallComplete(
    Status: NDIS_STATUS, NdisVcHandle: NDIS_HANDLE, NdisPartyHandle: NDIS_HANDLE | None
) -> None:
    """The call manager finishes a close it pended; NDIS calls ProtocolClCloseCallComplete.

    NDIS contract:
        Only after the VC's deactivation has finished (R2.34).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscmclosecallcomplete
    """
    _close_call_complete("NdisCmCloseCallComplete", Status, NdisVcHandle)


def NdisMCmCloseCallComplete(
    Status: NDIS_STATUS, NdisVcHandle: NDIS_HANDLE, NdisPartyHandle: NDIS_HANDLE | None
) -> None:
    """MCM form of NdisCmCloseCallComplete."""
    _close_call_complete("NdisMCmCloseCallComplete", Status, NdisVcHandle)


def _close_call_complete(ddi: str, Status: int, handle: NDIS_HANDLE) -> None:
    lib, vc = library_of(handle, ("vc",), "NdisVcHandle", ddi)

    def impl() -> None:
        cm = vc.cm_driver
        if vc.call_pending != CallPending.CLOSE:
            lib.report("X1.01", cm, ddi, f"no pended ProtocolCmCloseCall on {vc.handle.label}")
            return
        status = Status
        if status == NDIS_STATUS_PENDING:
            lib.report("X1.02", cm, ddi, "Status is NDIS_STATUS_PENDING")
            status = NDIS_STATUS_FAILURE
        lib.mark(vc, call_pending=None)
        party_context = vc.party_client_context
        _finish_close(lib, vc, status, ddi, pended=True)
        protocol = _client(vc)
        call_handler(
            lib,
            protocol.driver,
            protocol.cl,
            "ClCloseCallCompleteHandler",
            (status, vc.client_context, party_context),
            (status, handle),
        )

    lib.ddi(vc.cm_driver.name, ddi, (Status, handle), impl)


def NdisCmDispatchIncomingCloseCall(
    CloseStatus: NDIS_STATUS, NdisVcHandle: NDIS_HANDLE, Buffer: object = None, Size: int = 0
) -> None:
    """The call manager reports that the remote side closed the call; NDIS calls ProtocolClIncomingCloseCall.

    NDIS contract:
        The client then calls NdisClCloseCall, and deletes a VC it created if CloseStatus
        is an error (R2.43).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscmdispatchincomingclosecall
    """
    _incoming_close("NdisCmDispatchIncomingCloseCall", CloseStatus, NdisVcHandle, Buffer, Size)


def NdisMCmDispatchIncomingCloseCall(
    CloseStatus: NDIS_STATUS, NdisVcHandle: NDIS_HANDLE, Buffer: object = None, Size: int = 0
) -> None:
    """MCM form of NdisCmDispatchIncomingCloseCall."""
    _incoming_close("NdisMCmDispatchIncomingCloseCall", CloseStatus, NdisVcHandle, Buffer, Size)


def _incoming_close(ddi: str, CloseStatus: int, handle: NDIS_HANDLE, buffer: object, size: int) -> None:
    lib, vc = library_of(handle, ("vc",), "NdisVcHandle", ddi)

    def impl() -> None:
        if vc.call_state is not CallState.CONNECTED:
            lib.report(
                "X1.03", vc.cm_driver, ddi, f"the call on {vc.handle.label} is {vc.call_state.name}, not CONNECTED"
            )
            return
        lib.force(vc, "call_state", CALL_TABLE, CallInput.INCOMING_CLOSE)
        lib.mark(vc, incoming_close_status=CloseStatus)
        protocol = _client(vc)
        call_handler(
            lib,
            protocol.driver,
            protocol.cl,
            "ClIncomingCloseCallHandler",
            (CloseStatus, vc.client_context, buffer, size),
            (CloseStatus, handle),
        )

    lib.ddi(vc.cm_driver.name, ddi, (CloseStatus, handle), impl)
