# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Call managers, clients and MCMs
#
# A CoNDIS miniport never decides on its own to open a connection. Calls are set up by a
# **call manager**, on behalf of a **client**, and the miniport carries out what the call manager
# asks of it: activate this VC with these parameters, deactivate that one. This notebook follows
# one call from the moment the call manager announces its address family to the moment the last
# VC is deleted, and asks at each step: who does this, and why them?
#
# **After this notebook you can**
#
# - describe what an address family (AF) and a service access point (SAP) are for, and how a
#   client gets to use them;
# - follow an outgoing call and an incoming call through their VCs, in a trace;
# - say who creates, activates, deactivates and deletes each VC;
# - tell what changes when the call manager is built into the miniport (an MCM).
#
# Microsoft's pages:
# [Address families](https://learn.microsoft.com/windows-hardware/drivers/network/address-families),
# [Registering and opening an address family](https://learn.microsoft.com/windows-hardware/drivers/network/registering-and-opening-an-address-family),
# [Making a call](https://learn.microsoft.com/windows-hardware/drivers/network/making-a-call),
# [Activating a VC](https://learn.microsoft.com/windows-hardware/drivers/network/activating-a-vc),
# [Client-initiated request to close a call](https://learn.microsoft.com/windows-hardware/drivers/network/client-initiated-request-to-close-a-call),
# [MCM drivers vs. call managers](https://learn.microsoft.com/windows-hardware/drivers/network/mcm-drivers-vs--call-managers).

# %% [markdown]
# ## Three roles
#
# | Driver | Is a | Its job in a call |
# |---|---|---|
# | **client** (here `client`) | protocol driver | asks for calls (`NdisClMakeCall`), accepts incoming ones, sends and receives data |
# | **call manager** (here `call_manager`) | protocol driver | signals with the network, activates and deactivates VCs |
# | **miniport** (here `loopback_miniport`) | miniport driver | prepares its hardware for each VC the call manager activates, and carries the data |
#
# The samples' "network" is a loopback: when the client calls the service `echo`, the call
# manager offers that call back to whichever client registered a SAP called `echo`. The sample
# client registers exactly that SAP, so one call shows both sides: an **outgoing** call and the
# **incoming** call that answers it.

# %%
from condis_edu import Machine
from condis_edu.exercises import check
from condis_edu.ndis import *  # noqa: F403
from condis_edu.samples import call_manager, client, loopback_miniport, mcm

machine = Machine()
for driver in (loopback_miniport, call_manager, client):
    machine.load_driver(driver)
nic = machine.start_adapter("loopback_miniport")
machine.bind("call_manager", nic)
print(nic, nic.bindings)

# %% [markdown]
# ## Address families and SAPs
#
# An **address family** is a kind of signaling a call manager offers on one adapter. When the
# call manager binds to the adapter, it registers its AF with `NdisCmRegisterAddressFamilyEx`.
# From then on, NDIS tells every client that binds to the same adapter, through the client's
# `ProtocolCoAfRegisterNotify`. A client that understands the AF opens it
# (`NdisClOpenAddressFamilyEx`); the call manager sees that as `ProtocolCmOpenAf`. Through the
# open AF the client then registers **SAPs**: the addresses it answers incoming calls on.
#
# The call manager is bound already and its AF registered. Now the client binds:

# %%
start = len(machine.trace)
machine.bind("client", nic)
machine.trace.sequence(start, title="A client binds, opens the AF and registers a SAP")

# %% [markdown]
# ## An outgoing call
#
# The client makes a call in two steps: it creates a VC (notebook 3), then asks for a call on it
# with `NdisClMakeCall`. The call manager does the signaling; in the samples that takes a work
# item, so `ProtocolCmMakeCall` pends. When signaling succeeds, the call manager **activates**
# the VC: `NdisCmActivateVc` reaches the miniport's `MiniportCoActivateVc`, which prepares the
# hardware (it pends too, and finishes with `NdisMCoActivateVcComplete`). Only then does the call
# manager complete the call with `NdisCmMakeCallComplete`, and the client learns the call is up.
#
# On the way, the loopback network offers the call to the `echo` SAP: the call manager creates a
# second VC, activates it *first*, and only then dispatches the incoming call to the client.
#
# The samples do their deferred work in NDIS work items; the diagrams leave out the work-item
# bookkeeping calls (`hide=Machine.WORK_ITEM_DDIS`) so the CoNDIS calls stand out. The work item
# itself still shows, as `NDIS_IO_WORKITEM_ROUTINE`.

# %%
start = len(machine.trace)
call = client.make_call(machine, b"echo")
machine.run_until_idle()
print("outgoing call:", call.state)
for vc in nic.vcs:
    print(" ", vc, "created by", vc.creator)
machine.trace.sequence(start, title="Making a call (and receiving it on the loopback)", hide=Machine.WORK_ITEM_DDIS)

# %% [markdown]
# ## Closing the call
#
# The client hangs up with `NdisClCloseCall`. The call manager signals, then **deactivates** the
# VC (`NdisCmDeactivateVc`, which reaches `MiniportCoDeactivateVc`), and completes the close
# with `NdisCmCloseCallComplete`. The VC still exists: deactivation only stops data. It is the
# client's to delete, because the client created it, and it does so from its
# `ProtocolClCloseCallComplete`.
#
# The other end sees an incoming close (`ProtocolClIncomingCloseCall`): it closes its side, the
# call manager deactivates that VC, and the call manager, which created it, deletes it.

# %%
start = len(machine.trace)
client.close_call(machine, call)
machine.run_until_idle()
print("outgoing call:", call.state, "| VCs left:", nic.vcs)
machine.trace.sequence(start, title="Closing the call", hide=Machine.WORK_ITEM_DDIS)

# %% [markdown]
# ## Who did what, from the trace
#
# The trace records every call each driver made. Reading it back, VC by VC, gives the rule this
# notebook is about:

# %%
import re

from condis_edu import EventKind

STEPS = {
    "NdisCoCreateVc": "created", "NdisMCmCreateVc": "created",
    "NdisCmActivateVc": "activated", "NdisMCmActivateVc": "activated",
    "NdisCmDeactivateVc": "deactivated", "NdisMCmDeactivateVc": "deactivated",
    "NdisCoDeleteVc": "deleted", "NdisMCmDeleteVc": "deleted",
}


def who_did_what(trace):
    returns = {e.call_seq: e.result for e in trace if e.kind is EventKind.RETURN}
    table = {}
    for e in trace:
        if e.kind is not EventKind.CALL or e.name not in STEPS:
            continue
        result = returns.get(e.seq, "")
        if not result.startswith(("NDIS_STATUS_SUCCESS", "NDIS_STATUS_PENDING")):
            continue  # refused: nothing happened
        where = result if STEPS[e.name] == "created" else e.args
        vc = re.search(r"vc#\d+", where).group()
        table.setdefault(vc, {})[STEPS[e.name]] = f"{e.source} ({e.name})"
    for vc, steps in table.items():
        print(vc)
        for step in ("created", "activated", "deactivated", "deleted"):
            print(f"  {step:<12}{steps.get(step, '-')}")


who_did_what(machine.trace)

# %% [markdown]
# | | outgoing call's VC | incoming call's VC | call manager's signaling VC |
# |---|---|---|---|
# | **creates** | client | call manager | call manager |
# | **activates, deactivates** | call manager | call manager | call manager |
# | **deletes** | client (the creator) | call manager (the creator) | call manager |
#
# The miniport appears nowhere in that list: it creates, activates, deactivates and deletes only
# when NDIS calls its `MiniportCoXxx` handlers on behalf of someone else.

# %% [markdown]
# ## Breaking the rules
#
# In collect mode we can try what the roles forbid. A client may not activate a VC: activation is
# the call manager's. And nobody may delete a VC that is still active: it must be deactivated
# first, by the call manager, at the end of a call.

# %%
lenient = Machine(verifier="collect")
for driver in (loopback_miniport, call_manager, client):
    lenient.load_driver(driver)
lenient.start_adapter("loopback_miniport")
lenient.bind_all()
call2 = client.make_call(lenient, b"echo")
lenient.run_until_idle()

from condis_edu.samples.common import call_parameters

with lenient.running_as("client"):
    print("client activates:      ", status_name(NdisCmActivateVc(call2.NdisVcHandle, call_parameters(b"echo"))))
    print("client deletes, active:", status_name(NdisCoDeleteVc(call2.NdisVcHandle)))
for finding in lenient.findings:
    print("finding:", finding.short())

# %% [markdown]
# ## When the call manager is the miniport: MCMs
#
# A **miniport call manager** (MCM) is one driver that is both: the miniport for the hardware and
# the call manager for its signaling. It registers only as a miniport, and from its
# `MiniportSetOptions` registers both `NDIS_MINIPORT_CO_CHARACTERISTICS` and the call manager
# handlers. Between its two halves no NDIS call is needed, which changes the picture:
#
# - the MCM registers its AF from `MiniportInitializeEx`, with `NdisMCmRegisterAddressFamilyEx`;
# - it leaves `MiniportCoCreateVc` and `MiniportCoDeleteVc` NULL: when a client creates a VC,
#   NDIS calls only the MCM's `ProtocolCoCreateVc`;
# - it creates, activates, deactivates and deletes VCs with the `NdisMCmXxx` versions of the
#   calls, and activation needs no `MiniportCoActivateVc` round trip.
#
# The same call, on the sample MCM:

# %%
with_mcm = Machine()
with_mcm.load_driver(mcm)
with_mcm.load_driver(client)
with_mcm.start_adapter("mcm")
with_mcm.bind_all()
start = len(with_mcm.trace)
mcm_call = client.make_call(with_mcm, b"echo")
with_mcm.run_until_idle()
client.close_call(with_mcm, mcm_call)
with_mcm.run_until_idle()
print("call:", mcm_call.state, "| VCs left:", with_mcm.adapters[0].vcs)
with_mcm.trace.sequence(start, title="A call through an MCM", hide=Machine.WORK_ITEM_DDIS)

# %%
who_did_what(with_mcm.trace)

# %% [markdown]
# The roles are the same (the client creates and deletes its own VC, the call manager half
# activates and deactivates both, and deletes the one it created) but the calls are the
# `NdisMCm` ones, and NDIS never calls a `MiniportCoXxx` handler to activate anything.
#
# ## What you now know
#
# - A call manager registers an AF per adapter; clients are told, open it, and register SAPs.
# - The client creates the VC for its outgoing call and deletes it after the close completes. The
#   call manager creates the VC for an incoming call and deletes it.
# - Only the call manager activates and deactivates VCs, and it activates a VC before it
#   completes an outgoing call or dispatches an incoming one.
# - The miniport acts only when NDIS calls its `MiniportCoXxx` handlers; an MCM does both halves
#   with the `NdisMCmXxx` calls.

# %% [markdown]
# ## Check your understanding
#
# A question about a trace before the exercises. The cell below runs a small scenario on the
# simulation and stops at the moment that matters; the answer is read from that same run, so it
# always agrees with the engine. Pick an answer: it is checked here in the page.

# %%
from condis_edu.exercises import quiz

quiz("nb04-make-call-returns")

# %% [markdown]
# ## Exercise 1: the miniport's side of closing a call
#
# Write a `MiniportCoDeactivateVc` for the loopback miniport that finishes at once, instead of
# pending like the sample's. `MiniportVcContext` is the sample's `LoopbackVc`: a deactivated VC
# must say `active = False` and keep no call parameters. The check puts your handler in the
# miniport (notebook 3's `loopback_with` idea), makes a call and hangs it up.

# %%
# Exercise nb04-deactivate-vc: deactivate the VC now, and say so.
def MyCoDeactivateVc(MiniportVcContext):
    # stop using the VC, then tell NDIS the deactivation is done
    return NDIS_STATUS_PENDING


# %%
from condis_edu.exercises import check

check("nb04-deactivate-vc")

# %% [markdown]
# <details class="condis-solution" data-exercise="nb04-deactivate-vc"><summary>Solution</summary>
#
# ```python
# # Exercise nb04-deactivate-vc: deactivate the VC now, and say so.
# def MyCoDeactivateVc(MiniportVcContext):
#     MiniportVcContext.active = False
#     MiniportVcContext.parameters = None
#     return NDIS_STATUS_SUCCESS
# ```
#
# The starting code pended without ever calling `NdisMCoDeactivateVcComplete`, so the call manager
# waited forever and the close never finished. Returning `NDIS_STATUS_SUCCESS` completes the
# deactivation; calling `NdisMCoDeactivateVcComplete` as well would complete it twice.
# </details>

# %% [markdown]
# ## Exercise 2: the client's side of closing a call
#
# When a close completes, NDIS calls the client's `ProtocolClCloseCallComplete(Status,
# ProtocolVcContext, ProtocolPartyContext)`. In the sample client, `ProtocolVcContext` is a
# `ClVc`: `vc.outgoing` is true for a call this client made, `vc.NdisVcHandle` is the VC's handle
# and `vc.af.vcs` is the client's list of VCs on that AF. Write the handler: mark the call
# closed, and delete the VC if, and only if, this client created it.

# %%
# Exercise nb04-close-complete: the close finished; clean up what is yours.
def MyClCloseCallComplete(Status, ProtocolVcContext, ProtocolPartyContext):
    vc = ProtocolVcContext
    vc.state = "closed"


# %%
from condis_edu.exercises import check

check("nb04-close-complete")

# %% [markdown]
# <details class="condis-solution" data-exercise="nb04-close-complete"><summary>Solution</summary>
#
# ```python
# # Exercise nb04-close-complete: the close finished; clean up what is yours.
# def MyClCloseCallComplete(Status, ProtocolVcContext, ProtocolPartyContext):
#     vc = ProtocolVcContext
#     vc.state = "closed"
#     if vc.outgoing:  # we created this VC for our call: ours to delete
#         if NdisCoDeleteVc(vc.NdisVcHandle) == NDIS_STATUS_SUCCESS:
#             vc.NdisVcHandle = None
#             vc.af.vcs.remove(vc)
# ```
#
# The incoming call's VC belongs to the call manager, which deletes it after its own close. A
# client that deleted it too would break the creator rule, and the verifier would say so. Any
# status but `NDIS_STATUS_SUCCESS` (`NDIS_STATUS_NOT_ACCEPTED` while NDIS still holds NBLs sent
# on the VC) means the VC and its handle are still there: the sample client keeps them and asks
# again once its NBLs are back (`samples/client/deletion.py`).
# </details>
