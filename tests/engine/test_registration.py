"""Registration: headers checked as NDIS checks them, versions, copies, SetOptions, deregistration."""

from __future__ import annotations

from typing import Any

import pytest

from condis_edu import Machine
from condis_edu._library.headers import HEADER_SPECS, fill_header, header_problem
from condis_edu.ndis import (
    NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS,
    NDIS_CO_CLIENT_OPTIONAL_HANDLERS,
    NDIS_MINIPORT_CO_CHARACTERISTICS,
    NDIS_PROTOCOL_CO_CHARACTERISTICS,
    NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1,
    NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2,
    NDIS_STATUS_BAD_CHARACTERISTICS,
    NDIS_STATUS_BAD_VERSION,
    NDIS_STATUS_SUCCESS,
)
from condis_edu.testing import loopback_machine, miniport_driver, protocol_driver


def register(mode: str = "collect", **kw: Any) -> tuple[Machine, list[int]]:
    statuses: list[int] = []
    m = Machine(verifier=mode, **({"ndis_version": kw.pop("ndis_version")} if "ndis_version" in kw else {}))
    driver = miniport_driver(after_register=lambda d, s, h: statuses.append(s) or 0, **kw)
    m.load_driver(driver)
    return m, statuses


@pytest.mark.parametrize(
    ("field", "value", "expected", "rule"),
    [
        ("Type", 0x91, NDIS_STATUS_BAD_CHARACTERISTICS, "R1.08"),
        ("Revision", 4, NDIS_STATUS_BAD_CHARACTERISTICS, "R1.08"),
        ("Size", NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2 - 1, NDIS_STATUS_BAD_CHARACTERISTICS, "R1.08"),
        ("Size", NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2 + 8, NDIS_STATUS_SUCCESS, None),
    ],
)
def test_miniport_header(field: str, value: int, expected: int, rule: str | None) -> None:
    m, statuses = register(edit_chars=lambda c: setattr(c.Header, field, value))
    assert statuses == [expected]
    assert [f.rule.id for f in m.findings] == ([rule] if rule else [])


def test_revision_1_size_with_revision_2_is_refused() -> None:
    _m, statuses = register(
        edit_chars=lambda c: setattr(c.Header, "Size", NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1)
    )
    assert statuses == [NDIS_STATUS_BAD_CHARACTERISTICS]


@pytest.mark.parametrize(
    ("major", "minor", "expected", "finding"),
    [
        (6, 0, NDIS_STATUS_SUCCESS, False),
        (6, 1, NDIS_STATUS_SUCCESS, False),
        (6, 86, NDIS_STATUS_SUCCESS, False),
        (5, 1, NDIS_STATUS_BAD_VERSION, True),
        (6, 87, NDIS_STATUS_BAD_VERSION, True),
        (6, 2, NDIS_STATUS_BAD_VERSION, True),
    ],
)
def test_versions(major: int, minor: int, expected: int, finding: bool) -> None:
    def edit(chars: Any) -> None:
        chars.MajorNdisVersion, chars.MinorNdisVersion = major, minor

    m, statuses = register(edit_chars=edit)
    assert statuses == [expected]
    assert bool(m.findings) == finding


def test_newer_than_the_machine_is_bad_version_without_finding() -> None:
    def edit(chars: Any) -> None:
        chars.MinorNdisVersion = 40

    m, statuses = register(edit_chars=edit, ndis_version=(6, 30))
    assert statuses == [NDIS_STATUS_BAD_VERSION] and m.findings == []


@pytest.mark.parametrize("structure", list(HEADER_SPECS), ids=lambda c: c.__name__)
def test_fill_header_makes_every_structure_valid(structure: type) -> None:
    value = structure()
    assert header_problem(value) is not None
    fill_header(value)
    assert header_problem(value) is None


@pytest.mark.parametrize(
    ("role", "edit_name", "structure", "rule"),
    [
        ("client", "edit_co", NDIS_PROTOCOL_CO_CHARACTERISTICS, "R1.27"),
        ("client", "edit_cl", NDIS_CO_CLIENT_OPTIONAL_HANDLERS, "R1.28"),
        ("cm", "edit_cm", NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS, "R1.29"),
    ],
)
def test_optional_handler_headers(role: str, edit_name: str, structure: type, rule: str) -> None:
    m = Machine(verifier="collect")
    record = m.load_driver(protocol_driver(role=role, **{edit_name: lambda s: setattr(s.Header, "Revision", 2)}))
    assert not record.loaded
    assert [f.rule.id for f in m.findings] == [rule]


def test_miniport_co_header() -> None:
    m = Machine(verifier="collect")
    record = m.load_driver(miniport_driver(edit_co=lambda co: setattr(co.Header, "Size", 40)))
    assert not record.loaded and [f.rule.id for f in m.findings] == ["R1.19"]


def test_ndis_keeps_its_own_copy() -> None:
    """R1.03: changing the structure after registration changes nothing."""
    kept: list[Any] = []
    m = Machine()
    m.load_driver(miniport_driver(edit_co=kept.append))
    kept[0].CoCreateVcHandler = None
    assert m.driver("loopback_miniport").miniports[0].co.CoCreateVcHandler is not None  # type: ignore[union-attr]


def test_set_options_runs_inside_registration() -> None:
    """R1.04: MiniportSetOptions is called before NdisMRegisterMiniportDriver returns."""
    m, _ = loopback_machine(bind=False)
    lines = m.trace.to_text().splitlines()
    register = next(i for i, line in enumerate(lines) if "NdisMRegisterMiniportDriver()" in line)
    set_options = next(i for i, line in enumerate(lines) if "MiniportSetOptions" in line)
    returned = next(i for i, line in enumerate(lines) if "NdisMRegisterMiniportDriver returned" in line)
    assert register < set_options < returned


def test_deregistration_and_unload() -> None:
    m, _nic = loopback_machine()
    m.unload_driver("client")
    m.unload_driver("call_manager")
    m.unload_driver("loopback_miniport")  # halts the adapter first
    assert m.adapters == [] and m.drivers == [] and m.findings == []
    assert "MiniportHaltEx" in m.trace.to_text() and "NdisMDeregisterMiniportDriver" in m.trace.to_text()


def test_structures_are_zeroed() -> None:
    for cls in (NDIS_MINIPORT_CO_CHARACTERISTICS, NDIS_CO_CLIENT_OPTIONAL_HANDLERS):
        value = cls()
        assert value.Header.Type == value.Header.Revision == value.Header.Size == 0
        assert all(getattr(value, f) is None for f in cls.__slots__ if f.endswith("Handler") or f.endswith("HandlerEx"))


def test_ndis_module_lists_exactly_its_ddis() -> None:
    """``condis_edu.ndis.DDIS`` names every DDI the mirror exports, each a callable under Microsoft's name."""
    from condis_edu import ndis

    assert len(ndis.DDIS) == len(set(ndis.DDIS)) >= 80
    for name in ndis.DDIS:
        assert callable(getattr(ndis, name)), name
    exported_functions = {n for n in ndis.__all__ if n.startswith("Ndis") and callable(getattr(ndis, n))}
    assert exported_functions == set(ndis.DDIS)
