"""Data-path handlers of the loopback miniport (stubs until the data path engine exists)."""

from __future__ import annotations

from condis_edu.ndis import NDIS_STATUS_NOT_SUPPORTED
from condis_edu.samples.loopback_miniport.adapter import Adapter
from condis_edu.samples.loopback_miniport.vc import LoopbackVc


def MPSendNetBufferLists(
    MiniportAdapterContext: Adapter, NetBufferList: object, PortNumber: int, SendFlags: int
) -> None:
    """Connectionless sends never reach a CoNDIS-only miniport."""


def MPReturnNetBufferLists(MiniportAdapterContext: Adapter, NetBufferLists: object, ReturnFlags: int) -> None:
    """Receive NBLs coming back (none are indicated yet)."""


def MPCancelSend(MiniportAdapterContext: Adapter, CancelId: object) -> None:
    """Nothing is queued, so nothing to cancel."""


def MPCoSendNetBufferLists(MiniportVcContext: LoopbackVc, NetBufferLists: object, SendFlags: int) -> None:
    """Sends on a VC (the data path engine will loop them back)."""


def MPCoOidRequest(MiniportAdapterContext: Adapter, MiniportVcContext: LoopbackVc | None, NdisRequest: object) -> int:
    """OIDs are part of the data path engine."""
    return NDIS_STATUS_NOT_SUPPORTED
