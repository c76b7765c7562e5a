"""The sample call manager deletes the callee's VCs it created, and keeps asking when NDIS refuses.

``NdisCoDeleteVc`` answers ``NDIS_STATUS_NOT_ACCEPTED`` while NDIS still holds NBLs sent on the
VC and ``NDIS_STATUS_CLOSING`` while a deactivation runs; the VC and its handle stay valid. The
call manager must not forget such a VC: it keeps the handle and asks again from a work item
(samples/call_manager/calls.py). The engine's side of those answers is tested with the client
(test_client_vc_deletion.py); here NDIS's refusal is played by a stand-in for the DDI the sample
calls, so the sample's reaction is what is under test.
"""

from __future__ import annotations

import pytest

from condis_edu.ndis import NDIS_HANDLE, NDIS_STATUS_CLOSING, NDIS_STATUS_NOT_ACCEPTED, NDIS_STATUS_SUCCESS
from condis_edu.samples.call_manager import calls as cm_calls
from condis_edu.samples.client import app
from condis_edu.testing import loopback_machine


@pytest.mark.parametrize("refusal", [NDIS_STATUS_NOT_ACCEPTED, NDIS_STATUS_CLOSING])
@pytest.mark.parametrize("refusals", [1, 3])
def test_a_refused_delete_is_asked_again_until_ndis_lets_the_vc_go(
    monkeypatch: pytest.MonkeyPatch, refusal: int, refusals: int
) -> None:
    m, nic = loopback_machine()
    call = app.make_call(m)
    m.run_until_idle()
    callee = next(v for v in nic.vcs if v.creator == "cm")
    real = cm_calls.NdisCoDeleteVc
    answers: list[tuple[str, int]] = []

    def delete(NdisVcHandle: NDIS_HANDLE) -> int:
        status = refusal if len(answers) < refusals else real(NdisVcHandle)
        answers.append((NdisVcHandle.label, status))
        return status

    monkeypatch.setattr(cm_calls, "NdisCoDeleteVc", delete)
    app.close_call(m, call)
    m.run_until_idle()
    label = callee.handle.label
    assert answers == [(label, refusal)] * refusals + [(label, NDIS_STATUS_SUCCESS)]
    assert callee not in nic.vcs and not callee.handle.alive
    assert not m.findings


def test_a_vc_ndis_never_lets_go_is_left_after_a_bounded_number_of_tries(monkeypatch: pytest.MonkeyPatch) -> None:
    m, nic = loopback_machine()
    call = app.make_call(m)
    m.run_until_idle()
    callee = next(v for v in nic.vcs if v.creator == "cm")
    tries: list[int] = []

    def refuse(NdisVcHandle: NDIS_HANDLE) -> int:
        tries.append(1)
        return NDIS_STATUS_NOT_ACCEPTED

    monkeypatch.setattr(cm_calls, "NdisCoDeleteVc", refuse)
    app.close_call(m, call)
    m.run_until_idle()  # ends: the retries stop
    assert len(tries) == cm_calls.DELETE_TRIES
    assert callee in nic.vcs and callee.handle.alive  # still NDIS's, and the call manager still has its handle
    cm_vc = callee.cm_context
    assert cm_vc.NdisVcHandle is callee.handle and cm_vc.delete_status == NDIS_STATUS_NOT_ACCEPTED
