"""The send's ready route: the VC, call, adapter, reset and halt checks, done once per state change.

A send that passed every state check marks its VC's route *ready*, and later sends on it skip
those checks until the next state change in the machine (``NdisLibrary.move``, ``mark``,
``halt``, ``changed``). These tests change a state after the route became ready and check
that the next send sees the change, as it would with no route at all.
"""

from __future__ import annotations

from typing import Any

import pytest

from condis_edu import Machine
from condis_edu._library.core import NdisLibrary
from condis_edu._library.ddi import datapath as dp
from condis_edu._library.states.adapter import ADAPTER_TABLE, RESET_TABLE, AdapterInput, ResetInput
from condis_edu._library.states.call import CALL_TABLE, CallInput, CallState
from condis_edu._library.states.vc import VC_TABLE, VcInput
from condis_edu.errors import SimulationHalted
from condis_edu.mirror.status import (
    NDIS_STATUS_PAUSED,
    NDIS_STATUS_RESET_IN_PROGRESS,
    NDIS_STATUS_SUCCESS,
    NDIS_STATUS_VC_NOT_ACTIVATED,
)
from condis_edu.samples import call_manager, client, loopback_miniport
from condis_edu.samples.client import data as cl_data
from condis_edu.samples.loopback_miniport import datapath as mp_data


class Setup:
    """The samples on one machine, one connected call, sends completed inline; one send made."""

    def __init__(self, verifier: str = "strict") -> None:
        self.m = m = Machine(trace=False, verifier=verifier)  # type: ignore[arg-type]
        m.load_driver(loopback_miniport)
        m.load_driver(call_manager)
        m.load_driver(client)
        settings = mp_data.settings(m.start_adapter("loopback_miniport"))
        settings.complete, settings.echo = "inline", False
        m.bind_all()
        self.call: Any = client.make_call(m, b"echo")
        m.run_until_idle()
        self.send(1)
        self.path = self.call.NdisVcHandle._fast
        assert isinstance(self.path, dp.VcPath)
        self.lib: NdisLibrary = self.path.lib
        assert self.path.ready and self.lib.routes == [self.path]
        self.completed = cl_data.data_of(self.call).completed

    def send(self, n: int, source: object = "vc") -> None:
        with self.m.running_as("client"):
            head = cl_data.build_chain(self.call, n, b"x")
            assert head is not None
            if source != "vc":
                head.SourceHandle = source  # type: ignore[assignment]
            cl_data.send_chain(self.call, head)

    def refused_with(self) -> dict[int, int]:
        """Send two NBLs; the statuses they come back with (NDIS completes them later, never inline)."""
        before = dict(self.completed)
        self.send(2)
        assert self.completed == before
        self.m.run_until_idle()
        return {k: v - before.get(k, 0) for k, v in self.completed.items() if v != before.get(k, 0)}


def test_a_send_that_passed_the_state_checks_makes_the_route_ready() -> None:
    s = Setup()
    s.send(3)
    assert s.completed == {NDIS_STATUS_SUCCESS: 4}


def test_an_adapter_move_clears_the_route() -> None:
    s = Setup()
    s.lib.move(s.path.adapter, "state", ADAPTER_TABLE, AdapterInput.PAUSE)  # Running -> Pausing
    assert not s.path.ready and s.lib.routes == []
    assert s.refused_with() == {NDIS_STATUS_PAUSED: 2}


def test_a_vc_move_clears_the_route() -> None:
    s = Setup()
    s.lib.move(s.path.vc, "state", VC_TABLE, VcInput.DEACTIVATE)  # Active -> Deactivating
    assert s.refused_with() == {NDIS_STATUS_VC_NOT_ACTIVATED: 2}


def test_a_call_move_clears_the_route() -> None:
    s = Setup("collect")
    s.lib.move(s.path.vc, "call_state", CALL_TABLE, CallInput.CLOSE_CALL)  # NdisClCloseCall (R3.07)
    assert s.path.vc.call_state is CallState.CLOSING
    s.send(1)
    assert [f.rule.id for f in s.m.findings] == ["R3.07"]


def test_a_reset_clears_the_route() -> None:
    s = Setup()
    s.lib.force(s.path.adapter, "reset_state", RESET_TABLE, ResetInput.RESET)  # what NDIS does when a reset starts
    assert s.refused_with() == {NDIS_STATUS_RESET_IN_PROGRESS: 2}


def test_a_halt_clears_the_route() -> None:
    s = Setup()
    s.lib.halt(SimulationHalted("stopped by the test"))
    assert s.lib.routes == [] and not s.path.ready
    with pytest.raises(SimulationHalted):
        s.send(1)


def test_failed_sends_on_a_ready_route_do_not_pile_up_routes() -> None:
    s = Setup("collect")
    for _ in range(5):
        s.send(1, source=None)  # R3.03, found by the checked route
    assert [f.rule.id for f in s.m.findings] == ["R3.03"] * 5
    assert s.lib.routes == [s.path] and s.path.ready
