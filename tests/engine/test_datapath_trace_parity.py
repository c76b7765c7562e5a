"""The trace records, it never decides: the data path behaves the same with the trace on and off.

Hypothesis draws a list of operations (sends, scheduler steps, completions written by hand with
good and bad statuses, held and released receives, pauses, restarts, call teardown, which
deactivates and deletes the VC, resets) and plays it twice on fresh machines in collect mode,
once with the trace on and once with it off. Both runs must end with the same ``snapshot()``, the
same findings (rule, driver, call, detail), the same statuses seen by the client and the same
errors raised by the operations.

300 sequences per run (``max_examples``), also in the Pyodide tier.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from condis_edu import Machine
from condis_edu._library.states.adapter import AdapterState
from condis_edu.mirror.status import NDIS_STATUS_FAILURE, NDIS_STATUS_PENDING, NDIS_STATUS_SUCCESS
from condis_edu.ndis import NdisMCoSendNetBufferListsComplete
from condis_edu.samples import call_manager, client, loopback_miniport
from condis_edu.samples.client import data as cl_data
from condis_edu.samples.loopback_miniport import datapath as mp_data

STATUSES: tuple[object, ...] = (NDIS_STATUS_SUCCESS, NDIS_STATUS_FAILURE, NDIS_STATUS_PENDING, None, "SUCCESS")
"""What a hand-written completion puts in ``Status``: two final statuses, then three a miniport
must never write (PENDING, nothing, not a status at all)."""

Op = tuple[str, int, int]

OPS = st.one_of(
    st.tuples(st.just("send"), st.integers(0, 3), st.integers(1, 6)),
    st.tuples(st.just("step"), st.integers(1, 6), st.just(0)),
    st.tuples(st.just("idle"), st.just(0), st.just(0)),
    st.tuples(st.just("complete"), st.integers(0, 7), st.integers(0, len(STATUSES) - 1)),
    st.tuples(st.just("hold"), st.integers(0, 3), st.just(0)),
    st.tuples(st.just("release"), st.just(0), st.just(0)),
    st.tuples(st.just("pause"), st.just(0), st.just(0)),
    st.tuples(st.just("restart"), st.just(0), st.just(0)),
    st.tuples(st.just("close"), st.integers(0, 3), st.just(0)),
    st.tuples(st.just("call"), st.just(0), st.just(0)),
    st.tuples(st.just("reset"), st.just(0), st.just(0)),
)

RUNS = {"count": 0}


def _live(calls: list[Any]) -> list[Any]:
    return [c for c in calls if c.state == "connected"]


def _apply(m: Machine, nic: Any, calls: list[Any], op: Op) -> None:
    kind, a, b = op
    live = _live(calls)
    if kind == "send" and live:
        call = live[a % len(live)]
        with m.running_as("client"):
            head = cl_data.build_chain(call, b, b"x" * 8)
            if head is not None:
                cl_data.send_chain(call, head)
    elif kind == "step":
        for _ in range(a):
            if not m.step():
                break
    elif kind == "idle":
        m.run_until_idle()
    elif kind == "complete":
        # The miniport completes one queued NBL itself, with the drawn Status; if NDIS refuses
        # the completion, the NBL goes back in the queue (the miniport still holds it).
        data = mp_data.settings(nic)
        if data.queue:
            owner, nbl = data.queue.pop(a % len(data.queue))
            nbl.Status = STATUSES[b]
            nbl.Next = None
            before = len(m.findings)
            with m.running_as("loopback_miniport"):
                NdisMCoSendNetBufferListsComplete(owner.NdisVcHandle, nbl, 0)
            if len(m.findings) > before:
                data.queue.append((owner, nbl))
    elif kind == "hold" and live:
        cl_data.data_of(live[a % len(live)]).hold_receives = True
    elif kind == "release":
        with m.running_as("client"):
            for call in calls:
                cl_data.data_of(call).hold_receives = False
                cl_data.release_receives(call)
    elif kind == "pause" and nic.state is AdapterState.RUNNING:
        m.pause_adapter(nic, run=False)
    elif kind == "restart" and nic.state is AdapterState.PAUSED:
        m.restart_adapter(nic, run=False)
    elif kind == "close" and live:
        client.close_call(m, live[a % len(live)])
    elif kind == "call" and nic.state is AdapterState.RUNNING:
        call = client.make_call(m, b"echo")
        m.run_until_idle()
        calls.append(call)
    elif kind == "reset" and nic.state is AdapterState.RUNNING:
        m.reset_adapter(nic)


def _counts(data: Any) -> tuple[int, ...]:
    return (data.sent, data.completions, data.in_flight, data.duplicates, data.strangers, data.received, len(data.held))


def play(ops: list[Op], trace: bool) -> dict[str, Any]:
    """Run *ops* on a fresh machine; what an observer can see at the end."""
    m = Machine(trace=trace, verifier="collect")
    m.load_driver(loopback_miniport)
    m.load_driver(call_manager)
    m.load_driver(client)
    nic = m.start_adapter("loopback_miniport")
    settings_ = mp_data.settings(nic)
    settings_.complete, settings_.batch, settings_.echo = "deferred", 3, True
    m.bind_all()
    calls: list[Any] = []
    _apply(m, nic, calls, ("call", 0, 0))
    errors: list[str] = []
    for op in ops:
        try:
            _apply(m, nic, calls, op)
        except Exception as exc:  # a refused call: both runs must refuse it alike
            errors.append(f"{op}: {type(exc).__name__}: {exc}")
    return {
        "snapshot": m.snapshot(),
        "findings": [(f.rule.id, f.driver, f.call, f.detail) for f in m.findings],
        "statuses": [sorted(cl_data.data_of(c).completed.items(), key=repr) for c in calls],
        "counts": [_counts(cl_data.data_of(c)) for c in calls],
        "queue": [(owner.NdisVcHandle.label if owner.NdisVcHandle else None, nbl.label) for owner, nbl in settings_.queue],
        "outstanding": (nic.outstanding_sends, nic.outstanding_receives),
        "errors": errors,
        "halted": None if m.halted is None else str(m.halted),
    }


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(OPS, min_size=1, max_size=14))
def test_trace_on_and_off_behave_alike(ops: list[Op]) -> None:
    RUNS["count"] += 1
    traced = play(ops, trace=True)
    untraced = play(ops, trace=False)
    assert traced == untraced


def test_parity_covered_what_it_claims() -> None:
    """The sequences really reach bad statuses, findings and completions (so the test can fail)."""
    ops: list[Op] = [("send", 0, 2), ("complete", 0, 3), ("complete", 0, 2), ("complete", 0, 0), ("idle", 0, 0)]
    for trace in (True, False):
        seen = play(ops, trace)
        assert [f[0] for f in seen["findings"]] == ["R3.12", "R3.12"], seen["findings"]
        assert seen["statuses"][0] == [(NDIS_STATUS_SUCCESS, 2)], seen["statuses"]
    assert play(ops, True) == play(ops, False)
