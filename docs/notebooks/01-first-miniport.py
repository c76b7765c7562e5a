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
# # Your first CoNDIS miniport
#
# A CoNDIS miniport starts life like any NDIS 6 miniport: its `DriverEntry` fills in a
# characteristics structure and hands it to `NdisMRegisterMiniportDriver`. What makes it
# *connection-oriented* happens one step later, in a handler NDIS calls while that registration is
# still in progress: `MiniportSetOptions`, where the driver registers the six `MiniportCoXxx`
# handlers with `NdisSetOptionalHandlers`.
#
# **After this notebook you can**
#
# - write the `DriverEntry` of an NDIS 6 miniport: zeroed characteristics, a correct
#   `NDIS_OBJECT_HEADER`, an NDIS version, the mandatory handlers;
# - explain why a CoNDIS miniport must have a `MiniportSetOptions`, and when NDIS calls it;
# - register the six CoNDIS handlers and say what each one is for;
# - read a trace, and a verifier finding when NDIS refuses a registration.
#
# Microsoft's pages for this notebook:
# [CoNDIS miniport driver registration](https://learn.microsoft.com/windows-hardware/drivers/network/condis-miniport-driver-registration),
# [NdisMRegisterMiniportDriver](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nf-ndis-ndismregisterminiportdriver),
# [NDIS_MINIPORT_CO_CHARACTERISTICS](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/ns-ndis-_ndis_miniport_co_characteristics),
# [MiniportSetOptions](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/nc-ndis-set_options).

# %% [markdown]
# ## Three imports
#
# A driver imports `condis_edu.ndis`, the way a C driver includes `ndis.h`: every DDI, structure,
# status and constant, under Microsoft's name. You, the person running the driver, use a
# `Machine`: a simulated computer that loads drivers and records what they do. `check` runs the
# exercises at the end of the notebook.

# %%
from condis_edu import Machine
from condis_edu.exercises import check
from condis_edu.ndis import *  # noqa: F403 - a driver sees all of ndis.h

print(hex(NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS), NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2)

# %% [markdown]
# ## Step 1: the handlers every NDIS 6 miniport registers
#
# `NdisMRegisterMiniportDriver` refuses a miniport that leaves any of these NULL: initialize,
# halt, unload, pause, restart, send, return, cancel-send, PnP notification, shutdown and
# cancel-OID. A CoNDIS miniport still registers the connectionless `MiniportSendNetBufferLists`,
# even though its data goes through `MiniportCoSendNetBufferLists` instead.
#
# None of these run in this notebook: NDIS calls `MiniportInitializeEx` only when Plug and Play
# starts an adapter, and we stop before that. So they are stubs; the sample miniport used from
# notebook 3 on has real ones.
#
# Two conventions of the simulation show up already. A handler's parameters are named as on its
# Microsoft page, and a handler that returns an `NDIS_STATUS` in C returns it here too; handlers
# that return `VOID` in C return nothing.

# %%
def MPInitializeEx(NdisMiniportHandle, MiniportDriverContext, MiniportInitParameters):
    return NDIS_STATUS_FAILURE  # no adapters in this notebook


def MPHaltEx(MiniportAdapterContext, HaltAction):
    pass


def MPDriverUnload(DriverObject):
    NdisMDeregisterMiniportDriver(DriverObject.DriverExtension.NdisMiniportDriverHandle)


def MPPause(MiniportAdapterContext, PauseParameters):
    return NDIS_STATUS_SUCCESS


def MPRestart(MiniportAdapterContext, RestartParameters):
    return NDIS_STATUS_SUCCESS


def MPSendNetBufferLists(MiniportAdapterContext, NetBufferList, PortNumber, SendFlags):
    pass  # connectionless sends: never used by a CoNDIS miniport, but mandatory


def MPReturnNetBufferLists(MiniportAdapterContext, NetBufferLists, ReturnFlags):
    pass


def MPCancelSend(MiniportAdapterContext, CancelId):
    pass


def MPDevicePnPEventNotify(MiniportAdapterContext, NetDevicePnPEvent):
    pass


def MPShutdownEx(MiniportAdapterContext, ShutdownAction):
    pass


def MPCancelOidRequest(MiniportAdapterContext, RequestId):
    pass


# %% [markdown]
# ## Step 2: the six CoNDIS handlers
#
# A connection-oriented miniport adds six entry points. Each one answers a request that starts
# in a protocol driver above it, a client or a call manager, and reaches the miniport through NDIS:
#
# | Handler | NDIS calls it when | Returns | Notebook |
# |---|---|---|---|
# | `MiniportCoCreateVc` | a client or call manager calls `NdisCoCreateVc` | at once: never `NDIS_STATUS_PENDING` | 3 |
# | `MiniportCoActivateVc` | a call manager calls `NdisCmActivateVc` | now, or `PENDING` then `NdisMCoActivateVcComplete` | 4 |
# | `MiniportCoDeactivateVc` | a call manager calls `NdisCmDeactivateVc` | now, or `PENDING` then `NdisMCoDeactivateVcComplete` | 4 |
# | `MiniportCoDeleteVc` | the VC's creator calls `NdisCoDeleteVc` | at once | 3 |
# | `MiniportCoSendNetBufferLists` | a protocol calls `NdisCoSendNetBufferLists` on a VC | nothing: every send completes later | 7 |
# | `MiniportCoOidRequest` | a protocol calls `NdisCoOidRequest` | now, or `PENDING` then `NdisMCoOidRequestComplete` | 8 |
#
# The first argument tells you the scope: VC handlers get the `MiniportVcContext` your
# `MiniportCoCreateVc` returned, and `MiniportCoCreateVc` and `MiniportCoOidRequest` get the
# adapter's context. Where C has an out-parameter, the Python handler returns a tuple, status
# first: `MiniportCoCreateVc` returns `(Status, MiniportVcContext)`.
#
# For now, minimal versions that accept everything:

# %%
class VcContext:
    """What this miniport remembers about one VC (a C driver would allocate a structure)."""

    def __init__(self, adapter, NdisVcHandle):
        self.adapter = adapter
        self.NdisVcHandle = NdisVcHandle  # needed later for NdisMCoXxx calls on this VC


def MPCoCreateVc(MiniportAdapterContext, NdisVcHandle):
    return NDIS_STATUS_SUCCESS, VcContext(MiniportAdapterContext, NdisVcHandle)


def MPCoDeleteVc(MiniportVcContext):
    return NDIS_STATUS_SUCCESS


def MPCoActivateVc(MiniportVcContext, CallParameters):
    return NDIS_STATUS_SUCCESS


def MPCoDeactivateVc(MiniportVcContext):
    return NDIS_STATUS_SUCCESS


def MPCoSendNetBufferLists(MiniportVcContext, NetBufferLists, SendFlags):
    pass


def MPCoOidRequest(MiniportAdapterContext, MiniportVcContext, NdisRequest):
    return NDIS_STATUS_NOT_SUPPORTED


# %% [markdown]
# ## Step 3: `MiniportSetOptions` registers them
#
# `NDIS_MINIPORT_DRIVER_CHARACTERISTICS` has no field for any `MiniportCoXxx` handler. The only
# way to give NDIS those six functions is `NdisSetOptionalHandlers`, and a miniport may call it
# only from its `MiniportSetOptions`. So for a CoNDIS miniport, `SetOptionsHandler` is not
# optional at all.
#
# Like every NDIS 6 structure, `NDIS_MINIPORT_CO_CHARACTERISTICS` starts with an
# `NDIS_OBJECT_HEADER`: NDIS reads its `Type` to learn what it was given, then checks that
# `Revision` is one it knows and that `Size` covers that revision. In C you would write
# `NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1`; the simulation uses the same constants,
# with their x64 values.

# %%
def MPSetOptions(NdisDriverHandle, DriverContext):
    co = NDIS_MINIPORT_CO_CHARACTERISTICS()  # every field 0 or None (NULL), like NdisZeroMemory
    co.Header.Type = NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS
    co.Header.Revision = NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1
    co.Header.Size = NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1
    co.CoCreateVcHandler = MPCoCreateVc
    co.CoDeleteVcHandler = MPCoDeleteVc
    co.CoActivateVcHandler = MPCoActivateVc
    co.CoDeactivateVcHandler = MPCoDeactivateVc
    co.CoSendNetBufferListsHandler = MPCoSendNetBufferLists
    co.CoOidRequestHandler = MPCoOidRequest
    return NdisSetOptionalHandlers(NdisDriverHandle, co)


co = NDIS_MINIPORT_CO_CHARACTERISTICS()
co.Header  # what a freshly zeroed structure looks like to NDIS


# %% [markdown]
# ## Step 4: `DriverEntry`
#
# `DriverEntry` gets the `DRIVER_OBJECT` the system created for the driver and the driver's
# registry path. It fills `NDIS_MINIPORT_DRIVER_CHARACTERISTICS`:
#
# - the **header**: type `NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS` (0x8A); revision 1
#   for NDIS 6.0, 2 from NDIS 6.1 (adds the direct-OID handlers), 3 from NDIS 6.80; and the
#   matching size;
# - the **NDIS version** the driver is written for, 6.30 here, and its own version;
# - **Flags** 0: this is neither an intermediate driver nor a WDM lower edge;
# - the **handlers**: we put the assignments in a helper, so the experiments below can reuse them.
#
# `NdisMRegisterMiniportDriver` copies the structure, so it may live on `DriverEntry`'s stack. It
# returns the status and, on success, `NdisMiniportDriverHandle`, which the driver keeps for
# later calls such as `NdisMDeregisterMiniportDriver`. A C driver keeps it in a global; we keep
# it on `DriverObject.DriverExtension`, which the simulation leaves free for the driver.

# %%
class MiniportGlobals:
    """Driver-wide state."""

    def __init__(self):
        self.NdisMiniportDriverHandle = None


def set_handlers(chars):
    chars.SetOptionsHandler = MPSetOptions
    chars.InitializeHandlerEx = MPInitializeEx
    chars.HaltHandlerEx = MPHaltEx
    chars.UnloadHandler = MPDriverUnload
    chars.PauseHandler = MPPause
    chars.RestartHandler = MPRestart
    chars.SendNetBufferListsHandler = MPSendNetBufferLists
    chars.ReturnNetBufferListsHandler = MPReturnNetBufferLists
    chars.CancelSendHandler = MPCancelSend
    chars.DevicePnPEventNotifyHandler = MPDevicePnPEventNotify
    chars.ShutdownHandlerEx = MPShutdownEx
    chars.CancelOidRequestHandler = MPCancelOidRequest


def DriverEntry(DriverObject, RegistryPath):
    globals_ = MiniportGlobals()
    DriverObject.DriverExtension = globals_

    chars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
    chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS
    chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
    chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
    chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
    chars.MajorDriverVersion, chars.MinorDriverVersion = 1, 0
    chars.Flags = 0
    set_handlers(chars)

    Status, NdisMiniportDriverHandle = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, globals_, chars)
    if Status != NDIS_STATUS_SUCCESS:
        return STATUS_UNSUCCESSFUL
    globals_.NdisMiniportDriverHandle = NdisMiniportDriverHandle
    return STATUS_SUCCESS


# %% [markdown]
# ## Load it
#
# `Machine.load_driver` does what the I/O manager does: it builds a `DRIVER_OBJECT` and calls
# `DriverEntry`. The third argument we passed to `NdisMRegisterMiniportDriver`, `globals_`, is the
# *driver context*: NDIS hands it back to `MiniportSetOptions` and `MiniportInitializeEx`.

# %%
machine = Machine()
driver = machine.load_driver(DriverEntry, name="first_miniport")
print(driver, "loaded:", driver.loaded)
print("kept:", driver.driver_object.DriverExtension.NdisMiniportDriverHandle)

# %% [markdown]
# Everything that crossed the boundary between the driver and NDIS is in `machine.trace`. Each
# line is one call, `->` for a call and `-->` for its return, indented while it is in progress:

# %%
print(machine.trace.to_text())

# %% [markdown]
# The same trace as a sequence diagram. Look at the nesting: NDIS calls `MiniportSetOptions`
# *inside* `NdisMRegisterMiniportDriver`, before that call returns to `DriverEntry`. That is why
# `MPSetOptions` can only use what `DriverEntry` passed to NDIS (the driver context), and not
# the handle `NdisMRegisterMiniportDriver` has not returned yet: NDIS passes that handle to
# `MiniportSetOptions` as its first argument instead.

# %%
machine.trace.sequence(title="Registering a CoNDIS miniport")

# %% [markdown]
# NDIS now holds its own copy of the characteristics, including the six CoNDIS handlers.
# Changing our structures after registration would change nothing.

# %%
registration = driver.miniports[0]
print("miniport handlers:", registration.chars.InitializeHandlerEx.__name__, "...")
print("CoNDIS handlers:  ", ", ".join(
    getattr(registration.co, field).__name__
    for field in ("CoCreateVcHandler", "CoDeleteVcHandler", "CoActivateVcHandler",
                  "CoDeactivateVcHandler", "CoSendNetBufferListsHandler", "CoOidRequestHandler")
))

# %% [markdown]
# ## What NDIS refuses
#
# The real NDIS checks a registration before accepting it, and answers a bad one with
# `NDIS_STATUS_BAD_CHARACTERISTICS` or `NDIS_STATUS_BAD_VERSION`. The simulation does the same,
# and its *verifier* also says which documented rule the driver broke. Here it runs in
# **collect** mode: a broken rule is recorded as a finding and NDIS refuses the call, instead of
# stopping the whole machine as a bug check would.
#
# `try_variant` loads a variant of our driver whose characteristics have been changed by one
# small function, and shows what happened.

# %%
def driver_entry_with(change):
    """Our DriverEntry, with change(chars) applied just before registering."""

    def VariantDriverEntry(DriverObject, RegistryPath):
        chars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
        chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS
        chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
        chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
        chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
        set_handlers(chars)
        change(chars)
        Status, _ = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, None, chars)
        return STATUS_SUCCESS if Status == NDIS_STATUS_SUCCESS else STATUS_UNSUCCESSFUL

    return VariantDriverEntry


def try_variant(name, change):
    m = Machine(verifier="collect")
    d = m.load_driver(driver_entry_with(change), name=name)
    print(f"{name}: loaded={d.loaded}")
    for finding in m.findings:
        print("   ", finding.short())
    return m


def revision_1_size(chars):
    chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1


def ndis_5(chars):
    chars.MajorNdisVersion, chars.MinorNdisVersion = 5, 1


def no_pause(chars):
    chars.PauseHandler = None


try_variant("short_header", revision_1_size)
try_variant("ndis_5", ndis_5)
try_variant("no_pause", no_pause);

# %% [markdown]
# The first says revision 2 but gives revision 1's size, so NDIS cannot trust the fields the
# structure claims to have. The second asks for an NDIS version this NDIS does not offer: an
# NDIS 6 miniport declares a 6.x version. The third has no pause handler; pause and restart are
# mandatory for every NDIS 6 miniport, and CoNDIS 6 drivers were explicitly required to add them
# when they were ported from NDIS 5.
#
# Now a mistake in the CoNDIS part: a `MiniportSetOptions` that registers only one of the six
# handlers. NDIS asks for `MiniportSetOptions` during registration, so this is still
# `NdisMRegisterMiniportDriver` refusing the driver:

# %%
def MPSetOptionsIncomplete(NdisDriverHandle, DriverContext):
    co = NDIS_MINIPORT_CO_CHARACTERISTICS()
    co.Header.Type = NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS
    co.Header.Revision = NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1
    co.Header.Size = NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1
    co.CoCreateVcHandler = MPCoCreateVc
    return NdisSetOptionalHandlers(NdisDriverHandle, co)


def incomplete_set_options(chars):
    chars.SetOptionsHandler = MPSetOptionsIncomplete


broken = try_variant("incomplete_co", incomplete_set_options)

# %% [markdown]
# Every finding carries its rule: the rule's id, a one-line summary, the driver and the call, and
# two links, to Microsoft's page and to the rule's page on this site (the Rules tab). The trace
# shows where in the registration NDIS noticed:

# %%
broken.findings[0]

# %%
broken.trace.sequence(title="A CoNDIS miniport with five handlers missing")

# %% [markdown]
# ## Check your understanding
#
# A question about a trace before the exercises. The cell below runs a small scenario on the
# simulation and stops at the moment that matters; the answer is read from that same run, so it
# always agrees with the engine. Pick an answer: it is checked here in the page.

# %%
from condis_edu.exercises import quiz

quiz("nb01-next-after-register")

# %% [markdown]
# ## What you now know
#
# - `DriverEntry` zeroes `NDIS_MINIPORT_DRIVER_CHARACTERISTICS`, fills its header, version and
#   mandatory handlers, calls `NdisMRegisterMiniportDriver` and keeps the handle it returns.
# - NDIS calls `MiniportSetOptions` synchronously, inside `NdisMRegisterMiniportDriver`.
# - A CoNDIS miniport registers its six `MiniportCoXxx` handlers there, with
#   `NdisSetOptionalHandlers` and an `NDIS_MINIPORT_CO_CHARACTERISTICS` whose header is checked
#   like any other.
# - NDIS refuses a registration it cannot trust, and the verifier names the rule.
#
# Next, the miniport gets an adapter and its handlers start to run: notebook 2 tours them all,
# and notebook 3 starts with the first one a call needs, `MiniportCoCreateVc`.

# %% [markdown]
# ## Exercise 1: finish `DriverEntry`
#
# The `DriverEntry` below has the handlers but nothing else. Make it register the miniport as an
# NDIS 6.30 driver with revision 2 characteristics, keep `NdisMiniportDriverHandle` in a
# `MiniportGlobals` on `DriverObject.DriverExtension`, and return `STATUS_SUCCESS`, or
# `STATUS_UNSUCCESSFUL` if NDIS refuses. You may reuse `set_handlers` from above.

# %%
# Exercise nb01-driver-entry: finish this DriverEntry.
def MyDriverEntry(DriverObject, RegistryPath):
    chars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
    set_handlers(chars)
    # 1. fill chars.Header (type, revision 2, size) and the NDIS version (6.30)
    # 2. register with NdisMRegisterMiniportDriver, keep the handle, return the right NTSTATUS
    return STATUS_UNSUCCESSFUL


# %%
from condis_edu.exercises import check

check("nb01-driver-entry")

# %% [markdown]
# <details class="condis-solution" data-exercise="nb01-driver-entry"><summary>Solution</summary>
#
# ```python
# # Exercise nb01-driver-entry: finish this DriverEntry.
# def MyDriverEntry(DriverObject, RegistryPath):
#     globals_ = MiniportGlobals()
#     DriverObject.DriverExtension = globals_
#     chars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
#     chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS
#     chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
#     chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
#     chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
#     set_handlers(chars)
#     Status, handle = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, globals_, chars)
#     if Status != NDIS_STATUS_SUCCESS:
#         return STATUS_UNSUCCESSFUL
#     globals_.NdisMiniportDriverHandle = handle
#     return STATUS_SUCCESS
# ```
#
# The handle is kept only after checking the status: on failure NDIS returns no handle.
# </details>

# %% [markdown]
# ## Exercise 2: `MiniportSetOptions`
#
# Write a `MiniportSetOptions` that registers the six CoNDIS handlers from step 2 (`MPCoCreateVc`
# and the rest). The check plugs it into a complete miniport and loads it.

# %%
# Exercise nb01-set-options: register the six MiniportCoXxx handlers.
def MySetOptions(NdisDriverHandle, DriverContext):
    co = NDIS_MINIPORT_CO_CHARACTERISTICS()
    # fill co.Header, set the six Co...Handler fields, give co to NDIS
    return NDIS_STATUS_SUCCESS


# %%
from condis_edu.exercises import check

check("nb01-set-options")

# %% [markdown]
# Notice what the starting code's result says: a miniport whose `MiniportSetOptions` registers
# nothing still loads, as a *connectionless* miniport. NDIS cannot know you meant it to be
# connection-oriented.
#
# <details class="condis-solution" data-exercise="nb01-set-options"><summary>Solution</summary>
#
# ```python
# # Exercise nb01-set-options: register the six MiniportCoXxx handlers.
# def MySetOptions(NdisDriverHandle, DriverContext):
#     co = NDIS_MINIPORT_CO_CHARACTERISTICS()
#     co.Header.Type = NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS
#     co.Header.Revision = NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1
#     co.Header.Size = NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1
#     co.CoCreateVcHandler = MPCoCreateVc
#     co.CoDeleteVcHandler = MPCoDeleteVc
#     co.CoActivateVcHandler = MPCoActivateVc
#     co.CoDeactivateVcHandler = MPCoDeactivateVc
#     co.CoSendNetBufferListsHandler = MPCoSendNetBufferLists
#     co.CoOidRequestHandler = MPCoOidRequest
#     return NdisSetOptionalHandlers(NdisDriverHandle, co)
# ```
#
# Returning what `NdisSetOptionalHandlers` returned matters: if NDIS refuses the structure,
# `NdisMRegisterMiniportDriver` must fail too, rather than leave a CoNDIS miniport without its
# CoNDIS handlers.
# </details>
