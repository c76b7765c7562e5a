"""Looking at an NBL one has handed away (R3.06): the watch NDIS keeps on NBLs in flight.

From the moment a driver passes an NBL to NDIS until it comes back, the NBL is not the
driver's: it may not send or free it, and it may not read or write it either. That covers the
NBL's fields (``Next``, ``Status``, ``SourceHandle`` ...), its NET_BUFFERs (``DataLength``,
``Next`` ...), the MDLs that hold the bytes, and ``NdisGetDataBuffer`` on one of its
NET_BUFFERs. The hand-off DDIs (``condis_edu._library.ownership``) catch re-sends and frees;
this module catches the looking.

How it stays cheap. An NBL is only *watched* when control goes back to a driver that no
longer holds it: when ``NdisCoSendNetBufferLists`` returns while sends are still outstanding
on the VC (the miniport queued them), and when ``NdisMCoIndicateReceiveNetBufferLists``
returns while receives are still outstanding (the protocol kept them). Watching swaps the
class of the NBL, its NET_BUFFERs and their MDLs for a subclass with the same slots whose
attribute access asks who is looking. A send that the miniport completes inside the call,
the benchmark's path, is never watched, so the data path pays nothing for the check; a
watched NBL goes back to its plain class the first time its holder touches it once it is home.

Who may look. The driver that holds the NBL now (``NBL._holder.driver``), the harness (no
driver running), and NDIS itself (code of ``condis_edu._library``, ``condis_edu.verifier`` and
``condis_edu.harness``; a macro of ``condis_edu.mirror`` counts as its caller). Anyone else is
reported under R3.06. In collect mode a read still returns the value (C would have read the
memory) and a write is dropped, so the holder's data is left as it was.

Pages: https://learn.microsoft.com/windows-hardware/drivers/network/sending-net-buffer-structures-from-condis-drivers,
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscosendnetbufferlists
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any, Final

from condis_edu._library import core as _library
from condis_edu._library.ddi import pools as pools_module
from condis_edu.mirror.nbl import MDL, NET_BUFFER, NET_BUFFER_LIST, Holder, HolderKind

__all__ = [
    "WatchedMdl",
    "WatchedNetBuffer",
    "WatchedNetBufferList",
    "look",
    "ndis_is_looking",
    "unwatch",
    "watch",
    "watch_held_by",
]

_NDIS_MODULES: Final = ("condis_edu._library", "condis_edu.verifier", "condis_edu.harness")
_MACRO_MODULES: Final = ("condis_edu.mirror", "condis_edu._library.boundary")
"""Frames that count as their caller's: the ndis.h macros, and the argument checks that wrap
every DDI of ``condis_edu.ndis`` (so a DDI's hook sees the driver that called the DDI)."""
_get = object.__getattribute__
_set = object.__setattr__


def ndis_is_looking(depth: int) -> bool:
    """Is the code *depth* frames above the caller NDIS itself? (A ``condis_edu.mirror`` macro counts as its caller.)"""
    frame = sys._getframe(depth + 1)
    module = frame.f_globals.get("__name__", "")
    while (module.startswith(_MACRO_MODULES) or frame.f_code in _PASS_THROUGH) and frame.f_back is not None:
        frame = frame.f_back
        module = frame.f_globals.get("__name__", "")
    return bool(module.startswith(_NDIS_MODULES))


def look(nbl: NET_BUFFER_LIST, what: str, write: bool, depth: int, verb: str = "") -> bool:
    """May the code running now touch *what* of the watched *nbl*? Report R3.06 if not.

    *depth* is how many frames up the accessing code is. Returns False when the access must
    not go ahead (collect mode): a write, or a DDI call (*verb* given). A plain read goes ahead
    either way.
    """
    active = _library._ACTIVE
    if not active:
        return True
    lib = active[-1]
    stack = lib.stack
    if not stack:
        return True
    driver = stack[-1]
    holder: Holder = _get(nbl, "_holder")
    if holder.driver is driver:
        if holder.kind is HolderKind.OWNED:
            unwatch(nbl)
        return True
    if ndis_is_looking(depth):
        return True
    done = verb or ("wrote" if write else "read")
    lib.report(
        "R3.06",
        driver,
        what,
        f"{driver.name} {done} {what} of {_get(nbl, '_label')}, which is {holder.label}: "
        "a driver keeps its hands off an NBL from the hand-off until it comes back",
    )
    return not (write or verb)


class WatchedNetBufferList(NET_BUFFER_LIST):  # type: ignore[misc]  # same slots: a class swap, never built
    """An NBL in flight away from a driver that may run now (see the module text)."""

    __slots__ = ()

    def __getattribute__(self, name: str) -> Any:
        if name[0] != "_":
            look(self, name, False, 2)
        return _get(self, name)

    def __setattr__(self, name: str, value: object) -> None:
        if name[0] == "_" or look(self, name, True, 2):
            _set(self, name, value)


class _WatchedPart:
    """What a watched NBL's NET_BUFFERs and MDLs share: every look is a look at the NBL they belong to."""

    __slots__ = ()

    def __getattribute__(self, name: str) -> Any:
        if name[0] != "_":
            nbl = _get(self, "_nbl")
            if nbl is not None:
                look(nbl, f"{_get(self, '_label')}.{name}", False, 2)
        return _get(self, name)

    def __setattr__(self, name: str, value: object) -> None:
        nbl = _get(self, "_nbl")
        if name[0] == "_" or nbl is None or look(nbl, f"{_get(self, '_label')}.{name}", True, 2):
            _set(self, name, value)


class WatchedNetBuffer(_WatchedPart, NET_BUFFER):  # type: ignore[misc]
    """A NET_BUFFER of a watched NBL."""

    __slots__ = ()


class WatchedMdl(_WatchedPart, MDL):  # type: ignore[misc]
    """An MDL of a NET_BUFFER of a watched NBL (the packet bytes)."""

    __slots__ = ()


_PASS_THROUGH: Final = frozenset(
    {
        WatchedNetBufferList.__getattribute__.__code__,
        WatchedNetBufferList.__setattr__.__code__,
        _WatchedPart.__getattribute__.__code__,
        _WatchedPart.__setattr__.__code__,
    }
)
"""The watched classes' own attribute hooks: a write they pass on is their caller's."""


def watch(nbl: NET_BUFFER_LIST) -> None:
    """Put *nbl*, its NET_BUFFERs and their MDLs under watch (idempotent)."""
    if type(nbl) is NET_BUFFER_LIST:
        _set(nbl, "__class__", WatchedNetBufferList)
    nb = _get(nbl, "_first_nb")
    while nb is not None:
        if type(nb) is NET_BUFFER:
            _set(nb, "__class__", WatchedNetBuffer)
        _set(nb, "_nbl", nbl)
        mdl = _get(nb, "MdlChain")
        while mdl is not None:
            if type(mdl) is MDL:
                _set(mdl, "__class__", WatchedMdl)
            _set(mdl, "_nbl", nbl)
            mdl = _get(mdl, "Next")
        nb = _get(nb, "_next")


def unwatch(nbl: NET_BUFFER_LIST) -> None:
    """Give *nbl* and its parts their plain classes back."""
    if type(nbl) is WatchedNetBufferList:
        _set(nbl, "__class__", NET_BUFFER_LIST)
    nb = _get(nbl, "_first_nb")
    while nb is not None:
        if type(nb) is WatchedNetBuffer:
            _set(nb, "__class__", NET_BUFFER)
        _set(nb, "_nbl", None)
        mdl = _get(nb, "MdlChain")
        while mdl is not None:
            if type(mdl) is WatchedMdl:
                _set(mdl, "__class__", MDL)
            _set(mdl, "_nbl", None)
            mdl = _get(mdl, "Next")
        nb = _get(nb, "_next")


def watch_held_by(nbls: Iterable[NET_BUFFER_LIST], holder: Holder) -> None:
    """Watch every NBL of *nbls* (all of a machine's) that *holder* holds now.

    Called when control returns to a driver that handed NBLs to *holder* and some are still
    out; it walks every NBL, which is fine off the hot path.
    """
    for nbl in nbls:
        if _get(nbl, "_holder") is holder:
            watch(nbl)


def _data_buffer_hook(nb: NET_BUFFER, ddi: str) -> bool:
    """``NdisGetDataBuffer`` on a NET_BUFFER: the driver calling it must hold its NBL."""
    if not isinstance(nb, WatchedNetBuffer):
        return True
    nbl = _get(nb, "_nbl")
    return nbl is None or look(nbl, f"{ddi}({_get(nb, '_label')})", False, 3, verb="called")


pools_module.LOOK_HOOKS.append(_data_buffer_hook)
