"""What an application asks ethproto to do: send frames, read the statistics.

These run as the driver's code (``Machine.running_as``), as a dispatch routine would.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from condis_edu.ndis import (
    NET_BUFFER_LIST,
    NET_BUFFER_LIST_POOL_PARAMETERS,
    NdisAllocateNetBufferAndNetBufferList,
    NdisAllocateNetBufferListPool,
    NdisSendNetBufferLists,
    fill_header,
)
from condis_edu.samples.ethproto.driver import DRIVER_NAME, FRAME_SIZE, EthBinding, EthGlobals

if TYPE_CHECKING:
    from condis_edu.harness.machine import Machine


def _binding(machine: Machine, adapter: str | None) -> EthBinding:
    globals_ = machine.driver(DRIVER_NAME).context
    assert isinstance(globals_, EthGlobals)
    for binding in globals_.bindings:
        if adapter is None or binding.adapter_name == adapter:
            return binding
    raise LookupError(f"{DRIVER_NAME} is not bound to {adapter or 'any adapter'}")


def send_frames(machine: Machine, frames: list[bytes], adapter: str | None = None) -> None:
    """Send *frames* in one chain (as the protocol's code would, from a send request)."""
    binding = _binding(machine, adapter)
    with machine.running_as(DRIVER_NAME):
        assert binding.NdisBindingHandle is not None
        if binding.pool is None:
            params = NET_BUFFER_LIST_POOL_PARAMETERS(fAllocateNetBuffer=True, DataSize=FRAME_SIZE)
            fill_header(params)
            binding.pool = NdisAllocateNetBufferListPool(binding.NdisBindingHandle, params)
        nbls: list[NET_BUFFER_LIST] = []
        for frame in frames:
            nbl = binding.free.pop() if binding.free else None
            if nbl is None:
                assert binding.pool is not None
                nbl = NdisAllocateNetBufferAndNetBufferList(binding.pool, 0, 0, None, 0, 0)
                assert nbl is not None
            nb = nbl.FirstNetBuffer
            assert nb is not None and nb.MdlChain is not None
            nb.MdlChain.MappedSystemVa[: len(frame)] = frame
            nb.DataLength = len(frame)
            nbl.SourceHandle = binding.NdisBindingHandle
            nbls.append(nbl)
        for a, b in pairwise(nbls):
            a.Next = b
        nbls[-1].Next = None
        binding.sent += len(nbls)
        NdisSendNetBufferLists(binding.NdisBindingHandle, nbls[0], 0, 0)


def statistics(machine: Machine, adapter: str | None = None) -> dict[str, object]:
    """What the protocol sent, got back and received."""
    binding = _binding(machine, adapter)
    return {"sent": binding.sent, "completed": dict(sorted(binding.completed.items())), "received": binding.received}
