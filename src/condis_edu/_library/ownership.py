"""The NBL hand-off check: who may pass a chain on, and what went wrong when they may not.

Every data-path DDI moves a chain of NBLs from one holder to another:

==========================================  ==================  ==================
DDI                                         from                to
==========================================  ==================  ==================
NdisCoSendNetBufferLists                    sender (OWNED)      VC's SENT holder
NdisMCoSendNetBufferListsComplete           VC's SENT holder    sender (OWNED)
NdisMCoIndicateReceiveNetBufferLists        miniport (OWNED)    VC's INDICATED or LENT holder
NdisReturnNetBufferLists                    INDICATED holder    miniport (OWNED)
NdisFreeNetBufferList                       allocator (OWNED)   pool (FREE)
==========================================  ==================  ==================

``transfer`` is the fast path: one walk that checks the holder by identity, re-stamps it and
counts. It allocates nothing. If one NBL is not held by the expected holder (or the chain
loops back on itself, which shows up the same way because the NBLs already visited carry
the new stamp), ``transfer`` stops and returns ``~index`` of the offender. ``refuse`` then
turns the offender into a sentence for the verifier finding and gives every NBL its old
holder back, so a refused hand-off changes nothing. Only the fast path runs when drivers
behave.

>>> from condis_edu.mirror.nbl import Holder, HolderKind
>>> a = Holder(HolderKind.OWNED, "client", None, "owned by client")
>>> b = Holder(HolderKind.SENT, "miniport", "vc#1", "sent on vc#1")
>>> transfer(None, a, b)
0
"""

from __future__ import annotations

from condis_edu.mirror.nbl import NET_BUFFER_LIST, Holder, HolderKind

__all__ = ["explain", "nth", "owned_by", "refuse", "rollback", "transfer", "transfer_owned"]


def transfer(head: NET_BUFFER_LIST | None, expected: Holder, new: Holder) -> int:
    """Re-stamp every NBL of the chain from *expected* to *new*; return how many.

    Returns ``~i`` (a negative number) when the NBL at index ``i`` is not held by
    *expected*. The chain is then half re-stamped: the caller must call ``refuse`` with
    the same arguments, which explains the problem and puts every holder back.
    """
    n = 0
    nbl = head
    while nbl is not None:
        if nbl._holder is not expected:
            return ~n
        nbl._holder = new
        n += 1
        nbl = nbl.Next
    return n


def owned_by(holder: Holder, driver: object) -> bool:
    """True if *holder* means "at rest with *driver*" (whatever route the NBL last came back by)."""
    return holder.kind is HolderKind.OWNED and holder.driver is driver


def transfer_owned(
    head: NET_BUFFER_LIST | None, driver: object, new: Holder
) -> tuple[int, NET_BUFFER_LIST | None, str]:
    """Like ``transfer`` from "owned by *driver*", whichever OWNED holder each NBL carries.

    Returns ``(count, None, "")``, or ``(-1, offender, reason)`` with every holder restored.
    This is the checked (slow) route; it remembers the old holders in a list to undo.
    """
    taken: list[tuple[NET_BUFFER_LIST, Holder]] = []
    nbl = head
    while nbl is not None:
        holder = nbl._holder
        if holder.kind is not HolderKind.OWNED or holder.driver is not driver:
            repeated = any(x is nbl for x, _ in taken)
            for x, h in taken:
                x._holder = h
            expected = Holder(HolderKind.OWNED, driver, None, f"owned by {getattr(driver, 'name', driver)}")
            return -1, nbl, explain(nbl, expected, repeated)
        taken.append((nbl, holder))
        nbl._holder = new
        nbl = nbl.Next
    return len(taken), None, ""


def refuse(
    head: NET_BUFFER_LIST | None, result: int, expected: Holder, new: Holder
) -> tuple[NET_BUFFER_LIST | None, str]:
    """Undo a refused ``transfer`` and return ``(offending NBL, explanation)``."""
    index = ~result
    offender = nth(head, index)
    if offender is None:  # pragma: no cover - transfer only stops on a real NBL
        return None, "the chain ended early"
    repeated = False
    nbl, k = head, 0
    while k < index and nbl is not None:
        if nbl is offender:
            repeated = True
            break
        nbl, k = nbl.Next, k + 1
    reason = explain(offender, expected, repeated)
    rollback(head, index, expected)
    return offender, reason


def rollback(head: NET_BUFFER_LIST | None, count: int, holder: Holder) -> None:
    """Give the first *count* NBLs of the chain back to *holder* (undo a partial transfer)."""
    nbl = head
    while count > 0 and nbl is not None:
        nbl._holder = holder
        nbl = nbl.Next
        count -= 1


def nth(head: NET_BUFFER_LIST | None, index: int) -> NET_BUFFER_LIST | None:
    """The NBL at *index* of a chain (``None`` past the end)."""
    nbl = head
    while index > 0 and nbl is not None:
        nbl = nbl.Next
        index -= 1
    return nbl


def explain(nbl: NET_BUFFER_LIST, expected: Holder, repeated: bool = False) -> str:
    """Say, for a learner, why *nbl* could not be handed over from *expected*.

    *repeated* is true when the NBL already appeared earlier in the same chain (a cycle,
    or the same NBL linked twice).
    """
    holder = nbl._holder
    kind = holder.kind
    if repeated:
        return f"{nbl.label} appears twice in the chain (its Next links back into the chain)"
    if kind is HolderKind.FREE:
        return f"{nbl.label} was freed back to its pool; nobody may pass it on"
    if kind is HolderKind.SENT and expected.kind is HolderKind.OWNED:
        return f"{nbl.label} is still {holder.label}; it is not back with its owner yet"
    if kind is HolderKind.INDICATED and expected.kind is HolderKind.OWNED:
        return f"{nbl.label} is still {holder.label}; it comes back only through NdisReturnNetBufferLists"
    return f"{nbl.label} is {holder.label}, not {expected.label}"
