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
# # Intermediate drivers
#
# An intermediate (IM) driver sits in the middle of a stack. Seen from below it is a protocol
# driver: it binds to an adapter and sends and receives on it. Seen from above it is a miniport: it
# exposes a *virtual miniport* that other protocols bind to as if it were a network card. LAN
# emulation over ATM is the classic CoNDIS case: the IM's lower edge is a CoNDIS client that makes
# a call, and its upper edge is an ordinary Ethernet-like adapter, so Ethernet protocols run
# unchanged over a connection-oriented network.
#
# **After this notebook you can**
#
# - register an IM's miniport edge: the `NDIS_INTERMEDIATE_DRIVER` flag, the handlers it must,
#   may and must not supply;
# - associate the IM's two registrations with `NdisIMAssociateMiniport`;
# - start a virtual miniport with `NdisIMInitializeDeviceInstanceEx`, using the
#   `NdisMiniportDriverHandle` kept from registration;
# - explain why the virtual miniport pauses before the adapter below it, and restarts after it.
#
# Microsoft's pages:
# [NDIS intermediate drivers](https://learn.microsoft.com/windows-hardware/drivers/network/ndis-intermediate-drivers),
# [Registering an intermediate driver as a miniport driver](https://learn.microsoft.com/windows-hardware/drivers/network/registering-an-intermediate-driver-as-a-miniport-driver),
# [NdisIMAssociateMiniport](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisimassociateminiport),
# [NdisIMInitializeDeviceInstanceEx](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisiminitializedeviceinstanceex),
# [NdisIMDeInitializeDeviceInstance](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndisimdeinitializedeviceinstance),
# [Driver stack management](https://learn.microsoft.com/windows-hardware/drivers/network/driver-stack-management).

# %% [markdown]
# ## The stack
#
# The package's sample IM, `lane_im`, emulates a LAN over the loopback CoNDIS miniport:
#
# | Layer | Driver | Kind |
# |---|---|---|
# | top | `ethproto` | a small connectionless protocol that sends Ethernet-style frames |
# | virtual miniport `lane0` | `lane_im`, upper edge | connectionless, deserialized miniport, medium 802.3 |
# | binding to `loopback0` | `lane_im`, lower edge | CoNDIS client: one call to the `lane` service carries every frame |
# | `loopback0` | `loopback_miniport` | CoNDIS miniport (with the sample `call_manager` for signaling) |
#
# Loading `lane_im` shows the IM's `DriverEntry`: two registrations and an association.

# %%
from condis_edu import Machine
from condis_edu.exercises import check
from condis_edu.exercises.kits import lane_im_with
from condis_edu.ndis import *  # noqa: F403
from condis_edu.samples import call_manager, ethproto, lane_im, loopback_miniport
from condis_edu.samples.client.bind import ClBindAdapterEx
from condis_edu.samples.lane_im import driver as lane_driver
from condis_edu.samples.lane_im import miniport as lane_mp

machine = Machine()
machine.load_driver(loopback_miniport)
machine.load_driver(call_manager)
start = len(machine.trace)
machine.load_driver(lane_im)
machine.trace.sequence(start, title="DriverEntry of an intermediate driver")

# %% [markdown]
# ## Registering as a miniport
#
# The IM's miniport edge registers with the same `NdisMRegisterMiniportDriver` as any miniport
# (notebook 1), with two differences:
#
# - `Flags` includes `NDIS_INTERMEDIATE_DRIVER`. That tells NDIS there is no hardware behind this
#   miniport: its adapters appear only when the IM asks for them.
# - The handler table follows IM rules. Some handlers an ordinary miniport may leave NULL are
#   required, because the virtual miniport must handle OIDs from the protocols above; and two that
#   only make sense for hardware must stay NULL, because NDIS never checks a virtual miniport for
#   hangs and never resets it.
#
# `condis_edu.ndis` has those three lists (the registration checks the same ones):

# %%
print("required:     ", ", ".join(IM_REQUIRED))
print("optional:     ", ", ".join(IM_OPTIONAL))
print("must be NULL: ", ", ".join(IM_MUST_BE_NULL))
registration = machine.driver("lane_im").miniports[0]
print()
print("lane_im registered Flags =", hex(registration.chars.Flags),
      "| intermediate:", bool(registration.chars.Flags & NDIS_INTERMEDIATE_DRIVER))

# %% [markdown]
# The IM must keep the `NdisMiniportDriverHandle` that `NdisMRegisterMiniportDriver` returns: it
# is the handle it will pass to `NdisIMInitializeDeviceInstanceEx` for every virtual miniport it
# starts. The protocol edge registers next, with `NdisRegisterProtocolDriver` (its `SetOptions`
# handler registers the CoNDIS client handlers, as in notebook 5), and
# `NdisIMAssociateMiniport` ties the two registrations together so NDIS knows they are one driver.
#
# ## What NDIS refuses
#
# `lane_im_with(fill)` builds the sample's `DriverEntry` with our own function filling the
# miniport characteristics (after the header and version). Here is the sample's own filling, and
# two variants with the most common mistakes, each loaded in collect mode:

# %%
def fill_lane(mchars):
    mchars.Flags = NDIS_INTERMEDIATE_DRIVER
    mchars.InitializeHandlerEx = lane_mp.LaneInitializeEx
    mchars.HaltHandlerEx = lane_mp.LaneHaltEx
    mchars.UnloadHandler = lane_driver.LaneUnload
    mchars.PauseHandler = lane_mp.LanePause
    mchars.RestartHandler = lane_mp.LaneRestart
    mchars.OidRequestHandler = lane_mp.LaneOidRequest
    mchars.SendNetBufferListsHandler = lane_mp.LaneSendNetBufferLists
    mchars.ReturnNetBufferListsHandler = lane_mp.LaneReturnNetBufferLists
    mchars.CancelSendHandler = lane_mp.LaneCancelSend
    mchars.DevicePnPEventNotifyHandler = lane_mp.LaneDevicePnPEventNotify
    mchars.ShutdownHandlerEx = lane_mp.LaneShutdownEx
    mchars.CancelOidRequestHandler = lane_mp.LaneCancelOidRequest


def with_reset(mchars):
    fill_lane(mchars)
    mchars.ResetHandlerEx = lambda MiniportAdapterContext: (NDIS_STATUS_SUCCESS, False)


def without_oids(mchars):
    fill_lane(mchars)
    mchars.OidRequestHandler = None


for name, fill in (("the sample's table", fill_lane), ("with a reset handler", with_reset),
                   ("without OidRequestHandler", without_oids)):
    m = Machine(verifier="collect")
    record = m.load_driver(lane_im_with(fill), name="lane_im")
    print(f"{name}: loaded={record.loaded}")
    for finding in m.findings:
        print("   ", finding.short())

# %% [markdown]
# ## Starting a virtual miniport
#
# An IM decides when its virtual miniports exist. The sample starts one per lower adapter: in its
# `ProtocolBindAdapterEx` it opens the adapter like the sample client does, then calls
# `NdisIMInitializeDeviceInstanceEx(NdisMiniportDriverHandle, DriverInstance, DeviceContext)`.
# `DriverInstance` names the virtual device; `DeviceContext` is any value the IM wants back, and
# NDIS hands it over in `MiniportInitializeEx`'s parameters as `IMDeviceInstanceContext`. The
# sample passes its lower binding, so the new virtual miniport knows which adapter it sits on.
#
# NDIS does not initialize the virtual miniport inside the call: Plug and Play starts the device
# afterwards, and only then does `MiniportInitializeEx` run.

# %%
nic = machine.start_adapter("loopback_miniport")
start = len(machine.trace)
machine.bind("lane_im", nic)
print(machine.trace.to_text(start, hide=Machine.WORK_ITEM_DDIS))
print([(a.name, a.state.name) for a in machine.adapters])

# %% [markdown]
# `lane0` now runs. It is an adapter like any other, so NDIS can bind protocols to it. The IM then
# makes the call that will carry the frames, and `ethproto` binds to `lane0` and sends two frames.
# Each frame is copied into one of the IM's own NBLs and sent on the VC; the loopback NIC echoes it;
# the IM copies the echo into an NBL of its virtual miniport and indicates it up.

# %%
machine.bind("call_manager", nic)
machine.load_driver(ethproto)
call = lane_im.connect(machine)
machine.run_until_idle()
machine.bind_all()
print("lane call:", call, "| ethproto bound to:", [b.adapter.name for a in machine.adapters for b in a.bindings
                                                     if b.driver.name == "ethproto"])
start = len(machine.trace)
ethproto.send_frames(machine, [b"hello", b"world"])
machine.run_until_idle()
print("ethproto got back:", ethproto.statistics(machine)["received"])
machine.trace.sequence(start, title="A frame through the virtual miniport and the VC")

# %% [markdown]
# The diagram has two miniport edges in it: `lane_im` answers `MiniportSendNetBufferLists` as a
# miniport, and calls `NdisCoSendNetBufferLists` as a CoNDIS client. The two halves are separate
# loans: the frame from `ethproto` stays with the IM until the IM's own NBL comes back from the VC,
# and only then does the IM complete the frame upward.
#
# ## Pause and restart: the stack pauses from the top
#
# When NDIS pauses `loopback0`, the IM's sends on it would come back with `NDIS_STATUS_PAUSED`, and
# any frames the IM still has in flight below must return first. So NDIS pauses the virtual
# miniport above **first**: `lane0` stops taking frames and waits for its own sends below to come
# back, then `loopback0` pauses. Restarting goes the other way: the adapter below first, then the
# virtual miniport on top of it.

# %%
start = len(machine.trace)
machine.pause_adapter(nic)
print("paused:   ", [(a.name, a.state.name) for a in machine.adapters])
ethproto.send_frames(machine, [b"while paused"])
machine.run_until_idle()
machine.restart_adapter(nic)
print("restarted:", [(a.name, a.state.name) for a in machine.adapters])
shown = {"MiniportPause", "MiniportRestart", "NdisMPauseComplete", "NdisMRestartComplete",
         "ProtocolNetPnPEvent", "MiniportSendNetBufferLists", "NdisMSendNetBufferListsComplete"}
hidden = {e.name for e in machine.trace.events[start:]} - shown
machine.trace.sequence(start, title="Pausing loopback0 pauses lane0 first", hide=hidden)

# %% [markdown]
# The frame sent while `lane0` was paused came back from the IM at once with
# `NDIS_STATUS_PAUSED`: a paused miniport, virtual or not, takes no sends. Nothing got lost:

# %%
stats = ethproto.statistics(machine)
print("sent", stats["sent"], "completed", {status_name(k): v for k, v in stats["completed"].items()})
print("verifier findings:", machine.findings)

# %% [markdown]
# ## Removing the virtual miniport
#
# When the IM unbinds from the adapter below, it first removes the virtual miniport above it with
# `NdisIMDeInitializeDeviceInstance`: NDIS unbinds the protocols from `lane0`, pauses it and calls
# its `MiniportHaltEx`. Halting `loopback0` sets all of that off:

# %%
machine.halt_adapter(nic)
print("adapters left:", machine.adapters, "| findings:", machine.findings)

# %% [markdown]
# ## What you now know
#
# - An IM registers a miniport edge with `NDIS_INTERMEDIATE_DRIVER` and a protocol edge, and
#   associates them with `NdisIMAssociateMiniport`.
# - Its virtual miniport supplies twelve handlers, including the OID handlers, and leaves
#   `CheckForHangHandlerEx` and `ResetHandlerEx` NULL.
# - It keeps its `NdisMiniportDriverHandle` and passes it to `NdisIMInitializeDeviceInstanceEx`,
#   usually from `ProtocolBindAdapterEx`; NDIS initializes the virtual miniport afterwards, with
#   the `DeviceContext` in `IMDeviceInstanceContext`.
# - NDIS pauses the virtual miniport before the adapter beneath it and restarts it after.

# %% [markdown]
# ## Check your understanding
#
# A question about a trace before the exercises. The cell below runs a small scenario on the
# simulation and stops at the moment that matters; the answer is read from that same run, so it
# always agrees with the engine. Pick an answer: it is checked here in the page.

# %%
from condis_edu.exercises import quiz

quiz("nb06-virtual-miniport-start")

# %% [markdown]
# ## Exercise 1: the virtual miniport's handler table
#
# Write the function that fills the IM's `NDIS_MINIPORT_DRIVER_CHARACTERISTICS` (the header and
# version are already set when it runs). The sample's handlers are imported above as `lane_mp`
# (and `lane_driver.LaneUnload`). The starting code was copied from an ordinary miniport: fix it.

# %%
# Exercise nb06-im-chars: make this an intermediate driver's miniport table.
def my_fill(mchars):
    mchars.Flags = 0
    mchars.InitializeHandlerEx = lane_mp.LaneInitializeEx
    mchars.HaltHandlerEx = lane_mp.LaneHaltEx
    mchars.UnloadHandler = lane_driver.LaneUnload
    mchars.PauseHandler = lane_mp.LanePause
    mchars.RestartHandler = lane_mp.LaneRestart
    mchars.SendNetBufferListsHandler = lane_mp.LaneSendNetBufferLists
    mchars.ReturnNetBufferListsHandler = lane_mp.LaneReturnNetBufferLists
    mchars.CancelSendHandler = lane_mp.LaneCancelSend
    mchars.DevicePnPEventNotifyHandler = lane_mp.LaneDevicePnPEventNotify
    mchars.ShutdownHandlerEx = lane_mp.LaneShutdownEx
    mchars.CancelOidRequestHandler = lane_mp.LaneCancelOidRequest


# %%
from condis_edu.exercises import check

check("nb06-im-chars")

# %% [markdown]
# <details class="condis-solution" data-exercise="nb06-im-chars"><summary>Solution</summary>
#
# ```python
# # Exercise nb06-im-chars: make this an intermediate driver's miniport table.
# def my_fill(mchars):
#     mchars.Flags = NDIS_INTERMEDIATE_DRIVER
#     mchars.InitializeHandlerEx = lane_mp.LaneInitializeEx
#     mchars.HaltHandlerEx = lane_mp.LaneHaltEx
#     mchars.UnloadHandler = lane_driver.LaneUnload
#     mchars.PauseHandler = lane_mp.LanePause
#     mchars.RestartHandler = lane_mp.LaneRestart
#     mchars.OidRequestHandler = lane_mp.LaneOidRequest
#     mchars.SendNetBufferListsHandler = lane_mp.LaneSendNetBufferLists
#     mchars.ReturnNetBufferListsHandler = lane_mp.LaneReturnNetBufferLists
#     mchars.CancelSendHandler = lane_mp.LaneCancelSend
#     mchars.DevicePnPEventNotifyHandler = lane_mp.LaneDevicePnPEventNotify
#     mchars.ShutdownHandlerEx = lane_mp.LaneShutdownEx
#     mchars.CancelOidRequestHandler = lane_mp.LaneCancelOidRequest
# ```
#
# Two changes: the flag, and `OidRequestHandler`, which protocols bound to the virtual miniport
# need. Nothing is added for reset or hang checks.
# </details>

# %% [markdown]
# ## Exercise 2: start the virtual miniport
#
# Write the IM's `ProtocolBindAdapterEx`. Open the lower adapter the way the sample client does, by
# calling `ClBindAdapterEx` (imported above) with the same arguments; if that succeeds, the new
# binding is the last one in `ProtocolDriverContext.bindings`. Then ask NDIS for a virtual
# miniport on top of it. `ProtocolDriverContext` is the IM's global context (a `LaneGlobals`): it
# holds `NdisMiniportDriverHandle`, `NdisProtocolHandle`, and a counter `instances` for naming
# virtual miniports `lane0`, `lane1`, ...

# %%
# Exercise nb06-bind-adapter: open the lower adapter, then start a virtual miniport above it.
def MyBindAdapterEx(ProtocolDriverContext, BindContext, BindParameters):
    return ClBindAdapterEx(ProtocolDriverContext, BindContext, BindParameters)


# %%
from condis_edu.exercises import check

check("nb06-bind-adapter")

# %% [markdown]
# <details class="condis-solution" data-exercise="nb06-bind-adapter"><summary>Solution</summary>
#
# ```python
# # Exercise nb06-bind-adapter: open the lower adapter, then start a virtual miniport above it.
# def MyBindAdapterEx(ProtocolDriverContext, BindContext, BindParameters):
#     Status = ClBindAdapterEx(ProtocolDriverContext, BindContext, BindParameters)
#     if Status != NDIS_STATUS_SUCCESS:
#         return Status
#     binding = ProtocolDriverContext.bindings[-1]
#     name = f"lane{ProtocolDriverContext.instances}"
#     ProtocolDriverContext.instances += 1
#     NdisIMInitializeDeviceInstanceEx(ProtocolDriverContext.NdisMiniportDriverHandle, name, binding)
#     return Status
# ```
#
# The handle is the miniport driver's, kept since `DriverEntry`; the protocol handle names the
# other registration and NDIS refuses it. Each instance needs a name of its own: NDIS answers
# `NDIS_STATUS_NOT_ACCEPTED` for a name already in use.
# </details>
