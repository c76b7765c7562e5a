"""The OID catalogue: codes as ntddndis.h defines them, and the DATA union."""

from __future__ import annotations

import pytest

from condis_edu.mirror import oids as o

# A few codes checked against ntddndis.h by hand (the aliases resolve to OID_GEN_* values).
KNOWN = {
    "OID_GEN_CO_SUPPORTED_LIST": 0x00010101,
    "OID_GEN_CO_LINK_SPEED": 0x00010107,
    "OID_GEN_CO_VENDOR_DESCRIPTION": 0x0001010D,
    "OID_GEN_CO_MAC_OPTIONS": 0x00010113,
    "OID_GEN_CO_MEDIA_CONNECT_STATUS": 0x00010114,
    "OID_GEN_CO_MINIMUM_LINK_SPEED": 0x00020120,
    "OID_GEN_CO_XMIT_PDUS_OK": 0x00020101,
    "OID_GEN_CO_RCV_CRC_ERROR": 0x0002020D,
    "OID_GEN_CO_BYTES_XMIT": 0x00020201,
    "OID_GEN_CO_BYTES_RCV": 0x00020207,
    "OID_GEN_CO_BYTES_XMIT_OUTSTANDING": 0x00020221,
    "OID_CO_ADD_PVC": 0xFE000001,
    "OID_CO_AF_CLOSE": 0xFE00000A,
    "OID_CO_TAPI_CM_CAPS": 0xFE001001,
}


@pytest.mark.parametrize(("name", "value"), sorted(KNOWN.items()))
def test_codes(name: str, value: int) -> None:
    assert getattr(o, name) == value
    assert o.oid_name(value) == name


def test_catalogue_names_match_module_constants() -> None:
    for value, info in o.OID_CATALOGUE.items():
        assert getattr(o, info.name) == value == info.value
        assert info.access in (o.QUERY, o.SET, o.QUERY_SET)
        assert info.page.startswith("https://learn.microsoft.com/windows-hardware/drivers/network/oid-")


def test_mandatory_set_is_r4_13() -> None:
    names = {o.oid_name(v) for v in o.MANDATORY_CO_OIDS}
    assert names == {
        "OID_GEN_CO_SUPPORTED_LIST",
        "OID_GEN_CO_HARDWARE_STATUS",
        "OID_GEN_CO_MEDIA_SUPPORTED",
        "OID_GEN_CO_MEDIA_IN_USE",
        "OID_GEN_CO_LINK_SPEED",
        "OID_GEN_CO_VENDOR_ID",
        "OID_GEN_CO_VENDOR_DESCRIPTION",
        "OID_GEN_CO_VENDOR_DRIVER_VERSION",
        "OID_GEN_CO_DRIVER_VERSION",
        "OID_GEN_CO_MAC_OPTIONS",
        "OID_GEN_CO_MEDIA_CONNECT_STATUS",
        "OID_GEN_CO_MINIMUM_LINK_SPEED",
    }


def test_connectionless_only_codes_are_marked() -> None:
    assert not o.OID_CATALOGUE[o.OID_GEN_CURRENT_PACKET_FILTER].connection_oriented
    assert o.OID_CATALOGUE[o.OID_GEN_CO_LINK_SPEED].connection_oriented
    assert o.oid_name(0x0BADF00D) == "0x0badf00d"


def test_data_union_views_share_storage() -> None:
    data = o.NDIS_OID_REQUEST_DATA()
    data.SET_INFORMATION.BytesRead = 4
    assert data.QUERY_INFORMATION.BytesWritten == 4
    data.METHOD_INFORMATION.Oid = o.OID_GEN_CO_VENDOR_ID
    assert "OID_GEN_CO_VENDOR_ID" in repr(data)
