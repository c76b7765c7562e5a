"""What an application asks the client to do (in a real driver: IOCTLs from user mode).

These run as the client driver's code (``Machine.running_as``), exactly like a dispatch
routine would, and return the client's own call context so a notebook can look at it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from condis_edu.errors import HarnessError
from condis_edu.ndis import NDIS_STATUS_PENDING, NDIS_STATUS_SUCCESS, NdisClMakeCall, NdisCoCreateVc
from condis_edu.samples.client.calls import ClMakeCallComplete, drop_call
from condis_edu.samples.client.state import ClAf, ClGlobals, ClVc
from condis_edu.samples.common import call_parameters

if TYPE_CHECKING:
    from condis_edu.harness.machine import Machine

DRIVER_NAME = "client"


def _globals(machine: Machine, name: str) -> ClGlobals:
    context = machine.driver(name).context
    if not isinstance(context, ClGlobals):
        raise HarnessError(f"{name} is not the sample client")
    return context


def _open_af(globals_: ClGlobals, adapter: str | None) -> ClAf:
    for binding in globals_.bindings:
        if (
            (adapter is None or binding.adapter_name == adapter)
            and binding.af is not None
            and binding.af.state == "open"
        ):
            return binding.af
    where = f"on {adapter}" if adapter else "on any adapter"
    raise HarnessError(f"the client has no open address family {where} (did you run machine.bind_all()?)")


def make_call(
    machine: Machine, called: bytes = b"echo", adapter: str | None = None, *, driver: str = DRIVER_NAME
) -> ClVc:
    """Create a VC and call the service *called*; returns the client's call context.

    The call completes as the machine runs (``machine.run_until_idle()``); look at
    ``call.state`` (``"connected"`` once it is up) and ``call.status``.
    """
    with machine.running_as(driver):
        af = _open_af(_globals(machine, driver), adapter)
        vc = ClVc(af, outgoing=True, called=called)
        assert af.binding.NdisBindingHandle is not None and af.NdisAfHandle is not None
        Status, handle = NdisCoCreateVc(af.binding.NdisBindingHandle, af.NdisAfHandle, vc)
        if Status != NDIS_STATUS_SUCCESS or handle is None:
            vc.state, vc.status = "failed", Status
            return vc
        vc.NdisVcHandle = handle
        af.vcs.append(vc)
        vc.state = "calling"
        params = call_parameters(called)
        Status, party = NdisClMakeCall(handle, params, None)
        if Status != NDIS_STATUS_PENDING:
            ClMakeCallComplete(Status, vc, party, params)
        return vc


def close_call(machine: Machine, call: ClVc, *, driver: str = DRIVER_NAME) -> None:
    """Hang up *call*; the client deletes its VC when the close completes."""
    with machine.running_as(driver):
        if call.state != "connected":
            raise HarnessError(f"the call is {call.state}, not connected")
        drop_call(call)


def active_calls(machine: Machine, *, driver: str = DRIVER_NAME) -> list[ClVc]:
    """Every call the client currently knows about, outgoing and incoming."""
    globals_ = _globals(machine, driver)
    return [vc for binding in globals_.bindings if binding.af is not None for vc in binding.af.vcs]
