"""NET_BUFFER_LIST, NET_BUFFER and MDL, with an ownership record on every NBL.

What lives here: the three data structures of the NDIS 6 data path with Microsoft's field
names (``Next``, ``FirstNetBuffer``, ``Status``, ``SourceHandle`` ...), the accessor macros
drivers use on them (``NET_BUFFER_LIST_NEXT_NBL``, ``NET_BUFFER_LIST_FIRST_NB`` ...), a few
PEP 8 chain helpers for learners and tests (``chain``, ``iter_chain``, ``chain_length``),
and the *holder* record that says who may touch an NBL right now.

What does not live here: allocation (``condis_edu._library.ddi.pools``), the hand-off checks
(``condis_edu._library.ownership``) and the send/receive dispatch (``condis_edu._library.ddi.datapath``).

Ownership. In NDIS an NBL always belongs to exactly one party: the driver that allocated
it while it is at rest, the miniport while a send is in flight, the protocol while a
receive indication is outstanding, the pool while it is free. Every NBL here carries that
answer in ``_holder``, a ``Holder`` record. NDIS re-stamps it at every hand-off, so a
driver that passes an NBL it does not hold (sending it twice, completing it twice,
returning it after it came back) is caught at the DDI call. Holders are compared by
identity, which keeps the check to one attribute load per NBL on the send path.

Structures are only minted by the pool DDIs, as in NDIS: ``NET_BUFFER_LIST()`` raises.

>>> from condis_edu.mirror.nbl import NET_BUFFER_LIST
>>> NET_BUFFER_LIST()
Traceback (most recent call last):
...
TypeError: NET_BUFFER_LIST structures come from an NDIS pool (NdisAllocateNetBufferAndNetBufferList)

Pages:
https://learn.microsoft.com/windows-hardware/drivers/ddi/nbl/ns-nbl-net_buffer_list,
https://learn.microsoft.com/windows-hardware/drivers/ddi/nbl/ns-nbl-net_buffer,
https://learn.microsoft.com/windows-hardware/drivers/network/net-buffer-architecture
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from typing import Final, SupportsIndex, final

from condis_edu.errors import StructureTypeError
from condis_edu.mirror.status import NDIS_STATUS_SUCCESS, status_name

__all__ = [
    "CHAIN_WRITE_HOOKS",
    "MDL",
    "NDIS_NBL_FLAGS_IS_LOOPBACK_PACKET",
    "NDIS_NBL_FLAGS_RECV_READ_ONLY",
    "NDIS_NBL_FLAGS_SEND_READ_ONLY",
    "NET_BUFFER",
    "NET_BUFFER_DATA_LENGTH",
    "NET_BUFFER_DATA_OFFSET",
    "NET_BUFFER_FIRST_MDL",
    "NET_BUFFER_LIST",
    "NET_BUFFER_LIST_CONTEXT",
    "NET_BUFFER_LIST_FIRST_NB",
    "NET_BUFFER_LIST_NEXT_NBL",
    "NET_BUFFER_LIST_STATUS",
    "NET_BUFFER_NEXT_NB",
    "RESERVED_WRITE_HOOKS",
    "Holder",
    "HolderKind",
    "ReservedArea",
    "chain",
    "chain_length",
    "iter_chain",
]

# NET_BUFFER_LIST.NblFlags bits (ndis/nbl.h) that the samples use.
NDIS_NBL_FLAGS_SEND_READ_ONLY: Final = 0x00000001
NDIS_NBL_FLAGS_RECV_READ_ONLY: Final = 0x00000002
NDIS_NBL_FLAGS_IS_LOOPBACK_PACKET: Final = 0x00000400


class HolderKind(enum.Enum):
    """Where an NBL is in its life; each value says who may touch it."""

    FREE = "free in its pool"
    OWNED = "owned at rest"
    SENT = "in a send, held by the miniport"
    INDICATED = "in a receive indication, held by the protocol"
    LENT = "lent for the length of a receive callback (NDIS_RECEIVE_FLAGS_RESOURCES)"


def _replace_area(area: ReservedArea) -> None:
    """A reserved area is part of its structure, as a C array is: it cannot be replaced."""
    raise StructureTypeError(
        f"{area.name} is a fixed array of {len(area)} pointers inside the structure: write its elements "
        f"({area.name}[0] = ...), it cannot be replaced"
    )


@final
class Holder:
    """Who holds an NBL: one record per owner or per in-flight hand-off.

    ``driver`` names the party that may touch the NBL (the owning driver, the miniport
    for a send, the protocol for an indication; ``None`` for a free NBL). ``via`` is the
    VC or adapter record the hand-off went through, so a completion or return can be
    checked against the route the NBL took. The engine creates a handful of holders per
    driver and per VC once, never one per NBL.
    """

    __slots__ = ("driver", "kind", "label", "via")

    def __init__(self, kind: HolderKind, driver: object, via: object, label: str) -> None:
        self.kind = kind
        self.driver = driver
        self.via = via
        self.label = label

    def __repr__(self) -> str:
        return f"<Holder {self.label}>"


FREE_HOLDER_LABEL: Final = "free"


CHAIN_WRITE_HOOKS: Final[list[Callable[[object, str, object], bool]]] = []
"""Checks NDIS runs before a driver edits a NET_BUFFER chain (R3.32): ``hook(structure, field,
value)`` for ``NET_BUFFER.Next`` and ``NET_BUFFER_LIST.FirstNetBuffer``; False drops the write.
Filled by ``condis_edu._library.nb_chain`` (the mirror knows no drivers)."""

RESERVED_WRITE_HOOKS: Final[list[Callable[[ReservedArea, int | slice, object], bool]]] = []
"""Checks NDIS runs before a driver writes a reserved area (R3.37): ``hook(area, index, value)``;
False drops the write. Filled by ``condis_edu._library.reserved``."""


class ReservedArea(list[object]):
    """``ProtocolReserved`` or ``MiniportReserved`` of an NBL or a NET_BUFFER: a fixed array of pointers.

    Reading is a plain list read. Writing an element asks the hooks of
    ``RESERVED_WRITE_HOOKS`` first: each area belongs to one driver (R3.37). As in C the array
    has a fixed length: whatever would change it, or replace it, raises ``StructureTypeError``.

    Pages: https://learn.microsoft.com/windows-hardware/drivers/ddi/nbl/ns-nbl-net_buffer,
    https://learn.microsoft.com/windows-hardware/drivers/ddi/nbl/ns-nbl-net_buffer_list
    """

    __slots__ = ("_name", "_of")

    _name: str
    _of: object

    def __init__(self, name: str, of: object, length: int) -> None:
        super().__init__([None] * length)
        self._name = name
        self._of = of

    @property
    def name(self) -> str:
        """``ProtocolReserved`` or ``MiniportReserved``."""
        return self._name

    @property
    def of(self) -> object:
        """The NBL or NET_BUFFER the area is part of."""
        return self._of

    def __setitem__(self, index: SupportsIndex | slice, value: object) -> None:
        if isinstance(index, slice):
            values = list(value)  # type: ignore[call-overload]
            if len(range(*index.indices(len(self)))) != len(values):
                raise StructureTypeError(f"{self._name} is a fixed array of {len(self)} pointers")
            for hook in RESERVED_WRITE_HOOKS:
                if not hook(self, index, values):
                    return
            list.__setitem__(self, index, values)
            return
        key = index.__index__()
        for hook in RESERVED_WRITE_HOOKS:
            if not hook(self, key, value):
                return
        list.__setitem__(self, key, value)

    def _clear(self) -> None:
        """NDIS zeroes the area when the structure is allocated again (no hook: not a driver's write)."""
        list.__setitem__(self, slice(None), [None] * len(self))

    def _fixed(self, *args: object, **kwargs: object) -> None:
        raise StructureTypeError(f"{self._name} is a fixed array of {len(self)} pointers: write its elements")

    append = extend = insert = remove = clear = sort = reverse = _fixed
    __delitem__ = __iadd__ = __imul__ = _fixed  # type: ignore[assignment]

    def pop(self, *args: object) -> object:
        raise StructureTypeError(f"{self._name} is a fixed array of {len(self)} pointers: write its elements")


@final
class MDL:
    """A memory descriptor: one virtually contiguous piece of a packet's data.

    ``MappedSystemVa`` holds the bytes (a ``bytearray``, so drivers can write in place);
    ``ByteCount`` is how many of them the MDL describes. Only ``NdisAllocateMdl`` and the
    pools create MDLs.

    Page: https://learn.microsoft.com/windows-hardware/drivers/kernel/using-mdls
    """

    __slots__ = ("ByteCount", "MappedSystemVa", "Next", "_label", "_nbl", "_pooled")

    Next: MDL | None
    ByteCount: int
    MappedSystemVa: bytearray
    _label: str
    _nbl: NET_BUFFER_LIST | None
    _pooled: bool

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError("MDLs are built by NDIS (NdisAllocateMdl)")

    @classmethod
    def _new(cls, data: bytearray, label: str, pooled: bool) -> MDL:
        self = object.__new__(cls)
        self.Next = None
        self.ByteCount = len(data)
        self.MappedSystemVa = data
        self._label = label
        self._nbl = None  # the NBL it is watched with while handed away (condis_edu._library.watch)
        self._pooled = pooled
        return self

    def __repr__(self) -> str:
        return f"<MDL {self._label} ByteCount={self.ByteCount}>"


@final
class NET_BUFFER:
    """One packet's worth of data, described by an MDL chain, offset and length.

    ``DataOffset`` is where the used data starts inside the MDL chain and ``DataLength``
    how long it is. ``ProtocolReserved`` and ``MiniportReserved`` belong to one driver each
    (R3.37): they are ``ReservedArea`` arrays whose element writes NDIS checks. ``Next`` links
    the NET_BUFFERs of one NBL and only the driver that built the NBL may edit it (R3.32):
    a write goes through ``CHAIN_WRITE_HOOKS``, a read is a plain attribute read.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/nbl/ns-nbl-net_buffer
    """

    __slots__ = (
        "CurrentMdl",
        "CurrentMdlOffset",
        "DataLength",
        "DataOffset",
        "MdlChain",
        "NdisPoolHandle",
        "_home",
        "_label",
        "_miniport_reserved",
        "_nbl",
        "_next",
        "_own_mdl",
        "_pool",
        "_protocol_reserved",
    )

    CurrentMdl: MDL | None
    CurrentMdlOffset: int
    DataLength: int
    MdlChain: MDL | None
    DataOffset: int
    NdisPoolHandle: object
    _home: NET_BUFFER_LIST | None
    _label: str
    _miniport_reserved: ReservedArea
    _nbl: NET_BUFFER_LIST | None
    _next: NET_BUFFER | None
    _pool: object
    _own_mdl: MDL | None
    _protocol_reserved: ReservedArea

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError("NET_BUFFER structures come from an NDIS pool (NdisAllocateNetBuffer)")

    @classmethod
    def _new(cls, label: str, pool: object, pool_handle: object) -> NET_BUFFER:
        self = object.__new__(cls)
        self._next = None
        self.CurrentMdl = None
        self.CurrentMdlOffset = 0
        self.DataLength = 0
        self.MdlChain = None
        self.DataOffset = 0
        self.NdisPoolHandle = pool_handle
        self._protocol_reserved = ReservedArea("ProtocolReserved", self, 4)
        self._miniport_reserved = ReservedArea("MiniportReserved", self, 4)
        self._home = None  # the NBL whose chain it is in, as its builder linked it (condis_edu._library.nb_chain)
        self._label = label
        self._nbl = None  # the NBL it is watched with while handed away (condis_edu._library.watch)
        self._pool = pool
        self._own_mdl = None
        return self

    @property
    def Next(self) -> NET_BUFFER | None:
        """The next NET_BUFFER of the same NBL (``None`` ends the NBL's chain)."""
        return self._next

    @Next.setter
    def Next(self, value: NET_BUFFER | None) -> None:
        for hook in CHAIN_WRITE_HOOKS:
            if not hook(self, "Next", value):
                return
        self._next = value

    @property
    def ProtocolReserved(self) -> ReservedArea:
        """Four pointers for the protocol driver that holds the NET_BUFFER's NBL (R3.37)."""
        return self._protocol_reserved

    @ProtocolReserved.setter
    def ProtocolReserved(self, value: object) -> None:
        _replace_area(self.ProtocolReserved)

    @property
    def MiniportReserved(self) -> ReservedArea:
        """Four pointers for the miniport driver that holds the NET_BUFFER's NBL (R3.37)."""
        return self._miniport_reserved

    @MiniportReserved.setter
    def MiniportReserved(self, value: object) -> None:
        _replace_area(self.MiniportReserved)

    def _reset(self, mdl_chain: MDL | None, data_offset: int, data_length: int) -> None:
        self._next = None
        self._home = None
        self.MdlChain = mdl_chain
        self.DataOffset = data_offset
        self.DataLength = data_length
        # CurrentMdl/CurrentMdlOffset name the MDL holding DataOffset (NDIS keeps them in step).
        mdl, offset = mdl_chain, data_offset
        while mdl is not None and offset >= mdl.ByteCount and mdl.Next is not None:
            offset -= mdl.ByteCount
            mdl = mdl.Next
        self.CurrentMdl = mdl
        self.CurrentMdlOffset = offset
        self._protocol_reserved._clear()
        self._miniport_reserved._clear()

    def data(self) -> bytes:
        """A copy of the ``DataLength`` bytes this NET_BUFFER describes (ours, for learners)."""
        out = bytearray()
        need = self.DataLength
        mdl, skip = self.MdlChain, self.DataOffset
        while mdl is not None and need > 0:
            if skip >= mdl.ByteCount:
                skip -= mdl.ByteCount
            else:
                piece = mdl.MappedSystemVa[skip : min(mdl.ByteCount, skip + need)]
                out += piece
                need -= len(piece)
                skip = 0
            mdl = mdl.Next
        return bytes(out)

    def __repr__(self) -> str:
        return f"<NET_BUFFER {self._label} DataLength={self.DataLength}>"


@final
class NET_BUFFER_LIST_CONTEXT:
    """A driver-private context area of an NBL (``NdisAllocateNetBufferListContext``).

    ``ContextData`` is a ``bytearray`` of ``Size`` bytes; ``Offset`` is where the current
    owner's area starts (areas are carved from the end, as ``ContextBackFill`` does in C).

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/ns-ndis-_net_buffer_list_context
    """

    __slots__ = ("ContextData", "Next", "Offset", "Size")

    ContextData: bytearray
    Next: NET_BUFFER_LIST_CONTEXT | None
    Offset: int
    Size: int

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError("NBL contexts come from NdisAllocateNetBufferListContext")

    @classmethod
    def _new(cls, size: int) -> NET_BUFFER_LIST_CONTEXT:
        self = object.__new__(cls)
        self.Next = None
        self.Size = size
        self.Offset = size
        self.ContextData = bytearray(size)
        return self

    def __repr__(self) -> str:
        return f"<NET_BUFFER_LIST_CONTEXT Size={self.Size} Offset={self.Offset}>"


@final
class NET_BUFFER_LIST:
    """A list of NET_BUFFERs that share one send or receive, with per-NBL status.

    The fields are Microsoft's. The ones the CoNDIS data path reads are:

    * ``Next``: the next NBL of the chain (``None`` ends it). The current owner may relink
      NBLs between chains (R3.32).
    * ``FirstNetBuffer``: the first NET_BUFFER.
    * ``SourceHandle``: the ``NdisVcHandle`` of the VC the NBL travels on; the sender and
      the indicating miniport must set it (R3.03, R3.21; Q12).
    * ``Status``: the final status of the operation, written by the miniport before it
      completes a send (R3.12).
    * ``Context``, ``ProtocolReserved``, ``MiniportReserved``, ``Scratch``: driver-private
      areas. ``Scratch`` belongs to whoever holds the NBL now (R3.36); the two reserved
      areas are ``ReservedArea`` arrays, one for the protocol and one for the miniport that
      holds the NBL (R3.37).

    ``FirstNetBuffer`` reads as a plain attribute; a write goes through ``CHAIN_WRITE_HOOKS``,
    because only the driver that built the NBL may change its NET_BUFFER chain (R3.32).

    Private to the engine: ``_holder`` (the ownership record), ``_pool``, ``_label``, and the
    slots behind the checked fields (``_first_nb``, ``_protocol_reserved``, ``_miniport_reserved``).

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/nbl/ns-nbl-net_buffer_list
    """

    __slots__ = (
        "ChildRefCount",
        "Context",
        "Flags",
        "NblFlags",
        "NdisPoolHandle",
        "NetBufferListInfo",
        "Next",
        "ParentNetBufferList",
        "Scratch",
        "SourceHandle",
        "Status",
        "_first_nb",
        "_holder",
        "_label",
        "_miniport_reserved",
        "_pool",
        "_protocol_reserved",
    )

    Next: NET_BUFFER_LIST | None
    Context: NET_BUFFER_LIST_CONTEXT | None
    ParentNetBufferList: NET_BUFFER_LIST | None
    NdisPoolHandle: object
    Scratch: object
    SourceHandle: object
    NblFlags: int
    ChildRefCount: int
    Flags: int
    Status: int
    NetBufferListInfo: dict[int, object]
    _first_nb: NET_BUFFER | None
    _holder: Holder
    _label: str
    _miniport_reserved: ReservedArea
    _pool: object
    _protocol_reserved: ReservedArea

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError("NET_BUFFER_LIST structures come from an NDIS pool (NdisAllocateNetBufferAndNetBufferList)")

    @classmethod
    def _new(cls, label: str, pool: object, pool_handle: object, holder: Holder) -> NET_BUFFER_LIST:
        self = object.__new__(cls)
        self.Next = None
        self._first_nb = None
        self.Context = None
        self.ParentNetBufferList = None
        self.NdisPoolHandle = pool_handle
        self._protocol_reserved = ReservedArea("ProtocolReserved", self, 4)
        self._miniport_reserved = ReservedArea("MiniportReserved", self, 2)
        self.Scratch = None
        self.SourceHandle = None
        self.NblFlags = 0
        self.ChildRefCount = 0
        self.Flags = 0
        self.Status = NDIS_STATUS_SUCCESS
        self.NetBufferListInfo = {}
        self._holder = holder
        self._label = label
        self._pool = pool
        return self

    def _reset(self) -> None:
        """Back to the state a fresh allocation has (no allocation happens here)."""
        self.Next = None
        self.Scratch = None
        self.SourceHandle = None
        self.NblFlags = 0
        self.Flags = 0
        self.Status = NDIS_STATUS_SUCCESS
        self._protocol_reserved._clear()
        self._miniport_reserved._clear()
        if self.NetBufferListInfo:
            self.NetBufferListInfo.clear()

    @property
    def FirstNetBuffer(self) -> NET_BUFFER | None:
        """The first NET_BUFFER of the NBL (``None``: no NET_BUFFER)."""
        return self._first_nb

    @FirstNetBuffer.setter
    def FirstNetBuffer(self, value: NET_BUFFER | None) -> None:
        for hook in CHAIN_WRITE_HOOKS:
            if not hook(self, "FirstNetBuffer", value):
                return
        self._first_nb = value

    @property
    def ProtocolReserved(self) -> ReservedArea:
        """Four pointers for the protocol driver that holds the NBL (R3.37)."""
        return self._protocol_reserved

    @ProtocolReserved.setter
    def ProtocolReserved(self, value: object) -> None:
        _replace_area(self.ProtocolReserved)

    @property
    def MiniportReserved(self) -> ReservedArea:
        """Two pointers for the miniport driver that holds the NBL (R3.37)."""
        return self._miniport_reserved

    @MiniportReserved.setter
    def MiniportReserved(self, value: object) -> None:
        _replace_area(self.MiniportReserved)

    @property
    def label(self) -> str:
        """The NBL's stable name in traces and findings, e.g. ``nbl#3``."""
        return self._label

    @property
    def holder(self) -> Holder:
        """Who holds this NBL now (read-only; NDIS changes it at each hand-off)."""
        return self._holder

    def __repr__(self) -> str:
        return f"<NET_BUFFER_LIST {self._label} Status={status_name(self.Status)} {self._holder.label}>"


# --------------------------------------------------------------------------------------------
# The accessor macros of ndis/nbl.h (functions here; C macros that are lvalues become plain
# attribute writes, e.g. ``nbl.Status = NDIS_STATUS_SUCCESS`` for NET_BUFFER_LIST_STATUS).
# --------------------------------------------------------------------------------------------


def NET_BUFFER_LIST_NEXT_NBL(NetBufferList: NET_BUFFER_LIST) -> NET_BUFFER_LIST | None:
    """The next NBL of the chain (``NetBufferList.Next``)."""
    return NetBufferList.Next


def NET_BUFFER_LIST_FIRST_NB(NetBufferList: NET_BUFFER_LIST) -> NET_BUFFER | None:
    """The first NET_BUFFER of the NBL (``NetBufferList.FirstNetBuffer``)."""
    return NetBufferList.FirstNetBuffer


def NET_BUFFER_NEXT_NB(NetBuffer: NET_BUFFER) -> NET_BUFFER | None:
    """The next NET_BUFFER of the same NBL."""
    return NetBuffer.Next


def NET_BUFFER_LIST_STATUS(NetBufferList: NET_BUFFER_LIST) -> int:
    """The NBL's completion status (write it with ``nbl.Status = ...``)."""
    return NetBufferList.Status


def NET_BUFFER_DATA_LENGTH(NetBuffer: NET_BUFFER) -> int:
    """How many bytes of data the NET_BUFFER describes."""
    return NetBuffer.DataLength


def NET_BUFFER_DATA_OFFSET(NetBuffer: NET_BUFFER) -> int:
    """Where the used data starts in the NET_BUFFER's MDL chain."""
    return NetBuffer.DataOffset


def NET_BUFFER_FIRST_MDL(NetBuffer: NET_BUFFER) -> MDL | None:
    """The first MDL of the NET_BUFFER's chain."""
    return NetBuffer.MdlChain


# --------------------------------------------------------------------------------------------
# Chain helpers (ours, PEP 8).
# --------------------------------------------------------------------------------------------


def chain(nbls: Iterable[NET_BUFFER_LIST]) -> NET_BUFFER_LIST | None:
    """Link *nbls* through ``Next`` in the given order and return the head (``None`` if empty).

    The last NBL's ``Next`` is set to ``None``, so a chain is always NULL-terminated.
    """
    head: NET_BUFFER_LIST | None = None
    tail: NET_BUFFER_LIST | None = None
    for nbl in nbls:
        if tail is None:
            head = nbl
        else:
            tail.Next = nbl
        tail = nbl
    if tail is not None:
        tail.Next = None
    return head


def iter_chain(head: NET_BUFFER_LIST | None, limit: int = 1 << 20) -> Iterator[NET_BUFFER_LIST]:
    """Yield the NBLs of a chain. Stops with ``ValueError`` after *limit* NBLs (a cycle)."""
    nbl = head
    count = 0
    while nbl is not None:
        count += 1
        if count > limit:
            raise ValueError(f"NBL chain longer than {limit}: is it linked into a cycle?")
        yield nbl
        nbl = nbl.Next


def chain_length(head: NET_BUFFER_LIST | None) -> int:
    """How many NBLs a chain holds."""
    return sum(1 for _ in iter_chain(head))
