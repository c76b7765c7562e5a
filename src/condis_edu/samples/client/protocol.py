"""DriverEntry and registration of the client."""

from __future__ import annotations

from condis_edu.ndis import (
    DRIVER_OBJECT,
    NDIS_CO_CLIENT_OPTIONAL_HANDLERS,
    NDIS_PROTOCOL_CO_CHARACTERISTICS,
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS,
    NDIS_STATUS_SUCCESS,
    STATUS_SUCCESS,
    STATUS_UNSUCCESSFUL,
    NdisDeregisterProtocolDriver,
    NdisRegisterProtocolDriver,
    NdisSetOptionalHandlers,
    fill_header,
)
from condis_edu.samples.client import af, bind, calls, data, teardown
from condis_edu.samples.client.state import ClGlobals


def DriverEntry(DriverObject: DRIVER_OBJECT, RegistryPath: str) -> int:
    """Register as an NDIS 6.30 protocol driver."""
    globals_ = ClGlobals()
    DriverObject.DriverExtension = globals_
    DriverObject.DriverUnload = ClUnload

    chars = NDIS_PROTOCOL_DRIVER_CHARACTERISTICS()
    fill_header(chars)
    chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
    chars.Name = "client"
    chars.SetOptionsHandler = ClSetOptions
    chars.BindAdapterHandlerEx = bind.ClBindAdapterEx
    chars.UnbindAdapterHandlerEx = bind.ClUnbindAdapterEx
    chars.OpenAdapterCompleteHandlerEx = bind.ClOpenAdapterCompleteEx
    chars.CloseAdapterCompleteHandlerEx = bind.ClCloseAdapterCompleteEx
    chars.NetPnPEventHandler = bind.ClNetPnPEvent
    chars.OidRequestCompleteHandler = bind.ClOidRequestComplete

    Status, handle = NdisRegisterProtocolDriver(globals_, chars)
    if Status != NDIS_STATUS_SUCCESS:
        return STATUS_UNSUCCESSFUL
    globals_.NdisProtocolHandle = handle
    return STATUS_SUCCESS


def ClSetOptions(NdisDriverHandle: object, DriverContext: ClGlobals) -> int:
    """Register the CoNDIS protocol handlers and all 19 client handlers (R1.27, R1.28)."""
    co = NDIS_PROTOCOL_CO_CHARACTERISTICS()
    fill_header(co)
    co.CoStatusHandlerEx = bind.ClCoStatusEx
    co.CoAfRegisterNotifyHandler = af.ClCoAfRegisterNotify
    co.CoReceiveNetBufferListsHandler = data.ClCoReceiveNetBufferLists
    co.CoSendNetBufferListsCompleteHandler = data.ClCoSendNetBufferListsComplete
    Status = NdisSetOptionalHandlers(NdisDriverHandle, co)  # type: ignore[arg-type]
    if Status != NDIS_STATUS_SUCCESS:
        return Status

    cl = NDIS_CO_CLIENT_OPTIONAL_HANDLERS()
    fill_header(cl)
    cl.ClCreateVcHandler = calls.ClCreateVc
    cl.ClDeleteVcHandler = calls.ClDeleteVc
    cl.ClOidRequestHandler = calls.ClOidRequest
    cl.ClOidRequestCompleteHandler = calls.ClOidRequestComplete
    cl.ClOpenAfCompleteHandlerEx = af.ClOpenAfCompleteEx
    cl.ClCloseAfCompleteHandler = af.ClCloseAfComplete
    cl.ClRegisterSapCompleteHandler = af.ClRegisterSapComplete
    cl.ClDeregisterSapCompleteHandler = teardown.ClDeregisterSapComplete
    cl.ClMakeCallCompleteHandler = calls.ClMakeCallComplete
    cl.ClModifyCallQoSCompleteHandler = calls.ClModifyCallQoSComplete
    cl.ClCloseCallCompleteHandler = calls.ClCloseCallComplete
    cl.ClAddPartyCompleteHandler = calls.ClAddPartyComplete
    cl.ClDropPartyCompleteHandler = calls.ClDropPartyComplete
    cl.ClIncomingCallHandler = calls.ClIncomingCall
    cl.ClIncomingCallQoSChangeHandler = calls.ClIncomingCallQoSChange
    cl.ClIncomingCloseCallHandler = calls.ClIncomingCloseCall
    cl.ClIncomingDropPartyHandler = calls.ClIncomingDropParty
    cl.ClCallConnectedHandler = calls.ClCallConnected
    cl.ClNotifyCloseAfHandler = af.ClNotifyCloseAf
    return NdisSetOptionalHandlers(NdisDriverHandle, cl)  # type: ignore[arg-type]


def ClUnload(DriverObject: DRIVER_OBJECT) -> None:
    """Undo DriverEntry."""
    globals_ = DriverObject.DriverExtension
    assert isinstance(globals_, ClGlobals)
    NdisDeregisterProtocolDriver(globals_.NdisProtocolHandle)  # type: ignore[arg-type]
