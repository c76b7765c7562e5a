"""NBL and NET_BUFFER pools: the allocation DDIs, with reuse and leak accounting.

What lives here: ``NET_BUFFER_LIST_POOL_PARAMETERS`` / ``NET_BUFFER_POOL_PARAMETERS``, the
pool DDIs (``NdisAllocateNetBufferListPool``, ``NdisAllocateNetBufferAndNetBufferList``,
``NdisAllocateNetBufferList``, ``NdisFreeNetBufferList``, ``NdisFreeNetBufferListPool``,
the NET_BUFFER and MDL equivalents, the NBL context DDIs) and ``PoolRegistry``, the
per-machine object that mints pool handles, knows which driver owns which pool and reports
misuse to the verifier.

Reuse. A pool keeps freed NBLs on a free list, with their NET_BUFFER, their pool-owned data
MDL and their context area still attached, and hands them out again. A driver that frees and
re-allocates (or, better, re-sends the NBLs it got back) allocates no Python objects per NBL
once the pool is warm; the send-path benchmark checks this with ``tracemalloc``.

Ownership. A new NBL is held by the driver that owns the pool (the driver behind the
``NdisHandle`` given to ``NdisAllocateNetBufferListPool``). Freeing an NBL that is in flight,
already free, or from a pool that is gone is a verifier finding, and the NBL stays where it
was. Freeing a pool while some of its NBLs are still allocated is the leak NDIS bug-checks
for (R1.46); the pool is then kept alive so those NBLs stay valid.

>>> registry = PoolRegistry.standalone()
>>> params = NET_BUFFER_LIST_POOL_PARAMETERS()
>>> params.Header.Type, params.Header.Revision = NDIS_OBJECT_TYPE_DEFAULT, NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1
>>> params.Header.Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1
>>> params.fAllocateNetBuffer, params.DataSize = True, 64
>>> pool = NdisAllocateNetBufferListPool(registry.driver_handle("client"), params)
>>> pool
<NDIS_HANDLE nbl_pool#1>
>>> nbl = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 60)
>>> nbl, nbl.FirstNetBuffer.DataLength
(<NET_BUFFER_LIST nbl#1 Status=NDIS_STATUS_SUCCESS owned by client>, 60)
>>> NdisFreeNetBufferList(nbl)
>>> NdisFreeNetBufferListPool(pool)

Pages:
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisallocatenetbufferlistpool,
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisallocatenetbufferandnetbufferlist,
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisfreenetbufferlist
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Final

from condis_edu.errors import StaleHandleError, WrongHandleError
from condis_edu.mirror.constants import NDIS_OBJECT_TYPE_DEFAULT
from condis_edu.mirror.handles import NDIS_HANDLE, HandleTable
from condis_edu.mirror.nbl import (
    MDL,
    NET_BUFFER,
    NET_BUFFER_LIST,
    NET_BUFFER_LIST_CONTEXT,
    Holder,
    HolderKind,
)
from condis_edu.mirror.status import NDIS_STATUS_FAILURE, NDIS_STATUS_RESOURCES, NDIS_STATUS_SUCCESS
from condis_edu.mirror.structures import NDIS_OBJECT_HEADER

__all__ = [
    "NDIS_PROTOCOL_ID_DEFAULT",
    "NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1",
    "NDIS_SIZEOF_NET_BUFFER_POOL_PARAMETERS_REVISION_1",
    "NET_BUFFER_LIST_CONTEXT_DATA_SIZE",
    "NET_BUFFER_LIST_CONTEXT_DATA_START",
    "NET_BUFFER_LIST_POOL_PARAMETERS",
    "NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1",
    "NET_BUFFER_POOL_PARAMETERS",
    "NET_BUFFER_POOL_PARAMETERS_REVISION_1",
    "NdisAllocateMdl",
    "NdisAllocateNetBuffer",
    "NdisAllocateNetBufferAndNetBufferList",
    "NdisAllocateNetBufferList",
    "NdisAllocateNetBufferListContext",
    "NdisAllocateNetBufferListPool",
    "NdisAllocateNetBufferPool",
    "NdisFreeMdl",
    "NdisFreeNetBuffer",
    "NdisFreeNetBufferList",
    "NdisFreeNetBufferListContext",
    "NdisFreeNetBufferListPool",
    "NdisFreeNetBufferPool",
    "NdisGetDataBuffer",
    "NdisGetPoolFromNetBufferList",
    "PoolRegistry",
    "PoolStatistics",
]

NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1: Final = 1
NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1: Final = 16
"""Header (4) + ProtocolId (1) + fAllocateNetBuffer (1) + ContextSize (2) + PoolTag (4) + DataSize (4)."""
NET_BUFFER_POOL_PARAMETERS_REVISION_1: Final = 1
NDIS_SIZEOF_NET_BUFFER_POOL_PARAMETERS_REVISION_1: Final = 12
"""Header (4) + PoolTag (4) + DataSize (4)."""
NDIS_PROTOCOL_ID_DEFAULT: Final = 0x00
MAX_POOL_ITEMS: Final = 1 << 20
"""A pool refuses to grow past this many NBLs (an allocation loop in a driver, not a workload)."""

Reporter = Callable[[str, str, object], None]
"""``report(rule_id, message, subject)``: how the registry tells the verifier about misuse."""


def _header() -> NDIS_OBJECT_HEADER:
    return NDIS_OBJECT_HEADER()


@dataclass(slots=True)
class NET_BUFFER_LIST_POOL_PARAMETERS:
    """What ``NdisAllocateNetBufferListPool`` takes.

    ``fAllocateNetBuffer``: every NBL comes with one NET_BUFFER (use
    ``NdisAllocateNetBufferAndNetBufferList``). ``DataSize``: when non-zero, each of those
    NET_BUFFERs also owns a data buffer of that many bytes, used when the caller passes
    no MDL chain. ``ContextSize`` is the context area every NBL starts with.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/ns-ndis-_net_buffer_list_pool_parameters
    """

    Header: NDIS_OBJECT_HEADER = field(default_factory=_header)
    ProtocolId: int = NDIS_PROTOCOL_ID_DEFAULT
    fAllocateNetBuffer: bool = False
    ContextSize: int = 0
    PoolTag: int = 0
    DataSize: int = 0


@dataclass(slots=True)
class NET_BUFFER_POOL_PARAMETERS:
    """What ``NdisAllocateNetBufferPool`` takes.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/ns-ndis-_net_buffer_pool_parameters
    """

    Header: NDIS_OBJECT_HEADER = field(default_factory=_header)
    PoolTag: int = 0
    DataSize: int = 0


@dataclass(frozen=True, slots=True)
class PoolStatistics:
    """A snapshot of one pool (``PoolRegistry.statistics``)."""

    label: str
    owner: str
    created: int
    """NBLs (or NET_BUFFERs) ever built for this pool; stops growing once the pool is warm."""
    outstanding: int
    """Allocated and not yet freed."""
    free: int
    """Waiting on the free list."""


class _Pool:
    """The state behind one pool handle (NBL pools and NET_BUFFER pools alike)."""

    __slots__ = (
        "context_size",
        "created",
        "data_size",
        "every",
        "free_holder",
        "free_list",
        "handle",
        "kind",
        "label",
        "outstanding",
        "owner",
        "registry",
        "with_net_buffer",
        "zombie",
    )

    def __init__(
        self,
        registry: PoolRegistry,
        kind: str,
        owner: Holder,
        with_net_buffer: bool,
        context_size: int,
        data_size: int,
    ) -> None:
        self.registry = registry
        self.kind = kind
        self.owner = owner
        self.with_net_buffer = with_net_buffer
        self.context_size = context_size
        self.data_size = data_size
        self.free_list: list[NET_BUFFER_LIST] | list[NET_BUFFER] = []
        self.every: list[NET_BUFFER_LIST] = []
        """Every NBL built for this pool (free or not), for the rare walks that need them all."""
        self.outstanding = 0
        self.created = 0
        self.zombie = False
        self.handle: NDIS_HANDLE = registry.handles.mint(kind, self)
        self.label = self.handle.label
        self.free_holder = Holder(HolderKind.FREE, None, self, f"free in {self.label}")


class PoolRegistry:
    """Every pool of one machine, and the hooks that tie pools to drivers and the verifier.

    ``owner_of(NdisHandle)`` returns the ``Holder`` for "owned at rest by the driver behind
    this handle"; ``report(rule_id, message, subject)`` records a verifier finding (it may
    raise, in which case the registry has already left every object in a valid state).
    """

    def __init__(self, handles: HandleTable, owner_of: Callable[[object], Holder], report: Reporter) -> None:
        self.handles = handles
        self.owner_of = owner_of
        self.report = report
        self.pools: list[_Pool] = []
        self.nbl_serial = 0
        self.nb_serial = 0
        self.mdl_serial = 0

    @classmethod
    def standalone(cls) -> PoolRegistry:
        """A registry with no machine around it (doctests, unit tests, the benchmark floor).

        Findings raise ``AssertionError``; owners are made up from the names given to
        ``driver_handle``.
        """
        holders: dict[str, Holder] = {}

        def owner_of(handle: object) -> Holder:
            target = HandleTable.target(handle) if isinstance(handle, NDIS_HANDLE) else handle
            name = str(target)
            if name not in holders:
                holders[name] = Holder(HolderKind.OWNED, name, None, f"owned by {name}")
            return holders[name]

        def report(rule_id: str, message: str, subject: object) -> None:
            raise AssertionError(f"{rule_id}: {message}")

        registry = cls(HandleTable(owner=None), owner_of, report)
        registry.handles.owner = _StandaloneHost(registry)
        return registry

    def driver_handle(self, name: str) -> NDIS_HANDLE:
        """A stand-in driver handle for a standalone registry."""
        return self.handles.mint("driver", name)

    def statistics(self) -> list[PoolStatistics]:
        """One record per pool that is still allocated, in creation order."""
        return [
            PoolStatistics(p.label, str(p.owner.driver), p.created, p.outstanding, len(p.free_list)) for p in self.pools
        ]

    def every_nbl(self) -> Iterator[NET_BUFFER_LIST]:
        """Every NBL built by the pools still allocated, free or not."""
        for pool in self.pools:
            yield from pool.every

    def outstanding(self) -> int:
        """NBLs allocated from any pool of this registry and not freed."""
        return sum(p.outstanding for p in self.pools if p.kind == "nbl_pool")


class _StandaloneHost:
    """What a standalone registry's handles point back to (stands in for a Machine)."""

    __slots__ = ("nbl_pools",)

    def __init__(self, registry: PoolRegistry) -> None:
        self.nbl_pools = registry


# --------------------------------------------------------------------------------------------
# Handle resolution
# --------------------------------------------------------------------------------------------


LOOK_HOOKS: list[Callable[[NET_BUFFER, str], bool]] = []
"""Asked when a DDI reads a NET_BUFFER that is under watch (it is handed away, R3.06): False
refuses the call. ``condis_edu._library.watch`` installs it, so this module stays below it."""

REGISTRY_FACTORY: list[Callable[[object], PoolRegistry | None]] = []
"""How a machine without a registry yet gets one (``condis_edu._library.ddi.datapath`` installs the hook,
so this module does not import the library layer above it)."""


def _registry_of(handle: object, ddi: str) -> PoolRegistry:
    if not isinstance(handle, NDIS_HANDLE):
        raise WrongHandleError(f"{ddi}: NdisHandle must be an NDIS_HANDLE, got {type(handle).__name__}")
    owner = getattr(handle, "_owner", None)
    registry = getattr(owner, "nbl_pools", None)
    if registry is None:
        for factory in REGISTRY_FACTORY:
            registry = factory(owner)
            if registry is not None:
                break
    if not isinstance(registry, PoolRegistry):
        raise WrongHandleError(f"{ddi}: {handle!r} does not belong to a machine with NBL pools")
    return registry


def _pool_of(PoolHandle: object, kind: str, ddi: str) -> _Pool:
    if not isinstance(PoolHandle, NDIS_HANDLE) or PoolHandle.kind != kind:
        raise WrongHandleError(f"{ddi}: PoolHandle must be an {kind} handle, got {PoolHandle!r}")
    pool = HandleTable.target(PoolHandle)
    assert isinstance(pool, _Pool)
    if not PoolHandle.alive:
        raise StaleHandleError(f"{ddi}: {PoolHandle!r} was freed ({getattr(PoolHandle, '_death', '')})")
    return pool


def _check_header(header: NDIS_OBJECT_HEADER, revision: int, size: int) -> bool:
    return header.Type == NDIS_OBJECT_TYPE_DEFAULT and header.Revision == revision and header.Size >= size


# --------------------------------------------------------------------------------------------
# NBL pools
# --------------------------------------------------------------------------------------------


def NdisAllocateNetBufferListPool(
    NdisHandle: NDIS_HANDLE, Parameters: NET_BUFFER_LIST_POOL_PARAMETERS
) -> NDIS_HANDLE | None:
    """Create a pool of NBLs owned by the driver behind *NdisHandle*; ``None`` on failure.

    NDIS contract: ``Parameters.Header`` must be Type NDIS_OBJECT_TYPE_DEFAULT, Revision 1,
    Size 16; a bad header makes the call fail (``None``). The pool lives until
    ``NdisFreeNetBufferListPool``.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisallocatenetbufferlistpool
    """
    registry = _registry_of(NdisHandle, "NdisAllocateNetBufferListPool")
    if not isinstance(Parameters, NET_BUFFER_LIST_POOL_PARAMETERS):
        return None
    if not _check_header(
        Parameters.Header,
        NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
        NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
    ):
        return None
    if Parameters.ContextSize < 0 or Parameters.DataSize < 0 or Parameters.ContextSize % 8:
        return None  # ContextSize must be a multiple of MEMORY_ALLOCATION_ALIGNMENT (8 on x64)
    if Parameters.DataSize and not Parameters.fAllocateNetBuffer:
        return None
    owner = registry.owner_of(NdisHandle)
    pool = _Pool(
        registry,
        "nbl_pool",
        owner,
        bool(Parameters.fAllocateNetBuffer),
        Parameters.ContextSize,
        Parameters.DataSize,
    )
    registry.pools.append(pool)
    return pool.handle


def NdisFreeNetBufferListPool(PoolHandle: NDIS_HANDLE) -> None:
    """Free an NBL pool. Every NBL allocated from it must have been freed first (R1.46).

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisfreenetbufferlistpool
    """
    pool = _pool_of(PoolHandle, "nbl_pool", "NdisFreeNetBufferListPool")
    _free_pool(pool, "NdisFreeNetBufferListPool", "NBL")


def _free_pool(pool: _Pool, ddi: str, what: str) -> None:
    if pool.outstanding:
        pool.zombie = True
        pool.registry.report(
            "R1.46",
            f"{ddi}({pool.label}) with {pool.outstanding} {what}(s) still allocated: they leak "
            "(NDIS bug-checks 0x7C, NDIS_BUGCHECK_LEAKED_NBL)",
            pool.handle,
        )
        return
    pool.free_list.clear()
    pool.registry.pools.remove(pool)
    HandleTable.kill(pool.handle, f"{ddi} freed it")


def _take_nbl(pool: _Pool, ddi: str) -> NET_BUFFER_LIST | None:
    free = pool.free_list
    if free:
        nbl = free.pop()
        assert isinstance(nbl, NET_BUFFER_LIST)
        nbl._reset()
    else:
        if pool.created >= MAX_POOL_ITEMS:
            return None
        registry = pool.registry
        registry.nbl_serial += 1
        nbl = NET_BUFFER_LIST._new(f"nbl#{registry.nbl_serial}", pool, pool.handle, pool.owner)
        pool.created += 1
        pool.every.append(nbl)
        if pool.context_size:
            nbl.Context = NET_BUFFER_LIST_CONTEXT._new(pool.context_size)
    nbl._holder = pool.owner
    pool.outstanding += 1
    return nbl


def NdisAllocateNetBufferAndNetBufferList(
    PoolHandle: NDIS_HANDLE,
    ContextSize: int,
    ContextBackFill: int,
    MdlChain: MDL | None,
    DataOffset: int,
    DataLength: int,
) -> NET_BUFFER_LIST | None:
    """Allocate an NBL with one NET_BUFFER from a pool created with ``fAllocateNetBuffer``.

    ``MdlChain=None`` uses the pool's own data buffer (``DataSize`` bytes). Returns ``None``
    when the pool cannot satisfy the request (wrong pool kind, data too long).

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisallocatenetbufferandnetbufferlist
    """
    pool = _pool_of(PoolHandle, "nbl_pool", "NdisAllocateNetBufferAndNetBufferList")
    if not pool.with_net_buffer or DataOffset < 0 or DataLength < 0:
        return None
    if MdlChain is None and DataOffset + DataLength > pool.data_size:
        return None
    nbl = _take_nbl(pool, "NdisAllocateNetBufferAndNetBufferList")
    if nbl is None:
        return None
    nb = nbl._first_nb
    if nb is None:
        registry = pool.registry
        registry.nb_serial += 1
        nb = NET_BUFFER._new(f"nb#{registry.nb_serial}", pool, pool.handle)
        nbl._first_nb = nb
        if pool.data_size:
            registry.mdl_serial += 1
            nb._own_mdl = MDL._new(bytearray(pool.data_size), f"mdl#{registry.mdl_serial}", True)
    mdl = MdlChain
    if mdl is None:
        mdl = nb._own_mdl
        if mdl is not None:
            mdl.Next = None
            mdl.ByteCount = pool.data_size
    nb._reset(mdl, DataOffset, DataLength)
    nb._home = nbl  # the NBL the NET_BUFFER was built into (R3.32, R3.37)
    if ContextSize:
        _context_push(nbl, ContextSize)
    return nbl


def NdisAllocateNetBufferList(
    PoolHandle: NDIS_HANDLE, ContextSize: int, ContextBackFill: int
) -> NET_BUFFER_LIST | None:
    """Allocate an NBL with no NET_BUFFER (attach NBs from ``NdisAllocateNetBuffer``).

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisallocatenetbufferlist
    """
    pool = _pool_of(PoolHandle, "nbl_pool", "NdisAllocateNetBufferList")
    if pool.with_net_buffer:
        return None
    nbl = _take_nbl(pool, "NdisAllocateNetBufferList")
    if nbl is None:
        return None
    nbl._first_nb = None
    if ContextSize:
        _context_push(nbl, ContextSize)
    return nbl


def NdisFreeNetBufferList(NetBufferList: NET_BUFFER_LIST) -> None:
    """Give an NBL back to its pool. Only its owner may, and only while it is at rest.

    An NBL that is in flight (sent and not completed, indicated and not returned) or already
    free is a verifier finding, and nothing changes.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisfreenetbufferlist
    """
    if not isinstance(NetBufferList, NET_BUFFER_LIST):
        raise WrongHandleError(f"NdisFreeNetBufferList: not a NET_BUFFER_LIST: {NetBufferList!r}")
    pool = NetBufferList._pool
    assert isinstance(pool, _Pool)
    holder = NetBufferList._holder
    if holder.kind is not HolderKind.OWNED or holder.driver is not pool.owner.driver:
        if holder.kind is HolderKind.FREE:
            pool.registry.report(
                "R3.05", f"NdisFreeNetBufferList({NetBufferList.label}): the NBL is already free", NetBufferList
            )
        else:
            pool.registry.report(
                "R3.06",
                f"NdisFreeNetBufferList({NetBufferList.label}): the NBL is {holder.label}; "
                f"only {pool.owner.label} may free it, once it is back",
                NetBufferList,
            )
        return
    NetBufferList._holder = pool.free_holder
    NetBufferList.Next = None
    pool.outstanding -= 1
    pool.free_list.append(NetBufferList)  # type: ignore[arg-type]
    if pool.zombie and not pool.outstanding:
        _free_pool(pool, "NdisFreeNetBufferListPool", "NBL")


# --------------------------------------------------------------------------------------------
# NBL contexts
# --------------------------------------------------------------------------------------------


def _context_push(nbl: NET_BUFFER_LIST, size: int) -> bool:
    ctx = nbl.Context
    if ctx is None or ctx.Offset < size:
        bigger = NET_BUFFER_LIST_CONTEXT._new(max(size, 8) + (ctx.Size if ctx else 0))
        if ctx is not None:
            used = ctx.Size - ctx.Offset
            bigger.Offset = bigger.Size - used
            bigger.ContextData[bigger.Offset :] = ctx.ContextData[ctx.Offset :]
        nbl.Context = ctx = bigger
    ctx.Offset -= size
    return True


def NdisAllocateNetBufferListContext(
    NetBufferList: NET_BUFFER_LIST, ContextSize: int, ContextBackFill: int, PoolTag: int
) -> int:
    """Carve *ContextSize* more bytes of context for the NBL's current owner.

    Returns NDIS_STATUS_SUCCESS, or NDIS_STATUS_FAILURE when the size is not a multiple of 8.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisallocatenetbufferlistcontext
    """
    if ContextSize <= 0 or ContextSize % 8:
        return NDIS_STATUS_FAILURE
    return NDIS_STATUS_SUCCESS if _context_push(NetBufferList, ContextSize) else NDIS_STATUS_RESOURCES


def NdisFreeNetBufferListContext(NetBufferList: NET_BUFFER_LIST, ContextSize: int) -> None:
    """Give back the last *ContextSize* bytes carved with ``NdisAllocateNetBufferListContext``.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisfreenetbufferlistcontext
    """
    ctx = NetBufferList.Context
    if ctx is not None and ctx.Offset + ContextSize <= ctx.Size:
        ctx.Offset += ContextSize


def NET_BUFFER_LIST_CONTEXT_DATA_START(NetBufferList: NET_BUFFER_LIST) -> memoryview:
    """The current owner's context area (a writable view from ``Offset`` to the end)."""
    ctx = NetBufferList.Context
    if ctx is None:
        return memoryview(bytearray())
    return memoryview(ctx.ContextData)[ctx.Offset :]


def NET_BUFFER_LIST_CONTEXT_DATA_SIZE(NetBufferList: NET_BUFFER_LIST) -> int:
    """How many context bytes the current owner has."""
    ctx = NetBufferList.Context
    return 0 if ctx is None else ctx.Size - ctx.Offset


# --------------------------------------------------------------------------------------------
# NET_BUFFER pools and MDLs
# --------------------------------------------------------------------------------------------


def NdisAllocateNetBufferPool(NdisHandle: NDIS_HANDLE, Parameters: NET_BUFFER_POOL_PARAMETERS) -> NDIS_HANDLE | None:
    """Create a pool of NET_BUFFERs; ``None`` on a bad header.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisallocatenetbufferpool
    """
    registry = _registry_of(NdisHandle, "NdisAllocateNetBufferPool")
    if not isinstance(Parameters, NET_BUFFER_POOL_PARAMETERS) or not _check_header(
        Parameters.Header, NET_BUFFER_POOL_PARAMETERS_REVISION_1, NDIS_SIZEOF_NET_BUFFER_POOL_PARAMETERS_REVISION_1
    ):
        return None
    pool = _Pool(registry, "nb_pool", registry.owner_of(NdisHandle), True, 0, max(0, Parameters.DataSize))
    registry.pools.append(pool)
    return pool.handle


def NdisFreeNetBufferPool(PoolHandle: NDIS_HANDLE) -> None:
    """Free a NET_BUFFER pool (every NET_BUFFER must be freed first).

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisfreenetbufferpool
    """
    _free_pool(_pool_of(PoolHandle, "nb_pool", "NdisFreeNetBufferPool"), "NdisFreeNetBufferPool", "NET_BUFFER")


def NdisAllocateNetBuffer(
    PoolHandle: NDIS_HANDLE, MdlChain: MDL | None, DataOffset: int, DataLength: int
) -> NET_BUFFER | None:
    """Allocate a NET_BUFFER describing *DataLength* bytes at *DataOffset* of *MdlChain*.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisallocatenetbuffer
    """
    pool = _pool_of(PoolHandle, "nb_pool", "NdisAllocateNetBuffer")
    if DataOffset < 0 or DataLength < 0:
        return None
    free = pool.free_list
    if free:
        nb = free.pop()
        assert isinstance(nb, NET_BUFFER)
    else:
        registry = pool.registry
        registry.nb_serial += 1
        nb = NET_BUFFER._new(f"nb#{registry.nb_serial}", pool, pool.handle)
        pool.created += 1
    pool.outstanding += 1
    nb._reset(MdlChain, DataOffset, DataLength)
    return nb


def NdisFreeNetBuffer(NetBuffer: NET_BUFFER) -> None:
    """Give a NET_BUFFER back to its pool.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisfreenetbuffer
    """
    pool = NetBuffer._pool
    assert isinstance(pool, _Pool)
    if pool.kind != "nb_pool" or NetBuffer in pool.free_list:
        pool.registry.report("R3.05", f"NdisFreeNetBuffer({NetBuffer._label}): not an allocated NET_BUFFER", NetBuffer)
        return
    pool.outstanding -= 1
    pool.free_list.append(NetBuffer)  # type: ignore[arg-type]
    if pool.zombie and not pool.outstanding:
        _free_pool(pool, "NdisFreeNetBufferPool", "NET_BUFFER")


def NdisAllocateMdl(NdisHandle: NDIS_HANDLE, VirtualAddress: bytes | bytearray, Length: int) -> MDL | None:
    """Describe the first *Length* bytes of *VirtualAddress* with an MDL.

    A ``bytearray`` is described in place (writes through the MDL reach it); ``bytes`` are
    copied into a new ``bytearray``.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisallocatemdl
    """
    registry = _registry_of(NdisHandle, "NdisAllocateMdl")
    if Length < 0 or Length > len(VirtualAddress):
        return None
    data = VirtualAddress if isinstance(VirtualAddress, bytearray) else bytearray(VirtualAddress)
    registry.mdl_serial += 1
    mdl = MDL._new(data, f"mdl#{registry.mdl_serial}", False)
    mdl.ByteCount = Length
    return mdl


def NdisFreeMdl(Mdl: MDL) -> None:
    """Free an MDL from ``NdisAllocateMdl`` (nothing to do in Python; kept for fidelity).

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisfreemdl
    """
    Mdl.Next = None


# --------------------------------------------------------------------------------------------
# Reading an NBL (no pool needed)
# --------------------------------------------------------------------------------------------


def NdisGetPoolFromNetBufferList(NetBufferList: NET_BUFFER_LIST) -> object:
    """The pool handle the NBL was allocated from.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisgetpoolfromnetbufferlist
    """
    return NetBufferList.NdisPoolHandle


def NdisGetDataBuffer(
    NetBuffer: NET_BUFFER,
    BytesNeeded: int,
    Storage: bytearray | None = None,
    AlignMultiple: int = 1,
    AlignOffset: int = 0,
) -> bytes | None:
    """The first ``BytesNeeded`` bytes of the NET_BUFFER's data, or ``None`` if it is shorter.

    In C the result may point straight into the MDL or into ``Storage``; here it is always a
    copy (``bytes``), and ``Storage``, when given, receives the same bytes. Alignment
    arguments are accepted for fidelity and ignored.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisgetdatabuffer
    """
    if type(NetBuffer) is not NET_BUFFER:
        for hook in LOOK_HOOKS:
            if not hook(NetBuffer, "NdisGetDataBuffer"):
                return None
    if BytesNeeded < 0 or BytesNeeded > NetBuffer.DataLength:
        return None
    data = NetBuffer.data()[:BytesNeeded]
    if Storage is not None:
        Storage[:BytesNeeded] = data
    return data
