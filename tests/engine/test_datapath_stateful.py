"""Nothing is lost: random sequences of data-path and lifecycle operations on a real machine.

A Hypothesis ``RuleBasedStateMachine`` drives the sample loopback miniport (deferred
completions, echoed receives), call manager and client through sends, scheduler steps,
held and released receives, pauses, restarts, call teardown (VC deactivation), resets and
a final halt. After every step it checks that the books balance; at the end it drains the
machine and checks that every NBL the client handed across the boundary came back exactly
once, and that NDIS never called a handler in a state the documentation forbids.

500 sequences per run (``max_examples``), also in the Pyodide tier.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from condis_edu import Machine
from condis_edu._library.ddi import datapath as dp
from condis_edu._library.states.adapter import AdapterState
from condis_edu.mirror.status import (
    NDIS_STATUS_PAUSED,
    NDIS_STATUS_REQUEST_ABORTED,
    NDIS_STATUS_RESET_IN_PROGRESS,
    NDIS_STATUS_SUCCESS,
    NDIS_STATUS_VC_NOT_ACTIVATED,
)
from condis_edu.samples import call_manager, client, loopback_miniport
from condis_edu.samples.client import data as cl_data
from condis_edu.samples.loopback_miniport import datapath as mp_data

ALLOWED_STATUSES = {
    NDIS_STATUS_SUCCESS,
    NDIS_STATUS_PAUSED,
    NDIS_STATUS_REQUEST_ABORTED,
    NDIS_STATUS_RESET_IN_PROGRESS,
    NDIS_STATUS_VC_NOT_ACTIVATED,
}

# Which adapter states each miniport handler may be called in (R5.14-R5.17, R2.29).
HANDLER_STATES: dict[str, frozenset[AdapterState]] = {
    "CoSendNetBufferListsHandler": frozenset({AdapterState.RUNNING}),
    # Echoed receives come back while Running, Pausing (the pause waits for them) or Restarting
    # (indications may resume as soon as MiniportRestart is called, R5.24), never once Paused.
    "ReturnNetBufferListsHandler": frozenset({AdapterState.RUNNING, AdapterState.PAUSING, AdapterState.RESTARTING}),
    "CoOidRequestHandler": frozenset(
        {AdapterState.PAUSED, AdapterState.RESTARTING, AdapterState.RUNNING, AdapterState.PAUSING}
    ),
    "PauseHandler": frozenset({AdapterState.PAUSING}),
    "RestartHandler": frozenset({AdapterState.RESTARTING}),
    "HaltHandlerEx": frozenset({AdapterState.HALTED}),
}


SEQUENCES = {"count": 0}


class NothingLost(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        SEQUENCES["count"] += 1
        self.m = Machine(trace=False)
        m = self.m
        m.load_driver(loopback_miniport)
        m.load_driver(call_manager)
        m.load_driver(client)
        self.nic = m.start_adapter("loopback_miniport")
        data = mp_data.settings(self.nic)
        data.complete, data.batch, data.echo = "deferred", 3, True
        self.violations: list[str] = []
        self._watch_handlers()
        m.bind_all()
        self.calls: list[Any] = []
        self.retired: list[Any] = []
        for _ in range(2):
            self._new_call()

    # -- plumbing
    def _watch_handlers(self) -> None:
        """Wrap the miniport's registered handlers to record the adapter state they run in."""
        miniport = self.nic.miniport
        for structure in (miniport.chars, miniport.co):
            for field, allowed in HANDLER_STATES.items():
                fn = getattr(structure, field, None)
                if fn is None:
                    continue

                def wrapped(*args: Any, _fn: Any = fn, _field: str = field, _allowed: Any = allowed) -> Any:
                    if self.nic.state not in _allowed:
                        self.violations.append(f"{_field} called while {self.nic.state.name}")
                    if _field == "CoSendNetBufferListsHandler":
                        vc = args[0]
                        if not vc.active:
                            self.violations.append("MiniportCoSendNetBufferLists on an inactive VC")
                    return _fn(*args)

                setattr(structure, field, wrapped)

    def _new_call(self) -> None:
        if self.nic.state is not AdapterState.RUNNING:
            return
        call = client.make_call(self.m, b"echo")
        self.m.run_until_idle()
        if call.state == "connected":
            self.calls.append(call)

    def _live(self) -> list[Any]:
        return [c for c in self.calls if c.state == "connected"]

    def _all_calls(self) -> list[Any]:
        return self.calls + self.retired + [c for c in client.active_calls(self.m) if c not in self.calls]

    # -- rules
    @rule(index=st.integers(0, 3), count=st.integers(1, 8))
    def send(self, index: int, count: int) -> None:
        live = self._live()
        if not live:
            return
        call = live[index % len(live)]
        with self.m.running_as("client"):
            head = cl_data.build_chain(call, count, b"x" * 16)
            if head is not None:
                cl_data.send_chain(call, head)

    @rule(steps=st.integers(1, 6))
    def run_some(self, steps: int) -> None:
        for _ in range(steps):
            if not self.m.step():
                break

    @rule()
    def run_all(self) -> None:
        self.m.run_until_idle()

    @rule(index=st.integers(0, 3))
    def hold_receives(self, index: int) -> None:
        live = self._live()
        if live:
            cl_data.data_of(live[index % len(live)]).hold_receives = True

    @rule()
    def release_receives(self) -> None:
        with self.m.running_as("client"):
            for call in self._all_calls():
                cl_data.data_of(call).hold_receives = False
                cl_data.release_receives(call)

    @precondition(lambda self: self.nic.state is AdapterState.RUNNING)
    @rule()
    def pause(self) -> None:
        self.m.pause_adapter(self.nic, run=False)

    @precondition(lambda self: self.nic.state is AdapterState.PAUSED)
    @rule()
    def restart(self) -> None:
        self.m.restart_adapter(self.nic, run=False)

    @rule(index=st.integers(0, 3))
    def close_call(self, index: int) -> None:
        live = self._live()
        if not live:
            return
        call = live[index % len(live)]
        client.close_call(self.m, call)
        self.calls.remove(call)
        self.retired.append(call)

    @rule()
    def new_call(self) -> None:
        self._new_call()

    @precondition(lambda self: self.nic.state is AdapterState.RUNNING)
    @rule()
    def reset(self) -> None:
        self.m.reset_adapter(self.nic)

    # -- invariants
    @invariant()
    def books_balance(self) -> None:
        assert not self.violations, self.violations
        assert self.m.findings == []
        # NDIS's counters agree with what the miniport itself holds.
        data = mp_data.settings(self.nic)
        assert self.nic.outstanding_sends == len(data.queue)
        assert self.nic.outstanding_receives == data.rx_outstanding
        for call in self._all_calls():
            data = cl_data.data_of(call)
            assert data.duplicates == 0 and data.strangers == 0
            assert data.sent == data.completions + data.in_flight
            assert set(data.completed) <= ALLOWED_STATUSES, data.completed

    def teardown(self) -> None:
        m = self.m
        if m.halted is not None:  # pragma: no cover - a failing example already reported it
            return
        with m.running_as("client"):
            for call in self._all_calls():
                cl_data.data_of(call).hold_receives = False
                cl_data.release_receives(call)
        m.run_until_idle()
        if self.nic.state is AdapterState.PAUSED:
            m.restart_adapter(self.nic)
        m.run_until_idle()
        for call in self._all_calls():
            data = cl_data.data_of(call)
            assert data.in_flight == 0, (call, data.statistics())
            assert data.sent == data.completions
            assert data.duplicates == 0 and data.strangers == 0
        assert self.nic.outstanding_sends == 0 and self.nic.outstanding_receives == 0
        assert dp.state_of(m._lib).ndis_held == 0
        m.halt_adapter(self.nic)
        assert not self.violations, self.violations
        assert m.findings == []
        assert self.nic.state is AdapterState.HALTED


def test_nothing_lost_in_random_sequences() -> None:
    SEQUENCES["count"] = 0
    run_state_machine_as_test(
        NothingLost,
        settings=settings(
            max_examples=500,
            stateful_step_count=12,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    print(f"\nhypothesis data-path sequences run: {SEQUENCES['count']}")
    assert SEQUENCES["count"] >= 500
