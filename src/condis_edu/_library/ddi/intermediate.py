"""NDIS intermediate (IM) drivers: the handler rules of the virtual miniport, and its lifecycle.

An IM driver is a protocol driver at its lower edge and a miniport at its upper edge. Its
upper edge, the *virtual miniport*, is always connectionless and deserialized (R5.04); the
lower edge may be a CoNDIS client, which is how the sample LAN-emulation driver sits on the
loopback CoNDIS miniport.

What lives here:

* ``im_handler_problems``: the handler rules of R5.02 as a pure function over an
  ``NDIS_MINIPORT_DRIVER_CHARACTERISTICS`` (required handlers, optional ones, and the ones
  that must stay NULL: CheckForHangHandlerEx and ResetHandlerEx). Registration calls it for
  any registration carrying ``NDIS_INTERMEDIATE_DRIVER``.
* ``NdisIMAssociateMiniport``, ``NdisIMInitializeDeviceInstanceEx`` (with the retained
  ``NdisMiniportDriverHandle``), ``NdisIMCancelInitializeDeviceInstance`` and
  ``NdisIMDeInitializeDeviceInstance``.

Pages: https://learn.microsoft.com/windows-hardware/drivers/network/registering-an-intermediate-driver-as-a-miniport-driver,
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisiminitializedeviceinstanceex
"""

from __future__ import annotations

from typing import Final

from condis_edu._library.core import NdisLibrary, library_of
from condis_edu._library.objects import Adapter, Driver, MiniportDriver, ProtocolDriver
from condis_edu._library.pnp import (
    BOUND_STATES,
    halt_adapter_now,
    initialize_adapter,
    pause_adapter,
    restart_adapter,
    unbind,
)
from condis_edu._library.states.adapter import AdapterState
from condis_edu.errors import WrongHandleError
from condis_edu.mirror.constants import NDIS_INTERMEDIATE_DRIVER, NdisHaltDeviceInstanceDeInitialized
from condis_edu.mirror.handles import NDIS_HANDLE
from condis_edu.mirror.status import (
    NDIS_STATUS_FAILURE,
    NDIS_STATUS_INVALID_PARAMETER,
    NDIS_STATUS_NOT_ACCEPTED,
    NDIS_STATUS_SUCCESS,
)
from condis_edu.mirror.structures import NDIS_MINIPORT_DRIVER_CHARACTERISTICS

__all__ = [
    "IM_MUST_BE_NULL",
    "IM_OPTIONAL",
    "IM_REQUIRED",
    "NdisIMAssociateMiniport",
    "NdisIMCancelInitializeDeviceInstance",
    "NdisIMDeInitializeDeviceInstance",
    "NdisIMInitializeDeviceInstanceEx",
    "im_handler_problems",
    "is_intermediate",
    "pause_stack_above",
    "restart_stack_above",
    "stacked_above",
]

IM_REQUIRED: Final = (
    "InitializeHandlerEx",
    "HaltHandlerEx",
    "UnloadHandler",
    "PauseHandler",
    "RestartHandler",
    "OidRequestHandler",
    "SendNetBufferListsHandler",
    "ReturnNetBufferListsHandler",
    "CancelSendHandler",
    "DevicePnPEventNotifyHandler",
    "ShutdownHandlerEx",
    "CancelOidRequestHandler",
)
"""Handlers an IM's virtual miniport must supply (R5.02)."""

IM_OPTIONAL: Final = (
    "SetOptionsHandler",
    "DirectOidRequestHandler",
    "CancelDirectOidRequestHandler",
    "SynchronousOidRequestHandler",
)
"""Handlers an IM may supply or leave NULL."""

IM_MUST_BE_NULL: Final = ("CheckForHangHandlerEx", "ResetHandlerEx")
"""An IM supplies neither: NDIS never hangs-checks or resets a virtual miniport (R1.13, R5.02)."""


def unassociated_im(driver: Driver) -> str:
    """Why *driver*, an IM with both edges registered, is not associated yet, or "" (R5.01)."""
    if driver.protocol is None or driver.protocol.deregistered:
        return ""
    for miniport in driver.live_miniports():
        if is_intermediate(miniport.chars) and miniport.im_protocol is None:
            both = f"{miniport.handle.label} and {driver.protocol.handle.label}"
            return f"{both} were never passed to NdisIMAssociateMiniport"
    return ""


def is_intermediate(chars: NDIS_MINIPORT_DRIVER_CHARACTERISTICS) -> bool:
    """True if the registration carries the NDIS_INTERMEDIATE_DRIVER flag."""
    return isinstance(chars.Flags, int) and bool(chars.Flags & NDIS_INTERMEDIATE_DRIVER)


def im_handler_problems(chars: NDIS_MINIPORT_DRIVER_CHARACTERISTICS) -> list[tuple[str, str]]:
    """Every handler-table problem of an IM registration, as ``(rule id, detail)``; [] if none.

    Examples:
        >>> from condis_edu.mirror.structures import NDIS_MINIPORT_DRIVER_CHARACTERISTICS
        >>> chars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS(Flags=NDIS_INTERMEDIATE_DRIVER)
        >>> [rule for rule, _ in im_handler_problems(chars)]
        ['R5.02']
        >>> chars.ResetHandlerEx = lambda ctx: 0
        >>> [rule for rule, _ in im_handler_problems(chars)]
        ['R5.02', 'R1.13']
    """
    problems: list[tuple[str, str]] = []
    absent = [name for name in IM_REQUIRED if getattr(chars, name) is None]
    if absent:
        problems.append(("R5.02", "an intermediate driver must supply: " + ", ".join(absent)))
    present = [name for name in IM_MUST_BE_NULL if getattr(chars, name) is not None]
    if present:
        problems.append(("R1.13", "an intermediate driver must leave these NULL: " + ", ".join(present)))
    return problems


# --------------------------------------------------------------------------------------------
# The IM DDIs
# --------------------------------------------------------------------------------------------


def _im_miniport(lib: NdisLibrary, handle: object, ddi: str) -> MiniportDriver | None:
    """The intermediate miniport registration behind *handle*, or None after a finding."""
    caller = lib.current()
    who = caller if caller is not None else "harness"
    if not isinstance(handle, NDIS_HANDLE) or handle.kind != "miniport-driver":
        kind = handle.kind if isinstance(handle, NDIS_HANDLE) else type(handle).__name__
        lib.report("R5.06", who, ddi, f"DriverHandle is a {kind} handle; pass the NdisMiniportDriverHandle that "
                   "NdisMRegisterMiniportDriver returned")
        return None
    miniport = lib.resolve(handle, ("miniport-driver",), "DriverHandle", ddi)
    assert isinstance(miniport, MiniportDriver)
    if not is_intermediate(miniport.chars):
        lib.report("R5.06", who, ddi, "the registration behind DriverHandle lacks NDIS_INTERMEDIATE_DRIVER")
        return None
    return miniport


def NdisIMAssociateMiniport(DriverHandle: NDIS_HANDLE, ProtocolHandle: NDIS_HANDLE) -> None:
    """Tell NDIS that an IM's miniport and protocol registrations belong together (R5.01).

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisimassociateminiport
    """
    ddi = "NdisIMAssociateMiniport"
    lib, _ = library_of(DriverHandle, ("miniport-driver",), "DriverHandle", ddi)
    caller = lib.caller(ddi)

    def impl() -> None:
        miniport = _im_miniport(lib, DriverHandle, ddi)
        protocol = lib.resolve(ProtocolHandle, ("protocol-driver",), "ProtocolHandle", ddi)
        assert isinstance(protocol, ProtocolDriver)
        if miniport is not None and not caller.in_driver_entry:
            lib.report("R5.01", caller, ddi, "called outside DriverEntry; an IM associates its two edges there")
            return
        if miniport is not None:
            miniport.im_protocol = protocol

    lib.ddi(caller.name, ddi, (DriverHandle, ProtocolHandle), impl)


def NdisIMInitializeDeviceInstanceEx(
    DriverHandle: NDIS_HANDLE, DriverInstance: str, DeviceContext: object = None
) -> int:
    """Ask NDIS to start the virtual miniport *DriverInstance* of an intermediate driver.

    NDIS contract:
        *DriverHandle* is the NdisMiniportDriverHandle the IM kept from
        NdisMRegisterMiniportDriver (R5.06). Returns NDIS_STATUS_SUCCESS, or
        NDIS_STATUS_NOT_ACCEPTED if that instance is already initialized. MiniportInitializeEx
        runs later, when PnP starts the device (from the scheduler here), with *DeviceContext*
        in ``IMDeviceInstanceContext`` (R5.07).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisiminitializedeviceinstanceex
    """
    ddi = "NdisIMInitializeDeviceInstanceEx"
    if not isinstance(DriverHandle, NDIS_HANDLE) or not isinstance(DriverHandle._owner, NdisLibrary):  # type: ignore[attr-defined]
        raise WrongHandleError(f"{ddi}: DriverHandle must be an NDIS_HANDLE")
    lib: NdisLibrary = DriverHandle._owner  # type: ignore[attr-defined]
    caller = lib.caller(ddi)

    def impl() -> int:
        miniport = _im_miniport(lib, DriverHandle, ddi)
        if miniport is None:
            return NDIS_STATUS_FAILURE
        if not isinstance(DriverInstance, str) or not DriverInstance:
            return NDIS_STATUS_INVALID_PARAMETER
        if any(a.name == DriverInstance for a in lib.adapters) or DriverInstance in lib.im_starting:
            return NDIS_STATUS_NOT_ACCEPTED
        lib.im_starting.add(DriverInstance)

        def start() -> None:
            lib.im_starting.discard(DriverInstance)
            if miniport.deregistered:
                return
            initialize_adapter(lib, miniport, DriverInstance, im_context=DeviceContext)

        lib.schedule(f"PnP starts the virtual miniport {DriverInstance}", start)
        return NDIS_STATUS_SUCCESS

    result: int = lib.ddi(caller.name, ddi, (DriverHandle, DriverInstance), impl)
    return result


def NdisIMCancelInitializeDeviceInstance(DriverHandle: NDIS_HANDLE, DeviceInstance: str) -> int:
    """Cancel a NdisIMInitializeDeviceInstanceEx whose MiniportInitializeEx has not run (R5.09).

    Returns NDIS_STATUS_SUCCESS, or NDIS_STATUS_FAILURE when it is too late.
    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisimcancelinitializedeviceinstance
    """
    ddi = "NdisIMCancelInitializeDeviceInstance"
    lib, _ = library_of(DriverHandle, ("miniport-driver",), "DriverHandle", ddi)
    caller = lib.caller(ddi)

    def impl() -> int:
        starting = lib.im_starting
        if DeviceInstance not in starting:
            miniport = lib.resolve(DriverHandle, ("miniport-driver",), "DriverHandle", ddi)
            if isinstance(miniport, MiniportDriver) and any(a.name == DeviceInstance for a in miniport.adapters):
                lib.report(
                    "R5.09",
                    caller,
                    ddi,
                    f"{DeviceInstance} is already initialized: undo it with NdisIMDeInitializeDeviceInstance",
                )
            return NDIS_STATUS_FAILURE
        starting.discard(DeviceInstance)
        return NDIS_STATUS_SUCCESS

    result: int = lib.ddi(caller.name, ddi, (DriverHandle, DeviceInstance), impl)
    return result


def NdisIMDeInitializeDeviceInstance(NdisMiniportHandle: NDIS_HANDLE) -> int:
    """Remove a virtual miniport: NDIS unbinds the protocols above it, pauses it and calls
    MiniportHaltEx with NdisHaltDeviceInstanceDeInitialized (R5.10).

    Returns NDIS_STATUS_SUCCESS (the teardown runs from the scheduler).
    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisimdeinitializedeviceinstance
    """
    ddi = "NdisIMDeInitializeDeviceInstance"
    lib, adapter = library_of(NdisMiniportHandle, ("adapter",), "NdisMiniportHandle", ddi)
    assert isinstance(adapter, Adapter)
    caller = lib.caller(ddi)

    def impl() -> int:
        if not is_intermediate(adapter.miniport.chars):
            lib.report("R5.06", caller, ddi, f"{adapter.name} is not the virtual miniport of an intermediate driver")
            return NDIS_STATUS_FAILURE
        lib.schedule(f"NDIS tears down {adapter.name}", lambda: _teardown(lib, adapter, 0))
        return NDIS_STATUS_SUCCESS

    result: int = lib.ddi(caller.name, ddi, (NdisMiniportHandle,), impl)
    return result


def _teardown(lib: NdisLibrary, adapter: Adapter, round_: int) -> None:
    """Unbind everything above, pause, halt: one step per scheduler turn until done."""
    if adapter.state is AdapterState.HALTED or adapter not in lib.adapters:
        return
    for binding in list(adapter.bindings):
        if binding.state in BOUND_STATES:
            unbind(lib, binding)
    if adapter.bindings:
        lib.schedule(f"NDIS waits for unbinds above {adapter.name}", lambda: _teardown(lib, adapter, round_ + 1))
        return
    if adapter.state is AdapterState.RUNNING:
        pause_adapter(lib, adapter)
    if adapter.state is not AdapterState.PAUSED:
        lib.schedule(f"NDIS waits for {adapter.name} to pause", lambda: _teardown(lib, adapter, round_ + 1))
        return
    halt_adapter_now(lib, adapter, NdisHaltDeviceInstanceDeInitialized)


# --------------------------------------------------------------------------------------------
# Stack pause: the virtual miniports above an adapter pause first and restart last
# --------------------------------------------------------------------------------------------


def stacked_above(lib: NdisLibrary, adapter: Adapter) -> list[Adapter]:
    """Virtual miniports of intermediate drivers bound (by their protocol edge) to *adapter*."""
    protocols = {id(b.protocol) for b in adapter.bindings}
    return [
        a
        for a in lib.adapters
        if a is not adapter and a.miniport.im_protocol is not None and id(a.miniport.im_protocol) in protocols
    ]


def pause_stack_above(lib: NdisLibrary, adapter: Adapter) -> list[Adapter]:
    """Pause, top-down, every running virtual miniport stacked above *adapter*.

    NDIS pauses a driver stack from the top: the IM's virtual miniport stops taking sends
    and waits for its own sends below before the adapter under it pauses. Returns the
    adapters paused here, so ``restart_stack_above`` can restart exactly those.
    """
    paused: list[Adapter] = []
    for upper in stacked_above(lib, adapter):
        paused += pause_stack_above(lib, upper)
        if upper.state is AdapterState.RUNNING:
            lib.trace.note(f"NDIS pauses {upper.name}, stacked above {adapter.name}")
            pause_adapter(lib, upper)
            paused.append(upper)
    if any(a.state is not AdapterState.PAUSED for a in paused):
        lib.scheduler.run_until_idle()  # the virtual miniports finish their pause first
    return paused


def restart_stack_above(lib: NdisLibrary, adapter: Adapter, paused: list[Adapter]) -> None:
    """Once *adapter* runs again, restart (bottom-up) the virtual miniports paused above it."""

    def check() -> None:
        if adapter.state is AdapterState.RESTARTING or adapter.flags.restart_queued:
            lib.schedule(f"NDIS waits for {adapter.name} to restart", check, delay=1)
            return
        if adapter.state is not AdapterState.RUNNING:
            return
        for upper in reversed(paused):
            if upper in lib.adapters and upper.state is AdapterState.PAUSED:
                lib.trace.note(f"NDIS restarts {upper.name}, stacked above {adapter.name}")
                restart_adapter(lib, upper)

    lib.schedule(f"NDIS restarts what it paused above {adapter.name}", check)
