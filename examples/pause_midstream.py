"""Send 10,000 NBLs over a VC, pause the adapter mid-stream, restart it: nothing is lost.

The loopback miniport completes sends from a work item, 16 NBLs at a time, and echoes every
packet back as a receive. Halfway through, the adapter is paused while the client is still
holding some echoed NBLs: MiniportPause transmits what is queued and pends, and the pause
completes only once those NBLs are back (R5.19). Sends that reach NDIS
while the adapter is Pausing, Paused or Restarting are completed by NDIS itself with
NDIS_STATUS_PAUSED (Q2). At the end every NBL the client sent came back exactly once.

Run it with ``python examples/pause_midstream.py``; ``tests/engine/test_examples.py`` checks
its output against ``pause_midstream.out``.
"""

from condis_edu import Machine
from condis_edu.ndis import status_name
from condis_edu.samples import call_manager, client, loopback_miniport
from condis_edu.samples.client import data as cl_data
from condis_edu.samples.loopback_miniport import datapath as mp_data

TOTAL, CHAIN = 10_000, 8
PAUSE_AT, RESTART_AT = 4_000, 6_000

m = Machine(trace=False, step_budget=100_000)
m.load_driver(loopback_miniport)
m.load_driver(call_manager)
m.load_driver(client)
nic = m.start_adapter("loopback_miniport")
nic_data = mp_data.settings(nic)
nic_data.complete, nic_data.batch = "deferred", 16
m.bind_all()
call = client.make_call(m, b"echo")
m.run_until_idle()

sent = 0
while sent < TOTAL:
    with m.running_as("client"):
        head = cl_data.build_chain(call, CHAIN, b"frame %05d" % sent)
        assert head is not None
        sent += cl_data.send_chain(call, head)
    m.step()  # the NIC gets a little time between sends
    if sent == PAUSE_AT - 4 * CHAIN:
        cl_data.data_of(call).hold_receives = True  # the client sits on the next echoes for a while
    if sent == PAUSE_AT:
        m.pause_adapter(nic, run=False)
        m.run_until_idle()
        print(f"after {sent} NBLs: pause requested; adapter {nic.state.name}, "
              f"{nic.outstanding_receives} echoed NBLs still with the client")
        with m.running_as("client"):
            cl_data.data_of(call).hold_receives = False
            cl_data.release_receives(call)
        m.run_until_idle()
        print(f"after {sent} NBLs: receives returned; adapter {nic.state.name}")
    if sent == RESTART_AT:
        m.run_until_idle()
        print(f"after {sent} NBLs: adapter {nic.state.name}, restarting")
        m.restart_adapter(nic)  # MiniportRestart pends; run until NdisMRestartComplete
        print(f"after {sent} NBLs: adapter {nic.state.name}")
m.run_until_idle()

stats = cl_data.data_of(call).statistics()
print(f"adapter {nic.state.name}; NBLs sent {stats['sent']}, completions {stats['completions']}")
for status, count in stats["completed"].items():  # type: ignore[attr-defined]
    print(f"  {status_name(status)}: {count}")
print(f"in flight {stats['in_flight']}, completed twice {stats['duplicates']}, never sent {stats['strangers']}")
print(f"echoed receives {stats['received']}, NDIS outstanding sends/receives: "
      f"{nic.outstanding_sends}/{nic.outstanding_receives}")
print(f"every NBL came back exactly once: {stats['completions'] == TOTAL and stats['duplicates'] == 0}")
print(f"verifier findings: {m.findings}")
