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
# # Receive path, OIDs, status indications and reset
#
# Notebook 7 followed data down the stack. This one starts at the bottom: data arriving from the
# network, which the miniport passes up; questions a protocol asks the miniport (OID requests);
# news the miniport announces on its own (status indications); and the one operation NDIS starts
# by itself, the reset. Each has its own ownership or completion rule, and each rule is checked
# here on a live trace.
#
# **After this notebook you can**
#
# - indicate received NBLs with `NdisMCoIndicateReceiveNetBufferLists`, and say when they come
#   back to `MiniportReturnNetBufferLists`;
# - explain what `NDIS_RECEIVE_FLAGS_RESOURCES` changes for the protocol and for the miniport;
# - issue an OID request with `NdisCoOidRequest`, for the adapter or one VC, and follow a pended
#   one to `NdisMCoOidRequestComplete`;
# - indicate a status change with `NdisMCoIndicateStatusEx`, to everyone or to one VC's drivers;
# - describe a reset: who starts it, `NDIS_STATUS_RESET_START` and `_END`, and what happens to
#   sends and requests meanwhile.
#
# Microsoft's pages:
# [Receiving NET_BUFFER structures in CoNDIS drivers](https://learn.microsoft.com/windows-hardware/drivers/network/receiving-net-buffer-structures-in-condis-drivers),
# [NdisMCoIndicateReceiveNetBufferLists](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismcoindicatereceivenetbufferlists),
# [ProtocolCoReceiveNetBufferLists](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-protocol_co_receive_net_buffer_lists),
# [NdisReturnNetBufferLists](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisreturnnetbufferlists),
# [CoNDIS miniport driver OID requests](https://learn.microsoft.com/windows-hardware/drivers/network/condis-miniport-driver-oid-requests),
# [NdisCoOidRequest](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscooidrequest),
# [NdisMCoOidRequestComplete](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismcooidrequestcomplete),
# [CoNDIS miniport driver status indications](https://learn.microsoft.com/windows-hardware/drivers/network/condis-miniport-driver-status-indications),
# [NdisMCoIndicateStatusEx](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismcoindicatestatusex),
# [MiniportResetEx](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_reset),
# [NdisMResetComplete](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismresetcomplete).

# %%
from condis_edu import Machine
from condis_edu.ndis import fill_header
from condis_edu.exercises import check
from condis_edu.exercises.kits import loopback_with
from condis_edu.ndis import iter_chain
from condis_edu.ndis import *  # noqa: F403
from condis_edu.samples import call_manager, client, loopback_miniport
from condis_edu.samples.client import data as cl_data
from condis_edu.samples.loopback_miniport import datapath as mp_data
from condis_edu.testing import protocol_driver

MINIPORT = "loopback_miniport"


def stack(miniport=loopback_miniport, client_driver=client, verifier="strict", complete="inline"):
    m = Machine(verifier=verifier)
    m.load_driver(miniport, name=MINIPORT)
    m.load_driver(call_manager)
    m.load_driver(client_driver, name="client")
    nic = m.start_adapter(MINIPORT)
    mp_data.settings(nic).complete = complete
    m.bind_all()
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    return m, nic, call


m, nic, call = stack()
print(call, "on", nic)

# %% [markdown]
# ## Receiving: a loan upward
#
# A receive is a send turned upside down. The miniport owns NBLs (from a pool it allocated with
# its adapter handle), fills them with what arrived on a VC, sets each `SourceHandle` to that
# VC's `NdisVcHandle` and indicates the chain with
# `NdisMCoIndicateReceiveNetBufferLists(NdisVcHandle, NetBufferLists, NumberOfNetBufferLists,
# CoReceiveFlags)`. NDIS calls the protocol's `ProtocolCoReceiveNetBufferLists`, which now holds
# them. When the protocol is done it gives them back with `NdisReturnNetBufferLists`, and NDIS
# calls the miniport's `MiniportReturnNetBufferLists`: only then may the miniport reuse them.
#
# The protocol may return at once, from its receive handler, or keep the NBLs for a while (to hand
# the data to an application without copying) and return them later. The sample client can do
# both; here it holds the echoes of two packets:

# %%
data = cl_data.data_of(call)
data.hold_receives = True
start = len(m.trace)
with m.running_as("client"):
    cl_data.send_chain(call, cl_data.build_chain(call, 2, b"ping"))
held = list(data.held)
for nbl in held:
    print(nbl)
print("receives NDIS counts outstanding on", nic.name, "=", nic.outstanding_receives)

# %% [markdown]
# The echoed NBLs are *indicated on vc#1* and held by the client. The miniport cannot reuse them,
# and an adapter with receives outstanding cannot finish pausing. Now the client lets go:

# %%
data.hold_receives = False
with m.running_as("client"):
    cl_data.release_receives(call)
for nbl in held:
    print(nbl)
print("receives outstanding =", nic.outstanding_receives)
m.trace.sequence(start, title="Receives held by the client, then returned")

# %% [markdown]
# ## `NDIS_RECEIVE_FLAGS_RESOURCES`: lent, not given
#
# A miniport that is running out of receive NBLs can set `NDIS_RECEIVE_FLAGS_RESOURCES` in
# `CoReceiveFlags`. The NBLs are then only *lent* for the duration of the call: the protocol must
# copy whatever it wants to keep before its handler returns, and must **not** return them. When
# `NdisMCoIndicateReceiveNetBufferLists` returns, the miniport owns them again and may reuse them
# straight away; `MiniportReturnNetBufferLists` is never called for them.
#
# Here we play the miniport's part by hand: allocate a pool and one NBL, fill it, indicate it with
# the flag. The sample client copies the data and, seeing the flag, keeps nothing.

# %%
with m.running_as(MINIPORT):
    params = NET_BUFFER_LIST_POOL_PARAMETERS()
    params.Header.Type = NDIS_OBJECT_TYPE_DEFAULT
    params.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1
    params.Header.Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1
    params.fAllocateNetBuffer = True
    params.DataSize = 64
    pool = NdisAllocateNetBufferListPool(nic.handle, params)
    rx = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 5)
    rx.FirstNetBuffer.MdlChain.MappedSystemVa[:5] = b"lent!"
    rx.SourceHandle = call.NdisVcHandle
    print("before:", rx)
    start = len(m.trace)
    NdisMCoIndicateReceiveNetBufferLists(call.NdisVcHandle, rx, 1, NDIS_RECEIVE_FLAGS_RESOURCES)
    print("after: ", rx)
print("the client copied:", bytes(data.received_bytes[-5:]), "| receives outstanding =", nic.outstanding_receives)
print(m.trace.to_text(start))

# %% [markdown]
# The trace has no `NdisReturnNetBufferLists` and no `MiniportReturnNetBufferLists`: the NBL went up
# and came back within the one call. A protocol that returns a lent NBL anyway is giving back
# something that is not its to give. This client always returns what it receives, flag or not:

# %%
def AlwaysReturn(ProtocolBindingContext, ProtocolVcContext, NetBufferLists, NumberOfNetBufferLists, ReceiveFlags):
    NdisReturnNetBufferLists(ProtocolBindingContext.NdisBindingHandle, NetBufferLists, 0)


careless = protocol_driver(edit_co=lambda co: setattr(co, "CoReceiveNetBufferListsHandler", AlwaysReturn))
m2, nic2, call2 = stack(client_driver=careless, verifier="collect")
with m2.running_as(MINIPORT):
    pool2 = NdisAllocateNetBufferListPool(nic2.handle, params)
    rx2 = NdisAllocateNetBufferAndNetBufferList(pool2, 0, 0, None, 0, 5)
    rx2.SourceHandle = call2.NdisVcHandle
    NdisMCoIndicateReceiveNetBufferLists(call2.NdisVcHandle, rx2, 1, NDIS_RECEIVE_FLAGS_RESOURCES)
for finding in m2.findings:
    print(finding)

# %% [markdown]
# ## OID requests
#
# A protocol queries or sets information in the miniport with
# `NdisCoOidRequest(NdisBindingHandle, NdisAfHandle, NdisVcHandle, NdisPartyHandle, OidRequest)`.
# With no AF handle the request goes to the miniport's `MiniportCoOidRequest`; with a VC handle it
# is about that VC (statistics per VC, for example). The request is an `NDIS_OID_REQUEST`: a
# header, a `RequestType` (query or set) and, for a query, `DATA.QUERY_INFORMATION` with the `Oid`,
# the caller's buffer size, and the fields the miniport fills in (`InformationBuffer`,
# `BytesWritten`, or `BytesNeeded` when the buffer is too small).
#
# A CoNDIS miniport must answer a set of general OIDs (the `OID_GEN_CO_*` family: supported list,
# hardware status, media, link speed, vendor, versions, MAC options, connect status, minimum link
# speed). Here the client asks three questions, one of them with a buffer too small:

# %%
def query(oid, length=64):
    request = NDIS_OID_REQUEST(RequestType=NdisRequestQueryInformation)
    fill_header(request)
    request.DATA.QUERY_INFORMATION.Oid = oid
    request.DATA.QUERY_INFORMATION.InformationBufferLength = length
    return request


def ask(m, call, request, vc=False):
    with m.running_as("client"):
        return NdisCoOidRequest(call.af.binding.NdisBindingHandle, None, call.NdisVcHandle if vc else None,
                                None, request)


for oid, length, per_vc in ((OID_GEN_CO_VENDOR_DESCRIPTION, 64, False), (OID_GEN_CO_VENDOR_DESCRIPTION, 8, False),
                            (OID_GEN_CO_RCV_PDUS_OK, 64, True)):
    request = query(oid, length)
    status = ask(m, call, request, vc=per_vc)
    info = request.DATA.QUERY_INFORMATION
    print(f"{oid_name(oid)} ({length}-byte buffer{', on ' + call.NdisVcHandle.label if per_vc else ''}): "
          f"{status_name(status)}, InformationBuffer={info.InformationBuffer!r}, "
          f"BytesWritten={info.BytesWritten}, BytesNeeded={info.BytesNeeded}")

# %% [markdown]
# A miniport that has to ask its hardware answers `NDIS_STATUS_PENDING` and finishes later with
# `NdisMCoOidRequestComplete`; NDIS then calls the requester's `ProtocolCoOidRequestComplete`.
# CoNDIS does not serialize these requests: a second one may arrive while the first is pending.
# The loopback NIC can be told to pend every request (`pend_oids`):

# %%
mp_data.settings(nic).pend_oids = True
speed, sent = query(OID_GEN_CO_LINK_SPEED), query(OID_GEN_CO_XMIT_PDUS_OK)
start = len(m.trace)
print("first: ", status_name(ask(m, call, speed)))
print("second:", status_name(ask(m, call, sent, vc=True)))
m.run_until_idle()
print("answers:", speed.DATA.QUERY_INFORMATION.InformationBuffer, sent.DATA.QUERY_INFORMATION.InformationBuffer)
mp_data.settings(nic).pend_oids = False
m.trace.sequence(start, title="Two OID requests pending at once", hide=Machine.WORK_ITEM_DDIS)

# %% [markdown]
# ## Status indications
#
# When its hardware changes state, the miniport tells the drivers above with
# `NdisMCoIndicateStatusEx(MiniportAdapterHandle, NdisVcHandle, StatusIndication)`. The indication
# is an `NDIS_STATUS_INDICATION` whose header NDIS checks, whose `SourceHandle` is the adapter
# handle and whose `StatusCode` says what happened. With a `NULL` VC handle every protocol bound to
# the adapter hears it (`ProtocolCoStatusEx`); with a VC handle, only that VC's client and call
# manager.

# %%
def indication(nic, code):
    ind = NDIS_STATUS_INDICATION(SourceHandle=nic.handle, StatusCode=code)
    fill_header(ind)
    return ind


start = len(m.trace)
with m.running_as(MINIPORT):
    NdisMCoIndicateStatusEx(nic.handle, None, indication(nic, NDIS_STATUS_LINK_STATE))
    NdisMCoIndicateStatusEx(nic.handle, call.NdisVcHandle, indication(nic, NDIS_STATUS_LINK_STATE))
print(m.trace.to_text(start))

# %% [markdown]
# The first indication went to every binding of the adapter, the second to the drivers of `vc#1`
# only. Here those are the same two drivers, since the call manager serves that VC too; a second
# client bound to the adapter would have heard only the first. Two
# status codes are reserved for NDIS: `NDIS_STATUS_RESET_START` and `NDIS_STATUS_RESET_END`. A
# miniport that indicates them itself is refused:

# %%
m3, nic3, call3 = stack(verifier="collect")
with m3.running_as(MINIPORT):
    NdisMCoIndicateStatusEx(nic3.handle, None, indication(nic3, NDIS_STATUS_RESET_START))
for finding in m3.findings:
    print(finding.short())

# %% [markdown]
# ## Reset
#
# NDIS resets an adapter when it believes the hardware is stuck, for instance when requests stop
# completing. It tells the bound protocols `NDIS_STATUS_RESET_START`, calls `MiniportResetEx`, and
# once the reset is done tells them `NDIS_STATUS_RESET_END`. The miniport completes every send it
# holds, with `NDIS_STATUS_RESET_IN_PROGRESS`. Calls, VCs and their handles survive.
#
# With the NIC completing from a work item, three sends are still queued when NDIS resets it:

# %%
m, nic, call = stack(complete="deferred")
with m.running_as("client"):
    cl_data.send_chain(call, cl_data.build_chain(call, 3, b"stuck"))
print("queued sends:", nic.outstanding_sends)
start = len(m.trace)
print("MiniportResetEx:", status_name(m.reset_adapter(nic)))
print({status_name(k): v for k, v in cl_data.data_of(call).statistics()["completed"].items()}, "| call:", call.state)
m.trace.sequence(start, title="A reset with three sends queued", hide=Machine.WORK_ITEM_DDIS)

# %% [markdown]
# A real reset takes time, so `MiniportResetEx` may pend and finish with `NdisMResetComplete`.
# Meanwhile NDIS shields the miniport: new sends come back with `NDIS_STATUS_RESET_IN_PROGRESS`
# without reaching it, and OID requests are refused with the same status. Here is a miniport whose
# reset takes one work item:

# %%
def SlowResetEx(MiniportAdapterContext):
    mp_data.MPResetEx(MiniportAdapterContext)  # drop the transmit queue
    work = NdisAllocateIoWorkItem(MiniportAdapterContext.MiniportAdapterHandle)
    NdisQueueIoWorkItem(work, reset_done, MiniportAdapterContext)
    return NDIS_STATUS_PENDING, False


def reset_done(WorkItemContext, NdisIoWorkItemHandle):
    NdisFreeIoWorkItem(NdisIoWorkItemHandle)
    NdisMResetComplete(WorkItemContext.MiniportAdapterHandle, NDIS_STATUS_SUCCESS, False)


m, nic, call = stack(loopback_with({"ResetHandlerEx": SlowResetEx}))
print("MiniportResetEx:", status_name(m.reset_adapter(nic, run=False)))
with m.running_as("client"):
    cl_data.send_chain(call, cl_data.build_chain(call, 2, b"during"))
print("OID during the reset:", status_name(ask(m, call, query(OID_GEN_CO_LINK_SPEED))))
m.run_until_idle()
with m.running_as("client"):
    cl_data.send_chain(call, cl_data.build_chain(call, 1, b"after"))
print("OID after the reset: ", status_name(ask(m, call, query(OID_GEN_CO_LINK_SPEED))))
print({status_name(k): v for k, v in cl_data.data_of(call).statistics()["completed"].items()},
      "| findings:", m.findings)

# %% [markdown]
# ## What you now know
#
# - A receive lends NBLs upward; they come back through `NdisReturnNetBufferLists` and
#   `MiniportReturnNetBufferLists`, unless they were indicated with `NDIS_RECEIVE_FLAGS_RESOURCES`,
#   in which case the protocol copies and keeps nothing, and the miniport has them back when the
#   indication returns.
# - `NdisCoOidRequest` reaches `MiniportCoOidRequest` for the adapter or a VC; a pended request
#   finishes with `NdisMCoOidRequestComplete`, and several may be pending at once.
# - `NdisMCoIndicateStatusEx` with no VC informs every bound protocol, with a VC only that VC's
#   drivers; RESET_START and RESET_END are NDIS's to indicate.
# - During a reset NDIS answers sends and OIDs with `NDIS_STATUS_RESET_IN_PROGRESS`; the miniport
#   completes what it held with the same status. VCs survive.

# %% [markdown]
# ## Check your understanding
#
# A question about a trace before the exercises. The cell below runs a small scenario on the
# simulation and stops at the moment that matters; the answer is read from that same run, so it
# always agrees with the engine. Pick an answer: it is checked here in the page.

# %%
from condis_edu.exercises import quiz

quiz("nb08-small-buffer")

# %% [markdown]
# ## Exercise 1: a receive handler
#
# Write the client's `ProtocolCoReceiveNetBufferLists`. It may keep nothing: give every chain back
# at once, except a chain that was only lent. `ProtocolBindingContext` is the sample client's
# binding, which keeps its `NdisBindingHandle`. The check loads the sample client with your handler
# and echoes chains of several sizes, and also lends it an NBL.

# %%
# Exercise nb08-receive: return what was given, keep nothing, never return what was lent.
def MyCoReceiveNetBufferLists(ProtocolBindingContext, ProtocolVcContext, NetBufferLists,
                              NumberOfNetBufferLists, ReceiveFlags):
    for nbl in iter_chain(NetBufferLists):
        pass  # a real client would copy nbl.FirstNetBuffer.data() here


# %%
from condis_edu.exercises import check

check("nb08-receive")

# %% [markdown]
# <details class="condis-solution" data-exercise="nb08-receive"><summary>Solution</summary>
#
# ```python
# # Exercise nb08-receive: return what was given, keep nothing, never return what was lent.
# def MyCoReceiveNetBufferLists(ProtocolBindingContext, ProtocolVcContext, NetBufferLists,
#                               NumberOfNetBufferLists, ReceiveFlags):
#     for nbl in iter_chain(NetBufferLists):
#         pass  # a real client would copy nbl.FirstNetBuffer.data() here
#     if ReceiveFlags & NDIS_RECEIVE_FLAGS_RESOURCES:
#         return  # lent for this call only: the miniport has them back when we return
#     NdisReturnNetBufferLists(ProtocolBindingContext.NdisBindingHandle, NetBufferLists, 0)
# ```
#
# One `NdisReturnNetBufferLists` gives back the whole chain. Testing the flag is a bit test: other
# flags may be set at the same time.
# </details>

# %% [markdown]
# ## Exercise 2: answering OIDs
#
# Write a `MiniportCoOidRequest` for a NIC that knows two things: its link speed, `LINK_SPEED` (in
# 100 bit/s units, the same both ways), and its description, `VENDOR_DESCRIPTION` (bytes). Answer
# queries for `OID_GEN_CO_LINK_SPEED` (an `NDIS_CO_LINK_SPEED`: two 4-byte counts, `Outbound` and
# `Inbound`, so a pair of numbers and 8 bytes here) and `OID_GEN_CO_VENDOR_DESCRIPTION`; when the
# caller's buffer (`InformationBufferLength`) is too small, say how much is needed; refuse every
# other OID with `NDIS_STATUS_INVALID_OID`. (A real CoNDIS miniport must answer all the mandatory
# ones: the verifier flags a refused mandatory query, or a success that wrote fewer bytes than the
# OID's type, as rule R4.13.)

# %%
LINK_SPEED = 1_555_200
VENDOR_DESCRIPTION = b"my CoNDIS NIC\x00"

# %%
# Exercise nb08-oid-request: answer two queries, refuse the rest.
def MyCoOidRequest(MiniportAdapterContext, MiniportVcContext, NdisRequest):
    info = NdisRequest.DATA.QUERY_INFORMATION
    return NDIS_STATUS_NOT_SUPPORTED


# %%
from condis_edu.exercises import check

check("nb08-oid-request")

# %% [markdown]
# <details class="condis-solution" data-exercise="nb08-oid-request"><summary>Solution</summary>
#
# ```python
# # Exercise nb08-oid-request: answer two queries, refuse the rest.
# def MyCoOidRequest(MiniportAdapterContext, MiniportVcContext, NdisRequest):
#     info = NdisRequest.DATA.QUERY_INFORMATION
#     if info.Oid == OID_GEN_CO_LINK_SPEED:
#         value, size = (LINK_SPEED, LINK_SPEED), 8
#     elif info.Oid == OID_GEN_CO_VENDOR_DESCRIPTION:
#         value, size = VENDOR_DESCRIPTION, len(VENDOR_DESCRIPTION)
#     else:
#         return NDIS_STATUS_INVALID_OID
#     if info.InformationBufferLength < size:
#         info.BytesNeeded = size
#         return NDIS_STATUS_BUFFER_TOO_SHORT
#     info.InformationBuffer = value
#     info.BytesWritten = size
#     return NDIS_STATUS_SUCCESS
# ```
#
# The size check comes before writing anything, so a refused request leaves the caller's buffer
# alone and tells it, in `BytesNeeded`, how big a buffer to come back with.
# </details>
