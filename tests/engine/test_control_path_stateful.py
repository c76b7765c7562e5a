"""Random control-path call sequences against a small reference model (Hypothesis).

The machine runs the sample stack (loopback miniport, call manager, client) in collect
mode. Rules make and close calls, run the scheduler one step or until idle, unbind and
rebind the client, and throw deliberately wrong DDI calls at NDIS. Invariants:

* no handler is ever called in a state where NDIS must not call it (probes wrap the
  registered MiniportCoXxx / ProtocolCmXxx / ProtocolClXxx handlers and check the VC's
  state at entry);
* whenever the machine is idle, every VC NDIS knows is a connected call the client knows,
  the miniport holds exactly as many VC contexts, and the count matches the model;
* a refused call leaves the engine's snapshot unchanged, and only deliberately wrong
  calls produce findings.

Run with ``-s`` to see how many sequences ran.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from condis_edu._library.objects import Vc
from condis_edu._library.states.call import CallState
from condis_edu._library.states.vc import VcState
from condis_edu.mirror.handles import target_of
from condis_edu.ndis import (
    NDIS_STATUS_SUCCESS,
    NdisClCloseAddressFamily,
    NdisCmActivateVc,
    NdisCoDeleteVc,
    NdisMCoActivateVcComplete,
)
from condis_edu.samples import client
from condis_edu.samples.common import call_parameters
from condis_edu.testing import loopback_machine

SEQUENCES = {"count": 0, "steps": 0}
VIOLATIONS: list[str] = []

# handler field -> (states the VC may be in on entry, call states allowed on entry or None)
MINIPORT_PROBES: dict[str, tuple[set[VcState], set[CallState] | None]] = {
    "CoActivateVcHandler": ({VcState.ACTIVATING, VcState.REACTIVATING}, None),
    "CoDeactivateVcHandler": ({VcState.DEACTIVATING}, None),
    "CoDeleteVcHandler": ({VcState.INACTIVE}, {CallState.IDLE}),
}
CM_PROBES: dict[str, tuple[set[VcState], set[CallState] | None]] = {
    "CmMakeCallHandler": ({VcState.INACTIVE}, {CallState.OUTGOING}),
    "CmCloseCallHandler": (set(VcState), {CallState.CLOSING}),
    "CmActivateVcCompleteHandler": ({VcState.ACTIVE, VcState.INACTIVE}, None),
    "CmDeactivateVcCompleteHandler": ({VcState.INACTIVE}, None),
    "CmDeleteVcHandler": ({VcState.INACTIVE}, {CallState.IDLE}),
}
CL_PROBES: dict[str, tuple[set[VcState], set[CallState] | None]] = {
    "ClIncomingCallHandler": ({VcState.ACTIVE}, {CallState.OFFERED}),
    "ClCallConnectedHandler": ({VcState.ACTIVE}, {CallState.CONNECTED}),
    "ClMakeCallCompleteHandler": (set(VcState), {CallState.CONNECTED, CallState.IDLE}),
    "ClCloseCallCompleteHandler": ({VcState.INACTIVE}, {CallState.IDLE}),
    "ClIncomingCloseCallHandler": ({VcState.ACTIVE}, {CallState.CLOSE_INDICATED}),
    "ClDeleteVcHandler": ({VcState.INACTIVE}, {CallState.IDLE}),
}


def _vc_from_args(args: tuple[Any, ...]) -> Vc | None:
    for arg in args:
        handle = getattr(arg, "NdisVcHandle", None)
        if handle is not None:
            record = target_of(handle)
            if isinstance(record, Vc):
                return record
    return None


def probe(structure: Any, probes: dict[str, tuple[set[VcState], set[CallState] | None]], who: str) -> None:
    for field, (states, call_states) in probes.items():
        original = getattr(structure, field)

        def wrapped(
            *args: Any, _original: Any = original, _field: str = field, _s: Any = states, _c: Any = call_states
        ) -> Any:
            vc = _vc_from_args(args)
            if vc is not None:
                if vc.state not in _s:
                    VIOLATIONS.append(f"{who}.{_field} called with {vc.handle.label} {vc.state.name}")
                if _c is not None and vc.call_state not in _c:
                    VIOLATIONS.append(f"{who}.{_field} called with call {vc.call_state.name}")
            return _original(*args)

        setattr(structure, field, wrapped)


class ControlPath(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        SEQUENCES["count"] += 1
        VIOLATIONS.clear()
        self.m, self.nic = loopback_machine(verifier="collect")
        miniport = self.m.driver("loopback_miniport").miniports[0]
        protocol_cm = self.m.driver("call_manager").protocol
        protocol_cl = self.m.driver("client").protocol
        assert miniport.co is not None and protocol_cm is not None and protocol_cl is not None
        assert protocol_cm.cm is not None and protocol_cl.cl is not None
        probe(miniport.co, MINIPORT_PROBES, "miniport")
        probe(protocol_cm.cm, CM_PROBES, "call_manager")
        probe(protocol_cl.cl, CL_PROBES, "client")
        self.pairs = 0  # reference model: connected call pairs expected once idle
        self.closed_pairs: set[frozenset[str]] = set()
        self.expected_findings = 0
        self.bound = True

    def idle(self) -> bool:
        return not self.m.pending()

    # ------------------------------------------------------------------ actions
    @precondition(lambda self: self.bound)
    @rule(service=st.sampled_from([b"echo", b"echo", b"nobody"]))
    def make_call(self, service: bytes) -> None:
        SEQUENCES["steps"] += 1
        call = client.make_call(self.m, service)
        if service == b"echo":
            self.pairs += 1
        else:
            assert call.state == "failed"

    @precondition(lambda self: self.bound)
    @rule(data=st.data())
    def close_call(self, data: st.DataObject) -> None:
        SEQUENCES["steps"] += 1
        connected = [c for c in client.active_calls(self.m) if c.state == "connected"]
        if not connected:
            return
        call = data.draw(st.sampled_from(connected))
        cm_side = target_of(call.NdisVcHandle).cm_context  # the call manager's view pairs the two ends
        if cm_side.peer is not None:
            pair = frozenset({call.NdisVcHandle.label, cm_side.peer.NdisVcHandle.label})
            if pair not in self.closed_pairs:
                self.closed_pairs.add(pair)
                self.pairs -= 1
        client.close_call(self.m, call)

    @rule()
    def step(self) -> None:
        SEQUENCES["steps"] += 1
        self.m.step()

    @rule()
    def run_until_idle(self) -> None:
        SEQUENCES["steps"] += 1
        self.m.run_until_idle()

    @precondition(lambda self: self.bound)
    @rule()
    def unbind_client(self) -> None:
        SEQUENCES["steps"] += 1
        self.m.run_until_idle()
        self.m.unbind("client", self.nic)
        self.pairs = 0
        self.closed_pairs.clear()
        self.bound = False

    @precondition(lambda self: not self.bound)
    @rule()
    def rebind_client(self) -> None:
        SEQUENCES["steps"] += 1
        self.m.bind("client", self.nic)
        self.bound = True

    # ------------------------------------------------------------------ wrong calls
    def _refused(self, who: str, action: Any) -> None:
        before = self.m.snapshot()
        findings = len(self.m.findings)
        with self.m.running_as(who):
            action()
        assert self.m.snapshot() == before, "a refused call changed the engine state"
        self.expected_findings += len(self.m.findings) - findings

    @rule(data=st.data())
    def delete_a_vc_in_use(self, data: st.DataObject) -> None:
        vcs = [v for v in self.nic.vcs if v.call_state is not CallState.IDLE or v.state is not VcState.INACTIVE]
        if vcs:
            vc = data.draw(st.sampled_from(vcs))
            self._refused(vc.creator_driver.name, lambda: NdisCoDeleteVc(vc.handle))

    @rule(data=st.data())
    def client_activates(self, data: st.DataObject) -> None:
        if self.nic.vcs:
            vc = data.draw(st.sampled_from(self.nic.vcs))
            self._refused("client", lambda: NdisCmActivateVc(vc.handle, call_parameters(b"x")))

    @rule(data=st.data())
    def stray_activation_complete(self, data: st.DataObject) -> None:
        vcs = [v for v in self.nic.vcs if not v.activation_pending]
        if vcs:
            vc = data.draw(st.sampled_from(vcs))
            self._refused(
                "loopback_miniport",
                lambda: NdisMCoActivateVcComplete(NDIS_STATUS_SUCCESS, vc.handle, call_parameters(b"x")),
            )

    @precondition(lambda self: self.bound)
    @rule()
    def close_af_too_early(self) -> None:
        binding = self.m.driver("client").protocol.bindings[0]  # type: ignore[union-attr]
        if binding.afs and binding.afs[0].saps:
            af = binding.afs[0]
            self._refused("client", lambda: NdisClCloseAddressFamily(af.handle))

    # ------------------------------------------------------------------ invariants
    @invariant()
    def handlers_called_only_in_allowed_states(self) -> None:
        assert VIOLATIONS == []

    @invariant()
    def only_deliberate_findings(self) -> None:
        assert len(self.m.findings) == self.expected_findings, [f.short() for f in self.m.findings]
        assert self.m.halted is None

    @invariant()
    def no_leaked_vc_when_idle(self) -> None:
        if not self.idle():
            return
        calls = client.active_calls(self.m)
        assert all(c.state == "connected" for c in calls), calls
        assert len(calls) == 2 * self.pairs == len(self.nic.vcs)
        assert len(self.nic.context.vcs) == len(self.nic.vcs)  # the miniport's own VC contexts
        assert all(v.state is VcState.ACTIVE and v.call_state is CallState.CONNECTED for v in self.nic.vcs)

    def teardown(self) -> None:
        self.m.run_until_idle(audit=True)
        assert self.m.findings[self.expected_findings :] == []


def test_random_control_path_sequences() -> None:
    SEQUENCES["count"] = SEQUENCES["steps"] = 0
    run_state_machine_as_test(ControlPath, settings=settings(max_examples=300, stateful_step_count=25, deadline=None))
    print(f"\nhypothesis control-path sequences run: {SEQUENCES['count']} ({SEQUENCES['steps']} actions)")
    assert SEQUENCES["count"] >= 300
