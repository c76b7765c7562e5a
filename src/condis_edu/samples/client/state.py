"""The client's contexts (what it hands NDIS as ProtocolXxxContext)."""

from __future__ import annotations

from condis_edu.ndis import NDIS_HANDLE, NET_BUFFER_LIST


class ClData:
    """Per-call data-path state (``ClVc.data``)."""

    def __init__(self) -> None:
        self.free: list[NET_BUFFER_LIST] = []
        self.sent = 0
        self.in_flight = 0
        self.completed: dict[int, int] = {}
        """NDIS_STATUS -> how many NBLs came back with it."""
        self.completions = 0
        self.duplicates = 0
        self.strangers = 0
        self.received = 0
        self.received_bytes = bytearray()
        self.keep_received_bytes = True
        self.recycle = True
        """Keep completed NBLs on the free list for ``build_chain`` (off: the caller re-sends
        the same chain itself, as the send-path benchmark does; only statuses are counted)."""
        self.hold_receives = False
        """Keep indicated NBLs instead of returning them at once (``release_receives`` returns them)."""
        self.held: list[NET_BUFFER_LIST] = []

    def statistics(self) -> dict[str, object]:
        """A plain summary for notebooks."""
        return {
            "sent": self.sent,
            "completions": self.completions,
            "in_flight": self.in_flight,
            "completed": dict(sorted(self.completed.items())),
            "duplicates": self.duplicates,
            "strangers": self.strangers,
            "received": self.received,
            "held": len(self.held),
        }


class ClGlobals:
    """Driver-wide state. ``services``: the SAP names registered on every AF opened."""

    def __init__(self) -> None:
        self.NdisProtocolHandle: object = None
        self.bindings: list[ClBinding] = []
        self.services: list[bytes] = [b"echo"]
        self.accept_calls = True


class ClBinding:
    """ProtocolBindingContext."""

    def __init__(self, globals_: ClGlobals, adapter_name: str) -> None:
        self.globals = globals_
        self.adapter_name = adapter_name
        self.NdisBindingHandle: NDIS_HANDLE | None = None
        self.af: ClAf | None = None
        self.unbind_context: NDIS_HANDLE | None = None
        self.unbinding = False
        self.nbl_pool: NDIS_HANDLE | None = None  # allocated on the first send (data.py)
        self.in_unbind_handler = False


class ClAf:
    """ClientAfContext / ProtocolAfContext."""

    def __init__(self, binding: ClBinding) -> None:
        self.binding = binding
        self.NdisAfHandle: NDIS_HANDLE | None = None
        self.state = "opening"  # opening, open, closing, closed
        self.saps: list[ClSap] = []
        self.vcs: list[ClVc] = []
        self.tearing_down = False
        self.notify_pending = False
        self.in_notify_handler = False


class ClSap:
    """ProtocolSapContext."""

    def __init__(self, af: ClAf, name: bytes) -> None:
        self.af = af
        self.name = name
        self.NdisSapHandle: NDIS_HANDLE | None = None
        self.state = "registering"  # registering, registered, deregistering, gone


class ClVc:
    """ProtocolVcContext: one call, outgoing (we created the VC) or incoming (the CM did)."""

    def __init__(self, af: ClAf, outgoing: bool, called: bytes = b"") -> None:
        self.af = af
        self.outgoing = outgoing
        self.called = called
        self.NdisVcHandle: NDIS_HANDLE | None = None
        self.state = "idle"  # idle, calling, offered, connected, closing, closed, failed
        self.status: int | None = None
        self.data: ClData | None = None  # data-path bookkeeping (data.py)
        self.delete_pending = False
        """Our VC's call is over and NdisCoDeleteVc has not succeeded yet (deletion.py)."""

    def __repr__(self) -> str:
        direction = "outgoing" if self.outgoing else "incoming"
        handle = self.NdisVcHandle.label if self.NdisVcHandle is not None else "no VC"
        return f"<client call {direction} {handle} {self.state}>"
