"""The NDIS library's own records: drivers, adapters, bindings, AFs, SAPs, VCs.

These are what an ``NDIS_HANDLE`` points at. Drivers never see them (they see handles and
their own contexts); the harness exposes a few read-only properties for inspection and
tests (``Adapter.state``, ``Vc.call_state``...).

The data path will hang its counters here: ``Vc.outstanding_sends`` /
``Vc.outstanding_receives`` and ``Adapter.outstanding_sends`` / ``outstanding_receives``
already exist and gate VC deactivation (R2.28) and adapter pause.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from condis_edu._library.states.adapter import AdapterFlags, AdapterState, ResetState
from condis_edu._library.states.af import AfFlags, AfPending, AfState, SapFlags, SapPending, SapState
from condis_edu._library.states.binding import AttemptFlags, BindingFlags, BindingState
from condis_edu._library.states.call import CallPending, CallState
from condis_edu._library.states.vc import VcFlags, VcState
from condis_edu.mirror.handles import NDIS_HANDLE
from condis_edu.mirror.structures import (
    CO_ADDRESS_FAMILY,
    CO_CALL_PARAMETERS,
    CO_SAP,
    DRIVER_OBJECT,
    NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS,
    NDIS_CO_CLIENT_OPTIONAL_HANDLERS,
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES,
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES,
    NDIS_MINIPORT_CO_CHARACTERISTICS,
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS,
    NDIS_PROTOCOL_CO_CHARACTERISTICS,
    NDIS_PROTOCOL_DRIVER_CHARACTERISTICS,
)


class Driver:
    """A loaded driver image: its DRIVER_OBJECT and what it registered."""

    def __init__(self, name: str, driver_object: DRIVER_OBJECT, registry_path: str, module: object) -> None:
        self.name = name
        self.driver_object = driver_object
        self.registry_path = registry_path
        self.module = module
        self.miniports: list[MiniportDriver] = []
        self.protocol: ProtocolDriver | None = None
        self.in_driver_entry = False
        self.loaded = False

    @property
    def context(self) -> object:
        """The driver context it registered (MiniportDriverContext or ProtocolDriverContext)."""
        if self.protocol is not None:
            return self.protocol.context
        return self.miniports[0].context if self.miniports else None

    def live_miniports(self) -> list[MiniportDriver]:
        """Miniport registrations not yet deregistered."""
        return [m for m in self.miniports if not m.deregistered]

    def __repr__(self) -> str:
        return f"<Driver {self.name}>"


class MiniportDriver:
    """One NdisMRegisterMiniportDriver registration."""

    def __init__(
        self, handle: NDIS_HANDLE, driver: Driver, context: object, chars: NDIS_MINIPORT_DRIVER_CHARACTERISTICS
    ) -> None:
        self.handle = handle
        self.driver = driver
        self.context = context
        self.chars = chars
        self.co: NDIS_MINIPORT_CO_CHARACTERISTICS | None = None
        self.cm: NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS | None = None
        self.in_set_options = False
        self.adapters: list[Adapter] = []
        self.deregistered = False
        self.im_protocol: ProtocolDriver | None = None  # NdisIMAssociateMiniport (R5.01)

    @property
    def is_mcm(self) -> bool:
        """True if the driver registered call manager handlers (a miniport call manager)."""
        return self.cm is not None


class ProtocolDriver:
    """One NdisRegisterProtocolDriver registration."""

    def __init__(
        self, handle: NDIS_HANDLE, driver: Driver, context: object, chars: NDIS_PROTOCOL_DRIVER_CHARACTERISTICS
    ) -> None:
        self.handle = handle
        self.driver = driver
        self.context = context
        self.chars = chars
        self.co: NDIS_PROTOCOL_CO_CHARACTERISTICS | None = None
        self.cl: NDIS_CO_CLIENT_OPTIONAL_HANDLERS | None = None
        self.cm: NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS | None = None
        self.in_set_options = False
        self.bindings: list[Binding] = []
        self.deregistered = False


class Adapter:
    """A miniport adapter (one device the miniport driver controls)."""

    def __init__(self, handle: NDIS_HANDLE, name: str, miniport: MiniportDriver) -> None:
        self.handle = handle
        self.name = name
        self.miniport = miniport
        self.state = AdapterState.HALTED
        self.context: object = None
        self.registration: NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES | None = None
        self.general: NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES | None = None
        self.bindings: list[Binding] = []
        self.af_registrations: list[AfRegistration] = []
        self.vcs: list[Vc] = []
        self.outstanding_sends = 0
        self.outstanding_receives = 0
        self.reset_state = ResetState.IDLE
        """Where a reset stands (``RESET_TABLE``; only ``NdisLibrary.move`` changes it)."""
        self.flags = AdapterFlags()
        """The stack-pause record (frozen: only ``NdisLibrary.mark`` replaces it)."""

    @property
    def resetting(self) -> bool:
        """Between RESET_START and RESET_END: NDIS refuses sends and OIDs (R4.22). Read-only."""
        return self.reset_state is not ResetState.IDLE

    @property
    def pause_pending(self) -> bool:
        """MiniportPause returned NDIS_STATUS_PENDING; NdisMPauseComplete has not come yet. Read-only."""
        return self.flags.pause_pending

    @property
    def restart_pending(self) -> bool:
        """MiniportRestart returned NDIS_STATUS_PENDING; NdisMRestartComplete has not come yet. Read-only."""
        return self.flags.restart_pending

    @property
    def reset_pending(self) -> bool:
        """MiniportResetEx returned NDIS_STATUS_PENDING and NdisMResetComplete has not come yet."""
        return self.reset_state is ResetState.PENDING

    @property
    def driver(self) -> Driver:
        """The driver that controls this adapter."""
        return self.miniport.driver

    def __repr__(self) -> str:
        return f"<Adapter {self.name} {self.state.name}>"


class Binding:
    """One protocol bound to one adapter."""

    def __init__(self, handle: NDIS_HANDLE, protocol: ProtocolDriver, adapter: Adapter, context: object) -> None:
        self.handle = handle
        self.protocol = protocol
        self.adapter = adapter
        self.context = context
        self.state = BindingState.UNBOUND
        self.notified: list[AfRegistration] = []
        self.afs: list[Af] = []
        self.vcs: list[Vc] = []
        self.cm_registrations: list[AfRegistration] = []
        self.flags = BindingFlags()
        self.pnp_continuation: Callable[[int], None] | None = None
        self.pnp_waiters: list[Callable[[], None]] = []
        """What waits for the PnP event that is out (a stack pause, an unbind): run once it completes."""

    @property
    def pnp_pending(self) -> bool:
        """ProtocolNetPnPEvent pended; NdisCompleteNetPnPEvent has not come yet. Read-only (``flags``)."""
        return self.flags.pnp_pending

    @property
    def driver(self) -> Driver:
        """The protocol driver that owns the binding."""
        return self.protocol.driver

    def __repr__(self) -> str:
        return f"<Binding {self.protocol.driver.name}->{self.adapter.name} {self.state.name}>"


class BindAttempt:
    """NDIS's record of one ProtocolBindAdapterEx call (what the BindContext points at); it ends
    when its handle dies (NdisCompleteBindAdapterEx, or the handler returned a final status)."""

    def __init__(self, handle: NDIS_HANDLE, protocol: ProtocolDriver, adapter: Adapter) -> None:
        self.handle = handle
        self.protocol = protocol
        self.adapter = adapter
        self.binding: Binding | None = None
        self.flags = AttemptFlags()

    @property
    def pending(self) -> bool:
        """ProtocolBindAdapterEx pended; NdisCompleteBindAdapterEx has not come yet. Read-only (``flags``)."""
        return self.flags.pending


class UnbindAttempt:
    """NDIS's record of one ProtocolUnbindAdapterEx call (what the UnbindContext points at); it
    ends when its handle dies (NdisCompleteUnbindAdapterEx, or the handler returned)."""

    def __init__(self, handle: NDIS_HANDLE, binding: Binding) -> None:
        self.handle = handle
        self.binding = binding
        self.flags = AttemptFlags()

    @property
    def pending(self) -> bool:
        """ProtocolUnbindAdapterEx pended; NdisCompleteUnbindAdapterEx has not come yet. Read-only (``flags``)."""
        return self.flags.pending


class AfRegistration:
    """A call manager's registration of an address family on an adapter."""

    def __init__(
        self,
        family: CO_ADDRESS_FAMILY,
        adapter: Adapter,
        cm_binding: Binding | None,
        mcm: MiniportDriver | None,
    ) -> None:
        self.family = family
        self.adapter = adapter
        self.cm_binding = cm_binding
        self.mcm = mcm
        self.opens: list[Af] = []
        self.alive = True

    @property
    def cm_driver(self) -> Driver:
        """The call manager (or MCM) driver."""
        if self.cm_binding is not None:
            return self.cm_binding.driver
        assert self.mcm is not None
        return self.mcm.driver

    @property
    def cm_handlers(self) -> NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS:
        """The call manager handlers NDIS calls for this AF."""
        cm = self.cm_binding.protocol.cm if self.cm_binding is not None else self.mcm.cm if self.mcm else None
        assert cm is not None
        return cm

    @property
    def cm_binding_context(self) -> object:
        """CallMgrBindingContext: ProtocolBindingContext, or MiniportAdapterContext for an MCM."""
        return self.cm_binding.context if self.cm_binding is not None else self.adapter.context

    def matches(self, family: CO_ADDRESS_FAMILY) -> bool:
        """Same AddressFamily and version."""
        f = self.family
        return (f.AddressFamily, f.MajorVersion, f.MinorVersion) == (
            family.AddressFamily,
            family.MajorVersion,
            family.MinorVersion,
        )

    def label(self) -> str:
        """Short description for traces."""
        return f"AF 0x{self.family.AddressFamily:x} on {self.adapter.name}"


class Af:
    """One client's open of an address family: what ``NdisAfHandle`` points at."""

    def __init__(
        self, handle: NDIS_HANDLE, registration: AfRegistration, client_binding: Binding, client_context: object
    ) -> None:
        self.handle = handle
        self.registration = registration
        self.client_binding = client_binding
        self.client_context = client_context
        self.cm_context: object = None
        self.state = AfState.OPENING
        self.flags = AfFlags()
        self.saps: list[Sap] = []
        self.vcs: list[Vc] = []

    @property
    def pending(self) -> AfPending | None:
        """The request a driver pended on this AF, if any. Read-only (``NdisLibrary.mark`` changes ``flags``)."""
        return self.flags.pending


class Sap:
    """A registered SAP: what ``NdisSapHandle`` points at."""

    def __init__(self, handle: NDIS_HANDLE, af: Af, client_context: object, sap: CO_SAP) -> None:
        self.handle = handle
        self.af = af
        self.client_context = client_context
        self.cm_context: object = None
        self.sap = sap
        self.state = SapState.REGISTERING
        self.flags = SapFlags()

    @property
    def pending(self) -> SapPending | None:
        """The request the call manager pended on this SAP, if any. Read-only (``flags``)."""
        return self.flags.pending


class Vc:
    """A virtual connection: what ``NdisVcHandle`` points at."""

    def __init__(
        self, handle: NDIS_HANDLE, adapter: Adapter, af: Af | None, creator: str, creator_driver: Driver
    ) -> None:
        self.handle = handle
        self.adapter = adapter
        self.af = af
        self.creator = creator  # "client", "cm" or "mcm"
        self.creator_driver = creator_driver
        self.cm_binding: Binding | None = None
        self.client_context: object = None
        self.cm_context: object = None
        self.miniport_context: object = None
        self.state = VcState.INACTIVE
        self.call_state = CallState.IDLE
        self.flags = VcFlags()
        self.party: NDIS_HANDLE | None = None
        self.party_client_context: object = None
        self.party_cm_context: object = None
        self.call_parameters: CO_CALL_PARAMETERS | None = None
        self.sap: Sap | None = None
        self.outstanding_sends = 0
        self.outstanding_receives = 0
        self.data: dict[str, Any] = {}  # free slot for later engine layers (data path)

    @property
    def activation_pending(self) -> bool:
        """A MiniportCoActivateVc pended (read-only: ``NdisLibrary.mark`` changes ``flags``)."""
        return self.flags.activation_pending

    @property
    def deactivation_pending(self) -> bool:
        """A MiniportCoDeactivateVc pended."""
        return self.flags.deactivation_pending

    @property
    def last_activation_failed(self) -> bool:
        """The most recent activation failed."""
        return self.flags.last_activation_failed

    @property
    def incoming_rejected(self) -> bool:
        """The client rejected the incoming call."""
        return self.flags.incoming_rejected

    @property
    def incoming_close_status(self) -> int | None:
        """The CloseStatus the network closed the call with, until NdisClCloseCall."""
        return self.flags.incoming_close_status

    @property
    def must_delete(self) -> bool:
        """R2.43: the client must delete the VC."""
        return self.flags.must_delete

    @property
    def call_pending(self) -> CallPending | None:
        """The call request a driver pended on this VC, if any (read-only: ``flags``)."""
        return self.flags.call_pending

    @property
    def is_mcm(self) -> bool:
        """True if the VC's call manager is an MCM."""
        return self.af is not None and self.af.registration.mcm is not None

    @property
    def client_binding(self) -> Binding | None:
        """The client's binding (None for a call manager's signaling VC)."""
        return self.af.client_binding if self.af is not None else None

    @property
    def cm_driver(self) -> Driver:
        """The call manager (or MCM) driver of the VC."""
        if self.af is not None:
            return self.af.registration.cm_driver
        assert self.cm_binding is not None
        return self.cm_binding.driver

    @property
    def cm_handlers(self) -> NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS:
        """The call manager handlers for this VC."""
        if self.af is not None:
            return self.af.registration.cm_handlers
        assert self.cm_binding is not None and self.cm_binding.protocol.cm is not None
        return self.cm_binding.protocol.cm

    def __repr__(self) -> str:
        return f"<VC {self.handle.label} {self.state.name} call={self.call_state.name}>"
