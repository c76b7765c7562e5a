"""The client's VC and call handlers."""

from __future__ import annotations

from condis_edu.ndis import (
    CO_CALL_PARAMETERS,
    NDIS_HANDLE,
    NDIS_STATUS_NOT_ACCEPTED,
    NDIS_STATUS_NOT_SUPPORTED,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
    NdisClCloseCall,
)
from condis_edu.samples.client.deletion import delete_own_vc, forget_vc
from condis_edu.samples.client.state import ClAf, ClSap, ClVc
from condis_edu.samples.client.teardown import continue_teardown


def ClCreateVc(ProtocolAfContext: ClAf, NdisVcHandle: NDIS_HANDLE) -> tuple[int, ClVc]:
    """The call manager created a VC for an incoming call to us."""
    vc = ClVc(ProtocolAfContext, outgoing=False)
    vc.NdisVcHandle = NdisVcHandle
    ProtocolAfContext.vcs.append(vc)
    return NDIS_STATUS_SUCCESS, vc


def ClDeleteVc(ProtocolVcContext: ClVc) -> int:
    """The call manager deleted the VC of an incoming call."""

    vc = ProtocolVcContext
    vc.NdisVcHandle = None
    forget_vc(vc)
    return NDIS_STATUS_SUCCESS


def ClMakeCallComplete(
    Status: int, ProtocolVcContext: ClVc, NdisPartyHandle: NDIS_HANDLE | None, CallParameters: CO_CALL_PARAMETERS
) -> None:
    """Our outgoing call is up, or failed (then we delete the VC we created)."""
    vc = ProtocolVcContext
    vc.status = Status
    if Status == NDIS_STATUS_SUCCESS:
        vc.state = "connected"
        return
    vc.state = "failed"
    delete_own_vc(vc)


def ClIncomingCall(ProtocolSapContext: ClSap, ProtocolVcContext: ClVc, CallParameters: CO_CALL_PARAMETERS) -> int:
    """Accept calls to our SAPs (unless the driver was told to refuse them)."""
    vc = ProtocolVcContext
    if not ProtocolSapContext.af.binding.globals.accept_calls or vc.af.tearing_down:
        return NDIS_STATUS_NOT_ACCEPTED
    vc.state, vc.called = "offered", ProtocolSapContext.name
    return NDIS_STATUS_SUCCESS


def ClCallConnected(ProtocolVcContext: ClVc) -> None:
    """The incoming call is established."""
    ProtocolVcContext.state = "connected"


def drop_call(vc: ClVc) -> None:
    """Close a call (ours or an incoming one)."""
    vc.state = "closing"
    assert vc.NdisVcHandle is not None
    Status = NdisClCloseCall(vc.NdisVcHandle, None, None, 0)
    if Status != NDIS_STATUS_PENDING:
        ClCloseCallComplete(Status, vc, None)


def ClIncomingCloseCall(CloseStatus: int, ProtocolVcContext: ClVc, CloseData: object, Size: int) -> None:
    """The other end hung up: close our side (R2.43)."""
    ProtocolVcContext.status = CloseStatus
    drop_call(ProtocolVcContext)


def ClCloseCallComplete(Status: int, ProtocolVcContext: ClVc, ProtocolPartyContext: object) -> None:
    """The call is closed. A VC we created is ours to delete (R2.05), once NDIS lets it go."""
    vc = ProtocolVcContext
    vc.state = "closed"
    if vc.outgoing:
        delete_own_vc(vc)


def ClModifyCallQoSComplete(Status: int, ProtocolVcContext: ClVc, CallParameters: CO_CALL_PARAMETERS) -> None:
    """We never ask for QoS changes."""


def ClIncomingCallQoSChange(ProtocolVcContext: ClVc, CallParameters: CO_CALL_PARAMETERS) -> None:
    """Accept whatever the network decided."""


def ClAddPartyComplete(
    Status: int, ProtocolPartyContext: object, NdisPartyHandle: object, CallParameters: object
) -> None:
    """Point-to-point only."""


def ClDropPartyComplete(Status: int, ProtocolPartyContext: object) -> None:
    """Point-to-point only."""


def ClIncomingDropParty(DropStatus: int, ProtocolPartyContext: object, CloseData: object, Size: int) -> None:
    """Point-to-point only."""


def ClOidRequest(
    ProtocolAfContext: ClAf, ProtocolVcContext: object, ProtocolPartyContext: object, OidRequest: object
) -> int:
    """No OIDs are supported."""
    return NDIS_STATUS_NOT_SUPPORTED


def ClOidRequestComplete(
    ProtocolAfContext: ClAf, ProtocolVcContext: object, ProtocolPartyContext: object, OidRequest: object, Status: int
) -> None:
    """No OIDs are issued."""



def start_teardown(af: ClAf) -> None:
    """Close every call; the rest of the teardown follows as the closes complete (R2.46)."""

    if af.tearing_down:
        return
    af.tearing_down = True
    for vc in list(af.vcs):
        if vc.state in ("connected", "offered"):
            drop_call(vc)
    continue_teardown(af)
