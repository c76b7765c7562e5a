"""The protocol binding state machine (one protocol bound to one adapter).

Theory of operation. NDIS calls ``ProtocolBindAdapterEx``; the protocol opens the adapter
with ``NdisOpenAdapterEx`` (``OPENING``). When the bind completes the binding is
``PAUSED``; NDIS restarts it with a ``NetEventRestart`` PnP event (``RESTARTING`` then
``RUNNING``). To unbind, NDIS pauses the binding (``NetEventPause``) and calls
``ProtocolUnbindAdapterEx``, which closes the adapter with ``NdisCloseAdapterEx``.
``DROP`` is the engine's own input: NDIS closes a binding without an unbind when the bind
fails or the adapter under it is removed.

Page: https://learn.microsoft.com/windows-hardware/drivers/network/binding-states-of-a-protocol-driver
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

from condis_edu._library.statemachine import Move, StateTable


class BindingState(enum.Enum):
    """The documented protocol binding states."""

    UNBOUND = "Unbound"
    OPENING = "Opening"
    PAUSED = "Paused"
    RESTARTING = "Restarting"
    RUNNING = "Running"
    PAUSING = "Pausing"
    CLOSING = "Closing"


class BindingInput(enum.Enum):
    """What happens to a binding."""

    BIND = "ProtocolBindAdapterEx"
    BIND_SUCCEEDED = "bind completed with NDIS_STATUS_SUCCESS"
    BIND_FAILED = "bind failed"
    RESTART = "NetEventRestart"
    RESTART_DONE = "restart PnP event completed"
    PAUSE = "NetEventPause"
    PAUSE_DONE = "pause PnP event completed"
    UNBIND = "ProtocolUnbindAdapterEx"
    UNBIND_DONE = "unbind completed"
    DROP = "NDIS closes the binding itself: the bind failed, or the adapter went away"


S, In = BindingState, BindingInput

BINDING_TABLE: Final = StateTable(
    name="binding",
    title="Protocol binding",
    states=BindingState,
    inputs=BindingInput,
    initial=S.UNBOUND,
    page="https://learn.microsoft.com/windows-hardware/drivers/network/binding-states-of-a-protocol-driver",
    cells={
        (S.UNBOUND, In.BIND): Move(S.OPENING),
        (S.OPENING, In.BIND_SUCCEEDED): Move(S.PAUSED),
        (S.OPENING, In.BIND_FAILED): Move(S.UNBOUND),
        (S.PAUSED, In.RESTART): Move(S.RESTARTING),
        (S.RESTARTING, In.RESTART_DONE): Move(S.RUNNING),
        (S.RUNNING, In.PAUSE): Move(S.PAUSING),
        (S.PAUSING, In.PAUSE_DONE): Move(S.PAUSED),
        (S.PAUSED, In.UNBIND): Move(S.CLOSING),
        (S.CLOSING, In.UNBIND_DONE): Move(S.UNBOUND),
        (S.OPENING, In.DROP): Move(S.UNBOUND),
        (S.PAUSED, In.DROP): Move(S.UNBOUND),
        (S.RESTARTING, In.DROP): Move(S.UNBOUND),
        (S.RUNNING, In.DROP): Move(S.UNBOUND),
        (S.PAUSING, In.DROP): Move(S.UNBOUND),
    },
)
"""The binding table."""


@dataclass(frozen=True, slots=True)
class BindingFlags:
    """What NDIS remembers about a binding beside its state (frozen: only ``NdisLibrary.mark``)."""

    pnp_pending: bool = False
    """ProtocolNetPnPEvent returned NDIS_STATUS_PENDING; NdisCompleteNetPnPEvent must follow."""


@dataclass(frozen=True, slots=True)
class AttemptFlags:
    """What NDIS remembers about one bind or unbind call (frozen: only ``NdisLibrary.mark``)."""

    pending: bool = False
    """ProtocolBindAdapterEx (or ProtocolUnbindAdapterEx) returned NDIS_STATUS_PENDING; the
    protocol must still call NdisCompleteBindAdapterEx (or NdisCompleteUnbindAdapterEx)."""
