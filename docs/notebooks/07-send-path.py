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
# # The send path
#
# Once a call is connected, data moves over its VC as chains of `NET_BUFFER_LIST` structures
# (NBLs). Sending is a loan: the protocol hands a chain to NDIS, NDIS hands it to the miniport, and
# the miniport keeps it until the data is on the wire. Then it gives every NBL back, each with a
# status, in a *send completion*. Almost every serious data-path bug is a broken loan: an NBL
# completed twice, touched after it was given back, never given back, or given back to the wrong
# place. This notebook follows the loan end to end, then breaks it on purpose.
#
# **After this notebook you can**
#
# - build an NBL chain and say what `Next`, `SourceHandle`, `Status` and `FirstNetBuffer` are for;
# - follow `NdisCoSendNetBufferLists` to `MiniportCoSendNetBufferLists` and back through
#   `NdisMCoSendNetBufferListsComplete`, in a trace;
# - say who owns an NBL at each moment, and what "completed" means for ownership;
# - explain how a miniport batches completions, and what NDIS does with sends while an adapter
#   pauses;
# - recognise double completion, use after completion and a foreign completion in a verifier
#   finding;
# - write a `MiniportCoSendNetBufferLists` that completes every NBL once, with the right status.
#
# Microsoft's pages:
# [Sending NET_BUFFER structures from CoNDIS drivers](https://learn.microsoft.com/windows-hardware/drivers/network/sending-net-buffer-structures-from-condis-drivers),
# [NdisCoSendNetBufferLists](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndiscosendnetbufferlists),
# [MiniportCoSendNetBufferLists](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-miniport_co_send_net_buffer_lists),
# [NdisMCoSendNetBufferListsComplete](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismcosendnetbufferlistscomplete),
# [ProtocolCoSendNetBufferListsComplete](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-protocol_co_send_net_buffer_lists_complete),
# [Pausing an adapter](https://learn.microsoft.com/windows-hardware/drivers/network/pausing-an-adapter).

# %% [markdown]
# ## A connected call to send on
#
# The same three sample drivers as in notebooks 3 and 4. `stack` builds them, connects one call
# and lets us choose how the loopback NIC completes its sends: `"inline"` completes inside
# `MiniportCoSendNetBufferLists`; `"deferred"` queues the NBLs and completes them later from a
# work item, `batch` at a time, the way a NIC completes from its transmit-done interrupt.

# %%
from condis_edu import Machine
from condis_edu import EventKind
from condis_edu.charts import BarChart
from condis_edu.exercises import check
from condis_edu.exercises.kits import loopback_with
from condis_edu.ndis import iter_chain
from condis_edu.ndis import *  # noqa: F403
from condis_edu.samples import call_manager, client, loopback_miniport
from condis_edu.samples.client import data as cl_data
from condis_edu.samples.loopback_miniport import datapath as mp_data


def stack(miniport=loopback_miniport, verifier="strict", complete="inline", batch=0, trace=True):
    m = Machine(verifier=verifier, trace=trace, step_budget=100_000)
    for driver in (miniport, call_manager, client):
        m.load_driver(driver, name="loopback_miniport" if driver is miniport else None)
    nic = m.start_adapter("loopback_miniport")
    settings = mp_data.settings(nic)
    settings.complete, settings.batch = complete, batch
    m.bind_all()
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    return m, nic, call


m, nic, call = stack()
print(call, "| sends outstanding on", nic.name, "=", nic.outstanding_sends)

# %% [markdown]
# ## An NBL chain
#
# An NBL describes one packet (more exactly, a list of `NET_BUFFER`s, each holding one packet's
# data; CoNDIS drivers usually have one per NBL). NBLs link into a **chain** through `Next`, and
# one call can hand over a whole chain. The fields the send path cares about:
#
# | Field | Written by | Meaning |
# |---|---|---|
# | `Next` | whoever owns the NBL | the next NBL of the chain, or `None` |
# | `FirstNetBuffer` | the sender | the packet's data (`DataLength` bytes) |
# | `SourceHandle` | the sender | the `NdisVcHandle` of the VC it is sent on |
# | `Status` | the miniport, before completing | how the send went |
# | `ProtocolReserved`, `MiniportReserved` | the current owner | scratch space for the sender, or for the miniport while it holds the NBL |
#
# The sample client takes NBLs from a pool it allocated (`NdisAllocateNetBufferListPool`), fills
# them and links them. It also writes a mark into `ProtocolReserved[0]`, which it checks when each
# NBL comes back: that is how it notices an NBL completed twice.

# %%
with m.running_as("client"):
    head = cl_data.build_chain(call, 3, b"hello")

for nbl in iter_chain(head):
    print(nbl, "| SourceHandle:", nbl.SourceHandle.label, "| data:", nbl.FirstNetBuffer.data())

# %% [markdown]
# The simulation shows each NBL's current holder after its status: *owned by client* means the
# client has it at rest and may do anything with it.
#
# ## One send, traced
#
# The client sends the chain with `NdisCoSendNetBufferLists(NdisVcHandle, NetBufferLists,
# SendFlags)`. NDIS checks that the client really holds every NBL and that each `SourceHandle`
# names this VC, then passes the chain to the miniport that owns the VC. `MiniportCoSendNetBufferLists`
# returns nothing: there is no "sent" or "failed" answer at this point, only the completion that
# comes later. Here the completion comes at once (inline), and the loopback plug echoes each
# packet back as a receive, which notebook 8 looks at.

# %%
start = len(m.trace)
with m.running_as("client"):
    cl_data.send_chain(call, head)
m.run_until_idle()
m.trace.sequence(start, title="One send of three NBLs, completed inline")

# %% [markdown]
# Notice the nesting. The miniport calls `NdisMCoSendNetBufferListsComplete` *inside* its own
# `MiniportCoSendNetBufferLists`, and NDIS calls the client's `ProtocolCoSendNetBufferListsComplete`
# inside that, all before the client's `NdisCoSendNetBufferLists` has returned. A protocol must be
# ready for its completion handler to run before its send call returns. And once the completion
# has run, the NBLs are the client's again:

# %%
for nbl in iter_chain(head):
    print(nbl)
print(cl_data.data_of(call).statistics())

# %% [markdown]
# ## Ownership, step by step
#
# To see the NBLs while the miniport holds them, we switch the NIC to deferred completion: the
# send returns, and the NBLs wait in the miniport's transmit queue until a work item runs.
#
# | Moment | Holder | Who may touch the NBL |
# |---|---|---|
# | built, not yet sent | the client, *at rest* | the client |
# | after `NdisCoSendNetBufferLists` | *sent on the VC*, held by the miniport | the miniport only (its `MiniportReserved`, its queue links) |
# | after `NdisMCoSendNetBufferListsComplete` | the client, *came back* | the client; the miniport must forget it |

# %%
m, nic, call = stack(complete="deferred")
with m.running_as("client"):
    head = cl_data.build_chain(call, 2, b"queued")
    print("built:    ", head)
    cl_data.send_chain(call, head)
print("sent:     ", head)
print("NDIS counts", nic.outstanding_sends, "sends outstanding on", nic.name, "| queued work:", m.pending())
m.run_until_idle()
print("completed:", head)
print("NDIS counts", nic.outstanding_sends, "sends outstanding")

# %% [markdown]
# NDIS keeps a count of outstanding sends per VC and per adapter. Those counts are what a pause,
# a VC deactivation and a halt wait for, so a single NBL that never comes back blocks all three.
#
# ## Batching completions
#
# A miniport does not have to complete a chain the way it received it. It may complete NBLs one
# by one, split a chain over several completions, or gather NBLs from several sends into one
# completion, as long as every NBL on the VC comes back exactly once. NDIS passes each
# `NdisMCoSendNetBufferListsComplete` to the protocol unchanged, as one call to
# `ProtocolCoSendNetBufferListsComplete` with the same chain.
#
# With `batch=4` the loopback NIC completes at most four NBLs per work-item run. Three sends of
# three NBLs come back as completions of 4, 4 and 1, and the first completion mixes NBLs from two
# different sends:

# %%
m, nic, call = stack(complete="deferred", batch=4)
start = len(m.trace)
with m.running_as("client"):
    for i in range(3):
        cl_data.send_chain(call, cl_data.build_chain(call, 3, b"send %d" % i))
m.run_until_idle()
for event in m.trace.events[start:]:
    if event.kind is EventKind.CALL and event.name in ("NdisCoSendNetBufferLists", "NdisMCoSendNetBufferListsComplete"):
        print(f"t={event.time}  {event.source:<18} {event.name}({event.args})")

# %% [markdown]
# Batching is why a protocol's completion handler must walk the chain it is given and never assume
# it matches one of its sends. The sample client's handler does exactly that: for each NBL, check
# its mark, count its status, put it back on the free list.
#
# ## Sends while the adapter pauses
#
# NDIS pauses an adapter before it changes the stack (binding a protocol, inserting a filter,
# halting). In the *Pausing* state the miniport must finish every send it holds and get back every
# receive it indicated; only then may it report the pause complete, and the adapter is *Paused*.
#
# What about sends that arrive while the adapter is pausing or paused? In this simulation NDIS
# answers them itself: it completes every such NBL with `NDIS_STATUS_PAUSED` without calling the
# miniport (the [open questions](../reference/open-questions.md) page explains the choice, Q2).
# Here is the whole dance with a few NBLs, with the work-item bookkeeping hidden:

# %%
m, nic, call = stack(complete="deferred")
start = len(m.trace)
with m.running_as("client"):
    cl_data.send_chain(call, cl_data.build_chain(call, 2, b"before"))  # queued in the miniport
m.pause_adapter(nic, run=False)  # MiniportPause transmits what it queued before it answers
with m.running_as("client"):
    cl_data.send_chain(call, cl_data.build_chain(call, 1, b"during"))  # NDIS answers: PAUSED
m.run_until_idle()
m.restart_adapter(nic)
print(nic.state.name, {status_name(k): v for k, v in cl_data.data_of(call).statistics()["completed"].items()})
m.trace.sequence(start, title="Pausing with sends in flight", hide=Machine.WORK_ITEM_DDIS)

# %% [markdown]
# `MiniportPause` completed the two queued NBLs from inside itself and then answered
# `NDIS_STATUS_SUCCESS`: it held nothing else, so the adapter went straight to *Paused*. The NBL
# sent during the pause never reached the miniport; NDIS completed it with `NDIS_STATUS_PAUSED`.
# A miniport with receives still out would instead answer `NDIS_STATUS_PENDING` and call
# `NdisMPauseComplete` once the last one is back; the next experiment makes that happen.
#
# ## 10,000 NBLs, a pause in the middle, nothing lost
#
# Now the same at scale, with the trace off for speed. The client sends 10,000 NBLs in chains of
# 8 while the NIC completes 16 at a time from its work item. After 4,000 NBLs the adapter is
# paused while the client is still holding some echoed receives, so the pause has to wait for them;
# the client keeps sending while the adapter is paused; after 6,000 the adapter restarts.
#
# At the end we count, per status, what came back, and check the client's own bookkeeping: an
# NBL completed twice, or one it never sent, would show up there.

# %%
TOTAL, CHAIN = 10_000, 8
PAUSE_AT, RESTART_AT = 4_000, 6_000

m, nic, call = stack(complete="deferred", batch=16, trace=False)
data = cl_data.data_of(call)
sent = 0
while sent < TOTAL:
    with m.running_as("client"):
        sent += cl_data.send_chain(call, cl_data.build_chain(call, CHAIN, b"frame %05d" % sent))
    m.step()  # the NIC gets a little time between sends
    if sent == PAUSE_AT - 4 * CHAIN:
        data.hold_receives = True  # the client sits on the next echoes for a while
    if sent == PAUSE_AT:
        m.pause_adapter(nic, run=False)
        m.run_until_idle()
        print(f"after {sent:>5} NBLs: pause requested, adapter {nic.state.name}, "
              f"{nic.outstanding_receives} echoed NBLs still with the client")
        data.hold_receives = False
        with m.running_as("client"):
            cl_data.release_receives(call)
        m.run_until_idle()
        print(f"after {sent:>5} NBLs: receives returned, adapter {nic.state.name}")
    if sent == RESTART_AT:
        m.run_until_idle()
        m.restart_adapter(nic)
        print(f"after {sent:>5} NBLs: restarted, adapter {nic.state.name}")
m.run_until_idle()

stats = data.statistics()
print()
print(f"sent {stats['sent']}, came back {stats['completions']}:")
for status, count in stats["completed"].items():
    print(f"  {status_name(status):<22}{count:>6}")
print(f"completed twice {stats['duplicates']}, never sent {stats['strangers']}, still out {stats['in_flight']}")
print(f"NDIS counts outstanding sends/receives: {nic.outstanding_sends}/{nic.outstanding_receives}")
print("every NBL came back exactly once:", stats["completions"] == TOTAL and not stats["duplicates"])
print("verifier findings:", m.findings)

# %% [markdown]
# 8,000 NBLs were sent while the adapter was running and came back with `NDIS_STATUS_SUCCESS`;
# the 2,000 sent between the pause and the restart came back with `NDIS_STATUS_PAUSED`. None was
# lost, none came back twice, and the verifier, which watched every hand-off, found nothing.
#
# ## Three ways to break the loan
#
# Each of the following miniports has a bug found in real drivers. Each runs on its own machine in
# **collect** mode: the verifier records the broken rule, NDIS refuses the bad call, and the
# simulation goes on so we can look at the damage. `loopback_with` (from notebook 3) builds the
# loopback sample with our `MiniportCoSendNetBufferLists` in place of its own.
#
# **Use after completion.** This miniport completes NBLs one at a time, and after each
# completion it follows `nbl.Next` to find the next one. But `NdisMCoSendNetBufferListsComplete`
# gave back the NBL *and everything linked after it*; reading `Next` afterwards uses an NBL that is
# no longer the miniport's, and the "next" NBL has already come back:

# %%
def OneByOneCoSend(MiniportVcContext, NetBufferLists, SendFlags):
    nbl = NetBufferLists
    while nbl is not None:
        nbl.Status = NDIS_STATUS_SUCCESS
        NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, nbl, 0)
        nbl = nbl.Next  # BUG: nbl was given back, and its Next with it


def show(m, call):
    print(cl_data.data_of(call).statistics())
    for finding in m.findings:
        print(finding.short())


m, nic, call = stack(loopback_with(CoSendNetBufferListsHandler=OneByOneCoSend), verifier="collect")
start = len(m.trace)
with m.running_as("client"):
    cl_data.send_chain(call, cl_data.build_chain(call, 2, b"x"))
show(m, call)

# %% [markdown]
# The fix is to save `Next` and unlink the NBL *before* completing it. The trace shows where the
# verifier stepped in:

# %%
m.trace.sequence(start, title="Use after completion: a chain completed one NBL at a time")

# %% [markdown]
# **Double completion.** A miniport with two code paths that both complete (the normal one and,
# say, an error path that forgot the first had run):

# %%
def TwiceCoSend(MiniportVcContext, NetBufferLists, SendFlags):
    for nbl in iter_chain(NetBufferLists):
        nbl.Status = NDIS_STATUS_SUCCESS
    NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, NetBufferLists, 0)
    NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, NetBufferLists, 0)  # BUG


m, nic, call = stack(loopback_with(CoSendNetBufferListsHandler=TwiceCoSend), verifier="collect")
with m.running_as("client"):
    cl_data.send_chain(call, cl_data.build_chain(call, 3, b"x"))
show(m, call)

# %% [markdown]
# In Windows the second completion would hand the client NBLs it may already have reused or
# freed: memory corruption that shows up far away, much later. Here NDIS refuses it, and the
# client's own counters confirm it saw each NBL once.
#
# **A foreign NBL.** This miniport keeps one transmit queue for the whole adapter and flushes it
# when two sends have arrived, completing everything on the VC of the *latest* send. The loopback
# network gave the client two VCs (its outgoing call and the incoming call that answers it), so
# NBLs sent on one VC get completed on the other:

# %%
queue = []


def SharedQueueCoSend(MiniportVcContext, NetBufferLists, SendFlags):
    queue.extend(iter_chain(NetBufferLists))
    if len(queue) < 4:
        return
    for a, b in zip(queue, queue[1:] + [None]):
        a.Status, a.Next = NDIS_STATUS_SUCCESS, b
    head = queue[0]
    queue.clear()
    NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, head, 0)  # BUG: the wrong VC for half


m, nic, call = stack(loopback_with(CoSendNetBufferListsHandler=SharedQueueCoSend), verifier="collect")
incoming = next(c for c in client.active_calls(m) if not c.outgoing)
with m.running_as("client"):
    cl_data.send_chain(call, cl_data.build_chain(call, 2, b"out"))
    cl_data.send_chain(incoming, cl_data.build_chain(incoming, 2, b"in"))
print(call.NdisVcHandle.label, "outgoing:", cl_data.data_of(call).statistics()["in_flight"], "NBLs not back")
print(incoming.NdisVcHandle.label, "incoming:", cl_data.data_of(incoming).statistics()["in_flight"], "NBLs not back")
for finding in m.findings:
    print(finding)

# %% [markdown]
# The completion names a VC, and NDIS routes the NBLs to that VC's protocol. Completing on the
# wrong VC would deliver NBLs to the wrong driver, or to the wrong call of the right one. NDIS
# refused the whole completion, so all four NBLs are still with the miniport: in a real system,
# the next pause of this adapter would wait forever.
#
# ## How fast is the simulation?
#
# The engine checks every hand-off, so it costs something. `condis_edu.bench` measures how many
# NBLs per second go all the way round (client send, NDIS, miniport, completion, client's handler)
# for chains of 1, 8 and 64 NBLs, with the verifier on and the trace off. The *floor* is the same
# driver work with NDIS taken out: walk the chain, set each status, call the client's completion
# handler. The ratio is the share of the time left to the drivers.
#
# This cell measures your machine (or your browser) right now, so its numbers differ from run to
# run; the small counts keep it under a second or two.

# %%
# parity: structure
from condis_edu import bench

report = bench.run(nbls=8_000, repeat=2, modes=("verifier",), measure_alloc=False)
for r in report.results:
    print(f"chain {r.chain_length:>2}: {r.engine_nbls_per_s:>12,.0f} NBL/s through NDIS, "
          f"floor {r.floor_nbls_per_s:>12,.0f} NBL/s, ratio {r.ratio:.2f}")
BarChart(
    f"NBLs per second, send and completion ({report.runtime})",
    [str(r.chain_length) for r in report.results],
    {"through the engine": [r.engine_nbls_per_s for r in report.results],
     "floor (no NDIS)": [r.floor_nbls_per_s for r in report.results]},
    x_title="NBLs per chain",
    unit=" NBL/s",
)

# %% [markdown]
# Longer chains are cheaper per NBL: NDIS does some work per call (find the VC, check the
# adapter's state, call the handler) and some per NBL (check and re-stamp the holder). Real
# drivers batch for the same reason. `python -m condis_edu.bench` runs the full benchmark, with the
# trace mode and an allocation count.
#
# ## What you now know
#
# - A send is a loan of an NBL chain: `NdisCoSendNetBufferLists` lends it, and
#   `NdisMCoSendNetBufferListsComplete` gives back every NBL, each with its `Status`, exactly once.
# - Until it is completed, an NBL belongs to the miniport; after, it is the sender's again, and the
#   miniport must not touch it, not even to read `Next`.
# - Completions may be batched or split freely; the protocol walks whatever chain it gets.
# - While an adapter pauses the miniport finishes what it holds; new sends come back with
#   `NDIS_STATUS_PAUSED`, and nothing is lost across a pause and restart.
# - The verifier names double completion and use after completion (R3.12) and foreign completion
#   (R3.10).

# %% [markdown]
# ## Check your understanding
#
# A question about a trace before the exercises. The cell below runs a small scenario on the
# simulation and stops at the moment that matters; the answer is read from that same run, so it
# always agrees with the engine. Pick an answer: it is checked here in the page.

# %%
from condis_edu.exercises import quiz

quiz("nb07-send-while-paused")

# %% [markdown]
# ## Exercise 1: complete every send
#
# Write `MiniportCoSendNetBufferLists` for a NIC that transmits instantly: give each NBL the status
# `NDIS_STATUS_SUCCESS` and complete the whole chain. `MiniportVcContext` is the loopback sample's
# `LoopbackVc`, which keeps the VC's `NdisVcHandle`. The check plugs your function into the
# loopback miniport and sends single NBLs, chains of 8 and a hundred sends in a row.

# %%
# Exercise nb07-co-send: complete every NBL of the chain once, with NDIS_STATUS_SUCCESS.
def MyCoSendNetBufferLists(MiniportVcContext, NetBufferLists, SendFlags):
    pass  # the NBLs are yours until you complete them


# %%
from condis_edu.exercises import check

check("nb07-co-send")

# %% [markdown]
# <details class="condis-solution" data-exercise="nb07-co-send"><summary>Solution</summary>
#
# ```python
# # Exercise nb07-co-send: complete every NBL of the chain once, with NDIS_STATUS_SUCCESS.
# def MyCoSendNetBufferLists(MiniportVcContext, NetBufferLists, SendFlags):
#     nbl = NetBufferLists
#     while nbl is not None:
#         nbl.Status = NDIS_STATUS_SUCCESS
#         nbl = nbl.Next
#     NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, NetBufferLists, 0)
# ```
#
# The statuses are written while the NBLs are still the miniport's, and the chain is completed once,
# from its head. After the completion the function returns without looking at the NBLs again.
# </details>

# %% [markdown]
# ## Exercise 2: one status per NBL
#
# The pretend NIC cannot transmit frames longer than `MAX_FRAME` bytes. Change your send handler so
# that each NBL whose data is longer comes back with `NDIS_STATUS_INVALID_LENGTH`, while the others
# still succeed. A frame's length is `nbl.FirstNetBuffer.DataLength`.

# %%
MAX_FRAME = 64

# %%
# Exercise nb07-length-check: NDIS_STATUS_INVALID_LENGTH for frames over MAX_FRAME bytes.
def MyCheckedCoSend(MiniportVcContext, NetBufferLists, SendFlags):
    nbl = NetBufferLists
    while nbl is not None:
        nbl.Status = NDIS_STATUS_SUCCESS
        nbl = nbl.Next
    NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, NetBufferLists, 0)


# %%
from condis_edu.exercises import check

check("nb07-length-check")

# %% [markdown]
# <details class="condis-solution" data-exercise="nb07-length-check"><summary>Solution</summary>
#
# ```python
# # Exercise nb07-length-check: NDIS_STATUS_INVALID_LENGTH for frames over MAX_FRAME bytes.
# def MyCheckedCoSend(MiniportVcContext, NetBufferLists, SendFlags):
#     nbl = NetBufferLists
#     while nbl is not None:
#         if nbl.FirstNetBuffer.DataLength > MAX_FRAME:
#             nbl.Status = NDIS_STATUS_INVALID_LENGTH
#         else:
#             nbl.Status = NDIS_STATUS_SUCCESS
#         nbl = nbl.Next
#     NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, NetBufferLists, 0)
# ```
#
# A refused NBL is still completed: "refused" is a status, not a reason to keep the NBL. Statuses
# are per NBL, so one completion can carry successes and failures together.
# </details>
