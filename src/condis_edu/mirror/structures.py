"""NDIS structures as mutable dataclasses, field for field in ndis.h order.

A driver fills these in as it would fill a zeroed C structure: every handler field starts
as ``None`` (NULL) and every number as 0, including ``Header``. NDIS reads ``Header``
(Type, Revision, Size) to decide what it was given, exactly as the C library does; the
Python class alone does not make a structure valid (see ``condis_edu._library.headers``).

Handler fields hold plain Python functions. Out-parameters of a handler are returned as a
tuple with the status first, e.g. ``MiniportCoCreateVc`` returns
``(NDIS_STATUS_SUCCESS, MiniportVcContext)``. The full handler contract (names and
parameters) lives in ``condis_edu._library.handlers``.

>>> chars = NDIS_MINIPORT_CO_CHARACTERISTICS()
>>> chars.Header, chars.CoCreateVcHandler
(NDIS_OBJECT_HEADER(Type=0x00, Revision=0, Size=0), None)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from condis_edu.mirror.oids import NDIS_OID_REQUEST_DATA

Handler = Callable[..., Any] | None
"""A handler slot: a Python function, or ``None`` for NULL."""


@dataclass(slots=True)
class NDIS_OBJECT_HEADER:
    """``NDIS_OBJECT_HEADER``: Type, Revision and Size of the structure that starts with it."""

    Type: int = 0
    Revision: int = 0
    Size: int = 0

    def __repr__(self) -> str:
        return f"NDIS_OBJECT_HEADER(Type=0x{self.Type:02x}, Revision={self.Revision}, Size={self.Size})"


def _header() -> NDIS_OBJECT_HEADER:
    return NDIS_OBJECT_HEADER()


# --------------------------------------------------------------------------------------------
# Registration structures
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class NDIS_MINIPORT_DRIVER_CHARACTERISTICS:
    """Passed to ``NdisMRegisterMiniportDriver``: version, flags and the MiniportXxx entry points.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/ns-ndis-_ndis_miniport_driver_characteristics
    """

    Header: NDIS_OBJECT_HEADER = field(default_factory=_header)
    MajorNdisVersion: int = 0
    MinorNdisVersion: int = 0
    MajorDriverVersion: int = 0
    MinorDriverVersion: int = 0
    Flags: int = 0
    SetOptionsHandler: Handler = None
    InitializeHandlerEx: Handler = None
    HaltHandlerEx: Handler = None
    UnloadHandler: Handler = None
    PauseHandler: Handler = None
    RestartHandler: Handler = None
    OidRequestHandler: Handler = None
    SendNetBufferListsHandler: Handler = None
    ReturnNetBufferListsHandler: Handler = None
    CancelSendHandler: Handler = None
    CheckForHangHandlerEx: Handler = None
    ResetHandlerEx: Handler = None
    DevicePnPEventNotifyHandler: Handler = None
    ShutdownHandlerEx: Handler = None
    CancelOidRequestHandler: Handler = None
    DirectOidRequestHandler: Handler = None
    CancelDirectOidRequestHandler: Handler = None
    SynchronousOidRequestHandler: Handler = None


@dataclass(slots=True)
class NDIS_MINIPORT_CO_CHARACTERISTICS:
    """The six MiniportCoXxx entry points, registered from MiniportSetOptions.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/ns-ndis-_ndis_miniport_co_characteristics
    """

    Header: NDIS_OBJECT_HEADER = field(default_factory=_header)
    Flags: int = 0
    CoCreateVcHandler: Handler = None
    CoDeleteVcHandler: Handler = None
    CoActivateVcHandler: Handler = None
    CoDeactivateVcHandler: Handler = None
    CoSendNetBufferListsHandler: Handler = None
    CoOidRequestHandler: Handler = None


@dataclass(slots=True)
class NDIS_PROTOCOL_DRIVER_CHARACTERISTICS:
    """Passed to ``NdisRegisterProtocolDriver``: version, name and the ProtocolXxx entry points.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/ns-ndis-_ndis_protocol_driver_characteristics
    """

    Header: NDIS_OBJECT_HEADER = field(default_factory=_header)
    MajorNdisVersion: int = 0
    MinorNdisVersion: int = 0
    MajorDriverVersion: int = 0
    MinorDriverVersion: int = 0
    Flags: int = 0
    Name: str = ""
    SetOptionsHandler: Handler = None
    BindAdapterHandlerEx: Handler = None
    UnbindAdapterHandlerEx: Handler = None
    OpenAdapterCompleteHandlerEx: Handler = None
    CloseAdapterCompleteHandlerEx: Handler = None
    NetPnPEventHandler: Handler = None
    UninstallHandler: Handler = None
    OidRequestCompleteHandler: Handler = None
    StatusHandlerEx: Handler = None
    ReceiveNetBufferListsHandler: Handler = None
    SendNetBufferListsCompleteHandler: Handler = None
    DirectOidRequestCompleteHandler: Handler = None


@dataclass(slots=True)
class NDIS_PROTOCOL_CO_CHARACTERISTICS:
    """The ProtocolCoXxx entry points every CoNDIS client and call manager registers.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/ns-ndis-_ndis_protocol_co_characteristics
    """

    Header: NDIS_OBJECT_HEADER = field(default_factory=_header)
    Flags: int = 0
    CoStatusHandlerEx: Handler = None
    CoAfRegisterNotifyHandler: Handler = None
    CoReceiveNetBufferListsHandler: Handler = None
    CoSendNetBufferListsCompleteHandler: Handler = None


@dataclass(slots=True)
class NDIS_CO_CLIENT_OPTIONAL_HANDLERS:
    """The 19 ProtocolClXxx / ProtocolCoXxx entry points of a CoNDIS client.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/ns-ndis-_ndis_co_client_optional_handlers
    """

    Header: NDIS_OBJECT_HEADER = field(default_factory=_header)
    Reserved: int = 0
    ClCreateVcHandler: Handler = None
    ClDeleteVcHandler: Handler = None
    ClOidRequestHandler: Handler = None
    ClOidRequestCompleteHandler: Handler = None
    ClOpenAfCompleteHandlerEx: Handler = None
    ClCloseAfCompleteHandler: Handler = None
    ClRegisterSapCompleteHandler: Handler = None
    ClDeregisterSapCompleteHandler: Handler = None
    ClMakeCallCompleteHandler: Handler = None
    ClModifyCallQoSCompleteHandler: Handler = None
    ClCloseCallCompleteHandler: Handler = None
    ClAddPartyCompleteHandler: Handler = None
    ClDropPartyCompleteHandler: Handler = None
    ClIncomingCallHandler: Handler = None
    ClIncomingCallQoSChangeHandler: Handler = None
    ClIncomingCloseCallHandler: Handler = None
    ClIncomingDropPartyHandler: Handler = None
    ClCallConnectedHandler: Handler = None
    ClNotifyCloseAfHandler: Handler = None


@dataclass(slots=True)
class NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS:
    """The 17 ProtocolCmXxx / ProtocolCoXxx entry points of a call manager or MCM.

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/ns-ndis-_ndis_co_call_manager_optional_handlers
    """

    Header: NDIS_OBJECT_HEADER = field(default_factory=_header)
    Reserved: int = 0
    CmCreateVcHandler: Handler = None
    CmDeleteVcHandler: Handler = None
    CmOpenAfHandler: Handler = None
    CmCloseAfHandler: Handler = None
    CmRegisterSapHandler: Handler = None
    CmDeregisterSapHandler: Handler = None
    CmMakeCallHandler: Handler = None
    CmCloseCallHandler: Handler = None
    CmIncomingCallCompleteHandler: Handler = None
    CmAddPartyHandler: Handler = None
    CmDropPartyHandler: Handler = None
    CmActivateVcCompleteHandler: Handler = None
    CmDeactivateVcCompleteHandler: Handler = None
    CmModifyCallQoSHandler: Handler = None
    CmOidRequestHandler: Handler = None
    CmOidRequestCompleteHandler: Handler = None
    CmNotifyCloseAfCompleteHandler: Handler = None


# --------------------------------------------------------------------------------------------
# Driver object and adapter start-up structures
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class DRIVER_OBJECT:
    """The slice of the WDM ``DRIVER_OBJECT`` an NDIS driver touches.

    NDIS protocol drivers set ``DriverUnload``; miniports register ``UnloadHandler`` in their
    characteristics instead. ``DriverExtension`` is free for the driver (we use it in the
    samples to find per-load globals without module-level state).
    """

    DriverName: str = ""
    DriverUnload: Handler = None
    DriverExtension: object = None
    _owner: object = field(default=None, repr=False, compare=False)


@dataclass(slots=True)
class NDIS_MINIPORT_INIT_PARAMETERS:
    """What NDIS passes to MiniportInitializeEx (the fields the simulation fills in)."""

    Header: NDIS_OBJECT_HEADER = field(default_factory=_header)
    Flags: int = 0
    AllocatedResources: object = None
    IMDeviceInstanceContext: object = None
    MiniportAddDeviceContext: object = None
    IfIndex: int = 0
    NetLuid: int = 0
    PortNumber: int = 0


@dataclass(slots=True)
class NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES:
    """Set with ``NdisMSetMiniportAttributes`` from MiniportInitializeEx; names the adapter context."""

    Header: NDIS_OBJECT_HEADER = field(default_factory=_header)
    MiniportAdapterContext: object = None
    AttributeFlags: int = 0
    CheckForHangTimeInSeconds: int = 0
    InterfaceType: int = 0


@dataclass(slots=True)
class NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES:
    """General adapter attributes (the subset of fields the simulation reads)."""

    Header: NDIS_OBJECT_HEADER = field(default_factory=_header)
    Flags: int = 0
    MediaType: int = 0
    PhysicalMediumType: int = 0
    MtuSize: int = 0
    MaxXmitLinkSpeed: int = 0
    XmitLinkSpeed: int = 0
    MaxRcvLinkSpeed: int = 0
    RcvLinkSpeed: int = 0
    MediaConnectState: int = 0
    MediaDuplexState: int = 0
    LookaheadSize: int = 0
    MacOptions: int = 0
    SupportedPacketFilters: int = 0
    MaxMulticastListSize: int = 0
    MacAddressLength: int = 0
    PermanentMacAddress: bytes = b""
    CurrentMacAddress: bytes = b""


@dataclass(slots=True)
class NDIS_MINIPORT_PAUSE_PARAMETERS:
    """What NDIS passes to MiniportPause."""

    Header: NDIS_OBJECT_HEADER = field(default_factory=_header)
    Flags: int = 0
    PauseReason: int = 0


@dataclass(slots=True)
class NDIS_MINIPORT_RESTART_PARAMETERS:
    """What NDIS passes to MiniportRestart (attributes are not modelled)."""

    Header: NDIS_OBJECT_HEADER = field(default_factory=_header)
    RestartAttributes: object = None
    IfIndex: int = 0
    NetLuid: int = 0
    Flags: int = 0


@dataclass(slots=True)
class NDIS_BIND_PARAMETERS:
    """What NDIS passes to ProtocolBindAdapterEx (the fields the simulation fills in)."""

    Header: NDIS_OBJECT_HEADER = field(default_factory=_header)
    ProtocolSection: str = ""
    AdapterName: str = ""
    PhysicalDeviceName: str = ""
    MediaType: int = 0
    MtuSize: int = 0
    MaxXmitLinkSpeed: int = 0
    MaxRcvLinkSpeed: int = 0
    MacOptions: int = 0


@dataclass(slots=True)
class NDIS_OPEN_PARAMETERS:
    """Passed to ``NdisOpenAdapterEx``. NDIS writes ``SelectedMediumIndex`` (an out field in C)."""

    Header: NDIS_OBJECT_HEADER = field(default_factory=_header)
    AdapterName: str = ""
    MediumArray: tuple[int, ...] = ()
    MediumArraySize: int = 0
    SelectedMediumIndex: int | None = None
    FrameTypeArray: tuple[int, ...] = ()
    FrameTypeArraySize: int = 0


@dataclass(slots=True)
class NET_PNP_EVENT:
    """The event inside a NET_PNP_EVENT_NOTIFICATION."""

    NetEvent: int = 0
    Buffer: object = None
    BufferLength: int = 0


@dataclass(slots=True)
class NET_PNP_EVENT_NOTIFICATION:
    """What NDIS passes to ProtocolNetPnPEvent."""

    Header: NDIS_OBJECT_HEADER = field(default_factory=_header)
    PortNumber: int = 0
    NetPnPEvent: NET_PNP_EVENT = field(default_factory=NET_PNP_EVENT)


# --------------------------------------------------------------------------------------------
# CoNDIS parameters
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class CO_ADDRESS_FAMILY:
    """An address family: which call manager protocol, and its version."""

    AddressFamily: int = 0
    MajorVersion: int = 0
    MinorVersion: int = 0


@dataclass(slots=True)
class CO_SAP:
    """A service access point: a medium-specific address on which a client accepts calls."""

    SapType: int = 0
    SapLength: int = 0
    Sap: bytes = b""


@dataclass(slots=True)
class CO_FLOW_PARAMETERS:
    """Traffic parameters of one direction of a call."""

    TokenRate: int = 0
    TokenBucketSize: int = 0
    PeakBandwidth: int = 0
    Latency: int = 0
    DelayVariation: int = 0
    ServiceType: int = 0
    MaxSduSize: int = 0
    MinimumPolicedSize: int = 0


@dataclass(slots=True)
class CO_SPECIFIC_PARAMETERS:
    """Call-manager- or media-specific bytes (for example the called address)."""

    ParamType: int = 0
    Length: int = 0
    Parameters: bytes = b""


@dataclass(slots=True)
class CO_CALL_MANAGER_PARAMETERS:
    """The call manager's view of a call: flow specs and call-manager-specific data."""

    Transmit: CO_FLOW_PARAMETERS = field(default_factory=CO_FLOW_PARAMETERS)
    Receive: CO_FLOW_PARAMETERS = field(default_factory=CO_FLOW_PARAMETERS)
    CallMgrSpecific: CO_SPECIFIC_PARAMETERS = field(default_factory=CO_SPECIFIC_PARAMETERS)


@dataclass(slots=True)
class CO_MEDIA_PARAMETERS:
    """The miniport's view of a call; ``Flags`` may carry ROUND_UP_FLOW / ROUND_DOWN_FLOW."""

    Flags: int = 0
    ReceivePriority: int = 0
    ReceiveSizeHint: int = 0
    MediaSpecific: CO_SPECIFIC_PARAMETERS = field(default_factory=CO_SPECIFIC_PARAMETERS)


@dataclass(slots=True)
class CO_CALL_PARAMETERS:
    """Parameters of a call, passed to make-call, incoming-call and activation DDIs."""

    Flags: int = 0
    CallMgrParameters: CO_CALL_MANAGER_PARAMETERS | None = None
    MediaParameters: CO_MEDIA_PARAMETERS | None = None


@dataclass(slots=True)
class NDIS_OID_REQUEST:
    """An OID query, set or method request (``NdisCoOidRequest``, ``MiniportCoOidRequest``).

    ``DATA.QUERY_INFORMATION``, ``DATA.SET_INFORMATION`` and ``DATA.METHOD_INFORMATION`` are
    three views of the same fields, as the C union is (``condis_edu.mirror.oids.NDIS_OID_REQUEST_DATA``).

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/oidrequest/ns-oidrequest-ndis_oid_request
    """

    Header: NDIS_OBJECT_HEADER = field(default_factory=_header)
    RequestType: int = 0
    PortNumber: int = 0
    Timeout: int = 0
    RequestId: object = None
    RequestHandle: object = None
    DATA: NDIS_OID_REQUEST_DATA = field(default_factory=NDIS_OID_REQUEST_DATA)



NDIS_STATUS_INDICATION_REVISION_1 = 1
NDIS_SIZEOF_STATUS_INDICATION_REVISION_1 = 112
"""Through NdisReserved (x64)."""


@dataclass(slots=True)
class NDIS_STATUS_INDICATION:
    """A status indication (``NdisMCoIndicateStatusEx`` / ``ProtocolCoStatusEx``).

    Page: https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/ns-ndis-_ndis_status_indication
    """

    Header: NDIS_OBJECT_HEADER = field(default_factory=_header)
    SourceHandle: object = None
    PortNumber: int = 0
    StatusCode: int = 0
    Flags: int = 0
    DestinationHandle: object = None
    RequestId: object = None
    StatusBuffer: object = None
    StatusBufferSize: int = 0


__all__ = [
    "CO_ADDRESS_FAMILY",
    "CO_CALL_MANAGER_PARAMETERS",
    "CO_CALL_PARAMETERS",
    "CO_FLOW_PARAMETERS",
    "CO_MEDIA_PARAMETERS",
    "CO_SAP",
    "CO_SPECIFIC_PARAMETERS",
    "DRIVER_OBJECT",
    "NDIS_BIND_PARAMETERS",
    "NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS",
    "NDIS_CO_CLIENT_OPTIONAL_HANDLERS",
    "NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES",
    "NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES",
    "NDIS_MINIPORT_CO_CHARACTERISTICS",
    "NDIS_MINIPORT_DRIVER_CHARACTERISTICS",
    "NDIS_MINIPORT_INIT_PARAMETERS",
    "NDIS_MINIPORT_PAUSE_PARAMETERS",
    "NDIS_MINIPORT_RESTART_PARAMETERS",
    "NDIS_OBJECT_HEADER",
    "NDIS_OID_REQUEST",
    "NDIS_OPEN_PARAMETERS",
    "NDIS_PROTOCOL_CO_CHARACTERISTICS",
    "NDIS_PROTOCOL_DRIVER_CHARACTERISTICS",
    "NDIS_SIZEOF_STATUS_INDICATION_REVISION_1",
    "NDIS_STATUS_INDICATION",
    "NDIS_STATUS_INDICATION_REVISION_1",
    "NET_PNP_EVENT",
    "NET_PNP_EVENT_NOTIFICATION",
    "Handler",
]
