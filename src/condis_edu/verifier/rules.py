"""The verifier's rule catalogue, as data.

Rule ids are grouped by family: ``R1.xx`` registration, ``R2.xx`` virtual connections and
calls, ``R3.xx`` to ``R5.xx`` the data path, OIDs and adapter states (``datapath_rules``),
plus the few ``R5``/``R6`` rules the control path needs. Rules that do not fit a family start
with ``X``. Every rule cites the learn.microsoft.com page its requirement comes from; our own
pages list them all (docs/rules/).

Every driver-side requirement of the registration, VC and call families is listed, including
the ones the engine cannot check yet; those carry ``checked=False`` and the reason in
``not_checked``.

>>> from condis_edu.verifier.rule import RuleKind, anchor
>>> RULES["R2.09"].kind is RuleKind.BUGCHECK
True
>>> anchor("R2.09"), rule_page("R2.09")
('r2-09', 'rules/virtual-connections.md#r2-09')
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from condis_edu.verifier.datapath_rules import DATAPATH_RULES
from condis_edu.verifier.rule import Rule, RuleKind, _r

B = RuleKind.BUGCHECK

_RULES: Final = (
    # ----------------------------------------------------------------- 1. Registration
    _r(
        "R1.01",
        "A miniport registers with NdisMRegisterMiniportDriver from its DriverEntry.",
        "NdisMRegisterMiniportDriver",
        "ddi:nf-ndis-ndismregisterminiportdriver.md",
    ),
    _r(
        "R1.06",
        "Registrations must be undone: by DriverEntry if it then fails, otherwise in the unload routine.",
        "DriverEntry NdisMDeregisterMiniportDriver MiniportDriverUnload NdisDeregisterProtocolDriver",
        "ddi:nf-ndis-ndismderegisterminiportdriver.md",
    ),
    _r(
        "R1.07",
        "Every handler slot holds a real entry point or NULL, nothing else.",
        "NdisMRegisterMiniportDriver NdisRegisterProtocolDriver NdisSetOptionalHandlers",
        "net:initializing-a-miniport-driver.md",
        B,
    ),
    _r(
        "R1.08",
        "NDIS_MINIPORT_DRIVER_CHARACTERISTICS needs Type 0x8A, a known Revision and the matching Size.",
        "NdisMRegisterMiniportDriver",
        "ddi:ns-ndis-_ndis_miniport_driver_characteristics.md",
    ),
    _r(
        "R1.09",
        "MajorNdisVersion must be 6 and MinorNdisVersion one of the published NDIS 6 minor versions.",
        "NdisMRegisterMiniportDriver",
        "ddi:ns-ndis-_ndis_miniport_driver_characteristics.md",
    ),
    _r(
        "R1.10",
        "The mandatory MiniportXxx handlers must all be supplied.",
        "NdisMRegisterMiniportDriver",
        "ddi:ns-ndis-_ndis_miniport_driver_characteristics.md",
    ),
    _r(
        "R1.11",
        "A CoNDIS miniport needs a MiniportSetOptions handler: it is the only way to register Co handlers.",
        "NdisMRegisterMiniportDriver MiniportInitializeEx",
        "ddi:ns-ndis-_ndis_miniport_driver_characteristics.md",
    ),
    _r(
        "R1.13",
        "A CheckForHang handler requires a Reset handler; intermediate drivers supply neither.",
        "NdisMRegisterMiniportDriver",
        "ddi:ns-ndis-_ndis_miniport_driver_characteristics.md",
    ),
    _r(
        "R1.14",
        "DirectOidRequest and CancelDirectOidRequest handlers come as a pair or not at all.",
        "NdisMRegisterMiniportDriver",
        "ddi:ns-ndis-_ndis_miniport_driver_characteristics.md",
    ),
    _r(
        "R1.15",
        "Only NDIS_INTERMEDIATE_DRIVER and NDIS_WDM_DRIVER are valid registration flags; "
        "a second registration by the same driver is the intermediate one.",
        "NdisMRegisterMiniportDriver",
        "ddi:nf-ndis-ndismregisterminiportdriver.md",
    ),
    _r(
        "R1.16",
        "CoNDIS miniports are deserialized and serialize their own handlers.",
        "MiniportCoSendNetBufferLists",
        "net:connection-oriented-ndis-miniport-drivers.md",
        not_checked="no concurrency in the simulation: one handler runs at a time on one thread, so handlers never "
        "overlap and there is nothing a driver could fail to serialize",
    ),
    _r(
        "R1.18",
        "A CoNDIS miniport registers NDIS_MINIPORT_CO_CHARACTERISTICS, and only from MiniportSetOptions.",
        "NdisSetOptionalHandlers MiniportSetOptions",
        "net:condis-miniport-driver-registration.md",
    ),
    _r(
        "R1.19",
        "NDIS_MINIPORT_CO_CHARACTERISTICS needs Type 0x91, Revision 1, the revision-1 Size and Flags = 0.",
        "NdisSetOptionalHandlers",
        "ddi:ns-ndis-_ndis_miniport_co_characteristics.md",
    ),
    _r(
        "R1.20",
        "A CoNDIS miniport that is not an MCM supplies all six MiniportCoXxx handlers.",
        "NdisSetOptionalHandlers NdisMRegisterMiniportDriver",
        "net:connection-oriented-ndis-miniport-drivers.md",
    ),
    _r(
        "R1.22",
        "Each caller may register only the optional-handler structures documented for it, from the documented place.",
        "NdisSetOptionalHandlers",
        "ddi:nf-ndis-ndissetoptionalhandlers.md",
    ),
    _r(
        "R1.24",
        "A SetOptions handler returns a final status (never PENDING).",
        "MiniportSetOptions ProtocolSetOptions",
        "ddi:nc-ndis-set_options.md",
    ),
    _r(
        "R1.25",
        "A protocol registers from DriverEntry with a valid NDIS_PROTOCOL_DRIVER_CHARACTERISTICS "
        "(Type 0x95, known Revision and Size, version 6.x, Flags 0, mandatory handlers).",
        "NdisRegisterProtocolDriver",
        "ddi:nf-ndis-ndisregisterprotocoldriver.md",
    ),
    _r(
        "R1.27",
        "Every CoNDIS client or call manager registers a complete NDIS_PROTOCOL_CO_CHARACTERISTICS "
        "(Type 0x90, Revision 1).",
        "NdisSetOptionalHandlers NdisRegisterProtocolDriver",
        "net:condis-client-registration.md",
    ),
    _r(
        "R1.28",
        "A client registers NDIS_CO_CLIENT_OPTIONAL_HANDLERS (Type 0xA6) with all 19 entries non-NULL; "
        "only clients use client DDIs.",
        "NdisSetOptionalHandlers NdisClOpenAddressFamilyEx",
        "ddi:ns-ndis-_ndis_co_client_optional_handlers.md",
    ),
    _r(
        "R1.29",
        "A stand-alone call manager registers NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS (Type 0xA5) with all "
        "17 entries non-NULL, from ProtocolSetOptions.",
        "NdisSetOptionalHandlers",
        "ddi:ns-ndis-_ndis_co_call_manager_optional_handlers.md",
    ),
    _r(
        "R1.31",
        "Only a call manager registers an address family, once per adapter it binds.",
        "NdisCmRegisterAddressFamilyEx",
        "net:differences-in-initialization.md",
    ),
    _r(
        "R1.33",
        "An MCM registers NDIS_MINIPORT_CO_CHARACTERISTICS together with its call manager handlers.",
        "NdisSetOptionalHandlers MiniportSetOptions",
        "net:condis-mcm-registration.md",
    ),
    _r(
        "R1.34",
        "An MCM leaves CoCreateVcHandler and CoDeleteVcHandler NULL.",
        "NdisSetOptionalHandlers",
        "ddi:ns-ndis-_ndis_miniport_co_characteristics.md",
    ),
    _r(
        "R1.35",
        "An MCM fills every CmXxx entry of its call manager handlers.",
        "NdisSetOptionalHandlers",
        "ddi:ns-ndis-_ndis_co_call_manager_optional_handlers.md",
    ),
    _r(
        "R1.36",
        "An MCM's CmOidRequestHandler is a separate ProtocolCoOidRequest, not its MiniportCoOidRequest.",
        "NdisSetOptionalHandlers",
        "ddi:ns-ndis-_ndis_co_call_manager_optional_handlers.md",
    ),
    _r(
        "R1.37",
        "An MCM supplies MiniportCoOidRequest and MiniportCoSendNetBufferLists.",
        "NdisSetOptionalHandlers",
        "net:differences-in-virtual-connections.md",
    ),
    _r(
        "R1.38",
        "An MCM registers its address family with NdisMCmRegisterAddressFamilyEx inside MiniportInitializeEx.",
        "NdisMCmRegisterAddressFamilyEx MiniportInitializeEx",
        "net:differences-in-initialization.md",
    ),
    _r(
        "R1.40",
        "A CoNDIS WAN miniport or MCM declares NDIS 5.0 or later and registers its Co handlers with "
        "NdisSetOptionalHandlers.",
        "NdisMRegisterMiniportDriver MiniportInitializeEx",
        "net:registering-condis-wan-drivers.md",
    ),
    _r(
        "R1.41",
        "A CoNDIS WAN miniport never loops packets back (no receive indication marked as a looped-back packet).",
        "MiniportCoSendNetBufferLists NdisMCoIndicateReceiveNetBufferLists",
        "net:wan-specific-capabilities-of-condis-wan-drivers.md",
    ),
    _r(
        "R1.44",
        "A CoNDIS 6 miniport implements pause and restart.",
        "NdisMRegisterMiniportDriver",
        "net:connection-oriented-ndis-miniport-drivers.md",
    ),
    _r(
        "R1.45",
        "A driver that registered two miniport drivers deregisters both.",
        "NdisMDeregisterMiniportDriver MiniportDriverUnload",
        "net:unloading-an-intermediate-driver.md",
    ),
    # ------------------------------------------------------------ 2. Virtual connections
    _r(
        "R2.02",
        "The client creates the VC of an outgoing call; the call manager creates the VC of an incoming "
        "call; only a call manager creates a VC without an address family.",
        "NdisCoCreateVc NdisClMakeCall NdisCmDispatchIncomingCall",
        "ddi:nf-ndis-ndiscocreatevc.md",
    ),
    _r(
        "R2.03",
        "Only stand-alone call managers and clients call NdisCoCreateVc/NdisCoDeleteVc; MCMs use "
        "NdisMCmCreateVc/NdisMCmDeleteVc and only MCMs call NdisMCmXxx.",
        "NdisCoCreateVc NdisCoDeleteVc NdisMCmCreateVc NdisMCmDeleteVc",
        "net:differences-in-calls-to-ndisxxx-functions.md",
    ),
    _r(
        "R2.04",
        "An MCM keeps its signaling VCs internal: it never creates a VC without an address family.",
        "NdisMCmCreateVc",
        "net:differences-in-virtual-connections.md",
    ),
    _r("R2.05", "Only the creator of a VC deletes it.", "NdisCoDeleteVc NdisMCmDeleteVc", "net:deleting-a-vc.md"),
    _r(
        "R2.06",
        "The NdisVcHandle passed in to NdisCoCreateVc / NdisMCmCreateVc must be NULL.",
        "NdisCoCreateVc NdisMCmCreateVc",
        "ddi:nf-ndis-ndiscocreatevc.md",
    ),
    _r(
        "R2.09",
        "MiniportCoCreateVc completes synchronously: returning NDIS_STATUS_PENDING is a system-wide failure.",
        "MiniportCoCreateVc",
        "ddi:nc-ndis-miniport_co_create_vc.md",
        B,
        code=0x7C,
    ),
    _r(
        "R2.10",
        "ProtocolCoCreateVc completes synchronously; PENDING makes the VC unusable.",
        "ProtocolCoCreateVc",
        "ddi:nc-ndis-protocol_co_create_vc.md",
    ),
    _r(
        "R2.14",
        "Only the VC's call manager activates it (NdisCmActivateVc; an MCM uses NdisMCmActivateVc).",
        "NdisCmActivateVc NdisMCmActivateVc",
        "net:activating-a-vc.md",
    ),
    _r(
        "R2.15",
        "The call manager activates the VC before completing an outgoing call successfully and before "
        "dispatching an incoming call.",
        "NdisCmMakeCallComplete NdisCmDispatchIncomingCall",
        "ddi:nf-ndis-ndiscmactivatevc.md",
    ),
    _r(
        "R2.17",
        "MiniportCoActivateVc returns SUCCESS, PENDING, INVALID_DATA or RESOURCES.",
        "MiniportCoActivateVc",
        "ddi:nc-ndis-miniport_co_activate_vc.md",
    ),
    _r(
        "R2.18",
        "NdisMCoActivateVcComplete answers exactly one pending MiniportCoActivateVc, with a final status.",
        "NdisMCoActivateVcComplete",
        "ddi:nf-ndis-ndismcoactivatevccomplete.md",
    ),
    _r(
        "R2.19",
        "If NdisCmActivateVc does not pend, the call manager calls its own completion handler.",
        "NdisCmActivateVc",
        "ddi:nf-ndis-ndiscmactivatevc.md",
        not_checked="a driver calling its own function is invisible to NDIS: the call manager's own completion "
        "handler is not an NDIS entry point",
    ),
    _r(
        "R2.21",
        "A failed re-activation leaves the VC working with its previous parameters.",
        "MiniportCoActivateVc",
        "ddi:nc-ndis-miniport_co_activate_vc.md",
        not_checked="the VC's media parameters live in the miniport's own context: NDIS keeps the VC active after a "
        "failed re-activation (checked by the VC state table), but which parameters the miniport then "
        "applies never crosses the NDIS boundary",
    ),
    _r(
        "R2.22",
        "With ROUND_UP_FLOW/ROUND_DOWN_FLOW the miniport writes the rounded parameters back.",
        "MiniportCoActivateVc",
        "ddi:nc-ndis-miniport_co_activate_vc.md",
        not_checked="the correct rounded values are medium-specific and computed by the miniport from its hardware; "
        "NDIS has no way to know them",
    ),
    _r(
        "R2.23",
        "A call manager uses a VC only after its activation completed successfully.",
        "NdisCmMakeCallComplete NdisCmDispatchIncomingCall",
        "ddi:nc-ndis-protocol_cm_activate_vc_complete.md",
    ),
    _r(
        "R2.25",
        "An MCM activates every client-data VC (NdisMCmActivateVc) before data moves.",
        "NdisMCmMakeCallComplete NdisMCmDispatchIncomingCall",
        "ddi:nf-ndis-ndismcmactivatevc.md",
    ),
    _r(
        "R2.26",
        "Only the VC's call manager deactivates it.",
        "NdisCmDeactivateVc NdisMCmDeactivateVc",
        "net:deactivating-a-vc.md",
    ),
    _r(
        "R2.27",
        "MiniportCoDeactivateVc returns SUCCESS or PENDING; a pending one ends with exactly one "
        "NdisMCoDeactivateVcComplete with a final status.",
        "MiniportCoDeactivateVc NdisMCoDeactivateVcComplete",
        "ddi:nc-ndis-miniport_co_deactivate_vc.md",
    ),
    _r(
        "R2.28",
        "Before deactivation completes, every send on the VC is completed and every indicated receive returned.",
        "NdisMCoDeactivateVcComplete MiniportCoDeactivateVc",
        "net:deactivating-a-vc.md",
    ),
    _r(
        "R2.29",
        "After deactivation the miniport neither sends nor indicates on the VC.",
        "NdisMCoIndicateReceiveNetBufferLists",
        "ddi:nf-ndis-ndismcodeactivatevccomplete.md",
    ),
    _r(
        "R2.31",
        "If NdisCmDeactivateVc does not pend, the call manager calls its own completion handler.",
        "NdisCmDeactivateVc",
        "ddi:nf-ndis-ndiscmdeactivatevc.md",
        not_checked="a driver calling its own function is invisible to NDIS: the call manager's own completion "
        "handler is not an NDIS entry point",
    ),
    _r(
        "R2.34",
        "A call manager that pended ProtocolCmCloseCall completes the close only after the VC's deactivation finished.",
        "NdisCmCloseCallComplete",
        "ddi:nc-ndis-protocol_cm_deactivate_vc_complete.md",
    ),
    _r(
        "R2.37",
        "A VC is deleted only when no call is outstanding on it and it is deactivated.",
        "NdisCoDeleteVc NdisMCmDeleteVc",
        "net:deleting-a-vc.md",
    ),
    _r(
        "R2.40",
        "MiniportCoDeleteVc and ProtocolCoDeleteVc complete synchronously (never PENDING).",
        "MiniportCoDeleteVc ProtocolCoDeleteVc",
        "ddi:nc-ndis-miniport_co_delete_vc.md",
    ),
    _r(
        "R2.42",
        "When a call closes, its VC is being or has been deactivated by the call manager.",
        "NdisClCloseCall NdisCmCloseCallComplete",
        "net:client-initiated-request-to-close-a-call.md",
    ),
    _r(
        "R2.43",
        "After an incoming close the client calls NdisClCloseCall, and deletes its own VC when the "
        "close status was an error.",
        "ProtocolClIncomingCloseCall",
        "net:incoming-request-to-close-a-call.md",
    ),
    _r(
        "R2.44",
        "A client drops every party but the last before closing a multipoint call.",
        "NdisClCloseCall",
        "net:client-initiated-request-to-close-a-call.md",
        not_checked="multipoint calls (NdisClAddParty, NdisClDropParty) are not simulated yet",
    ),
    _r(
        "R2.45",
        "After a rejected incoming call the call manager deactivates the VC it activated.",
        "ProtocolCmIncomingCallComplete",
        "net:indicating-an-incoming-call.md",
    ),
    _r(
        "R2.46",
        "A client closes its calls, deletes its VCs and deregisters its SAPs before closing the address "
        "family, and closes its address families before closing the binding.",
        "NdisClCloseAddressFamily NdisCloseAdapterEx",
        "net:closing-an-address-family-in-a-condis-client.md",
    ),
    _r(
        "R2.47",
        "A call manager that unbinds (or an MCM that halts) first asks each client to close the address family.",
        "NdisCmNotifyCloseAddressFamily NdisCloseAdapterEx",
        "net:closing-a-condis-call-manager-or-mcm.md",
    ),
    # ------------------------------------------------------------- 5/6. Adapter states
    _r("R5.18", "MiniportPause returns SUCCESS or PENDING only.", "MiniportPause", "ddi:nc-ndis-miniport_pause.md"),
    _r(
        "R5.23",
        "MiniportRestart returns SUCCESS, PENDING, RESOURCES or FAILURE; NdisMRestartComplete never carries PENDING.",
        "MiniportRestart NdisMRestartComplete",
        "ddi:nc-ndis-miniport_restart.md",
    ),
    _r(
        "R5.27",
        "NdisMPauseComplete / NdisMRestartComplete only answer a pause or restart that pended.",
        "NdisMPauseComplete NdisMRestartComplete",
        "dbg:bug-check-0x7c--bugcode-ndis-driver.md",
        B,
        code=0x7C,
        parameter1=0x1F,  # NDIS_BUGCHECK_ILLEGAL_MINIPORT_STATE_TRANSITION
    ),
    _r(
        "R6.12",
        "Structures passed to NDIS carry a well-formed NDIS_OBJECT_HEADER.",
        "NdisMSetMiniportAttributes",
        "dbg:bug-check-0x7c--bugcode-ndis-driver.md",
        B,
        code=0x7C,
    ),
    # ---------------------------------------------------------------- X. additions
    _r(
        "X1.01",
        "A completion DDI answers a request that the driver pended, once.",
        "NdisCmOpenAddressFamilyComplete NdisCmCloseAddressFamilyComplete NdisCmRegisterSapComplete "
        "NdisCmDeregisterSapComplete NdisCmMakeCallComplete NdisCmCloseCallComplete NdisClIncomingCallComplete "
        "NdisClNotifyCloseAddressFamilyComplete NdisCompleteBindAdapterEx NdisCompleteUnbindAdapterEx "
        "NdisCompleteNetPnPEvent",
        "ddi:nf-ndis-ndiscmmakecallcomplete.md",
    ),
    _r(
        "X1.02",
        "A completion DDI carries a final status, never NDIS_STATUS_PENDING.",
        "NdisCmMakeCallComplete NdisCmOpenAddressFamilyComplete NdisClIncomingCallComplete "
        "NdisCmDispatchIncomingCloseCall NdisCmNotifyCloseAddressFamily (every DDI with a Status parameter)",
        "ddi:nf-ndis-ndiscmmakecallcomplete.md",
    ),
    _r(
        "X1.03",
        "Call-management DDIs follow the call protocol: each is used only in the call state it answers.",
        "NdisCmDispatchCallConnected NdisCmDispatchIncomingCloseCall NdisCmDispatchIncomingCall",
        "net:indicating-an-incoming-call.md",
    ),
    _r(
        "X1.04",
        "MiniportInitializeEx sets the registration attributes (NdisMSetMiniportAttributes) before "
        "returning NDIS_STATUS_SUCCESS.",
        "MiniportInitializeEx NdisMSetMiniportAttributes",
        "ddi:nc-ndis-miniport_initialize.md",
    ),
    _r(
        "X1.05",
        "A handler returns only the statuses its page documents.",
        "ProtocolBindAdapterEx ProtocolNetPnPEvent ProtocolUnbindAdapterEx",
        "ddi:nc-ndis-protocol_bind_adapter_ex.md",
    ),
    _r(
        "X1.06",
        "A request the driver pended is completed eventually (checked when the machine goes idle).",
        "Machine.audit",
        "ddi:nf-ndis-ndiscmmakecallcomplete.md",
    ),
    _r(
        "X1.07",
        "A structure NDIS reads by its NDIS_OBJECT_HEADER carries the Type, Revision and Size of that structure.",
        "NdisCoOidRequest NdisOidRequest NdisMCoOidRequestComplete NdisMOidRequestComplete NdisCoOidRequestComplete "
        "NdisOpenAdapterEx NdisCompleteNetPnPEvent",
        "dbg:bug-check-0x7c--bugcode-ndis-driver.md; ddi:ns-objectheader-ndis_object_header.md",
        B,
        code=0x7C,
        parameter1=0x21,  # NDIS_BUGCHECK_INVALID_OBJECT_HEADER
    ),
)

RULES: Final[dict[str, Rule]] = {rule.id: rule for rule in _RULES}
"""Rule id -> rule, in catalogue order (the data-path rules follow, see ``datapath_rules``)."""

RULES.update((rule.id, rule) for rule in DATAPATH_RULES)

ANSWERED_WITH: Final = {
    "R1.08": "NDIS_STATUS_BAD_CHARACTERISTICS",
    "R1.09": "NDIS_STATUS_BAD_VERSION",
    "R1.10": "NDIS_STATUS_BAD_CHARACTERISTICS",
    "R1.13": "NDIS_STATUS_BAD_CHARACTERISTICS",
    "R1.14": "NDIS_STATUS_BAD_CHARACTERISTICS",
    "R1.15": "NDIS_STATUS_BAD_CHARACTERISTICS",
    "R1.25": "NDIS_STATUS_BAD_CHARACTERISTICS or NDIS_STATUS_BAD_VERSION",
    "R2.37": "NDIS_STATUS_NOT_ACCEPTED (NDIS_STATUS_CLOSING while a deactivation runs)",
    "R2.46": "NDIS_STATUS_NOT_ACCEPTED",
    "R5.02": "NDIS_STATUS_BAD_CHARACTERISTICS",
}
"""Rules NDIS answers with a documented status of the DDI (registration: BAD_CHARACTERISTICS,
BAD_VERSION; VCs and AFs still in use: NOT_ACCEPTED). The DDIs report them with
``NdisLibrary.note``: a finding that never halts."""

for _id, _status in ANSWERED_WITH.items():
    RULES[_id] = replace(RULES[_id], answered_with=_status)

CATALOGUE_MUST_RULES: Final = tuple(
    rule_id
    for rule_id in [
        "R1.01",
        "R1.06",
        "R1.07",
        "R1.08",
        "R1.09",
        "R1.10",
        "R1.11",
        "R1.13",
        "R1.14",
        "R1.15",
        "R1.16",
        "R1.18",
        "R1.20",
        "R1.22",
        "R1.24",
        "R1.25",
        "R1.27",
        "R1.28",
        "R1.29",
        "R1.31",
        "R1.33",
        "R1.34",
        "R1.35",
        "R1.36",
        "R1.37",
        "R1.38",
        "R1.40",
        "R1.41",
        "R1.44",
        "R1.45",
        "R1.19",
        "R2.02",
        "R2.03",
        "R2.04",
        "R2.05",
        "R2.06",
        "R2.09",
        "R2.10",
        "R2.14",
        "R2.15",
        "R2.17",
        "R2.18",
        "R2.19",
        "R2.21",
        "R2.22",
        "R2.23",
        "R2.25",
        "R2.26",
        "R2.28",
        "R2.29",
        "R2.31",
        "R2.34",
        "R2.37",
        "R2.40",
        "R2.42",
        "R2.43",
        "R2.44",
        "R2.45",
        "R2.46",
        "R2.47",
    ]
)
"""The driver-side MUST rules of the registration (R1) and VC and call (R2) families (the coverage denominator)."""


def rule_page(rule_id: str) -> str:
    """Our page for *rule_id*, relative to the docs root."""
    return RULES[rule_id].page
