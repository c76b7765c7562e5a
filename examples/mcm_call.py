"""A call through a miniport call manager (MCM) instead of a stand-alone call manager.

The client is the same driver as in ``loopback_call.py``; only the call manager changed.
Compare the diagrams: no MiniportCoActivateVc, and the NdisMCmXxx forms of the DDIs.
"""

from condis_edu import Machine
from condis_edu.samples import client, mcm

m = Machine()
m.load_driver(mcm)
m.load_driver(client)
m.start_adapter("mcm")
m.bind_all()

mark = len(m.trace)
call = client.make_call(m, b"echo")
m.run_until_idle()
print(f"call: {call}")
print(m.trace.to_mermaid(start=mark, hide=Machine.WORK_ITEM_DDIS))

client.close_call(m, call)
m.run_until_idle(audit=True)
print(f"after close: {client.active_calls(m)}, findings: {m.findings}")
