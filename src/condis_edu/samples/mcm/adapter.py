"""Adapter lifecycle of the MCM; the address family is registered during initialization (R1.38)."""

from __future__ import annotations

from condis_edu.ndis import (
    NDIS_HANDLE,
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES,
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES,
    NDIS_STATUS_SUCCESS,
    NdisMCmRegisterAddressFamilyEx,
    NdisMediumAtm,
    NdisMSetMiniportAttributes,
    fill_header,
)
from condis_edu.samples.common import loopback_af
from condis_edu.samples.mcm.state import McmAdapter, McmGlobals


def McmInitializeEx(
    NdisMiniportHandle: NDIS_HANDLE, MiniportDriverContext: McmGlobals, MiniportInitParameters: object
) -> int:
    """Describe the adapter, then register the address family on it."""
    context = McmAdapter(NdisMiniportHandle, MiniportDriverContext)
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
    Status = NdisMSetMiniportAttributes(NdisMiniportHandle, general)
    if Status != NDIS_STATUS_SUCCESS:
        return Status
    Status = NdisMCmRegisterAddressFamilyEx(NdisMiniportHandle, loopback_af())
    if Status == NDIS_STATUS_SUCCESS:
        MiniportDriverContext.adapters.append(context)
    return Status


def McmHaltEx(MiniportAdapterContext: McmAdapter, HaltAction: int) -> None:
    """Release the adapter."""
    MiniportAdapterContext.globals.adapters.remove(MiniportAdapterContext)


def McmPause(MiniportAdapterContext: McmAdapter, PauseParameters: object) -> int:
    """Nothing in flight: pause at once."""
    return NDIS_STATUS_SUCCESS


def McmRestart(MiniportAdapterContext: McmAdapter, RestartParameters: object) -> int:
    """Restart at once."""
    return NDIS_STATUS_SUCCESS


def McmSendNetBufferLists(
    MiniportAdapterContext: McmAdapter, NetBufferList: object, PortNumber: int, SendFlags: int
) -> None:
    """Not a connectionless adapter."""


def McmReturnNetBufferLists(MiniportAdapterContext: McmAdapter, NetBufferLists: object, ReturnFlags: int) -> None:
    """No receives yet."""


def McmCancelSend(MiniportAdapterContext: McmAdapter, CancelId: object) -> None:
    """Nothing queued."""


def McmDevicePnPEventNotify(MiniportAdapterContext: McmAdapter, NetDevicePnPEvent: object) -> None:
    """No device events matter."""


def McmShutdownEx(MiniportAdapterContext: McmAdapter, ShutdownAction: int) -> None:
    """Nothing to quiesce."""


def McmCancelOidRequest(MiniportAdapterContext: McmAdapter, RequestId: object) -> None:
    """OIDs complete synchronously."""
