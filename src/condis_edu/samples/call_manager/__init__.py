"""A stand-alone CoNDIS call manager for the samples' address family.

It is a protocol driver (``protocol.py``: DriverEntry, registration, unload) that binds to
CoNDIS miniports and registers the address family on each (``bind.py``), serves address
family and SAP requests (``af.py``) and signals calls (``calls.py``). Because the network
is a loopback NIC, "signaling" is local: a call to a registered SAP name becomes an
incoming call to the client that registered it, on a second VC.
"""

from condis_edu.samples.call_manager.protocol import DriverEntry

DRIVER_NAME = "call_manager"

__all__ = ["DRIVER_NAME", "DriverEntry"]
