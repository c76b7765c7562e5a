"""Three classic mistakes, caught by the verifier in ``collect`` mode.

1. A miniport whose MiniportCoCreateVc returns NDIS_STATUS_PENDING (R2.09, a bug check).
2. A call manager that completes an outgoing call before activating the VC (R2.15).
3. A client that deletes a VC it did not create (R2.05).

In the default ``strict`` mode the first one would stop the machine with a bug check.
"""

from condis_edu import Machine
from condis_edu.ndis import NDIS_STATUS_PENDING, NDIS_STATUS_SUCCESS, NdisCoDeleteVc
from condis_edu.samples import call_manager, client, loopback_miniport
from condis_edu.samples.call_manager.state import CmVc

m = Machine(verifier="collect")
for driver in (loopback_miniport, call_manager, client):
    m.load_driver(driver)
m.start_adapter("loopback_miniport")
m.bind_all()

# 1. Break the miniport: MiniportCoCreateVc pends.
miniport = m.driver("loopback_miniport").miniports[0]
assert miniport.co is not None
good_create = miniport.co.CoCreateVcHandler
miniport.co.CoCreateVcHandler = lambda MiniportAdapterContext, NdisVcHandle: (NDIS_STATUS_PENDING, None)
failed = client.make_call(m, b"echo")
print(f"1. make_call -> {failed.state}, status 0x{failed.status or 0:08x}")
miniport.co.CoCreateVcHandler = good_create

# 2. Break the call manager: complete the make-call without activating the VC.
protocol = m.driver("call_manager").protocol
assert protocol is not None and protocol.cm is not None
good_offer = protocol.cm.CmMakeCallHandler


def HastyMakeCall(CallMgrVcContext: CmVc, CallParameters: object, NdisPartyHandle: object) -> tuple[int, None]:
    """Claims the call is up without activating the VC first."""
    return NDIS_STATUS_SUCCESS, None


protocol.cm.CmMakeCallHandler = HastyMakeCall
hasty = client.make_call(m, b"echo")
m.run_until_idle()
print(f"2. make_call -> {hasty.state}")
protocol.cm.CmMakeCallHandler = good_offer

# 3. Break the client: it deletes the call manager's VC of an incoming call.
call = client.make_call(m, b"echo")
m.run_until_idle()
incoming = next(c for c in client.active_calls(m) if not c.outgoing)
with m.running_as("client"):
    assert incoming.NdisVcHandle is not None
    status = NdisCoDeleteVc(incoming.NdisVcHandle)
print(f"3. NdisCoDeleteVc -> 0x{status:08x}")

print()
for finding in m.findings:
    print(finding)
    print()
