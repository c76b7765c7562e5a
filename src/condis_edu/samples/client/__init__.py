"""A CoNDIS client for the samples' address family.

``protocol.py`` (DriverEntry, registration, unload), ``bind.py`` (bind, unbind with an
orderly teardown), ``af.py`` (open the AF when a call manager announces it, register
SAPs), ``calls.py`` (the ProtocolClXxx / ProtocolCoXxx call handlers), ``deletion.py`` (deleting
the VCs it created, once NDIS lets them go), ``teardown.py`` (the orderly teardown's later
steps), ``data.py`` (sends and receives), ``state.py`` (contexts) and ``app.py``: the
entry points a notebook uses, which stand for the requests an application would send the
driver (``make_call``, ``close_call``).
"""

from condis_edu.samples.client.app import active_calls, close_call, make_call
from condis_edu.samples.client.protocol import DriverEntry

DRIVER_NAME = "client"

__all__ = ["DRIVER_NAME", "DriverEntry", "active_calls", "close_call", "make_call"]
