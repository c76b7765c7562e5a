"""``condis_edu.ndis`` carries the revision and size constants of every structure it has.

ndis.h pairs each revision of a structure with its size: ``<STRUCT>_REVISION_<n>`` and
``NDIS_SIZEOF_<STRUCT without NDIS_>_REVISION_<n>`` (the x64 value of
``RTL_SIZEOF_THROUGH_FIELD(<STRUCT>, <last field of revision n>)``). A driver fills a header
with them, so every structure class that starts with an ``NDIS_OBJECT_HEADER`` must have both.
"""

from __future__ import annotations

import dataclasses

import pytest

from condis_edu import ndis
from condis_edu._library.headers import HEADER_SPECS, header_problem

STRUCTURES = sorted(
    name
    for name in dir(ndis)
    if isinstance(getattr(ndis, name), type)
    and dataclasses.is_dataclass(getattr(ndis, name))
    and any(f.name == "Header" for f in dataclasses.fields(getattr(ndis, name)))
)

# Sizes checked against the structure layouts Microsoft documents (x64), one per revision.
KNOWN_SIZES = {
    "NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1": 216,
    "NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2": 224,
    "NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1": 28,
    "NDIS_SIZEOF_MINIPORT_INIT_PARAMETERS_REVISION_1": 64,
    "NDIS_SIZEOF_OID_REQUEST_REVISION_1": 236,
    "NDIS_SIZEOF_STATUS_INDICATION_REVISION_1": 112,
    "NDIS_SIZEOF_NET_PNP_EVENT_NOTIFICATION_REVISION_1": 164,
    "NDIS_SIZEOF_BIND_PARAMETERS_REVISION_4": 312,
}


def revisions(structure: str) -> list[int]:
    found = []
    n = 1
    while hasattr(ndis, f"{structure}_REVISION_{n}"):
        found.append(n)
        n += 1
    return found


def sizeof_name(structure: str, revision: int) -> str:
    return f"NDIS_SIZEOF_{structure.removeprefix('NDIS_')}_REVISION_{revision}"


def test_the_mirror_has_structures() -> None:
    assert "NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES" in STRUCTURES and len(STRUCTURES) >= 18


@pytest.mark.parametrize("structure", STRUCTURES)
def test_every_structure_has_revision_and_size_constants(structure: str) -> None:
    found = revisions(structure)
    assert found, f"{structure}_REVISION_1 is missing from condis_edu.ndis"
    sizes = []
    for revision in found:
        assert getattr(ndis, f"{structure}_REVISION_{revision}") == revision
        name = sizeof_name(structure, revision)
        assert hasattr(ndis, name), f"{name} is missing from condis_edu.ndis"
        assert name in ndis.__all__ and f"{structure}_REVISION_{revision}" in ndis.__all__
        sizes.append(getattr(ndis, name))
    assert all(isinstance(size, int) and size > 4 for size in sizes), sizes  # more than the header
    assert sizes == sorted(sizes), f"{structure}: a later revision cannot be smaller"
    spec = HEADER_SPECS.get(getattr(ndis, structure))
    if spec is not None:  # what NDIS checks is what the constants say
        for revision, size in spec.sizes.items():
            assert size is None or size == getattr(ndis, sizeof_name(structure, revision)), (structure, revision)


@pytest.mark.parametrize(("name", "size"), sorted(KNOWN_SIZES.items()))
def test_sizes_match_the_documented_layouts(name: str, size: int) -> None:
    assert getattr(ndis, name) == size


def test_a_driver_can_write_the_general_attributes_header_by_name() -> None:
    general = ndis.NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES()
    general.Header.Type = ndis.NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES
    general.Header.Revision = ndis.NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2
    general.Header.Size = ndis.NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2
    assert header_problem(general) is None
    general.Header.Size = ndis.NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1
    assert "smaller than the 224 bytes of revision 2" in (header_problem(general) or "")
