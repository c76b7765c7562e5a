"""A call over the loopback NIC: miniport, stand-alone call manager and client.

Run it with ``python examples/loopback_call.py``; its output is checked against
``loopback_call.out`` by ``tests/engine/test_examples.py``.
"""

from condis_edu import Machine
from condis_edu.samples import call_manager, client, loopback_miniport

m = Machine()
m.load_driver(loopback_miniport)  # DriverEntry -> NdisMRegisterMiniportDriver -> MiniportSetOptions
m.load_driver(call_manager)
m.load_driver(client)
nic = m.start_adapter("loopback_miniport")  # MiniportInitializeEx, then MiniportRestart
m.bind_all()  # ProtocolBindAdapterEx, AF registration, AF open, SAP registration
print(f"{nic.name} is {nic.state.name}; bindings: {[b.handle.label for b in nic.bindings]}")

mark = len(m.trace)
call = client.make_call(m, b"echo")  # NdisCoCreateVc + NdisClMakeCall
m.run_until_idle()
print(f"call: {call}")
print(f"the client now has: {client.active_calls(m)}")
print()
print(m.trace.to_mermaid(start=mark, hide=Machine.WORK_ITEM_DDIS))
print()

mark = len(m.trace)
client.close_call(m, call)
m.run_until_idle(audit=True)
print(f"after close: {client.active_calls(m)}, findings: {m.findings}")
print(m.trace.to_text(start=mark))
