"""A small, correct CoNDIS miniport that checks plug a learner's piece into.

An exercise that asks for one handler (say ``MiniportSetOptions``) needs the rest of a driver
around it; this module supplies that rest, written the way notebook 1 teaches it. Handlers that
the exercises never reach are stubs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from condis_edu import ndis as n
from condis_edu import testing
from condis_edu.ndis import DRIVER_OBJECT
from condis_edu.samples.call_manager import af, bind, calls
from condis_edu.samples.mcm import cm, miniport

Handler = Callable[..., Any]


def _stub(result: object = None) -> Handler:
    def stub(*args: object) -> object:
        return result

    return stub


class VcContext:
    """What the reference miniport keeps per VC."""

    def __init__(self, adapter: object, handle: object) -> None:
        self.adapter = adapter
        self.NdisVcHandle = handle


def MPCoCreateVc(MiniportAdapterContext: object, NdisVcHandle: object) -> tuple[int, VcContext]:
    """Reference MiniportCoCreateVc: allocate a context that remembers the handle."""
    return n.NDIS_STATUS_SUCCESS, VcContext(MiniportAdapterContext, NdisVcHandle)


def MPCoDeleteVc(MiniportVcContext: object) -> int:
    """Reference MiniportCoDeleteVc."""
    return n.NDIS_STATUS_SUCCESS


def MPCoActivateVc(MiniportVcContext: object, CallParameters: object) -> int:
    """Reference MiniportCoActivateVc: accept the parameters at once."""
    return n.NDIS_STATUS_SUCCESS


def MPCoDeactivateVc(MiniportVcContext: object) -> int:
    """Reference MiniportCoDeactivateVc."""
    return n.NDIS_STATUS_SUCCESS


def MPCoSendNetBufferLists(MiniportVcContext: object, NetBufferLists: object, SendFlags: int) -> None:
    """Reference MiniportCoSendNetBufferLists (the exercises send nothing)."""


def MPCoOidRequest(MiniportAdapterContext: object, MiniportVcContext: object, NdisRequest: object) -> int:
    """Reference MiniportCoOidRequest."""
    return n.NDIS_STATUS_NOT_SUPPORTED


CO_HANDLERS: dict[str, Handler] = {
    "CoCreateVcHandler": MPCoCreateVc,
    "CoDeleteVcHandler": MPCoDeleteVc,
    "CoActivateVcHandler": MPCoActivateVc,
    "CoDeactivateVcHandler": MPCoDeactivateVc,
    "CoSendNetBufferListsHandler": MPCoSendNetBufferLists,
    "CoOidRequestHandler": MPCoOidRequest,
}


def set_options(co_handlers: dict[str, Handler] | None = None) -> Handler:
    """A MiniportSetOptions registering ``co_handlers`` (default: the reference ones)."""
    handlers = {**CO_HANDLERS, **(co_handlers or {})}

    def MPSetOptions(NdisDriverHandle: object, DriverContext: object) -> int:
        co = n.NDIS_MINIPORT_CO_CHARACTERISTICS()
        co.Header.Type = n.NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS
        co.Header.Revision = n.NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1
        co.Header.Size = n.NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1
        for field, fn in handlers.items():
            setattr(co, field, fn)
        return n.NdisSetOptionalHandlers(NdisDriverHandle, co)  # type: ignore[arg-type]

    return MPSetOptions


MINIPORT_HANDLERS: dict[str, Handler] = {
    "InitializeHandlerEx": _stub(n.NDIS_STATUS_FAILURE),
    "HaltHandlerEx": _stub(),
    "UnloadHandler": _stub(),
    "PauseHandler": _stub(n.NDIS_STATUS_SUCCESS),
    "RestartHandler": _stub(n.NDIS_STATUS_SUCCESS),
    "SendNetBufferListsHandler": _stub(),
    "ReturnNetBufferListsHandler": _stub(),
    "CancelSendHandler": _stub(),
    "DevicePnPEventNotifyHandler": _stub(),
    "ShutdownHandlerEx": _stub(),
    "CancelOidRequestHandler": _stub(),
}


def driver_entry(set_options_handler: Handler | None = None) -> Callable[[DRIVER_OBJECT, str], int]:
    """A DriverEntry registering the reference miniport with ``set_options_handler``."""
    handler = set_options() if set_options_handler is None else set_options_handler

    def DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: str) -> int:
        chars = n.NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
        chars.Header.Type = n.NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS
        chars.Header.Revision = n.NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
        chars.Header.Size = n.NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
        chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
        chars.SetOptionsHandler = handler
        for field, fn in MINIPORT_HANDLERS.items():
            setattr(chars, field, fn)
        status, _handle = n.NdisMRegisterMiniportDriver(DriverObject, RegistryPath, None, chars)
        return n.STATUS_SUCCESS if status == n.NDIS_STATUS_SUCCESS else n.STATUS_UNSUCCESSFUL

    return DriverEntry


# ---------------------------------------------------------------- the loopback sample, with handlers swapped


def _testing() -> Any:
    # Imported on first use: the samples it loads would otherwise be paid for by every notebook's
    # first cell (``from condis_edu.exercises import check``).

    return testing


def _replace(structure_name: str, fields: dict[str, Handler | None] | dict[str, Handler]) -> Callable[[Any], None]:
    """An ``edit_*`` callback for ``condis_edu.testing`` that sets ``fields``, rejecting unknown names."""

    def edit(structure: Any) -> None:
        unknown = sorted(name for name in fields if not hasattr(structure, name))
        if unknown:
            raise ValueError(f"not {structure_name} fields: {unknown}")
        for name, fn in fields.items():
            setattr(structure, name, fn)

    return edit


def loopback_driver_entry(
    miniport_handlers: dict[str, Handler] | None = None, *, co: bool = True, **co_handlers: Handler
) -> Callable[[DRIVER_OBJECT, str], int]:
    """The sample loopback miniport's DriverEntry, with some handlers replaced.

    ``co_handlers`` replace ``Co...Handler`` fields of NDIS_MINIPORT_CO_CHARACTERISTICS and
    ``miniport_handlers`` fields of NDIS_MINIPORT_DRIVER_CHARACTERISTICS; with ``co=False`` the
    driver registers no SetOptions handler at all (a connectionless registration). Everything
    else is the sample's own code, so a check can run a whole call through a learner's handler.
    """
    chars_fields: dict[str, Handler | None] = {**(miniport_handlers or {})}
    if not co:
        chars_fields["SetOptionsHandler"] = None
    _replace("NDIS_MINIPORT_CO_CHARACTERISTICS", co_handlers)(n.NDIS_MINIPORT_CO_CHARACTERISTICS())  # fail early
    driver = _testing().miniport_driver(
        edit_chars=_replace("NDIS_MINIPORT_DRIVER_CHARACTERISTICS", chars_fields),
        edit_co=_replace("NDIS_MINIPORT_CO_CHARACTERISTICS", co_handlers),
    )
    return driver.DriverEntry  # type: ignore[no-any-return]


def client_driver_entry(**cl_handlers: Handler) -> Callable[[DRIVER_OBJECT, str], int]:
    """The sample client's DriverEntry, with some ``Cl...Handler`` fields replaced.

    Load it under the name ``"client"`` so the sample's application entry points
    (``client.make_call``, ``client.close_call``) find it.
    """
    edit = _replace("NDIS_CO_CLIENT_OPTIONAL_HANDLERS", cl_handlers)
    edit(n.NDIS_CO_CLIENT_OPTIONAL_HANDLERS())  # reject unknown names now, not at load time
    return _testing().protocol_driver(role="client", edit_cl=edit).DriverEntry  # type: ignore[no-any-return]


# ---------------------------------------------------------------- handler tables of the samples


def call_manager_tables() -> tuple[dict[str, Handler], dict[str, Handler]]:
    """The sample call manager's (NDIS_PROTOCOL_CO_CHARACTERISTICS, NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS) handlers."""

    co: dict[str, Handler] = {
        "CoStatusHandlerEx": bind.CmCoStatusEx,
        "CoAfRegisterNotifyHandler": bind.CmCoAfRegisterNotify,
        "CoReceiveNetBufferListsHandler": calls.CmCoReceiveNetBufferLists,
        "CoSendNetBufferListsCompleteHandler": calls.CmCoSendNetBufferListsComplete,
    }
    cm: dict[str, Handler] = {
        "CmCreateVcHandler": calls.CmCreateVc,
        "CmDeleteVcHandler": calls.CmDeleteVc,
        "CmOpenAfHandler": af.CmOpenAf,
        "CmCloseAfHandler": af.CmCloseAf,
        "CmRegisterSapHandler": af.CmRegisterSap,
        "CmDeregisterSapHandler": af.CmDeregisterSap,
        "CmMakeCallHandler": calls.CmMakeCall,
        "CmCloseCallHandler": calls.CmCloseCall,
        "CmIncomingCallCompleteHandler": calls.CmIncomingCallComplete,
        "CmAddPartyHandler": calls.CmAddParty,
        "CmDropPartyHandler": calls.CmDropParty,
        "CmActivateVcCompleteHandler": calls.CmActivateVcComplete,
        "CmDeactivateVcCompleteHandler": calls.CmDeactivateVcComplete,
        "CmModifyCallQoSHandler": calls.CmModifyCallQoS,
        "CmOidRequestHandler": af.CmOidRequest,
        "CmOidRequestCompleteHandler": af.CmOidRequestComplete,
        "CmNotifyCloseAfCompleteHandler": af.CmNotifyCloseAfComplete,
    }
    return co, cm


def mcm_tables() -> tuple[dict[str, Handler], dict[str, Handler]]:
    """The sample MCM's (NDIS_MINIPORT_CO_CHARACTERISTICS, NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS) handlers."""

    co: dict[str, Handler] = {
        "CoActivateVcHandler": miniport.McmCoActivateVc,
        "CoDeactivateVcHandler": miniport.McmCoDeactivateVc,
        "CoSendNetBufferListsHandler": miniport.McmCoSendNetBufferLists,
        "CoOidRequestHandler": miniport.McmCoOidRequest,
    }
    handlers: dict[str, Handler] = {
        "CmCreateVcHandler": cm.McmCreateVc,
        "CmDeleteVcHandler": cm.McmDeleteVc,
        "CmOpenAfHandler": cm.McmOpenAf,
        "CmCloseAfHandler": cm.McmCloseAf,
        "CmRegisterSapHandler": cm.McmRegisterSap,
        "CmDeregisterSapHandler": cm.McmDeregisterSap,
        "CmMakeCallHandler": cm.McmMakeCall,
        "CmCloseCallHandler": cm.McmCloseCall,
        "CmIncomingCallCompleteHandler": cm.McmIncomingCallComplete,
        "CmAddPartyHandler": cm.McmAddParty,
        "CmDropPartyHandler": cm.McmDropParty,
        "CmActivateVcCompleteHandler": cm.McmActivateVcComplete,
        "CmDeactivateVcCompleteHandler": cm.McmDeactivateVcComplete,
        "CmModifyCallQoSHandler": cm.McmModifyCallQoS,
        "CmOidRequestHandler": cm.McmCmOidRequest,
        "CmOidRequestCompleteHandler": cm.McmCmOidRequestComplete,
        "CmNotifyCloseAfCompleteHandler": cm.McmNotifyCloseAfComplete,
    }
    return co, handlers


def call_manager_driver_entry(set_options: Handler) -> Callable[[DRIVER_OBJECT, str], int]:
    """The sample call manager's DriverEntry with ``set_options`` as its ProtocolSetOptions."""
    edit = _replace("NDIS_PROTOCOL_DRIVER_CHARACTERISTICS", {"SetOptionsHandler": set_options})
    return _testing().protocol_driver(role="cm", edit_chars=edit).DriverEntry  # type: ignore[no-any-return]


def mcm_driver_entry(set_options: Handler) -> Callable[[DRIVER_OBJECT, str], int]:
    """The sample MCM's DriverEntry with ``set_options`` as its MiniportSetOptions."""
    edit = _replace("NDIS_MINIPORT_DRIVER_CHARACTERISTICS", {"SetOptionsHandler": set_options})
    return _testing().miniport_driver(name="mcm", use_mcm=True, edit_chars=edit).DriverEntry  # type: ignore[no-any-return]
