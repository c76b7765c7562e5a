"""Driver registration: NdisMRegisterMiniportDriver, NdisRegisterProtocolDriver, NdisSetOptionalHandlers.

Pages:
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismregisterminiportdriver,
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisregisterprotocoldriver,
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndissetoptionalhandlers,
https://learn.microsoft.com/windows-hardware/drivers/network/condis-miniport-driver-registration.

Checks NDIS itself makes (header, version, mandatory handlers) refuse the registration with
the documented status; the Co-specific checks the verifier adds run when MiniportSetOptions /
ProtocolSetOptions returns and, in collect mode, refuse the registration with
NDIS_STATUS_BAD_CHARACTERISTICS so a broken driver never half-registers.
"""

from __future__ import annotations

from typing import Any

from condis_edu._library.core import NdisLibrary, active_library, library_of
from condis_edu._library.ddi.common import call_handler, check_handlers, copy_structure, missing, require_type
from condis_edu._library.ddi.intermediate import im_handler_problems, is_intermediate
from condis_edu._library.handlers import handler_fields
from condis_edu._library.headers import TYPE_TO_CLASS, header_problem
from condis_edu._library.objects import Driver, MiniportDriver, ProtocolDriver
from condis_edu._library.pnp import drop_binding, halt_adapter_now
from condis_edu.errors import WrongHandleError
from condis_edu.mirror import constants as c
from condis_edu.mirror.handles import NDIS_HANDLE, retarget
from condis_edu.mirror.status import (
    NDIS_STATUS,
    NDIS_STATUS_BAD_CHARACTERISTICS,
    NDIS_STATUS_BAD_VERSION,
    NDIS_STATUS_FAILURE,
    NDIS_STATUS_INVALID_PARAMETER,
    NDIS_STATUS_NOT_SUPPORTED,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
    status_name,
)
from condis_edu.mirror.structures import (
    DRIVER_OBJECT,
    NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS,
    NDIS_CO_CLIENT_OPTIONAL_HANDLERS,
    NDIS_MINIPORT_CO_CHARACTERISTICS,
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS,
    NDIS_PROTOCOL_CO_CHARACTERISTICS,
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS,
)

MINIPORT_REQUIRED = (
    "InitializeHandlerEx",
    "HaltHandlerEx",
    "UnloadHandler",
    "SendNetBufferListsHandler",
    "ReturnNetBufferListsHandler",
    "CancelSendHandler",
    "DevicePnPEventNotifyHandler",
    "ShutdownHandlerEx",
    "CancelOidRequestHandler",
)
"""R1.10, less Pause/Restart, which are checked after SetOptions (R1.44 for CoNDIS drivers)."""

PAUSE_RESTART = ("PauseHandler", "RestartHandler")

MINIPORT_CO_HANDLERS = (
    "CoCreateVcHandler",
    "CoDeleteVcHandler",
    "CoActivateVcHandler",
    "CoDeactivateVcHandler",
    "CoSendNetBufferListsHandler",
    "CoOidRequestHandler",
)

PROTOCOL_REQUIRED = (
    "BindAdapterHandlerEx",
    "UnbindAdapterHandlerEx",
    "OpenAdapterCompleteHandlerEx",
    "CloseAdapterCompleteHandlerEx",
    "NetPnPEventHandler",
)

STRUCTURE_RULE = {
    NDIS_MINIPORT_CO_CHARACTERISTICS: "R1.19",
    NDIS_PROTOCOL_CO_CHARACTERISTICS: "R1.27",
    NDIS_CO_CLIENT_OPTIONAL_HANDLERS: "R1.28",
    NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS: "R1.29",
}

_REVISION_FIELDS = {1: 15, 2: 17, 3: 18}
"""How many handler slots each revision of the miniport characteristics covers."""


def _driver_of(DriverObject: object, ddi: str) -> tuple[NdisLibrary, Driver]:
    owner = getattr(DriverObject, "_owner", None) if isinstance(DriverObject, DRIVER_OBJECT) else None
    if not isinstance(owner, NdisLibrary):
        require_type(DriverObject, DRIVER_OBJECT, "DriverObject", ddi)

        raise WrongHandleError(f"{ddi}: DriverObject was not created by a Machine (pass the one DriverEntry got)")
    owner.check_alive()
    return owner, owner.driver_for_object(DriverObject, ddi)


def _version_ok(lib: NdisLibrary, major: object, minor: object) -> tuple[bool, bool]:
    """(valid per the documentation, supported by this machine's NDIS)."""
    if not isinstance(major, int) or not isinstance(minor, int):
        return False, False
    valid = major == 6 and minor in c.NDIS_SUPPORTED_MINOR_VERSIONS
    return valid, valid and (major, minor) <= lib.ndis_version


# ---------------------------------------------------------------------------------------------
# NdisMRegisterMiniportDriver
# ---------------------------------------------------------------------------------------------


def NdisMRegisterMiniportDriver(
    DriverObject: DRIVER_OBJECT,
    RegistryPath: str,
    MiniportDriverContext: object,
    MiniportDriverCharacteristics: NDIS_MINIPORT_DRIVER_CHARACTERISTICS,
) -> tuple[NDIS_STATUS, NDIS_HANDLE | None]:
    """Register a miniport driver; returns ``(Status, NdisMiniportDriverHandle)``.

    NDIS contract:
        Called from DriverEntry at PASSIVE_LEVEL (R1.01). NDIS validates the header
        (BAD_CHARACTERISTICS), the version (BAD_VERSION) and the mandatory handlers, copies
        the structure, then calls MiniportSetOptions before returning (R1.04).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismregisterminiportdriver
    """
    ddi = "NdisMRegisterMiniportDriver"
    lib, driver = _driver_of(DriverObject, ddi)
    return lib.ddi(
        driver.name, ddi, (), _register_miniport, lib, driver, MiniportDriverContext, MiniportDriverCharacteristics
    )


def _register_miniport(
    lib: NdisLibrary, driver: Driver, context: object, chars: Any
) -> tuple[NDIS_STATUS, NDIS_HANDLE | None]:
    ddi = "NdisMRegisterMiniportDriver"
    require_type(chars, NDIS_MINIPORT_DRIVER_CHARACTERISTICS, "MiniportDriverCharacteristics", ddi)
    if not driver.in_driver_entry:
        lib.report("R1.01", driver, ddi, "called outside DriverEntry")
    problem = header_problem(chars)
    if problem is not None:
        lib.note("R1.08", driver, ddi, problem)
        return NDIS_STATUS_BAD_CHARACTERISTICS, None
    valid, supported = _version_ok(lib, chars.MajorNdisVersion, chars.MinorNdisVersion)
    if not valid:
        lib.note(
            "R1.09", driver, ddi, f"NDIS version {chars.MajorNdisVersion}.{chars.MinorNdisVersion} does not exist"
        )
        return NDIS_STATUS_BAD_VERSION, None
    if not supported:
        return NDIS_STATUS_BAD_VERSION, None
    if not check_handlers(lib, driver, chars, ddi, upto=_REVISION_FIELDS[chars.Header.Revision]):
        return NDIS_STATUS_BAD_CHARACTERISTICS, None
    absent = missing(chars, MINIPORT_REQUIRED)
    if absent:
        lib.note("R1.10", driver, ddi, "mandatory handlers are NULL: " + ", ".join(absent))
        return NDIS_STATUS_BAD_CHARACTERISTICS, None
    intermediate = bool(chars.Flags & c.NDIS_INTERMEDIATE_DRIVER) if isinstance(chars.Flags, int) else False
    if intermediate:

        for rule, detail in im_handler_problems(chars):
            if rule == "R5.02":  # the required handlers of a virtual miniport
                lib.note(rule, driver, ddi, detail)
                return NDIS_STATUS_BAD_CHARACTERISTICS, None
    if intermediate and (chars.CheckForHangHandlerEx is not None or chars.ResetHandlerEx is not None):
        lib.note("R1.13", driver, ddi, "an intermediate driver must leave CheckForHang and Reset NULL")
        return NDIS_STATUS_BAD_CHARACTERISTICS, None
    if chars.CheckForHangHandlerEx is not None and chars.ResetHandlerEx is None:
        lib.note("R1.13", driver, ddi, "CheckForHangHandlerEx is set but ResetHandlerEx is NULL")
        return NDIS_STATUS_BAD_CHARACTERISTICS, None
    if chars.Header.Revision >= 2 and (chars.DirectOidRequestHandler is None) != (
        chars.CancelDirectOidRequestHandler is None
    ):
        lib.note("R1.14", driver, ddi, "only one of DirectOidRequestHandler / CancelDirectOidRequestHandler is set")
        return NDIS_STATUS_BAD_CHARACTERISTICS, None
    allowed = c.NDIS_INTERMEDIATE_DRIVER | c.NDIS_WDM_DRIVER
    if not isinstance(chars.Flags, int) or chars.Flags & ~allowed:
        lib.note("R1.15", driver, ddi, f"Flags = {chars.Flags!r} has bits other than 0x1 and 0x2")
        return NDIS_STATUS_BAD_CHARACTERISTICS, None
    if driver.live_miniports() and not intermediate:
        lib.note("R1.15", driver, ddi, "second miniport registration without NDIS_INTERMEDIATE_DRIVER")
        return NDIS_STATUS_BAD_CHARACTERISTICS, None

    copied = copy_structure(chars)
    for field in handler_fields(copied)[_REVISION_FIELDS[chars.Header.Revision] :]:
        setattr(copied, field, None)  # beyond this revision's Size: NDIS never reads them
    handle = lib.handles.mint("miniport-driver", None)
    miniport = MiniportDriver(handle, driver, context, copied)
    retarget(handle, miniport)
    driver.miniports.append(miniport)

    status = NDIS_STATUS_SUCCESS
    if copied.SetOptionsHandler is not None:
        miniport.in_set_options = True
        try:
            status = call_handler(lib, driver, copied, "SetOptionsHandler", (handle, context), (handle,))
        finally:
            miniport.in_set_options = False
        if status == NDIS_STATUS_PENDING:
            lib.report("R1.24", driver, "MiniportSetOptions", "returned NDIS_STATUS_PENDING")
            status = NDIS_STATUS_FAILURE
    if status == NDIS_STATUS_SUCCESS and not _miniport_post_checks(lib, driver, miniport):
        status = NDIS_STATUS_BAD_CHARACTERISTICS
    if status != NDIS_STATUS_SUCCESS:
        driver.miniports.remove(miniport)
        lib.handles.unmint(handle)
        return status, None
    return NDIS_STATUS_SUCCESS, handle


def _miniport_post_checks(lib: NdisLibrary, driver: Driver, miniport: MiniportDriver) -> bool:
    """Checks that need to know what MiniportSetOptions registered. False = refuse."""
    ddi = "NdisMRegisterMiniportDriver"
    co, cm, chars = miniport.co, miniport.cm, miniport.chars
    absent = missing(chars, PAUSE_RESTART)
    if absent:
        rule = "R1.44" if co is not None else "R1.10"
        lib.report(rule, driver, ddi, "no pause/restart handlers: " + ", ".join(absent))
        return False
    if cm is not None and co is None:
        lib.report("R1.33", driver, ddi, "call manager handlers registered without NDIS_MINIPORT_CO_CHARACTERISTICS")
        return False
    if co is None:
        return True
    if cm is None:
        absent = missing(co, MINIPORT_CO_HANDLERS)
        if absent:
            lib.report("R1.20", driver, ddi, "MiniportCoXxx handlers are NULL: " + ", ".join(absent))
            return False
        return True
    present = [f for f in ("CoCreateVcHandler", "CoDeleteVcHandler") if getattr(co, f) is not None]
    if present:
        lib.report("R1.34", driver, ddi, "an MCM must leave these NULL: " + ", ".join(present))
        return False
    absent = missing(co, ("CoOidRequestHandler", "CoSendNetBufferListsHandler"))
    if absent:
        lib.report("R1.37", driver, ddi, "an MCM must supply: " + ", ".join(absent))
        return False
    if cm.CmOidRequestHandler is co.CoOidRequestHandler:
        lib.report("R1.36", driver, ddi, "CmOidRequestHandler is the same function as CoOidRequestHandler")
        return False
    return True


def NdisMDeregisterMiniportDriver(NdisMiniportDriverHandle: NDIS_HANDLE) -> None:
    """Release a miniport driver registration (from MiniportDriverUnload, or a failing DriverEntry).

    NDIS contract:
        PASSIVE_LEVEL. Adapters still running are halted first.
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismderegisterminiportdriver
    """
    ddi = "NdisMDeregisterMiniportDriver"
    lib, miniport = library_of(NdisMiniportDriverHandle, ("miniport-driver",), "NdisMiniportDriverHandle", ddi)
    lib.ddi(miniport.driver.name, ddi, (NdisMiniportDriverHandle,), _deregister_miniport, lib, miniport)


def _deregister_miniport(lib: NdisLibrary, miniport: MiniportDriver) -> None:

    for adapter in list(miniport.adapters):
        halt_adapter_now(lib, adapter)
    miniport.deregistered = True
    lib.kill(miniport.handle, "NdisMDeregisterMiniportDriver released it")


# ---------------------------------------------------------------------------------------------
# NdisRegisterProtocolDriver
# ---------------------------------------------------------------------------------------------


def NdisRegisterProtocolDriver(
    ProtocolDriverContext: object, ProtocolCharacteristics: NDIS_PROTOCOL_DRIVER_CHARACTERISTICS
) -> tuple[NDIS_STATUS, NDIS_HANDLE | None]:
    """Register a protocol driver (CoNDIS client or call manager); returns ``(Status, NdisProtocolHandle)``.

    NDIS contract:
        Called from DriverEntry at PASSIVE_LEVEL (R1.25). ProtocolSetOptions runs inside the
        call (R1.26); bind requests may follow as soon as it returns.
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisregisterprotocoldriver
    """
    ddi = "NdisRegisterProtocolDriver"
    lib = active_library(ddi)
    driver = lib.caller(ddi)
    return lib.ddi(
        driver.name, ddi, (), _register_protocol, lib, driver, ProtocolDriverContext, ProtocolCharacteristics
    )


def _register_protocol(
    lib: NdisLibrary, driver: Driver, context: object, chars: Any
) -> tuple[NDIS_STATUS, NDIS_HANDLE | None]:
    ddi = "NdisRegisterProtocolDriver"
    require_type(chars, NDIS_PROTOCOL_DRIVER_CHARACTERISTICS, "ProtocolCharacteristics", ddi)
    require_type(chars.Name, str, "ProtocolCharacteristics.Name", ddi)
    if not driver.in_driver_entry:
        lib.report("R1.25", driver, ddi, "called outside DriverEntry")
    problem = header_problem(chars)
    if problem is not None:
        lib.note("R1.25", driver, ddi, problem)
        return NDIS_STATUS_BAD_CHARACTERISTICS, None
    valid, supported = _version_ok(lib, chars.MajorNdisVersion, chars.MinorNdisVersion)
    if not valid:
        lib.note(
            "R1.25", driver, ddi, f"NDIS version {chars.MajorNdisVersion}.{chars.MinorNdisVersion} does not exist"
        )
        return NDIS_STATUS_BAD_VERSION, None
    if not supported:
        return NDIS_STATUS_BAD_VERSION, None
    if chars.Flags != 0:
        lib.note("R1.25", driver, ddi, f"Flags = {chars.Flags!r}; they are reserved and must be 0")
        return NDIS_STATUS_BAD_CHARACTERISTICS, None
    if not check_handlers(lib, driver, chars, ddi, upto=None if chars.Header.Revision >= 2 else -1):
        return NDIS_STATUS_BAD_CHARACTERISTICS, None
    absent = missing(chars, PROTOCOL_REQUIRED)
    if absent:
        lib.note("R1.25", driver, ddi, "mandatory handlers are NULL: " + ", ".join(absent))
        return NDIS_STATUS_BAD_CHARACTERISTICS, None
    if driver.protocol is not None and not driver.protocol.deregistered:
        return NDIS_STATUS_FAILURE, None

    copied = copy_structure(chars)
    if chars.Header.Revision < 2:
        copied.DirectOidRequestCompleteHandler = None
    handle = lib.handles.mint("protocol-driver", None)
    protocol = ProtocolDriver(handle, driver, context, copied)
    retarget(handle, protocol)
    previous, driver.protocol = driver.protocol, protocol

    status = NDIS_STATUS_SUCCESS
    if copied.SetOptionsHandler is not None:
        protocol.in_set_options = True
        try:
            status = call_handler(lib, driver, copied, "SetOptionsHandler", (handle, context), (handle,))
        finally:
            protocol.in_set_options = False
        if status == NDIS_STATUS_PENDING:
            lib.report("R1.24", driver, "ProtocolSetOptions", "returned NDIS_STATUS_PENDING")
            status = NDIS_STATUS_FAILURE
    if status == NDIS_STATUS_SUCCESS and (protocol.cl is not None or protocol.cm is not None) and protocol.co is None:
        lib.report(
            "R1.27", driver, ddi, "client/call manager handlers registered without NDIS_PROTOCOL_CO_CHARACTERISTICS"
        )
        status = NDIS_STATUS_BAD_CHARACTERISTICS
    if status != NDIS_STATUS_SUCCESS:
        driver.protocol = previous
        lib.handles.unmint(handle)
        return status, None
    return NDIS_STATUS_SUCCESS, handle


def NdisDeregisterProtocolDriver(NdisProtocolHandle: NDIS_HANDLE) -> None:
    """Release a protocol registration (from the driver's unload routine).

    NDIS contract:
        PASSIVE_LEVEL; remaining bindings are closed by NDIS first.
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisderegisterprotocoldriver
    """
    ddi = "NdisDeregisterProtocolDriver"
    lib, protocol = library_of(NdisProtocolHandle, ("protocol-driver",), "NdisProtocolHandle", ddi)
    lib.ddi(protocol.driver.name, ddi, (NdisProtocolHandle,), _deregister_protocol, lib, protocol)


def _deregister_protocol(lib: NdisLibrary, protocol: ProtocolDriver) -> None:

    for binding in list(protocol.bindings):
        drop_binding(lib, binding, "NdisDeregisterProtocolDriver closed it")
    protocol.deregistered = True
    lib.kill(protocol.handle, "NdisDeregisterProtocolDriver released it")


# ---------------------------------------------------------------------------------------------
# NdisSetOptionalHandlers
# ---------------------------------------------------------------------------------------------

MINIPORT_SIDE = (NDIS_MINIPORT_CO_CHARACTERISTICS, NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS)
PROTOCOL_SIDE = (
    NDIS_PROTOCOL_CO_CHARACTERISTICS,
    NDIS_CO_CLIENT_OPTIONAL_HANDLERS,
    NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS,
)


def NdisSetOptionalHandlers(NdisHandle: NDIS_HANDLE, OptionalHandlers: object) -> NDIS_STATUS:
    """Register an optional-handler structure (the CoNDIS Co, client and call manager tables).

    NDIS contract:
        PASSIVE_LEVEL. A miniport calls it from MiniportSetOptions with its driver handle
        (R1.18); a protocol from ProtocolSetOptions (R1.29). NDIS reads ``Header.Type`` to
        know which structure it got.
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndissetoptionalhandlers
    """
    ddi = "NdisSetOptionalHandlers"
    lib, target = library_of(NdisHandle, ("miniport-driver", "protocol-driver", "binding"), "NdisHandle", ddi)
    owner: Driver = target.driver
    return lib.ddi(owner.name, ddi, (NdisHandle,), _set_optional_handlers, lib, target, OptionalHandlers)


def _set_optional_handlers(lib: NdisLibrary, target: Any, handlers: Any) -> NDIS_STATUS:
    ddi = "NdisSetOptionalHandlers"
    require_type(handlers, (*PROTOCOL_SIDE, NDIS_MINIPORT_CO_CHARACTERISTICS), "OptionalHandlers", ddi)
    is_miniport = isinstance(target, MiniportDriver)
    protocol: ProtocolDriver | None = (
        None if is_miniport else (target if isinstance(target, ProtocolDriver) else target.protocol)
    )
    driver: Driver = target.driver
    cls = type(handlers)
    rule = STRUCTURE_RULE[cls]
    if is_miniport and cls is NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS:
        rule = "R1.35"
    header_type = handlers.Header.Type
    if TYPE_TO_CLASS.get(header_type) not in (cls, None) or header_problem(handlers) is not None:
        lib.report(rule, driver, ddi, header_problem(handlers) or "bad header")
        return NDIS_STATUS_INVALID_PARAMETER
    side = MINIPORT_SIDE if is_miniport else PROTOCOL_SIDE
    if cls not in side:
        who = "a miniport" if is_miniport else "a protocol"
        lib.report("R1.22", driver, ddi, f"{cls.__name__} is not accepted from {who}")
        return NDIS_STATUS_INVALID_PARAMETER
    if is_miniport and is_intermediate(target.chars):
        lib.report(
            "R5.04",
            driver,
            ddi,
            f"{cls.__name__} from an intermediate driver's miniport: its virtual miniport is connectionless, "
            "CoNDIS belongs on its protocol edge",
        )
        return NDIS_STATUS_NOT_SUPPORTED
    if is_miniport and not target.in_set_options:
        lib.report(
            "R1.18" if cls is NDIS_MINIPORT_CO_CHARACTERISTICS else "R1.33",
            driver,
            ddi,
            "called outside MiniportSetOptions",
        )
        return NDIS_STATUS_FAILURE
    if protocol is not None and isinstance(target, ProtocolDriver) and not protocol.in_set_options:
        lib.report(
            "R1.29" if cls is NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS else "R1.22",
            driver,
            ddi,
            "called with the driver handle outside ProtocolSetOptions",
        )
        return NDIS_STATUS_FAILURE
    if cls is NDIS_MINIPORT_CO_CHARACTERISTICS and handlers.Flags != 0:
        lib.report("R1.19", driver, ddi, f"Flags = {handlers.Flags!r}; they are reserved and must be 0")
        return NDIS_STATUS_INVALID_PARAMETER
    if not check_handlers(lib, driver, handlers, ddi):
        return NDIS_STATUS_INVALID_PARAMETER
    if cls is not NDIS_MINIPORT_CO_CHARACTERISTICS:
        absent = missing(handlers, handler_fields(handlers))
        if absent:
            lib.report(rule, driver, ddi, f"{cls.__name__} has NULL entries: " + ", ".join(absent))
            return NDIS_STATUS_INVALID_PARAMETER
    copied = copy_structure(handlers)
    if is_miniport:
        if cls is NDIS_MINIPORT_CO_CHARACTERISTICS:
            target.co = copied
        else:
            target.cm = copied
    else:
        assert protocol is not None
        if cls is NDIS_PROTOCOL_CO_CHARACTERISTICS:
            protocol.co = copied
        elif cls is NDIS_CO_CLIENT_OPTIONAL_HANDLERS:
            protocol.cl = copied
        else:
            protocol.cm = copied
    return NDIS_STATUS_SUCCESS


__all__ = [
    "NdisDeregisterProtocolDriver",
    "NdisMDeregisterMiniportDriver",
    "NdisMRegisterMiniportDriver",
    "NdisRegisterProtocolDriver",
    "NdisSetOptionalHandlers",
    "status_name",
]
