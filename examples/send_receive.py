"""The CoNDIS data path in one page: a send, its completion, the echo, the return.

The client sends a chain of three NBLs on its call; the loopback miniport completes them
and echoes each packet back on the same VC; the client copies the data and returns the
receive NBLs. Every hand-off moves ownership, and the trace shows each one. Then the
miniport, built by ``condis_edu.testing.miniport_driver`` with a send handler that keeps a
pointer to every NBL it is given, completes an NBL a second time: in ``collect`` mode the
verifier records R3.12 and NDIS refuses the call, so the client still sees each NBL exactly once.

Run it with ``python examples/send_receive.py``; its output is checked against
``send_receive.out``.
"""

from condis_edu.ndis import NDIS_MINIPORT_CO_CHARACTERISTICS, NET_BUFFER_LIST, NdisMCoSendNetBufferListsComplete
from condis_edu.samples import client
from condis_edu.samples.client import data as cl_data
from condis_edu.samples.loopback_miniport import datapath as mp_data
from condis_edu.samples.loopback_miniport.state import LoopbackVc
from condis_edu.testing import loopback_machine, miniport_driver

# The loopback miniport, except that its send handler keeps a pointer to each NBL it is
# given: the bug the second half of this page shows.
kept: list[NET_BUFFER_LIST] = []


def leaky_send(MiniportVcContext: LoopbackVc, NetBufferLists: NET_BUFFER_LIST, SendFlags: int) -> None:
    kept.append(NetBufferLists)
    mp_data.MPCoSendNetBufferLists(MiniportVcContext, NetBufferLists, SendFlags)


def keep_pointers(co: NDIS_MINIPORT_CO_CHARACTERISTICS) -> None:
    co.CoSendNetBufferListsHandler = leaky_send


m, _ = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=keep_pointers))
call = client.make_call(m, b"echo")
m.run_until_idle()

mark = len(m.trace)
with m.running_as("client"):
    head = cl_data.build_chain(call, 3, b"ping")
    assert head is not None
    cl_data.send_chain(call, head)
m.run_until_idle()
print(m.trace.to_text(start=mark))
print()
print("client:", cl_data.data_of(call).statistics())
print("echoed bytes:", bytes(cl_data.data_of(call).received_bytes))
print()

# The miniport completes twice: it kept a pointer to the NBL after completing it.
with m.running_as("client"):
    again = cl_data.build_chain(call, 1, b"once")
    assert again is not None
    cl_data.send_chain(call, again)
assert call.NdisVcHandle is not None
with m.running_as("loopback_miniport"):
    NdisMCoSendNetBufferListsComplete(call.NdisVcHandle, kept[-1], 0)  # use after complete
for finding in m.findings:
    print(finding.message())
print()
print("client:", cl_data.data_of(call).statistics())
