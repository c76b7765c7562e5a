"""The CoNDIS data path on a hand-built topology: one adapter, one protocol, one VC.

These tests drive datapath.py directly (no call setup), so every hand-off rule can be
checked in isolation: ownership, SourceHandle, double and foreign completion, refusals by
state, receive with and without RESOURCES, returns, and draining.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from condis_edu._library.core import NdisLibrary
from condis_edu._library.ddi import datapath as dp
from condis_edu._library.ddi import pools as p
from condis_edu._library.objects import Adapter, Binding, Driver, MiniportDriver, ProtocolDriver, Vc
from condis_edu._library.states.adapter import AdapterState
from condis_edu._library.states.vc import VcState
from condis_edu.errors import VerifierViolation
from condis_edu.mirror.constants import NDIS_RECEIVE_FLAGS_RESOURCES
from condis_edu.mirror.nbl import NET_BUFFER_LIST, HolderKind, chain, iter_chain
from condis_edu.mirror.status import (
    NDIS_STATUS_PAUSED,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
    NDIS_STATUS_VC_NOT_ACTIVATED,
)
from condis_edu.mirror.structures import (
    DRIVER_OBJECT,
    NDIS_MINIPORT_CO_CHARACTERISTICS,
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS,
    NDIS_PROTOCOL_CO_CHARACTERISTICS,
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS,
)


class Topo:
    """NDIS library + miniport + protocol + one active VC, wired by hand."""

    def __init__(self, mode: str = "strict", trace: bool = False) -> None:
        self.lib = lib = NdisLibrary(verifier=mode, trace=trace)  # type: ignore[arg-type]
        self.mp_driver = Driver("loopmp", DRIVER_OBJECT(), "", None)
        self.pt_driver = Driver("client", DRIVER_OBJECT(), "", None)
        self.sent: list[NET_BUFFER_LIST] = []  # what the miniport holds
        self.completed: list[tuple[str, int]] = []  # (label, status) seen by the protocol
        self.received: list[NET_BUFFER_LIST] = []
        self.returned: list[str] = []
        self.auto_complete = True
        self.on_receive: Callable[[NET_BUFFER_LIST, int], None] | None = None

        mchars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS(ReturnNetBufferListsHandler=self.mp_return)
        self.miniport = MiniportDriver(lib.handles.mint("miniport-driver", None), self.mp_driver, None, mchars)
        self.miniport.co = NDIS_MINIPORT_CO_CHARACTERISTICS(CoSendNetBufferListsHandler=self.mp_send)
        ah = lib.handles.mint("adapter", None)
        self.adapter = Adapter(ah, "loop0", self.miniport)
        ah._target = self.adapter
        self.adapter.state = AdapterState.RUNNING
        self.adapter.context = "adapter-ctx"
        pchars = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS()
        self.protocol = ProtocolDriver(lib.handles.mint("protocol-driver", None), self.pt_driver, None, pchars)
        self.protocol.co = NDIS_PROTOCOL_CO_CHARACTERISTICS(
            CoSendNetBufferListsCompleteHandler=self.pt_complete, CoReceiveNetBufferListsHandler=self.pt_receive
        )
        bh = lib.handles.mint("binding", None)
        self.binding = Binding(bh, self.protocol, self.adapter, "binding-ctx")
        bh._target = self.binding
        self.vc = self.new_vc()
        self.pt_pool = self.pool(self.binding.handle)
        self.mp_pool = self.pool(self.adapter.handle)

    def new_vc(self) -> Vc:
        vh = self.lib.handles.mint("vc", None)
        vc = Vc(vh, self.adapter, None, "cm", self.pt_driver)
        vh._target = vc
        vc.cm_binding = self.binding
        vc.cm_context = f"ctx-{vh.label}"
        vc.miniport_context = vh
        vc.state = VcState.ACTIVE
        return vc

    def pool(self, handle: Any) -> Any:
        params = p.NET_BUFFER_LIST_POOL_PARAMETERS()
        params.Header.Type, params.Header.Revision, params.Header.Size = 0x80, 1, 16
        params.fAllocateNetBuffer, params.DataSize = True, 64
        dp.state_of(self.lib)
        with self.lib.running_as(self.mp_driver if handle is self.adapter.handle else self.pt_driver):
            pool = p.NdisAllocateNetBufferListPool(handle, params)
        assert pool is not None
        return pool

    def nbls(self, n: int, vc: Vc | None = None, pool: Any = None) -> NET_BUFFER_LIST:
        out = []
        for _ in range(n):
            nbl = p.NdisAllocateNetBufferAndNetBufferList(pool or self.pt_pool, 0, 0, None, 0, 60)
            assert nbl is not None
            nbl.SourceHandle = (vc or self.vc).handle
            out.append(nbl)
        head = chain(out)
        assert head is not None
        return head

    # -- the drivers' handlers
    def mp_send(self, ctx: object, nbls: NET_BUFFER_LIST, flags: int) -> None:
        if self.auto_complete:
            nbl: NET_BUFFER_LIST | None = nbls
            while nbl is not None:
                nbl.Status = NDIS_STATUS_SUCCESS
                nbl = nbl.Next
            dp.NdisMCoSendNetBufferListsComplete(ctx, nbls, 0)  # type: ignore[arg-type]
        else:
            self.sent.extend(iter_chain(nbls))

    def pt_complete(self, ctx: object, nbls: NET_BUFFER_LIST, flags: int) -> None:
        self.completed.extend((n.label, n.Status) for n in iter_chain(nbls))

    def pt_receive(self, bctx: object, vctx: object, nbls: NET_BUFFER_LIST, n: int, flags: int) -> None:
        if self.on_receive is not None:
            self.on_receive(nbls, flags)
        else:
            self.received.extend(iter_chain(nbls))

    def mp_return(self, ctx: object, nbls: NET_BUFFER_LIST, flags: int) -> None:
        self.returned.extend(n.label for n in iter_chain(nbls))

    # -- helpers
    def send(self, head: NET_BUFFER_LIST, vc: Vc | None = None) -> None:
        with self.lib.running_as(self.pt_driver):
            dp.NdisCoSendNetBufferLists((vc or self.vc).handle, head, 0)

    def complete(self, nbls: list[NET_BUFFER_LIST], vc: Vc | None = None, status: int = NDIS_STATUS_SUCCESS) -> None:
        for n in nbls:
            n.Status = status
        head = chain(nbls)
        assert head is not None
        with self.lib.running_as(self.mp_driver):
            dp.NdisMCoSendNetBufferListsComplete((vc or self.vc).handle, head, 0)

    def indicate(self, head: NET_BUFFER_LIST, n: int, flags: int = 0) -> None:
        with self.lib.running_as(self.mp_driver):
            dp.NdisMCoIndicateReceiveNetBufferLists(self.vc.handle, head, n, flags)

    def give_back(self, nbls: list[NET_BUFFER_LIST]) -> None:
        head = chain(nbls)
        assert head is not None
        with self.lib.running_as(self.pt_driver):
            dp.NdisReturnNetBufferLists(self.binding.handle, head, 0)


@pytest.fixture(params=[False, True], ids=["trace-off", "trace-on"])
def topo(request: pytest.FixtureRequest) -> Topo:
    return Topo(trace=request.param)


def test_send_and_complete_round_trip(topo: Topo) -> None:
    head = topo.nbls(3)
    topo.send(head)
    assert [s for _, s in topo.completed] == [NDIS_STATUS_SUCCESS] * 3
    assert all(n.holder.kind is HolderKind.OWNED for n in iter_chain(head))
    assert topo.vc.outstanding_sends == topo.adapter.outstanding_sends == 0
    topo.send(head)  # the same NBLs again: they are back with their owner
    assert len(topo.completed) == 6


def test_completions_in_any_order_and_batched(topo: Topo) -> None:
    topo.auto_complete = False
    topo.send(topo.nbls(2))
    topo.send(topo.nbls(2))
    assert topo.adapter.outstanding_sends == 4
    a, b, c, d = topo.sent
    topo.complete([d, a])
    topo.complete([c])
    assert topo.vc.outstanding_sends == 1
    topo.complete([b])
    assert [label for label, _ in topo.completed] == ["nbl#4", "nbl#1", "nbl#3", "nbl#2"]
    assert topo.adapter.outstanding_sends == 0


def test_double_completion_is_a_finding_and_changes_nothing(topo: Topo) -> None:
    topo.auto_complete = False
    topo.send(topo.nbls(2))
    first, second = topo.sent
    topo.complete([first])
    with pytest.raises(VerifierViolation, match="double completion") as info:
        topo.complete([second, first])
    assert info.value.rule_id == "R3.12"
    assert second.holder.kind is HolderKind.SENT  # the refused call moved nothing
    assert topo.vc.outstanding_sends == 1


def test_completing_a_foreign_nbl_is_a_finding(topo: Topo) -> None:
    topo.auto_complete = False
    other = topo.new_vc()
    topo.send(topo.nbls(1))
    topo.send(topo.nbls(1, vc=other), vc=other)
    _, on_vc2 = topo.sent
    with pytest.raises(VerifierViolation, match="foreign") as info:
        topo.complete([on_vc2], vc=topo.vc)
    assert info.value.rule_id == "R3.10"
    never_sent = topo.nbls(1)
    topo.lib.halted = None  # the violation was raised at harness level: the machine stays usable
    with pytest.raises(VerifierViolation, match=r"R3\.10"):
        topo.complete([never_sent])


def test_sending_an_nbl_still_in_flight_is_a_finding(topo: Topo) -> None:
    topo.auto_complete = False
    head = topo.nbls(1)
    topo.send(head)
    with pytest.raises(VerifierViolation, match="still sent on") as info:
        topo.send(head)
    assert info.value.rule_id == "R3.06"


def test_source_handle_must_be_the_vc(topo: Topo) -> None:
    head = topo.nbls(2)
    head.SourceHandle = None
    with pytest.raises(VerifierViolation, match="SourceHandle") as info:
        topo.send(head)
    assert info.value.rule_id == "R3.03"
    assert head.holder.kind is HolderKind.OWNED


def test_completion_with_pending_status_is_a_finding() -> None:
    topo = Topo()
    topo.auto_complete = False
    topo.send(topo.nbls(1))
    with pytest.raises(VerifierViolation, match=r"R3\.12"):
        topo.complete(topo.sent, status=NDIS_STATUS_PENDING)


@pytest.mark.parametrize(
    ("vc_state", "adapter_state", "status"),
    [
        (VcState.INACTIVE, AdapterState.RUNNING, NDIS_STATUS_VC_NOT_ACTIVATED),
        (VcState.DEACTIVATING, AdapterState.RUNNING, NDIS_STATUS_VC_NOT_ACTIVATED),
        (VcState.ACTIVE, AdapterState.PAUSING, NDIS_STATUS_PAUSED),
        (VcState.ACTIVE, AdapterState.PAUSED, NDIS_STATUS_PAUSED),
        (VcState.ACTIVE, AdapterState.RESTARTING, NDIS_STATUS_PAUSED),
    ],
)
def test_ndis_completes_sends_that_cannot_flow(vc_state: VcState, adapter_state: AdapterState, status: int) -> None:
    topo = Topo()
    topo.vc.state, topo.adapter.state = vc_state, adapter_state
    topo.send(topo.nbls(2))
    assert topo.completed == []  # never inside the send call
    topo.lib.scheduler.run_until_idle()
    assert [s for _, s in topo.completed] == [status, status]
    assert topo.adapter.outstanding_sends == 0 and dp.state_of(topo.lib).ndis_held == 0


def test_receive_and_return(topo: Topo) -> None:
    head = topo.nbls(3, pool=topo.mp_pool)
    topo.indicate(head, 3)
    assert [n.holder.kind for n in topo.received] == [HolderKind.INDICATED] * 3
    assert topo.vc.outstanding_receives == 3
    a, b, c = topo.received
    topo.give_back([c, a])
    topo.give_back([b])
    assert topo.returned == ["nbl#3", "nbl#1", "nbl#2"]
    assert topo.adapter.outstanding_receives == 0
    with pytest.raises(VerifierViolation, match="returned twice"):
        topo.give_back([a])


def test_receive_with_resources_lends_only_for_the_callback(topo: Topo) -> None:
    seen: list[HolderKind] = []
    topo.on_receive = lambda nbls, flags: seen.extend(n.holder.kind for n in iter_chain(nbls))
    head = topo.nbls(2, pool=topo.mp_pool)
    topo.indicate(head, 2, NDIS_RECEIVE_FLAGS_RESOURCES)
    assert seen == [HolderKind.LENT] * 2
    assert all(n.holder.kind is HolderKind.OWNED for n in iter_chain(head))
    assert topo.vc.outstanding_receives == 0 and topo.returned == []


def test_returning_a_lent_nbl_is_a_finding() -> None:
    topo = Topo()
    keep: list[NET_BUFFER_LIST] = []
    topo.on_receive = lambda nbls, flags: keep.extend(iter_chain(nbls))
    topo.indicate(topo.nbls(1, pool=topo.mp_pool), 1, NDIS_RECEIVE_FLAGS_RESOURCES)
    with pytest.raises(VerifierViolation, match=r"R3\.23"):
        topo.give_back(keep)


def test_indicating_on_an_inactive_vc_or_paused_adapter() -> None:
    topo = Topo(mode="collect")
    topo.vc.state = VcState.INACTIVE
    topo.indicate(topo.nbls(1, pool=topo.mp_pool), 1)
    topo.vc.state, topo.adapter.state = VcState.ACTIVE, AdapterState.PAUSED
    topo.indicate(topo.nbls(1, pool=topo.mp_pool), 1)
    assert topo.lib.verifier.ids() == ["R2.29", "R5.20"]
    assert topo.received == []


def test_wrong_count_and_foreign_indication_in_collect_mode() -> None:
    topo = Topo(mode="collect")
    topo.indicate(topo.nbls(2, pool=topo.mp_pool), 3)
    topo.indicate(topo.nbls(1), 1)  # the protocol's own NBL
    assert topo.lib.verifier.ids() == ["R3.20", "R3.21"]
    assert topo.received == []


def test_drain_waiters_run_when_counts_reach_zero() -> None:
    topo = Topo()
    topo.auto_complete = False
    topo.send(topo.nbls(2))
    topo.indicate(topo.nbls(1, pool=topo.mp_pool), 1)
    fired: list[str] = []
    assert not dp.when_drained(topo.lib, topo.adapter, lambda: fired.append("adapter"))
    assert not dp.when_drained(topo.lib, topo.vc, lambda: fired.append("vc"))
    topo.complete(topo.sent)
    topo.lib.scheduler.run_until_idle()
    assert fired == []
    topo.give_back(topo.received)
    topo.lib.scheduler.run_until_idle()
    assert sorted(fired) == ["adapter", "vc"]
    assert dp.when_drained(topo.lib, topo.vc, lambda: fired.append("now"))
    assert fired[-1] == "now"


def test_crash_in_a_handler_halts_the_machine() -> None:
    topo = Topo()

    def bad_send(ctx: object, nbls: NET_BUFFER_LIST, flags: int) -> None:
        raise ZeroDivisionError("oops")

    topo.miniport.co.CoSendNetBufferListsHandler = bad_send  # type: ignore[union-attr]
    dp.forget_path(topo.vc)
    from condis_edu.errors import DriverCrashed, SimulationHalted

    with pytest.raises(DriverCrashed):
        topo.send(topo.nbls(1))
    with pytest.raises(SimulationHalted):
        topo.send(topo.nbls(1))


def test_trace_records_the_hand_offs() -> None:
    topo = Topo(trace=True)
    topo.send(topo.nbls(2))
    text = "\n".join(f"{e.kind.value} {e.name}({e.args})" for e in topo.lib.trace.events)
    assert "call NdisCoSendNetBufferLists(vc#1, nbl#1..nbl#2 (2), 0x0)" in text
    assert "upcall MiniportCoSendNetBufferLists" in text
    assert "upcall ProtocolCoSendNetBufferListsComplete" in text
