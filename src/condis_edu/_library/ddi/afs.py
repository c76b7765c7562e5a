"""Address families and SAPs: register, notify, open, close; register and deregister SAPs.

Every request here follows the same CoNDIS pattern: NDIS forwards the request to the peer's
handler; a status other than PENDING goes straight back to the requester (who then calls its
own completion handler); PENDING means the peer will call the matching ``...Complete`` DDI and
NDIS will then call the requester's completion handler.

Pages:
https://learn.microsoft.com/windows-hardware/drivers/network/registering-and-opening-an-address-family,
https://learn.microsoft.com/windows-hardware/drivers/network/registering-a-sap,
https://learn.microsoft.com/windows-hardware/drivers/network/closing-an-address-family.
"""

from __future__ import annotations

from typing import Any

from condis_edu._library.core import NdisLibrary, library_of
from condis_edu._library.ddi.common import call_handler, copy_structure, require_type
from condis_edu._library.objects import Adapter, Af, AfRegistration, Binding, Driver, MiniportDriver, Sap
from condis_edu._library.pnp import BOUND_STATES, forget_vc, queue_af_notify
from condis_edu._library.statemachine import Refuse
from condis_edu._library.states.adapter import AdapterState
from condis_edu._library.states.af import (
    AF_TABLE,
    SAP_TABLE,
    AfInput,
    AfPending,
    AfState,
    SapInput,
    SapPending,
    SapState,
)
from condis_edu._library.states.vc import VcState
from condis_edu.mirror.handles import NDIS_HANDLE, owner_of, retarget, target_of
from condis_edu.mirror.status import (
    NDIS_STATUS,
    NDIS_STATUS_CLOSING,
    NDIS_STATUS_FAILURE,
    NDIS_STATUS_NOT_ACCEPTED,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
)
from condis_edu.mirror.structures import CO_ADDRESS_FAMILY, CO_SAP


def expect_caller(lib: NdisLibrary, expected: Driver, ddi: str, rule: str, role: str) -> None:
    """If a driver is running and it is not *expected*, report *rule*."""
    current = lib.current()
    if current is not None and current is not expected:
        lib.report(rule, current, ddi, f"only {role} ({expected.name}) may call it")


def settle(
    lib: NdisLibrary, obj: Any, pending: AfPending | SapPending, driver: Driver, ddi: str, status: int
) -> int | None:
    """Validate a completion DDI: the request must be pending (X1.01), the status final (X1.02)."""
    if obj.pending != pending:
        lib.report("X1.01", driver, ddi, f"no pended {pending.value} request on {obj.handle.label}")
        return None
    if status == NDIS_STATUS_PENDING:
        lib.report("X1.02", driver, ddi, "Status is NDIS_STATUS_PENDING")
        status = NDIS_STATUS_FAILURE
    lib.mark(obj, pending=None)
    return status


# --------------------------------------------------------------------------- AF registration
def NdisCmRegisterAddressFamilyEx(NdisBindingHandle: NDIS_HANDLE, AddressFamily: CO_ADDRESS_FAMILY) -> NDIS_STATUS:
    """A stand-alone call manager registers the AF it serves on the adapter of a binding.

    NDIS contract:
        From ProtocolBindAdapterEx, once per adapter (R1.31). NDIS then calls
        ProtocolCoAfRegisterNotify of the clients bound to that adapter (R1.32).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscmregisteraddressfamilyex
    """
    ddi = "NdisCmRegisterAddressFamilyEx"
    lib, binding = library_of(NdisBindingHandle, ("binding",), "NdisBindingHandle", ddi)
    return lib.ddi(
        binding.driver.name,
        ddi,
        (NdisBindingHandle,),
        _register_af,
        lib,
        binding.adapter,
        binding,
        None,
        AddressFamily,
        ddi,
    )


def NdisMCmRegisterAddressFamilyEx(MiniportAdapterHandle: NDIS_HANDLE, AddressFamily: CO_ADDRESS_FAMILY) -> NDIS_STATUS:
    """An MCM registers the AF it serves on one of its adapters (from MiniportInitializeEx, R1.38).

    https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismcmregisteraddressfamilyex
    """
    ddi = "NdisMCmRegisterAddressFamilyEx"
    lib, adapter = library_of(MiniportAdapterHandle, ("adapter",), "MiniportAdapterHandle", ddi)
    return lib.ddi(
        adapter.driver.name,
        ddi,
        (MiniportAdapterHandle,),
        _register_af,
        lib,
        adapter,
        None,
        adapter.miniport,
        AddressFamily,
        ddi,
    )


def _register_af(
    lib: NdisLibrary, adapter: Adapter, binding: Binding | None, mcm: MiniportDriver | None, family: Any, ddi: str
) -> NDIS_STATUS:

    require_type(family, CO_ADDRESS_FAMILY, "AddressFamily", ddi)
    driver = binding.driver if binding is not None else adapter.driver
    if binding is not None and binding.protocol.cm is None:
        lib.report("R1.31", driver, ddi, "the protocol registered no call manager handlers")
        return NDIS_STATUS_FAILURE
    if mcm is not None:
        if not mcm.is_mcm:
            lib.report("R1.31", driver, ddi, "the miniport registered no call manager handlers")
            return NDIS_STATUS_FAILURE
        if adapter.state is not AdapterState.INITIALIZING:
            lib.report("R1.38", driver, ddi, f"called with {adapter.name} in state {adapter.state.name}")
            return NDIS_STATUS_FAILURE
    for existing in adapter.af_registrations:
        if existing.family.AddressFamily == family.AddressFamily:
            if existing.cm_binding is binding and existing.mcm is mcm:
                lib.report("R1.31", driver, ddi, f"AF 0x{family.AddressFamily:x} is already registered on this adapter")
            return NDIS_STATUS_FAILURE
    registration = AfRegistration(copy_structure(family), adapter, binding, mcm)
    adapter.af_registrations.append(registration)
    if binding is not None:
        binding.cm_registrations.append(registration)
    for other in adapter.bindings:
        if other.state in BOUND_STATES:
            queue_af_notify(lib, registration, other)
    return NDIS_STATUS_SUCCESS


# --------------------------------------------------------------------------- open / close
def NdisClOpenAddressFamilyEx(
    NdisBindingHandle: NDIS_HANDLE, AddressFamily: CO_ADDRESS_FAMILY, ClientAfContext: object
) -> tuple[NDIS_STATUS, NDIS_HANDLE | None]:
    """A client opens an AF announced by ProtocolCoAfRegisterNotify; returns ``(Status, NdisAfHandle)``.

    NDIS contract:
        NDIS forwards to the call manager's ProtocolCmOpenAf. Anything but PENDING is final
        (the client calls its own ProtocolClOpenAfCompleteEx); PENDING ends with
        NdisCmOpenAddressFamilyComplete -> ProtocolClOpenAfCompleteEx.
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisclopenaddressfamilyex
    """
    ddi = "NdisClOpenAddressFamilyEx"
    lib, binding = library_of(NdisBindingHandle, ("binding",), "NdisBindingHandle", ddi)
    return lib.ddi(
        binding.driver.name, ddi, (NdisBindingHandle,), _open_af, lib, binding, AddressFamily, ClientAfContext
    )


def _open_af(
    lib: NdisLibrary, binding: Binding, family: Any, context: object
) -> tuple[NDIS_STATUS, NDIS_HANDLE | None]:
    ddi = "NdisClOpenAddressFamilyEx"
    require_type(family, CO_ADDRESS_FAMILY, "AddressFamily", ddi)
    if binding.protocol.cl is None:
        lib.report("R1.28", binding.driver, ddi, "the protocol registered no client handlers")
        return NDIS_STATUS_FAILURE, None
    registration = next((r for r in binding.adapter.af_registrations if r.alive and r.matches(family)), None)
    if registration is None:
        return NDIS_STATUS_FAILURE, None
    handle = lib.handles.mint("af", None)
    af = Af(handle, registration, binding, context)
    retarget(handle, af)
    registration.opens.append(af)
    binding.afs.append(af)
    result = call_handler(
        lib,
        registration.cm_driver,
        registration.cm_handlers,
        "CmOpenAfHandler",
        (registration.cm_binding_context, copy_structure(family), handle),
        (handle,),
    )
    status, cm_context = result
    if status == NDIS_STATUS_PENDING:
        lib.mark(af, pending=AfPending.OPEN)
        return NDIS_STATUS_PENDING, handle
    if status == NDIS_STATUS_SUCCESS:
        af.cm_context = cm_context
        lib.force(af, "state", AF_TABLE, AfInput.OPEN_SUCCEEDED)
        return NDIS_STATUS_SUCCESS, handle
    lib.force(af, "state", AF_TABLE, AfInput.OPEN_FAILED)
    _forget_af(lib, af)
    lib.handles.unmint(handle)
    return status, None


def _forget_af(lib: NdisLibrary, af: Af) -> None:

    if af in af.registration.opens:
        af.registration.opens.remove(af)
    if af in af.client_binding.afs:
        af.client_binding.afs.remove(af)
    for vc in list(af.vcs):
        lib.trace.note(f"{vc.handle.label} still existed when {af.handle.label} closed: NDIS frees it")
        forget_vc(lib, vc, f"{af.handle.label} was closed")


def NdisCmOpenAddressFamilyComplete(Status: NDIS_STATUS, NdisAfHandle: NDIS_HANDLE, CallMgrAfContext: object) -> None:
    """The call manager finishes an open it pended in ProtocolCmOpenAf.

    https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscmopenaddressfamilycomplete
    """
    _open_af_complete("NdisCmOpenAddressFamilyComplete", Status, NdisAfHandle, CallMgrAfContext)


def NdisMCmOpenAddressFamilyComplete(Status: NDIS_STATUS, NdisAfHandle: NDIS_HANDLE, CallMgrAfContext: object) -> None:
    """MCM form of NdisCmOpenAddressFamilyComplete (a macro for it in ndis.h)."""
    _open_af_complete("NdisMCmOpenAddressFamilyComplete", Status, NdisAfHandle, CallMgrAfContext)


def _open_af_complete(ddi: str, Status: int, NdisAfHandle: NDIS_HANDLE, context: object) -> None:
    lib, af = library_of(NdisAfHandle, ("af",), "NdisAfHandle", ddi)

    def impl() -> None:
        cm = af.registration.cm_driver
        status = settle(lib, af, AfPending.OPEN, cm, ddi, Status)
        if status is None:
            return
        protocol = af.client_binding.protocol
        if status == NDIS_STATUS_SUCCESS:
            af.cm_context = context
            lib.force(af, "state", AF_TABLE, AfInput.OPEN_SUCCEEDED)
        else:
            lib.force(af, "state", AF_TABLE, AfInput.OPEN_FAILED)
            _forget_af(lib, af)
        call_handler(
            lib,
            protocol.driver,
            protocol.cl,
            "ClOpenAfCompleteHandlerEx",
            (status, af.client_context, NdisAfHandle),
            (status, NdisAfHandle),
        )
        if status != NDIS_STATUS_SUCCESS:
            lib.kill(NdisAfHandle, f"{ddi} failed the open")

    lib.ddi(af.registration.cm_driver.name, ddi, (Status, NdisAfHandle), impl)


def NdisClCloseAddressFamily(NdisAfHandle: NDIS_HANDLE) -> NDIS_STATUS:
    """A client closes an AF it opened.

    NDIS contract:
        Calls closed, VCs deleted and SAPs deregistered first (R2.46). NDIS forwards to
        ProtocolCmCloseAf; PENDING ends with NdisCmCloseAddressFamilyComplete ->
        ProtocolClCloseAfComplete.
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisclcloseaddressfamily
    """
    ddi = "NdisClCloseAddressFamily"
    lib, af = library_of(NdisAfHandle, ("af",), "NdisAfHandle", ddi)
    return lib.ddi(af.client_binding.driver.name, ddi, (NdisAfHandle,), _close_af, lib, af)


def _close_af(lib: NdisLibrary, af: Af) -> NDIS_STATUS:
    ddi = "NdisClCloseAddressFamily"
    client = af.client_binding.driver
    expect_caller(lib, client, ddi, "R1.28", "the client that opened the AF")
    cell = AF_TABLE.step(af.state, AfInput.CLOSE)
    if isinstance(cell, Refuse):
        return cell.status
    if cell is None:
        return NDIS_STATUS_NOT_ACCEPTED
    leftovers = [s.handle.label for s in af.saps if s.state is not SapState.DEREGISTERED]
    leftovers += [v.handle.label for v in af.vcs if v.creator == "client" or v.call_state.name != "IDLE"]
    if leftovers:
        lib.note("R2.46", client, ddi, "still in use by: " + ", ".join(leftovers))
        return NDIS_STATUS_NOT_ACCEPTED
    lib.force(af, "state", AF_TABLE, AfInput.CLOSE)
    registration = af.registration
    status = call_handler(
        lib, registration.cm_driver, registration.cm_handlers, "CmCloseAfHandler", (af.cm_context,), (af.handle,)
    )
    if status == NDIS_STATUS_PENDING:
        lib.mark(af, pending=AfPending.CLOSE)
        return NDIS_STATUS_PENDING
    _finish_close_af(lib, af, status)
    return int(status)


def _finish_close_af(lib: NdisLibrary, af: Af, status: int) -> None:
    if status == NDIS_STATUS_SUCCESS:
        lib.force(af, "state", AF_TABLE, AfInput.CLOSE_SUCCEEDED)
        _forget_af(lib, af)
        if af.pending != AfPending.NOTIFY_CLOSE:
            lib.kill(af.handle, "the address family was closed")
    else:
        lib.force(af, "state", AF_TABLE, AfInput.CLOSE_FAILED)


def NdisCmCloseAddressFamilyComplete(Status: NDIS_STATUS, NdisAfHandle: NDIS_HANDLE) -> None:
    """The call manager finishes a close it pended in ProtocolCmCloseAf.

    https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscmcloseaddressfamilycomplete
    """
    _close_af_complete("NdisCmCloseAddressFamilyComplete", Status, NdisAfHandle)


def NdisMCmCloseAddressFamilyComplete(Status: NDIS_STATUS, NdisAfHandle: NDIS_HANDLE) -> None:
    """MCM form of NdisCmCloseAddressFamilyComplete."""
    _close_af_complete("NdisMCmCloseAddressFamilyComplete", Status, NdisAfHandle)


def _close_af_complete(ddi: str, Status: int, NdisAfHandle: NDIS_HANDLE) -> None:
    lib, af = library_of(NdisAfHandle, ("af",), "NdisAfHandle", ddi)

    def impl() -> None:
        status = settle(lib, af, AfPending.CLOSE, af.registration.cm_driver, ddi, Status)
        if status is None:
            return
        _finish_close_af(lib, af, status)
        protocol = af.client_binding.protocol
        call_handler(
            lib, protocol.driver, protocol.cl, "ClCloseAfCompleteHandler", (status, af.client_context), (status,)
        )

    lib.ddi(af.registration.cm_driver.name, ddi, (Status, NdisAfHandle), impl)


def NdisCmNotifyCloseAddressFamily(NdisAfHandle: NDIS_HANDLE, Status: NDIS_STATUS) -> NDIS_STATUS:
    """A call manager that is going away asks the client to close the AF (R2.47).

    NDIS contract:
        NDIS calls the client's ProtocolClNotifyCloseAf, which closes the AF. PENDING ends
        with NdisClNotifyCloseAddressFamilyComplete -> ProtocolCmNotifyCloseAfComplete.
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscmnotifycloseaddressfamily
    """
    return _notify_close("NdisCmNotifyCloseAddressFamily", NdisAfHandle, Status)


def NdisMCmNotifyCloseAddressFamily(NdisAfHandle: NDIS_HANDLE, Status: NDIS_STATUS) -> NDIS_STATUS:
    """MCM form of NdisCmNotifyCloseAddressFamily."""
    return _notify_close("NdisMCmNotifyCloseAddressFamily", NdisAfHandle, Status)


def _notify_close(ddi: str, NdisAfHandle: NDIS_HANDLE, Status: int) -> NDIS_STATUS:
    lib, af = library_of(NdisAfHandle, ("af",), "NdisAfHandle", ddi)

    def impl() -> NDIS_STATUS:
        cell = AF_TABLE.step(af.state, AfInput.NOTIFY_CLOSE)
        if isinstance(cell, Refuse):
            return cell.status
        if cell is None:
            return NDIS_STATUS_NOT_ACCEPTED
        lib.force(af, "state", AF_TABLE, AfInput.NOTIFY_CLOSE)
        lib.mark(af, pending=AfPending.NOTIFY_CLOSE)
        protocol = af.client_binding.protocol
        status = call_handler(
            lib, protocol.driver, protocol.cl, "ClNotifyCloseAfHandler", (af.client_context,), (NdisAfHandle,)
        )
        if status == NDIS_STATUS_PENDING:
            return NDIS_STATUS_PENDING
        lib.mark(af, pending=None)
        if af.state is AfState.CLOSED:
            lib.kill(af.handle, "the address family was closed")
        return int(status)

    return lib.ddi(af.registration.cm_driver.name, ddi, (NdisAfHandle, Status), impl)


def NdisClNotifyCloseAddressFamilyComplete(NdisAfHandle: NDIS_HANDLE, Status: NDIS_STATUS) -> None:
    """The client finishes a ProtocolClNotifyCloseAf it pended.

    https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisclnotifycloseaddressfamilycomplete
    """
    ddi = "NdisClNotifyCloseAddressFamilyComplete"
    if not isinstance(NdisAfHandle, NDIS_HANDLE) or NdisAfHandle.kind != "af":
        library_of(NdisAfHandle, ("af",), "NdisAfHandle", ddi)
    lib, af = _af_even_if_closed(NdisAfHandle, ddi)

    def impl() -> None:
        status = settle(lib, af, AfPending.NOTIFY_CLOSE, af.client_binding.driver, ddi, Status)
        if status is None:
            return
        if af.state is AfState.CLOSED:
            lib.kill(af.handle, "the address family was closed")
        cm = af.registration
        call_handler(
            lib, cm.cm_driver, cm.cm_handlers, "CmNotifyCloseAfCompleteHandler", (status, af.cm_context), (status,)
        )

    lib.ddi(af.client_binding.driver.name, ddi, (NdisAfHandle, Status), impl)


def _af_even_if_closed(handle: NDIS_HANDLE, ddi: str) -> tuple[NdisLibrary, Af]:
    """The notify-close completion may follow the close itself: NDIS keeps the AF until then."""
    target = target_of(handle)
    if isinstance(target, Af) and not handle.alive and target.pending == AfPending.NOTIFY_CLOSE:
        owner = owner_of(handle)
        assert isinstance(owner, NdisLibrary)
        owner.check_alive()
        return owner, target
    return library_of(handle, ("af",), "NdisAfHandle", ddi)


# --------------------------------------------------------------------------- SAPs
def NdisClRegisterSap(
    NdisAfHandle: NDIS_HANDLE, ProtocolSapContext: object, Sap: CO_SAP
) -> tuple[NDIS_STATUS, NDIS_HANDLE | None]:
    """A client registers a SAP to receive incoming calls; returns ``(Status, NdisSapHandle)``.

    https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisclregistersap
    """
    ddi = "NdisClRegisterSap"
    lib, af = library_of(NdisAfHandle, ("af",), "NdisAfHandle", ddi)
    return lib.ddi(af.client_binding.driver.name, ddi, (NdisAfHandle,), _register_sap, lib, af, ProtocolSapContext, Sap)


def _register_sap(lib: NdisLibrary, af: Af, context: object, sap: Any) -> tuple[NDIS_STATUS, NDIS_HANDLE | None]:
    ddi = "NdisClRegisterSap"
    require_type(sap, CO_SAP, "Sap", ddi)
    expect_caller(lib, af.client_binding.driver, ddi, "R1.28", "the client that opened the AF")
    if af.state is AfState.OPENING:
        return NDIS_STATUS_NOT_ACCEPTED, None
    if af.state is not AfState.OPEN:
        return NDIS_STATUS_CLOSING, None
    handle = lib.handles.mint("sap", None)
    record = Sap(handle, af, context, copy_structure(sap))
    retarget(handle, record)
    af.saps.append(record)
    cm = af.registration
    status, cm_context = call_handler(
        lib,
        cm.cm_driver,
        cm.cm_handlers,
        "CmRegisterSapHandler",
        (af.cm_context, copy_structure(sap), handle),
        (handle,),
    )
    if status == NDIS_STATUS_PENDING:
        lib.mark(record, pending=SapPending.REGISTER)
        return NDIS_STATUS_PENDING, handle
    if status == NDIS_STATUS_SUCCESS:
        record.cm_context = cm_context
        lib.force(record, "state", SAP_TABLE, SapInput.REGISTER_SUCCEEDED)
        return NDIS_STATUS_SUCCESS, handle
    af.saps.remove(record)
    lib.force(record, "state", SAP_TABLE, SapInput.REGISTER_FAILED)
    lib.handles.unmint(handle)
    return status, None


def NdisCmRegisterSapComplete(Status: NDIS_STATUS, NdisSapHandle: NDIS_HANDLE, CallMgrSapContext: object) -> None:
    """The call manager finishes a SAP registration it pended.

    https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscmregistersapcomplete
    """
    _register_sap_complete("NdisCmRegisterSapComplete", Status, NdisSapHandle, CallMgrSapContext)


def NdisMCmRegisterSapComplete(Status: NDIS_STATUS, NdisSapHandle: NDIS_HANDLE, CallMgrSapContext: object) -> None:
    """MCM form of NdisCmRegisterSapComplete."""
    _register_sap_complete("NdisMCmRegisterSapComplete", Status, NdisSapHandle, CallMgrSapContext)


def _register_sap_complete(ddi: str, Status: int, handle: NDIS_HANDLE, context: object) -> None:
    lib, sap = library_of(handle, ("sap",), "NdisSapHandle", ddi)

    def impl() -> None:
        status = settle(lib, sap, SapPending.REGISTER, sap.af.registration.cm_driver, ddi, Status)
        if status is None:
            return
        if status == NDIS_STATUS_SUCCESS:
            sap.cm_context = context
            lib.force(sap, "state", SAP_TABLE, SapInput.REGISTER_SUCCEEDED)
        else:
            lib.force(sap, "state", SAP_TABLE, SapInput.REGISTER_FAILED)
            sap.af.saps.remove(sap)
        protocol = sap.af.client_binding.protocol
        call_handler(
            lib,
            protocol.driver,
            protocol.cl,
            "ClRegisterSapCompleteHandler",
            (status, sap.client_context, copy_structure(sap.sap), handle),
            (status, handle),
        )
        if status != NDIS_STATUS_SUCCESS:
            lib.kill(handle, "the SAP registration failed")

    lib.ddi(sap.af.registration.cm_driver.name, ddi, (Status, handle), impl)


def NdisClDeregisterSap(NdisSapHandle: NDIS_HANDLE) -> NDIS_STATUS:
    """A client stops receiving calls on a SAP.

    https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisclderegistersap
    """
    ddi = "NdisClDeregisterSap"
    lib, sap = library_of(NdisSapHandle, ("sap",), "NdisSapHandle", ddi)

    def impl() -> NDIS_STATUS:
        expect_caller(lib, sap.af.client_binding.driver, ddi, "R1.28", "the client that registered the SAP")
        cell = lib.move(sap, "state", SAP_TABLE, SapInput.DEREGISTER)
        if isinstance(cell, Refuse):
            return cell.status
        if cell is None:
            return NDIS_STATUS_NOT_ACCEPTED
        cm = sap.af.registration
        status = call_handler(
            lib, cm.cm_driver, cm.cm_handlers, "CmDeregisterSapHandler", (sap.cm_context,), (NdisSapHandle,)
        )
        if status == NDIS_STATUS_PENDING:
            lib.mark(sap, pending=SapPending.DEREGISTER)
            return NDIS_STATUS_PENDING
        _finish_deregister(lib, sap, status)
        return int(status)

    return lib.ddi(sap.af.client_binding.driver.name, ddi, (NdisSapHandle,), impl)


def _finish_deregister(lib: NdisLibrary, sap: Sap, status: int) -> None:
    if status == NDIS_STATUS_SUCCESS:
        lib.force(sap, "state", SAP_TABLE, SapInput.DEREGISTER_SUCCEEDED)
        if sap in sap.af.saps:
            sap.af.saps.remove(sap)
        lib.kill(sap.handle, "the SAP was deregistered")
    else:
        lib.force(sap, "state", SAP_TABLE, SapInput.DEREGISTER_FAILED)


def NdisCmDeregisterSapComplete(Status: NDIS_STATUS, NdisSapHandle: NDIS_HANDLE) -> None:
    """The call manager finishes a deregistration it pended.

    https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscmderegistersapcomplete
    """
    _deregister_sap_complete("NdisCmDeregisterSapComplete", Status, NdisSapHandle)


def NdisMCmDeregisterSapComplete(Status: NDIS_STATUS, NdisSapHandle: NDIS_HANDLE) -> None:
    """MCM form of NdisCmDeregisterSapComplete."""
    _deregister_sap_complete("NdisMCmDeregisterSapComplete", Status, NdisSapHandle)


def _deregister_sap_complete(ddi: str, Status: int, handle: NDIS_HANDLE) -> None:
    lib, sap = library_of(handle, ("sap",), "NdisSapHandle", ddi)

    def impl() -> None:
        status = settle(lib, sap, SapPending.DEREGISTER, sap.af.registration.cm_driver, ddi, Status)
        if status is None:
            return
        _finish_deregister(lib, sap, status)
        protocol = sap.af.client_binding.protocol
        call_handler(
            lib, protocol.driver, protocol.cl, "ClDeregisterSapCompleteHandler", (status, sap.client_context), (status,)
        )

    lib.ddi(sap.af.registration.cm_driver.name, ddi, (Status, handle), impl)


_ = VcState
