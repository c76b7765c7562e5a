"""Address family and SAP handling of the client (its teardown is in ``calls`` and ``teardown``)."""

from __future__ import annotations

from condis_edu.ndis import (
    CO_ADDRESS_FAMILY,
    CO_SAP,
    NDIS_HANDLE,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
    NdisClOpenAddressFamilyEx,
    NdisClRegisterSap,
)
from condis_edu.samples.client.calls import start_teardown
from condis_edu.samples.client.state import ClAf, ClBinding, ClSap
from condis_edu.samples.client.teardown import finish_af_close
from condis_edu.samples.common import is_loopback_af, name_sap


def ClCoAfRegisterNotify(ProtocolBindingContext: ClBinding, AddressFamily: CO_ADDRESS_FAMILY) -> None:
    """A call manager announced an AF: open it if it is ours (R1.32)."""
    binding = ProtocolBindingContext
    if not is_loopback_af(AddressFamily) or binding.af is not None or binding.unbinding:
        return
    af = ClAf(binding)
    binding.af = af
    assert binding.NdisBindingHandle is not None
    Status, handle = NdisClOpenAddressFamilyEx(binding.NdisBindingHandle, AddressFamily, af)
    af.NdisAfHandle = handle
    if Status != NDIS_STATUS_PENDING:
        ClOpenAfCompleteEx(Status, af, handle)


def ClOpenAfCompleteEx(Status: int, ProtocolAfContext: ClAf, NdisAfHandle: NDIS_HANDLE | None) -> None:
    """The AF is open: register our SAPs so calls can reach us."""
    af = ProtocolAfContext
    if Status != NDIS_STATUS_SUCCESS or NdisAfHandle is None:
        af.state = "closed"
        af.binding.af = None
        return
    af.state, af.NdisAfHandle = "open", NdisAfHandle
    for name in af.binding.globals.services:
        sap = ClSap(af, name)
        af.saps.append(sap)
        Sap = name_sap(name)
        Status, handle = NdisClRegisterSap(NdisAfHandle, sap, Sap)
        sap.NdisSapHandle = handle
        if Status != NDIS_STATUS_PENDING:
            ClRegisterSapComplete(Status, sap, Sap, handle)


def ClRegisterSapComplete(
    Status: int, ProtocolSapContext: ClSap, Sap: CO_SAP, NdisSapHandle: NDIS_HANDLE | None
) -> None:
    """Remember the SAP, or drop it if the call manager refused it."""
    sap = ProtocolSapContext
    if Status == NDIS_STATUS_SUCCESS:
        sap.state, sap.NdisSapHandle = "registered", NdisSapHandle
    else:
        sap.state = "gone"
        sap.af.saps.remove(sap)


def ClNotifyCloseAf(ClientAfContext: ClAf) -> int:
    """The call manager is going away: tear everything down and close the AF (R2.47)."""
    af = ClientAfContext
    af.notify_pending = af.in_notify_handler = True
    try:
        start_teardown(af)
    finally:
        af.in_notify_handler = False
    if af.state == "closed":
        af.notify_pending = False
        return NDIS_STATUS_SUCCESS
    return NDIS_STATUS_PENDING


def ClCloseAfComplete(Status: int, ProtocolAfContext: ClAf) -> None:
    """The AF is closed; answer a pending notification and finish a pending unbind."""
    finish_af_close(ProtocolAfContext)


