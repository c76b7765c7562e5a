"""NDIS_STATUS values, spelled and numbered as ndis.h spells and numbers them.

This module holds plain ``int`` constants (a driver compares ``Status == NDIS_STATUS_SUCCESS``
exactly as it would in C) and a reverse table used by the trace to print names.
Nothing here knows about drivers, handles or the simulation.

Values come from ndis.h, resolved through ntstatus.h where ndis.h maps an NDIS status
to an NTSTATUS (see the "Constants" section of the project's rule catalogue).

>>> status_name(NDIS_STATUS_PENDING)
'NDIS_STATUS_PENDING'
>>> hex(NDIS_STATUS_RESOURCES)
'0xc000009a'
>>> NT_SUCCESS(NDIS_STATUS_PENDING), NT_SUCCESS(NDIS_STATUS_FAILURE)
(True, False)
"""

from __future__ import annotations

from typing import Final

NDIS_STATUS = int
"""Type alias: an NDIS_STATUS is a 32-bit value; we keep it as a non-negative ``int``."""

NTSTATUS = int
"""Type alias for the NTSTATUS a DriverEntry returns."""

NDIS_STATUS_SUCCESS: Final = 0x00000000
NDIS_STATUS_PENDING: Final = 0x00000103
NDIS_STATUS_NOT_RECOGNIZED: Final = 0x00010001
NDIS_STATUS_NOT_COPIED: Final = 0x00010002
NDIS_STATUS_NOT_ACCEPTED: Final = 0x00010003
NDIS_STATUS_CALL_ACTIVE: Final = 0x00010007
NDIS_STATUS_INDICATION_REQUIRED: Final = 0x40230001
NDIS_STATUS_RESET_START: Final = 0x40010004
NDIS_STATUS_RESET_END: Final = 0x40010005
NDIS_STATUS_LINK_STATE: Final = 0x40010017
NDIS_STATUS_SOFT_ERRORS: Final = 0x80010003
NDIS_STATUS_HARD_ERRORS: Final = 0x80010004
NDIS_STATUS_FAILURE: Final = 0xC0000001
NDIS_STATUS_INVALID_PARAMETER: Final = 0xC000000D
NDIS_STATUS_INVALID_DEVICE_REQUEST: Final = 0xC0000010
NDIS_STATUS_RESOURCES: Final = 0xC000009A
NDIS_STATUS_NOT_SUPPORTED: Final = 0xC00000BB
NDIS_STATUS_INVALID_STATE: Final = 0xC0000184
NDIS_STATUS_CLOSING: Final = 0xC0010002
NDIS_STATUS_BAD_VERSION: Final = 0xC0010004
NDIS_STATUS_BAD_CHARACTERISTICS: Final = 0xC0010005
NDIS_STATUS_REQUEST_ABORTED: Final = 0xC001000C
NDIS_STATUS_RESET_IN_PROGRESS: Final = 0xC001000D
NDIS_STATUS_CLOSING_INDICATING: Final = 0xC001000E
NDIS_STATUS_INVALID_LENGTH: Final = 0xC0010014
NDIS_STATUS_INVALID_DATA: Final = 0xC0010015
NDIS_STATUS_BUFFER_TOO_SHORT: Final = 0xC0010016
NDIS_STATUS_INVALID_OID: Final = 0xC0010017
NDIS_STATUS_ADAPTER_REMOVED: Final = 0xC0010018
NDIS_STATUS_UNSUPPORTED_MEDIA: Final = 0xC0010019
NDIS_STATUS_INVALID_SAP: Final = 0xC0010020
NDIS_STATUS_SAP_IN_USE: Final = 0xC0010021
NDIS_STATUS_INVALID_ADDRESS: Final = 0xC0010022
NDIS_STATUS_VC_NOT_ACTIVATED: Final = 0xC0010023
NDIS_STATUS_DEST_OUT_OF_ORDER: Final = 0xC0010024
NDIS_STATUS_VC_NOT_AVAILABLE: Final = 0xC0010025
NDIS_STATUS_CELLRATE_NOT_AVAILABLE: Final = 0xC0010026
NDIS_STATUS_INCOMPATIBLE_QOS: Final = 0xC0010027
NDIS_STATUS_INCOMPATABLE_QOS: Final = NDIS_STATUS_INCOMPATIBLE_QOS  # ndis.h keeps the old misspelling
NDIS_STATUS_AAL_PARAMS_UNSUPPORTED: Final = 0xC0010028
NDIS_STATUS_NO_ROUTE_TO_DESTINATION: Final = 0xC0010029
NDIS_STATUS_SEND_ABORTED: Final = 0xC023000C
NDIS_STATUS_MEDIA_DISCONNECTED: Final = 0xC023001F
NDIS_STATUS_PAUSED: Final = 0xC023002A
NDIS_STATUS_UNSUPPORTED_REVISION: Final = 0xC023002C
NDIS_STATUS_LOW_POWER_STATE: Final = 0xC023002F

STATUS_SUCCESS: Final = 0x00000000
"""NTSTATUS returned by a DriverEntry that loaded."""
STATUS_UNSUCCESSFUL: Final = 0xC0000001
"""NTSTATUS returned by a DriverEntry that failed."""

STATUS_NAMES: Final[dict[int, str]] = {
    value: name
    for name, value in sorted(globals().items())
    if name.startswith("NDIS_STATUS_") and isinstance(value, int) and name != "NDIS_STATUS_INCOMPATABLE_QOS"
}
"""Reverse table, value -> canonical name (the modern spelling wins for aliases)."""


def status_name(status: object) -> str:
    """Return the ndis.h name of *status*, or its hex value when the value has no name.

    >>> status_name(0xC0010023)
    'NDIS_STATUS_VC_NOT_ACTIVATED'
    >>> status_name(0x1234)
    '0x00001234'
    """
    if isinstance(status, int) and not isinstance(status, bool):
        name = STATUS_NAMES.get(status)
        return name if name is not None else f"0x{status & 0xFFFFFFFF:08x}"
    return repr(status) if isinstance(status, (str, type(None), bool)) else type(status).__name__


def short_status(status: object) -> str:
    """``NDIS_STATUS_SUCCESS`` -> ``SUCCESS``: the form used in sequence diagrams.

    >>> short_status(NDIS_STATUS_RESOURCES)
    'RESOURCES'
    """
    name = status_name(status)
    return name.removeprefix("NDIS_STATUS_")


def is_status(value: object) -> bool:
    """True if *value* is an ``int`` usable as an NDIS_STATUS (32-bit, not a ``bool``)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 0xFFFFFFFF


def NT_SUCCESS(Status: int) -> bool:
    """The ``NT_SUCCESS`` macro: success and informational values (top bit clear)."""
    return (Status & 0x80000000) == 0


__all__ = [
    "NDIS_STATUS_AAL_PARAMS_UNSUPPORTED",
    "NDIS_STATUS_ADAPTER_REMOVED",
    "NDIS_STATUS_BAD_CHARACTERISTICS",
    "NDIS_STATUS_BAD_VERSION",
    "NDIS_STATUS_BUFFER_TOO_SHORT",
    "NDIS_STATUS_CALL_ACTIVE",
    "NDIS_STATUS_CELLRATE_NOT_AVAILABLE",
    "NDIS_STATUS_CLOSING",
    "NDIS_STATUS_CLOSING_INDICATING",
    "NDIS_STATUS_DEST_OUT_OF_ORDER",
    "NDIS_STATUS_FAILURE",
    "NDIS_STATUS_HARD_ERRORS",
    "NDIS_STATUS_INCOMPATABLE_QOS",
    "NDIS_STATUS_INCOMPATIBLE_QOS",
    "NDIS_STATUS_INDICATION_REQUIRED",
    "NDIS_STATUS_INVALID_ADDRESS",
    "NDIS_STATUS_INVALID_DATA",
    "NDIS_STATUS_INVALID_DEVICE_REQUEST",
    "NDIS_STATUS_INVALID_LENGTH",
    "NDIS_STATUS_INVALID_OID",
    "NDIS_STATUS_INVALID_PARAMETER",
    "NDIS_STATUS_INVALID_SAP",
    "NDIS_STATUS_INVALID_STATE",
    "NDIS_STATUS_LINK_STATE",
    "NDIS_STATUS_LOW_POWER_STATE",
    "NDIS_STATUS_MEDIA_DISCONNECTED",
    "NDIS_STATUS_NOT_ACCEPTED",
    "NDIS_STATUS_NOT_COPIED",
    "NDIS_STATUS_NOT_RECOGNIZED",
    "NDIS_STATUS_NOT_SUPPORTED",
    "NDIS_STATUS_NO_ROUTE_TO_DESTINATION",
    "NDIS_STATUS_PAUSED",
    "NDIS_STATUS_PENDING",
    "NDIS_STATUS_REQUEST_ABORTED",
    "NDIS_STATUS_RESET_END",
    "NDIS_STATUS_RESET_IN_PROGRESS",
    "NDIS_STATUS_RESET_START",
    "NDIS_STATUS_RESOURCES",
    "NDIS_STATUS_SAP_IN_USE",
    "NDIS_STATUS_SEND_ABORTED",
    "NDIS_STATUS_SOFT_ERRORS",
    "NDIS_STATUS_SUCCESS",
    "NDIS_STATUS_UNSUPPORTED_MEDIA",
    "NDIS_STATUS_UNSUPPORTED_REVISION",
    "NDIS_STATUS_VC_NOT_ACTIVATED",
    "NDIS_STATUS_VC_NOT_AVAILABLE",
    "NT_SUCCESS",
    "STATUS_NAMES",
    "STATUS_SUCCESS",
    "STATUS_UNSUCCESSFUL",
    "is_status",
    "short_status",
    "status_name",
]
