"""The miniport adapter state machine (NDIS 6 pause/restart), transcribed from R5.13/R5.14.

Theory of operation. Every adapter starts ``HALTED``. NDIS calls ``MiniportInitializeEx``
(``INITIALIZING``); success leaves the adapter ``PAUSED``. NDIS then restarts it
(``MiniportRestart``: ``RESTARTING`` then ``RUNNING``). Pausing (``MiniportPause``) passes
through ``PAUSING``; a pending pause ends with ``NdisMPauseComplete`` and a pending restart
with ``NdisMRestartComplete``. NDIS halts only a paused adapter (Q16: NDIS pauses first).
``SHUTDOWN`` is terminal until reboot. ``REMOVE`` is not on the Microsoft page: it is how
the engine records an adapter that went away without being paused (no ``MiniportHaltEx``).

Sends and receives happen only in ``RUNNING`` and ``PAUSING`` (R5.15); the data path
checks ``SEND_STATES``.

A reset is not one of the documented adapter states: it runs beside them. ``RESET_TABLE``
is the adapter's second machine (``Adapter.reset_state``): NDIS indicates RESET_START and
calls ``MiniportResetEx`` (``IN_PROGRESS``); a pended reset waits for ``NdisMResetComplete``
(``PENDING``); RESET_END brings it back to ``IDLE``. While it is not ``IDLE`` NDIS answers
sends and OID requests with NDIS_STATUS_RESET_IN_PROGRESS (R4.22).

Pages: https://learn.microsoft.com/windows-hardware/drivers/network/miniport-adapter-states-and-operations,
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_reset
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

from condis_edu._library.statemachine import Move, StateTable


class AdapterState(enum.Enum):
    """The documented miniport adapter states."""

    HALTED = "Halted"
    SHUTDOWN = "Shutdown"
    INITIALIZING = "Initializing"
    PAUSED = "Paused"
    RESTARTING = "Restarting"
    RUNNING = "Running"
    PAUSING = "Pausing"


class AdapterInput(enum.Enum):
    """Events of the state table on the Microsoft page."""

    INITIALIZE = "MiniportInitializeEx"
    INITIALIZE_SUCCEEDED = "initialize returned NDIS_STATUS_SUCCESS"
    INITIALIZE_FAILED = "initialize failed"
    RESTART = "MiniportRestart"
    RESTART_SUCCEEDED = "restart complete"
    RESTART_FAILED = "restart failed"
    PAUSE = "MiniportPause"
    PAUSE_DONE = "pause complete"
    HALT = "MiniportHaltEx"
    SHUTDOWN = "MiniportShutdownEx"
    REMOVE = "the device is removed before it could be paused (no MiniportHaltEx)"


S, In = AdapterState, AdapterInput

ADAPTER_TABLE: Final = StateTable(
    name="adapter",
    title="Miniport adapter",
    states=AdapterState,
    inputs=AdapterInput,
    initial=S.HALTED,
    final=(S.SHUTDOWN,),
    page="https://learn.microsoft.com/windows-hardware/drivers/network/miniport-adapter-states-and-operations",
    cells={
        (S.HALTED, In.INITIALIZE): Move(S.INITIALIZING),
        (S.INITIALIZING, In.INITIALIZE_SUCCEEDED): Move(S.PAUSED),
        (S.INITIALIZING, In.INITIALIZE_FAILED): Move(S.HALTED),
        (S.PAUSED, In.RESTART): Move(S.RESTARTING),
        (S.RESTARTING, In.RESTART_SUCCEEDED): Move(S.RUNNING),
        (S.RESTARTING, In.RESTART_FAILED): Move(S.PAUSED),
        (S.RUNNING, In.PAUSE): Move(S.PAUSING),
        (S.PAUSING, In.PAUSE_DONE): Move(S.PAUSED),
        (S.PAUSED, In.HALT): Move(S.HALTED),
        (S.PAUSED, In.SHUTDOWN): Move(S.SHUTDOWN),
        (S.RESTARTING, In.SHUTDOWN): Move(S.SHUTDOWN),
        (S.RUNNING, In.SHUTDOWN): Move(S.SHUTDOWN),
        (S.PAUSING, In.SHUTDOWN): Move(S.SHUTDOWN),
        (S.RESTARTING, In.REMOVE): Move(S.HALTED),
        (S.RUNNING, In.REMOVE): Move(S.HALTED),
        (S.PAUSING, In.REMOVE): Move(S.HALTED),
    },
)
"""The adapter table (every blank cell of the Microsoft table is invalid)."""

SEND_STATES: Final = frozenset({S.RUNNING, S.PAUSING})
"""States in which sends and receive indications are allowed (R5.15)."""
OID_STATES: Final = frozenset({S.PAUSED, S.RESTARTING, S.RUNNING, S.PAUSING})
"""States in which OID requests are handled (R5.15)."""


class ResetState(enum.Enum):
    """Where a reset of the adapter stands (beside the adapter state)."""

    IDLE = "no reset"
    IN_PROGRESS = "RESET_START indicated, MiniportResetEx called"
    PENDING = "MiniportResetEx returned NDIS_STATUS_PENDING; NdisMResetComplete must follow"


class ResetInput(enum.Enum):
    """What happens to a reset."""

    RESET = "NDIS indicates RESET_START and calls MiniportResetEx"
    RESET_PENDED = "MiniportResetEx returned NDIS_STATUS_PENDING"
    RESET_DONE = "the reset completed (MiniportResetEx returned a final status, or NdisMResetComplete); RESET_END"


R, RI = ResetState, ResetInput

RESET_TABLE: Final = StateTable(
    name="reset",
    title="Adapter reset",
    states=ResetState,
    inputs=ResetInput,
    initial=R.IDLE,
    page="https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_reset",
    cells={
        (R.IDLE, RI.RESET): Move(R.IN_PROGRESS),
        (R.IN_PROGRESS, RI.RESET_PENDED): Move(R.PENDING),
        (R.IN_PROGRESS, RI.RESET_DONE): Move(R.IDLE),
        (R.PENDING, RI.RESET_DONE): Move(R.IDLE),
    },
)
"""The reset table: one reset at a time per adapter."""


@dataclass(frozen=True, slots=True)
class AdapterFlags:
    """What NDIS remembers about an adapter beside its state: pended handlers, a stack pause.

    The adapter stays ``RUNNING`` while NDIS pauses the bindings above it; only then does
    ``MiniportPause`` start. Frozen: only ``NdisLibrary.mark`` replaces it (each change traced).
    """

    pause_pending: bool = False
    """MiniportPause returned NDIS_STATUS_PENDING; NdisMPauseComplete must follow."""
    restart_pending: bool = False
    """MiniportRestart returned NDIS_STATUS_PENDING; NdisMRestartComplete must follow."""

    stack_pausing: bool = False
    """NDIS sent NetEventPause to the bindings above and waits for all of them to be Paused."""
    restart_queued: bool = False
    """A restart was asked for during the stack pause: it runs once the adapter is Paused."""
