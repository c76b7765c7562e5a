"""A small connectionless protocol: it binds to 802.3 adapters (the LAN-emulation IM's
virtual miniport) and sends and receives frames.

It shows the connectionless side of NDIS 6 that an intermediate driver's upper edge serves:
``NdisOpenAdapterEx`` with an 802.3 medium list, ``NdisSendNetBufferLists`` with
``SourceHandle`` set to the binding handle, ``ProtocolSendNetBufferListsComplete`` and
``ProtocolReceiveNetBufferLists`` / ``NdisReturnNetBufferLists``.
"""

from condis_edu.samples.ethproto.app import send_frames, statistics
from condis_edu.samples.ethproto.driver import DRIVER_NAME, DriverEntry

__all__ = ["DRIVER_NAME", "DriverEntry", "send_frames", "statistics"]
