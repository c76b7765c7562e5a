"""The virtual connection (VC) activation state machine.

Theory of operation. A VC is created by a client (outgoing call) or a call manager
(incoming call, or its own signaling VC); NDIS hands the same ``NdisVcHandle`` to every
driver that shares it. Only a call manager activates or deactivates it, through the
miniport (``NdisCmActivateVc`` -> ``MiniportCoActivateVc``); data may flow only while it is
active. Only its creator deletes it, and only once it is inactive again. The call that
runs on a VC is a separate machine (``condis_edu._library.states.call``).

``REACTIVATING`` is an activation request on an already active VC (a change of call
parameters, R2.20); if it fails the VC stays ``ACTIVE`` with its old parameters (R2.21).

Pages: https://learn.microsoft.com/windows-hardware/drivers/network/virtual-connections,
activating-a-vc, deactivating-a-vc, deleting-a-vc.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

from condis_edu._library.statemachine import Move, Refuse, StateTable
from condis_edu._library.states.call import CallPending
from condis_edu.mirror.status import NDIS_STATUS_CLOSING, NDIS_STATUS_NOT_ACCEPTED


class VcState(enum.Enum):
    """Activation state of a VC as NDIS tracks it."""

    INACTIVE = "created, not active (or deactivated)"
    ACTIVATING = "activation pending in the miniport"
    ACTIVE = "active: data may flow"
    REACTIVATING = "active, a new activation (parameter change) is pending"
    DEACTIVATING = "deactivation pending in the miniport"
    DELETED = "deleted; the handle is dead"


class VcInput(enum.Enum):
    """What happens to a VC."""

    ACTIVATE = "Ndis(M)CmActivateVc"
    ACTIVATE_SUCCEEDED = "activation completed with NDIS_STATUS_SUCCESS"
    ACTIVATE_FAILED = "activation completed with an error"
    DEACTIVATE = "Ndis(M)CmDeactivateVc"
    DEACTIVATE_DONE = "deactivation completed"
    DELETE = "NdisCoDeleteVc / NdisMCmDeleteVc"


S, In = VcState, VcInput

VC_TABLE: Final = StateTable(
    name="vc",
    title="Virtual connection",
    states=VcState,
    inputs=VcInput,
    initial=S.INACTIVE,
    final=(S.DELETED,),
    page="https://learn.microsoft.com/windows-hardware/drivers/network/virtual-connections",
    cells={
        (S.INACTIVE, In.ACTIVATE): Move(S.ACTIVATING),
        (S.ACTIVATING, In.ACTIVATE_SUCCEEDED): Move(S.ACTIVE),
        (S.ACTIVATING, In.ACTIVATE_FAILED): Move(S.INACTIVE),
        (S.ACTIVE, In.ACTIVATE): Move(S.REACTIVATING),
        (S.REACTIVATING, In.ACTIVATE_SUCCEEDED): Move(S.ACTIVE),
        (S.REACTIVATING, In.ACTIVATE_FAILED): Move(S.ACTIVE),
        (S.ACTIVE, In.DEACTIVATE): Move(S.DEACTIVATING),
        (S.DEACTIVATING, In.DEACTIVATE_DONE): Move(S.INACTIVE),
        (S.INACTIVE, In.DELETE): Move(S.DELETED),
        (S.ACTIVATING, In.ACTIVATE): Refuse(NDIS_STATUS_NOT_ACCEPTED, "an activation is already pending", "R2.24"),
        (S.REACTIVATING, In.ACTIVATE): Refuse(NDIS_STATUS_NOT_ACCEPTED, "an activation is already pending", "R2.24"),
        (S.DEACTIVATING, In.ACTIVATE): Refuse(NDIS_STATUS_CLOSING, "a deactivation is pending", "R2.24"),
        (S.INACTIVE, In.DEACTIVATE): Refuse(NDIS_STATUS_NOT_ACCEPTED, "the VC is not active", "R2.35"),
        (S.ACTIVATING, In.DEACTIVATE): Refuse(NDIS_STATUS_NOT_ACCEPTED, "an activation is pending", "R2.32"),
        (S.REACTIVATING, In.DEACTIVATE): Refuse(NDIS_STATUS_NOT_ACCEPTED, "an activation is pending", "R2.32"),
        (S.DEACTIVATING, In.DEACTIVATE): Refuse(NDIS_STATUS_CLOSING, "a deactivation is already pending", "R2.32"),
        (S.ACTIVE, In.DELETE): Refuse(NDIS_STATUS_NOT_ACCEPTED, "the VC is still active", "R2.38"),
        (S.ACTIVATING, In.DELETE): Refuse(NDIS_STATUS_NOT_ACCEPTED, "an activation is pending", "R2.38"),
        (S.REACTIVATING, In.DELETE): Refuse(NDIS_STATUS_NOT_ACCEPTED, "the VC is still active", "R2.38"),
        (S.DEACTIVATING, In.DELETE): Refuse(NDIS_STATUS_CLOSING, "the deactivation is still pending", "R2.38"),
    },
)
"""The VC activation table."""

@dataclass(frozen=True, slots=True)
class VcFlags:
    """What NDIS remembers about a VC beside its activation state and its call state.

    Frozen: only ``NdisLibrary.mark`` replaces it (a new record per change), as only
    ``NdisLibrary.move`` changes a state.
    """

    activation_pending: bool = False
    """A MiniportCoActivateVc pended and NdisMCoActivateVcComplete has not come yet."""
    deactivation_pending: bool = False
    """A MiniportCoDeactivateVc pended and NdisMCoDeactivateVcComplete has not come yet."""
    last_activation_failed: bool = False
    """The most recent activation ended with an error status."""
    incoming_rejected: bool = False
    """The client rejected the incoming call offered on this VC."""
    incoming_close_status: int | None = None
    """The CloseStatus of NdisCmDispatchIncomingCloseCall, until the client's NdisClCloseCall."""
    must_delete: bool = False
    """R2.43: the network closed the call with an error; the client must delete the VC."""
    call_pending: CallPending | None = None
    """The call request a driver pended on this VC (make, incoming, close) and must still complete."""


DATA_STATES: Final = frozenset({S.ACTIVE, S.REACTIVATING})
"""States in which the data path may send or indicate on the VC (R2.14)."""
