"""Helpers shared by the DDI modules."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any, TypeVar

from condis_edu._library.core import NdisLibrary, library_of
from condis_edu._library.handlers import HandlerSpec, check_signature, handler_fields, spec_for
from condis_edu._library.objects import Adapter, Af, Binding, Driver
from condis_edu.errors import StructureTypeError

T = TypeVar("T")


def require_type(
    value: object, expected: type[T] | tuple[type, ...], param: str, ddi: str, optional: bool = False
) -> None:
    """Raise ``StructureTypeError`` unless *value* is an instance of *expected* (or None if optional)."""
    if value is None and optional:
        return
    if not isinstance(value, expected):
        names = expected.__name__ if isinstance(expected, type) else "/".join(t.__name__ for t in expected)
        raise StructureTypeError(f"{ddi}: {param} must be a {names}, got {type(value).__name__}")


_HANDLE_PARAMETERS: dict[type, tuple[str, str]] = {
    Adapter: ("adapter", "MiniportAdapterHandle"),
    Binding: ("binding", "NdisBindingHandle"),
    Af: ("af", "NdisAfHandle"),
}
"""The handle kind and Microsoft's parameter name of each object a DDI is called on."""


def called_on(handle: object, expected: type[T], ddi: str) -> tuple[NdisLibrary, T, Driver]:
    """A driver's DDI call on *handle*: the library, the object behind the handle, the caller.

    The handle is checked first (``WrongHandleError``, ``StaleHandleError``,
    ``ForeignHandleError``), then the caller (``CallerUnknownError`` at harness level).
    """
    kind, param = _HANDLE_PARAMETERS[expected]
    lib, found = library_of(handle, (kind,), param, ddi)
    assert isinstance(found, expected)
    return lib, found, lib.caller(ddi)


def check_handlers(
    lib: NdisLibrary, driver: Driver, structure: object, ddi: str, rule: str = "R1.07", upto: int | None = None
) -> bool:
    """Check every handler slot: callable or None (rule R1.07), with a usable signature.

    Signature problems are usage errors (raised at once); a non-callable slot is a verifier
    finding. Returns False if a finding was reported (collect mode).
    """
    name = type(structure).__name__
    fields = handler_fields(structure)[:upto]
    bad = []
    for field in fields:
        fn = getattr(structure, field)
        if fn is None:
            continue
        if not callable(fn):
            bad.append(f"{field} = {type(fn).__name__}")
            continue
        check_signature(fn, spec_for(structure, field), name)
    if bad:
        lib.report(rule, driver, ddi, f"{name}: not an entry point: {', '.join(bad)}")
        return False
    return True


def missing(structure: object, fields: tuple[str, ...]) -> list[str]:
    """The handler fields among *fields* that are NULL."""
    return [f for f in fields if getattr(structure, f) is None]


def copy_structure(structure: T) -> T:
    """NDIS keeps its own copy (R1.03): later edits by the driver change nothing.

    The copy holds the handler *pointers* the driver gave, not copies of what they point
    at: a bound method still runs on the driver's own object, a closure or a callable
    object with state keeps its state (the driver's state is the driver's, as in C, where
    NDIS copies function pointers and never the driver's data).
    """
    memo: dict[int, Any] = {}
    if is_dataclass(structure):
        for f in fields(structure):
            value = getattr(structure, f.name)
            if callable(value) and not isinstance(value, type):
                memo[id(value)] = value
    return copy.deepcopy(structure, memo)


def call_handler(
    lib: NdisLibrary, driver: Driver, structure: Any, field: str, args: tuple[Any, ...], shown: tuple[object, ...] = ()
) -> Any:
    """Call the handler in *structure*.*field* for *driver* through the library."""
    spec: HandlerSpec = spec_for(structure, field)
    fn: Callable[..., Any] = getattr(structure, field)
    return lib.upcall(driver, spec, fn, args, shown)
