"""The NDIS boundary: every DDI's arguments are checked here, once, before anything changes.

``guard(ddi, fn)`` wraps a DDI implementation with the checks its signature asks for. The
checks are derived once, when the wrapper is built, from each parameter's name and
annotation, so adding a DDI adds its checks:

* a handle (``NDIS_HANDLE``): an ``NDIS_HANDLE`` of the kind the parameter takes, minted by
  the machine of the driver that calls (not by another ``Machine``), and still alive;
* a status (``Status``, ``CloseStatus``): an NDIS_STATUS, an ``int`` in 0..0xFFFFFFFF;
* any other number: a ULONG, an ``int`` in 0..0xFFFFFFFF (flags, sizes, offsets, counts);
* a structure: an instance of that structure whose ``NDIS_OBJECT_HEADER`` has integer
  fields, whose scalar fields have their types, and, for the structures NDIS reads by their
  header without the DDI checking it itself (OID requests, status indications, open
  parameters, PnP notifications), a header NDIS accepts;
* an NBL (or a chain of them): NET_BUFFER_LISTs of this machine's pools, not freed, held by
  the caller, and for a chain, one that ends (no cycle, every link an NBL).

What a refusal looks like follows Windows (docs/reference/harness.md, "Outcomes"):

* a parameter that is not what the Python signature says (a ``str`` for a status, a VC
  handle where a binding handle goes, a handle of another Machine, a stale handle) has no
  meaning in C at all; the harness raises a named ``UsageError`` and nothing changes;
* an object NDIS would bug-check on (a malformed header: bug check 0x7C with parameter 1
  ``NDIS_BUGCHECK_INVALID_OBJECT_HEADER``; a freed, foreign-owned or looping NBL chain:
  Driver Verifier's 0xC4) is a verifier violation: strict mode halts, collect mode records
  the finding and the call does not go ahead (it returns the DDI's failure value).

The four CoNDIS data-path DDIs are not wrapped: their fast path checks the common case in
the same walk that moves the NBLs, and their checked route calls ``check_handle``,
``check_ulong`` and ``check_chain`` from here.

Pages: https://learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x7c--bugcode-ndis-driver,
https://learn.microsoft.com/windows-hardware/drivers/ddi/objectheader/ns-objectheader-ndis_object_header
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any, Final

from condis_edu._library import core as _library
from condis_edu._library.headers import HEADER_SPECS, header_problem
from condis_edu.errors import ForeignHandleError, StaleHandleError, StructureTypeError, WrongHandleError
from condis_edu.mirror.handles import NDIS_HANDLE, death_of, owner_of
from condis_edu.mirror.nbl import MDL, NET_BUFFER, NET_BUFFER_LIST, HolderKind
from condis_edu.mirror.status import NDIS_STATUS_INVALID_PARAMETER, NDIS_STATUS_PENDING
from condis_edu.mirror.structures import NDIS_OBJECT_HEADER

__all__ = [
    "HANDLE_PARAMS",
    "check_chain",
    "check_handle",
    "check_status",
    "check_ulong",
    "guard",
    "guard_all",
]

ULONG_MAX: Final = 0xFFFFFFFF
ULONG64_MAX: Final = 0xFFFFFFFFFFFFFFFF

HANDLE_PARAMS: Final[dict[str, tuple[str, ...]]] = {
    "NdisVcHandle": ("vc",),
    "NdisMiniportVcHandle": ("vc",),
    "NdisAfHandle": ("af",),
    "NdisSapHandle": ("sap",),
    "NdisBindingHandle": ("binding",),
    "NdisPartyHandle": ("party",),
    "MiniportAdapterHandle": ("adapter",),
    "NdisMiniportHandle": ("adapter",),
    "NdisProtocolHandle": ("protocol-driver",),
    "ProtocolHandle": ("protocol-driver",),
    "NdisMiniportDriverHandle": ("miniport-driver",),
    "DriverHandle": (),  # any kind: the IM DDIs name a wrong one themselves (R5.06)
    "BindContext": ("bindctx",),
    "UnbindContext": ("unbindctx",),
    "NdisIoWorkItemHandle": ("workitem",),
    "NdisObjectHandle": ("adapter", "binding", "miniport-driver", "protocol-driver"),
    "NdisHandle": ("adapter", "binding", "miniport-driver", "protocol-driver", "driver"),
}
"""Handle parameters by Microsoft's parameter name: the handle kinds NDIS accepts there
(empty: any kind, the DDI itself reports a wrong one as a verifier finding)."""

NB_POOL_DDIS: Final = frozenset({"NdisAllocateNetBuffer", "NdisFreeNetBufferPool"})
"""DDIs whose ``PoolHandle`` is a NET_BUFFER pool (every other ``PoolHandle`` is an NBL pool)."""

STATUS_PARAMS: Final = frozenset({"Status", "CloseStatus"})

HEADER_CHECKED_BY_DDI: Final = frozenset(
    {
        "NdisMRegisterMiniportDriver",
        "NdisRegisterProtocolDriver",
        "NdisSetOptionalHandlers",
        "NdisMSetMiniportAttributes",
        "NdisAllocateNetBufferListPool",
        "NdisAllocateNetBufferPool",
        "NdisMCoIndicateStatusEx",
    }
)
"""DDIs that check their structure's header values themselves (a documented status or rule)."""

FINAL_STATUS_CHECKED_BY_DDI: Final = frozenset(
    {"NdisMCoOidRequestComplete", "NdisCoOidRequestComplete", "NdisMOidRequestComplete"}
)
"""DDIs that refuse a PENDING completion status under their own rule (R4.10, R6.10)."""

CHAIN_DDIS: Final = frozenset(
    {"NdisSendNetBufferLists", "NdisMSendNetBufferListsComplete", "NdisMIndicateReceiveNetBufferLists"}
)
"""Wrapped DDIs that take a whole NBL chain (the CoNDIS four check theirs on their own route)."""

UNGUARDED: Final = frozenset(
    {
        "NdisCoSendNetBufferLists",
        "NdisMCoSendNetBufferListsComplete",
        "NdisMCoIndicateReceiveNetBufferLists",
        "NdisReturnNetBufferLists",
    }
)
"""The hot data path: these validate in their own walk (``condis_edu._library.ddi.datapath``)."""

Check = Callable[[object, Any], Any]
"""``check(value, active_library)``: raise a UsageError, report a finding, or return None.

A check that reports a finding in collect mode returns ``REFUSED``."""


class _Refused:
    """Marker: a check reported a finding (collect mode) and the call must not go ahead."""

    __slots__ = ()


REFUSED: Final = _Refused()


def _describe(value: object) -> str:
    if value is None:
        return "None"
    if isinstance(value, (int, str, bool, float, bytes)):
        return f"{type(value).__name__} {value!r}"
    return type(value).__name__


# ------------------------------------------------------------------------------------ scalars
def check_ulong(value: object, param: str, ddi: str, top: int = ULONG_MAX) -> None:
    """Raise ``StructureTypeError`` unless *value* is an ``int`` in 0..*top* (not a bool)."""
    if value.__class__ is not int or not 0 <= value <= top:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= top:
            return  # an int subclass such as an IntEnum
        raise StructureTypeError(f"{ddi}: {param} must be an int in 0..0x{top:X}, got {_describe(value)}")


def check_status(value: object, param: str, ddi: str) -> None:
    """Raise ``StructureTypeError`` unless *value* is an NDIS_STATUS (an int in 0..0xFFFFFFFF)."""
    if value.__class__ is not int or not 0 <= value <= ULONG_MAX:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= ULONG_MAX:
            return
        raise StructureTypeError(
            f"{ddi}: {param} must be an NDIS_STATUS (an int in 0..0xFFFFFFFF), got {_describe(value)}"
        )


# ------------------------------------------------------------------------------------ handles
def check_handle(value: object, kinds: tuple[str, ...], param: str, ddi: str, active: object) -> None:
    """Raise the matching ``UsageError`` unless *value* is a live handle of *kinds* of this machine.

    *active* is the library of the driver that calls (None at harness level, where the
    handle's own machine is taken).
    """
    if not isinstance(value, NDIS_HANDLE):
        raise WrongHandleError(f"{ddi}: {param} must be an NDIS_HANDLE ({'/'.join(kinds)}), got {_describe(value)}")
    if active is not None and owner_of(value) is not active:
        raise ForeignHandleError(f"{ddi}: {param} {value.label} was minted by another Machine")
    if kinds and value.kind not in kinds:
        raise WrongHandleError(f"{ddi}: {param} must be a {'/'.join(kinds)} handle, got {value.label}")
    reason = death_of(value)
    if reason is not None:
        raise StaleHandleError(f"{ddi}: {param} {value.label} is stale ({reason})")


def _handle_check(ddi: str, param: str, optional: bool) -> Check:
    pool_kind = ("nb_pool",) if ddi in NB_POOL_DDIS else ("nbl_pool",)
    kinds = pool_kind if param == "PoolHandle" else HANDLE_PARAMS[param]

    def check(value: object, active: Any) -> None:
        if value is None and optional:
            return
        check_handle(value, kinds, param, ddi, active)

    return check


# ------------------------------------------------------------------------------------ NBLs
def _machine_of(item: object) -> object:
    """The library whose pool *item* (an NBL or a NET_BUFFER) came from."""
    handle = getattr(getattr(item, "_pool", None), "handle", None)
    return owner_of(handle) if isinstance(handle, NDIS_HANDLE) else None


def _caller(active: Any) -> object:
    if active is None or not active.stack:
        return None
    return active.stack[-1]


def _report(active: Any, rule: str, ddi: str, detail: str) -> _Refused:
    """Report a violation for the calling driver; strict mode raises, collect mode refuses."""
    if active is None:
        raise StructureTypeError(f"{ddi}: {detail}")
    caller = _caller(active)
    active.report(rule, caller if caller is not None else "harness", ddi, detail)
    return REFUSED


def _nbl_problem(nbl: object, where: str, active: object, ddi: str) -> tuple[str, str] | None:
    """(rule, detail) for an NBL the caller may not hand NDIS, or None."""
    if not isinstance(nbl, NET_BUFFER_LIST):
        return "R3.05", f"{where} is {_describe(nbl)}, not an NBL from an NDIS pool"
    if active is not None and _machine_of(nbl) is not active:
        raise ForeignHandleError(f"{ddi}: {where} {nbl.label} comes from a pool of another Machine")
    if nbl._holder.kind is HolderKind.FREE:
        return "R3.05", f"{where} {nbl.label} is free (it was given back to its pool)"
    return None


def check_chain(head: object, ddi: str, active: Any, param: str = "NetBufferLists") -> _Refused | None:
    """Check an NBL chain: not NULL, every link an NBL of this machine, not freed, no cycle.

    NBLs of another machine raise ``ForeignHandleError``; a NULL chain, a link that is not an
    NBL, a freed NBL or a chain that loops is a verifier violation (R3.05). Returns
    ``REFUSED`` when collect mode recorded a finding.

    One walk, no allocation: the machine is looked up once per pool, and a loop is found by
    Brent's method (a tortoise that jumps to the walker at every power of two), so the cost
    stays a few operations per NBL.
    """
    if head is None:
        return _report(active, "R3.05", ddi, f"{param} is NULL: a chain has at least one NBL")
    free = HolderKind.FREE
    last_pool: object = None
    tortoise: Any = None
    power = steps = 1
    index = 0
    nbl: Any = head
    while nbl is not None:
        if nbl.__class__ is not NET_BUFFER_LIST or nbl._pool is not last_pool or nbl._holder.kind is free:
            where = param if index == 0 else f"the Next of NBL {index}"
            problem = _nbl_problem(nbl, where, active, ddi)
            if problem is not None:
                return _report(active, problem[0], ddi, problem[1])
            last_pool = nbl._pool
        if nbl is tortoise:
            return _report(active, "R3.05", ddi, f"{param} loops: NBL {index} is {nbl.label} again")
        if steps == power:
            tortoise, power, steps = nbl, power * 2, 0
        steps += 1
        nbl = nbl.Next
        index += 1
    return None


def _nbl_check(ddi: str, param: str) -> Check:
    if ddi in CHAIN_DDIS:
        return lambda value, active: check_chain(value, ddi, active, param)

    def check(value: object, active: Any) -> _Refused | None:
        problem = _nbl_problem(value, param, active, ddi)
        if problem is not None and ddi == "NdisFreeNetBufferList":
            return None  # NdisFreeNetBufferList reports a freed NBL itself (R3.05)
        if problem is None:
            caller = _caller(active)
            holder = value._holder  # type: ignore[attr-defined]
            if caller is not None and holder.driver is not caller:
                problem = "R3.06", f"{param} {value.label} is {holder.label}, not held by {caller.name}"  # type: ignore[attr-defined]
        if problem is None:
            return None
        return _report(active, problem[0], ddi, problem[1])

    return check


def _net_buffer_check(ddi: str, param: str) -> Check:
    def check(value: object, active: Any) -> None:
        if not isinstance(value, NET_BUFFER):
            raise StructureTypeError(f"{ddi}: {param} must be a NET_BUFFER, got {_describe(value)}")
        if active is not None and _machine_of(value) is not active:
            raise ForeignHandleError(f"{ddi}: {param} comes from a pool of another Machine")

    return check


# ------------------------------------------------------------------------------------ structures
def _field_check(annotation: str, module: Any) -> Callable[[object], str | None] | None:
    """A check for one structure field, from its annotation; None for fields we do not type."""
    optional = annotation.endswith(" | None")
    base = annotation.removesuffix(" | None")
    if base == "int":

        def check_int(value: object) -> str | None:
            if value is None and optional:
                return None
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= ULONG64_MAX:
                return f"must be an int in 0..0x{ULONG64_MAX:X}, got {_describe(value)}"
            return None

        return check_int
    if base == "bool":
        return lambda value: None if isinstance(value, int) else f"must be a bool, got {_describe(value)}"
    if base in ("bytes", "str"):
        wanted: tuple[type, ...] = (bytes, bytearray, memoryview) if base == "bytes" else (str,)

        def check_data(value: object) -> str | None:
            if value is None and optional:
                return None
            return None if isinstance(value, wanted) else f"must be {base}, got {_describe(value)}"

        return check_data
    nested = getattr(module, base, None)
    if isinstance(nested, type) and is_dataclass(nested):

        def check_nested(value: object) -> str | None:
            if value is None and optional:
                return None
            if not isinstance(value, nested):
                return f"must be a {base}, got {_describe(value)}"
            return _structure_problem(value)

        return check_nested
    return None


_FIELD_CHECKS: dict[type, tuple[tuple[str, Callable[[object], str | None]], ...]] = {}


def _structure_problem(value: object) -> str | None:
    """What is wrong with the scalar fields of a structure (recursively), or None."""
    cls = type(value)
    checks = _FIELD_CHECKS.get(cls)
    if checks is None:
        module = sys.modules[cls.__module__]
        built = []
        for f in fields(cls):  # type: ignore[arg-type]
            if f.name == "Header":
                continue
            check = _field_check(str(f.type), module)
            if check is not None:
                built.append((f.name, check))
        checks = _FIELD_CHECKS[cls] = tuple(built)
    for name, check in checks:
        problem = check(getattr(value, name))
        if problem is not None:
            return f"{cls.__name__}.{name} {problem}"
    return None


def _structure_check(ddi: str, param: str, cls: type, optional: bool) -> Check:
    has_header = any(f.name == "Header" for f in fields(cls))
    minted = any(f.name == "_owner" for f in fields(cls))  # made by a Machine
    header_values = has_header and cls in HEADER_SPECS and ddi not in HEADER_CHECKED_BY_DDI

    def check(value: object, active: Any) -> _Refused | None:
        if value is None and optional:
            return None
        if not isinstance(value, cls):
            raise StructureTypeError(f"{ddi}: {param} must be a {cls.__name__}, got {_describe(value)}")
        if minted and active is not None and value._owner is not active:  # type: ignore[attr-defined]
            raise ForeignHandleError(f"{ddi}: {param} was created by another Machine")
        if has_header:
            header = value.Header  # type: ignore[attr-defined]
            if not isinstance(header, NDIS_OBJECT_HEADER):
                raise StructureTypeError(
                    f"{ddi}: {param}.Header must be an NDIS_OBJECT_HEADER, got {_describe(header)}"
                )
            for name, top in (("Type", 0xFF), ("Revision", 0xFF), ("Size", 0xFFFF)):
                field_value = getattr(header, name)
                if not isinstance(field_value, int) or isinstance(field_value, bool) or not 0 <= field_value <= top:
                    raise StructureTypeError(
                        f"{ddi}: {param}.Header.{name} must be an int in 0..0x{top:X}, got {_describe(field_value)}"
                    )
        problem = _structure_problem(value)
        if problem is not None:
            raise StructureTypeError(f"{ddi}: {param}: {problem}")
        if header_values:
            bad = header_problem(value)
            if bad is not None:
                return _report(active, "X1.07", ddi, f"{param}: {bad}")
        return None

    return check


# ------------------------------------------------------------------------------------ others
def _type_check(ddi: str, param: str, wanted: tuple[type, ...], label: str, optional: bool) -> Check:
    def check(value: object, active: Any) -> None:
        if value is None and optional:
            return
        if not isinstance(value, wanted) or (isinstance(value, bool) and bool not in wanted):
            raise StructureTypeError(f"{ddi}: {param} must be {label}, got {_describe(value)}")

    return check


def _callable_check(ddi: str, param: str) -> Check:
    def check(value: object, active: Any) -> None:
        if not callable(value):
            raise StructureTypeError(f"{ddi}: {param} must be a function, got {_describe(value)}")

    return check


def _ulong_check(ddi: str, param: str) -> Check:
    return lambda value, active: check_ulong(value, param, ddi)


def _status_check(ddi: str, param: str) -> Check:
    """An NDIS_STATUS a driver hands NDIS: a completion or a reason, so a final one (X1.02)."""

    if ddi in FINAL_STATUS_CHECKED_BY_DDI:
        return lambda value, active: check_status(value, param, ddi)

    def check(value: object, active: Any) -> _Refused | None:
        check_status(value, param, ddi)
        if value == NDIS_STATUS_PENDING:
            return _report(active, "X1.02", ddi, f"{param} is NDIS_STATUS_PENDING; pass a final status")
        return None

    return check


def _check_for(ddi: str, p: inspect.Parameter, namespace: dict[str, Any]) -> Check | None:
    """The check of parameter *p* of *ddi*, from its name and annotation (None: anything goes)."""
    annotation = str(p.annotation)
    optional = annotation.endswith("| None") or p.default is None
    base = annotation.removesuffix(" | None")
    name = p.name
    if name in HANDLE_PARAMS or name == "PoolHandle":
        return _handle_check(ddi, name, optional)
    if name in STATUS_PARAMS:
        return _status_check(ddi, name)
    if base == "NDIS_STATUS":
        return _status_check(ddi, name)
    if base == "int":
        return _ulong_check(ddi, name)
    if base == "bool":
        return _type_check(ddi, name, (bool, int), "a BOOLEAN (bool)", optional)
    if base == "str":
        return _type_check(ddi, name, (str,), "a str", optional)
    if base in ("bytes | bytearray", "bytearray"):
        wanted: tuple[type, ...] = (bytes, bytearray) if "bytes" in base.split(" | ") else (bytearray,)
        return _type_check(ddi, name, wanted, " or ".join(t.__name__ for t in wanted), optional)
    if base.startswith("Callable"):
        return _callable_check(ddi, name)
    if base == "NET_BUFFER_LIST":
        return _nbl_check(ddi, name)
    if base == "NET_BUFFER":
        return _net_buffer_check(ddi, name)
    if base == "MDL":
        return _type_check(ddi, name, (MDL,), "an MDL", optional)
    cls = namespace.get(base)
    if isinstance(cls, type) and is_dataclass(cls):
        return _structure_check(ddi, name, cls, optional)
    return None


def _failure(returns: str) -> object:
    """What a DDI returns when collect mode refuses it: its failure status, or NULL."""
    if returns.startswith("tuple["):
        extra = returns.count(",")
        return (NDIS_STATUS_INVALID_PARAMETER, *([None] * extra))
    if returns in ("NDIS_STATUS", "int"):
        return NDIS_STATUS_INVALID_PARAMETER
    return None


def guard(ddi: str, fn: Callable[..., Any], namespace: dict[str, Any]) -> Callable[..., Any]:
    """Wrap the implementation *fn* of *ddi* with the checks of its parameters.

    *namespace* resolves structure names in the annotations (the ``ndis`` module's).
    """
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    checks = tuple((i, c) for i, p in enumerate(params) if (c := _check_for(ddi, p, namespace)) is not None)
    most = len(params)
    least = sum(1 for p in params if p.default is inspect.Parameter.empty)
    failure = _failure(str(sig.return_annotation))
    active_stack = _library._ACTIVE
    # A DDI that names nothing NDIS minted (NdisRegisterProtocolDriver) learns its machine from
    # the driver that runs: at harness level that is CallerUnknownError, before any check.
    needs_caller = not any(
        p.name in HANDLE_PARAMS
        or p.name in ("DriverObject", "PoolHandle")
        or str(p.annotation).removesuffix(" | None") in ("NET_BUFFER_LIST", "NET_BUFFER", "MDL")
        for p in params
    )

    @functools.wraps(fn)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if kwargs or not least <= len(args) <= most:
            try:
                bound = sig.bind(*args, **kwargs)
            except TypeError as exc:
                raise StructureTypeError(f"{ddi}: {exc}") from None
            args = bound.args
            kwargs = bound.kwargs
        active = active_stack[-1] if active_stack else None
        if active is None:
            if needs_caller:
                _library.active_library(ddi)  # raises CallerUnknownError: NDIS must know the caller
        elif active.halted is not None:
            active.check_alive()
        n = len(args)
        for i, check in checks:
            if i < n and check(args[i], active) is REFUSED:
                return failure
        return fn(*args, **kwargs)

    guarded.__condis_guarded__ = True  # type: ignore[attr-defined]
    return guarded


def guard_all(namespace: dict[str, Any], names: tuple[str, ...]) -> None:
    """Replace every DDI *names* in *namespace* (the ``ndis`` module) by its guarded form."""
    for name in names:
        if name in UNGUARDED:
            continue
        namespace[name] = guard(name, namespace[name], namespace)
