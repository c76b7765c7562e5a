"""The MiniportCoXxx VC handlers of the loopback miniport.

Creation and deletion are synchronous (R2.09, R2.40). Activation and deactivation pend
and finish from a work item, as a real NIC that programs hardware would.
"""

from __future__ import annotations

from condis_edu.ndis import (
    CO_CALL_PARAMETERS,
    NDIS_HANDLE,
    NDIS_STATUS_INVALID_DATA,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
    NdisAllocateIoWorkItem,
    NdisFreeIoWorkItem,
    NdisMCoActivateVcComplete,
    NdisMCoDeactivateVcComplete,
    NdisQueueIoWorkItem,
)
from condis_edu.samples.loopback_miniport.datapath import deactivate
from condis_edu.samples.loopback_miniport.state import Adapter, LoopbackVc


def MPCoCreateVc(MiniportAdapterContext: Adapter, NdisVcHandle: NDIS_HANDLE) -> tuple[int, LoopbackVc]:
    """Allocate the per-VC context."""
    vc = LoopbackVc(MiniportAdapterContext, NdisVcHandle)
    MiniportAdapterContext.vcs.append(vc)
    return NDIS_STATUS_SUCCESS, vc


def MPCoDeleteVc(MiniportVcContext: LoopbackVc) -> int:
    """Free the per-VC context."""
    MiniportVcContext.adapter.vcs.remove(MiniportVcContext)
    return NDIS_STATUS_SUCCESS


def MPCoActivateVc(MiniportVcContext: LoopbackVc, CallParameters: CO_CALL_PARAMETERS) -> int:
    """Check the parameters, then program the (pretend) hardware from a work item."""
    if not isinstance(CallParameters, CO_CALL_PARAMETERS):
        return NDIS_STATUS_INVALID_DATA
    work = NdisAllocateIoWorkItem(MiniportVcContext.adapter.MiniportAdapterHandle)
    NdisQueueIoWorkItem(work, _activate_done, (MiniportVcContext, CallParameters))
    return NDIS_STATUS_PENDING


def _activate_done(WorkItemContext: tuple[LoopbackVc, CO_CALL_PARAMETERS], NdisIoWorkItemHandle: NDIS_HANDLE) -> None:
    NdisFreeIoWorkItem(NdisIoWorkItemHandle)
    vc, parameters = WorkItemContext
    vc.active, vc.parameters = True, parameters
    NdisMCoActivateVcComplete(NDIS_STATUS_SUCCESS, vc.NdisVcHandle, parameters)


def MPCoDeactivateVc(MiniportVcContext: LoopbackVc) -> int:
    """Stop receiving on the VC now (no indication after this, R2.29); abort its queued
    sends and finish from a work item, as a NIC would."""
    MiniportVcContext.active = False
    work = NdisAllocateIoWorkItem(MiniportVcContext.adapter.MiniportAdapterHandle)
    NdisQueueIoWorkItem(work, _deactivate_done, MiniportVcContext)
    return NDIS_STATUS_PENDING


def _deactivate_done(WorkItemContext: LoopbackVc, NdisIoWorkItemHandle: NDIS_HANDLE) -> None:
    """Abort the VC's queued sends, wait for its echoed receives, then complete (R2.28)."""

    NdisFreeIoWorkItem(NdisIoWorkItemHandle)
    vc = WorkItemContext
    vc.active = False

    def finish() -> None:
        vc.parameters = None
        NdisMCoDeactivateVcComplete(NDIS_STATUS_SUCCESS, vc.NdisVcHandle)

    if not deactivate(vc, finish):
        finish()
