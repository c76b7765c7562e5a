"""The end of the client's orderly teardown (R2.46): SAPs, then the AF, then the binding.

``calls.start_teardown`` begins it by closing every call; each completion comes back here to
take the next step once nothing of the previous one is outstanding.
"""

from __future__ import annotations

from condis_edu.ndis import (
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
    NdisClCloseAddressFamily,
    NdisClDeregisterSap,
    NdisClNotifyCloseAddressFamilyComplete,
    NdisCloseAdapterEx,
    NdisCompleteUnbindAdapterEx,
    NdisFreeNetBufferListPool,
)
from condis_edu.samples.client.state import ClAf, ClBinding, ClSap


def ClDeregisterSapComplete(Status: int, ProtocolSapContext: ClSap) -> None:
    """One SAP less; carry on with the teardown."""
    sap = ProtocolSapContext
    sap.state = "gone"
    if sap in sap.af.saps:
        sap.af.saps.remove(sap)
    continue_teardown(sap.af)


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
        finish_af_close(af)


def finish_af_close(af: ClAf) -> None:
    """The AF is closed: answer a pended close notification, then tell the binding."""

    af.state = "closed"
    if af.notify_pending and not af.in_notify_handler:
        af.notify_pending = False
        assert af.NdisAfHandle is not None
        NdisClNotifyCloseAddressFamilyComplete(af.NdisAfHandle, NDIS_STATUS_SUCCESS)
    af_closed(af.binding)


def close_binding(binding: ClBinding) -> int:
    """The last step of an unbind: free our NBL pool (every NBL is back by now), close."""

    assert binding.NdisBindingHandle is not None
    free_binding_pool(binding)
    Status = NdisCloseAdapterEx(binding.NdisBindingHandle)
    binding.globals.bindings.remove(binding)
    return Status


def free_binding_pool(binding: ClBinding) -> None:
    """Free the binding's NBL pool (``data.py`` allocates it on the first send) once every NBL
    is back, at unbind."""
    if binding.nbl_pool is not None:
        NdisFreeNetBufferListPool(binding.nbl_pool)
        binding.nbl_pool = None


def af_closed(binding: ClBinding) -> None:
    """Called when the binding's AF is gone: finish a pended unbind."""
    binding.af = None
    if binding.unbinding and not binding.in_unbind_handler:
        close_binding(binding)
        assert binding.unbind_context is not None
        NdisCompleteUnbindAdapterEx(binding.unbind_context)
