"""Building blocks the notebooks' exercises hand to the reader: the sample drivers' handler tables.

An exercise that asks for a ``ProtocolSetOptions`` should be about *registering* handlers, not
about writing seventeen of them. These tables map each handler field of an NDIS structure to the
sample driver's function for it, in Microsoft's field order::

    for field, handler in CM_HANDLERS.items():
        setattr(cm, field, handler)

Each call returns a fresh dictionary, so a reader who edits one changes nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from condis_edu.exercises.catalogue._im import lane_driver_entry
from condis_edu.exercises.catalogue._reference import call_manager_tables, loopback_driver_entry, mcm_tables

__all__ = ["call_manager_handlers", "lane_im_with", "loopback_with", "mcm_handlers"]

Handler = Callable[..., Any]


def call_manager_handlers() -> tuple[dict[str, Handler], dict[str, Handler]]:
    """The sample stand-alone call manager's handlers.

    Returns:
        ``(co, cm)``: the four ``NDIS_PROTOCOL_CO_CHARACTERISTICS`` handlers and the seventeen
        ``NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS`` handlers.
    """
    return call_manager_tables()


def mcm_handlers() -> tuple[dict[str, Handler], dict[str, Handler]]:
    """The sample MCM's handlers.

    Returns:
        ``(co, cm)``: the four ``NDIS_MINIPORT_CO_CHARACTERISTICS`` handlers an MCM supplies
        (``CoCreateVcHandler`` and ``CoDeleteVcHandler`` are not among them) and the seventeen
        ``NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS`` handlers.
    """
    return mcm_tables()


def loopback_with(
    miniport_handlers: dict[str, Handler] | None = None, *, co: bool = True, **co_handlers: Handler
) -> Callable[..., int]:
    """A DriverEntry for the sample loopback miniport with some of its handlers replaced.

    Args:
        miniport_handlers: ``NDIS_MINIPORT_DRIVER_CHARACTERISTICS`` fields to replace, e.g.
            ``{"InitializeHandlerEx": MyInitializeEx}``.
        co: ``False`` registers no ``MiniportSetOptions`` at all, so no CoNDIS handlers.
        **co_handlers: ``NDIS_MINIPORT_CO_CHARACTERISTICS`` fields to replace, e.g.
            ``CoCreateVcHandler=MyCoCreateVc``.

    Returns:
        The DriverEntry, for ``Machine.load_driver(entry, name=...)``.
    """
    return loopback_driver_entry(miniport_handlers, co=co, **co_handlers)


def lane_im_with(
    fill_miniport_chars: Callable[[Any], None] | None = None, **protocol_handlers: Handler
) -> Callable[..., int]:
    """A DriverEntry for the sample LAN-emulation intermediate driver with some of its code replaced.

    Args:
        fill_miniport_chars: replaces the part of DriverEntry that fills the virtual miniport's
            ``NDIS_MINIPORT_DRIVER_CHARACTERISTICS`` after its header and version: it receives the
            structure and sets ``Flags`` and the handlers.
        **protocol_handlers: ``NDIS_PROTOCOL_DRIVER_CHARACTERISTICS`` fields of the lower edge to
            replace, e.g. ``BindAdapterHandlerEx=MyBindAdapterEx``.

    Returns:
        The DriverEntry; load it with ``Machine.load_driver(entry, name="lane_im")``.
    """

    return lane_driver_entry(fill_miniport_chars, **protocol_handlers)
