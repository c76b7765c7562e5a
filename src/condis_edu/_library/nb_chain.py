"""Editing a NET_BUFFER chain (R3.32): only the driver that built an NBL changes which NET_BUFFERs it holds.

An NBL carries a chain of NET_BUFFERs: ``FirstNetBuffer``, then each NET_BUFFER's ``Next``.
The driver that allocated the NBL built that chain and is the only one that may change it.
Whoever holds the NBL for a while without having allocated it (a miniport holding a sent
NBL, a protocol holding an indicated one) may relink NBLs (``NET_BUFFER_LIST.Next``) but
must give each NBL back with the NET_BUFFER chain its builder made: no NET_BUFFER moved to
another NBL, no ``NET_BUFFER.Next`` edited.

How it is checked, and what it costs. ``NET_BUFFER.Next`` and ``NET_BUFFER_LIST.FirstNetBuffer``
read as plain attributes; only a write goes through ``condis_edu.mirror.nbl.CHAIN_WRITE_HOOKS``
and lands here. The writer (the driver running now) must be the driver that allocated the
structure written, and the NET_BUFFER it links in must be its own allocation too: taking a
NET_BUFFER out of someone else's NBL needs a write to that NBL's chain, and putting one into
an NBL of one's own links a NET_BUFFER one did not allocate, so a move is caught whichever
half comes first. Nothing runs on the send and completion paths: no NDIS routine writes
either field there, and the pools write the underlying slots directly. In collect mode the
refused write has no effect.

Limits. The check knows the builder from the pool the structure came from, so a NET_BUFFER
a driver allocated itself is its own to link wherever it likes among its own NBLs. Writes by
NDIS code and by the harness (no driver running) are not checked.

Pages: https://learn.microsoft.com/windows-hardware/drivers/ddi/nbl/ns-nbl-net_buffer_list,
https://learn.microsoft.com/windows-hardware/drivers/network/net-buffer-list-structure
"""

from __future__ import annotations

from typing import Final

from condis_edu._library import core as _library
from condis_edu._library.watch import ndis_is_looking
from condis_edu.mirror.nbl import CHAIN_WRITE_HOOKS, NET_BUFFER, NET_BUFFER_LIST

__all__ = ["builder_of", "check_chain_write"]

_LONGEST: Final = 1 << 16
"""How many NET_BUFFERs a home walk follows before it gives up (a chain linked into a loop)."""


def builder_of(structure: NET_BUFFER | NET_BUFFER_LIST) -> object:
    """The driver that allocated *structure* (the owner of its pool), or None if unknown."""
    owner = getattr(structure._pool, "owner", None)
    return getattr(owner, "driver", None)


def _name(driver: object) -> str:
    return str(getattr(driver, "name", driver))


def _set_home(first: object, home: NET_BUFFER_LIST | None) -> None:
    """Record *home* as the NBL of every NET_BUFFER from *first* on (for R3.37's area checks)."""
    nb, count = first, 0
    while isinstance(nb, NET_BUFFER) and count < _LONGEST:
        nb._home = home
        nb, count = nb._next, count + 1


def _rehome(structure: NET_BUFFER | NET_BUFFER_LIST, value: object, home: NET_BUFFER_LIST | None) -> None:
    """A write that goes ahead: the NET_BUFFERs it unlinks are in no NBL now, the ones it links are in *home*."""
    _set_home(structure._first_nb if isinstance(structure, NET_BUFFER_LIST) else structure._next, None)
    _set_home(value, home)


def check_chain_write(structure: object, field: str, value: object) -> bool:
    """May the code running now write *value* into *field* of *structure*? Report R3.32 if not.

    Returns False when the write must not happen (collect mode); strict mode raises. A write
    that goes ahead updates the home NBL of the NET_BUFFERs it links and unlinks.
    """
    assert isinstance(structure, (NET_BUFFER, NET_BUFFER_LIST))
    home = structure if isinstance(structure, NET_BUFFER_LIST) else structure._home
    active = _library._ACTIVE
    stack = active[-1].stack if active else None
    if not stack:
        _rehome(structure, value, home)
        return True
    lib = active[-1]
    writer = stack[-1]
    builder = builder_of(structure)
    linked = builder_of(value) if isinstance(value, NET_BUFFER) else writer
    if (builder is writer and linked is writer) or ndis_is_looking(1):
        _rehome(structure, value, home)
        return True
    what = f"{structure._label}.{field}"
    where = "" if home is None or home is structure else f" (in {home._label})"
    if builder is not writer:
        holder = home._holder.label if home is not None else "not in an NBL"
        detail = (
            f"{writer.name} wrote {what}{where}, but {_name(builder)} built that chain (now {holder}): "
            "a driver holding an NBL it did not allocate may relink NBLs, never edit their NET_BUFFER chains"
        )
    else:
        assert isinstance(value, NET_BUFFER)
        detail = (
            f"{writer.name} linked {value._label}, a NET_BUFFER of {_name(linked)}, into {what}{where}: "
            "moving a NET_BUFFER out of an NBL one did not allocate changes its builder's chain"
        )
    kind = "NET_BUFFER_LIST" if isinstance(structure, NET_BUFFER_LIST) else "NET_BUFFER"
    lib.report("R3.32", writer, f"{kind}.{field}", detail)
    return False


CHAIN_WRITE_HOOKS.append(check_chain_write)
