"""The loopback miniport's contexts: driver globals, adapter, the adapter's data-path state, VC."""

from __future__ import annotations

from collections.abc import Callable

from condis_edu.ndis import CO_CALL_PARAMETERS, NDIS_HANDLE, NET_BUFFER_LIST


class MiniportGlobals:
    """Driver-wide state (a C driver keeps it in globals; we hang it on DriverExtension)."""

    def __init__(self) -> None:
        self.NdisMiniportDriverHandle: object = None
        self.adapters: list[Adapter] = []


class Adapter:
    """MiniportAdapterContext: one loopback NIC."""

    def __init__(self, handle: NDIS_HANDLE, globals_: MiniportGlobals) -> None:
        self.MiniportAdapterHandle = handle
        self.globals = globals_
        self.vcs: list[LoopbackVc] = []
        self.running = False
        self.data: AdapterData | None = None  # the data path's state (datapath.data_of)


class AdapterData:
    """The adapter's data-path state (``Adapter.data``)."""

    def __init__(self, adapter: Adapter) -> None:
        self.adapter = adapter
        self.complete = "inline"
        """``"inline"`` or ``"deferred"``: when sends are completed."""
        self.batch = 0
        """Deferred mode: NBLs completed per work-item run (0: everything queued)."""
        self.echo = True
        """Indicate a copy of every sent packet back on the same VC."""
        self.pend_oids = False
        """Answer OID requests from a work item (NDIS_STATUS_PENDING) instead of at once."""
        self.queue: list[tuple[LoopbackVc, NET_BUFFER_LIST]] = []
        self.flush_scheduled = False
        self.rx_pool: NDIS_HANDLE | None = None
        self.rx_free: list[NET_BUFFER_LIST] = []
        self.rx_outstanding = 0
        self.pause_pending = False
        self.sent = 0
        self.completed_batches = 0


class LoopbackVc:
    """MiniportVcContext."""

    def __init__(self, adapter: Adapter, handle: NDIS_HANDLE) -> None:
        self.adapter = adapter
        self.NdisVcHandle = handle
        self.active = False
        self.parameters: CO_CALL_PARAMETERS | None = None
        self.rx_outstanding = 0  # echoed NBLs the protocol has not returned yet
        self.deactivate_waiting: Callable[[], None] | None = None
        self.tx_ok = 0
        self.rx_ok = 0
