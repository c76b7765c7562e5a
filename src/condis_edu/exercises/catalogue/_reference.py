"""A small, correct CoNDIS miniport that checks plug a learner's piece into.

An exercise that asks for one handler (say ``MiniportSetOptions``) needs the rest of a driver
around it; this module supplies that rest, written the way notebook 1 teaches it. Handlers that
the exercises never reach are stubs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from condis_edu import ndis as n
from condis_edu.structures import DRIVER_OBJECT

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


def loopback_driver_entry(
    miniport_handlers: dict[str, Handler] | None = None, *, co: bool = True, **co_handlers: Handler
) -> Callable[[DRIVER_OBJECT, str], int]:
    """The sample loopback miniport's DriverEntry, with some handlers replaced.

    ``co_handlers`` replace ``Co...Handler`` fields of NDIS_MINIPORT_CO_CHARACTERISTICS and
    ``miniport_handlers`` fields of NDIS_MINIPORT_DRIVER_CHARACTERISTICS; with ``co=False`` the
    driver registers no SetOptions handler at all (a connectionless registration). Everything
    else is the sample's own code, so a check can run a whole call through a learner's handler.
    """
    from condis_edu.samples.loopback_miniport import adapter, datapath, miniport, vc

    co_fields = {
        "CoCreateVcHandler": vc.MPCoCreateVc,
        "CoDeleteVcHandler": vc.MPCoDeleteVc,
        "CoActivateVcHandler": vc.MPCoActivateVc,
        "CoDeactivateVcHandler": vc.MPCoDeactivateVc,
        "CoSendNetBufferListsHandler": datapath.MPCoSendNetBufferLists,
        "CoOidRequestHandler": datapath.MPCoOidRequest,
    }
    unknown = set(co_handlers) - set(co_fields)
    if unknown:
        raise ValueError(f"not NDIS_MINIPORT_CO_CHARACTERISTICS fields: {sorted(unknown)}")
    co_fields.update(co_handlers)

    def SetOptions(NdisDriverHandle: object, DriverContext: object) -> int:
        co = n.NDIS_MINIPORT_CO_CHARACTERISTICS()
        co.Header.Type = n.NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS
        co.Header.Revision = n.NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1
        co.Header.Size = n.NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1
        for field, fn in co_fields.items():
            setattr(co, field, fn)
        return n.NdisSetOptionalHandlers(NdisDriverHandle, co)  # type: ignore[arg-type]

    def DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: str) -> int:
        globals_ = miniport.MiniportGlobals()
        DriverObject.DriverExtension = globals_
        chars = n.NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
        chars.Header.Type = n.NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS
        chars.Header.Revision = n.NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
        chars.Header.Size = n.NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
        chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
        chars.SetOptionsHandler = SetOptions if co else None
        chars.InitializeHandlerEx = adapter.MPInitializeEx
        chars.HaltHandlerEx = adapter.MPHaltEx
        chars.UnloadHandler = miniport.MPDriverUnload
        chars.PauseHandler = adapter.MPPause
        chars.RestartHandler = adapter.MPRestart
        chars.SendNetBufferListsHandler = datapath.MPSendNetBufferLists
        chars.ReturnNetBufferListsHandler = datapath.MPReturnNetBufferLists
        chars.CancelSendHandler = datapath.MPCancelSend
        chars.DevicePnPEventNotifyHandler = adapter.MPDevicePnPEventNotify
        chars.ShutdownHandlerEx = adapter.MPShutdownEx
        chars.CancelOidRequestHandler = adapter.MPCancelOidRequest
        for field, fn in (miniport_handlers or {}).items():
            if not hasattr(chars, field):
                raise ValueError(f"not an NDIS_MINIPORT_DRIVER_CHARACTERISTICS field: {field}")
            setattr(chars, field, fn)
        status, handle = n.NdisMRegisterMiniportDriver(DriverObject, RegistryPath, globals_, chars)
        if status != n.NDIS_STATUS_SUCCESS:
            return n.STATUS_UNSUCCESSFUL
        globals_.NdisMiniportDriverHandle = handle
        return n.STATUS_SUCCESS

    return DriverEntry


def client_driver_entry(**cl_handlers: Handler) -> Callable[[DRIVER_OBJECT, str], int]:
    """The sample client's DriverEntry, with some ``Cl...Handler`` fields replaced.

    Load it under the name ``"client"`` so the sample's application entry points
    (``client.make_call``, ``client.close_call``) find it.
    """
    from condis_edu.samples.client import af, bind, calls, protocol
    from condis_edu.samples.client.state import ClGlobals

    cl_fields = {
        "ClCreateVcHandler": calls.ClCreateVc,
        "ClDeleteVcHandler": calls.ClDeleteVc,
        "ClOidRequestHandler": calls.ClOidRequest,
        "ClOidRequestCompleteHandler": calls.ClOidRequestComplete,
        "ClOpenAfCompleteHandlerEx": af.ClOpenAfCompleteEx,
        "ClCloseAfCompleteHandler": af.ClCloseAfComplete,
        "ClRegisterSapCompleteHandler": af.ClRegisterSapComplete,
        "ClDeregisterSapCompleteHandler": af.ClDeregisterSapComplete,
        "ClMakeCallCompleteHandler": calls.ClMakeCallComplete,
        "ClModifyCallQoSCompleteHandler": calls.ClModifyCallQoSComplete,
        "ClCloseCallCompleteHandler": calls.ClCloseCallComplete,
        "ClAddPartyCompleteHandler": calls.ClAddPartyComplete,
        "ClDropPartyCompleteHandler": calls.ClDropPartyComplete,
        "ClIncomingCallHandler": calls.ClIncomingCall,
        "ClIncomingCallQoSChangeHandler": calls.ClIncomingCallQoSChange,
        "ClIncomingCloseCallHandler": calls.ClIncomingCloseCall,
        "ClIncomingDropPartyHandler": calls.ClIncomingDropParty,
        "ClCallConnectedHandler": calls.ClCallConnected,
        "ClNotifyCloseAfHandler": af.ClNotifyCloseAf,
    }
    unknown = set(cl_handlers) - set(cl_fields)
    if unknown:
        raise ValueError(f"not NDIS_CO_CLIENT_OPTIONAL_HANDLERS fields: {sorted(unknown)}")
    cl_fields.update(cl_handlers)

    def SetOptions(NdisDriverHandle: object, DriverContext: object) -> int:
        co = n.NDIS_PROTOCOL_CO_CHARACTERISTICS()
        co.Header.Type = n.NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS
        co.Header.Revision = n.NDIS_PROTOCOL_CO_CHARACTERISTICS_REVISION_1
        co.Header.Size = n.NDIS_SIZEOF_PROTOCOL_CO_CHARACTERISTICS_REVISION_1
        co.CoStatusHandlerEx = bind.ClCoStatusEx
        co.CoAfRegisterNotifyHandler = af.ClCoAfRegisterNotify
        co.CoReceiveNetBufferListsHandler = calls.ClCoReceiveNetBufferLists
        co.CoSendNetBufferListsCompleteHandler = calls.ClCoSendNetBufferListsComplete
        status = n.NdisSetOptionalHandlers(NdisDriverHandle, co)  # type: ignore[arg-type]
        if status != n.NDIS_STATUS_SUCCESS:
            return status
        cl = n.NDIS_CO_CLIENT_OPTIONAL_HANDLERS()
        cl.Header.Type = n.NDIS_OBJECT_TYPE_CO_CLIENT_OPTIONAL_HANDLERS
        cl.Header.Revision = n.NDIS_CO_CLIENT_OPTIONAL_HANDLERS_REVISION_1
        cl.Header.Size = n.NDIS_SIZEOF_CO_CLIENT_OPTIONAL_HANDLERS_REVISION_1
        for field, fn in cl_fields.items():
            setattr(cl, field, fn)
        return n.NdisSetOptionalHandlers(NdisDriverHandle, cl)  # type: ignore[arg-type]

    def DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: str) -> int:
        globals_ = ClGlobals()
        DriverObject.DriverExtension = globals_
        DriverObject.DriverUnload = protocol.ClUnload
        chars = n.NDIS_PROTOCOL_DRIVER_CHARACTERISTICS()
        chars.Header.Type = n.NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS
        chars.Header.Revision = n.NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1
        chars.Header.Size = n.NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1
        chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
        chars.Name = "client"
        chars.SetOptionsHandler = SetOptions
        chars.BindAdapterHandlerEx = bind.ClBindAdapterEx
        chars.UnbindAdapterHandlerEx = bind.ClUnbindAdapterEx
        chars.OpenAdapterCompleteHandlerEx = bind.ClOpenAdapterCompleteEx
        chars.CloseAdapterCompleteHandlerEx = bind.ClCloseAdapterCompleteEx
        chars.NetPnPEventHandler = bind.ClNetPnPEvent
        chars.OidRequestCompleteHandler = bind.ClOidRequestComplete
        status, handle = n.NdisRegisterProtocolDriver(globals_, chars)
        if status != n.NDIS_STATUS_SUCCESS:
            return n.STATUS_UNSUCCESSFUL
        globals_.NdisProtocolHandle = handle
        return n.STATUS_SUCCESS

    return DriverEntry


# ---------------------------------------------------------------- handler tables of the samples


def call_manager_tables() -> tuple[dict[str, Handler], dict[str, Handler]]:
    """The sample call manager's (NDIS_PROTOCOL_CO_CHARACTERISTICS, NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS) handlers."""
    from condis_edu.samples.call_manager import af, bind, calls

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
    from condis_edu.samples.mcm import cm, miniport

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
    from condis_edu.samples.call_manager import bind, protocol
    from condis_edu.samples.call_manager.state import CmGlobals

    def DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: str) -> int:
        globals_ = CmGlobals()
        DriverObject.DriverExtension = globals_
        DriverObject.DriverUnload = protocol.CmUnload
        chars = n.NDIS_PROTOCOL_DRIVER_CHARACTERISTICS()
        chars.Header.Type = n.NDIS_OBJECT_TYPE_PROTOCOL_DRIVER_CHARACTERISTICS
        chars.Header.Revision = n.NDIS_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1
        chars.Header.Size = n.NDIS_SIZEOF_PROTOCOL_DRIVER_CHARACTERISTICS_REVISION_1
        chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
        chars.Name = "call_manager"
        chars.SetOptionsHandler = set_options
        chars.BindAdapterHandlerEx = bind.CmBindAdapterEx
        chars.UnbindAdapterHandlerEx = bind.CmUnbindAdapterEx
        chars.OpenAdapterCompleteHandlerEx = bind.CmOpenAdapterCompleteEx
        chars.CloseAdapterCompleteHandlerEx = bind.CmCloseAdapterCompleteEx
        chars.NetPnPEventHandler = bind.CmNetPnPEvent
        chars.OidRequestCompleteHandler = bind.CmOidRequestComplete
        status, handle = n.NdisRegisterProtocolDriver(globals_, chars)
        if status != n.NDIS_STATUS_SUCCESS:
            return n.STATUS_UNSUCCESSFUL
        globals_.NdisProtocolHandle = handle
        return n.STATUS_SUCCESS

    return DriverEntry


def mcm_driver_entry(set_options: Handler) -> Callable[[DRIVER_OBJECT, str], int]:
    """The sample MCM's DriverEntry with ``set_options`` as its MiniportSetOptions."""
    from condis_edu.samples.mcm import adapter, miniport
    from condis_edu.samples.mcm.state import McmGlobals

    def DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: str) -> int:
        globals_ = McmGlobals()
        DriverObject.DriverExtension = globals_
        chars = n.NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
        chars.Header.Type = n.NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS
        chars.Header.Revision = n.NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
        chars.Header.Size = n.NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
        chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
        chars.SetOptionsHandler = set_options
        chars.InitializeHandlerEx = adapter.McmInitializeEx
        chars.HaltHandlerEx = adapter.McmHaltEx
        chars.UnloadHandler = miniport.McmDriverUnload
        chars.PauseHandler = adapter.McmPause
        chars.RestartHandler = adapter.McmRestart
        chars.SendNetBufferListsHandler = adapter.McmSendNetBufferLists
        chars.ReturnNetBufferListsHandler = adapter.McmReturnNetBufferLists
        chars.CancelSendHandler = adapter.McmCancelSend
        chars.DevicePnPEventNotifyHandler = adapter.McmDevicePnPEventNotify
        chars.ShutdownHandlerEx = adapter.McmShutdownEx
        chars.CancelOidRequestHandler = adapter.McmCancelOidRequest
        status, handle = n.NdisMRegisterMiniportDriver(DriverObject, RegistryPath, globals_, chars)
        if status != n.NDIS_STATUS_SUCCESS:
            return n.STATUS_UNSUCCESSFUL
        globals_.NdisMiniportDriverHandle = handle
        return n.STATUS_SUCCESS

    return DriverEntry
