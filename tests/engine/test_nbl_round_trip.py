"""Every NBL a client sends comes back exactly once, and never after its VC is gone.

A random sequence of sends on active calls and on VCs that were never activated (NDIS
refuses those and completes them itself, later), scheduler steps, call closes and VC
deletions, with the miniport completing in batches. The client's completion handler is
watched: each NBL completes at most as often as it was sent, while the handle it was sent on
is still alive, and once the machine is idle everything sent has come back.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from condis_edu.ndis import NDIS_STATUS_SUCCESS, NdisCoCreateVc, NdisCoDeleteVc
from condis_edu.samples import client
from condis_edu.samples.client import data as cl_data
from condis_edu.samples.client.state import ClVc
from condis_edu.samples.loopback_miniport import datapath as mp_data
from condis_edu.testing import loopback_machine

OPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["send", "send_idle", "send_idle", "delete_idle", "delete_idle", "close", "new_idle", "step", "run"]
        ),
        st.integers(0, 3),
        st.integers(1, 4),
    ),
    max_size=30,
)


class Watch:
    """Counts sends and completions per NBL, and completions that reach a dead VC."""

    def __init__(self) -> None:
        self.sent: dict[int, int] = {}
        self.back: dict[int, int] = {}
        self.late: list[str] = []
        self.twice: list[str] = []

    def wrap(self, inner: Any) -> Any:
        def complete(ProtocolVcContext: Any, NetBufferLists: Any, SendCompleteFlags: int) -> None:
            nbl = NetBufferLists
            while nbl is not None:
                key = id(nbl)
                self.back[key] = self.back.get(key, 0) + 1
                if self.back[key] > self.sent.get(key, 0):
                    self.twice.append(nbl.label)
                if not nbl.SourceHandle.alive:
                    self.late.append(f"{nbl.label} completed after {nbl.SourceHandle.label} was deleted")
                nbl = nbl.Next
            inner(ProtocolVcContext, NetBufferLists, SendCompleteFlags)

        return complete

    def sending(self, head: Any) -> None:
        nbl = head
        while nbl is not None:
            self.sent[id(nbl)] = self.sent.get(id(nbl), 0) + 1
            nbl = nbl.Next


@settings(max_examples=40)
@given(OPS)
def test_every_nbl_comes_back_exactly_once_and_never_after_its_vc(ops: list[tuple[str, int, int]]) -> None:
    m, nic = loopback_machine(trace=False)
    settings_ = mp_data.settings(nic)
    settings_.complete, settings_.batch = "deferred", 3
    co = m.driver("client").protocol.co  # type: ignore[union-attr]
    assert co is not None
    watch = Watch()
    co.CoSendNetBufferListsCompleteHandler = watch.wrap(co.CoSendNetBufferListsCompleteHandler)
    calls = [client.make_call(m, b"echo")]
    m.run_until_idle()
    af = calls[0].af
    idle: list[ClVc] = []

    def new_idle() -> None:
        with m.running_as("client"):
            vc = ClVc(af, outgoing=True, called=b"echo")
            status, handle = NdisCoCreateVc(af.binding.NdisBindingHandle, af.NdisAfHandle, vc)
            if status == NDIS_STATUS_SUCCESS:
                vc.NdisVcHandle = handle
                idle.append(vc)

    def send(vc: Any, count: int) -> None:
        with m.running_as("client"):
            head = cl_data.build_chain(vc, count, b"x")
            if head is not None:
                watch.sending(head)
                cl_data.send_chain(vc, head)

    new_idle()
    for op, index, count in ops:
        live = [c for c in calls if c.state == "connected"]
        alive_idle = [v for v in idle if v.NdisVcHandle is not None and v.NdisVcHandle.alive]
        if op == "send" and live:
            send(live[index % len(live)], count)
        elif op == "send_idle" and alive_idle:
            send(alive_idle[index % len(alive_idle)], count)
        elif op == "delete_idle" and alive_idle:
            with m.running_as("client"):
                NdisCoDeleteVc(alive_idle[index % len(alive_idle)].NdisVcHandle)  # SUCCESS or NOT_ACCEPTED
        elif op == "close" and live:
            client.close_call(m, live[index % len(live)])
        elif op == "new_idle":
            new_idle()
        elif op == "step":
            for _ in range(count):
                m.step()
        elif op == "run":
            m.run_until_idle()
        assert not watch.twice and not watch.late, (watch.twice, watch.late)
    m.run_until_idle()
    assert not watch.twice and not watch.late, (watch.twice, watch.late)
    assert watch.back == watch.sent  # every NBL sent came back, as often as it was sent
    assert m.halted is None
    assert {f.rule.id for f in m.findings} <= {"R2.37"}  # at most: a delete refused while NBLs were out
