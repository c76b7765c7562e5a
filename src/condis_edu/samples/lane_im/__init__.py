"""A LAN-emulation intermediate driver over the loopback CoNDIS miniport.

Upper edge: a connectionless, deserialized virtual miniport (``lane0``), registered with
``NdisMRegisterMiniportDriver`` and ``NDIS_INTERMEDIATE_DRIVER``. Lower edge: a CoNDIS
client (it reuses the sample client's call handling) that makes one call to the ``lane``
service and carries every Ethernet-style frame from above over that VC.

Data handling copies: a frame sent from above is copied into an NBL of the IM's own pool
and sent on the VC; its completion completes the upper NBL with the same status. A frame
received on the VC is copied into an NBL of the virtual miniport's pool and indicated up;
the lower NBL is returned at once. Copying keeps every NBL with exactly one owner and makes
the SourceHandle rule (R3.04) moot; a pass-through IM would save and restore it instead.

Lifecycle: ProtocolBindAdapterEx opens the lower adapter and calls
``NdisIMInitializeDeviceInstanceEx`` with the retained ``NdisMiniportDriverHandle``; NDIS
then starts the virtual miniport. Unbinding calls ``NdisIMDeInitializeDeviceInstance``.
When the adapter below pauses, NDIS pauses the virtual miniport first and restarts it last.
"""

from condis_edu.samples.lane_im.app import connect, virtual_adapter
from condis_edu.samples.lane_im.driver import DriverEntry

ADAPTER_PREFIX = "lane"
__all__ = ["ADAPTER_PREFIX", "DriverEntry", "connect", "virtual_adapter"]
