"""The call manager's contexts (what it hands NDIS as ProtocolXxxContext)."""

from __future__ import annotations

from condis_edu.ndis import CO_CALL_PARAMETERS, NDIS_HANDLE


class CmGlobals:
    """Driver-wide state."""

    def __init__(self) -> None:
        self.NdisProtocolHandle: object = None
        self.bindings: list[CmBinding] = []


class CmBinding:
    """ProtocolBindingContext: the call manager bound to one adapter."""

    def __init__(self, globals_: CmGlobals) -> None:
        self.globals = globals_
        self.NdisBindingHandle: NDIS_HANDLE | None = None
        self.afs: list[CmAf] = []
        self.unbind_context: NDIS_HANDLE | None = None
        self.unbinding = False
        self.notify_pending = 0


class CmAf:
    """CallMgrAfContext: one client's open of the address family."""

    def __init__(self, binding: CmBinding, handle: NDIS_HANDLE) -> None:
        self.binding = binding
        self.NdisAfHandle = handle
        self.saps: list[CmSap] = []
        self.vcs: list[CmVc] = []


class CmSap:
    """CallMgrSapContext."""

    def __init__(self, af: CmAf, handle: NDIS_HANDLE, name: bytes) -> None:
        self.af = af
        self.NdisSapHandle = handle
        self.name = name


class CmVc:
    """CallMgrVcContext. ``peer`` links the two VCs of a looped-back call."""

    def __init__(self, af: CmAf | None, handle: NDIS_HANDLE | None, outgoing: bool) -> None:
        self.af = af
        self.NdisVcHandle = handle
        self.outgoing = outgoing
        self.peer: CmVc | None = None
        self.parameters: CO_CALL_PARAMETERS | None = None
        self.state = "idle"  # idle, making, offered, connected, closing, rejected
        self.delete_tries = 0  # NdisCoDeleteVc calls NDIS refused (a callee's VC, which we delete)
        self.delete_status = 0  # what NDIS answered the last refused one
        self.sap: CmSap | None = None
        self.reject_status = 0
