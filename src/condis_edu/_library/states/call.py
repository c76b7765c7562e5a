"""The call state machine: the call that runs on one VC.

Theory of operation. An outgoing call starts with the client's ``NdisClMakeCall`` on a VC
it created; NDIS forwards it to the call manager's ``ProtocolCmMakeCall``; the call
manager activates the VC and completes with ``NdisCmMakeCallComplete``. An incoming call
starts when the call manager, having created and activated a VC, calls
``NdisCmDispatchIncomingCall``; the client accepts (``ProtocolClIncomingCall`` returns
SUCCESS, or later ``NdisClIncomingCallComplete``) and the call manager confirms with
``NdisCmDispatchCallConnected``. Either side may end the call: the client with
``NdisClCloseCall``, the network through ``NdisCmDispatchIncomingCloseCall`` (after which
the client calls ``NdisClCloseCall``). A closed call leaves the VC reusable (R2.36).

Pages: https://learn.microsoft.com/windows-hardware/drivers/network/making-a-call,
indicating-an-incoming-call, client-initiated-request-to-close-a-call,
incoming-request-to-close-a-call.
"""

from __future__ import annotations

import enum
from typing import Final

from condis_edu._library.statemachine import Move, Refuse, StateTable
from condis_edu.mirror.status import NDIS_STATUS_CLOSING, NDIS_STATUS_NOT_ACCEPTED


class CallState(enum.Enum):
    """State of the call on a VC."""

    IDLE = "no call on the VC"
    OUTGOING = "NdisClMakeCall forwarded to the call manager, not yet complete"
    OFFERED = "incoming call dispatched to the client, not yet accepted"
    ACCEPTED = "client accepted the incoming call; waiting for NdisCmDispatchCallConnected"
    CONNECTED = "call established"
    CLOSE_INDICATED = "the network closed the call; the client must call NdisClCloseCall"
    CLOSING = "NdisClCloseCall forwarded to the call manager, not yet complete"


class CallInput(enum.Enum):
    """What happens to a call."""

    MAKE_CALL = "NdisClMakeCall"
    MAKE_CALL_SUCCEEDED = "make-call completed with NDIS_STATUS_SUCCESS"
    MAKE_CALL_FAILED = "make-call completed with an error"
    DISPATCH_INCOMING = "NdisCmDispatchIncomingCall"
    INCOMING_ACCEPTED = "the client accepted the incoming call"
    INCOMING_REJECTED = "the client rejected the incoming call"
    CALL_CONNECTED = "NdisCmDispatchCallConnected"
    INCOMING_CLOSE = "NdisCmDispatchIncomingCloseCall"
    CLOSE_CALL = "NdisClCloseCall"
    CLOSE_CALL_DONE = "close-call completed"
    CLOSE_CALL_FAILED = "close-call failed; the call stays up"


class CallPending(enum.Enum):
    """Which call request a driver pended (and must complete)."""

    MAKE = "make"
    INCOMING = "incoming"
    CLOSE = "close"


S, In = CallState, CallInput

_busy = "the VC already carries a call"

CALL_TABLE: Final = StateTable(
    name="call",
    title="Call",
    states=CallState,
    inputs=CallInput,
    initial=S.IDLE,
    page="https://learn.microsoft.com/windows-hardware/drivers/network/making-a-call",
    cells={
        (S.IDLE, In.MAKE_CALL): Move(S.OUTGOING),
        (S.OUTGOING, In.MAKE_CALL_SUCCEEDED): Move(S.CONNECTED),
        (S.OUTGOING, In.MAKE_CALL_FAILED): Move(S.IDLE),
        (S.IDLE, In.DISPATCH_INCOMING): Move(S.OFFERED),
        (S.OFFERED, In.INCOMING_ACCEPTED): Move(S.ACCEPTED),
        (S.OFFERED, In.INCOMING_REJECTED): Move(S.IDLE),
        (S.ACCEPTED, In.CALL_CONNECTED): Move(S.CONNECTED),
        (S.CONNECTED, In.INCOMING_CLOSE): Move(S.CLOSE_INDICATED),
        (S.CONNECTED, In.CLOSE_CALL): Move(S.CLOSING),
        (S.CLOSE_INDICATED, In.CLOSE_CALL): Move(S.CLOSING),
        (S.CLOSING, In.CLOSE_CALL_DONE): Move(S.IDLE),
        (S.CLOSING, In.CLOSE_CALL_FAILED): Move(S.CONNECTED),
        (S.OUTGOING, In.MAKE_CALL): Refuse(NDIS_STATUS_NOT_ACCEPTED, _busy),
        (S.OFFERED, In.MAKE_CALL): Refuse(NDIS_STATUS_NOT_ACCEPTED, _busy),
        (S.ACCEPTED, In.MAKE_CALL): Refuse(NDIS_STATUS_NOT_ACCEPTED, _busy),
        (S.CONNECTED, In.MAKE_CALL): Refuse(NDIS_STATUS_NOT_ACCEPTED, _busy),
        (S.CLOSE_INDICATED, In.MAKE_CALL): Refuse(NDIS_STATUS_NOT_ACCEPTED, _busy),
        (S.CLOSING, In.MAKE_CALL): Refuse(NDIS_STATUS_CLOSING, "the previous call is still closing"),
        (S.IDLE, In.CLOSE_CALL): Refuse(NDIS_STATUS_NOT_ACCEPTED, "there is no call to close"),
        (S.OUTGOING, In.CLOSE_CALL): Refuse(NDIS_STATUS_NOT_ACCEPTED, "the call is still being set up"),
        (S.OFFERED, In.CLOSE_CALL): Refuse(NDIS_STATUS_NOT_ACCEPTED, "the call is still being set up"),
        (S.ACCEPTED, In.CLOSE_CALL): Refuse(NDIS_STATUS_NOT_ACCEPTED, "the call is still being set up"),
        (S.CLOSING, In.CLOSE_CALL): Refuse(NDIS_STATUS_CLOSING, "the call is already closing"),
    },
)
"""The call table."""
