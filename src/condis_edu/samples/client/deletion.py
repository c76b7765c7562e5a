"""Deleting the VCs the client created, once NDIS holds none of their NBLs.

A VC the client created with ``NdisCoCreateVc`` is the client's to delete (R2.05), after its
call is closed. ``NdisCoDeleteVc`` answers ``NDIS_STATUS_NOT_ACCEPTED`` while the VC is still
in use (for instance while NDIS still holds NBLs the client sent on it, which it completes
later) and ``NDIS_STATUS_CLOSING`` while a deactivation is still running: in both cases the VC
and its handle stay valid, and the client must not forget them. So the client:

* asks for the deletion only when its own books say nothing is out: every NBL it sent has come
  back (``ClData.in_flight``) and it holds no receive (``ClData.held``);
* on any status but ``NDIS_STATUS_SUCCESS`` keeps the VC, its handle and its place in the
  address family's list (``ClVc.delete_pending`` stays set, ``ClVc.status`` keeps the answer);
* asks again when the reason may be gone: when sends complete and when held receives are
  returned (``data.py``).

While a deletion is pending the orderly teardown waits for it (``teardown.continue_teardown``
waits for ``ClAf.vcs`` to empty), so the address family is never closed under a live VC.

Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscodeletevc
"""

from __future__ import annotations

from condis_edu.ndis import NDIS_STATUS_SUCCESS, NdisCoDeleteVc, NdisFreeNetBufferList
from condis_edu.samples.client.state import ClVc
from condis_edu.samples.client.teardown import continue_teardown


def delete_own_vc(vc: ClVc) -> None:
    """The call on our VC is over: delete the VC now, or as soon as NDIS can let it go."""
    vc.delete_pending = True
    delete_if_idle(vc)


def delete_if_idle(vc: ClVc) -> bool:
    """Delete *vc* if its deletion is pending and none of its NBLs is out; True once it is gone.

    Cheap when nothing is pending (one attribute test), so the data path may call it on every
    completion. A refusal from NDIS leaves everything as it was, to be tried again later.
    """
    if not vc.delete_pending:
        return vc.NdisVcHandle is None
    data = vc.data
    if data is not None and (data.in_flight > 0 or data.held):
        return False  # a completion or a return will ask again
    if vc.NdisVcHandle is not None:
        Status = NdisCoDeleteVc(vc.NdisVcHandle)
        if Status != NDIS_STATUS_SUCCESS:
            vc.status = Status  # NOT_ACCEPTED or CLOSING: the VC and its handle stay valid
            return False
        vc.NdisVcHandle = None
    vc.delete_pending = False
    forget_vc(vc)
    return True


def forget_vc(vc: ClVc) -> None:
    """The VC is gone (we deleted it, or the call manager did): drop what the client kept for it."""
    free_call_nbls(vc)
    if vc in vc.af.vcs:
        vc.af.vcs.remove(vc)
    continue_teardown(vc.af)


def free_call_nbls(vc: ClVc) -> None:
    """Give the call's idle NBLs back to the pool (when the call goes away). Runs as the client."""
    data = vc.data
    if data is None:
        return
    while data.free:
        NdisFreeNetBufferList(data.free.pop())
