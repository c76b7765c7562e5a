"""Binding handlers of the call manager: open the adapter, register the AF, unbind cleanly."""

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
    NdisCloseAdapterEx,
    NdisCmNotifyCloseAddressFamily,
    NdisCmRegisterAddressFamilyEx,
    NdisCompleteUnbindAdapterEx,
    NdisMediumAtm,
    NdisOpenAdapterEx,
)
from condis_edu.samples.call_manager.state import CmBinding, CmGlobals
from condis_edu.samples.common import loopback_af


def CmBindAdapterEx(
    ProtocolDriverContext: CmGlobals, BindContext: NDIS_HANDLE, BindParameters: NDIS_BIND_PARAMETERS
) -> int:
    """Open the adapter and become the call manager for the sample AF on it (R1.31)."""
    binding = CmBinding(ProtocolDriverContext)
    params = NDIS_OPEN_PARAMETERS(
        NDIS_OBJECT_HEADER(NDIS_OBJECT_TYPE_OPEN_PARAMETERS, 1, 0),
        AdapterName=BindParameters.AdapterName,
        MediumArray=(NdisMediumAtm,),
        MediumArraySize=1,
    )
    Status, handle = NdisOpenAdapterEx(ProtocolDriverContext.NdisProtocolHandle, binding, params, BindContext)  # type: ignore[arg-type]
    if Status != NDIS_STATUS_SUCCESS:
        return Status
    binding.NdisBindingHandle = handle
    ProtocolDriverContext.bindings.append(binding)
    assert handle is not None
    return NdisCmRegisterAddressFamilyEx(handle, loopback_af())


def CmUnbindAdapterEx(UnbindContext: NDIS_HANDLE, ProtocolBindingContext: CmBinding) -> int:
    """Ask every client to close the AF (R2.47), then close the binding.

    If a client pends its close, we pend the unbind and finish in CmNotifyCloseAfComplete.
    """
    binding = ProtocolBindingContext
    binding.unbind_context = UnbindContext
    binding.unbinding = True
    for af in list(binding.afs):
        binding.notify_pending += 1
        Status = NdisCmNotifyCloseAddressFamily(af.NdisAfHandle, NDIS_STATUS_SUCCESS)
        if Status != NDIS_STATUS_PENDING:
            binding.notify_pending -= 1
    if binding.notify_pending:
        return NDIS_STATUS_PENDING
    return close_binding(binding)


def close_binding(binding: CmBinding) -> int:
    """Close the adapter once no client holds the AF open."""
    assert binding.NdisBindingHandle is not None
    Status = NdisCloseAdapterEx(binding.NdisBindingHandle)
    binding.globals.bindings.remove(binding)
    return Status


def finish_unbind(binding: CmBinding) -> None:
    """Called when the last pended close-AF notification completed."""
    if binding.unbinding and binding.notify_pending == 0:
        close_binding(binding)
        assert binding.unbind_context is not None
        NdisCompleteUnbindAdapterEx(binding.unbind_context)


def CmOpenAdapterCompleteEx(ProtocolBindingContext: CmBinding, Status: int) -> None:
    """Not used: the open never pends in the simulation."""


def CmCloseAdapterCompleteEx(ProtocolBindingContext: CmBinding) -> None:
    """Not used: the close never pends in the simulation."""


def CmNetPnPEvent(ProtocolBindingContext: CmBinding, NetPnPEventNotification: NET_PNP_EVENT_NOTIFICATION) -> int:
    """Pause and restart need no work: the call manager sends no data of its own."""
    return NDIS_STATUS_SUCCESS


def CmOidRequestComplete(ProtocolBindingContext: CmBinding, OidRequest: object, Status: int) -> None:
    """No OIDs are issued."""


def CmCoStatusEx(ProtocolBindingContext: CmBinding, ProtocolVcContext: object, StatusIndication: object) -> None:
    """No status indications matter here."""


def CmCoAfRegisterNotify(ProtocolBindingContext: CmBinding, AddressFamily: object) -> None:
    """A call manager is not a client: nothing to open."""
