"""Address family and SAP handling of the client, and its teardown sequence."""

from __future__ import annotations

from condis_edu.ndis import (
    CO_ADDRESS_FAMILY,
    CO_SAP,
    NDIS_HANDLE,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
    NdisClCloseAddressFamily,
    NdisClDeregisterSap,
    NdisClNotifyCloseAddressFamilyComplete,
    NdisClOpenAddressFamilyEx,
    NdisClRegisterSap,
)
from condis_edu.samples.client.state import ClAf, ClBinding, ClSap
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


def ClDeregisterSapComplete(Status: int, ProtocolSapContext: ClSap) -> None:
    """One SAP less; carry on with the teardown."""
    sap = ProtocolSapContext
    sap.state = "gone"
    if sap in sap.af.saps:
        sap.af.saps.remove(sap)
    continue_teardown(sap.af)


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
    _af_closed(ProtocolAfContext)


def start_teardown(af: ClAf) -> None:
    """Close every call; the rest of the teardown follows as the closes complete (R2.46)."""
    from condis_edu.samples.client.calls import drop_call

    if af.tearing_down:
        return
    af.tearing_down = True
    for vc in list(af.vcs):
        if vc.state in ("connected", "offered"):
            drop_call(vc)
    continue_teardown(af)


def continue_teardown(af: ClAf) -> None:
    """Next teardown step, once nothing of the previous step is outstanding."""
    if not af.tearing_down or af.state != "open":
        return
    if af.vcs:
        return  # calls still closing, or the call manager has not deleted its VCs yet
    for sap in list(af.saps):
        if sap.state == "registered":
            sap.state = "deregistering"
            assert sap.NdisSapHandle is not None
            Status = NdisClDeregisterSap(sap.NdisSapHandle)
            if Status != NDIS_STATUS_PENDING:
                ClDeregisterSapComplete(Status, sap)
                return
    if af.saps:
        return
    af.state = "closing"
    assert af.NdisAfHandle is not None
    Status = NdisClCloseAddressFamily(af.NdisAfHandle)
    if Status != NDIS_STATUS_PENDING:
        _af_closed(af)


def _af_closed(af: ClAf) -> None:
    """The AF is closed: answer a pended close notification, then tell the binding."""
    from condis_edu.samples.client.bind import af_closed

    af.state = "closed"
    if af.notify_pending and not af.in_notify_handler:
        af.notify_pending = False
        assert af.NdisAfHandle is not None
        NdisClNotifyCloseAddressFamilyComplete(af.NdisAfHandle, NDIS_STATUS_SUCCESS)
    af_closed(af.binding)
