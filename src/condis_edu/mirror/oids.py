"""OID codes and the OID request payload: the catalogue the CoNDIS OID path works from.

What lives here: the ``OID_GEN_CO_*`` and ``OID_CO_*`` codes with the values ntddndis.h gives
them (most ``OID_GEN_CO_*`` names are aliases of the connectionless ``OID_GEN_*`` codes, so
both spellings are defined), the few connectionless OIDs the sample intermediate driver
answers on its virtual miniport, ``NDIS_REQUEST_TYPE``, the ``DATA`` union of
``NDIS_OID_REQUEST``, and ``OID_CATALOGUE``: one ``OidInfo`` per code, saying whether it is
a query, a set or both, whether a CoNDIS miniport must answer it (R4.13), and whether it
can name a VC (statistics, R4.14).

What does not live here: dispatch (``condis_edu._library.ddi.datapath``) and how the samples answer.

>>> hex(OID_GEN_CO_MINIMUM_LINK_SPEED), OID_GEN_CO_LINK_SPEED == OID_GEN_LINK_SPEED
('0x20120', True)
>>> oid_name(0xFE00000A)
'OID_CO_AF_CLOSE'
>>> OID_CATALOGUE[OID_GEN_CO_RCV_CRC_ERROR].per_vc
True

Pages: https://learn.microsoft.com/windows-hardware/drivers/network/general-operational-oids-for-connection-oriented-miniport-drivers,
https://learn.microsoft.com/windows-hardware/drivers/network/general-statistics-oids-for-connection-oriented-miniport-drivers,
https://learn.microsoft.com/windows-hardware/drivers/network/oids-for-connection-oriented-call-managers-and-clients
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = [
    "MANDATORY_CO_OIDS",
    "NDIS_OID_REQUEST_DATA",
    "NDIS_OID_REQUEST_REVISION_1",
    "NDIS_OID_REQUEST_REVISION_2",
    "NDIS_SIZEOF_OID_REQUEST_REVISION_1",
    "NDIS_SIZEOF_OID_REQUEST_REVISION_2",
    "OID_802_3_CURRENT_ADDRESS",
    "OID_802_3_MAXIMUM_LIST_SIZE",
    "OID_802_3_MULTICAST_LIST",
    "OID_802_3_PERMANENT_ADDRESS",
    "OID_CATALOGUE",
    "OID_CO_ADDRESS_CHANGE",
    "OID_CO_ADD_ADDRESS",
    "OID_CO_ADD_PVC",
    "OID_CO_AF_CLOSE",
    "OID_CO_DELETE_ADDRESS",
    "OID_CO_DELETE_PVC",
    "OID_CO_GET_ADDRESSES",
    "OID_CO_GET_CALL_INFORMATION",
    "OID_CO_SIGNALING_DISABLED",
    "OID_CO_SIGNALING_ENABLED",
    "OID_CO_TAPI_ADDRESS_CAPS",
    "OID_CO_TAPI_CM_CAPS",
    "OID_CO_TAPI_LINE_CAPS",
    "OID_GEN_CO_BYTES_RCV",
    "OID_GEN_CO_BYTES_XMIT",
    "OID_GEN_CO_BYTES_XMIT_OUTSTANDING",
    "OID_GEN_CO_DEVICE_PROFILE",
    "OID_GEN_CO_DRIVER_VERSION",
    "OID_GEN_CO_GET_NETCARD_TIME",
    "OID_GEN_CO_GET_TIME_CAPS",
    "OID_GEN_CO_HARDWARE_STATUS",
    "OID_GEN_CO_LINK_SPEED",
    "OID_GEN_CO_MAC_OPTIONS",
    "OID_GEN_CO_MEDIA_CONNECT_STATUS",
    "OID_GEN_CO_MEDIA_IN_USE",
    "OID_GEN_CO_MEDIA_SUPPORTED",
    "OID_GEN_CO_MINIMUM_LINK_SPEED",
    "OID_GEN_CO_NETCARD_LOAD",
    "OID_GEN_CO_PROTOCOL_OPTIONS",
    "OID_GEN_CO_RCV_CRC_ERROR",
    "OID_GEN_CO_RCV_PDUS_ERROR",
    "OID_GEN_CO_RCV_PDUS_NO_BUFFER",
    "OID_GEN_CO_RCV_PDUS_OK",
    "OID_GEN_CO_SUPPORTED_GUIDS",
    "OID_GEN_CO_SUPPORTED_LIST",
    "OID_GEN_CO_TRANSMIT_QUEUE_LENGTH",
    "OID_GEN_CO_VENDOR_DESCRIPTION",
    "OID_GEN_CO_VENDOR_DRIVER_VERSION",
    "OID_GEN_CO_VENDOR_ID",
    "OID_GEN_CO_XMIT_PDUS_ERROR",
    "OID_GEN_CO_XMIT_PDUS_OK",
    "OID_GEN_CURRENT_LOOKAHEAD",
    "OID_GEN_CURRENT_PACKET_FILTER",
    "OID_GEN_DEVICE_PROFILE",
    "OID_GEN_DIRECTED_BYTES_RCV",
    "OID_GEN_DIRECTED_BYTES_XMIT",
    "OID_GEN_DRIVER_VERSION",
    "OID_GEN_GET_NETCARD_TIME",
    "OID_GEN_GET_TIME_CAPS",
    "OID_GEN_HARDWARE_STATUS",
    "OID_GEN_LINK_SPEED",
    "OID_GEN_MAC_OPTIONS",
    "OID_GEN_MAXIMUM_FRAME_SIZE",
    "OID_GEN_MAXIMUM_LOOKAHEAD",
    "OID_GEN_MAXIMUM_TOTAL_SIZE",
    "OID_GEN_MEDIA_CONNECT_STATUS",
    "OID_GEN_MEDIA_IN_USE",
    "OID_GEN_MEDIA_SUPPORTED",
    "OID_GEN_NETCARD_LOAD",
    "OID_GEN_PROTOCOL_OPTIONS",
    "OID_GEN_RCV_CRC_ERROR",
    "OID_GEN_RCV_ERROR",
    "OID_GEN_RCV_NO_BUFFER",
    "OID_GEN_RCV_OK",
    "OID_GEN_STATISTICS",
    "OID_GEN_SUPPORTED_GUIDS",
    "OID_GEN_SUPPORTED_LIST",
    "OID_GEN_TRANSMIT_QUEUE_LENGTH",
    "OID_GEN_VENDOR_DESCRIPTION",
    "OID_GEN_VENDOR_DRIVER_VERSION",
    "OID_GEN_VENDOR_ID",
    "OID_GEN_XMIT_ERROR",
    "OID_GEN_XMIT_OK",
    "NdisHardwareStatusClosing",
    "NdisHardwareStatusInitializing",
    "NdisHardwareStatusNotReady",
    "NdisHardwareStatusReady",
    "NdisHardwareStatusReset",
    "NdisMediaStateConnected",
    "NdisMediaStateDisconnected",
    "NdisRequestMethod",
    "NdisRequestQueryInformation",
    "NdisRequestQueryStatistics",
    "NdisRequestSetInformation",
    "OidInfo",
    "oid_name",
]

# --- NDIS_REQUEST_TYPE (ndis.h enum order) -------------------------------------------------------
NdisRequestQueryInformation: Final = 0
NdisRequestSetInformation: Final = 1
NdisRequestQueryStatistics: Final = 2
NdisRequestMethod: Final = 12

NDIS_OID_REQUEST_REVISION_1: Final = 1
NDIS_OID_REQUEST_REVISION_2: Final = 2
NDIS_SIZEOF_OID_REQUEST_REVISION_1: Final = 236
"""Through Reserved2 (NDIS 6.0; x64, as every NDIS_SIZEOF_* in this package)."""
NDIS_SIZEOF_OID_REQUEST_REVISION_2: Final = 248
"""Through Flags (NDIS 6.50: SwitchId, VPortId and Flags added)."""

# --- Connectionless general OIDs (ntddndis.h) --------------------------------------------------
OID_GEN_SUPPORTED_LIST: Final = 0x00010101
OID_GEN_HARDWARE_STATUS: Final = 0x00010102
OID_GEN_MEDIA_SUPPORTED: Final = 0x00010103
OID_GEN_MEDIA_IN_USE: Final = 0x00010104
OID_GEN_MAXIMUM_LOOKAHEAD: Final = 0x00010105
OID_GEN_MAXIMUM_FRAME_SIZE: Final = 0x00010106
OID_GEN_LINK_SPEED: Final = 0x00010107
OID_GEN_VENDOR_ID: Final = 0x0001010C
OID_GEN_VENDOR_DESCRIPTION: Final = 0x0001010D
OID_GEN_CURRENT_PACKET_FILTER: Final = 0x0001010E
OID_GEN_CURRENT_LOOKAHEAD: Final = 0x0001010F
OID_GEN_DRIVER_VERSION: Final = 0x00010110
OID_GEN_MAXIMUM_TOTAL_SIZE: Final = 0x00010111
OID_GEN_PROTOCOL_OPTIONS: Final = 0x00010112
OID_GEN_MAC_OPTIONS: Final = 0x00010113
OID_GEN_MEDIA_CONNECT_STATUS: Final = 0x00010114
OID_GEN_VENDOR_DRIVER_VERSION: Final = 0x00010116
OID_GEN_SUPPORTED_GUIDS: Final = 0x00010117
OID_GEN_XMIT_OK: Final = 0x00020101
OID_GEN_RCV_OK: Final = 0x00020102
OID_GEN_XMIT_ERROR: Final = 0x00020103
OID_GEN_RCV_ERROR: Final = 0x00020104
OID_GEN_RCV_NO_BUFFER: Final = 0x00020105
OID_GEN_STATISTICS: Final = 0x00020106
OID_GEN_DIRECTED_BYTES_XMIT: Final = 0x00020201
OID_GEN_DIRECTED_BYTES_RCV: Final = 0x00020207
OID_GEN_RCV_CRC_ERROR: Final = 0x0002020D
OID_GEN_TRANSMIT_QUEUE_LENGTH: Final = 0x0002020E
OID_GEN_GET_TIME_CAPS: Final = 0x0002020F
OID_GEN_GET_NETCARD_TIME: Final = 0x00020210
OID_GEN_NETCARD_LOAD: Final = 0x00020211
OID_GEN_DEVICE_PROFILE: Final = 0x00020212
OID_802_3_PERMANENT_ADDRESS: Final = 0x01010101
OID_802_3_CURRENT_ADDRESS: Final = 0x01010102
OID_802_3_MULTICAST_LIST: Final = 0x01010103
OID_802_3_MAXIMUM_LIST_SIZE: Final = 0x01010104

# --- Connection-oriented general OIDs (aliases in ntddndis.h, except MINIMUM_LINK_SPEED) --------
OID_GEN_CO_SUPPORTED_LIST: Final = OID_GEN_SUPPORTED_LIST
OID_GEN_CO_HARDWARE_STATUS: Final = OID_GEN_HARDWARE_STATUS
OID_GEN_CO_MEDIA_SUPPORTED: Final = OID_GEN_MEDIA_SUPPORTED
OID_GEN_CO_MEDIA_IN_USE: Final = OID_GEN_MEDIA_IN_USE
OID_GEN_CO_LINK_SPEED: Final = OID_GEN_LINK_SPEED
OID_GEN_CO_VENDOR_ID: Final = OID_GEN_VENDOR_ID
OID_GEN_CO_VENDOR_DESCRIPTION: Final = OID_GEN_VENDOR_DESCRIPTION
OID_GEN_CO_DRIVER_VERSION: Final = OID_GEN_DRIVER_VERSION
OID_GEN_CO_PROTOCOL_OPTIONS: Final = OID_GEN_PROTOCOL_OPTIONS
OID_GEN_CO_MAC_OPTIONS: Final = OID_GEN_MAC_OPTIONS
OID_GEN_CO_MEDIA_CONNECT_STATUS: Final = OID_GEN_MEDIA_CONNECT_STATUS
OID_GEN_CO_VENDOR_DRIVER_VERSION: Final = OID_GEN_VENDOR_DRIVER_VERSION
OID_GEN_CO_SUPPORTED_GUIDS: Final = OID_GEN_SUPPORTED_GUIDS
OID_GEN_CO_GET_TIME_CAPS: Final = OID_GEN_GET_TIME_CAPS
OID_GEN_CO_GET_NETCARD_TIME: Final = OID_GEN_GET_NETCARD_TIME
OID_GEN_CO_MINIMUM_LINK_SPEED: Final = 0x00020120

# --- Connection-oriented statistics OIDs ---------------------------------------------------------
OID_GEN_CO_XMIT_PDUS_OK: Final = OID_GEN_XMIT_OK
OID_GEN_CO_RCV_PDUS_OK: Final = OID_GEN_RCV_OK
OID_GEN_CO_XMIT_PDUS_ERROR: Final = OID_GEN_XMIT_ERROR
OID_GEN_CO_RCV_PDUS_ERROR: Final = OID_GEN_RCV_ERROR
OID_GEN_CO_RCV_PDUS_NO_BUFFER: Final = OID_GEN_RCV_NO_BUFFER
OID_GEN_CO_RCV_CRC_ERROR: Final = OID_GEN_RCV_CRC_ERROR
OID_GEN_CO_TRANSMIT_QUEUE_LENGTH: Final = OID_GEN_TRANSMIT_QUEUE_LENGTH
OID_GEN_CO_BYTES_XMIT: Final = OID_GEN_DIRECTED_BYTES_XMIT
OID_GEN_CO_BYTES_RCV: Final = OID_GEN_DIRECTED_BYTES_RCV
OID_GEN_CO_NETCARD_LOAD: Final = OID_GEN_NETCARD_LOAD
OID_GEN_CO_DEVICE_PROFILE: Final = OID_GEN_DEVICE_PROFILE
OID_GEN_CO_BYTES_XMIT_OUTSTANDING: Final = 0x00020221

# --- Call-manager and client OIDs ----------------------------------------------------------------
OID_CO_ADD_PVC: Final = 0xFE000001
OID_CO_DELETE_PVC: Final = 0xFE000002
OID_CO_GET_CALL_INFORMATION: Final = 0xFE000003
OID_CO_ADD_ADDRESS: Final = 0xFE000004
OID_CO_DELETE_ADDRESS: Final = 0xFE000005
OID_CO_GET_ADDRESSES: Final = 0xFE000006
OID_CO_ADDRESS_CHANGE: Final = 0xFE000007
OID_CO_SIGNALING_ENABLED: Final = 0xFE000008
OID_CO_SIGNALING_DISABLED: Final = 0xFE000009
OID_CO_AF_CLOSE: Final = 0xFE00000A
OID_CO_TAPI_CM_CAPS: Final = 0xFE001001
OID_CO_TAPI_LINE_CAPS: Final = 0xFE001002
OID_CO_TAPI_ADDRESS_CAPS: Final = 0xFE001003

# --- Values some OIDs return ---------------------------------------------------------------------
NdisHardwareStatusReady: Final = 0
NdisHardwareStatusInitializing: Final = 1
NdisHardwareStatusReset: Final = 2
NdisHardwareStatusClosing: Final = 3
NdisHardwareStatusNotReady: Final = 4
NdisMediaStateConnected: Final = 0
NdisMediaStateDisconnected: Final = 1

QUERY: Final = "query"
SET: Final = "set"
QUERY_SET: Final = "query+set"


@dataclass(frozen=True, slots=True)
class OidInfo:
    """What the catalogue knows about one OID code."""

    name: str
    """The ``OID_GEN_CO_*`` / ``OID_CO_*`` name (the CoNDIS spelling wins for aliased codes)."""
    value: int
    access: str
    """``"query"``, ``"set"`` or ``"query+set"``."""
    connection_oriented: bool
    """True if the code has a CoNDIS name (so it belongs on ``NdisCoOidRequest``, R4.05)."""
    mandatory: bool = False
    """A CoNDIS miniport must answer it (R4.13)."""
    per_vc: bool = False
    """Statistics that answer per VC when a VC handle is given (R4.14)."""
    size: int = 0
    """The fewest bytes a successful query answer holds (its documented type), 0 if not known."""
    array: bool = False
    """The answer is an array of 4-byte items (``BytesWritten`` is 4 x the number of items)."""

    @property
    def page(self) -> str:
        """The learn.microsoft.com page for the OID."""
        return "https://learn.microsoft.com/windows-hardware/drivers/network/" + self.name.lower().replace("_", "-")


def _co(
    name: str,
    value: int,
    access: str,
    mandatory: bool = False,
    per_vc: bool = False,
    size: int = 0,
    array: bool = False,
) -> OidInfo:
    return OidInfo(name, value, access, True, mandatory, per_vc, size, array)


def _cl(name: str, value: int, access: str) -> OidInfo:
    return OidInfo(name, value, access, False)


_ENTRIES: Final = (
    _co("OID_GEN_CO_SUPPORTED_LIST", OID_GEN_CO_SUPPORTED_LIST, QUERY, mandatory=True, size=4, array=True),
    _co("OID_GEN_CO_HARDWARE_STATUS", OID_GEN_CO_HARDWARE_STATUS, QUERY, mandatory=True, size=4),
    _co("OID_GEN_CO_MEDIA_SUPPORTED", OID_GEN_CO_MEDIA_SUPPORTED, QUERY, mandatory=True, size=4, array=True),
    _co("OID_GEN_CO_MEDIA_IN_USE", OID_GEN_CO_MEDIA_IN_USE, QUERY, mandatory=True, size=4, array=True),
    _co("OID_GEN_CO_LINK_SPEED", OID_GEN_CO_LINK_SPEED, QUERY, mandatory=True, size=8),
    _co("OID_GEN_CO_VENDOR_ID", OID_GEN_CO_VENDOR_ID, QUERY, mandatory=True, size=4),
    _co("OID_GEN_CO_VENDOR_DESCRIPTION", OID_GEN_CO_VENDOR_DESCRIPTION, QUERY, mandatory=True, size=1),
    _co("OID_GEN_CO_DRIVER_VERSION", OID_GEN_CO_DRIVER_VERSION, QUERY, mandatory=True, size=2),
    _co("OID_GEN_CO_PROTOCOL_OPTIONS", OID_GEN_CO_PROTOCOL_OPTIONS, SET),
    _co("OID_GEN_CO_MAC_OPTIONS", OID_GEN_CO_MAC_OPTIONS, QUERY, mandatory=True, size=4),
    _co("OID_GEN_CO_MEDIA_CONNECT_STATUS", OID_GEN_CO_MEDIA_CONNECT_STATUS, QUERY, mandatory=True, size=4),
    _co("OID_GEN_CO_VENDOR_DRIVER_VERSION", OID_GEN_CO_VENDOR_DRIVER_VERSION, QUERY, mandatory=True, size=4),
    _co("OID_GEN_CO_SUPPORTED_GUIDS", OID_GEN_CO_SUPPORTED_GUIDS, QUERY),
    _co("OID_GEN_CO_GET_TIME_CAPS", OID_GEN_CO_GET_TIME_CAPS, QUERY),
    _co("OID_GEN_CO_GET_NETCARD_TIME", OID_GEN_CO_GET_NETCARD_TIME, QUERY),
    _co("OID_GEN_CO_MINIMUM_LINK_SPEED", OID_GEN_CO_MINIMUM_LINK_SPEED, QUERY, mandatory=True, size=8),
    _co("OID_GEN_CO_XMIT_PDUS_OK", OID_GEN_CO_XMIT_PDUS_OK, QUERY, per_vc=True),
    _co("OID_GEN_CO_RCV_PDUS_OK", OID_GEN_CO_RCV_PDUS_OK, QUERY, per_vc=True),
    _co("OID_GEN_CO_XMIT_PDUS_ERROR", OID_GEN_CO_XMIT_PDUS_ERROR, QUERY, per_vc=True),
    _co("OID_GEN_CO_RCV_PDUS_ERROR", OID_GEN_CO_RCV_PDUS_ERROR, QUERY, per_vc=True),
    _co("OID_GEN_CO_RCV_PDUS_NO_BUFFER", OID_GEN_CO_RCV_PDUS_NO_BUFFER, QUERY, per_vc=True),
    _co("OID_GEN_CO_RCV_CRC_ERROR", OID_GEN_CO_RCV_CRC_ERROR, QUERY, per_vc=True),
    _co("OID_GEN_CO_TRANSMIT_QUEUE_LENGTH", OID_GEN_CO_TRANSMIT_QUEUE_LENGTH, QUERY, per_vc=True),
    _co("OID_GEN_CO_BYTES_XMIT", OID_GEN_CO_BYTES_XMIT, QUERY, per_vc=True),
    _co("OID_GEN_CO_BYTES_RCV", OID_GEN_CO_BYTES_RCV, QUERY, per_vc=True),
    _co("OID_GEN_CO_NETCARD_LOAD", OID_GEN_CO_NETCARD_LOAD, QUERY),
    _co("OID_GEN_CO_DEVICE_PROFILE", OID_GEN_CO_DEVICE_PROFILE, QUERY),
    _co("OID_GEN_CO_BYTES_XMIT_OUTSTANDING", OID_GEN_CO_BYTES_XMIT_OUTSTANDING, QUERY, per_vc=True),
    _co("OID_CO_ADD_PVC", OID_CO_ADD_PVC, SET),
    _co("OID_CO_DELETE_PVC", OID_CO_DELETE_PVC, SET),
    _co("OID_CO_GET_CALL_INFORMATION", OID_CO_GET_CALL_INFORMATION, QUERY),
    _co("OID_CO_ADD_ADDRESS", OID_CO_ADD_ADDRESS, SET),
    _co("OID_CO_DELETE_ADDRESS", OID_CO_DELETE_ADDRESS, SET),
    _co("OID_CO_GET_ADDRESSES", OID_CO_GET_ADDRESSES, QUERY),
    _co("OID_CO_ADDRESS_CHANGE", OID_CO_ADDRESS_CHANGE, SET),
    _co("OID_CO_SIGNALING_ENABLED", OID_CO_SIGNALING_ENABLED, SET),
    _co("OID_CO_SIGNALING_DISABLED", OID_CO_SIGNALING_DISABLED, SET),
    _co("OID_CO_AF_CLOSE", OID_CO_AF_CLOSE, SET),
    _co("OID_CO_TAPI_CM_CAPS", OID_CO_TAPI_CM_CAPS, QUERY),
    _co("OID_CO_TAPI_LINE_CAPS", OID_CO_TAPI_LINE_CAPS, QUERY),
    _co("OID_CO_TAPI_ADDRESS_CAPS", OID_CO_TAPI_ADDRESS_CAPS, QUERY),
    _cl("OID_GEN_MAXIMUM_LOOKAHEAD", OID_GEN_MAXIMUM_LOOKAHEAD, QUERY),
    _cl("OID_GEN_MAXIMUM_FRAME_SIZE", OID_GEN_MAXIMUM_FRAME_SIZE, QUERY),
    _cl("OID_GEN_CURRENT_PACKET_FILTER", OID_GEN_CURRENT_PACKET_FILTER, QUERY_SET),
    _cl("OID_GEN_CURRENT_LOOKAHEAD", OID_GEN_CURRENT_LOOKAHEAD, QUERY_SET),
    _cl("OID_GEN_MAXIMUM_TOTAL_SIZE", OID_GEN_MAXIMUM_TOTAL_SIZE, QUERY),
    _cl("OID_GEN_STATISTICS", OID_GEN_STATISTICS, QUERY),
    _cl("OID_802_3_PERMANENT_ADDRESS", OID_802_3_PERMANENT_ADDRESS, QUERY),
    _cl("OID_802_3_CURRENT_ADDRESS", OID_802_3_CURRENT_ADDRESS, QUERY),
    _cl("OID_802_3_MULTICAST_LIST", OID_802_3_MULTICAST_LIST, QUERY_SET),
    _cl("OID_802_3_MAXIMUM_LIST_SIZE", OID_802_3_MAXIMUM_LIST_SIZE, QUERY),
)

OID_CATALOGUE: Final[dict[int, OidInfo]] = {info.value: info for info in _ENTRIES}
"""Code -> ``OidInfo``, in the order of the docs' index pages."""

MANDATORY_CO_OIDS: Final = tuple(info.value for info in _ENTRIES if info.mandatory)
"""The codes every CoNDIS miniport answers (R4.13), in catalogue order."""


def oid_name(Oid: int) -> str:
    """The ntddndis.h name of *Oid* (CoNDIS spelling for aliased codes), or its hex value.

    >>> oid_name(0x00010107), oid_name(0x12345678)
    ('OID_GEN_CO_LINK_SPEED', '0x12345678')
    """
    info = OID_CATALOGUE.get(Oid)
    return info.name if info is not None else f"0x{Oid & 0xFFFFFFFF:08x}"


class _OidInformation:
    """The one body behind the three views of ``NDIS_OID_REQUEST.DATA`` (a C union).

    ``BytesWritten`` (query) and ``BytesRead`` (set) share storage, as in ndis.h.
    """

    __slots__ = (
        "BytesNeeded",
        "InformationBuffer",
        "InformationBufferLength",
        "InputBufferLength",
        "MethodId",
        "Oid",
        "OutputBufferLength",
        "_bytes_done",
    )

    def __init__(self) -> None:
        self.Oid = 0
        self.InformationBuffer: object = None
        self.InformationBufferLength = 0
        self.BytesNeeded = 0
        self.MethodId = 0
        self.InputBufferLength = 0
        self.OutputBufferLength = 0
        self._bytes_done = 0

    @property
    def BytesWritten(self) -> int:
        """Query: how many bytes the miniport wrote into ``InformationBuffer``."""
        return self._bytes_done

    @BytesWritten.setter
    def BytesWritten(self, value: int) -> None:
        self._bytes_done = value

    @property
    def BytesRead(self) -> int:
        """Set: how many bytes of ``InformationBuffer`` the miniport consumed."""
        return self._bytes_done

    @BytesRead.setter
    def BytesRead(self, value: int) -> None:
        self._bytes_done = value

    def __repr__(self) -> str:
        return f"<{oid_name(self.Oid)} InformationBufferLength={self.InformationBufferLength}>"


class NDIS_OID_REQUEST_DATA:
    """``NDIS_OID_REQUEST.DATA``: ``QUERY_INFORMATION``, ``SET_INFORMATION`` and
    ``METHOD_INFORMATION`` are three names for the same fields, as in the C union.

    >>> data = NDIS_OID_REQUEST_DATA()
    >>> data.QUERY_INFORMATION.Oid = OID_GEN_CO_LINK_SPEED
    >>> data.SET_INFORMATION.Oid == OID_GEN_CO_LINK_SPEED
    True
    """

    __slots__ = ("_body",)

    def __init__(self) -> None:
        self._body = _OidInformation()

    @property
    def QUERY_INFORMATION(self) -> _OidInformation:
        """The query view (``Oid``, ``InformationBuffer``, ``BytesWritten``, ``BytesNeeded``)."""
        return self._body

    @property
    def SET_INFORMATION(self) -> _OidInformation:
        """The set view (``Oid``, ``InformationBuffer``, ``BytesRead``, ``BytesNeeded``)."""
        return self._body

    @property
    def METHOD_INFORMATION(self) -> _OidInformation:
        """The method view (``Oid``, ``MethodId``, ``InputBufferLength`` ...)."""
        return self._body

    def __repr__(self) -> str:
        return f"NDIS_OID_REQUEST_DATA({self._body!r})"

