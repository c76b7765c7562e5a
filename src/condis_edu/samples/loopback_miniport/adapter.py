"""Adapter lifecycle of the loopback miniport: initialize, restart (pended), pause, halt."""

from __future__ import annotations

from condis_edu.ndis import (
    NDIS_HANDLE,
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES,
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES,
    NDIS_MINIPORT_INIT_PARAMETERS,
    NDIS_MINIPORT_PAUSE_PARAMETERS,
    NDIS_MINIPORT_RESTART_PARAMETERS,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
    NdisAllocateIoWorkItem,
    NdisFreeIoWorkItem,
    NdisMediumAtm,
    NdisMRestartComplete,
    NdisMSetMiniportAttributes,
    NdisQueueIoWorkItem,
    fill_header,
)
from condis_edu.samples.loopback_miniport.datapath import free_rx, pause
from condis_edu.samples.loopback_miniport.state import Adapter, MiniportGlobals


def MPInitializeEx(
    NdisMiniportHandle: NDIS_HANDLE,
    MiniportDriverContext: MiniportGlobals,
    MiniportInitParameters: NDIS_MINIPORT_INIT_PARAMETERS,
) -> int:
    """Create the adapter context and describe the adapter to NDIS."""
    context = Adapter(NdisMiniportHandle, MiniportDriverContext)

    registration = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES()
    fill_header(registration)
    registration.MiniportAdapterContext = context
    Status = NdisMSetMiniportAttributes(NdisMiniportHandle, registration)
    if Status != NDIS_STATUS_SUCCESS:
        return Status

    general = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES()
    fill_header(general)
    general.MediaType = NdisMediumAtm
    general.MtuSize = 9180
    general.MaxXmitLinkSpeed = general.MaxRcvLinkSpeed = 155_520_000
    Status = NdisMSetMiniportAttributes(NdisMiniportHandle, general)
    if Status != NDIS_STATUS_SUCCESS:
        return Status
    MiniportDriverContext.adapters.append(context)
    return NDIS_STATUS_SUCCESS


def MPHaltEx(MiniportAdapterContext: Adapter, HaltAction: int) -> None:
    """Release the adapter and its receive pool (every NBL is back: NDIS paused us first)."""

    free_rx(MiniportAdapterContext)
    MiniportAdapterContext.globals.adapters.remove(MiniportAdapterContext)


def MPRestart(MiniportAdapterContext: Adapter, RestartParameters: NDIS_MINIPORT_RESTART_PARAMETERS) -> int:
    """Restarting takes a moment (a pretend link negotiation): pend and finish from a work item."""
    work = NdisAllocateIoWorkItem(MiniportAdapterContext.MiniportAdapterHandle)
    NdisQueueIoWorkItem(work, _restart_done, MiniportAdapterContext)
    return NDIS_STATUS_PENDING


def _restart_done(WorkItemContext: Adapter, NdisIoWorkItemHandle: NDIS_HANDLE) -> None:
    NdisFreeIoWorkItem(NdisIoWorkItemHandle)
    WorkItemContext.running = True
    NdisMRestartComplete(WorkItemContext.MiniportAdapterHandle, NDIS_STATUS_SUCCESS)


def MPPause(MiniportAdapterContext: Adapter, PauseParameters: NDIS_MINIPORT_PAUSE_PARAMETERS) -> int:
    """Stop echoing; transmit what is queued and pend until every echoed NBL is back (R5.19)."""

    MiniportAdapterContext.running = False
    return pause(MiniportAdapterContext)


def MPShutdownEx(MiniportAdapterContext: Adapter, ShutdownAction: int) -> None:
    """Nothing to quiesce on a loopback NIC."""


def MPDevicePnPEventNotify(MiniportAdapterContext: Adapter, NetDevicePnPEvent: object) -> None:
    """No device PnP events matter here."""


def MPCancelOidRequest(MiniportAdapterContext: Adapter, RequestId: object) -> None:
    """OIDs always complete synchronously, so there is nothing to cancel."""
