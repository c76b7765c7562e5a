"""What the sample drivers agree on: the address family and the SAP / address format.

The values are invented for the samples (real call managers use e.g. CO_ADDRESS_FAMILY_Q2931).
"""

from __future__ import annotations

from condis_edu.ndis import (
    CO_ADDRESS_FAMILY,
    CO_CALL_MANAGER_PARAMETERS,
    CO_CALL_PARAMETERS,
    CO_SAP,
    CO_SPECIFIC_PARAMETERS,
)

CO_ADDRESS_FAMILY_LOOPBACK = 0x00000100
"""The sample address family (not an ndis.h value)."""

SAP_TYPE_NAME = 1
"""CO_SAP.SapType of the samples: the SAP is a service name in bytes."""

PARAM_TYPE_CALLED_NAME = 1
"""CO_SPECIFIC_PARAMETERS.ParamType carrying the called service name."""


def loopback_af() -> CO_ADDRESS_FAMILY:
    """The address family the sample call managers register, version 1.0."""
    return CO_ADDRESS_FAMILY(AddressFamily=CO_ADDRESS_FAMILY_LOOPBACK, MajorVersion=1, MinorVersion=0)


def is_loopback_af(family: CO_ADDRESS_FAMILY) -> bool:
    """True for the samples' address family."""
    return family.AddressFamily == CO_ADDRESS_FAMILY_LOOPBACK and family.MajorVersion == 1


def name_sap(name: bytes) -> CO_SAP:
    """A SAP for the service *name*."""
    return CO_SAP(SapType=SAP_TYPE_NAME, SapLength=len(name), Sap=name)


def call_parameters(called: bytes) -> CO_CALL_PARAMETERS:
    """Call parameters addressed to the service *called*."""
    specific = CO_SPECIFIC_PARAMETERS(ParamType=PARAM_TYPE_CALLED_NAME, Length=len(called), Parameters=called)
    return CO_CALL_PARAMETERS(CallMgrParameters=CO_CALL_MANAGER_PARAMETERS(CallMgrSpecific=specific))


def called_name(params: CO_CALL_PARAMETERS) -> bytes | None:
    """The service name a call is addressed to, or None."""
    manager = params.CallMgrParameters
    if manager is None or manager.CallMgrSpecific.ParamType != PARAM_TYPE_CALLED_NAME:
        return None
    return manager.CallMgrSpecific.Parameters
