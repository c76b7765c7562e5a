"""Binding handlers of the client, including an orderly teardown on unbind (R2.46)."""

from __future__ import annotations

from condis_edu.ndis import (
    NDIS_BIND_PARAMETERS,
    NDIS_HANDLE,
    NDIS_OBJECT_HEADER,
    NDIS_OBJECT_TYPE_OPEN_PARAMETERS,
    NDIS_OPEN_PARAMETERS,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
    NET_PNP_EVENT_NOTIFICATION,
    NdisMediumAtm,
    NdisOpenAdapterEx,
)
from condis_edu.samples.client.calls import start_teardown
from condis_edu.samples.client.state import ClBinding, ClGlobals
from condis_edu.samples.client.teardown import close_binding


def ClBindAdapterEx(
    ProtocolDriverContext: ClGlobals, BindContext: NDIS_HANDLE, BindParameters: NDIS_BIND_PARAMETERS
) -> int:
    """Open the adapter; the AF arrives later through ProtocolCoAfRegisterNotify."""
    binding = ClBinding(ProtocolDriverContext, BindParameters.AdapterName)
    params = NDIS_OPEN_PARAMETERS(
        NDIS_OBJECT_HEADER(NDIS_OBJECT_TYPE_OPEN_PARAMETERS, 1, 0),
        AdapterName=BindParameters.AdapterName,
        MediumArray=(NdisMediumAtm,),
        MediumArraySize=1,
    )
    Status, handle = NdisOpenAdapterEx(ProtocolDriverContext.NdisProtocolHandle, binding, params, BindContext)  # type: ignore[arg-type]
    if Status == NDIS_STATUS_SUCCESS:
        binding.NdisBindingHandle = handle
        ProtocolDriverContext.bindings.append(binding)
    return Status


def ClUnbindAdapterEx(UnbindContext: NDIS_HANDLE, ProtocolBindingContext: ClBinding) -> int:
    """Close calls, delete VCs, deregister SAPs, close the AF, then close the binding."""

    binding = ProtocolBindingContext
    binding.unbind_context, binding.unbinding = UnbindContext, True
    if binding.af is not None:
        binding.in_unbind_handler = True
        try:
            start_teardown(binding.af)
        finally:
            binding.in_unbind_handler = False
        if binding.af is not None:
            return NDIS_STATUS_PENDING  # finished by af_closed, once the AF is closed
    return close_binding(binding)


def ClOpenAdapterCompleteEx(ProtocolBindingContext: ClBinding, Status: int) -> None:
    """Not used: the open never pends in the simulation."""


def ClCloseAdapterCompleteEx(ProtocolBindingContext: ClBinding) -> None:
    """Not used: the close never pends in the simulation."""


def ClNetPnPEvent(ProtocolBindingContext: ClBinding, NetPnPEventNotification: NET_PNP_EVENT_NOTIFICATION) -> int:
    """Nothing is sent yet, so pause and restart need no work."""
    return NDIS_STATUS_SUCCESS


def ClOidRequestComplete(ProtocolBindingContext: ClBinding, OidRequest: object, Status: int) -> None:
    """No OIDs are issued."""


def ClCoStatusEx(ProtocolBindingContext: ClBinding, ProtocolVcContext: object, StatusIndication: object) -> None:
    """No status indications matter here."""
