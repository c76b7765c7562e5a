"""The handler contract: for every handler field, Microsoft's role name and parameters.

NDIS calls a handler by its field (``CoCreateVcHandler``); the documentation names the role
(``MiniportCoCreateVc``). This table ties the two together and gives the parameter list NDIS
passes, so registration can check that a Python function can take those arguments (SDV asks
for the same thing through role types, R6.09) and traces can print the role name.

``outs`` lists the C out-parameters: the handler returns ``(status, *outs)``.

>>> spec = HANDLER_SPECS["CoCreateVcHandler"]
>>> spec.role, spec.params, spec.outs
('MiniportCoCreateVc', ('MiniportAdapterContext', 'NdisVcHandle'), ('MiniportVcContext',))
>>> spec.page
'https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_co_create_vc'
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from condis_edu.errors import HandlerSignatureError
from condis_edu.verifier.rule import DDI_BASE


@dataclass(frozen=True, slots=True)
class HandlerSpec:
    """One handler slot of an NDIS characteristics structure."""

    field: str
    role: str
    params: tuple[str, ...]
    outs: tuple[str, ...] = ()
    returns_status: bool = True
    page_name: str = ""

    @property
    def page(self) -> str:
        """The learn.microsoft.com reference page of the handler's role."""
        return DDI_BASE + self.page_name


def _s(field: str, role: str, params: str, page: str, outs: str = "", returns_status: bool = True) -> HandlerSpec:
    return HandlerSpec(
        field,
        role,
        tuple(p for p in params.split() if p),
        tuple(o for o in outs.split() if o),
        returns_status,
        page,
    )


_SPECS: Final = (
    # NDIS_MINIPORT_DRIVER_CHARACTERISTICS
    _s("SetOptionsHandler", "MiniportSetOptions", "NdisDriverHandle DriverContext", "nc-ndis-set_options"),
    _s(
        "InitializeHandlerEx",
        "MiniportInitializeEx",
        "NdisMiniportHandle MiniportDriverContext MiniportInitParameters",
        "nc-ndis-miniport_initialize",
    ),
    _s("HaltHandlerEx", "MiniportHaltEx", "MiniportAdapterContext HaltAction", "nc-ndis-miniport_halt", "", False),
    _s("UnloadHandler", "MiniportDriverUnload", "DriverObject", "nc-ndis-miniport_unload", "", False),
    _s("PauseHandler", "MiniportPause", "MiniportAdapterContext PauseParameters", "nc-ndis-miniport_pause"),
    _s("RestartHandler", "MiniportRestart", "MiniportAdapterContext RestartParameters", "nc-ndis-miniport_restart"),
    _s("OidRequestHandler", "MiniportOidRequest", "MiniportAdapterContext OidRequest", "nc-ndis-miniport_oid_request"),
    _s(
        "SendNetBufferListsHandler",
        "MiniportSendNetBufferLists",
        "MiniportAdapterContext NetBufferList PortNumber SendFlags",
        "nc-ndis-miniport_send_net_buffer_lists",
        "",
        False,
    ),
    _s(
        "ReturnNetBufferListsHandler",
        "MiniportReturnNetBufferLists",
        "MiniportAdapterContext NetBufferLists ReturnFlags",
        "nc-ndis-miniport_return_net_buffer_lists",
        "",
        False,
    ),
    _s(
        "CancelSendHandler",
        "MiniportCancelSend",
        "MiniportAdapterContext CancelId",
        "nc-ndis-miniport_cancel_send",
        "",
        False,
    ),
    _s(
        "CheckForHangHandlerEx",
        "MiniportCheckForHangEx",
        "MiniportAdapterContext",
        "nc-ndis-miniport_check_for_hang",
        "",
        False,
    ),
    _s("ResetHandlerEx", "MiniportResetEx", "MiniportAdapterContext", "nc-ndis-miniport_reset", "AddressingReset"),
    _s(
        "DevicePnPEventNotifyHandler",
        "MiniportDevicePnPEventNotify",
        "MiniportAdapterContext NetDevicePnPEvent",
        "nc-ndis-miniport_device_pnp_event_notify",
        "",
        False,
    ),
    _s(
        "ShutdownHandlerEx",
        "MiniportShutdownEx",
        "MiniportAdapterContext ShutdownAction",
        "nc-ndis-miniport_shutdown",
        "",
        False,
    ),
    _s(
        "CancelOidRequestHandler",
        "MiniportCancelOidRequest",
        "MiniportAdapterContext RequestId",
        "nc-ndis-miniport_cancel_oid_request",
        "",
        False,
    ),
    _s(
        "DirectOidRequestHandler",
        "MiniportDirectOidRequest",
        "MiniportAdapterContext OidRequest",
        "nc-ndis-miniport_direct_oid_request",
    ),
    _s(
        "CancelDirectOidRequestHandler",
        "MiniportCancelDirectOidRequest",
        "MiniportAdapterContext RequestId",
        "nc-ndis-miniport_cancel_direct_oid_request",
        "",
        False,
    ),
    _s(
        "SynchronousOidRequestHandler",
        "MiniportSynchronousOidRequest",
        "MiniportAdapterContext OidRequest",
        "nc-ndis-miniport_synchronous_oid_request",
    ),
    # NDIS_MINIPORT_CO_CHARACTERISTICS
    _s(
        "CoCreateVcHandler",
        "MiniportCoCreateVc",
        "MiniportAdapterContext NdisVcHandle",
        "nc-ndis-miniport_co_create_vc",
        "MiniportVcContext",
    ),
    _s("CoDeleteVcHandler", "MiniportCoDeleteVc", "MiniportVcContext", "nc-ndis-miniport_co_delete_vc"),
    _s(
        "CoActivateVcHandler",
        "MiniportCoActivateVc",
        "MiniportVcContext CallParameters",
        "nc-ndis-miniport_co_activate_vc",
    ),
    _s("CoDeactivateVcHandler", "MiniportCoDeactivateVc", "MiniportVcContext", "nc-ndis-miniport_co_deactivate_vc"),
    _s(
        "CoSendNetBufferListsHandler",
        "MiniportCoSendNetBufferLists",
        "MiniportVcContext NetBufferLists SendFlags",
        "nc-ndis-miniport_co_send_net_buffer_lists",
        "",
        False,
    ),
    _s(
        "CoOidRequestHandler",
        "MiniportCoOidRequest",
        "MiniportAdapterContext MiniportVcContext NdisRequest",
        "nc-ndis-miniport_co_oid_request",
    ),
    # NDIS_PROTOCOL_DRIVER_CHARACTERISTICS (SetOptionsHandler shares the miniport spec's shape)
    _s(
        "BindAdapterHandlerEx",
        "ProtocolBindAdapterEx",
        "ProtocolDriverContext BindContext BindParameters",
        "nc-ndis-protocol_bind_adapter_ex",
    ),
    _s(
        "UnbindAdapterHandlerEx",
        "ProtocolUnbindAdapterEx",
        "UnbindContext ProtocolBindingContext",
        "nc-ndis-protocol_unbind_adapter_ex",
    ),
    _s(
        "OpenAdapterCompleteHandlerEx",
        "ProtocolOpenAdapterCompleteEx",
        "ProtocolBindingContext Status",
        "nc-ndis-protocol_open_adapter_complete_ex",
        "",
        False,
    ),
    _s(
        "CloseAdapterCompleteHandlerEx",
        "ProtocolCloseAdapterCompleteEx",
        "ProtocolBindingContext",
        "nc-ndis-protocol_close_adapter_complete_ex",
        "",
        False,
    ),
    _s(
        "NetPnPEventHandler",
        "ProtocolNetPnPEvent",
        "ProtocolBindingContext NetPnPEventNotification",
        "nc-ndis-protocol_net_pnp_event",
    ),
    _s("UninstallHandler", "ProtocolUninstall", "", "nc-ndis-protocol_uninstall", "", False),
    _s(
        "OidRequestCompleteHandler",
        "ProtocolOidRequestComplete",
        "ProtocolBindingContext OidRequest Status",
        "nc-ndis-protocol_oid_request_complete",
        "",
        False,
    ),
    _s(
        "StatusHandlerEx",
        "ProtocolStatusEx",
        "ProtocolBindingContext StatusIndication",
        "nc-ndis-protocol_status_ex",
        "",
        False,
    ),
    _s(
        "ReceiveNetBufferListsHandler",
        "ProtocolReceiveNetBufferLists",
        "ProtocolBindingContext NetBufferLists PortNumber NumberOfNetBufferLists ReceiveFlags",
        "nc-ndis-protocol_receive_net_buffer_lists",
        "",
        False,
    ),
    _s(
        "SendNetBufferListsCompleteHandler",
        "ProtocolSendNetBufferListsComplete",
        "ProtocolBindingContext NetBufferList SendCompleteFlags",
        "nc-ndis-protocol_send_net_buffer_lists_complete",
        "",
        False,
    ),
    _s(
        "DirectOidRequestCompleteHandler",
        "ProtocolDirectOidRequestComplete",
        "ProtocolBindingContext OidRequest Status",
        "nc-ndis-protocol_direct_oid_request_complete",
        "",
        False,
    ),
    # NDIS_PROTOCOL_CO_CHARACTERISTICS
    _s(
        "CoStatusHandlerEx",
        "ProtocolCoStatusEx",
        "ProtocolBindingContext ProtocolVcContext StatusIndication",
        "nc-ndis-protocol_co_status_ex",
        "",
        False,
    ),
    _s(
        "CoAfRegisterNotifyHandler",
        "ProtocolCoAfRegisterNotify",
        "ProtocolBindingContext AddressFamily",
        "nc-ndis-protocol_co_af_register_notify",
        "",
        False,
    ),
    _s(
        "CoReceiveNetBufferListsHandler",
        "ProtocolCoReceiveNetBufferLists",
        "ProtocolBindingContext ProtocolVcContext NetBufferLists NumberOfNetBufferLists ReceiveFlags",
        "nc-ndis-protocol_co_receive_net_buffer_lists",
        "",
        False,
    ),
    _s(
        "CoSendNetBufferListsCompleteHandler",
        "ProtocolCoSendNetBufferListsComplete",
        "ProtocolVcContext NetBufferLists SendCompleteFlags",
        "nc-ndis-protocol_co_send_net_buffer_lists_complete",
        "",
        False,
    ),
    # NDIS_CO_CLIENT_OPTIONAL_HANDLERS
    _s(
        "ClCreateVcHandler",
        "ProtocolCoCreateVc",
        "ProtocolAfContext NdisVcHandle",
        "nc-ndis-protocol_co_create_vc",
        "ProtocolVcContext",
    ),
    _s("ClDeleteVcHandler", "ProtocolCoDeleteVc", "ProtocolVcContext", "nc-ndis-protocol_co_delete_vc"),
    _s(
        "ClOidRequestHandler",
        "ProtocolCoOidRequest",
        "ProtocolAfContext ProtocolVcContext ProtocolPartyContext OidRequest",
        "nc-ndis-protocol_co_oid_request",
    ),
    _s(
        "ClOidRequestCompleteHandler",
        "ProtocolCoOidRequestComplete",
        "ProtocolAfContext ProtocolVcContext ProtocolPartyContext OidRequest Status",
        "nc-ndis-protocol_co_oid_request_complete",
        "",
        False,
    ),
    _s(
        "ClOpenAfCompleteHandlerEx",
        "ProtocolClOpenAfCompleteEx",
        "Status ProtocolAfContext NdisAfHandle",
        "nc-ndis-protocol_cl_open_af_complete_ex",
        "",
        False,
    ),
    _s(
        "ClCloseAfCompleteHandler",
        "ProtocolClCloseAfComplete",
        "Status ProtocolAfContext",
        "nc-ndis-protocol_cl_close_af_complete",
        "",
        False,
    ),
    _s(
        "ClRegisterSapCompleteHandler",
        "ProtocolClRegisterSapComplete",
        "Status ProtocolSapContext Sap NdisSapHandle",
        "nc-ndis-protocol_cl_register_sap_complete",
        "",
        False,
    ),
    _s(
        "ClDeregisterSapCompleteHandler",
        "ProtocolClDeregisterSapComplete",
        "Status ProtocolSapContext",
        "nc-ndis-protocol_cl_deregister_sap_complete",
        "",
        False,
    ),
    _s(
        "ClMakeCallCompleteHandler",
        "ProtocolClMakeCallComplete",
        "Status ProtocolVcContext NdisPartyHandle CallParameters",
        "nc-ndis-protocol_cl_make_call_complete",
        "",
        False,
    ),
    _s(
        "ClModifyCallQoSCompleteHandler",
        "ProtocolClModifyCallQoSComplete",
        "Status ProtocolVcContext CallParameters",
        "nc-ndis-protocol_cl_modify_call_qos_complete",
        "",
        False,
    ),
    _s(
        "ClCloseCallCompleteHandler",
        "ProtocolClCloseCallComplete",
        "Status ProtocolVcContext ProtocolPartyContext",
        "nc-ndis-protocol_cl_close_call_complete",
        "",
        False,
    ),
    _s(
        "ClAddPartyCompleteHandler",
        "ProtocolClAddPartyComplete",
        "Status ProtocolPartyContext NdisPartyHandle CallParameters",
        "nc-ndis-protocol_cl_add_party_complete",
        "",
        False,
    ),
    _s(
        "ClDropPartyCompleteHandler",
        "ProtocolClDropPartyComplete",
        "Status ProtocolPartyContext",
        "nc-ndis-protocol_cl_drop_party_complete",
        "",
        False,
    ),
    _s(
        "ClIncomingCallHandler",
        "ProtocolClIncomingCall",
        "ProtocolSapContext ProtocolVcContext CallParameters",
        "nc-ndis-protocol_cl_incoming_call",
    ),
    _s(
        "ClIncomingCallQoSChangeHandler",
        "ProtocolClIncomingCallQoSChange",
        "ProtocolVcContext CallParameters",
        "nc-ndis-protocol_cl_incoming_call_qos_change",
        "",
        False,
    ),
    _s(
        "ClIncomingCloseCallHandler",
        "ProtocolClIncomingCloseCall",
        "CloseStatus ProtocolVcContext CloseData Size",
        "nc-ndis-protocol_cl_incoming_close_call",
        "",
        False,
    ),
    _s(
        "ClIncomingDropPartyHandler",
        "ProtocolClIncomingDropParty",
        "DropStatus ProtocolPartyContext CloseData Size",
        "nc-ndis-protocol_cl_incoming_drop_party",
        "",
        False,
    ),
    _s(
        "ClCallConnectedHandler",
        "ProtocolClCallConnected",
        "ProtocolVcContext",
        "nc-ndis-protocol_cl_call_connected",
        "",
        False,
    ),
    _s("ClNotifyCloseAfHandler", "ProtocolClNotifyCloseAf", "ClientAfContext", "nc-ndis-protocol_cl_notify_close_af"),
    # NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS
    _s(
        "CmCreateVcHandler",
        "ProtocolCoCreateVc",
        "ProtocolAfContext NdisVcHandle",
        "nc-ndis-protocol_co_create_vc",
        "ProtocolVcContext",
    ),
    _s("CmDeleteVcHandler", "ProtocolCoDeleteVc", "ProtocolVcContext", "nc-ndis-protocol_co_delete_vc"),
    _s(
        "CmOpenAfHandler",
        "ProtocolCmOpenAf",
        "CallMgrBindingContext AddressFamily NdisAfHandle",
        "nc-ndis-protocol_cm_open_af",
        "CallMgrAfContext",
    ),
    _s("CmCloseAfHandler", "ProtocolCmCloseAf", "CallMgrAfContext", "nc-ndis-protocol_cm_close_af"),
    _s(
        "CmRegisterSapHandler",
        "ProtocolCmRegisterSap",
        "CallMgrAfContext Sap NdisSapHandle",
        "nc-ndis-protocol_cm_reg_sap",
        "CallMgrSapContext",
    ),
    _s("CmDeregisterSapHandler", "ProtocolCmDeregisterSap", "CallMgrSapContext", "nc-ndis-protocol_cm_deregister_sap"),
    _s(
        "CmMakeCallHandler",
        "ProtocolCmMakeCall",
        "CallMgrVcContext CallParameters NdisPartyHandle",
        "nc-ndis-protocol_cm_make_call",
        "CallMgrPartyContext",
    ),
    _s(
        "CmCloseCallHandler",
        "ProtocolCmCloseCall",
        "CallMgrVcContext CallMgrPartyContext CloseData Size",
        "nc-ndis-protocol_cm_close_call",
    ),
    _s(
        "CmIncomingCallCompleteHandler",
        "ProtocolCmIncomingCallComplete",
        "Status CallMgrVcContext CallParameters",
        "nc-ndis-protocol_cm_incoming_call_complete",
        "",
        False,
    ),
    _s(
        "CmAddPartyHandler",
        "ProtocolCmAddParty",
        "CallMgrVcContext CallParameters NdisPartyHandle",
        "nc-ndis-protocol_cm_add_party",
        "CallMgrPartyContext",
    ),
    _s(
        "CmDropPartyHandler",
        "ProtocolCmDropParty",
        "CallMgrPartyContext CloseData Size",
        "nc-ndis-protocol_cm_drop_party",
    ),
    _s(
        "CmActivateVcCompleteHandler",
        "ProtocolCmActivateVcComplete",
        "Status CallMgrVcContext CallParameters",
        "nc-ndis-protocol_cm_activate_vc_complete",
        "",
        False,
    ),
    _s(
        "CmDeactivateVcCompleteHandler",
        "ProtocolCmDeactivateVcComplete",
        "Status CallMgrVcContext",
        "nc-ndis-protocol_cm_deactivate_vc_complete",
        "",
        False,
    ),
    _s(
        "CmModifyCallQoSHandler",
        "ProtocolCmModifyCallQoS",
        "CallMgrVcContext CallParameters",
        "nc-ndis-protocol_cm_modify_qos_call",
    ),
    _s(
        "CmOidRequestHandler",
        "ProtocolCoOidRequest",
        "ProtocolAfContext ProtocolVcContext ProtocolPartyContext OidRequest",
        "nc-ndis-protocol_co_oid_request",
    ),
    _s(
        "CmOidRequestCompleteHandler",
        "ProtocolCoOidRequestComplete",
        "ProtocolAfContext ProtocolVcContext ProtocolPartyContext OidRequest Status",
        "nc-ndis-protocol_co_oid_request_complete",
        "",
        False,
    ),
    _s(
        "CmNotifyCloseAfCompleteHandler",
        "ProtocolCmNotifyCloseAfComplete",
        "Status CallMgrAfContext",
        "nc-ndis-protocol_cm_notify_close_af_complete",
        "",
        False,
    ),
)

HANDLER_SPECS: Final[dict[str, HandlerSpec]] = {spec.field: spec for spec in _SPECS}
"""Handler field name -> spec. ``SetOptionsHandler`` is shared by miniport and protocol."""

PROTOCOL_SET_OPTIONS: Final = HandlerSpec(
    "SetOptionsHandler", "ProtocolSetOptions", ("NdisDriverHandle", "DriverContext"), (), True, "nc-ndis-set_options"
)


def spec_for(structure: object, field_name: str) -> HandlerSpec:
    """The spec of *field_name* in *structure* (protocol SetOptions gets its own role name)."""
    if field_name == "SetOptionsHandler" and type(structure).__name__ == "NDIS_PROTOCOL_DRIVER_CHARACTERISTICS":
        return PROTOCOL_SET_OPTIONS
    return HANDLER_SPECS[field_name]


def handler_fields(structure: object) -> tuple[str, ...]:
    """Names of the handler fields of an NDIS characteristics structure, in declaration order."""
    return tuple(name for name in getattr(type(structure), "__slots__", ()) if name.endswith(("Handler", "HandlerEx")))


def check_signature(fn: Callable[..., Any], spec: HandlerSpec, structure_name: str) -> None:
    """Raise ``HandlerSignatureError`` unless *fn* accepts ``len(spec.params)`` positional arguments."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # builtins without a signature: trust them
        return
    try:
        signature.bind(*spec.params)
    except TypeError as exc:
        wanted = ", ".join(spec.params) or "no parameters"
        name = getattr(fn, "__qualname__", type(fn).__name__)
        raise HandlerSignatureError(
            f"{structure_name}.{spec.field} = {name}{signature} cannot be called as {spec.role}({wanted}): {exc}"
        ) from None
