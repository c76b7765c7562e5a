"""Helpers for tests, notebooks and exercises: ready-made machines and broken drivers.

``loopback_machine()`` returns a machine with the loopback miniport, the call manager (or
the MCM) and the client loaded, started and bound: a test's one-line fixture.

``miniport_driver()`` and ``protocol_driver()`` build drivers from the samples with one
thing changed, the way an exercise asks "what if your MiniportCoCreateVc pended?". Each
``edit_*`` callback receives the structure the driver is about to hand NDIS and may change
it (a field, a handler, the header), so the driver NDIS sees is genuinely broken.

>>> m, nic = loopback_machine()
>>> nic.state.name, [b.driver.name for b in nic.bindings]
('RUNNING', ['call_manager', 'client'])
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from condis_edu._library.objects import Adapter
from condis_edu.harness.machine import Machine
from condis_edu.ndis import (
    DRIVER_OBJECT,
    NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS,
    NDIS_CO_CLIENT_OPTIONAL_HANDLERS,
    NDIS_MINIPORT_CO_CHARACTERISTICS,
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS,
    NDIS_PROTOCOL_CO_CHARACTERISTICS,
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS,
    NDIS_STATUS_SUCCESS,
    STATUS_SUCCESS,
    STATUS_UNSUCCESSFUL,
    NdisMRegisterMiniportDriver,
    NdisRegisterProtocolDriver,
    NdisSetOptionalHandlers,
    fill_header,
)
from condis_edu.samples import call_manager, client, loopback_miniport, mcm
from condis_edu.samples.call_manager import protocol as cm_protocol
from condis_edu.samples.client import protocol as cl_protocol
from condis_edu.samples.loopback_miniport import miniport as mp_miniport
from condis_edu.samples.mcm import miniport as mcm_miniport
from condis_edu.verifier.core import VerifierMode

Edit = Callable[[Any], None] | None

__all__ = ["loopback_machine", "miniport_driver", "protocol_driver"]


def loopback_machine(
    *,
    verifier: VerifierMode = "strict",
    trace: bool = True,
    use_mcm: bool = False,
    bind: bool = True,
    miniport: object = None,
    manager: object = None,
    client_driver: object = None,
) -> tuple[Machine, Adapter]:
    """A machine with a CoNDIS miniport, a call manager and a client, started (and bound).

    With *use_mcm* the MCM sample replaces both the miniport and the call manager. Any of
    the three drivers can be swapped for a variant built with ``miniport_driver`` /
    ``protocol_driver``.
    """
    m = Machine(verifier=verifier, trace=trace)
    if use_mcm:
        m.load_driver(miniport if miniport is not None else mcm)
    else:
        m.load_driver(miniport if miniport is not None else loopback_miniport)
        m.load_driver(manager if manager is not None else call_manager)
    m.load_driver(client_driver if client_driver is not None else client)
    first = m.drivers[0]
    nic = m.start_adapter(first.name)
    if bind:
        m.bind_all()
    return m, nic


def miniport_driver(
    *,
    name: str = "loopback_miniport",
    use_mcm: bool = False,
    edit_chars: Edit = None,
    edit_co: Edit = None,
    edit_cm: Edit = None,
    register_co: bool = True,
    register_cm: bool | None = None,
    after_register: Callable[[DRIVER_OBJECT, Any, Any], int] | None = None,
) -> SimpleNamespace:
    """The loopback miniport (or the MCM) with its registration structures edited.

    Returns a module-like object with ``DriverEntry``, ``DRIVER_NAME`` and ``ADAPTER_PREFIX``.
    *after_register(DriverObject, Status, handle)* may replace what DriverEntry returns.
    """
    sample: Any = mcm_miniport if use_mcm else mp_miniport
    globals_type: Any = sample.McmGlobals if use_mcm else sample.MiniportGlobals
    good_entry: Any = sample.DriverEntry
    good_set_options: Any = sample.McmSetOptions if use_mcm else sample.MPSetOptions
    with_cm = use_mcm if register_cm is None else register_cm

    def SetOptions(NdisDriverHandle: Any, DriverContext: Any) -> int:
        captured: list[Any] = []
        original = sample.NdisSetOptionalHandlers

        def capture(handle: Any, structure: Any) -> int:
            captured.append(structure)
            return NDIS_STATUS_SUCCESS

        sample.NdisSetOptionalHandlers = capture
        try:
            good_set_options(NdisDriverHandle, DriverContext)
        finally:
            sample.NdisSetOptionalHandlers = original
        co = next((s for s in captured if isinstance(s, NDIS_MINIPORT_CO_CHARACTERISTICS)), None)
        cm = next((s for s in captured if isinstance(s, NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS)), None)
        if with_cm and cm is None:
            cm = _mcm_handlers()
        for structure, edit, wanted in ((co, edit_co, register_co), (cm, edit_cm, with_cm)):
            if structure is None or not wanted:
                continue
            if edit is not None:
                edit(structure)
            Status = NdisSetOptionalHandlers(NdisDriverHandle, structure)
            if Status != NDIS_STATUS_SUCCESS:
                return Status
        return NDIS_STATUS_SUCCESS

    def DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: str) -> int:
        chars = _captured_miniport_chars(good_entry)
        globals_ = globals_type()
        DriverObject.DriverExtension = globals_
        chars.SetOptionsHandler = SetOptions
        if edit_chars is not None:
            edit_chars(chars)
        Status, handle = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, globals_, chars)
        if Status == NDIS_STATUS_SUCCESS:
            globals_.NdisMiniportDriverHandle = handle
        if after_register is not None:
            return after_register(DriverObject, Status, handle)
        return STATUS_SUCCESS if Status == NDIS_STATUS_SUCCESS else STATUS_UNSUCCESSFUL

    prefix = "mcm" if use_mcm else "loopback"
    return SimpleNamespace(DriverEntry=DriverEntry, DRIVER_NAME=name, ADAPTER_PREFIX=prefix)


def _mcm_handlers() -> NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS:
    captured: list[Any] = []
    sample: Any = mcm_miniport
    original = sample.NdisSetOptionalHandlers

    def capture(handle: Any, structure: Any) -> int:
        captured.append(structure)
        return NDIS_STATUS_SUCCESS

    sample.NdisSetOptionalHandlers = capture
    try:
        sample.McmSetOptions(None, None)
    finally:
        sample.NdisSetOptionalHandlers = original
    cm = captured[-1]
    assert isinstance(cm, NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS)
    return cm


def _captured_miniport_chars(entry: Any) -> NDIS_MINIPORT_DRIVER_CHARACTERISTICS:
    """Run a sample DriverEntry against a fake registration to get its characteristics."""
    module: Any = mcm_miniport if entry is mcm_miniport.DriverEntry else mp_miniport
    captured: list[NDIS_MINIPORT_DRIVER_CHARACTERISTICS] = []
    original = module.NdisMRegisterMiniportDriver

    def capture(DriverObject: Any, RegistryPath: Any, Context: Any, Chars: Any) -> tuple[int, None]:
        captured.append(Chars)
        return NDIS_STATUS_SUCCESS, None

    module.NdisMRegisterMiniportDriver = capture
    try:
        entry(DRIVER_OBJECT(), "")
    finally:
        module.NdisMRegisterMiniportDriver = original
    return captured[0]


def protocol_driver(
    *,
    role: str = "client",
    name: str | None = None,
    edit_chars: Edit = None,
    edit_co: Edit = None,
    edit_cl: Edit = None,
    edit_cm: Edit = None,
    register_co: bool = True,
) -> SimpleNamespace:
    """The sample client (``role="client"``) or call manager (``role="cm"``), edited."""
    sample: Any = cl_protocol if role == "client" else cm_protocol
    set_options: Any = sample.ClSetOptions if role == "client" else sample.CmSetOptions
    globals_type: Any = sample.ClGlobals if role == "client" else sample.CmGlobals
    unload: Any = sample.ClUnload if role == "client" else sample.CmUnload

    def SetOptions(NdisDriverHandle: Any, DriverContext: Any) -> int:
        captured: list[Any] = []
        original = sample.NdisSetOptionalHandlers

        def capture(handle: Any, structure: Any) -> int:
            captured.append(structure)
            return NDIS_STATUS_SUCCESS

        sample.NdisSetOptionalHandlers = capture
        try:
            set_options(NdisDriverHandle, DriverContext)
        finally:
            sample.NdisSetOptionalHandlers = original
        for structure in captured:
            if isinstance(structure, NDIS_PROTOCOL_CO_CHARACTERISTICS):
                if not register_co:
                    continue
                edit = edit_co
            elif isinstance(structure, NDIS_CO_CLIENT_OPTIONAL_HANDLERS):
                edit = edit_cl
            else:
                edit = edit_cm
            if edit is not None:
                edit(structure)
            Status = NdisSetOptionalHandlers(NdisDriverHandle, structure)
            if Status != NDIS_STATUS_SUCCESS:
                return Status
        return NDIS_STATUS_SUCCESS

    def DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: str) -> int:
        globals_ = globals_type()
        DriverObject.DriverExtension = globals_
        DriverObject.DriverUnload = unload
        chars = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS()
        captured: list[Any] = []
        original = sample.NdisRegisterProtocolDriver

        def capture(Context: Any, Chars: Any) -> tuple[int, None]:
            captured.append(Chars)
            return NDIS_STATUS_SUCCESS, None

        sample.NdisRegisterProtocolDriver = capture
        try:
            sample.DriverEntry(DRIVER_OBJECT(), "")
        finally:
            sample.NdisRegisterProtocolDriver = original
        chars = captured[0]
        chars.SetOptionsHandler = SetOptions
        if edit_chars is not None:
            edit_chars(chars)
        Status, handle = NdisRegisterProtocolDriver(globals_, chars)
        if Status != NDIS_STATUS_SUCCESS:
            return STATUS_UNSUCCESSFUL
        globals_.NdisProtocolHandle = handle
        return STATUS_SUCCESS

    default = "client" if role == "client" else "call_manager"
    return SimpleNamespace(DriverEntry=DriverEntry, DRIVER_NAME=name or default)


_ = fill_header
