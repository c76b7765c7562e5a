"""How NDIS checks an ``NDIS_OBJECT_HEADER``: Type, then Revision, then Size.

NDIS does not know Python classes; it reads ``Header.Type`` to learn what a pointer points
at, then checks the revision is one it knows and that ``Size`` covers that revision. We do
the same, and additionally check that the Python class agrees with ``Header.Type`` (in C a
mismatch would be a wrongly cast pointer).

>>> from condis_edu.mirror.structures import NDIS_MINIPORT_CO_CHARACTERISTICS
>>> co = NDIS_MINIPORT_CO_CHARACTERISTICS()
>>> header_problem(co)
'Header.Type is 0x00, expected NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS (0x91)'
>>> co.Header.Type, co.Header.Revision, co.Header.Size = 0x91, 1, 56
>>> header_problem(co) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from condis_edu._library.ddi import pools
from condis_edu.mirror import constants as c
from condis_edu.mirror import structures as s


@dataclass(frozen=True, slots=True)
class HeaderSpec:
    """What a valid header looks like for one structure."""

    type_name: str
    type_value: int
    sizes: dict[int, int | None]
    """Revision -> minimum Size (``None``: size not checked, we model a subset of the fields)."""


HEADER_SPECS: Final[dict[type, HeaderSpec]] = {
    s.NDIS_MINIPORT_DRIVER_CHARACTERISTICS: HeaderSpec(
        "NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS",
        c.NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS,
        {
            1: c.NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1,
            2: c.NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2,
            3: c.NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3,
        },
    ),
    s.NDIS_MINIPORT_CO_CHARACTERISTICS: HeaderSpec(
        "NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS",
        c.NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS,
        {1: c.NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1},
    ),
    s.NDIS_PROTOCOL_DRIVER_CHARACTERISTICS: HeaderSpec(
        "NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS",
        c.NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS,
        {
            1: c.NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1,
            2: c.NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_2,
        },
    ),
    s.NDIS_PROTOCOL_CO_CHARACTERISTICS: HeaderSpec(
        "NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS",
        c.NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS,
        {1: c.NDIS_SIZEOF_PROTOCOL_CO_CHARACTERISTICS_REVISION_1},
    ),
    s.NDIS_CO_CLIENT_OPTIONAL_HANDLERS: HeaderSpec(
        "NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS",
        c.NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS,
        {1: c.NDIS_SIZEOF_CO_CLIENT_OPTIONAL_HANDLERS_REVISION_1},
    ),
    s.NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS: HeaderSpec(
        "NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS",
        c.NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS,
        {1: c.NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1},
    ),
    s.NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES: HeaderSpec(
        "NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES",
        c.NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES,
        {
            1: c.NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1,
            2: c.NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2,
        },
    ),
    s.NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES: HeaderSpec(
        "NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES",
        c.NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES,
        {
            1: c.NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1,
            2: c.NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2,
        },
    ),
    # Data path: pools, OID requests, status indications.
    pools.NET_BUFFER_LIST_POOL_PARAMETERS: HeaderSpec(
        "NDIS_OBJECT_TYPE_DEFAULT",
        c.NDIS_OBJECT_TYPE_DEFAULT,
        {1: pools.NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1},
    ),
    pools.NET_BUFFER_POOL_PARAMETERS: HeaderSpec(
        "NDIS_OBJECT_TYPE_DEFAULT",
        c.NDIS_OBJECT_TYPE_DEFAULT,
        {1: pools.NDIS_SIZEOF_NET_BUFFER_POOL_PARAMETERS_REVISION_1},
    ),
    s.NDIS_OID_REQUEST: HeaderSpec("NDIS_OBJECT_TYPE_OID_REQUEST", c.NDIS_OBJECT_TYPE_OID_REQUEST, {1: None, 2: None}),
    s.NDIS_STATUS_INDICATION: HeaderSpec(
        "NDIS_OBJECT_TYPE_STATUS_INDICATION", c.NDIS_OBJECT_TYPE_STATUS_INDICATION, {1: None}
    ),
    s.NDIS_OPEN_PARAMETERS: HeaderSpec(
        "NDIS_OBJECT_TYPE_OPEN_PARAMETERS", c.NDIS_OBJECT_TYPE_OPEN_PARAMETERS, {1: None}
    ),
    s.NET_PNP_EVENT_NOTIFICATION: HeaderSpec("NDIS_OBJECT_TYPE_DEFAULT", c.NDIS_OBJECT_TYPE_DEFAULT, {1: None}),
}

TYPE_TO_CLASS: Final[dict[int, type]] = {
    spec.type_value: cls for cls, spec in HEADER_SPECS.items() if spec.type_value != c.NDIS_OBJECT_TYPE_DEFAULT
}
"""Header.Type -> the structure NDIS would read at that pointer."""


def header_problem(structure: object) -> str | None:
    """Describe what is wrong with *structure*'s header, or return ``None`` if NDIS accepts it."""
    spec = HEADER_SPECS.get(type(structure))
    header = getattr(structure, "Header", None)
    if spec is None or not isinstance(header, s.NDIS_OBJECT_HEADER):
        return f"{type(structure).__name__} is not a structure with an NDIS_OBJECT_HEADER"
    for name in ("Type", "Revision", "Size"):
        value = getattr(header, name)
        if not isinstance(value, int) or isinstance(value, bool):
            return f"Header.{name} is {value!r}, not an integer"
    if header.Type != spec.type_value:
        return f"Header.Type is 0x{header.Type:02x}, expected {spec.type_name} (0x{spec.type_value:02x})"
    if header.Revision not in spec.sizes:
        known = ", ".join(str(r) for r in spec.sizes)
        return f"Header.Revision is {header.Revision}, expected one of {known}"
    size = spec.sizes[header.Revision]
    if size is not None and header.Size < size:
        return (
            f"Header.Size is {header.Size}, smaller than the {size} bytes of revision {header.Revision} "
            f"(NDIS_SIZEOF_..._REVISION_{header.Revision})"
        )
    return None


def fill_header(structure: object, revision: int = 1) -> None:
    """Set a correct header on *structure* for *revision* (a helper for samples and tests).

    >>> from condis_edu.mirror.structures import NDIS_PROTOCOL_CO_CHARACTERISTICS
    >>> co = NDIS_PROTOCOL_CO_CHARACTERISTICS()
    >>> fill_header(co)
    >>> co.Header
    NDIS_OBJECT_HEADER(Type=0x90, Revision=1, Size=40)
    """
    spec = HEADER_SPECS[type(structure)]
    header = structure.Header  # type: ignore[attr-defined]
    header.Type = spec.type_value
    header.Revision = revision
    header.Size = spec.sizes[revision] or 0
