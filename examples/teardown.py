"""Taking everything down in order: a call manager leaving while a client uses its AF.

Unloading the call manager first makes NDIS unbind it; it asks the client to close the
address family (NdisCmNotifyCloseAddressFamily, R2.47), and the client closes its call,
deletes its VC, deregisters its SAP and closes the AF (R2.46) before the binding goes.
"""

from condis_edu import Machine
from condis_edu.samples import call_manager, client, loopback_miniport

m = Machine()
for driver in (loopback_miniport, call_manager, client):
    m.load_driver(driver)
nic = m.start_adapter("loopback_miniport")
m.bind_all()
call = client.make_call(m, b"echo")
m.run_until_idle()
print(f"before: {client.active_calls(m)}")

mark = len(m.trace)
m.unload_driver("call_manager")
print(f"after unloading the call manager: calls={client.active_calls(m)}, bindings={nic.bindings}")
print(m.trace.to_text(start=mark, hide=Machine.WORK_ITEM_DDIS))

m.unload_driver("client")
m.halt_adapter(nic)
m.unload_driver("loopback_miniport")
m.audit()
print(f"drivers left: {m.drivers}, adapters left: {m.adapters}, findings: {m.findings}")
