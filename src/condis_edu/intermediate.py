"""NDIS intermediate (IM) drivers: the handler rules of the virtual miniport, and its lifecycle.

An IM driver is a protocol driver at its lower edge and a miniport at its upper edge. Its
upper edge, the *virtual miniport*, is always connectionless and deserialized (R5.04); the
lower edge may be a CoNDIS client, which is how the sample LAN-emulation driver sits on the
loopback CoNDIS miniport.

What lives here:

* ``im_handler_problems``: the handler rules of seed 004 / R5.02 as a pure function over an
  ``NDIS_MINIPORT_DRIVER_CHARACTERISTICS`` (required handlers, optional ones, and the ones
  that must stay NULL: CheckForHangHandlerEx and ResetHandlerEx). Registration calls it for
  any registration carrying ``NDIS_INTERMEDIATE_DRIVER``.
* ``NdisIMAssociateMiniport``, ``NdisIMInitializeDeviceInstanceEx`` (with the retained
  ``NdisMiniportDriverHandle``), ``NdisIMCancelInitializeDeviceInstance`` and
  ``NdisIMDeInitializeDeviceInstance``.

Pages: https://learn.microsoft.com/windows-hardware/drivers/network/registering-an-intermediate-driver-as-a-miniport-driver,
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisiminitializedeviceinstanceex
"""

from __future__ import annotations

from typing import Final

from condis_edu.constants import NDIS_INTERMEDIATE_DRIVER
from condis_edu.structures import NDIS_MINIPORT_DRIVER_CHARACTERISTICS

__all__ = [
    "IM_MUST_BE_NULL",
    "IM_OPTIONAL",
    "IM_REQUIRED",
    "im_handler_problems",
    "is_intermediate",
]

IM_REQUIRED: Final = (
    "InitializeHandlerEx",
    "HaltHandlerEx",
    "UnloadHandler",
    "PauseHandler",
    "RestartHandler",
    "OidRequestHandler",
    "SendNetBufferListsHandler",
    "ReturnNetBufferListsHandler",
    "CancelSendHandler",
    "DevicePnPEventNotifyHandler",
    "ShutdownHandlerEx",
    "CancelOidRequestHandler",
)
"""Handlers an IM's virtual miniport must supply (R5.02, seed 004)."""

IM_OPTIONAL: Final = (
    "SetOptionsHandler",
    "DirectOidRequestHandler",
    "CancelDirectOidRequestHandler",
    "SynchronousOidRequestHandler",
)
"""Handlers an IM may supply or leave NULL."""

IM_MUST_BE_NULL: Final = ("CheckForHangHandlerEx", "ResetHandlerEx")
"""An IM supplies neither: NDIS never hangs-checks or resets a virtual miniport (R1.13, R5.02)."""


def is_intermediate(chars: NDIS_MINIPORT_DRIVER_CHARACTERISTICS) -> bool:
    """True if the registration carries the NDIS_INTERMEDIATE_DRIVER flag."""
    return isinstance(chars.Flags, int) and bool(chars.Flags & NDIS_INTERMEDIATE_DRIVER)


def im_handler_problems(chars: NDIS_MINIPORT_DRIVER_CHARACTERISTICS) -> list[tuple[str, str]]:
    """Every handler-table problem of an IM registration, as ``(rule id, detail)``; [] if none.

    >>> from condis_edu.structures import NDIS_MINIPORT_DRIVER_CHARACTERISTICS
    >>> chars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS(Flags=NDIS_INTERMEDIATE_DRIVER)
    >>> [rule for rule, _ in im_handler_problems(chars)]
    ['R5.02']
    >>> chars.ResetHandlerEx = lambda ctx: 0
    >>> [rule for rule, _ in im_handler_problems(chars)]
    ['R5.02', 'R1.13']
    """
    problems: list[tuple[str, str]] = []
    absent = [name for name in IM_REQUIRED if getattr(chars, name) is None]
    if absent:
        problems.append(("R5.02", "an intermediate driver must supply: " + ", ".join(absent)))
    present = [name for name in IM_MUST_BE_NULL if getattr(chars, name) is not None]
    if present:
        problems.append(("R1.13", "an intermediate driver must leave these NULL: " + ", ".join(present)))
    return problems
