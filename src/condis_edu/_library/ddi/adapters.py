"""Adapter-side DDIs: attributes, pause/restart completion, and NDIS work items.

Pages:
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismsetminiportattributes,
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismpausecomplete,
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismrestartcomplete,
https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisqueueioworkitem.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from condis_edu._library.core import WORK_ITEM_SPEC, NdisLibrary, library_of
from condis_edu._library.ddi.common import copy_structure, require_type
from condis_edu._library.headers import TYPE_TO_CLASS, header_problem
from condis_edu._library.objects import Adapter, Driver
from condis_edu._library.pnp import finish_pause, finish_restart
from condis_edu._library.states.adapter import AdapterState
from condis_edu.errors import HarnessError
from condis_edu.mirror.handles import NDIS_HANDLE, retarget
from condis_edu.mirror.status import (
    NDIS_STATUS,
    NDIS_STATUS_FAILURE,
    NDIS_STATUS_INVALID_PARAMETER,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
)
from condis_edu.mirror.structures import (
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES,
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES,
)


def NdisMSetMiniportAttributes(NdisMiniportHandle: NDIS_HANDLE, MiniportAttributes: object) -> NDIS_STATUS:
    """Give NDIS the adapter's attributes from MiniportInitializeEx.

    NDIS contract:
        Called during MiniportInitializeEx; registration attributes (which carry the
        MiniportAdapterContext) come first. NDIS reads ``Header.Type`` to know which
        attribute structure it got; a malformed header is a bug check (R6.12).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismsetminiportattributes
    """
    ddi = "NdisMSetMiniportAttributes"
    lib, adapter = library_of(NdisMiniportHandle, ("adapter",), "NdisMiniportHandle", ddi)
    return lib.ddi(adapter.driver.name, ddi, (NdisMiniportHandle,), _set_attributes, lib, adapter, MiniportAttributes)


def _set_attributes(lib: NdisLibrary, adapter: Adapter, attributes: Any) -> NDIS_STATUS:
    ddi = "NdisMSetMiniportAttributes"
    require_type(
        attributes,
        (NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES, NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES),
        "MiniportAttributes",
        ddi,
    )
    if adapter.state is not AdapterState.INITIALIZING:
        return NDIS_STATUS_FAILURE
    problem = header_problem(attributes)
    if problem is None and TYPE_TO_CLASS.get(attributes.Header.Type) is not type(attributes):
        problem = "Header.Type does not match the structure"
    if problem is not None:
        lib.report("R6.12", adapter.driver, ddi, problem)
        return NDIS_STATUS_INVALID_PARAMETER
    if isinstance(attributes, NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES):
        adapter.registration = copy_structure(attributes)
        adapter.context = attributes.MiniportAdapterContext
    else:
        if adapter.registration is None:
            return NDIS_STATUS_INVALID_PARAMETER  # registration attributes must come first
        adapter.general = copy_structure(attributes)
    return NDIS_STATUS_SUCCESS


def NdisMPauseComplete(MiniportAdapterHandle: NDIS_HANDLE) -> None:
    """Finish a pause that MiniportPause pended.

    NDIS contract:
        Exactly once, only after MiniportPause returned PENDING (R5.18); a stray call is
        bug check 0x7C (R5.27).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismpausecomplete
    """
    ddi = "NdisMPauseComplete"
    lib, adapter = library_of(MiniportAdapterHandle, ("adapter",), "MiniportAdapterHandle", ddi)
    lib.ddi(adapter.driver.name, ddi, (MiniportAdapterHandle,), _pause_complete, lib, adapter)


def _pause_complete(lib: NdisLibrary, adapter: Adapter) -> None:
    if not adapter.pause_pending:
        lib.report("R5.27", adapter.driver, "NdisMPauseComplete", "no pause is pending on " + adapter.name)
        return
    lib.mark(adapter, pause_pending=False)

    finish_pause(lib, adapter, "NdisMPauseComplete")


def NdisMRestartComplete(MiniportAdapterHandle: NDIS_HANDLE, Status: NDIS_STATUS) -> None:
    """Finish a restart that MiniportRestart pended.

    NDIS contract:
        Only after MiniportRestart returned PENDING; Status is SUCCESS, RESOURCES or
        FAILURE (R5.23); a stray call is bug check 0x7C (R5.27).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismrestartcomplete
    """
    ddi = "NdisMRestartComplete"
    lib, adapter = library_of(MiniportAdapterHandle, ("adapter",), "MiniportAdapterHandle", ddi)
    lib.ddi(adapter.driver.name, ddi, (Status, MiniportAdapterHandle), _restart_complete, lib, adapter, Status)


def _restart_complete(lib: NdisLibrary, adapter: Adapter, status: int) -> None:

    if not adapter.restart_pending:
        lib.report("R5.27", adapter.driver, "NdisMRestartComplete", "no restart is pending on " + adapter.name)
        return
    finish_restart(lib, adapter, status, "NdisMRestartComplete")


# ------------------------------------------------------------------------------------- work items
class WorkItem:
    """What an NdisIoWorkItemHandle points at."""

    def __init__(self, handle: NDIS_HANDLE, owner: Driver) -> None:
        self.handle = handle
        self.owner = owner
        self.queued = False


def _owner_of(target: object) -> Driver:
    driver = getattr(target, "driver", None)
    assert isinstance(driver, Driver)
    return driver


def NdisAllocateIoWorkItem(NdisObjectHandle: NDIS_HANDLE) -> NDIS_HANDLE:
    """Allocate a work item for a driver's deferred PASSIVE_LEVEL work; returns its handle.

    NDIS contract:
        *NdisObjectHandle* is a miniport adapter, binding, or driver handle.
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisallocateioworkitem
    """
    ddi = "NdisAllocateIoWorkItem"
    lib, target = library_of(
        NdisObjectHandle, ("adapter", "binding", "miniport-driver", "protocol-driver"), "NdisObjectHandle", ddi
    )
    owner = _owner_of(target)

    def allocate() -> NDIS_HANDLE:
        handle = lib.handles.mint("workitem", None)
        retarget(handle, WorkItem(handle, owner))
        return handle

    return lib.ddi(owner.name, ddi, (NdisObjectHandle,), allocate)


def NdisQueueIoWorkItem(
    NdisIoWorkItemHandle: NDIS_HANDLE, Routine: Callable[[Any, NDIS_HANDLE], None], WorkItemContext: object
) -> None:
    """Queue *Routine(WorkItemContext, NdisIoWorkItemHandle)* to run later on the scheduler.

    NDIS contract:
        The routine runs at PASSIVE_LEVEL in a system thread; here, when the scheduler
        reaches it (after everything already queued).
        https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisqueueioworkitem
    """
    ddi = "NdisQueueIoWorkItem"
    lib, item = library_of(NdisIoWorkItemHandle, ("workitem",), "NdisIoWorkItemHandle", ddi)
    if not callable(Routine):
        raise HarnessError(f"{ddi}: Routine must be a function, got {type(Routine).__name__}")
    if item.queued:
        raise HarnessError(f"{ddi}: {NdisIoWorkItemHandle.label} is already queued (allocate one work item per job)")

    def queue() -> None:
        item.queued = True
        spec = WORK_ITEM_SPEC
        name = getattr(Routine, "__name__", "routine")

        def run() -> None:
            item.queued = False
            if NdisIoWorkItemHandle.alive:
                lib.upcall(item.owner, spec, Routine, (WorkItemContext, NdisIoWorkItemHandle), (name,))

        lib.schedule(f"work item {name} ({item.owner.name})", run, delay=1)

    lib.ddi(item.owner.name, ddi, (NdisIoWorkItemHandle,), queue)


def NdisFreeIoWorkItem(NdisIoWorkItemHandle: NDIS_HANDLE) -> None:
    """Free a work item allocated with NdisAllocateIoWorkItem.

    https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisfreeioworkitem
    """
    ddi = "NdisFreeIoWorkItem"
    lib, item = library_of(NdisIoWorkItemHandle, ("workitem",), "NdisIoWorkItemHandle", ddi)
    lib.ddi(item.owner.name, ddi, (NdisIoWorkItemHandle,), lib.kill, NdisIoWorkItemHandle, "NdisFreeIoWorkItem")


_ = NDIS_STATUS_PENDING
