"""The benchmark's real path: the sample loopback miniport, call manager and client.

``make_case(mode, chain_length)`` builds a machine, makes one call, prepares one chain of
pooled NBLs and returns a ``bench.Case`` whose ``send_many(rounds)`` sends that chain
*rounds* times as the client (``NdisCoSendNetBufferLists``). The miniport completes inline
and does not echo (``complete="inline"``, ``echo=False``), so each send is exactly: NDIS ->
MiniportCoSendNetBufferLists (walk, set Status, NdisMCoSendNetBufferListsComplete) -> NDIS ->
the client's ProtocolCoSendNetBufferListsComplete (count each status). The floor calls that
same completion handler directly.
"""

from __future__ import annotations

from condis_edu.bench.case import Case, CompletionHandler
from condis_edu.harness.machine import Machine
from condis_edu.ndis import NET_BUFFER_LIST, NdisCoSendNetBufferLists
from condis_edu.samples import call_manager, client, loopback_miniport
from condis_edu.samples.client import data as cl_data
from condis_edu.samples.loopback_miniport import datapath as mp_data

__all__ = ["make_case"]


def make_case(mode: str, chain_length: int) -> tuple[Case, NET_BUFFER_LIST, CompletionHandler, object]:
    """A ready-to-run case for *mode* (``"verifier"`` or ``"trace"``) and *chain_length*."""
    m = Machine(trace=(mode == "trace"), step_budget=1_000_000)
    m.load_driver(loopback_miniport)
    m.load_driver(call_manager)
    m.load_driver(client)
    nic = m.start_adapter("loopback_miniport")
    settings = mp_data.settings(nic)
    settings.complete, settings.echo = "inline", False
    m.bind_all()
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    if call.state != "connected":  # pragma: no cover - the samples always connect
        raise RuntimeError(f"benchmark call did not connect: {call}")
    data = cl_data.data_of(call)
    data.recycle = False
    with m.running_as("client"):
        head = cl_data.build_chain(call, chain_length, b"")
    assert head is not None and call.NdisVcHandle is not None
    handle = call.NdisVcHandle
    trace = m.trace

    def send_many(rounds: int) -> None:
        with m.running_as("client"):
            send = NdisCoSendNetBufferLists
            for _ in range(rounds):
                send(handle, head, 0)
        if trace.enabled:
            trace.events.clear()  # keep memory flat between timed runs; the cost per event stays

    def completed() -> int:
        return sum(data.completed.values())

    complete: CompletionHandler = cl_data.ClCoSendNetBufferListsComplete  # type: ignore[assignment]
    return Case(chain_length, send_many, completed), head, complete, call
