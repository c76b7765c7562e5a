"""A CoNDIS miniport for a loopback "NIC": every VC's data comes back on the wire side.

Files, as in a real miniport (netvmini): ``miniport.py`` (DriverEntry, registration,
unload), ``adapter.py`` (initialize, halt, pause, restart), ``vc.py`` (MiniportCoXxx VC
handlers), ``datapath.py`` (sends, echoed receives, returns, OIDs, reset) and ``state.py``
(the driver's contexts).
"""

from condis_edu.samples.loopback_miniport.miniport import DriverEntry

DRIVER_NAME = "loopback_miniport"
ADAPTER_PREFIX = "loopback"

__all__ = ["ADAPTER_PREFIX", "DRIVER_NAME", "DriverEntry"]
