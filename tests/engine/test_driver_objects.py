"""Drivers are the learner's objects: NDIS keeps handler pointers, never copies of the driver.

Registration copies the characteristics (later edits to the structure change nothing, R1.03),
but a handler that is a bound method, a closure or a callable object must run on the very
object the driver registered, so a class-based driver's counters move.
"""

from __future__ import annotations

from typing import Any

from condis_edu.samples import client
from condis_edu.samples.client import data as cl_data
from condis_edu.testing import loopback_machine, miniport_driver


class CountingMiniport:
    """A class-based wrapper around the sample's send handler: it counts the sends it sees."""

    def __init__(self) -> None:
        self.sends = 0
        self.inner: Any = None

    def send(self, MiniportVcContext: Any, NetBufferLists: Any, SendFlags: int) -> None:
        self.sends += 1
        self.inner(MiniportVcContext, NetBufferLists, SendFlags)


class CountingCall:
    """A callable object with state, registered as a handler."""

    def __init__(self) -> None:
        self.calls = 0
        self.inner: Any = None

    def __call__(self, *args: Any) -> Any:
        self.calls += 1
        return self.inner(*args)


def run_sends(edit: Any, sends: int = 3) -> int:
    """Make one call and send *sends* NBLs on it; return how many VCs the adapter has."""
    m, nic = loopback_machine(miniport=miniport_driver(edit_co=edit), trace=False)
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    for _ in range(sends):
        with m.running_as("client"):
            head = cl_data.build_chain(call, 1, b"x")
            assert head is not None
            cl_data.send_chain(call, head)
        m.run_until_idle()
    return len(nic.vcs)


def test_a_bound_method_runs_on_the_drivers_own_instance() -> None:
    driver = CountingMiniport()

    def edit(co: Any) -> None:
        driver.inner = co.CoSendNetBufferListsHandler
        co.CoSendNetBufferListsHandler = driver.send

    run_sends(edit)
    assert driver.sends == 3


def test_a_callable_object_keeps_its_state() -> None:
    counter = CountingCall()

    def edit(co: Any) -> None:
        counter.inner = co.CoActivateVcHandler
        co.CoActivateVcHandler = counter

    vcs = run_sends(edit, sends=0)
    assert counter.calls == vcs >= 1  # each VC (signaling and call) was activated once


def test_a_closure_keeps_its_cell() -> None:
    seen: list[int] = []

    def edit(co: Any) -> None:
        inner = co.CoCreateVcHandler

        def create(*args: Any) -> Any:
            seen.append(1)
            return inner(*args)

        co.CoCreateVcHandler = create

    vcs = run_sends(edit, sends=0)
    assert len(seen) == vcs >= 1


def test_editing_the_structure_after_registration_changes_nothing() -> None:
    kept: list[Any] = []

    def edit(co: Any) -> None:
        kept.append(co)

    m, _ = loopback_machine(miniport=miniport_driver(edit_co=edit), trace=False)
    co = kept[0]
    registered = m.driver("loopback_miniport").miniports[0].co
    assert registered is not None and registered is not co
    co.CoSendNetBufferListsHandler = None
    assert registered.CoSendNetBufferListsHandler is not None
