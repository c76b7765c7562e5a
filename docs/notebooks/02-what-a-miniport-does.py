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
# # What a CoNDIS miniport does
#
# Notebook 1 registered a CoNDIS miniport and stopped before any of its handlers ran. This
# notebook starts its adapter and walks through everything NDIS asks of it during the life of one
# call: creating a VC, activating it, carrying data, answering OID requests, reporting status,
# surviving a reset, deactivating and deleting the VC. Each stop shows what the miniport saw, live
# from the trace.
#
# The point to take away is how *passive* a CoNDIS miniport is. It never decides to open a
# connection or close one; it does not know who the caller is, or what the call is for. It
# prepares its hardware when NDIS asks, moves data on the VCs it was given, and answers questions.
#
# **After this notebook you can**
#
# - name the handler NDIS calls for each operation, and the DDI the miniport answers with;
# - say which operations may pend (`NDIS_STATUS_PENDING`) and which must finish at once;
# - tell adapter-wide operations (OIDs without a VC, status, reset) from per-VC ones;
# - read a miniport's side of a trace;
# - write two of the six `MiniportCoXxx` handlers.
#
# Microsoft's pages:
# [CoNDIS miniport drivers](https://learn.microsoft.com/windows-hardware/drivers/network/condis-miniport-drivers),
# [MiniportCoCreateVc](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_co_create_vc),
# [MiniportCoActivateVc](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_co_activate_vc),
# [MiniportCoDeactivateVc](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_co_deactivate_vc),
# [MiniportCoDeleteVc](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_co_delete_vc),
# [MiniportCoOidRequest](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_co_oid_request),
# [NdisMCoIndicateStatusEx](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismcoindicatestatusex),
# [MiniportResetEx](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_reset).

# %% [markdown]
# ## The map
#
# | Operation | NDIS calls | Started by | May pend? | The miniport answers with |
# |---|---|---|---|---|
# | start the adapter | `MiniportInitializeEx`, then `MiniportRestart` | Plug and Play | restart may | `NdisMRestartComplete` |
# | create a VC | `MiniportCoCreateVc` | a client or call manager (`NdisCoCreateVc`) | **never** | its return value |
# | activate a VC | `MiniportCoActivateVc` | the call manager (`NdisCmActivateVc`) | yes | `NdisMCoActivateVcComplete` |
# | send | `MiniportCoSendNetBufferLists` | a protocol (`NdisCoSendNetBufferLists`) | always completes later | `NdisMCoSendNetBufferListsComplete` |
# | receive | (the miniport starts it) | the network | the NBLs come back later | `MiniportReturnNetBufferLists` gets them |
# | OID request | `MiniportCoOidRequest` | a protocol (`NdisCoOidRequest`) | yes | `NdisMCoOidRequestComplete` |
# | status | (the miniport starts it) | the hardware | no | `NdisMCoIndicateStatusEx` is the call |
# | reset | `MiniportResetEx` | NDIS | yes | `NdisMResetComplete` |
# | deactivate a VC | `MiniportCoDeactivateVc` | the call manager (`NdisCmDeactivateVc`) | yes | `NdisMCoDeactivateVcComplete` |
# | delete a VC | `MiniportCoDeleteVc` | the VC's creator (`NdisCoDeleteVc`) | **never** | its return value |
#
# ## Watching only the miniport
#
# The sample stack again: the loopback miniport, a call manager and a client. A trace of a whole
# call is long, because the call manager and the client talk to NDIS a lot. `miniport_side` prints
# only the lines the miniport takes part in, with work-item bookkeeping left out, so we see what the
# miniport sees.

# %%
from condis_edu import Machine
from condis_edu.ndis import fill_header
from condis_edu import EventKind
from condis_edu.exercises import check
from condis_edu.ndis import *  # noqa: F403
from condis_edu.samples import call_manager, client, loopback_miniport
from condis_edu.samples.client import data as cl_data
from condis_edu.samples.loopback_miniport.state import LoopbackVc

MINIPORT = "loopback_miniport"


def miniport_side(m, start):
    """Print the calls the miniport made or received since trace index start, with their results."""
    results = {e.call_seq: e.result for e in m.trace.events[start:] if e.kind is EventKind.RETURN}
    for e in m.trace.events[start:]:
        if e.kind in (EventKind.CALL, EventKind.UPCALL) and MINIPORT in (e.source, e.target):
            if e.name in Machine.WORK_ITEM_DDIS:
                continue
            result = results.get(e.seq, "")
            arrow = "NDIS calls" if e.kind is EventKind.UPCALL else "miniport calls"
            print(f"t={e.time:<3} {arrow:<15} {e.name}({e.args})" + (f" = {result}" if result else ""))


# %%
machine = Machine()
for driver in (loopback_miniport, call_manager, client):
    machine.load_driver(driver)
start = len(machine.trace)
nic = machine.start_adapter(MINIPORT)
miniport_side(machine, start)
print(nic, nic.state.name)

# %% [markdown]
# ## Starting the adapter
#
# Plug and Play found a device: NDIS calls `MiniportInitializeEx`, in which the miniport allocates
# its adapter context and describes the adapter with `NdisMSetMiniportAttributes` (the first call
# registers the context, the second the medium, speeds and so on). The adapter is then *Paused*,
# and NDIS restarts it with `MiniportRestart`. The loopback NIC takes a moment to "negotiate its
# link", so it pends and calls `NdisMRestartComplete` from a work item. From then on the adapter is
# *Running*, and protocols can bind to it:

# %%
machine.bind_all()
print([f"{b.driver.name}: {b.state.name}" for b in nic.bindings])

# %% [markdown]
# Binding involves only the protocols and NDIS: the miniport is not asked anything. (The call
# manager's address family registration happens on the binding too, notebook 4.)
#
# ## Creating and activating a VC
#
# The client makes a call. First it creates a VC with `NdisCoCreateVc`; NDIS calls
# `MiniportCoCreateVc`, which must allocate its per-VC state and answer at once (notebook 3). The
# call manager then signals, and once the network has agreed, it activates the VC:
# `NdisCmActivateVc` reaches `MiniportCoActivateVc` with the call parameters (traffic class,
# bandwidth, media-specific fields) so the miniport can program the hardware for them. The
# loopback NIC pends and finishes from a work item with `NdisMCoActivateVcComplete`.
#
# The loopback network answers every call with an incoming call on a second VC, so the miniport
# sees all of this twice:

# %%
start = len(machine.trace)
call = client.make_call(machine, b"echo")
machine.run_until_idle()
miniport_side(machine, start)
print(call)

# %% [markdown]
# The same, as a sequence diagram with everyone in it. The miniport's part is small: the arrows
# that reach the right-hand column.

# %%
machine.trace.sequence(start, title="A call, seen from the miniport", hide=Machine.WORK_ITEM_DDIS)

# %% [markdown]
# ## Sending and receiving
#
# `MiniportCoSendNetBufferLists` gets a chain of NBLs for one VC. It returns nothing: every NBL
# comes back later through `NdisMCoSendNetBufferListsComplete`, each with a status (notebook 7).
# Receives go the other way and start in the miniport: it indicates NBLs up with
# `NdisMCoIndicateReceiveNetBufferLists`, and NDIS hands them back to `MiniportReturnNetBufferLists`
# once the protocol is done with them (notebook 8). The loopback NIC echoes every packet it sends,
# so one send shows both directions:

# %%
start = len(machine.trace)
with machine.running_as("client"):
    cl_data.send_chain(call, cl_data.build_chain(call, 2, b"ping"))
machine.run_until_idle()
miniport_side(machine, start)

# %% [markdown]
# ## Answering OID requests
#
# A protocol asks the miniport for information (or sets some) with `NdisCoOidRequest`. Without a
# VC handle the question is about the adapter; with one, about that VC. NDIS calls
# `MiniportCoOidRequest`, which fills in the request's buffer and returns a status, or pends and
# finishes with `NdisMCoOidRequestComplete`. Here the client asks for the link speed (in units of
# 100 bit/s) and for the packets sent on its VC so far:

# %%
def query(oid):
    request = NDIS_OID_REQUEST(RequestType=NdisRequestQueryInformation)
    fill_header(request)
    request.DATA.QUERY_INFORMATION.Oid = oid
    request.DATA.QUERY_INFORMATION.InformationBufferLength = 64
    return request


binding_handle = call.af.binding.NdisBindingHandle
start = len(machine.trace)
with machine.running_as("client"):
    speed, sent = query(OID_GEN_CO_LINK_SPEED), query(OID_GEN_CO_XMIT_PDUS_OK)
    print("link speed:", status_name(NdisCoOidRequest(binding_handle, None, None, None, speed)),
          speed.DATA.QUERY_INFORMATION.InformationBuffer * 100, "bit/s")
    print("sent on vc:", status_name(NdisCoOidRequest(binding_handle, None, call.NdisVcHandle, None, sent)),
          sent.DATA.QUERY_INFORMATION.InformationBuffer, "packets")
miniport_side(machine, start)

# %% [markdown]
# The second request reached the miniport with its own `LoopbackVc` as `MiniportVcContext`: NDIS
# translated the client's VC handle into the miniport's context, the same way it does for every
# VC handler.
#
# ## Indicating status
#
# When something changes in the hardware (the link goes down, the speed changes), the miniport
# tells the protocols with `NdisMCoIndicateStatusEx`. With no VC handle the news goes to every
# protocol bound to the adapter; with one, only to the client and call manager of that VC. The
# indication is a structure, `NDIS_STATUS_INDICATION`, with a header, the miniport's adapter handle
# as `SourceHandle` and a status code. Here we play the miniport's part by hand:

# %%
indication = NDIS_STATUS_INDICATION(SourceHandle=nic.handle, StatusCode=NDIS_STATUS_LINK_STATE)
fill_header(indication)
start = len(machine.trace)
with machine.running_as(MINIPORT):
    NdisMCoIndicateStatusEx(nic.handle, None, indication)
print(machine.trace.to_text(start))

# %% [markdown]
# ## Reset
#
# When NDIS decides the hardware needs a reset, it calls `MiniportResetEx`. Before that it tells
# the protocols `NDIS_STATUS_RESET_START`, and after the reset completes it tells them
# `NDIS_STATUS_RESET_END`; the miniport never indicates those two itself. Calls, VCs and their
# handles survive a reset. Sends the miniport had queued are completed with
# `NDIS_STATUS_RESET_IN_PROGRESS`.

# %%
start = len(machine.trace)
status = machine.reset_adapter(nic)
print("MiniportResetEx:", status_name(status))
machine.trace.sequence(start, title="NDIS resets the adapter")

# %% [markdown]
# `MiniportResetEx` returns two values: a status and `AddressingReset`, a `BOOLEAN` that asks NDIS to
# restore the adapter's addressing information afterwards (the trace writes it `TRUE` or `FALSE`, as
# in C). The loopback NIC keeps no addressing state, so it answers `FALSE`.
#
# ## Deactivating and deleting the VCs
#
# The client hangs up. The call manager signals and deactivates each VC with `NdisCmDeactivateVc`:
# `MiniportCoDeactivateVc` stops data on it (the loopback NIC aborts queued sends and waits for its
# echoed receives to come back) and completes with `NdisMCoDeactivateVcComplete`. Each VC's creator
# then deletes it with `NdisCoDeleteVc`, and `MiniportCoDeleteVc` frees the miniport's context.
# Deletion, like creation, answers at once.

# %%
start = len(machine.trace)
client.close_call(machine, call)
machine.run_until_idle()
miniport_side(machine, start)
print("VCs left:", nic.vcs, "| the miniport's contexts:", nic.context.vcs)

# %% [markdown]
# ## Pause and restart, in one line each
#
# Every NDIS 6 miniport can be paused and restarted (notebook 7 shows why a pause may take a
# while). The adapter goes *Running*, *Pausing*, *Paused*, *Restarting*, *Running*:

# %%
start = len(machine.trace)
machine.pause_adapter(nic)
machine.restart_adapter(nic)
miniport_side(machine, start)
print(nic.state.name, "| verifier findings:", machine.findings)

# %% [markdown]
# ## Check your understanding
#
# A question about a trace before the exercises. The cell below runs a small scenario on the
# simulation and stops at the moment that matters; the answer is read from that same run, so it
# always agrees with the engine. Pick an answer: it is checked here in the page.

# %%
from condis_edu.exercises import quiz

quiz("nb02-after-initialize")

# %% [markdown]
# ## What you now know
#
# - NDIS calls a CoNDIS miniport for VC creation, activation, deactivation and deletion, for
#   sends, OID requests, resets, pause and restart; the miniport itself starts receives and status
#   indications.
# - Creation and deletion answer at once. Activation, deactivation, OID requests, restart and reset
#   may pend, and each has its own completion DDI. Sends always complete later.
# - Per-VC handlers get the miniport's own `MiniportVcContext`; adapter-wide ones get the
#   `MiniportAdapterContext`, and `MiniportCoOidRequest` gets both (the VC one may be `NULL`).
# - The miniport never knows who asked, or why: it carries out requests on VCs.

# %% [markdown]
# ## Exercise 1: activate at once
#
# The loopback NIC pends its activation to pretend it programs hardware. Write a
# `MiniportCoActivateVc` for a NIC that needs no time: mark the `LoopbackVc` active, keep the call
# parameters in it (the sample's send path echoes only on active VCs), and report success directly
# through the return value.

# %%
# Exercise nb02-activate-vc: activate the VC now and say so.
def MyCoActivateVc(MiniportVcContext, CallParameters):
    return NDIS_STATUS_SUCCESS


# %%
from condis_edu.exercises import check

check("nb02-activate-vc")

# %% [markdown]
# <details class="condis-solution" data-exercise="nb02-activate-vc"><summary>Solution</summary>
#
# ```python
# # Exercise nb02-activate-vc: activate the VC now and say so.
# def MyCoActivateVc(MiniportVcContext, CallParameters):
#     MiniportVcContext.active = True
#     MiniportVcContext.parameters = CallParameters
#     return NDIS_STATUS_SUCCESS
# ```
#
# A handler that returns `NDIS_STATUS_SUCCESS` has finished; NDIS completes the call manager's
# `NdisCmActivateVc` itself. Calling `NdisMCoActivateVcComplete` as well would answer twice.
# </details>

# %% [markdown]
# ## Exercise 2: `MiniportCoDeleteVc`
#
# Write the loopback miniport's `MiniportCoDeleteVc`. Its create handler put the `LoopbackVc` on
# its adapter's `vcs` list (`MiniportVcContext.adapter` is that adapter's context); deleting the VC
# must take it off again.

# %%
# Exercise nb02-delete-vc: free the VC's context.
def MyCoDeleteVc(MiniportVcContext):
    return NDIS_STATUS_SUCCESS


# %%
from condis_edu.exercises import check

check("nb02-delete-vc")

# %% [markdown]
# <details class="condis-solution" data-exercise="nb02-delete-vc"><summary>Solution</summary>
#
# ```python
# # Exercise nb02-delete-vc: free the VC's context.
# def MyCoDeleteVc(MiniportVcContext):
#     MiniportVcContext.adapter.vcs.remove(MiniportVcContext)
#     return NDIS_STATUS_SUCCESS
# ```
#
# After this the `LoopbackVc` is unreachable, which is how Python frees memory; a C miniport would
# free its VC structure here. NDIS has already made sure the VC was deactivated first.
# </details>
