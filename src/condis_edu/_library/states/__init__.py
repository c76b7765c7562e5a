"""The transition tables of every NDIS object that has a state (adapter and its reset, AF, SAP, binding, call, VC)."""

from condis_edu._library.statemachine import StateTable
from condis_edu._library.states.adapter import ADAPTER_TABLE, RESET_TABLE
from condis_edu._library.states.af import AF_TABLE, SAP_TABLE
from condis_edu._library.states.binding import BINDING_TABLE
from condis_edu._library.states.call import CALL_TABLE
from condis_edu._library.states.vc import VC_TABLE

TABLES: tuple[StateTable, ...] = (VC_TABLE, CALL_TABLE, AF_TABLE, SAP_TABLE, ADAPTER_TABLE, RESET_TABLE, BINDING_TABLE)
"""Every state table of the engine, in page order."""
