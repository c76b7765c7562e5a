"""The CoNDIS data path in one page: a send, its completion, the echo, the return.

The client sends a chain of three NBLs on its call; the loopback miniport completes them
and echoes each packet back on the same VC; the client copies the data and returns the
receive NBLs. Every hand-off moves ownership, and the trace shows each one. Then a broken
miniport completes an NBL a second time: in ``collect`` mode the verifier records R3.12 and
NDIS refuses the call, so the client still sees each NBL exactly once.

Run it with ``python examples/send_receive.py``; its output is checked against
``send_receive.out``.
"""

from condis_edu import Machine
from condis_edu._library.ddi.datapath import forget_path
from condis_edu.ndis import NET_BUFFER_LIST, NdisMCoSendNetBufferListsComplete
from condis_edu.samples import call_manager, client, loopback_miniport
from condis_edu.samples.client import data as cl_data
from condis_edu.samples.loopback_miniport import datapath as mp_data
from condis_edu.samples.loopback_miniport.state import LoopbackVc

m = Machine(verifier="collect")
for driver in (loopback_miniport, call_manager, client):
    m.load_driver(driver)
nic = m.start_adapter("loopback_miniport")
m.bind_all()
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

# A miniport that completes twice: it keeps a pointer to an NBL after completing it.
kept: list[NET_BUFFER_LIST] = []


def leaky_send(MiniportVcContext: LoopbackVc, NetBufferLists: NET_BUFFER_LIST, SendFlags: int) -> None:
    kept.append(NetBufferLists)
    mp_data.MPCoSendNetBufferLists(MiniportVcContext, NetBufferLists, SendFlags)


assert nic.miniport.co is not None
nic.miniport.co.CoSendNetBufferListsHandler = leaky_send
forget_path(nic.vcs[0])  # the data path re-reads the (patched) handler table
with m.running_as("client"):
    again = cl_data.build_chain(call, 1, b"once")
    assert again is not None
    cl_data.send_chain(call, again)
assert call.NdisVcHandle is not None
with m.running_as("loopback_miniport"):
    NdisMCoSendNetBufferListsComplete(call.NdisVcHandle, kept[0], 0)  # use after complete
for finding in m.findings:
    print(finding.message())
print()
print("client:", cl_data.data_of(call).statistics())
