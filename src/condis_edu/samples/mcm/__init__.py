"""A miniport call manager (MCM): a loopback NIC whose miniport driver is also the call manager.

It registers as a miniport only (R1.33): ``miniport.py`` registers the miniport and, from
MiniportSetOptions, both NDIS_MINIPORT_CO_CHARACTERISTICS (CoCreateVc/CoDeleteVc left
NULL, R1.34) and NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS. ``adapter.py`` registers the
address family inside MiniportInitializeEx (R1.38). ``cm.py`` holds the call manager side:
it uses the NdisMCmXxx DDIs, and activation is internal (NdisMCmActivateVc, no
MiniportCoActivateVc).
"""

from condis_edu.samples.mcm.miniport import DriverEntry

DRIVER_NAME = "mcm"
ADAPTER_PREFIX = "mcm"

__all__ = ["ADAPTER_PREFIX", "DRIVER_NAME", "DriverEntry"]
