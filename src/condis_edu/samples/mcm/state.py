"""Contexts of the MCM."""

from __future__ import annotations

from condis_edu.ndis import CO_CALL_PARAMETERS, NDIS_HANDLE


class McmGlobals:
    """Driver-wide state."""

    def __init__(self) -> None:
        self.NdisMiniportDriverHandle: object = None
        self.adapters: list[McmAdapter] = []


class McmAdapter:
    """MiniportAdapterContext, and CallMgrBindingContext of the call manager side."""

    def __init__(self, handle: NDIS_HANDLE, globals_: McmGlobals) -> None:
        self.MiniportAdapterHandle = handle
        self.globals = globals_
        self.afs: list[McmAf] = []


class McmAf:
    """CallMgrAfContext."""

    def __init__(self, adapter: McmAdapter, handle: NDIS_HANDLE) -> None:
        self.adapter = adapter
        self.NdisAfHandle = handle
        self.saps: list[McmSap] = []


class McmSap:
    """CallMgrSapContext."""

    def __init__(self, af: McmAf, handle: NDIS_HANDLE, name: bytes) -> None:
        self.af = af
        self.NdisSapHandle = handle
        self.name = name


class McmVc:
    """CallMgrVcContext, which for an MCM is also the MiniportVcContext."""

    def __init__(self, af: McmAf, handle: NDIS_HANDLE | None, outgoing: bool) -> None:
        self.af = af
        self.NdisVcHandle = handle
        self.outgoing = outgoing
        self.peer: McmVc | None = None
        self.parameters: CO_CALL_PARAMETERS | None = None
        self.sap: McmSap | None = None
        self.state = "idle"
