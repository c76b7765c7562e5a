"""Contexts of the LAN-emulation IM."""

from __future__ import annotations

from condis_edu.ndis import NDIS_HANDLE, NET_BUFFER_LIST
from condis_edu.samples.client.state import ClBinding, ClGlobals, ClVc

SERVICE = b"lane"
FRAME_SIZE = 1514


class LaneGlobals(ClGlobals):
    """Driver-wide state: the client part (lower edge) plus the miniport registration."""

    def __init__(self) -> None:
        super().__init__()
        self.services = [SERVICE]
        self.NdisMiniportDriverHandle: NDIS_HANDLE | None = None
        self.adapters: list[LaneAdapter] = []
        self.instances = 0


class LaneAdapter:
    """MiniportAdapterContext of one virtual miniport (one per lower binding)."""

    def __init__(self, handle: NDIS_HANDLE, lower: ClBinding) -> None:
        self.MiniportAdapterHandle = handle
        self.lower = lower
        self.running = False
        self.tx_pool: NDIS_HANDLE | None = None
        self.rx_pool: NDIS_HANDLE | None = None
        self.tx_free: list[NET_BUFFER_LIST] = []
        self.rx_free: list[NET_BUFFER_LIST] = []
        self.tx_in_flight = 0
        self.rx_outstanding = 0
        self.pause_pending = False
        self.frames_up = 0
        self.frames_down = 0

    def vc(self) -> ClVc | None:
        """The connected outgoing call that carries our frames, if any."""
        af = self.lower.af
        if af is None:
            return None
        for vc in af.vcs:
            if vc.outgoing and vc.state == "connected":
                return vc
        return None
