"""Library-minted opaque handles.

In C an ``NDIS_HANDLE`` is a pointer-sized value the driver must pass back unmodified.
Here it is an ``NDIS_HANDLE`` object that only NDIS can create. Its repr names its kind
and a per-machine serial number, ``<NDIS_HANDLE vc#3>``, never a memory address, so traces
are identical from run to run and between CPython and Pyodide.

A handle remembers which machine minted it (foreign handles are detected) and whether
its object is still alive (stale handles are detected, with the reason it died).

>>> from condis_edu.mirror.handles import HandleTable
>>> table = HandleTable(owner="machine-1")
>>> h = table.mint("vc", target="the VC record")
>>> h
<NDIS_HANDLE vc#1>
>>> h.alive, table.mint("vc", target=None).label
(True, 'vc#2')
"""

from __future__ import annotations

from typing import Any, final

__all__ = ["NDIS_HANDLE", "HandleTable", "death_of", "owner_of", "retarget", "target_of"]


@final
class NDIS_HANDLE:
    """An opaque handle minted by the simulated NDIS library.

    Drivers store it and pass it back; they cannot build one. ``kind`` and ``label`` exist
    for humans reading traces and tests.
    """

    __slots__ = ("_death", "_fast", "_owner", "_target", "kind", "label", "number")

    kind: str
    number: int
    label: str
    _fast: object
    # _owner, _target and _death are slots too; library code reaches them through
    # owner_of(), target_of(), death_of() and retarget() below. _fast is the data path's
    # cached route for a live VC handle (condis_edu._library.ddi.datapath); it is cleared when the
    # handle dies, so a stale handle always takes the checked route.

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError("NDIS_HANDLE values are minted by NDIS; drivers receive them from DDIs")

    @classmethod
    def _mint(cls, owner: object, kind: str, number: int, target: object) -> NDIS_HANDLE:
        self = object.__new__(cls)
        self.kind = kind
        self.number = number
        self.label = f"{kind}#{number}"
        setattr(self, "_owner", owner)  # noqa: B010
        setattr(self, "_target", target)  # noqa: B010
        setattr(self, "_death", None)  # noqa: B010
        setattr(self, "_fast", None)  # noqa: B010
        return self

    @property
    def alive(self) -> bool:
        """False once NDIS has freed the object behind the handle."""
        return death_of(self) is None

    def __repr__(self) -> str:
        suffix = "" if death_of(self) is None else " (stale)"
        return f"<NDIS_HANDLE {self.label}{suffix}>"

    def __reduce__(self) -> Any:
        raise TypeError("NDIS_HANDLE values cannot be pickled or copied")

    def __copy__(self) -> NDIS_HANDLE:
        return self

    def __deepcopy__(self, memo: object) -> NDIS_HANDLE:
        return self


class HandleTable:
    """Mints handles for one machine, numbering each kind from 1."""

    __slots__ = ("_counters", "owner")

    def __init__(self, owner: object) -> None:
        self.owner = owner
        self._counters: dict[str, int] = {}

    def mint(self, kind: str, target: object) -> NDIS_HANDLE:
        """Create a live handle of *kind* pointing at *target*."""
        number = self._counters.get(kind, 0) + 1
        self._counters[kind] = number
        return NDIS_HANDLE._mint(self.owner, kind, number, target)

    def unmint(self, handle: NDIS_HANDLE) -> None:
        """Forget the most recent handle of its kind (used when a refused call rolls back).

        Only valid for the handle minted last of that kind, so numbering stays dense and a
        refused call leaves the table exactly as it was.
        """
        if self._counters.get(handle.kind) == handle.number:
            if handle.number == 1:
                del self._counters[handle.kind]
            else:
                self._counters[handle.kind] = handle.number - 1
        setattr(handle, "_death", "never handed out")  # noqa: B010

    @staticmethod
    def kill(handle: NDIS_HANDLE, reason: str) -> None:
        """Mark *handle* stale; later use raises ``StaleHandleError`` with *reason*."""
        setattr(handle, "_death", reason)  # noqa: B010
        setattr(handle, "_fast", None)  # noqa: B010

    @staticmethod
    def target(handle: NDIS_HANDLE) -> object:
        """The object behind *handle* (for the library only)."""
        return target_of(handle)

    def counters(self) -> dict[str, int]:
        """A copy of the per-kind serial counters (part of a machine snapshot)."""
        return dict(self._counters)


def owner_of(handle: NDIS_HANDLE) -> object:
    """The library that minted *handle*."""
    return getattr(handle, "_owner")  # noqa: B009


def target_of(handle: NDIS_HANDLE) -> Any:
    """The NDIS record behind *handle* (library code only)."""
    return getattr(handle, "_target")  # noqa: B009


def death_of(handle: NDIS_HANDLE) -> str | None:
    """Why *handle* is stale, or None while it is alive."""
    reason: str | None = getattr(handle, "_death")  # noqa: B009
    return reason


def retarget(handle: NDIS_HANDLE, target: object) -> None:
    """Point a freshly minted handle at its record."""
    setattr(handle, "_target", target)  # noqa: B010
