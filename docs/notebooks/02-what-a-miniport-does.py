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


def miniport_side(m, start, miniport=MINIPORT):
    """Print the calls the miniport made or received since trace index start, with their results."""
    results = {e.call_seq: e.result for e in m.trace.events[start:] if e.kind is EventKind.RETURN}
    for e in m.trace.events[start:]:
        if e.kind in (EventKind.CALL, EventKind.UPCALL) and miniport in (e.source, e.target):
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
# ## Your own miniport, from `DriverEntry` to the six handlers
#
# Everything so far ran the sample. Here is a complete CoNDIS miniport of our own, small enough to
# read in one go, with nothing taken from the sample: `DriverEntry`, a real `MiniportInitializeEx`,
# the other mandatory handlers, and the six `MiniportCoXxx` handlers registered from
# `MiniportSetOptions`. It is a NIC that needs no time for anything, so nothing pends.
#
# `MiniportInitializeEx` is where an adapter comes to life. It allocates the adapter context, then
# describes the adapter with two calls to `NdisMSetMiniportAttributes`: first the **registration
# attributes**, which hand NDIS the `MiniportAdapterContext` (NDIS passes it back to every
# adapter-wide handler), then the **general attributes**: medium, MTU, link speeds, connection
# state. Each structure starts with an `NDIS_OBJECT_HEADER` whose type, revision and size the
# driver writes from `ndis.h` constants, exactly as in C. Revision 2 of the general attributes is
# the NDIS 6.20 layout, so its size is `NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2`.
#
# Microsoft's pages:
# [MiniportInitializeEx](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_initialize),
# [NdisMSetMiniportAttributes](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismsetminiportattributes),
# [NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/ns-ndis-_ndis_miniport_adapter_registration_attributes),
# [NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/ns-ndis-_ndis_miniport_adapter_general_attributes),
# [Initializing a miniport adapter](https://learn.microsoft.com/windows-hardware/drivers/network/initializing-a-miniport-adapter).

# %%
class MyAdapter:
    """MiniportAdapterContext: one adapter of our NIC."""

    def __init__(self, NdisMiniportHandle):
        self.MiniportAdapterHandle = NdisMiniportHandle  # for NdisMXxx calls about this adapter
        self.vcs = []
        self.sent = 0


def MyInitializeEx(NdisMiniportHandle, MiniportDriverContext, MiniportInitParameters):
    adapter = MyAdapter(NdisMiniportHandle)

    registration = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES()
    registration.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES
    registration.Header.Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2
    registration.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_2
    registration.MiniportAdapterContext = adapter
    registration.AttributeFlags = NDIS_MINIPORT_ATTRIBUTES_HARDWARE_DEVICE
    registration.InterfaceType = NdisInterfaceInternal
    Status = NdisMSetMiniportAttributes(NdisMiniportHandle, registration)
    if Status != NDIS_STATUS_SUCCESS:
        return Status

    general = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES()
    general.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES
    general.Header.Revision = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2
    general.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2
    general.MediaType = NdisMediumAtm  # the medium the sample call manager and client bind to
    general.PhysicalMediumType = NdisPhysicalMediumUnspecified
    general.MtuSize = 9180
    general.MaxXmitLinkSpeed = general.XmitLinkSpeed = 155_520_000
    general.MaxRcvLinkSpeed = general.RcvLinkSpeed = 155_520_000
    general.MediaConnectState = MediaConnectStateConnected
    general.MediaDuplexState = MediaDuplexStateFull
    general.LookaheadSize = 9180
    general.MacOptions = NDIS_MAC_OPTION_NO_LOOPBACK
    return NdisMSetMiniportAttributes(NdisMiniportHandle, general)


def MyHaltEx(MiniportAdapterContext, HaltAction):
    MiniportAdapterContext.vcs.clear()


def MyPause(MiniportAdapterContext, PauseParameters):
    return NDIS_STATUS_SUCCESS  # nothing in flight: every send completes at once


def MyRestart(MiniportAdapterContext, RestartParameters):
    return NDIS_STATUS_SUCCESS


def MyDriverUnload(DriverObject):
    NdisMDeregisterMiniportDriver(DriverObject.DriverExtension.NdisMiniportDriverHandle)


def MySendNetBufferLists(MiniportAdapterContext, NetBufferList, PortNumber, SendFlags):
    pass  # connectionless sends never reach a CoNDIS miniport


def MyReturnNetBufferLists(MiniportAdapterContext, NetBufferLists, ReturnFlags):
    pass  # we never indicate receives, so nothing comes back


def MyCancelSend(MiniportAdapterContext, CancelId):
    pass  # no send waits in a queue


def MyDevicePnPEventNotify(MiniportAdapterContext, NetDevicePnPEvent):
    pass


def MyShutdownEx(MiniportAdapterContext, ShutdownAction):
    pass


def MyCancelOidRequest(MiniportAdapterContext, RequestId):
    pass  # no OID request pends


# %% [markdown]
# The six CoNDIS handlers. Creation and deletion answer at once (notebook 3); activation and
# deactivation could pend, but this NIC programs nothing, so it answers at once too. A send hands
# the NBLs back with `NdisMCoSendNetBufferListsComplete`, each with its status, and the OID
# handler answers the one question it knows, the link speed: an `NDIS_CO_LINK_SPEED`, outbound and
# inbound in units of 100 bit/s.
#
# Pages: [MiniportCoCreateVc](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_co_create_vc),
# [MiniportCoSendNetBufferLists](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_co_send_net_buffer_lists),
# [NdisMCoSendNetBufferListsComplete](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismcosendnetbufferlistscomplete).

# %%
class MyVc:
    """MiniportVcContext: one VC on our adapter."""

    def __init__(self, adapter, NdisVcHandle):
        self.adapter = adapter
        self.NdisVcHandle = NdisVcHandle
        self.active = False


def MyCoCreateVc(MiniportAdapterContext, NdisVcHandle):
    vc = MyVc(MiniportAdapterContext, NdisVcHandle)
    MiniportAdapterContext.vcs.append(vc)
    return NDIS_STATUS_SUCCESS, vc


def MyCoDeleteVc(MiniportVcContext):
    MiniportVcContext.adapter.vcs.remove(MiniportVcContext)
    return NDIS_STATUS_SUCCESS


def MyCoActivateVc(MiniportVcContext, CallParameters):
    MiniportVcContext.active = True
    return NDIS_STATUS_SUCCESS


def MyCoDeactivateVc(MiniportVcContext):
    MiniportVcContext.active = False
    return NDIS_STATUS_SUCCESS


def MyCoSendNetBufferLists(MiniportVcContext, NetBufferLists, SendFlags):
    nbl = NetBufferLists
    while nbl is not None:
        nbl.Status = NDIS_STATUS_SUCCESS  # "transmitted"
        MiniportVcContext.adapter.sent += 1
        nbl = nbl.Next
    NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, NetBufferLists, 0)


def MyCoOidRequest(MiniportAdapterContext, MiniportVcContext, NdisRequest):
    info = NdisRequest.DATA.QUERY_INFORMATION
    if NdisRequest.RequestType != NdisRequestQueryInformation or info.Oid != OID_GEN_CO_LINK_SPEED:
        return NDIS_STATUS_NOT_SUPPORTED
    if info.InformationBufferLength < 8:  # an NDIS_CO_LINK_SPEED: Outbound, Inbound (ULONGs)
        info.BytesNeeded = 8
        return NDIS_STATUS_BUFFER_TOO_SHORT
    info.InformationBuffer = (155_520_000 // 100, 155_520_000 // 100)
    info.BytesWritten = 8
    return NDIS_STATUS_SUCCESS


# %% [markdown]
# Registration, as in notebook 1: `MiniportSetOptions` registers the six handlers, and
# `DriverEntry` registers the miniport, with every header written out.

# %%
def MySetOptions(NdisDriverHandle, DriverContext):
    co = NDIS_MINIPORT_CO_CHARACTERISTICS()
    co.Header.Type = NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS
    co.Header.Revision = NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1
    co.Header.Size = NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1
    co.CoCreateVcHandler = MyCoCreateVc
    co.CoDeleteVcHandler = MyCoDeleteVc
    co.CoActivateVcHandler = MyCoActivateVc
    co.CoDeactivateVcHandler = MyCoDeactivateVc
    co.CoSendNetBufferListsHandler = MyCoSendNetBufferLists
    co.CoOidRequestHandler = MyCoOidRequest
    return NdisSetOptionalHandlers(NdisDriverHandle, co)


class MyGlobals:
    """Driver-wide state, kept on DriverObject.DriverExtension."""

    def __init__(self):
        self.NdisMiniportDriverHandle = None


def MyDriverEntry(DriverObject, RegistryPath):
    globals_ = MyGlobals()
    DriverObject.DriverExtension = globals_
    chars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
    chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS
    chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
    chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
    chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
    chars.MajorDriverVersion, chars.MinorDriverVersion = 1, 0
    chars.SetOptionsHandler = MySetOptions
    chars.InitializeHandlerEx = MyInitializeEx
    chars.HaltHandlerEx = MyHaltEx
    chars.UnloadHandler = MyDriverUnload
    chars.PauseHandler = MyPause
    chars.RestartHandler = MyRestart
    chars.SendNetBufferListsHandler = MySendNetBufferLists
    chars.ReturnNetBufferListsHandler = MyReturnNetBufferLists
    chars.CancelSendHandler = MyCancelSend
    chars.DevicePnPEventNotifyHandler = MyDevicePnPEventNotify
    chars.ShutdownHandlerEx = MyShutdownEx
    chars.CancelOidRequestHandler = MyCancelOidRequest
    Status, handle = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, globals_, chars)
    if Status != NDIS_STATUS_SUCCESS:
        return STATUS_UNSUCCESSFUL
    globals_.NdisMiniportDriverHandle = handle
    return STATUS_SUCCESS


# %% [markdown]
# Now run it under the sample call manager and client: load, start the adapter, bind, make a
# call, send two NBLs, ask for the link speed on the VC, hang up. The trace keeps only what our
# miniport saw, from `MiniportInitializeEx` to `MiniportCoDeleteVc`:

# %%
mine = Machine()
mine.load_driver(MyDriverEntry, name="my_miniport")
mine.load_driver(call_manager)
mine.load_driver(client)
my_nic = mine.start_adapter("my_miniport")
mine.bind_all()
my_call = client.make_call(mine, b"echo")
mine.run_until_idle()
with mine.running_as("client"):
    cl_data.send_chain(my_call, cl_data.build_chain(my_call, 2, b"ping"))
    speed = query(OID_GEN_CO_LINK_SPEED)
    NdisCoOidRequest(my_call.af.binding.NdisBindingHandle, None, my_call.NdisVcHandle, None, speed)
mine.run_until_idle()
client.close_call(mine, my_call)
mine.run_until_idle()
miniport_side(mine, 0, miniport="my_miniport")
print(my_nic.state.name, "| sent:", my_nic.context.sent, "| link speed:",
      speed.DATA.QUERY_INFORMATION.InformationBuffer[0] * 100, "bit/s | VCs left:", my_nic.context.vcs)

# %% [markdown]
# The verifier watched every call of that run. It has nothing to say (a finding, or a bug check,
# would show here with its rule and links):

# %%
mine.findings

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
