"""The transition tables, cell by cell, and the engine against them."""

from __future__ import annotations

import enum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from condis_edu._library.statemachine import Move, Refuse, StateTable
from condis_edu._library.states import TABLES
from condis_edu._library.states.adapter import ADAPTER_TABLE, AdapterInput, AdapterState
from condis_edu._library.states.vc import VC_TABLE, VcInput, VcState
from condis_edu.mirror.status import (
    NDIS_STATUS_CLOSING,
    NDIS_STATUS_NOT_ACCEPTED,
    status_name,
)

A, AI = AdapterState, AdapterInput

# R5.14, transcribed from "Miniport Adapter States and Operations": every other cell is blank.
ADAPTER_TRANSCRIPTION = {
    (A.HALTED, AI.INITIALIZE): A.INITIALIZING,
    (A.INITIALIZING, AI.INITIALIZE_SUCCEEDED): A.PAUSED,
    (A.INITIALIZING, AI.INITIALIZE_FAILED): A.HALTED,
    (A.PAUSED, AI.RESTART): A.RESTARTING,
    (A.RESTARTING, AI.RESTART_SUCCEEDED): A.RUNNING,
    (A.RESTARTING, AI.RESTART_FAILED): A.PAUSED,
    (A.RUNNING, AI.PAUSE): A.PAUSING,
    (A.PAUSING, AI.PAUSE_DONE): A.PAUSED,
    (A.PAUSED, AI.HALT): A.HALTED,
    (A.PAUSED, AI.SHUTDOWN): A.SHUTDOWN,
    (A.RESTARTING, AI.SHUTDOWN): A.SHUTDOWN,
    (A.RUNNING, AI.SHUTDOWN): A.SHUTDOWN,
    (A.PAUSING, AI.SHUTDOWN): A.SHUTDOWN,
}
# The engine's own input, not on the Microsoft page: a device removed before it was paused.
ADAPTER_ENGINE_ONLY = {
    (A.RESTARTING, AI.REMOVE): A.HALTED,
    (A.RUNNING, AI.REMOVE): A.HALTED,
    (A.PAUSING, AI.REMOVE): A.HALTED,
}

V, VI = VcState, VcInput

# Documented refusals: R2.24 (activation), R2.32/R2.35 (deactivation), R2.38 (deletion).
VC_REFUSALS = {
    (V.ACTIVATING, VI.ACTIVATE): NDIS_STATUS_NOT_ACCEPTED,
    (V.REACTIVATING, VI.ACTIVATE): NDIS_STATUS_NOT_ACCEPTED,
    (V.DEACTIVATING, VI.ACTIVATE): NDIS_STATUS_CLOSING,
    (V.INACTIVE, VI.DEACTIVATE): NDIS_STATUS_NOT_ACCEPTED,
    (V.ACTIVATING, VI.DEACTIVATE): NDIS_STATUS_NOT_ACCEPTED,
    (V.REACTIVATING, VI.DEACTIVATE): NDIS_STATUS_NOT_ACCEPTED,
    (V.DEACTIVATING, VI.DEACTIVATE): NDIS_STATUS_CLOSING,
    (V.ACTIVE, VI.DELETE): NDIS_STATUS_NOT_ACCEPTED,
    (V.ACTIVATING, VI.DELETE): NDIS_STATUS_NOT_ACCEPTED,
    (V.REACTIVATING, VI.DELETE): NDIS_STATUS_NOT_ACCEPTED,
    (V.DEACTIVATING, VI.DELETE): NDIS_STATUS_CLOSING,
}


@pytest.mark.parametrize("cell", [(s, i) for s in AdapterState for i in AdapterInput], ids=str)
def test_adapter_table_matches_the_microsoft_table(cell: tuple[AdapterState, AdapterInput]) -> None:
    got = ADAPTER_TABLE.step(*cell)
    expected = ADAPTER_TRANSCRIPTION.get(cell, ADAPTER_ENGINE_ONLY.get(cell))
    if cell[1] is not AI.REMOVE:
        assert cell not in ADAPTER_ENGINE_ONLY
    if expected is None:
        assert got is None
    else:
        assert got == Move(expected)


@pytest.mark.parametrize("cell", [(s, i) for s in VcState for i in VcInput], ids=str)
def test_vc_refusals_are_the_documented_statuses(cell: tuple[VcState, VcInput]) -> None:
    got = VC_TABLE.step(*cell)
    if cell in VC_REFUSALS:
        assert isinstance(got, Refuse), cell
        assert got.status == VC_REFUSALS[cell], status_name(got.status)
    else:
        assert not isinstance(got, Refuse)


def test_vc_can_be_reused_after_deactivation() -> None:
    """R2.36: a deactivated VC goes back to INACTIVE and may be activated again."""
    assert VC_TABLE.step(V.DEACTIVATING, VI.DEACTIVATE_DONE) == Move(V.INACTIVE)
    assert VC_TABLE.step(V.INACTIVE, VI.ACTIVATE) == Move(V.ACTIVATING)
    assert VC_TABLE.step(V.REACTIVATING, VI.ACTIVATE_FAILED) == Move(V.ACTIVE)  # R2.21


def reachable(table: StateTable) -> set[enum.Enum]:
    seen = {table.initial}
    frontier = [table.initial]
    while frontier:
        state = frontier.pop()
        for source, _, target in table.moves():
            if source is state and target not in seen:
                seen.add(target)
                frontier.append(target)
    return seen


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_state_is_reachable(table: StateTable) -> None:
    assert reachable(table) == set(table.states)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_final_states_have_no_way_out(table: StateTable) -> None:
    for source, _, _ in table.moves():
        assert source not in table.final


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_mermaid_lists_every_move(table: StateTable) -> None:
    source = table.to_mermaid()
    assert source.startswith("stateDiagram-v2")
    for state, event, target in table.moves():
        assert f"{state.name} --> {target.name} : {event.name}" in source


@given(
    st.sampled_from(TABLES).flatmap(
        lambda t: st.tuples(st.just(t), st.sampled_from(list(t.states)), st.sampled_from(list(t.inputs)))
    )
)
def test_every_cell_is_a_move_a_refusal_or_invalid(case: tuple[StateTable, enum.Enum, enum.Enum]) -> None:
    table, state, event = case
    cell = table.step(state, event)
    assert cell is None or isinstance(cell, (Move, Refuse))
    if isinstance(cell, Move):
        assert isinstance(cell.target, table.states)
    if isinstance(cell, Refuse):
        assert cell.reason and status_name(cell.status).startswith("NDIS_STATUS_")


def test_bad_table_is_rejected() -> None:
    with pytest.raises(TypeError):
        StateTable("x", "X", VcState, VcInput, V.INACTIVE, {(VI.ACTIVATE, V.INACTIVE): Move(V.ACTIVE)}, "")  # type: ignore[dict-item]


def test_engine_follows_the_adapter_table_on_a_full_lifecycle() -> None:
    from condis_edu.testing import loopback_machine

    m, nic = loopback_machine(bind=False)
    states = [line.split("] ")[1] for line in m.trace.to_text().splitlines() if "[adapter]" in line]
    assert states == [
        "adapter#1 HALTED -> INITIALIZING",
        "adapter#1 INITIALIZING -> PAUSED",
        "adapter#1 PAUSED -> RESTARTING",
        "adapter#1 RESTARTING -> RUNNING",
    ]
    m.pause_adapter(nic)
    m.restart_adapter(nic)
    m.halt_adapter(nic)
    states = [line.split("] ")[1] for line in m.trace.to_text().splitlines() if "[adapter]" in line][4:]
    assert states == [
        "adapter#1 RUNNING -> PAUSING",
        "adapter#1 PAUSING -> PAUSED",
        "adapter#1 PAUSED -> RESTARTING",
        "adapter#1 RESTARTING -> RUNNING",
        "adapter#1 RUNNING -> PAUSING",
        "adapter#1 PAUSING -> PAUSED",
        "adapter#1 PAUSED -> HALTED",
    ]
    for cell_state, cell_input in ADAPTER_TRANSCRIPTION:
        assert isinstance(cell_state, AdapterState) and isinstance(cell_input, AdapterInput)
