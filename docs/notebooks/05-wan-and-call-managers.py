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
# # Registering CoNDIS WAN drivers and call managers
#
# Notebook 1 registered a plain CoNDIS miniport. The other CoNDIS drivers register the same way
# in outline (a base registration from `DriverEntry`, then CoNDIS handlers from a `SetOptions`
# handler) but each role adds its own structures. This notebook goes through them: the
# stand-alone call manager, the miniport call manager (MCM), the client, and the CoNDIS WAN
# miniport.
#
# **After this notebook you can**
#
# - register a stand-alone call manager: a protocol driver with two CoNDIS structures;
# - register an MCM: a miniport with call manager handlers, and the two handlers it must leave NULL;
# - say when each kind of call manager registers its address family;
# - register a CoNDIS WAN miniport and say what sets it apart.
#
# Microsoft's pages:
# [Registering CoNDIS WAN drivers](https://learn.microsoft.com/windows-hardware/drivers/network/registering-condis-wan-drivers),
# [CoNDIS call manager registration](https://learn.microsoft.com/windows-hardware/drivers/network/condis-call-manager-registration),
# [CoNDIS MCM registration](https://learn.microsoft.com/windows-hardware/drivers/network/condis-mcm-registration),
# [CoNDIS client registration](https://learn.microsoft.com/windows-hardware/drivers/network/condis-client-registration),
# [Differences in initialization](https://learn.microsoft.com/windows-hardware/drivers/network/differences-in-initialization),
# [NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS](https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/ns-ndis-_ndis_co_call_manager_optional_handlers).

# %% [markdown]
# ## One pattern, four roles
#
# | Driver | `DriverEntry` calls | Its `SetOptions` handler registers | Registers its AF |
# |---|---|---|---|
# | CoNDIS miniport (notebook 1) | `NdisMRegisterMiniportDriver` | `NDIS_MINIPORT_CO_CHARACTERISTICS` (6 handlers) | never: it has none |
# | stand-alone call manager | `NdisRegisterProtocolDriver` | `NDIS_PROTOCOL_CO_CHARACTERISTICS` (4) and `NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS` (17) | from `ProtocolBindAdapterEx`, once per adapter |
# | MCM | `NdisMRegisterMiniportDriver` | `NDIS_MINIPORT_CO_CHARACTERISTICS` (4: no create, no delete) and `NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS` (17) | from `MiniportInitializeEx`, once per adapter |
# | client | `NdisRegisterProtocolDriver` | `NDIS_PROTOCOL_CO_CHARACTERISTICS` (4) and `NDIS_CO_CLIENT_OPTIONAL_HANDLERS` (19) | never: it opens the call manager's |
#
# Every structure is checked by its header, like in notebook 1, and every handler slot of the two
# optional-handler structures must be filled: a call manager or client that does not support a
# feature (multipoint calls, say) registers a stub that returns `NDIS_STATUS_NOT_SUPPORTED`.

# %%
from condis_edu import Machine
from condis_edu.ndis import fill_header
from condis_edu.exercises import check
from condis_edu.exercises.kits import call_manager_handlers, loopback_with, mcm_handlers
from condis_edu.ndis import *  # noqa: F403
from condis_edu.samples import call_manager, client, loopback_miniport, mcm


def handler_names(structure):
    """The handler fields NDIS holds for a registered structure, and how many are set."""
    fields = [f for f in type(structure).__slots__ if f.endswith(("Handler", "HandlerEx"))]
    filled = [f for f in fields if getattr(structure, f) is not None]
    return f"{type(structure).__name__}: {len(filled)} of {len(fields)} handlers set"


# %% [markdown]
# ## A stand-alone call manager
#
# A stand-alone call manager is a protocol driver. Its `DriverEntry` registers
# `NDIS_PROTOCOL_DRIVER_CHARACTERISTICS` (type `0x95`) with `NdisRegisterProtocolDriver`, and NDIS
# calls its `ProtocolSetOptions` before that call returns, where it registers its two CoNDIS
# structures, one `NdisSetOptionalHandlers` call each:

# %%
machine = Machine()
machine.load_driver(loopback_miniport)
start = len(machine.trace)
cm_driver = machine.load_driver(call_manager)
print(handler_names(cm_driver.protocol.co))
print(handler_names(cm_driver.protocol.cm))
machine.trace.sequence(start, title="Registering a stand-alone call manager")

# %% [markdown]
# Nothing in that registration says *which* address family the driver manages, or on which
# adapter. A call manager becomes one per adapter: when NDIS binds it to a CoNDIS miniport, its
# `ProtocolBindAdapterEx` opens the adapter and registers the AF there with
# `NdisCmRegisterAddressFamilyEx`. At most one call manager may own a given AF on a given
# adapter.

# %%
nic = machine.start_adapter("loopback_miniport")
start = len(machine.trace)
machine.bind("call_manager", nic)
print(machine.trace.to_text(start))

# %% [markdown]
# ## A miniport call manager
#
# An MCM is not a protocol driver at all. It registers with `NdisMRegisterMiniportDriver`, like
# any miniport, and its `MiniportSetOptions` registers two structures:
# `NDIS_MINIPORT_CO_CHARACTERISTICS` and the same `NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS` a
# stand-alone call manager uses.
#
# Two of the six `MiniportCoXxx` handlers must stay NULL: `CoCreateVcHandler` and
# `CoDeleteVcHandler`. When a client creates a VC on an MCM, NDIS calls the MCM's
# *call manager* `ProtocolCoCreateVc` (the `CmCreateVcHandler`) and never a `MiniportCoCreateVc`;
# the documentation says to leave the two miniport slots NULL, and that NDIS ignores them in any
# case. And the MCM's `CmOidRequestHandler` must be a
# different function from its `CoOidRequestHandler`: the first answers requests addressed to the
# call manager, the second requests addressed to the miniport.

# %%
machine2 = Machine()
start = len(machine2.trace)
mcm_driver = machine2.load_driver(mcm)
registration = mcm_driver.miniports[0]
print(handler_names(registration.co), "| create:", registration.co.CoCreateVcHandler,
      "| delete:", registration.co.CoDeleteVcHandler)
print(handler_names(registration.cm))
machine2.trace.sequence(start, title="Registering an MCM")

# %% [markdown]
# An MCM has no binding to register its AF from: it *is* the adapter. It registers the AF from
# `MiniportInitializeEx`, with `NdisMCmRegisterAddressFamilyEx`, once for each adapter it starts:

# %%
start = len(machine2.trace)
machine2.start_adapter("mcm")
print(machine2.trace.to_text(start))

# %% [markdown]
# ## The client, for completeness
#
# The sample client registers like the call manager, with its 19 client handlers in
# `NDIS_CO_CLIENT_OPTIONAL_HANDLERS` in place of the call manager's 17. It never registers an
# AF: it waits for `ProtocolCoAfRegisterNotify` and opens the one it wants (notebook 4).

# %%
client_driver = machine.load_driver(client)
print(handler_names(client_driver.protocol.co))
print(handler_names(client_driver.protocol.cl))

# %% [markdown]
# ## CoNDIS WAN miniports
#
# A CoNDIS WAN miniport drives a dial-up, ISDN or other WAN line. Above it sits NDISWAN, which
# is its client and does the framing and compression, and TAPI reaches it through NDPROXY,
# which needs its call manager to offer the `CO_ADDRESS_FAMILY_TAPI_PROXY` address family.
# Registration itself holds no surprise, and that is the point of Microsoft's page on it:
#
# - it registers from `DriverEntry` with `NdisMRegisterMiniportDriver`, like any miniport (a WAN
#   MCM too);
# - it must declare NDIS 5.0 or later; an NDIS 6 driver declares 6.x, as ours do;
# - an NDIS 6 WAN driver registers its CoNDIS handlers exactly as in the table above: from
#   `MiniportSetOptions`, with `NdisSetOptionalHandlers`.
#
# What makes it a WAN miniport is the medium it reports when an adapter starts:
# `NdisMediumCoWan`. Here is the loopback miniport turned into a WAN one: only its
# `MiniportInitializeEx` changes (`loopback_with` is notebook 3's helper, packaged).

# %%
from condis_edu.samples.loopback_miniport.adapter import Adapter


def WanInitializeEx(NdisMiniportHandle, MiniportDriverContext, MiniportInitParameters):
    context = Adapter(NdisMiniportHandle, MiniportDriverContext)

    registration = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES()
    registration.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES
    registration.Header.Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1
    registration.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1
    registration.MiniportAdapterContext = context
    Status = NdisMSetMiniportAttributes(NdisMiniportHandle, registration)
    if Status != NDIS_STATUS_SUCCESS:
        return Status

    general = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES()
    fill_header(general)  # the simulation models only some of its fields; let it set the header
    general.MediaType = NdisMediumCoWan
    general.MtuSize = 1500
    general.MaxXmitLinkSpeed = general.MaxRcvLinkSpeed = 64_000  # one ISDN B channel
    Status = NdisMSetMiniportAttributes(NdisMiniportHandle, general)
    if Status != NDIS_STATUS_SUCCESS:
        return Status
    MiniportDriverContext.adapters.append(context)
    return NDIS_STATUS_SUCCESS


wan = Machine(verifier="collect")
wan.load_driver(loopback_with({"InitializeHandlerEx": WanInitializeEx}), name="wan_miniport")
line = wan.start_adapter("wan_miniport")
print(line, "medium:", line.general.MediaType == NdisMediumCoWan, "| findings:", wan.findings)

# %% [markdown]
# And the mistake the WAN page warns about: a WAN miniport registered the NDIS 5 way, or
# without `MiniportSetOptions`, has no CoNDIS handlers. NDIS accepts the registration, since it
# is a valid connectionless miniport, and notices only when the adapter reports a
# connection-oriented medium:

# %%
no_co = Machine(verifier="collect")
no_co.load_driver(loopback_with({"InitializeHandlerEx": WanInitializeEx}, co=False), name="wan_miniport")
no_co.start_adapter("wan_miniport")
for finding in no_co.findings:
    print("finding:", finding.short())
no_co.trace.sequence(title="A WAN miniport without CoNDIS handlers")

# %% [markdown]
# WAN miniports have a few data-path duties of their own: they never loop packets back
# (NDISWAN does that), and they report their send window through
# [`OID_WAN_CO_GET_INFO`](https://learn.microsoft.com/windows-hardware/drivers/network/oid-wan-co-get-info).
# The simulation does not model those WAN OIDs; notebooks 7 and 8 cover the send and receive
# paths and the general CoNDIS OIDs that every CoNDIS miniport answers, WAN or not.
#
# ## What you now know
#
# - Every CoNDIS driver registers its CoNDIS handlers from its `SetOptions` handler, with one
#   `NdisSetOptionalHandlers` call per structure.
# - A stand-alone call manager is a protocol driver with `NDIS_PROTOCOL_CO_CHARACTERISTICS` and
#   all 17 call manager handlers; it registers its AF per adapter when it binds.
# - An MCM is a miniport with call manager handlers; it leaves `CoCreateVcHandler` and
#   `CoDeleteVcHandler` NULL and registers its AF from `MiniportInitializeEx`.
# - A CoNDIS WAN miniport registers like any CoNDIS miniport, declares NDIS 5.0 or later and
#   reports `NdisMediumCoWan`.

# %% [markdown]
# ## Check your understanding
#
# A question about a trace before the exercises. The cell below runs a small scenario on the
# simulation and stops at the moment that matters; the answer is read from that same run, so it
# always agrees with the engine. Pick an answer: it is checked here in the page.

# %%
from condis_edu.exercises import quiz

quiz("nb05-mcm-create-vc")

# %% [markdown]
# ## Exercise 1: a stand-alone call manager's `ProtocolSetOptions`
#
# `CO_HANDLERS` and `CM_HANDLERS` map each field of the two structures to the sample call
# manager's function for it. Write the call manager's `ProtocolSetOptions`; the check registers
# the sample call manager with your function, binds it and makes a call through it.

# %%
CO_HANDLERS, CM_HANDLERS = call_manager_handlers()
print(list(CO_HANDLERS))
print(len(CM_HANDLERS), "call manager handlers")

# %%
# Exercise nb05-cm-set-options: register both CoNDIS structures of a call manager.
def MyCmSetOptions(NdisDriverHandle, DriverContext):
    co = NDIS_PROTOCOL_CO_CHARACTERISTICS()
    co.Header.Type = NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS
    co.Header.Revision = NDIS_PROTOCOL_CO_CHARACTERISTICS_REVISION_1
    co.Header.Size = NDIS_SIZEOF_PROTOCOL_CO_CHARACTERISTICS_REVISION_1
    for field, handler in CO_HANDLERS.items():
        setattr(co, field, handler)
    return NdisSetOptionalHandlers(NdisDriverHandle, co)
    # ...and what makes it a call manager?


# %%
from condis_edu.exercises import check

check("nb05-cm-set-options")

# %% [markdown]
# <details class="condis-solution" data-exercise="nb05-cm-set-options"><summary>Solution</summary>
#
# ```python
# # Exercise nb05-cm-set-options: register both CoNDIS structures of a call manager.
# def MyCmSetOptions(NdisDriverHandle, DriverContext):
#     co = NDIS_PROTOCOL_CO_CHARACTERISTICS()
#     co.Header.Type = NDIS_OBJECT_TYPE_CO_PROTOCOL_CHARACTERISTICS
#     co.Header.Revision = NDIS_PROTOCOL_CO_CHARACTERISTICS_REVISION_1
#     co.Header.Size = NDIS_SIZEOF_PROTOCOL_CO_CHARACTERISTICS_REVISION_1
#     for field, handler in CO_HANDLERS.items():
#         setattr(co, field, handler)
#     Status = NdisSetOptionalHandlers(NdisDriverHandle, co)
#     if Status != NDIS_STATUS_SUCCESS:
#         return Status
#
#     cm = NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS()
#     cm.Header.Type = NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS
#     cm.Header.Revision = NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1
#     cm.Header.Size = NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1
#     for field, handler in CM_HANDLERS.items():
#         setattr(cm, field, handler)
#     return NdisSetOptionalHandlers(NdisDriverHandle, cm)
# ```
#
# The starting code registered a CoNDIS protocol with no role: NDIS loaded it, but when it bound
# it could not register an address family, so there was nothing for the client to call through.
# </details>

# %% [markdown]
# ## Exercise 2: an MCM's `MiniportSetOptions`
#
# `MCM_CO_HANDLERS` holds the sample MCM's four `MiniportCoXxx` handlers and `MCM_CM_HANDLERS` its
# 17 call manager handlers. The starting code below registers the MCM the way notebook 1
# registered a plain miniport, with all six `MiniportCoXxx` slots filled. Fix it; the check
# registers the sample MCM with your function, starts it and makes a call through it.

# %%
MCM_CO_HANDLERS, MCM_CM_HANDLERS = mcm_handlers()
print(list(MCM_CO_HANDLERS))

# %%
# Exercise nb05-mcm-set-options: register the MCM's miniport and call manager handlers.
def MyMcmSetOptions(NdisDriverHandle, DriverContext):
    co = NDIS_MINIPORT_CO_CHARACTERISTICS()
    co.Header.Type = NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS
    co.Header.Revision = NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1
    co.Header.Size = NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1
    for field, handler in MCM_CO_HANDLERS.items():
        setattr(co, field, handler)
    co.CoCreateVcHandler = MCM_CM_HANDLERS["CmCreateVcHandler"]  # a plain miniport's habit
    co.CoDeleteVcHandler = MCM_CM_HANDLERS["CmDeleteVcHandler"]
    Status = NdisSetOptionalHandlers(NdisDriverHandle, co)
    if Status != NDIS_STATUS_SUCCESS:
        return Status

    cm = NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS()
    cm.Header.Type = NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS
    cm.Header.Revision = NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1
    cm.Header.Size = NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1
    for field, handler in MCM_CM_HANDLERS.items():
        setattr(cm, field, handler)
    return NdisSetOptionalHandlers(NdisDriverHandle, cm)


# %%
from condis_edu.exercises import check

check("nb05-mcm-set-options")

# %% [markdown]
# <details class="condis-solution" data-exercise="nb05-mcm-set-options"><summary>Solution</summary>
#
# ```python
# # Exercise nb05-mcm-set-options: register the MCM's miniport and call manager handlers.
# def MyMcmSetOptions(NdisDriverHandle, DriverContext):
#     co = NDIS_MINIPORT_CO_CHARACTERISTICS()
#     co.Header.Type = NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS
#     co.Header.Revision = NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1
#     co.Header.Size = NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1
#     for field, handler in MCM_CO_HANDLERS.items():  # four: no create, no delete
#         setattr(co, field, handler)
#     Status = NdisSetOptionalHandlers(NdisDriverHandle, co)
#     if Status != NDIS_STATUS_SUCCESS:
#         return Status
#
#     cm = NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS()
#     cm.Header.Type = NDIS_OBJECT_TYPE_CO_CALL_MANAGER_OPTIONAL_HANDLERS
#     cm.Header.Revision = NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1
#     cm.Header.Size = NDIS_SIZEOF_CO_CALL_MANAGER_OPTIONAL_HANDLERS_REVISION_1
#     for field, handler in MCM_CM_HANDLERS.items():
#         setattr(cm, field, handler)
#     return NdisSetOptionalHandlers(NdisDriverHandle, cm)
# ```
#
# With the two lines gone, NDIS sends VC creation and deletion for this adapter to the call
# manager half (`CmCreateVcHandler`, `CmDeleteVcHandler`) and nowhere else.
# </details>
