"""Sample drivers, shaped like real NDIS drivers (DriverEntry, registration, a module per job).

* ``loopback_miniport``: a CoNDIS miniport for a loopback "NIC".
* ``call_manager``: a stand-alone call manager for the sample address family.
* ``client``: a CoNDIS client that opens the AF, registers a SAP and makes calls.
* ``mcm``: a miniport call manager: the miniport and the call manager in one driver.

They share the address family and SAP format defined in ``common``.
"""
