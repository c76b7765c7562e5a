"""What the harness asks of the LAN-emulation IM."""

from __future__ import annotations

from typing import TYPE_CHECKING

from condis_edu.samples.client import app as cl_app
from condis_edu.samples.client.state import ClVc
from condis_edu.samples.lane_im.state import SERVICE, LaneAdapter, LaneGlobals

if TYPE_CHECKING:
    from condis_edu.harness.machine import Machine

DRIVER_NAME = "lane_im"


def connect(machine: Machine, adapter: str | None = None) -> ClVc:
    """Make the call to the ``lane`` service that carries the emulated LAN (the IM answers it)."""
    return cl_app.make_call(machine, SERVICE, adapter, driver=DRIVER_NAME)


def virtual_adapter(machine: Machine, index: int = 0) -> LaneAdapter:
    """The IM's context for its *index*-th virtual miniport."""
    globals_ = machine.driver(DRIVER_NAME).context
    assert isinstance(globals_, LaneGlobals)
    return globals_.adapters[index]
