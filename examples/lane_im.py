"""A LAN-emulation intermediate driver over the loopback CoNDIS miniport.

The IM registers a virtual miniport (NDIS_INTERMEDIATE_DRIVER) and a CoNDIS client edge;
binding to the loopback NIC it calls NdisIMInitializeDeviceInstanceEx with the
NdisMiniportDriverHandle it kept, and NDIS starts ``lane0``. A small connectionless protocol
(``ethproto``) binds to ``lane0`` and sends frames; the IM carries them over a CoNDIS call,
the loopback NIC echoes them, and they come back up. Pausing the NIC pauses ``lane0`` first.

Run it with ``python examples/lane_im.py``; its output is checked against ``lane_im.out``.
"""

from condis_edu import Machine
from condis_edu.ndis import status_name
from condis_edu.samples import call_manager, ethproto, lane_im, loopback_miniport

m = Machine()
for driver in (loopback_miniport, call_manager, lane_im, ethproto):
    m.load_driver(driver)
nic = m.start_adapter("loopback_miniport")
m.bind_all()  # lane_im binds to loopback0 and asks for its virtual miniport: NDIS starts lane0
call = lane_im.connect(m)  # the call that carries the emulated LAN
m.run_until_idle()
m.bind_all()  # ethproto finds lane0 (802.3) and binds to it
print("adapters:", [(a.name, a.state.name) for a in m.adapters])
print("bindings:", [(b.protocol.driver.name, b.adapter.name) for a in m.adapters for b in a.bindings])
print("lane call:", call)

mark = len(m.trace)
ethproto.send_frames(m, [b"hello", b"world"])
m.run_until_idle()
print()
print(m.trace.to_text(start=mark, hide=Machine.WORK_ITEM_DDIS))
print()

m.pause_adapter(nic)  # NDIS pauses lane0 first, then loopback0
print("paused:", [(a.name, a.state.name) for a in m.adapters])
ethproto.send_frames(m, [b"while paused"])
m.run_until_idle()
m.restart_adapter(nic)  # loopback0 first, then lane0
print("restarted:", [(a.name, a.state.name) for a in m.adapters])
ethproto.send_frames(m, [b"again"])
m.run_until_idle()

stats = ethproto.statistics(m)
print("ethproto sent", stats["sent"], "completed", {status_name(k): v for k, v in stats["completed"].items()})  # type: ignore[attr-defined]
print("ethproto received", stats["received"])
m.halt_adapter(nic)  # unbinding lane_im removes lane0 (NdisIMDeInitializeDeviceInstance)
print("after halt:", [(a.name, a.state.name) for a in m.adapters], "findings:", m.findings)
