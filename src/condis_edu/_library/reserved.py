"""The reserved areas (R3.37): ``MiniportReserved`` is the miniport's, ``ProtocolReserved`` the protocol's.

Every NBL and every NET_BUFFER carries two scratch arrays. ``MiniportReserved`` is for the
one miniport that holds the structure (the miniport a send went to, or the miniport that
allocated a receive NBL); ``ProtocolReserved`` is for the one protocol that holds it (the
protocol that allocated a send NBL, or the protocol a receive was indicated to). An
intermediate driver is both, and uses whichever area its edge owns. A driver that writes
the other side's area overwrites the context that side keeps there (a miniport keeps its VC
in ``MiniportReserved`` of the receives it indicates, and expects it back).

How it is checked, and what it costs. The areas are ``condis_edu.mirror.nbl.ReservedArea``
arrays: reading an element is a plain list read; writing one calls
``check_reserved_write``. The writer (the driver running now) must hold the structure's NBL,
and play the area's side for it: a miniport for a sent NBL, a protocol for an indicated or
lent one, and for an NBL at rest its owner, on the side(s) it registered (miniport, protocol,
or both for an intermediate driver). A NET_BUFFER answers for the NBL it was built into
(set by the pool DDIs and by the builder's own links, ``condis_edu._library.nb_chain``); a
NET_BUFFER in no known NBL is checked on the writer's registered side alone. Writing without
holding the NBL is R3.06 (reported here unless the watch of ``condis_edu._library.watch``
already did). Nothing runs on the send and completion paths: no NDIS routine writes a
reserved area there. In collect mode the refused write has no effect.

Pages: https://learn.microsoft.com/windows-hardware/drivers/ddi/nbl/ns-nbl-net_buffer,
https://learn.microsoft.com/windows-hardware/drivers/ddi/nbl/ns-nbl-net_buffer_list,
https://learn.microsoft.com/windows-hardware/drivers/network/net-buffer-miniport-reserved
"""

from __future__ import annotations

from typing import Final

from condis_edu._library import core as _library
from condis_edu._library.objects import Driver
from condis_edu._library.watch import WatchedNetBuffer, WatchedNetBufferList, ndis_is_looking
from condis_edu.mirror.nbl import NET_BUFFER, NET_BUFFER_LIST, RESERVED_WRITE_HOOKS, HolderKind, ReservedArea

__all__ = ["check_reserved_write", "sides_of"]

MINIPORT: Final = "miniport"
PROTOCOL: Final = "protocol"
_SIDE_OF_AREA: Final = {"MiniportReserved": MINIPORT, "ProtocolReserved": PROTOCOL}


def sides_of(driver: Driver) -> frozenset[str]:
    """The sides *driver* registered: miniport, protocol, or both (an intermediate driver)."""
    sides = set()
    if driver.miniports:
        sides.add(MINIPORT)
    if driver.protocol is not None:
        sides.add(PROTOCOL)
    return frozenset(sides)


def check_reserved_write(area: ReservedArea, index: int | slice, value: object) -> bool:
    """May the code running now write element *index* of *area*? Report R3.37 (or R3.06) if not.

    Returns False when the write must not happen (collect mode); strict mode raises.
    """
    active = _library._ACTIVE
    stack = active[-1].stack if active else None
    if not stack:
        return True
    lib = active[-1]
    writer = stack[-1]
    of = area._of
    nbl = of if isinstance(of, NET_BUFFER_LIST) else of._home if isinstance(of, NET_BUFFER) else None
    side = _SIDE_OF_AREA[area._name]
    if nbl is not None:
        holder = nbl._holder
        if holder.driver is not writer:
            if type(of) in (WatchedNetBufferList, WatchedNetBuffer):
                return False  # the watch reported the look that found this area (R3.06)
            if ndis_is_looking(1):
                return True
            lib.report(
                "R3.06",
                writer,
                area._name,
                f"{writer.name} wrote {_where(area, index)}, but {nbl._label} is {holder.label}: "
                "a driver writes only into NBLs it holds",
            )
            return False
        kind = holder.kind
        acting = (
            frozenset({MINIPORT})
            if kind is HolderKind.SENT
            else frozenset({PROTOCOL})
            if kind in (HolderKind.INDICATED, HolderKind.LENT)
            else sides_of(writer)
        )
    else:
        acting = sides_of(writer)
    if side in acting or ndis_is_looking(1):
        return True
    role = " and ".join(sorted(acting)) or "neither miniport nor protocol"
    held = f" ({nbl._label} is {nbl._holder.label})" if nbl is not None else ""
    lib.report(
        "R3.37",
        writer,
        area._name,
        f"{writer.name} wrote {_where(area, index)}{held}, but it is the {role} here: {area._name} belongs to the "
        f"{side} that holds the structure, and each reserved area to one driver",
    )
    return False


def _where(area: ReservedArea, index: int | slice) -> str:
    label = getattr(area._of, "_label", "?")
    shown = f"{index.start or 0}:{'' if index.stop is None else index.stop}" if isinstance(index, slice) else index
    return f"{label}.{area._name}[{shown}]"


RESERVED_WRITE_HOOKS.append(check_reserved_write)
