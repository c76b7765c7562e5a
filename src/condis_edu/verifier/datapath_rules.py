"""Verifier rules of the data path (families R3 to R5: sends, receives, OIDs, status, reset), merged into ``RULES``.

Kept apart from ``rules.py`` so the control-path and data-path catalogues can grow
independently; ``rules.py`` imports ``DATAPATH_RULES`` and merges them. Every driver-side MUST of
the R3, R4 and R5 families is listed; the ones the engine cannot observe carry ``not_checked`` with
the reason, as in the control-path catalogue.
"""

from __future__ import annotations

from typing import Final

from condis_edu.verifier.rule import Rule, RuleKind, _r

B = RuleKind.BUGCHECK

DATAPATH_RULES: Final[tuple[Rule, ...]] = (
    # ------------------------------------------------------------------ 1. leaks
    _r(
        "R1.46",
        "A driver frees its pools, deregisters or unbinds only when it holds none of its NBLs in flight.",
        "NdisFreeNetBufferListPool NdisFreeNetBufferPool",
        "dbg:bug-check-0x7c--bugcode-ndis-driver.md",
        B,
        code=0x7C,
        parameter1=0x27,  # NDIS_BUGCHECK_LEAKED_NBL
    ),
    # ------------------------------------------------------------------ 3a. send
    _r(
        "R3.02",
        "NDIS_SEND_FLAGS_DISPATCH_LEVEL is set only when the caller really runs at DISPATCH_LEVEL.",
        "NdisCoSendNetBufferLists",
        "ddi:nf-ndis-ndiscosendnetbufferlists.md",
        not_checked="no IRQL in the simulation: every caller runs at the same level, so the flag can never disagree "
        "with it",
    ),
    _r(
        "R3.03",
        "The sender sets every NBL's SourceHandle to the NdisVcHandle it sends on.",
        "NdisCoSendNetBufferLists NdisSendNetBufferLists",
        "ddi:nf-ndis-ndiscosendnetbufferlists.md",
    ),
    _r(
        "R3.04",
        "An intermediate driver forwarding NBLs saves and restores the SourceHandle it overwrote.",
        "NdisCoSendNetBufferLists NdisMSendNetBufferListsComplete",
        "net:sending-net-buffer-structures-from-condis-drivers.md",
    ),
    _r(
        "R3.05",
        "NBLs come from an NDIS pool and are used only while allocated.",
        "NdisCoSendNetBufferLists NdisFreeNetBufferList NdisFreeNetBuffer",
        "ddi:nf-ndis-ndiscosendnetbufferlists.md",
    ),
    _r(
        "R3.06",
        "From a hand-off until the NBLs come back the sender holds none of them: it may not send, free, "
        "pass on, read or write them, their NET_BUFFERs, MDLs or data.",
        "NdisCoSendNetBufferLists NdisFreeNetBufferList NdisGetDataBuffer NdisMCoIndicateReceiveNetBufferLists",
        "ddi:nf-ndis-ndiscosendnetbufferlists.md",
    ),
    _r(
        "R3.07",
        "No new send on a VC after the client called NdisClCloseCall for it.",
        "NdisCoSendNetBufferLists",
        "net:sending-and-receiving-data2.md; ddi:nf-ndis-ndisclclosecall.md",
    ),
    _r(
        "R3.09",
        "The miniport accepts every send and keeps ownership of what it queues.",
        "MiniportCoSendNetBufferLists",
        "ddi:nc-ndis-miniport_co_send_net_buffer_lists.md",
        not_checked="MiniportCoSendNetBufferLists returns VOID, so there is no way for a miniport to refuse a send; "
        "keeping ownership of what it queues is checked as R3.10 and R3.06",
    ),
    _r(
        "R3.10",
        "The miniport completes, with NdisMCoSendNetBufferListsComplete on the VC it was sent on, only "
        "NBLs that were sent to it and not completed yet.",
        "NdisMCoSendNetBufferListsComplete",
        "ddi:nf-ndis-ndismcosendnetbufferlistscomplete.md",
    ),
    _r(
        "R3.12",
        "The miniport writes a final Status into each NBL before completing it, completes it once, and "
        "does not touch it afterwards.",
        "NdisMCoSendNetBufferListsComplete NdisMSendNetBufferListsComplete",
        "ddi:nf-ndis-ndismcosendnetbufferlistscomplete.md",
    ),
    _r(
        "R3.16",
        "On a medium with a minimum frame size the miniport pads short packets.",
        "MiniportCoSendNetBufferLists",
        "ddi:nc-ndis-miniport_co_send_net_buffer_lists.md",
        not_checked="the simulated media carry no wire format and no minimum frame size, so there is nothing to pad",
    ),
    # ------------------------------------------------------------------ 3b. receive
    _r(
        "R3.20",
        "Only the VC's miniport indicates receives on it, and NumberOfNetBufferLists counts the chain.",
        "NdisMCoIndicateReceiveNetBufferLists NdisMIndicateReceiveNetBufferLists",
        "ddi:nf-ndis-ndismcoindicatereceivenetbufferlists.md",
    ),
    _r(
        "R3.21",
        "The miniport indicates only NBLs it owns, each with SourceHandle set to the NdisVcHandle.",
        "NdisMCoIndicateReceiveNetBufferLists NdisMIndicateReceiveNetBufferLists",
        "ddi:nf-ndis-ndismcoindicatereceivenetbufferlists.md",
    ),
    _r(
        "R3.23",
        "A protocol returns, once, exactly the NBLs indicated to it without NDIS_RECEIVE_FLAGS_RESOURCES.",
        "NdisReturnNetBufferLists",
        "ddi:nf-ndis-ndisreturnnetbufferlists.md",
    ),
    _r(
        "R3.24",
        "NBLs indicated with NDIS_RECEIVE_FLAGS_RESOURCES are only lent: the protocol copies what it needs "
        "and keeps nothing.",
        "ProtocolCoReceiveNetBufferLists",
        "ddi:nc-ndis-protocol_co_receive_net_buffer_lists.md",
    ),
    _r(
        "R3.27",
        "NdisReturnNetBufferLists is called by the binding's protocol with NBLs of that binding only.",
        "NdisReturnNetBufferLists",
        "ddi:nf-ndis-ndisreturnnetbufferlists.md",
    ),
    _r(
        "R3.30",
        "A call manager creates the VC before it dispatches an incoming call it learned from signaling.",
        "NdisCmDispatchIncomingCall",
        "ddi:nf-ndis-ndiscocreatevc.md",
        not_checked="the same condition is checked as R2.02: NdisCmDispatchIncomingCall needs a live VC handle, "
        "which only exists once the call manager created the VC",
    ),
    _r(
        "R3.32",
        "The current owner may relink NBLs but not move NET_BUFFERs between NBLs or edit NB.Next.",
        "MiniportCoSendNetBufferLists ProtocolCoReceiveNetBufferLists",
        "nbl:ns-nbl-net_buffer_list.md; net:net-buffer-list-structure.md",
    ),
    _r(
        "R3.37",
        "An NB's MiniportReserved and ProtocolReserved belong to one driver each.",
        "MiniportCoSendNetBufferLists ProtocolCoReceiveNetBufferLists",
        "nbl:ns-nbl-net_buffer.md; nbl:ns-nbl-net_buffer_list.md",
    ),
    # ------------------------------------------------------------------ 4. OIDs, status, reset
    _r(
        "R4.02",
        "Only the binding's own protocol issues NdisCoOidRequest on it.",
        "NdisCoOidRequest",
        "ddi:nf-ndis-ndiscooidrequest.md",
    ),
    _r(
        "R4.04",
        "The NDIS_OID_REQUEST and its buffer stay valid until the request completes.",
        "NdisCoOidRequest",
        "ddi:nf-ndis-ndiscooidrequest.md",
        not_checked="no freeing in Python: an object stays valid as long as anyone refers to it, so the buffer "
        "cannot go away before the request completes",
    ),
    _r(
        "R4.05",
        "Connectionless OIDs go through NdisOidRequest, not NdisCoOidRequest (OID codes with a CoNDIS name, "
        "OID_GEN_CO_*, may use either).",
        "NdisCoOidRequest",
        "ddi:nf-ndis-ndiscooidrequest.md; ddi:nf-ndis-ndisoidrequest.md",
    ),
    _r(
        "R4.07",
        "MiniportCoOidRequest returns one of its documented statuses.",
        "MiniportCoOidRequest",
        "ddi:nc-ndis-miniport_co_oid_request.md",
    ),
    _r("R4.09", "A miniport fails a set request with out-of-range values with NDIS_STATUS_INVALID_DATA.",
       "MiniportCoOidRequest", "ddi:nc-ndis-miniport_co_oid_request.md",
       not_checked="NDIS does not validate OID payloads (the MiniportCoOidRequest page says so), so whether a value "
        "is out of range is for the miniport alone to decide"),
    _r(
        "R4.10",
        "NdisMCoOidRequestComplete answers a request the miniport pended, with a final status.",
        "NdisMCoOidRequestComplete",
        "ddi:nf-ndis-ndismcooidrequestcomplete.md",
    ),
    _r(
        "R4.11",
        "NdisCoOidRequestComplete answers a request the protocol pended, with a final status.",
        "NdisCoOidRequestComplete",
        "ddi:nf-ndis-ndiscooidrequestcomplete.md",
    ),
    _r(
        "R4.13",
        "A CoNDIS miniport answers the mandatory OID_GEN_CO_* queries.",
        "MiniportCoOidRequest",
        "net:querying-a-connection-oriented-miniport-driver.md; net:oid-gen-co-link-speed.md; "
        "net:oid-gen-co-supported-list.md",
    ),
    _r("R4.14", "Statistics OIDs answer per VC when a VC handle is given, adapter-wide otherwise.",
       "MiniportCoOidRequest", "net:querying-a-connection-oriented-miniport-driver.md",
       not_checked="the per-VC and adapter-wide counters are the miniport's own: NDIS passes the VC handle "
        "(checked) but keeps no statistics to compare the answer with"),
    _r(
        "R4.17",
        "The miniport indicates status only between NdisMSetMiniportAttributes and the end of "
        "MiniportHaltEx, and only for its own adapter.",
        "NdisMCoIndicateStatusEx",
        "ddi:nf-ndis-ndismcoindicatestatusex.md",
    ),
    _r(
        "R4.18",
        "NDIS_STATUS_INDICATION has Type 0x98, Revision 1 and SourceHandle = MiniportAdapterHandle.",
        "NdisMCoIndicateStatusEx",
        "ddi:ns-ndis-_ndis_status_indication.md",
    ),
    _r(
        "R4.21",
        "Only NDIS indicates NDIS_STATUS_RESET_START and NDIS_STATUS_RESET_END.",
        "NdisMCoIndicateStatusEx",
        "net:reset.md",
    ),
    _r("R4.22", "Protocols neither send nor issue OID requests while a reset runs.",
       "NdisCoSendNetBufferLists NdisCoOidRequest", "net:reset.md",
       not_checked="NDIS itself refuses such sends and OID requests with NDIS_STATUS_RESET_IN_PROGRESS (modelled "
        "and tested): a protocol that tries is answered, and the documented outcome is the refusal, not "
        "a fault"),
    _r(
        "R4.23",
        "MiniportResetEx returns SUCCESS, PENDING, RESET_IN_PROGRESS, SOFT_ERRORS or HARD_ERRORS.",
        "MiniportResetEx NdisMResetComplete",
        "ddi:nc-ndis-miniport_reset.md",
    ),
    _r("R4.25", "A deserialized miniport completes the sends it had queued when a reset starts.",
       "MiniportResetEx", "net:hardware-reset.md",
       not_checked="the miniport completes its queued sends with whatever final status it chooses, and NDIS accepts "
        "any; that every send does come back is checked as R4.26"),
    _r(
        "R4.26",
        "From NDIS 6.30 every pending send is completed before the reset completes.",
        "MiniportResetEx NdisMResetComplete",
        "ddi:nc-ndis-miniport_reset.md",
    ),
    _r(
        "R4.27",
        "NdisMResetComplete only answers a MiniportResetEx that returned PENDING.",
        "NdisMResetComplete",
        "ddi:nf-ndis-ndismresetcomplete~r1.md",
        B,
        code=0x7C,
        parameter1=0x0F,  # NDIS_BUGCHECK_RESET_COMPLETE_UNEXPECTED
    ),
    _r(
        "R4.28",
        "MiniportResetEx never stalls for long; longer work pends.",
        "MiniportResetEx",
        "ddi:nc-ndis-miniport_reset.md",
        not_checked="timing only: the simulation has no wall clock, so a stall cannot be measured",
    ),
    # ------------------------------------------------------------------ 5. IM, pause
    _r("R4.30", "An intermediate driver holds sends and upward indications between RESET_START and RESET_END.",
       "ProtocolCoStatusEx NdisMIndicateReceiveNetBufferLists", "net:intermediate-driver-reset-operations.md"),
    _r("R5.01", "An IM's DriverEntry registers its miniport (intermediate) and its protocol, then associates them "
       "with NdisIMAssociateMiniport before it returns.",
       "NdisMRegisterMiniportDriver NdisRegisterProtocolDriver NdisIMAssociateMiniport",
       "net:initializing-an-intermediate-driver.md; ddi:nf-ndis-ndisimassociateminiport.md"),
    _r(
        "R5.02",
        "An intermediate driver's virtual miniport supplies the required handlers and leaves "
        "CheckForHangEx and ResetEx NULL.",
        "NdisMRegisterMiniportDriver",
        "net:registering-an-intermediate-driver-as-a-miniport-driver.md",
    ),
    _r(
        "R5.06",
        "NdisIMInitializeDeviceInstanceEx takes the NdisMiniportDriverHandle of an intermediate registration.",
        "NdisIMInitializeDeviceInstanceEx",
        "ddi:nf-ndis-ndisiminitializedeviceinstanceex.md",
    ),
    _r("R5.03", "An IM's unload routine deregisters both its miniport and its protocol registration.",
       "MiniportDriverUnload", "net:unloading-an-intermediate-driver.md"),
    _r("R5.04", "An IM's virtual miniport is connectionless; CoNDIS lives only on its protocol edge.",
       "NdisSetOptionalHandlers", "net:intermediate-driver-design-concepts.md"),
    _r("R5.09", "Before MiniportInitializeEx an IM undoes with NdisIMCancelInitializeDeviceInstance, after it with "
       "NdisIMDeInitializeDeviceInstance.", "NdisIMCancelInitializeDeviceInstance NdisIMDeInitializeDeviceInstance",
       "ddi:nf-ndis-ndisimcancelinitializedeviceinstance.md; ddi:nf-ndis-ndisimdeinitializedeviceinstance.md"),
    _r("R5.11", "After NdisCloseAdapterEx an IM fails the sends aimed at that binding.", "MiniportSendNetBufferLists",
       "net:intermediate-driver-unbinding-operations.md",
       not_checked="an IM that forwards anyway calls NdisCoSendNetBufferLists on a closed binding's dead VC handle "
        "and gets the stale-handle usage error; failing the send itself is the IM's own completion, "
        "which NDIS cannot tell from a send that failed for another reason"),
    _r("R5.12", "Every NDIS 6 IM implements pause and restart on both edges.", "NdisMRegisterMiniportDriver",
       "net:registering-an-intermediate-driver-as-a-miniport-driver.md",
       not_checked="the miniport edge is checked as R5.02 (Pause and Restart handlers are required for an IM); the "
        "protocol edge by the registration rules for protocol handlers"),
    _r("R5.15", "Sends and receives happen only while the adapter is Running or Pausing.",
       "NdisCoSendNetBufferLists NdisMCoIndicateReceiveNetBufferLists", "net:miniport-adapter-states-and-operations.md",
       not_checked="NDIS enforces it itself: a send while the adapter is not Running is completed by NDIS with "
        "NDIS_STATUS_PAUSED (modelled and tested); a receive outside Running or Pausing is refused as "
        "R5.20"),
    _r(
        "R5.19",
        "A pause completes only after every send is completed and every indicated receive returned.",
        "MiniportPause NdisMPauseComplete",
        "ddi:nc-ndis-miniport_pause.md",
    ),
    _r(
        "R5.20",
        "No receive indications while the adapter is Paused (or Halted, Initializing).",
        "NdisMCoIndicateReceiveNetBufferLists NdisMIndicateReceiveNetBufferLists",
        "ddi:nc-ndis-miniport_pause.md",
    ),
    _r(
        "R5.26",
        "A protocol stops sending while its binding is Pausing or Paused.",
        "NdisCoSendNetBufferLists",
        "net:pausing-a-binding.md",
        not_checked="NDIS enforces it itself: NDIS pauses every binding (NetEventPause) before MiniportPause, so "
        "a send on a Paused binding is completed by NDIS with NDIS_STATUS_PAUSED and never reaches the miniport "
        "(modelled and tested); on a Pausing binding the page says only 'should not', and the pause waits for "
        "such a send like any other outstanding one",
    ),
    _r(
        "R6.10",
        "An OID request is pending at most once and completed exactly once, with a final status.",
        "NdisCoOidRequest NdisMCoOidRequestComplete NdisMOidRequestComplete",
        "dev:ndis-ndisoiddoublecomplete.md",
    ),
)
"""The data-path rules, in catalogue order."""
