"""Binding DDIs: open and close an adapter, complete bind/unbind and PnP events.

Pages:
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisopenadapterex,
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscloseadapterex,
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscompletebindadapterex,
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscompleteunbindadapterex,
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscompletenetpnpevent.
"""

from __future__ import annotations

from condis_edu._library.core import NdisLibrary, library_of
from condis_edu._library.ddi.common import require_type
from condis_edu._library.objects import BindAttempt, Binding, ProtocolDriver, UnbindAttempt
from condis_edu._library.pnp import drop_binding, finish_bind, finish_unbind
from condis_edu._library.states.af import AfState
from condis_edu._library.states.binding import BINDING_TABLE, BindingInput
from condis_edu.errors import HarnessError
from condis_edu.mirror.handles import NDIS_HANDLE, retarget
from condis_edu.mirror.status import (
    NDIS_STATUS,
    NDIS_STATUS_FAILURE,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
    NDIS_STATUS_UNSUPPORTED_MEDIA,
)
from condis_edu.mirror.structures import NDIS_OPEN_PARAMETERS, NET_PNP_EVENT_NOTIFICATION


def NdisOpenAdapterEx(
    NdisProtocolHandle: NDIS_HANDLE,
    ProtocolBindingContext: object,
    OpenParameters: NDIS_OPEN_PARAMETERS,
    BindContext: NDIS_HANDLE,
) -> tuple[NDIS_STATUS, NDIS_HANDLE | None]:
    """Open the adapter named by the bind; returns ``(Status, NdisBindingHandle)``.

    NDIS contract:
        Called from ProtocolBindAdapterEx with its BindContext. NDIS picks the first medium
        of ``OpenParameters.MediumArray`` the adapter supports and writes its index to
        ``SelectedMediumIndex``. (The simulation always opens synchronously.)
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisopenadapterex
    """
    ddi = "NdisOpenAdapterEx"
    lib, protocol = library_of(NdisProtocolHandle, ("protocol-driver",), "NdisProtocolHandle", ddi)
    attempt: BindAttempt = lib.resolve(BindContext, ("bindctx",), "BindContext", ddi)
    return lib.ddi(
        protocol.driver.name,
        ddi,
        (NdisProtocolHandle, BindContext),
        _open,
        lib,
        protocol,
        attempt,
        ProtocolBindingContext,
        OpenParameters,
    )


def _open(
    lib: NdisLibrary, protocol: ProtocolDriver, attempt: BindAttempt, context: object, params: NDIS_OPEN_PARAMETERS
) -> tuple[NDIS_STATUS, NDIS_HANDLE | None]:
    ddi = "NdisOpenAdapterEx"
    require_type(params, NDIS_OPEN_PARAMETERS, "OpenParameters", ddi)
    if attempt.protocol is not protocol:
        raise HarnessError(f"{ddi}: BindContext {attempt.handle.label} belongs to another protocol")
    if attempt.binding is not None:
        return NDIS_STATUS_FAILURE, None
    adapter = attempt.adapter
    medium = adapter.general.MediaType if adapter.general is not None else 0
    media = tuple(params.MediumArray)
    if media and medium not in media:
        return NDIS_STATUS_UNSUPPORTED_MEDIA, None  # none of the protocol's media is the adapter's
    params.SelectedMediumIndex = media.index(medium) if media else None
    handle = lib.handles.mint("binding", None)
    binding = Binding(handle, protocol, adapter, context)
    retarget(handle, binding)
    lib.force(binding, "state", BINDING_TABLE, BindingInput.BIND)
    protocol.bindings.append(binding)
    adapter.bindings.append(binding)
    attempt.binding = binding
    return NDIS_STATUS_SUCCESS, handle


def NdisCompleteBindAdapterEx(BindContext: NDIS_HANDLE, Status: NDIS_STATUS) -> None:
    """Finish a bind that ProtocolBindAdapterEx pended.

    https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscompletebindadapterex
    """
    ddi = "NdisCompleteBindAdapterEx"
    lib, attempt = library_of(BindContext, ("bindctx",), "BindContext", ddi)
    lib.ddi(attempt.protocol.driver.name, ddi, (BindContext, Status), _complete_bind, lib, attempt, Status)


def _complete_bind(lib: NdisLibrary, attempt: BindAttempt, status: int) -> None:

    ddi = "NdisCompleteBindAdapterEx"
    if not attempt.pending:
        lib.report("X1.01", attempt.protocol.driver, ddi, "ProtocolBindAdapterEx did not pend")
        return
    if status == NDIS_STATUS_PENDING:
        lib.report("X1.02", attempt.protocol.driver, ddi, "Status is NDIS_STATUS_PENDING")
        status = NDIS_STATUS_FAILURE
    finish_bind(lib, attempt, status)


def NdisCloseAdapterEx(NdisBindingHandle: NDIS_HANDLE) -> NDIS_STATUS:
    """Close a binding (from ProtocolUnbindAdapterEx).

    NDIS contract:
        A client closes its address families first (R2.46); a call manager first asks its
        clients to close theirs (R2.47). (The simulation closes synchronously.)
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscloseadapterex
    """
    ddi = "NdisCloseAdapterEx"
    lib, binding = library_of(NdisBindingHandle, ("binding",), "NdisBindingHandle", ddi)
    return lib.ddi(binding.driver.name, ddi, (NdisBindingHandle,), _close, lib, binding)


def _close(lib: NdisLibrary, binding: Binding) -> NDIS_STATUS:

    ddi = "NdisCloseAdapterEx"
    open_afs = [af.handle.label for af in binding.afs if af.state is not AfState.CLOSED]
    if open_afs:
        lib.report("R2.46", binding.driver, ddi, "address families still open: " + ", ".join(open_afs))
    client_afs = [
        af.handle.label for reg in binding.cm_registrations for af in reg.opens if af.state is not AfState.CLOSED
    ]
    if client_afs:
        lib.report("R2.47", binding.driver, ddi, "clients still have the AF open: " + ", ".join(client_afs))
    drop_binding(lib, binding, "NdisCloseAdapterEx closed it")
    return NDIS_STATUS_SUCCESS


def NdisCompleteUnbindAdapterEx(UnbindContext: NDIS_HANDLE) -> None:
    """Finish an unbind that ProtocolUnbindAdapterEx pended.

    https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscompleteunbindadapterex
    """
    ddi = "NdisCompleteUnbindAdapterEx"
    lib, attempt = library_of(UnbindContext, ("unbindctx",), "UnbindContext", ddi)
    lib.ddi(attempt.binding.driver.name, ddi, (UnbindContext,), _complete_unbind, lib, attempt)


def _complete_unbind(lib: NdisLibrary, attempt: UnbindAttempt) -> None:

    if not attempt.pending:
        lib.report(
            "X1.01", attempt.binding.driver, "NdisCompleteUnbindAdapterEx", "ProtocolUnbindAdapterEx did not pend"
        )
        return
    finish_unbind(lib, attempt)


def NdisCompleteNetPnPEvent(
    Status: NDIS_STATUS, NdisBindingHandle: NDIS_HANDLE, NetPnPEventNotification: NET_PNP_EVENT_NOTIFICATION
) -> None:
    """Finish a PnP event that ProtocolNetPnPEvent pended.

    https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscompletenetpnpevent
    """
    ddi = "NdisCompleteNetPnPEvent"
    lib, binding = library_of(NdisBindingHandle, ("binding",), "NdisBindingHandle", ddi)
    lib.ddi(binding.driver.name, ddi, (Status, NdisBindingHandle), _complete_pnp, lib, binding, Status)


def _complete_pnp(lib: NdisLibrary, binding: Binding, status: int) -> None:
    continuation = binding.pnp_continuation
    if not binding.pnp_pending or continuation is None:
        lib.report("X1.01", binding.driver, "NdisCompleteNetPnPEvent", "ProtocolNetPnPEvent did not pend")
        return
    continuation(status)
