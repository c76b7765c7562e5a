"""Address family (AF) and SAP state machines.

Theory of operation. A call manager registers an AF on an adapter
(``NdisCmRegisterAddressFamilyEx``, or ``NdisMCmRegisterAddressFamilyEx`` for an MCM);
NDIS tells every bound CoNDIS protocol (``ProtocolCoAfRegisterNotify``). A client opens
the AF (``NdisClOpenAddressFamilyEx`` -> ``ProtocolCmOpenAf``), which gives it an
``NdisAfHandle`` shared with the call manager. The client registers SAPs on the open AF to
receive incoming calls, and closes the AF when done, after closing its calls and
deregistering its SAPs (R2.46). A call manager that goes away first asks each client to
close (``NdisCmNotifyCloseAddressFamily`` -> ``ProtocolClNotifyCloseAf``, R2.47).

Pages: https://learn.microsoft.com/windows-hardware/drivers/network/registering-and-opening-an-address-family,
registering-a-sap, deregistering-a-sap, closing-an-address-family.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

from condis_edu._library.statemachine import Move, Refuse, StateTable
from condis_edu.mirror.status import NDIS_STATUS_CLOSING, NDIS_STATUS_NOT_ACCEPTED


class AfState(enum.Enum):
    """State of one client's open of an AF (one ``NdisAfHandle``)."""

    OPENING = "ProtocolCmOpenAf pended; not yet usable"
    OPEN = "open: SAPs, VCs and calls may use it"
    CLOSE_REQUESTED = "the call manager asked the client to close it"
    CLOSING = "NdisClCloseAddressFamily forwarded to the call manager"
    CLOSED = "closed; the handle is dead"


class AfInput(enum.Enum):
    """What happens to an open AF."""

    OPEN_SUCCEEDED = "ProtocolCmOpenAf succeeded (directly or through the completion)"
    OPEN_FAILED = "ProtocolCmOpenAf failed"
    NOTIFY_CLOSE = "NdisCmNotifyCloseAddressFamily"
    CLOSE = "NdisClCloseAddressFamily"
    CLOSE_SUCCEEDED = "close completed with NDIS_STATUS_SUCCESS"
    CLOSE_FAILED = "close completed with an error"
    TEARDOWN = "NDIS closes the AF itself: its binding or its call manager went away"


class AfPending(enum.Enum):
    """Which request on an open AF a driver pended (and must complete)."""

    OPEN = "open"
    CLOSE = "close"
    NOTIFY_CLOSE = "notify-close"


@dataclass(frozen=True, slots=True)
class AfFlags:
    """What NDIS remembers about an open AF beside its state (frozen: only ``NdisLibrary.mark``)."""

    pending: AfPending | None = None
    """The request a driver pended on this AF and must still complete, if any."""


A, AI = AfState, AfInput

AF_TABLE: Final = StateTable(
    name="af",
    title="Address family (one open)",
    states=AfState,
    inputs=AfInput,
    initial=A.OPENING,
    final=(A.CLOSED,),
    page="https://learn.microsoft.com/windows-hardware/drivers/network/registering-and-opening-an-address-family",
    cells={
        (A.OPENING, AI.OPEN_SUCCEEDED): Move(A.OPEN),
        (A.OPENING, AI.OPEN_FAILED): Move(A.CLOSED),
        (A.OPEN, AI.NOTIFY_CLOSE): Move(A.CLOSE_REQUESTED),
        (A.OPEN, AI.CLOSE): Move(A.CLOSING),
        (A.CLOSE_REQUESTED, AI.CLOSE): Move(A.CLOSING),
        (A.CLOSING, AI.CLOSE_SUCCEEDED): Move(A.CLOSED),
        (A.CLOSING, AI.CLOSE_FAILED): Move(A.OPEN),
        (A.OPENING, AI.TEARDOWN): Move(A.CLOSED),
        (A.OPEN, AI.TEARDOWN): Move(A.CLOSED),
        (A.CLOSE_REQUESTED, AI.TEARDOWN): Move(A.CLOSED),
        (A.CLOSING, AI.TEARDOWN): Move(A.CLOSED),
        (A.OPENING, AI.CLOSE): Refuse(NDIS_STATUS_NOT_ACCEPTED, "the open has not completed"),
        (A.CLOSING, AI.CLOSE): Refuse(NDIS_STATUS_CLOSING, "the AF is already closing"),
        (A.CLOSING, AI.NOTIFY_CLOSE): Refuse(NDIS_STATUS_CLOSING, "the client is already closing the AF"),
        (A.CLOSE_REQUESTED, AI.NOTIFY_CLOSE): Refuse(NDIS_STATUS_CLOSING, "the client was already asked"),
        (A.OPENING, AI.NOTIFY_CLOSE): Refuse(NDIS_STATUS_NOT_ACCEPTED, "the open has not completed"),
    },
)
"""The AF table."""


class SapState(enum.Enum):
    """State of a SAP registered by a client."""

    REGISTERING = "ProtocolCmRegisterSap pended"
    REGISTERED = "registered: incoming calls may arrive"
    DEREGISTERING = "NdisClDeregisterSap forwarded to the call manager"
    DEREGISTERED = "gone; the handle is dead"


class SapInput(enum.Enum):
    """What happens to a SAP."""

    REGISTER_SUCCEEDED = "ProtocolCmRegisterSap succeeded"
    REGISTER_FAILED = "ProtocolCmRegisterSap failed"
    DEREGISTER = "NdisClDeregisterSap"
    DEREGISTER_SUCCEEDED = "deregistration completed with NDIS_STATUS_SUCCESS"
    DEREGISTER_FAILED = "deregistration completed with an error"
    TEARDOWN = "NDIS drops the SAP itself: the binding under its AF went away"


class SapPending(enum.Enum):
    """Which request on a SAP the call manager pended."""

    REGISTER = "register"
    DEREGISTER = "deregister"


@dataclass(frozen=True, slots=True)
class SapFlags:
    """What NDIS remembers about a SAP beside its state (frozen: only ``NdisLibrary.mark``)."""

    pending: SapPending | None = None
    """The request the call manager pended on this SAP and must still complete, if any."""


P, PI = SapState, SapInput

SAP_TABLE: Final = StateTable(
    name="sap",
    title="Service access point",
    states=SapState,
    inputs=SapInput,
    initial=P.REGISTERING,
    final=(P.DEREGISTERED,),
    page="https://learn.microsoft.com/windows-hardware/drivers/network/registering-a-sap",
    cells={
        (P.REGISTERING, PI.REGISTER_SUCCEEDED): Move(P.REGISTERED),
        (P.REGISTERING, PI.REGISTER_FAILED): Move(P.DEREGISTERED),
        (P.REGISTERED, PI.DEREGISTER): Move(P.DEREGISTERING),
        (P.DEREGISTERING, PI.DEREGISTER_SUCCEEDED): Move(P.DEREGISTERED),
        (P.DEREGISTERING, PI.DEREGISTER_FAILED): Move(P.REGISTERED),
        (P.REGISTERING, PI.TEARDOWN): Move(P.DEREGISTERED),
        (P.REGISTERED, PI.TEARDOWN): Move(P.DEREGISTERED),
        (P.DEREGISTERING, PI.TEARDOWN): Move(P.DEREGISTERED),
        (P.REGISTERING, PI.DEREGISTER): Refuse(NDIS_STATUS_NOT_ACCEPTED, "the registration has not completed"),
        (P.DEREGISTERING, PI.DEREGISTER): Refuse(NDIS_STATUS_CLOSING, "the SAP is already being deregistered"),
    },
)
"""The SAP table."""
