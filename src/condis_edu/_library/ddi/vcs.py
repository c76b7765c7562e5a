"""Virtual connections: create, delete, activate, deactivate (stand-alone CM and MCM forms).

Pages:
https://learn.microsoft.com/windows-hardware/drivers/network/creating-a-vc,
https://learn.microsoft.com/windows-hardware/drivers/network/activating-a-vc,
https://learn.microsoft.com/windows-hardware/drivers/network/deactivating-a-vc,
https://learn.microsoft.com/windows-hardware/drivers/network/deleting-a-vc.

Order of handler calls (our reading of creating-a-vc/deleting-a-vc): NdisCoCreateVc calls
MiniportCoCreateVc first and then the peer protocol's ProtocolCoCreateVc, undoing the miniport
side if the peer refuses; NdisCoDeleteVc calls the peer first, then the miniport.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from condis_edu._library.core import NdisLibrary, library_of
from condis_edu._library.ddi.afs import expect_caller
from condis_edu._library.ddi.common import call_handler, require_type
from condis_edu._library.ddi.datapath import drain_then
from condis_edu._library.objects import Adapter, Af, Binding, Driver, Vc
from condis_edu._library.pnp import forget_vc
from condis_edu._library.statemachine import Move, Refuse
from condis_edu._library.states.af import AfState
from condis_edu._library.states.call import CallState
from condis_edu._library.states.vc import VC_TABLE, VcInput, VcState
from condis_edu.mirror.handles import NDIS_HANDLE, retarget
from condis_edu.mirror.status import (
    NDIS_STATUS,
    NDIS_STATUS_FAILURE,
    NDIS_STATUS_INVALID_DATA,
    NDIS_STATUS_NOT_ACCEPTED,
    NDIS_STATUS_NOT_SUPPORTED,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_RESOURCES,
    NDIS_STATUS_SUCCESS,
    status_name,
)
from condis_edu.mirror.structures import CO_CALL_PARAMETERS

ACTIVATE_RESULTS = frozenset(
    {NDIS_STATUS_SUCCESS, NDIS_STATUS_PENDING, NDIS_STATUS_INVALID_DATA, NDIS_STATUS_RESOURCES}
)


# ---------------------------------------------------------------------------------- create
def NdisCoCreateVc(
    NdisBindingHandle: NDIS_HANDLE,
    NdisAfHandle: NDIS_HANDLE | None,
    ProtocolVcContext: object,
    NdisVcHandle: NDIS_HANDLE | None = None,
) -> tuple[NDIS_STATUS, NDIS_HANDLE | None]:
    """Create a VC; returns ``(Status, NdisVcHandle)``.

    The C parameter *NdisVcHandle* is in/out: its value on entry must be NULL (R2.06), so
    pass nothing (or ``None``) and read the new handle from the result.

    NDIS contract:
        A client creates the VC of an outgoing call with its AF handle; a call manager
        creates the VC of an incoming call with the AF handle of the SAP's AF, or a
        signaling VC with ``NdisAfHandle = None`` (R2.02). NDIS calls MiniportCoCreateVc and
        the peer's ProtocolCoCreateVc, which both complete synchronously (R2.07). Returns
        SUCCESS, RESOURCES, FAILURE (bad AF handle) or the refusing handler's status (R2.08).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscocreatevc
    """
    ddi = "NdisCoCreateVc"
    lib, binding = library_of(NdisBindingHandle, ("binding",), "NdisBindingHandle", ddi)
    af: Af | None = None
    if NdisAfHandle is not None:
        af = lib.resolve(NdisAfHandle, ("af",), "NdisAfHandle", ddi)
    return lib.ddi(
        binding.driver.name,
        ddi,
        (NdisBindingHandle, NdisAfHandle),
        _co_create_vc,
        lib,
        binding,
        af,
        ProtocolVcContext,
        NdisVcHandle,
    )


def _co_create_vc(
    lib: NdisLibrary, binding: Binding, af: Af | None, context: object, in_handle: object
) -> tuple[NDIS_STATUS, NDIS_HANDLE | None]:
    ddi = "NdisCoCreateVc"
    driver = binding.driver
    if in_handle is not None:
        lib.report("R2.06", driver, ddi, f"*NdisVcHandle is {in_handle!r} on entry, not NULL")
        return NDIS_STATUS_FAILURE, None  # collect mode: refused, nothing created
    if af is None:
        if binding.protocol.cm is None:
            lib.report("R2.02", driver, ddi, "only a call manager creates a VC without an address family")
            return NDIS_STATUS_FAILURE, None
        creator = "cm"
    elif af.state is not AfState.OPEN:
        return NDIS_STATUS_FAILURE, None
    elif binding is af.client_binding:
        creator = "client"
    elif binding is af.registration.cm_binding:
        creator = "cm"
    else:
        return NDIS_STATUS_FAILURE, None  # the binding does not share this AF
    adapter = binding.adapter
    mcm = af is not None and af.registration.mcm is not None
    if not mcm and adapter.miniport.co is None:
        # The miniport registered no MiniportCoXxx handlers (NdisSetOptionalHandlers with
        # NDIS_MINIPORT_CO_CHARACTERISTICS): there is nothing NDIS could create a VC in.
        return NDIS_STATUS_NOT_SUPPORTED, None
    handle = lib.handles.mint("vc", None)
    vc = Vc(handle, adapter, af, creator, driver)
    retarget(handle, vc)
    if af is None:
        vc.cm_binding = binding
    if creator == "client":
        vc.client_context = context
    else:
        vc.cm_context = context

    if not mcm:
        status = _miniport_create(lib, vc)
        if status != NDIS_STATUS_SUCCESS:
            lib.handles.unmint(handle)
            return status, None
    else:
        vc.miniport_context = None

    if af is not None:
        status = _peer_create(lib, vc, "cm" if creator == "client" else "client")
        if status != NDIS_STATUS_SUCCESS:
            if not mcm:
                _miniport_delete(lib, vc)
            lib.handles.unmint(handle)
            return status, None
    _attach(vc)
    if lib.trace.enabled:
        lib.trace.state(handle.label, "vc", None, VcState.INACTIVE)
    return NDIS_STATUS_SUCCESS, handle


def _attach(vc: Vc) -> None:
    vc.adapter.vcs.append(vc)
    if vc.af is not None:
        vc.af.vcs.append(vc)
        vc.af.client_binding.vcs.append(vc)
    if vc.cm_binding is not None:
        vc.cm_binding.vcs.append(vc)


def _miniport_create(lib: NdisLibrary, vc: Vc) -> int:
    miniport = vc.adapter.miniport
    assert miniport.co is not None
    status, context = call_handler(
        lib, miniport.driver, miniport.co, "CoCreateVcHandler", (vc.adapter.context, vc.handle), (vc.handle,)
    )
    if status == NDIS_STATUS_PENDING:
        lib.report("R2.09", miniport.driver, "MiniportCoCreateVc", "returned NDIS_STATUS_PENDING")
        return NDIS_STATUS_FAILURE
    if status == NDIS_STATUS_SUCCESS:
        vc.miniport_context = context
        if vc.is_mcm:
            vc.cm_context = context
    return int(status)


def _miniport_delete(lib: NdisLibrary, vc: Vc) -> int:
    miniport = vc.adapter.miniport
    assert miniport.co is not None
    status = call_handler(lib, miniport.driver, miniport.co, "CoDeleteVcHandler", (vc.miniport_context,), (vc.handle,))
    if status == NDIS_STATUS_PENDING:
        lib.report("R2.40", miniport.driver, "MiniportCoDeleteVc", "returned NDIS_STATUS_PENDING")
    return int(status)


def _peer_create(lib: NdisLibrary, vc: Vc, side: str) -> int:
    """Call ProtocolCoCreateVc of the client or call manager side of *vc*."""
    assert vc.af is not None
    handlers: Any
    if side == "client":
        protocol = vc.af.client_binding.protocol
        driver, handlers, field, af_context = protocol.driver, protocol.cl, "ClCreateVcHandler", vc.af.client_context
    else:
        driver, handlers, field, af_context = vc.cm_driver, vc.cm_handlers, "CmCreateVcHandler", vc.af.cm_context
    status, context = call_handler(lib, driver, handlers, field, (af_context, vc.handle), (vc.handle,))
    if status == NDIS_STATUS_PENDING:
        lib.report("R2.10", driver, "ProtocolCoCreateVc", "returned NDIS_STATUS_PENDING")
        return NDIS_STATUS_FAILURE
    if status == NDIS_STATUS_SUCCESS:
        if side == "client":
            vc.client_context = context
        else:
            vc.cm_context = context
            if vc.is_mcm:
                vc.miniport_context = context
    return int(status)


def _peer_delete(lib: NdisLibrary, vc: Vc, side: str) -> int:
    assert vc.af is not None
    handlers: Any
    if side == "client":
        protocol = vc.af.client_binding.protocol
        driver, handlers, field, context = protocol.driver, protocol.cl, "ClDeleteVcHandler", vc.client_context
    else:
        driver, handlers, field, context = vc.cm_driver, vc.cm_handlers, "CmDeleteVcHandler", vc.cm_context
    status = call_handler(lib, driver, handlers, field, (context,), (vc.handle,))
    if status == NDIS_STATUS_PENDING:
        lib.report("R2.40", driver, "ProtocolCoDeleteVc", "returned NDIS_STATUS_PENDING")
        status = NDIS_STATUS_NOT_ACCEPTED
    return int(status)


def NdisMCmCreateVc(
    MiniportAdapterHandle: NDIS_HANDLE,
    NdisAfHandle: NDIS_HANDLE | None,
    MiniportVcContext: object,
    NdisVcHandle: NDIS_HANDLE | None = None,
) -> tuple[NDIS_STATUS, NDIS_HANDLE | None]:
    """An MCM creates the VC of an incoming call; returns ``(Status, NdisVcHandle)``.

    NDIS contract:
        NDIS calls only the client's ProtocolCoCreateVc (R2.13). An MCM's signaling VCs
        never go through NDIS (R2.04).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismcmcreatevc
    """
    ddi = "NdisMCmCreateVc"
    lib, adapter = library_of(MiniportAdapterHandle, ("adapter",), "MiniportAdapterHandle", ddi)
    af: Af | None = None
    if NdisAfHandle is not None:
        af = lib.resolve(NdisAfHandle, ("af",), "NdisAfHandle", ddi)
    return lib.ddi(
        adapter.driver.name,
        ddi,
        (MiniportAdapterHandle, NdisAfHandle),
        _mcm_create_vc,
        lib,
        adapter,
        af,
        MiniportVcContext,
        NdisVcHandle,
    )


def _mcm_create_vc(
    lib: NdisLibrary, adapter: Adapter, af: Af | None, context: object, in_handle: object
) -> tuple[NDIS_STATUS, NDIS_HANDLE | None]:
    ddi = "NdisMCmCreateVc"
    driver = adapter.driver
    if not adapter.miniport.is_mcm:
        lib.report("R2.03", driver, ddi, "only an MCM calls NdisMCmCreateVc")
        return NDIS_STATUS_FAILURE, None
    if in_handle is not None:
        lib.report("R2.06", driver, ddi, f"*NdisVcHandle is {in_handle!r} on entry, not NULL")
        return NDIS_STATUS_FAILURE, None  # collect mode: refused, nothing created
    if af is None:
        lib.report("R2.04", driver, ddi, "an MCM keeps its signaling VCs internal (NdisAfHandle is NULL)")
        return NDIS_STATUS_FAILURE, None
    if (
        af.state is not AfState.OPEN
        or af.registration.mcm is not adapter.miniport
        or af.registration.adapter is not adapter
    ):
        return NDIS_STATUS_FAILURE, None
    if adapter.miniport.co is None:  # no MiniportCoXxx handlers registered: no VC can carry data
        return NDIS_STATUS_NOT_SUPPORTED, None
    handle = lib.handles.mint("vc", None)
    vc = Vc(handle, adapter, af, "mcm", driver)
    retarget(handle, vc)
    vc.miniport_context = vc.cm_context = context
    status = _peer_create(lib, vc, "client")
    if status != NDIS_STATUS_SUCCESS:
        lib.handles.unmint(handle)
        return status, None
    _attach(vc)
    if lib.trace.enabled:
        lib.trace.state(handle.label, "vc", None, VcState.INACTIVE)
    return NDIS_STATUS_SUCCESS, handle


# ---------------------------------------------------------------------------------- delete
def NdisCoDeleteVc(NdisVcHandle: NDIS_HANDLE) -> NDIS_STATUS:
    """The VC's creator deletes it.

    NDIS contract:
        Only the creator (R2.05), only with no call outstanding and the VC deactivated
        (R2.37). Returns SUCCESS, NOT_ACCEPTED (still active) or CLOSING (deactivation
        pending) (R2.38). Calls the peer's ProtocolCoDeleteVc and MiniportCoDeleteVc (R2.39);
        the handle is dead afterwards (R2.41). If the peer refuses, NDIS returns its status
        and the VC stays (Q18).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscodeletevc
    """
    ddi = "NdisCoDeleteVc"
    lib, vc = library_of(NdisVcHandle, ("vc",), "NdisVcHandle", ddi)
    caller = lib.caller(ddi)
    return lib.ddi(caller.name, ddi, (NdisVcHandle,), _delete_vc, lib, vc, caller, ddi)


def NdisMCmDeleteVc(NdisVcHandle: NDIS_HANDLE) -> NDIS_STATUS:
    """An MCM deletes a VC it created with NdisMCmCreateVc (SUCCESS or NOT_ACCEPTED).

    https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismcmdeletevc
    """
    ddi = "NdisMCmDeleteVc"
    lib, vc = library_of(NdisVcHandle, ("vc",), "NdisVcHandle", ddi)
    caller = lib.current() or vc.adapter.driver
    return lib.ddi(caller.name, ddi, (NdisVcHandle,), _delete_vc, lib, vc, caller, ddi)


def _delete_vc(lib: NdisLibrary, vc: Vc, caller: Driver, ddi: str) -> NDIS_STATUS:
    mcm_form = ddi == "NdisMCmDeleteVc"
    if mcm_form != (vc.creator == "mcm"):
        if mcm_form and vc.creator != "mcm" and caller is vc.creator_driver:
            lib.report("R2.03", caller, ddi, "only an MCM calls NdisMCmDeleteVc, for VCs it created")
            return NDIS_STATUS_FAILURE
        if not mcm_form and caller is vc.creator_driver:
            lib.report("R2.03", caller, ddi, "an MCM deletes its VCs with NdisMCmDeleteVc")
            return NDIS_STATUS_FAILURE
    if caller is not vc.creator_driver:
        lib.report("R2.05", caller, ddi, f"{vc.handle.label} was created by {vc.creator_driver.name}")
        return NDIS_STATUS_NOT_ACCEPTED
    cell = VC_TABLE.step(vc.state, VcInput.DELETE)
    in_flight = vc.outstanding_sends + vc.outstanding_receives + vc.data.get("ndis_held", 0)
    if isinstance(cell, Refuse) or vc.call_state is not CallState.IDLE or in_flight:
        if isinstance(cell, Refuse):
            why = cell.reason
        elif vc.call_state is not CallState.IDLE:
            why = f"a call is outstanding ({vc.call_state.name})"
        else:
            why = f"{in_flight} NBL(s) are still in flight on it"
        lib.note("R2.37", caller, ddi, f"{vc.handle.label}: {why}")  # a documented status, not a halt
        status = cell.status if isinstance(cell, Refuse) else NDIS_STATUS_NOT_ACCEPTED
        return NDIS_STATUS_NOT_ACCEPTED if mcm_form else status
    if vc.af is not None:
        peer = "cm" if vc.creator == "client" else "client"
        status = _peer_delete(lib, vc, peer)
        if status != NDIS_STATUS_SUCCESS:
            return status
    if not vc.is_mcm:
        _miniport_delete(lib, vc)
    lib.force(vc, "state", VC_TABLE, VcInput.DELETE)

    forget_vc(lib, vc, f"{ddi} deleted it")
    return NDIS_STATUS_SUCCESS


# ---------------------------------------------------------------------------------- activate
def _expect_cm(lib: NdisLibrary, vc: Vc, ddi: str, rule: str, mcm_form: bool) -> bool:
    """The caller must be the VC's (M)CM using the right form of the DDI."""
    current = lib.current()
    if current is not None and current is not vc.cm_driver:
        lib.report(rule, current, ddi, f"only the VC's call manager ({vc.cm_driver.name}) may call it")
        return False
    if mcm_form != vc.is_mcm:
        right = "NdisMCm" if vc.is_mcm else "NdisCm"
        lib.report(rule, vc.cm_driver, ddi, f"this VC's call manager must use the {right}... form")
        return False
    return True


def NdisCmActivateVc(NdisVcHandle: NDIS_HANDLE, CallParameters: CO_CALL_PARAMETERS) -> NDIS_STATUS:
    """A stand-alone call manager activates a VC through the miniport.

    NDIS contract:
        NDIS calls MiniportCoActivateVc (R2.16). Anything but PENDING is final and NDIS will
        not call ProtocolCmActivateVcComplete (R2.19); PENDING ends with
        NdisMCoActivateVcComplete -> ProtocolCmActivateVcComplete (R2.18). One activation at a
        time per VC: NOT_ACCEPTED while one is pending, CLOSING while deactivating (R2.24).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscmactivatevc
    """
    ddi = "NdisCmActivateVc"
    lib, vc = library_of(NdisVcHandle, ("vc",), "NdisVcHandle", ddi)
    return lib.ddi(vc.cm_driver.name, ddi, (NdisVcHandle,), _activate, lib, vc, CallParameters, ddi, False)


def NdisMCmActivateVc(NdisVcHandle: NDIS_HANDLE, CallParameters: CO_CALL_PARAMETERS) -> NDIS_STATUS:
    """An MCM tells NDIS it activated a client VC (no miniport handler is called).

    NDIS contract:
        The activation inside an MCM is internal, so the simulation completes it at once and
        never calls the MCM's ProtocolCmActivateVcComplete (our reading of Q7).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismcmactivatevc
    """
    ddi = "NdisMCmActivateVc"
    lib, vc = library_of(NdisVcHandle, ("vc",), "NdisVcHandle", ddi)
    return lib.ddi(vc.cm_driver.name, ddi, (NdisVcHandle,), _activate, lib, vc, CallParameters, ddi, True)


def _activate(lib: NdisLibrary, vc: Vc, params: Any, ddi: str, mcm_form: bool) -> NDIS_STATUS:
    require_type(params, CO_CALL_PARAMETERS, "CallParameters", ddi)
    if not _expect_cm(lib, vc, ddi, "R2.14", mcm_form):
        return NDIS_STATUS_FAILURE
    cell = VC_TABLE.step(vc.state, VcInput.ACTIVATE)
    if isinstance(cell, Refuse):
        return cell.status
    assert isinstance(cell, Move)
    lib.force(vc, "state", VC_TABLE, VcInput.ACTIVATE)
    vc.call_parameters = params
    if mcm_form:
        _finish_activation(lib, vc, NDIS_STATUS_SUCCESS)
        return NDIS_STATUS_SUCCESS
    miniport = vc.adapter.miniport
    assert miniport.co is not None
    status = call_handler(
        lib, miniport.driver, miniport.co, "CoActivateVcHandler", (vc.miniport_context, params), (vc.handle,)
    )
    if status not in ACTIVATE_RESULTS:
        lib.report("R2.17", miniport.driver, "MiniportCoActivateVc", f"returned {status_name(status)}")
    if status == NDIS_STATUS_PENDING:
        lib.mark(vc, activation_pending=True)
        return NDIS_STATUS_PENDING
    _finish_activation(lib, vc, status)
    return int(status)


def _finish_activation(lib: NdisLibrary, vc: Vc, status: int) -> None:
    lib.mark(vc, activation_pending=False, last_activation_failed=status != NDIS_STATUS_SUCCESS)
    event = VcInput.ACTIVATE_SUCCEEDED if status == NDIS_STATUS_SUCCESS else VcInput.ACTIVATE_FAILED
    lib.force(vc, "state", VC_TABLE, event)


def NdisMCoActivateVcComplete(
    Status: NDIS_STATUS, NdisVcHandle: NDIS_HANDLE, CallParameters: CO_CALL_PARAMETERS
) -> None:
    """The miniport finishes an activation it pended; NDIS calls ProtocolCmActivateVcComplete.

    https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismcoactivatevccomplete
    """

    def finish(lib: NdisLibrary, vc: Vc, status: int) -> None:
        _finish_activation(lib, vc, status)
        call_handler(
            lib,
            vc.cm_driver,
            vc.cm_handlers,
            "CmActivateVcCompleteHandler",
            (status, vc.cm_context, CallParameters),
            (status, NdisVcHandle),
        )

    _complete_pended("NdisMCoActivateVcComplete", Status, NdisVcHandle, _ACTIVATION, finish)


@dataclass(frozen=True, slots=True)
class _Pended:
    """One kind of miniport VC request that may pend, and how NDIS reads a bad completion of it."""

    flag: str
    """The ``Vc`` property that says the request is pending."""
    handler: str
    rule: str
    instead_of_pending: int
    """The status NDIS goes on with when the completion passes NDIS_STATUS_PENDING."""


_ACTIVATION = _Pended("activation_pending", "MiniportCoActivateVc", "R2.18", NDIS_STATUS_FAILURE)
_DEACTIVATION = _Pended("deactivation_pending", "MiniportCoDeactivateVc", "R2.27", NDIS_STATUS_SUCCESS)


def _complete_pended(
    ddi: str,
    Status: NDIS_STATUS,
    NdisVcHandle: NDIS_HANDLE,
    pended: _Pended,
    finish: Callable[[NdisLibrary, Vc, int], None],
) -> None:
    """The miniport completes a VC request it pended (activation or deactivation): one path.

    A completion with nothing pending is reported and changes nothing; one that passes
    NDIS_STATUS_PENDING is reported and read as ``pended.instead_of_pending``.
    """
    lib, vc = library_of(NdisVcHandle, ("vc",), "NdisVcHandle", ddi)

    def impl() -> None:
        driver = vc.adapter.driver
        if not getattr(vc, pended.flag):
            lib.report(pended.rule, driver, ddi, f"no {pended.handler} is pending on {vc.handle.label}")
            return
        status = Status
        if status == NDIS_STATUS_PENDING:
            lib.report(pended.rule, driver, ddi, "Status is NDIS_STATUS_PENDING")
            status = pended.instead_of_pending
        finish(lib, vc, status)

    lib.ddi(vc.adapter.driver.name, ddi, (Status, NdisVcHandle), impl)


# ---------------------------------------------------------------------------------- deactivate
def NdisCmDeactivateVc(NdisVcHandle: NDIS_HANDLE) -> NDIS_STATUS:
    """A stand-alone call manager deactivates a VC (usually while closing its call).

    NDIS contract:
        NDIS calls MiniportCoDeactivateVc (R2.27). Non-PENDING is final (R2.31); PENDING
        ends with NdisMCoDeactivateVcComplete -> ProtocolCmDeactivateVcComplete. NOT_ACCEPTED
        while an activation is pending, CLOSING if a deactivation already is (R2.32).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscmdeactivatevc
    """
    ddi = "NdisCmDeactivateVc"
    lib, vc = library_of(NdisVcHandle, ("vc",), "NdisVcHandle", ddi)
    return lib.ddi(vc.cm_driver.name, ddi, (NdisVcHandle,), _deactivate, lib, vc, ddi, False)


def NdisMCmDeactivateVc(NdisVcHandle: NDIS_HANDLE) -> NDIS_STATUS:
    """An MCM tells NDIS it deactivated a client VC: SUCCESS, or NOT_ACCEPTED if inactive (R2.35).

    https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismcmdeactivatevc
    """
    ddi = "NdisMCmDeactivateVc"
    lib, vc = library_of(NdisVcHandle, ("vc",), "NdisVcHandle", ddi)
    return lib.ddi(vc.cm_driver.name, ddi, (NdisVcHandle,), _deactivate, lib, vc, ddi, True)


def _deactivate(lib: NdisLibrary, vc: Vc, ddi: str, mcm_form: bool) -> NDIS_STATUS:
    if not _expect_cm(lib, vc, ddi, "R2.26", mcm_form):
        return NDIS_STATUS_FAILURE
    cell = VC_TABLE.step(vc.state, VcInput.DEACTIVATE)
    if isinstance(cell, Refuse):
        return NDIS_STATUS_NOT_ACCEPTED if mcm_form else cell.status
    lib.force(vc, "state", VC_TABLE, VcInput.DEACTIVATE)
    if mcm_form:
        _finish_deactivation(lib, vc, ddi)
        return NDIS_STATUS_SUCCESS
    miniport = vc.adapter.miniport
    assert miniport.co is not None
    status = call_handler(
        lib, miniport.driver, miniport.co, "CoDeactivateVcHandler", (vc.miniport_context,), (vc.handle,)
    )
    if status == NDIS_STATUS_PENDING:
        lib.mark(vc, deactivation_pending=True)
        return NDIS_STATUS_PENDING
    if status != NDIS_STATUS_SUCCESS:
        lib.report("R2.27", miniport.driver, "MiniportCoDeactivateVc", f"returned {status_name(status)}")
        status = NDIS_STATUS_SUCCESS
    if vc.outstanding_sends or vc.outstanding_receives:
        # R2.28, collect mode: NDIS holds the deactivation until the NBLs are back, so the
        # call manager's request pends and completes through ProtocolCmDeactivateVcComplete.
        lib.mark(vc, deactivation_pending=True)
        _drained_deactivation(lib, vc, "MiniportCoDeactivateVc", NDIS_STATUS_SUCCESS)
        return NDIS_STATUS_PENDING
    _finish_deactivation(lib, vc, "MiniportCoDeactivateVc")
    return int(status)


def _drained_deactivation(lib: NdisLibrary, vc: Vc, call: str, status: int) -> None:
    """Finish the deactivation (and tell the call manager) once the VC's NBLs are back (R2.28)."""

    def finish() -> None:
        _finish_deactivation(lib, vc, call)
        call_handler(
            lib,
            vc.cm_driver,
            vc.cm_handlers,
            "CmDeactivateVcCompleteHandler",
            (status, vc.cm_context),
            (status, vc.handle),
        )

    drain_then(lib, vc, "R2.28", vc.adapter.driver, call, finish)


def _finish_deactivation(lib: NdisLibrary, vc: Vc, call: str) -> None:
    lib.mark(vc, deactivation_pending=False)
    vc.call_parameters = None
    lib.force(vc, "state", VC_TABLE, VcInput.DEACTIVATE_DONE)


def NdisMCoDeactivateVcComplete(Status: NDIS_STATUS, NdisVcHandle: NDIS_HANDLE) -> None:
    """The miniport finishes a deactivation it pended; NDIS calls ProtocolCmDeactivateVcComplete.

    https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismcodeactivatevccomplete
    """
    ddi = "NdisMCoDeactivateVcComplete"

    def finish(lib: NdisLibrary, vc: Vc, status: int) -> None:
        _drained_deactivation(lib, vc, ddi, status)

    _complete_pended(ddi, Status, NdisVcHandle, _DEACTIVATION, finish)


_ = (NDIS_STATUS_RESOURCES, VcState, expect_caller)
