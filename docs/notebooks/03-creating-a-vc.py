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
# # Creating a VC
#
# Every call in CoNDIS runs over a *virtual connection* (VC): a local endpoint that the miniport,
# the call manager and the client all know by one `NdisVcHandle`. Creating one is the first thing
# that happens when a call is made, and it is the one place in CoNDIS where the miniport has no
# choice about timing: `MiniportCoCreateVc` must finish before it returns.
#
# **After this notebook you can**
#
# - say who creates a VC, and for which call;
# - follow `NdisCoCreateVc` through NDIS into `MiniportCoCreateVc` and the peer's
#   `ProtocolCoCreateVc`, in a trace;
# - tell a *context* (yours, NDIS passes it back) from a *handle* (NDIS's, you pass it back);
# - write a `MiniportCoCreateVc` that is synchronous, and that fails cleanly;
# - recognise the bug check a pending `MiniportCoCreateVc` causes.
#
# Microsoft's pages:
# [Creating a VC](https://learn.microsoft.com/windows-hardware/drivers/network/creating-a-vc),
# [NdisCoCreateVc](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscocreatevc),
# [MiniportCoCreateVc](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_co_create_vc),
# [Deleting a VC](https://learn.microsoft.com/windows-hardware/drivers/network/deleting-a-vc).

# %% [markdown]
# ## Who creates a VC
#
# | The VC is for | Created by | With |
# |---|---|---|
# | an outgoing call | the **client** that will make the call, before `NdisClMakeCall` | `NdisCoCreateVc`, passing its AF handle |
# | an incoming call | the **call manager**, before it offers the call with `NdisCmDispatchIncomingCall` | `NdisCoCreateVc`, passing the AF handle of the client's SAP |
# | the call manager's own signaling | the **call manager** | `NdisCoCreateVc` with no AF |
# | an incoming call, when the call manager is an MCM | the **MCM** | `NdisMCmCreateVc` |
#
# Whoever creates a VC is the only one who may delete it. Notebook 4 follows whole calls; here we
# look at creation itself.
#
# ## A stack to work on
#
# The package ships three sample drivers written like real ones: a loopback CoNDIS miniport, a
# stand-alone call manager and a client. Load them, start the miniport's adapter and let NDIS
# bind the two protocols to it. By the time `bind_all` returns, the call manager has registered
# its address family and the client has opened it.

# %%
from condis_edu import Machine, RuleBugCheck, SimulationHalted
from condis_edu.exercises import check
from condis_edu.ndis import *  # noqa: F403
from condis_edu.samples import call_manager, client, loopback_miniport


def build_stack(machine, miniport=loopback_miniport, name=None):
    machine.load_driver(miniport, name=name)
    machine.load_driver(call_manager)
    machine.load_driver(client)
    machine.start_adapter(machine.drivers[0])
    machine.bind_all()
    return machine


machine = build_stack(Machine())
nic = machine.adapters[0]
print(nic)
for binding in nic.bindings:
    print(" ", binding)

# %% [markdown]
# ## `NdisCoCreateVc`, by hand
#
# A client creates a VC with `NdisCoCreateVc(NdisBindingHandle, NdisAfHandle, ProtocolVcContext)`.
# The first two are handles NDIS gave the client when it bound and when it opened the AF; the
# third is the client's own context for the VC. We borrow the sample client's handles and call
# it as the client would (`running_as` makes NDIS see the call coming from the client's code).

# %%
client_binding = machine.driver("client").context.bindings[0]


class MyCallContext:
    """What the client keeps about the VC: its ProtocolVcContext."""


start = len(machine.trace)
with machine.running_as("client"):
    Status, NdisVcHandle = NdisCoCreateVc(
        client_binding.NdisBindingHandle, client_binding.af.NdisAfHandle, MyCallContext()
    )
print(status_name(Status), NdisVcHandle)

# %% [markdown]
# One call from the client, and NDIS made two of its own before returning: it asked the miniport
# (`MiniportCoCreateVc`) and the call manager (`ProtocolCoCreateVc`) to set up their state for
# the new VC, handing both the **same** handle, `vc#1`. Only when both succeeded did it return
# that handle to the client. All of it happened synchronously, within the one call:

# %%
machine.trace.sequence(start, title="NdisCoCreateVc from a client")

# %% [markdown]
# ## Contexts and handles
#
# Three drivers now share one VC, and each knows it in two ways:
#
# - a **handle**, `NdisVcHandle`, minted by NDIS. All three store it and pass it back to NDIS
#   when they talk about this VC (`NdisCmActivateVc`, `NdisMCoActivateVcComplete`,
#   `NdisCoSendNetBufferLists`...). It is opaque: nobody looks inside.
# - a **context** of its own, which it gave NDIS: the client passed `ProtocolVcContext` in,
#   the miniport and the call manager returned theirs from their create handlers. NDIS passes
#   each driver its own context, never another driver's, whenever it calls that driver about
#   this VC. NDIS never looks inside either.
#
# The VC record NDIS keeps shows all of it:

# %%
vc = nic.vcs[0]
print(vc)
print("client's context:      ", type(vc.client_context).__name__)
print("call manager's context:", type(vc.cm_context).__name__)
print("miniport's context:    ", type(vc.miniport_context).__name__,
      "-> stores", vc.miniport_context.NdisVcHandle)

# %% [markdown]
# This is the contract `MiniportCoCreateVc` fulfils: allocate whatever the miniport needs per VC,
# **store `NdisVcHandle` in it** (the miniport needs it for every later `NdisMCoXxx` call on the
# VC) and return it as `MiniportVcContext`. The loopback sample's version
# (`condis_edu/samples/loopback_miniport/vc.py`) is three lines:
#
# ```python
# def MPCoCreateVc(MiniportAdapterContext, NdisVcHandle):
#     vc = LoopbackVc(MiniportAdapterContext, NdisVcHandle)   # stores the handle
#     MiniportAdapterContext.vcs.append(vc)                   # the adapter's list of its VCs
#     return NDIS_STATUS_SUCCESS, vc                          # status, then *MiniportVcContext
# ```

# %% [markdown]
# The client owns this VC, so the client deletes it. `NdisCoDeleteVc` is synchronous too: NDIS
# calls the call manager's `ProtocolCoDeleteVc` and the miniport's `MiniportCoDeleteVc`, which
# free their contexts, and the handle is dead when the call returns.

# %%
start = len(machine.trace)
with machine.running_as("client"):
    print(status_name(NdisCoDeleteVc(NdisVcHandle)), NdisVcHandle, "alive:", NdisVcHandle.alive)
machine.trace.sequence(start, title="NdisCoDeleteVc from the VC's creator")

# %% [markdown]
# ## Your own `MiniportCoCreateVc`
#
# To try our own handlers we need a miniport to put them in. `loopback_with` builds the loopback
# sample's `DriverEntry` from notebook 1's pattern, with some `MiniportCoXxx` handlers replaced
# by ours; everything else (adapter start, activation) is the sample's code.

# %%
from condis_edu.samples.loopback_miniport import adapter as lb_adapter
from condis_edu.samples.loopback_miniport import datapath as lb_datapath
from condis_edu.samples.loopback_miniport import vc as loopback_vc
from condis_edu.samples.loopback_miniport.miniport import MiniportGlobals, MPDriverUnload
from condis_edu.samples.loopback_miniport.vc import LoopbackVc


def loopback_with(**co_handlers):
    handlers = {
        "CoCreateVcHandler": loopback_vc.MPCoCreateVc,
        "CoDeleteVcHandler": loopback_vc.MPCoDeleteVc,
        "CoActivateVcHandler": loopback_vc.MPCoActivateVc,
        "CoDeactivateVcHandler": loopback_vc.MPCoDeactivateVc,
        "CoSendNetBufferListsHandler": lb_datapath.MPCoSendNetBufferLists,
        "CoOidRequestHandler": lb_datapath.MPCoOidRequest,
        **co_handlers,
    }

    def SetOptions(NdisDriverHandle, DriverContext):
        co = NDIS_MINIPORT_CO_CHARACTERISTICS()
        co.Header.Type = NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS
        co.Header.Revision = NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1
        co.Header.Size = NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1
        for field, handler in handlers.items():
            setattr(co, field, handler)
        return NdisSetOptionalHandlers(NdisDriverHandle, co)

    def DriverEntry(DriverObject, RegistryPath):
        globals_ = MiniportGlobals()
        DriverObject.DriverExtension = globals_
        chars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
        chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS
        chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
        chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
        chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
        chars.SetOptionsHandler = SetOptions
        chars.InitializeHandlerEx = lb_adapter.MPInitializeEx
        chars.HaltHandlerEx = lb_adapter.MPHaltEx
        chars.UnloadHandler = MPDriverUnload
        chars.PauseHandler = lb_adapter.MPPause
        chars.RestartHandler = lb_adapter.MPRestart
        chars.SendNetBufferListsHandler = lb_datapath.MPSendNetBufferLists
        chars.ReturnNetBufferListsHandler = lb_datapath.MPReturnNetBufferLists
        chars.CancelSendHandler = lb_datapath.MPCancelSend
        chars.DevicePnPEventNotifyHandler = lb_adapter.MPDevicePnPEventNotify
        chars.ShutdownHandlerEx = lb_adapter.MPShutdownEx
        chars.CancelOidRequestHandler = lb_adapter.MPCancelOidRequest
        Status, handle = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, globals_, chars)
        if Status != NDIS_STATUS_SUCCESS:
            return STATUS_UNSUCCESSFUL
        globals_.NdisMiniportDriverHandle = handle
        return STATUS_SUCCESS

    return DriverEntry


# %% [markdown]
# ## The bug check: a `MiniportCoCreateVc` that pends
#
# Most `MiniportCoXxx` handlers may answer `NDIS_STATUS_PENDING` and finish later:
# activation, deactivation and OID requests all have a `...Complete` call for that. Creation does
# not. `NdisCoCreateVc` must hand the caller a working VC handle *when it returns*, and there is
# no `NdisMCoCreateVcComplete` to say "ready now". So the documentation is blunt:
# `MiniportCoCreateVc` cannot return `NDIS_STATUS_PENDING` "under any circumstances" without a
# system-wide failure.
#
# Here is a miniport that tries anyway, say because it wanted to allocate its VC state from a
# work item. The machine runs in the default *strict* mode, as Windows with Driver Verifier would:

# %%
def LazyCoCreateVc(MiniportAdapterContext, NdisVcHandle):
    return NDIS_STATUS_PENDING, None  # "I'll set it up later": not allowed here


lazy = build_stack(Machine(), loopback_with(CoCreateVcHandler=LazyCoCreateVc), name="lazy_miniport")
start = len(lazy.trace)
try:
    client.make_call(lazy, b"echo")
except RuleBugCheck as stop:
    bugcheck = stop
bugcheck  # shown with its rule, Microsoft's page and this site's page for the rule

# %% [markdown]
# The client's very first step, `NdisCoCreateVc`, brought the system down: bug check 0x7C,
# `BUGCODE_NDIS_DRIVER`, naming rule R2.09. As on a real machine, nothing runs after a bug check:

# %%
try:
    lazy.run_until_idle()
except SimulationHalted as halted:
    print(halted)

lazy.trace.sequence(start, title="MiniportCoCreateVc returns NDIS_STATUS_PENDING")

# %% [markdown]
# In **collect** mode the verifier records the same finding and lets the simulation go on, with
# NDIS refusing the creation: `NdisCoCreateVc` fails and the client's call never starts. That is
# useful for looking around, but remember that a real system would already be stopped.

# %%
lazy2 = build_stack(Machine(verifier="collect"), loopback_with(CoCreateVcHandler=LazyCoCreateVc),
                    name="lazy_miniport")
call = client.make_call(lazy2, b"echo")
lazy2.run_until_idle()
print("call:", call.state, status_name(call.status))
for finding in lazy2.findings:
    print("finding:", finding.short())

# %% [markdown]
# ## Failing on purpose: `NDIS_STATUS_RESOURCES`
#
# `MiniportCoCreateVc` has exactly one way to say no: return `NDIS_STATUS_RESOURCES` (with no
# context) when it cannot get what the VC needs. NDIS abandons the VC (here it does not even go on
# to the call manager) and `NdisCoCreateVc` returns the miniport's status to the client. No VC
# exists afterwards, so there is nothing to delete, and the client's call fails before it starts.

# %%
def FullCoCreateVc(MiniportAdapterContext, NdisVcHandle):
    return NDIS_STATUS_RESOURCES, None


full = build_stack(Machine(), loopback_with(CoCreateVcHandler=FullCoCreateVc), name="full_miniport")
start = len(full.trace)
call = client.make_call(full, b"echo")
full.run_until_idle()
print("call:", call.state, status_name(call.status), "| VCs on the adapter:", full.adapters[0].vcs)
print(full.trace.to_text(start))

# %% [markdown]
# ## Only the creator deletes
#
# The call manager knows the client's VC too, but it did not create it, so it may not delete it.
# NDIS refuses, and the verifier names the rule:

# %%
checked = build_stack(Machine(verifier="collect"))
cl = checked.driver("client").context.bindings[0]
with checked.running_as("client"):
    Status, handle = NdisCoCreateVc(cl.NdisBindingHandle, cl.af.NdisAfHandle, MyCallContext())
with checked.running_as("call_manager"):
    print("call manager deletes:", status_name(NdisCoDeleteVc(handle)))
with checked.running_as("client"):
    print("client deletes:      ", status_name(NdisCoDeleteVc(handle)))
for finding in checked.findings:
    print("finding:", finding.short())

# %% [markdown]
# ## Check your understanding
#
# A question about a trace before the exercises. The cell below runs a small scenario on the
# simulation and stops at the moment that matters; the answer is read from that same run, so it
# always agrees with the engine. Pick an answer: it is checked here in the page.

# %%
from condis_edu.exercises import quiz

quiz("nb03-who-deletes")

# %% [markdown]
# ## What you now know
#
# - A client creates the VC for its outgoing call; a call manager creates the VC for an incoming
#   call and for its own signaling; only the creator deletes it.
# - `NdisCoCreateVc` calls `MiniportCoCreateVc` and the peer's `ProtocolCoCreateVc`
#   synchronously, with the same `NdisVcHandle`, before returning that handle.
# - Each driver has its own context for the VC and they all share NDIS's handle.
# - `MiniportCoCreateVc` returns `NDIS_STATUS_SUCCESS` with its context, or
#   `NDIS_STATUS_RESOURCES`. `NDIS_STATUS_PENDING` is a bug check.
#
# Notebook 4 activates the VC and carries a call over it.

# %% [markdown]
# ## Exercise 1: `MiniportCoCreateVc`
#
# Write the loopback miniport's `MiniportCoCreateVc` yourself. The sample's other handlers expect
# the context to be a `LoopbackVc` (imported above) that is listed in the adapter context's `vcs`
# list: activation reads it, and `MPCoDeleteVc` removes it from there. The check puts your
# function into `loopback_with`, creates and deletes VCs and makes a whole call.

# %%
# Exercise nb03-create-vc: allocate the VC's context now, and return it.
def MyCoCreateVc(MiniportAdapterContext, NdisVcHandle):
    # build the LoopbackVc, remember it in MiniportAdapterContext.vcs, return it
    return NDIS_STATUS_RESOURCES, None


# %%
from condis_edu.exercises import check

check("nb03-create-vc")

# %% [markdown]
# <details class="condis-solution" data-exercise="nb03-create-vc"><summary>Solution</summary>
#
# ```python
# # Exercise nb03-create-vc: allocate the VC's context now, and return it.
# def MyCoCreateVc(MiniportAdapterContext, NdisVcHandle):
#     vc = LoopbackVc(MiniportAdapterContext, NdisVcHandle)
#     MiniportAdapterContext.vcs.append(vc)
#     return NDIS_STATUS_SUCCESS, vc
# ```
#
# `LoopbackVc` stores `NdisVcHandle`; a fresh object per call gives every VC its own context.
# </details>

# %% [markdown]
# ## Exercise 2: a full adapter says no
#
# Real hardware supports a limited number of VCs. Make the miniport accept at most `MAX_VCS`
# VCs per adapter: beyond that, refuse with `NDIS_STATUS_RESOURCES` and leave no trace. Deleting
# a VC must make room again.

# %%
MAX_VCS = 2

# %%
# Exercise nb03-vc-limit: refuse the VC when the adapter already has MAX_VCS of them.
def MyLimitedCoCreateVc(MiniportAdapterContext, NdisVcHandle):
    vc = LoopbackVc(MiniportAdapterContext, NdisVcHandle)
    MiniportAdapterContext.vcs.append(vc)
    return NDIS_STATUS_SUCCESS, vc


# %%
from condis_edu.exercises import check

check("nb03-vc-limit")

# %% [markdown]
# <details class="condis-solution" data-exercise="nb03-vc-limit"><summary>Solution</summary>
#
# ```python
# # Exercise nb03-vc-limit: refuse the VC when the adapter already has MAX_VCS of them.
# def MyLimitedCoCreateVc(MiniportAdapterContext, NdisVcHandle):
#     if len(MiniportAdapterContext.vcs) >= MAX_VCS:
#         return NDIS_STATUS_RESOURCES, None
#     vc = LoopbackVc(MiniportAdapterContext, NdisVcHandle)
#     MiniportAdapterContext.vcs.append(vc)
#     return NDIS_STATUS_SUCCESS, vc
# ```
#
# The check comes before any allocation, so a refusal has nothing to undo; and the adapter's own
# list is the count, so `MPCoDeleteVc` frees a slot without extra bookkeeping.
# </details>
