"""What each verifier rule means, a driver that breaks it and the same driver fixed.

The rule pages (``docs/rules/<family>.md``) are generated from this module together with the
catalogue (``rule_pages.py``): the generator runs every example, writes what it printed under it, and refuses to
write a page whose broken example does not trigger exactly its rule or whose fixed example
triggers any. The tests run them again, in CPython and in Pyodide.

An example is a few lines that run after ``PREAMBLE`` in one namespace, leave a machine in
``m`` (always ``Machine(verifier="collect")``, so a finding is recorded instead of stopping
the machine) and end with ``print(rules_broken(m))``.

``TAUGHT_IN`` says which notebook sections teach a rule: section heading -> rule ids. A test
checks that every heading exists in its notebook.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

PREAMBLE: Final = '''\
from condis_edu import Machine
from condis_edu.ndis import *
from condis_edu.samples import client
from condis_edu.samples.common import call_parameters, loopback_af
from condis_edu.testing import loopback_machine, miniport_driver, protocol_driver


def rules_broken(m):
    """The ids of the rules the verifier recorded on machine m, in order."""
    return [finding.rule.id for finding in m.findings]


def oid_query(oid):
    """An NDIS_OID_REQUEST that queries oid, with room for 64 bytes of answer."""
    request = NDIS_OID_REQUEST(RequestType=NdisRequestQueryInformation)
    fill_header(request)
    request.DATA.QUERY_INFORMATION.Oid = oid
    request.DATA.QUERY_INFORMATION.InformationBufferLength = 64
    return request
'''
"""What every example runs first (shown once at the top of each rule page)."""


@dataclass(frozen=True, slots=True)
class Lesson:
    """One rule, taught: its meaning in plain words and, for checked rules, two examples."""

    meaning: str
    broken: str = ""
    fixed: str = ""


def _lesson(meaning: str, broken: str = "", fixed: str = "") -> Lesson:
    def code(text: str) -> str:
        return text.strip("\n") + "\n" if text else ""

    return Lesson(" ".join(meaning.split()), code(broken), code(fixed))


_PRINT = "print(rules_broken(m))"

LESSONS: Final[dict[str, Lesson]] = {
    # ------------------------------------------------------------------ registration
    "R1.01": _lesson(
        """A miniport driver registers itself from DriverEntry, with NdisMRegisterMiniportDriver.
        A driver whose DriverEntry returns without registering, and registers later from some
        other place, is not registering the way NDIS expects.""",
        f"""
late = miniport_driver(name="late_miniport")

def EmptyDriverEntry(DriverObject, RegistryPath):
    return STATUS_SUCCESS                      # registers nothing

m = Machine(verifier="collect")
d = m.load_driver(EmptyDriverEntry, name="late_miniport")
# the same registration, after DriverEntry returned
with m.running_as("late_miniport"):
    late.DriverEntry(d.driver_object, d.registry_path)
{_PRINT}
""",
        f"""
m = Machine(verifier="collect")
m.load_driver(late)                            # its DriverEntry registers, as it should
{_PRINT}
""",
    ),
    "R1.06": _lesson(
        """What a driver registered it must deregister. If DriverEntry fails after a successful
        NdisMRegisterMiniportDriver, DriverEntry itself calls NdisMDeregisterMiniportDriver before
        returning the failure; otherwise the unload routine does it.""",
        f"""
def fail_after_registering(DriverObject, Status, NdisMiniportDriverHandle):
    # gives up but leaves the registration behind
    return STATUS_UNSUCCESSFUL

m = Machine(verifier="collect")
m.load_driver(miniport_driver(after_register=fail_after_registering))
{_PRINT}
""",
        f"""
def fail_cleanly(DriverObject, Status, NdisMiniportDriverHandle):
    NdisMDeregisterMiniportDriver(NdisMiniportDriverHandle)
    return STATUS_UNSUCCESSFUL

m = Machine(verifier="collect")
m.load_driver(miniport_driver(after_register=fail_cleanly))
{_PRINT}
""",
    ),
    "R1.07": _lesson(
        """NDIS calls whatever sits in a handler slot. Each slot holds the driver's function or
        None (NULL) for an optional handler it leaves out; anything else is a corrupt table, and
        the real system would jump to garbage.""",
        f"""
def corrupt(chars):
    chars.HaltHandlerEx = 42                   # not a function

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=corrupt))
{_PRINT}
""",
        f"""
def MyHaltEx(MiniportAdapterContext, HaltAction):
    pass

def correct(chars):
    chars.HaltHandlerEx = MyHaltEx

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=correct))
{_PRINT}
""",
    ),
    "R1.08": _lesson(
        """NDIS reads the Header first: Type says which structure this is, Revision which fields
        it has, and Size must cover that revision. A header that claims revision 2 with revision
        1's size is refused.""",
        f"""
def short_header(chars):
    chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
    chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=short_header))
{_PRINT}
""",
        f"""
def matching_header(chars):
    chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
    chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=matching_header))
{_PRINT}
""",
    ),
    "R1.09": _lesson(
        """An NDIS 6 miniport declares MajorNdisVersion 6 and a minor version NDIS has actually
        published (0, 1, 20, 30 ...). An invented version such as 6.7 is refused.""",
        f"""
def invented_version(chars):
    chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 7

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=invented_version))
{_PRINT}
""",
        f"""
def ndis_630(chars):
    chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=ndis_630))
{_PRINT}
""",
    ),
    "R1.10": _lesson(
        """Some MiniportXxx handlers are not optional: initialize, halt, unload, pause, restart,
        OID requests, sends, returns, cancel send, PnP events, shutdown and cancel OID request.
        Leaving one of them NULL makes the registration fail.""",
        f"""
def no_shutdown(chars):
    chars.ShutdownHandlerEx = None

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=no_shutdown))
{_PRINT}
""",
        f"""
def MyShutdownEx(MiniportAdapterContext, ShutdownAction):
    pass                                       # nothing to quiesce in a simulated NIC

def with_shutdown(chars):
    chars.ShutdownHandlerEx = MyShutdownEx

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=with_shutdown))
{_PRINT}
""",
    ),
    "R1.11": _lesson(
        """A CoNDIS miniport's six MiniportCoXxx handlers are registered from MiniportSetOptions,
        and nowhere else. Without a SetOptionsHandler NDIS never learns them, and the adapter
        cannot start as a connection-oriented one.""",
        f"""
def no_set_options(chars):
    chars.SetOptionsHandler = None

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=no_set_options))
m.start_adapter("loopback_miniport")
{_PRINT}
""",
        f"""
m = Machine(verifier="collect")
# the sample's MPSetOptions registers the Co handlers
m.load_driver(miniport_driver())
m.start_adapter("loopback_miniport")
{_PRINT}
""",
    ),
    "R1.13": _lesson(
        """A miniport that asks NDIS to poll it for hangs (CheckForHangHandlerEx) must also be
        able to reset (ResetHandlerEx): a hang is answered with a reset.""",
        f"""
def hang_without_reset(chars):
    chars.CheckForHangHandlerEx = lambda MiniportAdapterContext: False
    chars.ResetHandlerEx = None

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=hang_without_reset))
{_PRINT}
""",
        f"""
def hang_with_reset(chars):
    # the sample keeps its reset
    chars.CheckForHangHandlerEx = lambda MiniportAdapterContext: False

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=hang_with_reset))
{_PRINT}
""",
    ),
    "R1.14": _lesson(
        """Direct OID requests come with a way to cancel them: DirectOidRequestHandler and
        CancelDirectOidRequestHandler are both set or both NULL.""",
        f"""
def half_a_pair(chars):
    chars.DirectOidRequestHandler = lambda MiniportAdapterContext, OidRequest: NDIS_STATUS_SUCCESS

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=half_a_pair))
{_PRINT}
""",
        f"""
def both_halves(chars):
    chars.DirectOidRequestHandler = lambda MiniportAdapterContext, OidRequest: NDIS_STATUS_SUCCESS
    chars.CancelDirectOidRequestHandler = lambda MiniportAdapterContext, RequestId: None

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=both_halves))
{_PRINT}
""",
    ),
    "R1.15": _lesson(
        """The Flags of the miniport characteristics accept only NDIS_INTERMEDIATE_DRIVER and
        NDIS_WDM_DRIVER. Other bits are reserved, and a driver that registers twice does so only
        as an intermediate driver.""",
        f"""
def reserved_flag(chars):
    chars.Flags = 0x8                          # a reserved bit

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=reserved_flag))
{_PRINT}
""",
        f"""
def no_flags(chars):
    chars.Flags = 0                            # an ordinary, non-intermediate miniport

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=no_flags))
{_PRINT}
""",
    ),
    "R1.18": _lesson(
        """NDIS_MINIPORT_CO_CHARACTERISTICS is handed to NdisSetOptionalHandlers from inside
        MiniportSetOptions, while NDIS is registering the driver. Registering it at any other
        time is refused.""",
        f"""
m, nic = loopback_machine(verifier="collect", bind=False)
co = NDIS_MINIPORT_CO_CHARACTERISTICS()
co.Header.Type = NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS
co.Header.Revision = NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1
co.Header.Size = NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1
handle = m.driver("loopback_miniport").miniports[0].handle
# after registration, outside MiniportSetOptions
with m.running_as("loopback_miniport"):
    NdisSetOptionalHandlers(handle, co)
{_PRINT}
""",
        f"""
# MPSetOptions registered them in time
m, nic = loopback_machine(verifier="collect", bind=False)
{_PRINT}
""",
    ),
    "R1.19": _lesson(
        """The CoNDIS miniport structure has exactly one revision: Type 0x91, Revision 1, the
        revision-1 Size, and Flags left 0.""",
        f"""
def flagged(co):
    co.Flags = 1

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_co=flagged))
{_PRINT}
""",
        f"""
def unflagged(co):
    co.Flags = 0

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_co=unflagged))
{_PRINT}
""",
    ),
    "R1.20": _lesson(
        """A CoNDIS miniport that is not also a call manager supplies all six Co handlers: create,
        delete, activate and deactivate a VC, send on it, and answer OID requests on it.""",
        f"""
def five_of_six(co):
    co.CoOidRequestHandler = None

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_co=five_of_six))
{_PRINT}
""",
        f"""
def MyCoOidRequest(MiniportAdapterContext, MiniportVcContext, NdisRequest):
    return NDIS_STATUS_NOT_SUPPORTED

def all_six(co):
    co.CoOidRequestHandler = MyCoOidRequest

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_co=all_six))
{_PRINT}
""",
    ),
    "R1.22": _lesson(
        """NdisSetOptionalHandlers takes only the structures documented for the caller's role: a
        protocol driver may not register miniport Co characteristics.""",
        f"""
def ProtocolSetOptions(NdisDriverHandle, DriverContext):
    co = NDIS_MINIPORT_CO_CHARACTERISTICS()    # a miniport's structure, from a protocol
    co.Header.Type = NDIS_OBJECT_TYPE_CO_MINIPORT_CHARACTERISTICS
    co.Header.Revision = NDIS_MINIPORT_CO_CHARACTERISTICS_REVISION_1
    co.Header.Size = NDIS_SIZEOF_MINIPORT_CO_CHARACTERISTICS_REVISION_1
    return NdisSetOptionalHandlers(NdisDriverHandle, co)

def use(chars):
    chars.SetOptionsHandler = ProtocolSetOptions

m = Machine(verifier="collect")
m.load_driver(protocol_driver(edit_chars=use))
{_PRINT}
""",
        f"""
m = Machine(verifier="collect")
# the client registers its own protocol Co structures
m.load_driver(protocol_driver())
{_PRINT}
""",
    ),
    "R1.24": _lesson(
        """MiniportSetOptions and ProtocolSetOptions run while NDIS registers the driver, and
        must return a final status. There is no completion call for them, so PENDING is wrong.""",
        f"""
def pending_set_options(chars):
    chars.SetOptionsHandler = lambda NdisDriverHandle, DriverContext: NDIS_STATUS_PENDING

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=pending_set_options))
{_PRINT}
""",
        f"""
m = Machine(verifier="collect")
# MPSetOptions returns NDIS_STATUS_SUCCESS
m.load_driver(miniport_driver())
{_PRINT}
""",
    ),
    "R1.25": _lesson(
        """A protocol driver registers from DriverEntry with a well-formed
        NDIS_PROTOCOL_DRIVER_CHARACTERISTICS: the right header, an NDIS 6 version, Flags 0 and the
        mandatory ProtocolXxx handlers.""",
        f"""
def flagged(chars):
    chars.Flags = 1

m = Machine(verifier="collect")
m.load_driver(protocol_driver(edit_chars=flagged))
{_PRINT}
""",
        f"""
def unflagged(chars):
    chars.Flags = 0

m = Machine(verifier="collect")
m.load_driver(protocol_driver(edit_chars=unflagged))
{_PRINT}
""",
    ),
    "R1.27": _lesson(
        """Every CoNDIS client and call manager registers NDIS_PROTOCOL_CO_CHARACTERISTICS
        (Type 0x90) from ProtocolSetOptions; without it NDIS has no Co entry points for the
        protocol.""",
        f"""
m = Machine(verifier="collect")
# skips NDIS_PROTOCOL_CO_CHARACTERISTICS
m.load_driver(protocol_driver(register_co=False))
{_PRINT}
""",
        f"""
m = Machine(verifier="collect")
m.load_driver(protocol_driver(register_co=True))
{_PRINT}
""",
    ),
    "R1.28": _lesson(
        """A client registers NDIS_CO_CLIENT_OPTIONAL_HANDLERS with every one of its entries
        filled: NDIS may call any of them during a call's life.""",
        f"""
def deaf(cl):
    cl.ClIncomingCallHandler = None

m = Machine(verifier="collect")
m.load_driver(protocol_driver(edit_cl=deaf))
{_PRINT}
""",
        f"""
def ClIncomingCall(ProtocolSapContext, ProtocolVcContext, CallParameters):
    return NDIS_STATUS_NOT_ACCEPTED            # this client takes no incoming calls

def polite(cl):
    cl.ClIncomingCallHandler = ClIncomingCall

m = Machine(verifier="collect")
m.load_driver(protocol_driver(edit_cl=polite))
{_PRINT}
""",
    ),
    "R1.29": _lesson(
        """A stand-alone call manager registers NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS with every
        CmXxx entry filled, from its ProtocolSetOptions.""",
        f"""
def no_make_call(cm):
    cm.CmMakeCallHandler = None

m = Machine(verifier="collect")
m.load_driver(protocol_driver(role="cm", edit_cm=no_make_call))
{_PRINT}
""",
        f"""
m = Machine(verifier="collect")
m.load_driver(protocol_driver(role="cm"))      # the sample fills every CmXxx entry
{_PRINT}
""",
    ),
    "R1.31": _lesson(
        """Registering an address family is the call manager's job (once per adapter it binds).
        A client that registers one claims a role it does not have.""",
        f"""
m, nic = loopback_machine(verifier="collect")
binding = m.driver("client").context.bindings[0]
with m.running_as("client"):
    NdisCmRegisterAddressFamilyEx(binding.NdisBindingHandle, loopback_af())
{_PRINT}
""",
        f"""
# the call manager registered the AF while binding
m, nic = loopback_machine(verifier="collect")
{_PRINT}
""",
    ),
    "R1.33": _lesson(
        """A miniport call manager (MCM) registers both halves: its miniport Co characteristics and
        its call manager handlers. Call manager handlers alone make no MCM.""",
        f"""
m = Machine(verifier="collect")
m.load_driver(miniport_driver(register_co=False, register_cm=True))
{_PRINT}
""",
        f"""
m = Machine(verifier="collect")
# Co characteristics and CM handlers
m.load_driver(miniport_driver(use_mcm=True, name="mcm"))
{_PRINT}
""",
    ),
    "R1.34": _lesson(
        """An MCM creates and deletes its VCs with NdisMCmCreateVc and NdisMCmDeleteVc, so NDIS never
        calls it to create or delete one: CoCreateVcHandler and CoDeleteVcHandler stay NULL.""",
        f"""
def with_create(co):
    co.CoCreateVcHandler = lambda MiniportAdapterContext, NdisVcHandle: (NDIS_STATUS_SUCCESS, None)

m = Machine(verifier="collect")
m.load_driver(miniport_driver(use_mcm=True, name="mcm", edit_co=with_create))
{_PRINT}
""",
        f"""
def without_create(co):
    co.CoCreateVcHandler = co.CoDeleteVcHandler = None

m = Machine(verifier="collect")
m.load_driver(miniport_driver(use_mcm=True, name="mcm", edit_co=without_create))
{_PRINT}
""",
    ),
    "R1.35": _lesson(
        """An MCM is a call manager too, so its NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS has every
        CmXxx entry filled.""",
        f"""
def no_make_call(cm):
    cm.CmMakeCallHandler = None

m = Machine(verifier="collect")
m.load_driver(miniport_driver(use_mcm=True, name="mcm", edit_cm=no_make_call))
{_PRINT}
""",
        f"""
m = Machine(verifier="collect")
m.load_driver(miniport_driver(use_mcm=True, name="mcm"))
{_PRINT}
""",
    ),
    "R1.36": _lesson(
        """An MCM answers OID requests in two roles: as a miniport (MiniportCoOidRequest) and as a
        call manager (CmOidRequestHandler). They are two different functions with two different
        signatures; one function cannot serve both.""",
        f"""
def one_for_both(*args):
    return NDIS_STATUS_SUCCESS

def share(structure):
    if hasattr(structure, "CoOidRequestHandler"):
        structure.CoOidRequestHandler = one_for_both
    else:
        structure.CmOidRequestHandler = one_for_both

m = Machine(verifier="collect")
m.load_driver(miniport_driver(use_mcm=True, name="mcm", edit_co=share, edit_cm=share))
{_PRINT}
""",
        f"""
m = Machine(verifier="collect")
# McmCoOidRequest and McmCmOidRequest
m.load_driver(miniport_driver(use_mcm=True, name="mcm"))
{_PRINT}
""",
    ),
    "R1.37": _lesson(
        """Even without create and delete handlers, an MCM still sends data and answers OID
        requests on its VCs: MiniportCoSendNetBufferLists and MiniportCoOidRequest are required.""",
        f"""
def no_send(co):
    co.CoSendNetBufferListsHandler = None

m = Machine(verifier="collect")
m.load_driver(miniport_driver(use_mcm=True, name="mcm", edit_co=no_send))
{_PRINT}
""",
        f"""
m = Machine(verifier="collect")
m.load_driver(miniport_driver(use_mcm=True, name="mcm"))
{_PRINT}
""",
    ),
    "R1.38": _lesson(
        """An MCM registers its address family from MiniportInitializeEx, while its adapter comes
        up; registering it later, from anywhere else, is refused.""",
        f"""
m, nic = loopback_machine(verifier="collect", use_mcm=True, bind=False)
with m.running_as("mcm"):                      # the adapter is already running
    NdisMCmRegisterAddressFamilyEx(nic.handle, loopback_af())
{_PRINT}
""",
        f"""
# registered in its MiniportInitializeEx
m, nic = loopback_machine(verifier="collect", use_mcm=True, bind=False)
{_PRINT}
""",
    ),
    "R1.40": _lesson(
        """A CoNDIS WAN miniport (medium NdisMediumCoWan) is connection-oriented, so it must have
        registered its Co handlers with NdisSetOptionalHandlers before it starts an adapter.""",
        f"""
from condis_edu.samples.loopback_miniport import adapter as sample_adapter

def InitializeAsWan(NdisMiniportHandle, MiniportDriverContext, MiniportInitParameters):
    # the sample, reporting a CoWan medium
    sample_adapter.NdisMediumAtm = NdisMediumCoWan
    try:
        return sample_adapter.MPInitializeEx(NdisMiniportHandle, MiniportDriverContext, MiniportInitParameters)
    finally:
        sample_adapter.NdisMediumAtm = NdisMediumAtm

def as_wan(chars):
    chars.InitializeHandlerEx = InitializeAsWan

m = Machine(verifier="collect")
m.load_driver(miniport_driver(register_co=False, edit_chars=as_wan))
m.start_adapter("loopback_miniport")
{_PRINT}
""",
        f"""
m = Machine(verifier="collect")
m.load_driver(miniport_driver(register_co=True, edit_chars=as_wan))
m.start_adapter("loopback_miniport")
{_PRINT}
""",
    ),
    "R1.41": _lesson(
        """A CoNDIS WAN miniport does not loop packets back: it never indicates a sent frame up
        again as a received one (an NBL marked NDIS_NBL_FLAGS_IS_LOOPBACK_PACKET). NDIS does any
        loopback a WAN protocol needs itself.""",
        f"""
m, nic = loopback_machine(verifier="collect")
nic.general.MediaType = NdisMediumCoWan        # as a CoNDIS WAN NIC reports itself
call = client.make_call(m, b"echo")
m.run_until_idle()
params = NET_BUFFER_LIST_POOL_PARAMETERS(fAllocateNetBuffer=True, DataSize=16)
params.Header.Type = NDIS_OBJECT_TYPE_DEFAULT
params.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1
params.Header.Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1
with m.running_as("loopback_miniport"):
    pool = NdisAllocateNetBufferListPool(nic.handle, params)
    nbl = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 16)
    nbl.SourceHandle = call.NdisVcHandle
    # a sent frame turned round
    nbl.NblFlags |= NDIS_NBL_FLAGS_IS_LOOPBACK_PACKET
    NdisMCoIndicateReceiveNetBufferLists(call.NdisVcHandle, nbl, 1, 0)
{_PRINT}
""",
        f"""
from condis_edu.samples.client import data as client_data

m, nic = loopback_machine(verifier="collect")
nic.general.MediaType = NdisMediumCoWan
call = client.make_call(m, b"echo")
m.run_until_idle()
# the miniport sends the frame on the line and completes it; nothing comes back marked as looped
with m.running_as("client"):
    NdisCoSendNetBufferLists(call.NdisVcHandle, client_data.build_chain(call, 1, b"frame"), 0)
m.run_until_idle()
{_PRINT}
""",
    ),
    "R1.44": _lesson(
        """Every NDIS 6 miniport, CoNDIS ones included, can be paused and restarted: PauseHandler
        and RestartHandler are mandatory.""",
        f"""
def no_pause(chars):
    chars.PauseHandler = None

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=no_pause))
{_PRINT}
""",
        f"""
def MyPause(MiniportAdapterContext, PauseParameters):
    # nothing in flight on this simple adapter
    return NDIS_STATUS_SUCCESS

def with_pause(chars):
    chars.PauseHandler = MyPause

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=with_pause))
{_PRINT}
""",
    ),
    "R1.45": _lesson(
        """A driver that registered two miniport drivers (an intermediate driver's second
        registration) deregisters both when it unloads.""",
        f"""
def register_an_intermediate_too(DriverObject, Status, NdisMiniportDriverHandle):
    chars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
    chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS
    chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
    chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2
    chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
    chars.Flags = NDIS_INTERMEDIATE_DRIVER
    for name in ("InitializeHandlerEx", "HaltHandlerEx", "UnloadHandler", "PauseHandler", "RestartHandler",
                 "OidRequestHandler", "SendNetBufferListsHandler", "ReturnNetBufferListsHandler",
                 "CancelSendHandler", "DevicePnPEventNotifyHandler", "ShutdownHandlerEx",
                 "CancelOidRequestHandler"):
        setattr(chars, name, lambda *args: NDIS_STATUS_SUCCESS)
    NdisMRegisterMiniportDriver(DriverObject, "", None, chars)
    # the sample's unload deregisters only the first
    return STATUS_SUCCESS

m = Machine(verifier="collect")
m.load_driver(miniport_driver(after_register=register_an_intermediate_too))
m.unload_driver("loopback_miniport")
{_PRINT}
""",
        f"""
m = Machine(verifier="collect")
# one registration, deregistered by MPDriverUnload
m.load_driver(miniport_driver())
m.unload_driver("loopback_miniport")
{_PRINT}
""",
    ),
    "R1.46": _lesson(
        """A pool may be freed only when every NET_BUFFER_LIST taken from it has been given back.
        Freeing it with NBLs still out pulls memory from under whoever holds them.""",
        f"""
from condis_edu.samples.client import data as client_data

m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    # allocated from the client's pool, kept
    client_data.build_chain(call, 1, b"frame")
    NdisFreeNetBufferListPool(call.af.binding.nbl_pool)
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    head = client_data.build_chain(call, 1, b"frame")
    NdisFreeNetBufferList(head)                         # every NBL back first
    NdisFreeNetBufferListPool(call.af.binding.nbl_pool)
{_PRINT}
""",
    ),
    # ------------------------------------------------------------------ virtual connections
    "R2.02": _lesson(
        """Who creates a VC depends on the call: the client for an outgoing call, the call manager
        for an incoming one. Only a call manager may create a VC with no address family, for its
        own signalling.""",
        f"""
m, nic = loopback_machine(verifier="collect")
binding = m.driver("client").context.bindings[0]
with m.running_as("client"):
    NdisCoCreateVc(binding.NdisBindingHandle, None, object())      # no address family
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")
binding = m.driver("client").context.bindings[0]
with m.running_as("client"):
    NdisCoCreateVc(binding.NdisBindingHandle, binding.af.NdisAfHandle, object())
{_PRINT}
""",
    ),
    "R2.03": _lesson(
        """Stand-alone call managers and clients use NdisCoCreateVc and NdisCoDeleteVc; an MCM uses
        NdisMCmCreateVc and NdisMCmDeleteVc instead, and only an MCM calls NdisMCmXxx.""",
        f"""
m, nic = loopback_machine(verifier="collect", use_mcm=True)
call = client.make_call(m, b"echo")
m.run_until_idle()
incoming = next(c for c in client.active_calls(m) if not c.outgoing)
with m.running_as("mcm"):
    NdisCoDeleteVc(incoming.NdisVcHandle)      # an MCM using the stand-alone DDI
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect", use_mcm=True)
call = client.make_call(m, b"echo")
m.run_until_idle()
client.close_call(m, call)                     # the MCM tears down with NdisMCmDeleteVc
m.run_until_idle()
{_PRINT}
""",
    ),
    "R2.04": _lesson(
        """An MCM keeps its signalling to itself: it never creates a VC without an address family
        (a stand-alone call manager might, for its signalling channel).""",
        f"""
m, nic = loopback_machine(verifier="collect", use_mcm=True)
with m.running_as("mcm"):
    NdisMCmCreateVc(nic.handle, None, object())
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect", use_mcm=True)
# the MCM creates the incoming VC on its AF
call = client.make_call(m, b"echo")
m.run_until_idle()
{_PRINT}
""",
    ),
    "R2.05": _lesson(
        """A VC belongs to the driver that created it, and only that driver deletes it, even though
        the call manager and the miniport know the VC too.""",
        f"""
m, nic = loopback_machine(verifier="collect")
binding = m.driver("client").context.bindings[0]
with m.running_as("client"):
    Status, vc = NdisCoCreateVc(binding.NdisBindingHandle, binding.af.NdisAfHandle, object())
with m.running_as("call_manager"):
    NdisCoDeleteVc(vc)                         # not the creator
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")
binding = m.driver("client").context.bindings[0]
with m.running_as("client"):
    Status, vc = NdisCoCreateVc(binding.NdisBindingHandle, binding.af.NdisAfHandle, object())
    NdisCoDeleteVc(vc)                         # the creator
{_PRINT}
""",
    ),
    "R2.06": _lesson(
        """NdisCoCreateVc hands back a new VC handle; the NdisVcHandle passed in must be NULL. Passing
        an existing handle does not create anything.""",
        f"""
m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
binding = m.driver("client").context.bindings[0]
with m.running_as("client"):
    NdisCoCreateVc(binding.NdisBindingHandle, binding.af.NdisAfHandle, object(), call.NdisVcHandle)
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")
binding = m.driver("client").context.bindings[0]
with m.running_as("client"):
    Status, vc = NdisCoCreateVc(binding.NdisBindingHandle, binding.af.NdisAfHandle, object())
{_PRINT}
""",
    ),
    "R2.09": _lesson(
        """MiniportCoCreateVc must finish before it returns: there is no completion call for VC
        creation, so NDIS_STATUS_PENDING leaves NDIS with a half-made VC and stops the system with
        a bug check. Allocate what the VC needs now, or return NDIS_STATUS_RESOURCES.""",
        f"""
def LazyCoCreateVc(MiniportAdapterContext, NdisVcHandle):
    return NDIS_STATUS_PENDING, None           # "I'll set it up later"

def use(co):
    co.CoCreateVcHandler = LazyCoCreateVc

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=use))
client.make_call(m, b"echo")
{_PRINT}
""",
        f"""
class MyVc:
    def __init__(self, NdisVcHandle):
        self.NdisVcHandle = NdisVcHandle

def EagerCoCreateVc(MiniportAdapterContext, NdisVcHandle):
    return NDIS_STATUS_SUCCESS, MyVc(NdisVcHandle)     # ready when it returns

def use(co):
    co.CoCreateVcHandler = EagerCoCreateVc

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=use))
binding = m.driver("client").context.bindings[0]
with m.running_as("client"):
    Status, vc = NdisCoCreateVc(binding.NdisBindingHandle, binding.af.NdisAfHandle, object())
{_PRINT}
""",
    ),
    "R2.10": _lesson(
        """The protocol side of VC creation (ProtocolCoCreateVc, called when the other party made
        the VC) is synchronous too: a PENDING answer leaves a VC nobody can use.""",
        f"""
def pending(cl):
    cl.ClCreateVcHandler = lambda ProtocolAfContext, NdisVcHandle: (NDIS_STATUS_PENDING, None)

m, nic = loopback_machine(verifier="collect", client_driver=protocol_driver(edit_cl=pending))
# the call manager creates the incoming VC
client.make_call(m, b"echo")
m.run_until_idle()
{_PRINT}
""",
        f"""
# the sample client's ClCreateVc answers at once
m, nic = loopback_machine(verifier="collect")
client.make_call(m, b"echo")
m.run_until_idle()
{_PRINT}
""",
    ),
    "R2.14": _lesson(
        """Activating a VC is the call manager's decision, made while it sets up a call; a client
        (or anyone else) calling NdisCmActivateVc is refused.""",
        f"""
m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    NdisCmActivateVc(call.NdisVcHandle, call_parameters(b"echo"))
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")
# the call manager activates the VC inside the call
call = client.make_call(m, b"echo")
m.run_until_idle()
{_PRINT}
""",
    ),
    "R2.15": _lesson(
        """A call manager activates the VC (so the miniport is ready for data) before it reports an
        outgoing call as connected, and before it offers an incoming call to a client.""",
        f"""
def HastyMakeCall(CallMgrVcContext, CallParameters, NdisPartyHandle):
    return NDIS_STATUS_SUCCESS, None           # "connected", but nothing was activated

def use(cm):
    cm.CmMakeCallHandler = HastyMakeCall

m, nic = loopback_machine(verifier="collect", manager=protocol_driver(role="cm", edit_cm=use))
client.make_call(m, b"echo")
{_PRINT}
""",
        f"""
# the sample activates, then completes the call
m, nic = loopback_machine(verifier="collect")
client.make_call(m, b"echo")
m.run_until_idle()
{_PRINT}
""",
    ),
    "R2.17": _lesson(
        """MiniportCoActivateVc answers with one of four statuses: SUCCESS, PENDING (then
        NdisMCoActivateVcComplete later), NDIS_STATUS_INVALID_DATA for parameters it cannot meet,
        or NDIS_STATUS_RESOURCES.""",
        f"""
def use(co):
    co.CoActivateVcHandler = lambda MiniportVcContext, CallParameters: NDIS_STATUS_FAILURE

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=use))
client.make_call(m, b"echo")
m.run_until_idle()
{_PRINT}
""",
        f"""
def use(co):
    co.CoActivateVcHandler = lambda MiniportVcContext, CallParameters: NDIS_STATUS_INVALID_DATA

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=use))
# refused properly: the call fails, no rule broken
call = client.make_call(m, b"echo")
m.run_until_idle()
{_PRINT}
""",
    ),
    "R2.18": _lesson(
        """NdisMCoActivateVcComplete answers one MiniportCoActivateVc that returned PENDING, once.
        Calling it when nothing is pending confuses the call manager waiting for it.""",
        f"""
m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()                             # activation finished long ago
with m.running_as("loopback_miniport"):
    NdisMCoActivateVcComplete(NDIS_STATUS_SUCCESS, call.NdisVcHandle, call_parameters(b"echo"))
{_PRINT}
""",
        f"""
# the sample completes the activation it pended, once
m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
{_PRINT}
""",
    ),
    "R2.23": _lesson(
        """A call manager may use a VC only once its activation succeeded. If the miniport later
        completes the activation with a failure, the call manager must fail the call, not connect
        it.""",
        f"""
from condis_edu.samples.call_manager import calls as cm_calls

def Optimist(Status, CallMgrVcContext, CallParameters):
    # ignores Status
    cm_calls.CmActivateVcComplete(NDIS_STATUS_SUCCESS, CallMgrVcContext, CallParameters)

def RefuseLater(MiniportVcContext, CallParameters):
    def refuse(WorkItemContext, NdisIoWorkItemHandle):
        NdisMCoActivateVcComplete(NDIS_STATUS_INVALID_DATA, MiniportVcContext.NdisVcHandle, CallParameters)
    work = NdisAllocateIoWorkItem(MiniportVcContext.adapter.MiniportAdapterHandle)
    NdisQueueIoWorkItem(work, refuse, None)
    return NDIS_STATUS_PENDING

def refusing(co):
    co.CoActivateVcHandler = RefuseLater

def optimistic(cm):
    cm.CmActivateVcCompleteHandler = Optimist

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=refusing),
                          manager=protocol_driver(role="cm", edit_cm=optimistic))
client.make_call(m, b"echo")
m.run_until_idle()
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=refusing))
# the sample CM passes the failure on: the call fails
call = client.make_call(m, b"echo")
m.run_until_idle()
{_PRINT}
""",
    ),
    "R2.25": _lesson(
        """An MCM activates each client VC with NdisMCmActivateVc before data can move on it, and
        before it completes the call.""",
        f"""
def HastyMakeCall(CallMgrVcContext, CallParameters, NdisPartyHandle):
    return NDIS_STATUS_SUCCESS, None

def use(cm):
    cm.CmMakeCallHandler = HastyMakeCall

m, nic = loopback_machine(verifier="collect", use_mcm=True,
                          miniport=miniport_driver(use_mcm=True, name="mcm", edit_cm=use))
client.make_call(m, b"echo")
{_PRINT}
""",
        f"""
# the sample MCM activates first
m, nic = loopback_machine(verifier="collect", use_mcm=True)
client.make_call(m, b"echo")
m.run_until_idle()
{_PRINT}
""",
    ),
    "R2.26": _lesson(
        """Deactivating a VC, like activating it, belongs to the call manager of the VC. A client
        that wants the VC gone closes the call instead.""",
        f"""
m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    NdisCmDeactivateVc(call.NdisVcHandle)
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
# the call manager deactivates while closing
client.close_call(m, call)
m.run_until_idle()
{_PRINT}
""",
    ),
    "R2.27": _lesson(
        """MiniportCoDeactivateVc returns SUCCESS or PENDING; after PENDING the miniport calls
        NdisMCoDeactivateVcComplete exactly once, with a final status.""",
        f"""
def use(co):
    co.CoDeactivateVcHandler = lambda MiniportVcContext: NDIS_STATUS_FAILURE

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=use))
call = client.make_call(m, b"echo")
m.run_until_idle()
client.close_call(m, call)
m.run_until_idle()
{_PRINT}
""",
        f"""
def use(co):
    co.CoDeactivateVcHandler = lambda MiniportVcContext: NDIS_STATUS_SUCCESS

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=use))
call = client.make_call(m, b"echo")
m.run_until_idle()
client.close_call(m, call)
m.run_until_idle()
{_PRINT}
""",
    ),
    "R2.28": _lesson(
        """Deactivation is the end of traffic on the VC: before it completes, every send the
        miniport holds is completed and every receive it indicated has come back.""",
        f"""
from condis_edu.samples.client import data as client_data
from condis_edu.samples.loopback_miniport import datapath

m, nic = loopback_machine(verifier="collect")
datapath.settings(nic).complete = "deferred"   # the miniport holds sends for a while
call = client.make_call(m, b"echo")
m.run_until_idle()
# forgets them
nic.miniport.co.CoDeactivateVcHandler = lambda MiniportVcContext: NDIS_STATUS_SUCCESS
with m.running_as("client"):
    NdisCoSendNetBufferLists(call.NdisVcHandle, client_data.build_chain(call, 1, b"frame"), 0)
client.close_call(m, call)
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")
# the sample's deactivation completes held sends first
datapath.settings(nic).complete = "deferred"
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    NdisCoSendNetBufferLists(call.NdisVcHandle, client_data.build_chain(call, 1, b"frame"), 0)
client.close_call(m, call)
m.run_until_idle()
{_PRINT}
""",
    ),
    "R2.29": _lesson(
        """Only an active VC carries data: the miniport indicates receives on a VC after it was
        activated and before it is deactivated, never on a VC that was merely created.""",
        f"""
from condis_edu.samples.loopback_miniport import datapath

m, nic = loopback_machine(verifier="collect")
binding = m.driver("client").context.bindings[0]
with m.running_as("client"):
    Status, vc = NdisCoCreateVc(binding.NdisBindingHandle, binding.af.NdisAfHandle, object())
params = NET_BUFFER_LIST_POOL_PARAMETERS(fAllocateNetBuffer=True, DataSize=16)
params.Header.Type = NDIS_OBJECT_TYPE_DEFAULT
params.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1
params.Header.Size = NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1
with m.running_as("loopback_miniport"):
    pool = NdisAllocateNetBufferListPool(nic.handle, params)
    nbl = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 16)
    nbl.SourceHandle = vc
    NdisMCoIndicateReceiveNetBufferLists(vc, nbl, 1, 0)   # created, never activated
{_PRINT}
""",
        f"""
from condis_edu.samples.client import data as client_data

m, nic = loopback_machine(verifier="collect")
# activated by the call; the sample echoes on it
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    NdisCoSendNetBufferLists(call.NdisVcHandle, client_data.build_chain(call, 1, b"frame"), 0)
m.run_until_idle()
{_PRINT}
""",
    ),
    "R2.34": _lesson(
        """A call manager that pended the close of a call finishes it (NdisCmCloseCallComplete)
        only after the VC's deactivation has completed.""",
        f"""
def PendClose(CallMgrVcContext, CallMgrPartyContext, CloseData, Size):
    return NDIS_STATUS_PENDING

def KeepVc(Status, ProtocolVcContext, ProtocolPartyContext):
    ProtocolVcContext.state = "closed"         # this client deletes its VC later

def use(cm):
    cm.CmCloseCallHandler = PendClose

def keeping(cl):
    cl.ClCloseCallCompleteHandler = KeepVc

m, nic = loopback_machine(verifier="collect", manager=protocol_driver(role="cm", edit_cm=use),
                          client_driver=protocol_driver(edit_cl=keeping))
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    NdisClCloseCall(call.NdisVcHandle, None, None, 0)
with m.running_as("call_manager"):             # the VC was never deactivated
    NdisCmCloseCallComplete(NDIS_STATUS_SUCCESS, call.NdisVcHandle, None)
{_PRINT}
""",
        f"""
# the sample deactivates, then completes the close
m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
client.close_call(m, call)
m.run_until_idle()
{_PRINT}
""",
    ),
    "R2.37": _lesson(
        """A VC is deleted only when it carries no call and is no longer active: close the call
        first, and delete the VC once the close has completed.""",
        f"""
m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    NdisCoDeleteVc(call.NdisVcHandle)          # the call is still up
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
# the sample client deletes its VC after the close
client.close_call(m, call)
m.run_until_idle()
{_PRINT}
""",
    ),
    "R2.40": _lesson(
        """Deleting a VC is synchronous on every side: MiniportCoDeleteVc and ProtocolCoDeleteVc
        free their context and return a final status, never PENDING.""",
        f"""
def use(cm):
    cm.CmDeleteVcHandler = lambda ProtocolVcContext: NDIS_STATUS_PENDING

m, nic = loopback_machine(verifier="collect", manager=protocol_driver(role="cm", edit_cm=use))
call = client.make_call(m, b"echo")
m.run_until_idle()
client.close_call(m, call)
m.run_until_idle()
{_PRINT}
""",
        f"""
# the sample's CmDeleteVc frees and returns SUCCESS
m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
client.close_call(m, call)
m.run_until_idle()
{_PRINT}
""",
    ),
    "R2.42": _lesson(
        """Closing a call includes deactivating its VC: by the time the close completes, the call
        manager has deactivated the VC or is deactivating it.""",
        f"""
def QuickClose(CallMgrVcContext, CallMgrPartyContext, CloseData, Size):
    return NDIS_STATUS_SUCCESS                 # "closed", with the VC still active

def use(cm):
    cm.CmCloseCallHandler = QuickClose

m, nic = loopback_machine(verifier="collect", manager=protocol_driver(role="cm", edit_cm=use))
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    NdisClCloseCall(call.NdisVcHandle, None, None, 0)
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
client.close_call(m, call)
m.run_until_idle()
{_PRINT}
""",
    ),
    "R2.43": _lesson(
        """When the call manager closes a call from its side, the client answers with
        NdisClCloseCall, and when the close carried an error status it also deletes the VC it
        created.""",
        f"""
def use(cl):
    # ignores it
    cl.ClIncomingCloseCallHandler = lambda CloseStatus, ProtocolVcContext, CloseData, Size: None

m, nic = loopback_machine(verifier="collect", client_driver=protocol_driver(edit_cl=use))
call = client.make_call(m, b"echo")
m.run_until_idle()
# the peer's side is closed by the call manager
client.close_call(m, call)
m.run_until_idle(audit=True)
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")  # the sample answers with NdisClCloseCall
call = client.make_call(m, b"echo")
m.run_until_idle()
client.close_call(m, call)
m.run_until_idle(audit=True)
{_PRINT}
""",
    ),
    "R2.45": _lesson(
        """When a client rejects an incoming call, the call manager deactivates the VC it had
        activated for that call.""",
        f"""
def Undecided(ProtocolSapContext, ProtocolVcContext, CallParameters):
    return NDIS_STATUS_PENDING

def Careless(Status, CallMgrVcContext, CallParameters):
    # fails the caller, leaves the callee's VC active
    caller = CallMgrVcContext.peer
    NdisCmMakeCallComplete(Status, caller.NdisVcHandle, None, None, CallParameters)

def undecided(cl):
    cl.ClIncomingCallHandler = Undecided

def careless(cm):
    cm.CmIncomingCallCompleteHandler = Careless

m, nic = loopback_machine(verifier="collect", client_driver=protocol_driver(edit_cl=undecided),
                          manager=protocol_driver(role="cm", edit_cm=careless))
client.make_call(m, b"echo")
m.run_until_idle()
incoming = next(c for c in client.active_calls(m) if not c.outgoing)
with m.running_as("client"):
    NdisClIncomingCallComplete(NDIS_STATUS_NOT_ACCEPTED, incoming.NdisVcHandle, call_parameters(b"echo"))
m.audit()
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect", client_driver=protocol_driver(edit_cl=undecided))
client.make_call(m, b"echo")
m.run_until_idle()
incoming = next(c for c in client.active_calls(m) if not c.outgoing)
# the sample CM deactivates the rejected VC
with m.running_as("client"):
    NdisClIncomingCallComplete(NDIS_STATUS_NOT_ACCEPTED, incoming.NdisVcHandle, call_parameters(b"echo"))
m.run_until_idle()
m.audit()
{_PRINT}
""",
    ),
    "R2.46": _lesson(
        """A client tears down from the inside out: calls closed, VCs deleted and SAPs deregistered
        before it closes the address family, and address families closed before the binding.""",
        f"""
m, nic = loopback_machine(verifier="collect")
af = m.driver("client").context.bindings[0].af
with m.running_as("client"):
    NdisClCloseAddressFamily(af.NdisAfHandle)  # its SAP is still registered
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")
# the sample deregisters its SAP, then closes the AF
m.unbind("client", nic)
m.run_until_idle()
{_PRINT}
""",
    ),
    "R2.47": _lesson(
        """A call manager that unbinds from an adapter (or an MCM that halts) first asks every
        client to close the address family, and closes the binding only after they have.""",
        f"""
def AbruptUnbind(UnbindContext, ProtocolBindingContext):
    # clients still use the AF
    return NdisCloseAdapterEx(ProtocolBindingContext.NdisBindingHandle)

def use(chars):
    chars.UnbindAdapterHandlerEx = AbruptUnbind

m, nic = loopback_machine(verifier="collect", manager=protocol_driver(role="cm", edit_chars=use))
m.unbind("call_manager", nic)
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")
m.unbind("call_manager", nic)                  # the sample notifies the client first
m.run_until_idle()
{_PRINT}
""",
    ),
    # ------------------------------------------------------------------ data path
    "R3.32": _lesson(
        """An NBL's chain of NET_BUFFERs belongs to the driver that built it. A driver holding an NBL
        it did not allocate (a miniport with a send, a protocol with a receive it kept) may unlink
        and relink the NBLs themselves through NET_BUFFER_LIST.Next, but gives every NBL back with
        the same NET_BUFFERs in the same order: it moves no NET_BUFFER to another NBL and never
        writes NET_BUFFER.Next. The simulation checks the writes: only the driver that allocated an
        NBL or a NET_BUFFER may write its FirstNetBuffer or Next, and only with NET_BUFFERs it
        allocated itself; in collect mode the refused write has no effect. Reading costs nothing, and
        the send path writes neither field. Writes made with no driver running (the harness) are not
        checked.""",
        f"""
from condis_edu.samples.client import data as client_data
from condis_edu.samples.loopback_miniport import datapath as nic_data

m, nic = loopback_machine(verifier="collect")
nic_data.settings(nic).complete = "deferred"       # the miniport keeps the sends a while
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    first = client_data.build_chain(call, 2, b"frame")
    second = first.Next
    NdisCoSendNetBufferLists(call.NdisVcHandle, first, 0)
with m.running_as("loopback_miniport"):           # it holds both NBLs now
    # gathers both packets under the first NBL
    first.FirstNetBuffer.Next = second.FirstNetBuffer
m.run_until_idle()
{_PRINT}
""",
        f"""
from condis_edu.samples.client import data as client_data
from condis_edu.samples.loopback_miniport import datapath as nic_data

m, nic = loopback_machine(verifier="collect")
nic_data.settings(nic).complete = "deferred"
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    first = client_data.build_chain(call, 2, b"frame")
    second = first.Next
    NdisCoSendNetBufferLists(call.NdisVcHandle, first, 0)
with m.running_as("loopback_miniport"):
    # relinking the NBLs themselves is the holder's right
    second.Next, first.Next = first, None
m.run_until_idle()
{_PRINT}
""",
    ),
    "R3.37": _lesson(
        """MiniportReserved is scratch space for the miniport that holds an NBL or a NET_BUFFER (the
        miniport a send went to, or the one that built a receive); ProtocolReserved is for the
        protocol that holds it (the sender, or the protocol a receive was indicated to). Each area
        belongs to one driver: writing the other side's area overwrites the context that driver
        keeps there. The simulation checks every element write: the writer must hold the NBL and
        play the area's side for it (an intermediate driver plays both on NBLs it owns). A
        NET_BUFFER its builder never linked into an NBL is checked on the writer's registered side
        alone. In collect mode the refused write has no effect; reads cost nothing.""",
        f"""
from condis_edu.samples.client import data as client_data

m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
client_data.data_of(call).hold_receives = True     # the client keeps the echo it receives
with m.running_as("client"):
    client_data.send_chain(call, client_data.build_chain(call, 1, b"ping"))
m.run_until_idle()
echo = client_data.data_of(call).held[0]
with m.running_as("client"):
    echo.MiniportReserved[0] = "seen"              # the miniport keeps its VC there
    client_data.release_receives(call)
{_PRINT}
""",
        f"""
from condis_edu.samples.client import data as client_data

m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
client_data.data_of(call).hold_receives = True
with m.running_as("client"):
    client_data.send_chain(call, client_data.build_chain(call, 1, b"ping"))
m.run_until_idle()
echo = client_data.data_of(call).held[0]
with m.running_as("client"):
    echo.ProtocolReserved[0] = "seen"              # the protocol's own area
    client_data.release_receives(call)
{_PRINT}
""",
    ),
    # ------------------------------------------------------------------ data path: sends, receives, returns
    "R3.03": _lesson(
        """On a CoNDIS send the SourceHandle of every NBL names the VC the NBL travels on. NDIS
        reads it to find the sender again when the miniport completes the send, so an NBL that
        carries some other handle (the binding's, as a connectionless protocol would set it, or
        none at all) cannot be routed back and is refused.""",
        f"""
from condis_edu.samples.client import data as client_data

m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    nbl = client_data.build_chain(call, 1, b"ping")
    nbl.SourceHandle = call.af.binding.NdisBindingHandle   # the connectionless habit
    client_data.send_chain(call, nbl)
m.run_until_idle()
{_PRINT}
""",
        f"""
from condis_edu.samples.client import data as client_data

m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    nbl = client_data.build_chain(call, 1, b"ping")
    nbl.SourceHandle = call.NdisVcHandle                   # the VC it is sent on
    client_data.send_chain(call, nbl)
m.run_until_idle()
{_PRINT}
""",
    ),
    "R3.04": _lesson(
        """An intermediate driver that passes an NBL from above straight down (instead of copying
        it) must put its own handle (the VC or binding it sends on) into SourceHandle for the trip
        below. The sender above still needs its handle back: the IM keeps the original somewhere
        of its own and writes it back before it completes the NBL upward, or NDIS cannot tell
        whose send came back.""",
        f"""
from condis_edu.samples import call_manager, ethproto, lane_im, loopback_miniport

m = Machine(verifier="collect")
for driver in (loopback_miniport, call_manager, lane_im, ethproto):
    m.load_driver(driver)
m.start_adapter("loopback_miniport")
m.bind_all()
lane_im.connect(m)                             # the IM's call on the NIC below
m.run_until_idle()
m.bind_all()                                   # ethproto binds to lane0 above

def PassThroughSend(MiniportAdapterContext, NetBufferLists, PortNumber, SendFlags):
    nbl = NetBufferLists                       # one frame from ethproto
    nbl.SourceHandle = MiniportAdapterContext.vc().NdisVcHandle   # for the VC below
    # ... sent below and completed there; now the IM completes it upward:
    nbl.Status = NDIS_STATUS_SUCCESS
    NdisMSendNetBufferListsComplete(MiniportAdapterContext.MiniportAdapterHandle, nbl, 0)   # not put back

# a shortcut for this page: the handler is put into NDIS's copy of lane_im's characteristics
m.adapter("lane0").miniport.chars.SendNetBufferListsHandler = PassThroughSend
ethproto.send_frames(m, [b"hello"])
m.run_until_idle()
{_PRINT}
""",
        f"""
from condis_edu.samples import call_manager, ethproto, lane_im, loopback_miniport

m = Machine(verifier="collect")
for driver in (loopback_miniport, call_manager, lane_im, ethproto):
    m.load_driver(driver)
m.start_adapter("loopback_miniport")
m.bind_all()
lane_im.connect(m)
m.run_until_idle()
m.bind_all()

def PassThroughSend(MiniportAdapterContext, NetBufferLists, PortNumber, SendFlags):
    nbl = NetBufferLists
    nbl.MiniportReserved[0] = nbl.SourceHandle                    # saved
    nbl.SourceHandle = MiniportAdapterContext.vc().NdisVcHandle
    # ... sent below and completed there; now the IM completes it upward:
    nbl.Status = NDIS_STATUS_SUCCESS
    nbl.SourceHandle = nbl.MiniportReserved[0]                    # restored
    NdisMSendNetBufferListsComplete(MiniportAdapterContext.MiniportAdapterHandle, nbl, 0)

m.adapter("lane0").miniport.chars.SendNetBufferListsHandler = PassThroughSend
ethproto.send_frames(m, [b"hello"])
m.run_until_idle()
{_PRINT}
""",
    ),
    "R3.05": _lesson(
        """Every NBL a driver sends is one it allocated from an NDIS pool and has not freed since.
        After NdisFreeNetBufferList the memory belongs to the pool again and may be handed to
        someone else, so sending (or freeing) it a second time corrupts whoever got it next.""",
        f"""
from condis_edu.samples.client import data as client_data

m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    nbl = client_data.build_chain(call, 1, b"ping")
    NdisFreeNetBufferList(nbl)                 # given back to the pool ...
    client_data.send_chain(call, nbl)          # ... and sent anyway
m.run_until_idle()
{_PRINT}
""",
        f"""
from condis_edu.samples.client import data as client_data

m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    nbl = client_data.build_chain(call, 1, b"ping")
    client_data.send_chain(call, nbl)
m.run_until_idle()                             # the send completes: the NBL is ours again
with m.running_as("client"):
    NdisFreeNetBufferList(client_data.data_of(call).free.pop())   # freed once, after use
{_PRINT}
""",
    ),
    "R3.06": _lesson(
        """Handing NBLs to NdisCoSendNetBufferLists lends them to the miniport until the send
        completion gives them back. In between the sender must leave them alone: no second send,
        no free, no reading or rewriting of the data, because the miniport may be using (or
        already have reused) every byte.""",
        f"""
from condis_edu.samples.client import data as client_data
from condis_edu.samples.loopback_miniport import datapath as nic_data

m, nic = loopback_machine(verifier="collect")
nic_data.settings(nic).complete = "deferred"   # completions come later
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    nbl = client_data.build_chain(call, 1, b"one")
    NdisCoSendNetBufferLists(call.NdisVcHandle, nbl, 0)
    NdisCoSendNetBufferLists(call.NdisVcHandle, nbl, 0)   # again, while the miniport holds it
m.run_until_idle()
{_PRINT}
""",
        f"""
from condis_edu.samples.client import data as client_data
from condis_edu.samples.loopback_miniport import datapath as nic_data

m, nic = loopback_machine(verifier="collect")
nic_data.settings(nic).complete = "deferred"
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    nbl = client_data.build_chain(call, 1, b"one")
    NdisCoSendNetBufferLists(call.NdisVcHandle, nbl, 0)
    nbl = client_data.build_chain(call, 1, b"two")      # a fresh NBL for the next frame
    NdisCoSendNetBufferLists(call.NdisVcHandle, nbl, 0)
m.run_until_idle()
{_PRINT}
""",
    ),
    "R3.07": _lesson(
        """Once the client has called NdisClCloseCall the call is on its way down, even while the
        close is still pending: the client sends nothing more on that VC. Data it still wants
        to deliver goes out before it hangs up. The simulation completes a late send itself, with
        NDIS_STATUS_CLOSING.""",
        f"""
from condis_edu.samples.client import data as client_data

m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
client.close_call(m, call)                     # NdisClCloseCall (the close pends)
with m.running_as("client"):
    client_data.send_chain(call, client_data.build_chain(call, 1, b"bye"))   # too late
m.run_until_idle()
{_PRINT}
""",
        f"""
from condis_edu.samples.client import data as client_data

m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    client_data.send_chain(call, client_data.build_chain(call, 1, b"bye"))   # first the data
client.close_call(m, call)                     # then the hang-up
m.run_until_idle()
{_PRINT}
""",
    ),
    "R3.10": _lesson(
        """A CoNDIS miniport hands a finished send back with NdisMCoSendNetBufferListsComplete,
        naming the VC the NBLs arrived on, and only for NBLs that VC gave it and that it has not
        completed yet. The connectionless NdisMSendNetBufferListsComplete, another VC's handle or
        an NBL nobody sent it would route the NBLs to a sender that does not expect them.""",
        f"""
from condis_edu.samples.client import data as client_data

def MySend(MiniportVcContext, NetBufferLists, SendFlags):
    NetBufferLists.Status = NDIS_STATUS_SUCCESS
    # the connectionless completion, for a send that came on a VC
    NdisMSendNetBufferListsComplete(MiniportVcContext.adapter.MiniportAdapterHandle, NetBufferLists, 0)

def with_my_send(co):
    co.CoSendNetBufferListsHandler = MySend

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=with_my_send))
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    client_data.send_chain(call, client_data.build_chain(call, 1, b"ping"))
m.run_until_idle()
{_PRINT}
""",
        f"""
from condis_edu.samples.client import data as client_data

def MySend(MiniportVcContext, NetBufferLists, SendFlags):
    NetBufferLists.Status = NDIS_STATUS_SUCCESS
    NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, NetBufferLists, 0)

def with_my_send(co):
    co.CoSendNetBufferListsHandler = MySend

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=with_my_send))
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    client_data.send_chain(call, client_data.build_chain(call, 1, b"ping"))
m.run_until_idle()
{_PRINT}
""",
    ),
    "R3.12": _lesson(
        """Completing a send is a one-time event: the miniport first stores the outcome in each
        NBL's Status (a real status, never NDIS_STATUS_PENDING), then completes it exactly once.
        After that call the NBL is the sender's again, so a second completion, or any later
        write, reaches an NBL the sender may already be reusing.""",
        f"""
from condis_edu.samples.client import data as client_data

def MySend(MiniportVcContext, NetBufferLists, SendFlags):
    NetBufferLists.Status = NDIS_STATUS_SUCCESS
    NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, NetBufferLists, 0)
    NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, NetBufferLists, 0)   # again

def with_my_send(co):
    co.CoSendNetBufferListsHandler = MySend

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=with_my_send))
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    client_data.send_chain(call, client_data.build_chain(call, 1, b"ping"))
m.run_until_idle()
{_PRINT}
""",
        f"""
from condis_edu.samples.client import data as client_data

def MySend(MiniportVcContext, NetBufferLists, SendFlags):
    NetBufferLists.Status = NDIS_STATUS_SUCCESS
    NdisMCoSendNetBufferListsComplete(MiniportVcContext.NdisVcHandle, NetBufferLists, 0)   # once

def with_my_send(co):
    co.CoSendNetBufferListsHandler = MySend

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=with_my_send))
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    client_data.send_chain(call, client_data.build_chain(call, 1, b"ping"))
m.run_until_idle()
{_PRINT}
""",
    ),
    "R3.20": _lesson(
        """Receives on a VC come from the miniport that owns the VC, and nobody else. The count
        passed with the indication must equal the number of NBLs in the chain: the protocol
        sizes its work by that number, so a count that is too small leaves packets unseen and
        one that is too large sends it past the end of the chain.""",
        f"""
m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
params = NET_BUFFER_LIST_POOL_PARAMETERS(fAllocateNetBuffer=True, DataSize=64)
fill_header(params)
with m.running_as("loopback_miniport"):
    pool = NdisAllocateNetBufferListPool(nic.handle, params)
    first = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 64)
    first.Next = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 64)
    first.SourceHandle = first.Next.SourceHandle = call.NdisVcHandle
    # two NBLs, counted as one (lent for this call only: the client copies them)
    NdisMCoIndicateReceiveNetBufferLists(call.NdisVcHandle, first, 1, NDIS_RECEIVE_FLAGS_RESOURCES)
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
params = NET_BUFFER_LIST_POOL_PARAMETERS(fAllocateNetBuffer=True, DataSize=64)
fill_header(params)
with m.running_as("loopback_miniport"):
    pool = NdisAllocateNetBufferListPool(nic.handle, params)
    first = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 64)
    first.Next = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 64)
    first.SourceHandle = first.Next.SourceHandle = call.NdisVcHandle
    NdisMCoIndicateReceiveNetBufferLists(call.NdisVcHandle, first, 2, NDIS_RECEIVE_FLAGS_RESOURCES)
{_PRINT}
""",
    ),
    "R3.21": _lesson(
        """A miniport indicates up only NBLs it allocated itself and currently holds, never NBLs
        that are on loan to it, and it stamps each one with the VC's NdisVcHandle in SourceHandle.
        That handle is how NDIS finds the protocol the receive is for and, later, the miniport
        the NBLs go back to.""",
        f"""
m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
params = NET_BUFFER_LIST_POOL_PARAMETERS(fAllocateNetBuffer=True, DataSize=64)
fill_header(params)
with m.running_as("loopback_miniport"):
    pool = NdisAllocateNetBufferListPool(nic.handle, params)
    nbl = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 64)
    # SourceHandle never set
    NdisMCoIndicateReceiveNetBufferLists(call.NdisVcHandle, nbl, 1, NDIS_RECEIVE_FLAGS_RESOURCES)
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
params = NET_BUFFER_LIST_POOL_PARAMETERS(fAllocateNetBuffer=True, DataSize=64)
fill_header(params)
with m.running_as("loopback_miniport"):
    pool = NdisAllocateNetBufferListPool(nic.handle, params)
    nbl = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 64)
    nbl.SourceHandle = call.NdisVcHandle       # the VC it arrives on
    NdisMCoIndicateReceiveNetBufferLists(call.NdisVcHandle, nbl, 1, NDIS_RECEIVE_FLAGS_RESOURCES)
{_PRINT}
""",
    ),
    "R3.23": _lesson(
        """A protocol that keeps a receive (one indicated without NDIS_RECEIVE_FLAGS_RESOURCES)
        gives it back with NdisReturnNetBufferLists exactly once, and returns only NBLs that were
        indicated to it. The miniport recycles a returned NBL at once, so returning it a second
        time hands back memory that may already carry a new packet.""",
        f"""
from condis_edu.samples.client import data as client_data

m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
client_data.data_of(call).hold_receives = True     # the client keeps what it receives
with m.running_as("client"):
    client_data.send_chain(call, client_data.build_chain(call, 1, b"ping"))
m.run_until_idle()
echo = client_data.data_of(call).held[0]
with m.running_as("client"):
    client_data.release_receives(call)                 # returns every held NBL ...
    NdisReturnNetBufferLists(call.af.binding.NdisBindingHandle, echo, 0)   # ... and this one again
{_PRINT}
""",
        f"""
from condis_edu.samples.client import data as client_data

m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
client_data.data_of(call).hold_receives = True
with m.running_as("client"):
    client_data.send_chain(call, client_data.build_chain(call, 1, b"ping"))
m.run_until_idle()
with m.running_as("client"):
    client_data.release_receives(call)                 # each held NBL goes back once
{_PRINT}
""",
    ),
    "R3.24": _lesson(
        """The NDIS_RECEIVE_FLAGS_RESOURCES flag tells the protocol that the NBLs must be back with
        the miniport (usually short of receive buffers) the moment the receive handler returns. The
        protocol copies whatever it needs during the call; it neither keeps the NBLs nor returns
        them with NdisReturnNetBufferLists, since they were never handed over.""",
        f"""
def MyReceive(ProtocolBindingContext, ProtocolVcContext, NetBufferLists, NumberOfNetBufferLists, ReceiveFlags):
    # returns every receive, lent or not
    NdisReturnNetBufferLists(ProtocolBindingContext.NdisBindingHandle, NetBufferLists, 0)

def with_my_receive(co):
    co.CoReceiveNetBufferListsHandler = MyReceive

m, nic = loopback_machine(verifier="collect", client_driver=protocol_driver(edit_co=with_my_receive))
call = client.make_call(m, b"echo")
m.run_until_idle()
params = NET_BUFFER_LIST_POOL_PARAMETERS(fAllocateNetBuffer=True, DataSize=64)
fill_header(params)
with m.running_as("loopback_miniport"):
    nbl = NdisAllocateNetBufferAndNetBufferList(NdisAllocateNetBufferListPool(nic.handle, params), 0, 0, None, 0, 64)
    nbl.SourceHandle = call.NdisVcHandle
    NdisMCoIndicateReceiveNetBufferLists(call.NdisVcHandle, nbl, 1, NDIS_RECEIVE_FLAGS_RESOURCES)
{_PRINT}
""",
        f"""
def MyReceive(ProtocolBindingContext, ProtocolVcContext, NetBufferLists, NumberOfNetBufferLists, ReceiveFlags):
    if ReceiveFlags & NDIS_RECEIVE_FLAGS_RESOURCES:
        return                                  # only lent: copy what you need, keep nothing
    NdisReturnNetBufferLists(ProtocolBindingContext.NdisBindingHandle, NetBufferLists, 0)

def with_my_receive(co):
    co.CoReceiveNetBufferListsHandler = MyReceive

m, nic = loopback_machine(verifier="collect", client_driver=protocol_driver(edit_co=with_my_receive))
call = client.make_call(m, b"echo")
m.run_until_idle()
params = NET_BUFFER_LIST_POOL_PARAMETERS(fAllocateNetBuffer=True, DataSize=64)
fill_header(params)
with m.running_as("loopback_miniport"):
    nbl = NdisAllocateNetBufferAndNetBufferList(NdisAllocateNetBufferListPool(nic.handle, params), 0, 0, None, 0, 64)
    nbl.SourceHandle = call.NdisVcHandle
    NdisMCoIndicateReceiveNetBufferLists(call.NdisVcHandle, nbl, 1, NDIS_RECEIVE_FLAGS_RESOURCES)
{_PRINT}
""",
    ),
    "R3.27": _lesson(
        """Received NBLs go back through the binding they arrived on, and the call comes from the
        protocol driver that owns that binding. Another driver holding the handle (a call
        manager helping out, say) may not return them for it: the binding and the NBLs indicated
        on it are that protocol's business alone.""",
        f"""
from condis_edu.samples.client import data as client_data

m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
client_data.data_of(call).hold_receives = True     # the client keeps what it receives
with m.running_as("client"):
    client_data.send_chain(call, client_data.build_chain(call, 1, b"ping"))
m.run_until_idle()
echo = client_data.data_of(call).held.pop()
with m.running_as("call_manager"):                 # code of the wrong driver
    NdisReturnNetBufferLists(call.af.binding.NdisBindingHandle, echo, 0)
{_PRINT}
""",
        f"""
from condis_edu.samples.client import data as client_data

m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
client_data.data_of(call).hold_receives = True
with m.running_as("client"):
    client_data.send_chain(call, client_data.build_chain(call, 1, b"ping"))
m.run_until_idle()
echo = client_data.data_of(call).held.pop()
with m.running_as("client"):                       # the binding's own protocol
    NdisReturnNetBufferLists(call.af.binding.NdisBindingHandle, echo, 0)
{_PRINT}
""",
    ),
    # ------------------------------------------------------------------ OID requests, status indications, reset
    "R4.02": _lesson(
        """A binding handle is private to the protocol that opened the adapter with it. NDIS routes
        an NdisCoOidRequest by the caller's binding, so a driver that borrows another protocol's
        handle would be asking the miniport in that protocol's name; NDIS refuses the request.""",
        f"""
m, nic = loopback_machine(verifier="collect")
binding = m.driver("client").context.bindings[0]
with m.running_as("call_manager"):
    # the client's binding, not the call manager's
    NdisCoOidRequest(binding.NdisBindingHandle, None, None, None, oid_query(OID_GEN_CO_LINK_SPEED))
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")
binding = m.driver("client").context.bindings[0]
with m.running_as("client"):                   # the binding's own protocol asks
    NdisCoOidRequest(binding.NdisBindingHandle, None, None, None, oid_query(OID_GEN_CO_LINK_SPEED))
{_PRINT}
""",
    ),
    "R4.05": _lesson(
        """NdisCoOidRequest carries the connection-oriented OIDs, the ones with a CoNDIS code. An
        OID of the connectionless world, such as an 802.3 address query, belongs on
        NdisOidRequest; sent through the CoNDIS call it never reaches the miniport and comes back
        as NDIS_STATUS_INVALID_OID.""",
        f"""
m, nic = loopback_machine(verifier="collect")
binding = m.driver("client").context.bindings[0]
with m.running_as("client"):
    # an Ethernet OID on the CoNDIS call
    NdisCoOidRequest(binding.NdisBindingHandle, None, None, None, oid_query(OID_802_3_CURRENT_ADDRESS))
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")
binding = m.driver("client").context.bindings[0]
with m.running_as("client"):
    # the connectionless call (this ATM NIC answers NOT_SUPPORTED)
    NdisOidRequest(binding.NdisBindingHandle, oid_query(OID_802_3_CURRENT_ADDRESS))
{_PRINT}
""",
    ),
    "R4.07": _lesson(
        """The caller of an OID request decides what to do next from the status alone, so
        MiniportCoOidRequest keeps to the short list of statuses its page documents: SUCCESS,
        PENDING, or one of the specific refusals such as NOT_SUPPORTED, INVALID_OID or
        BUFFER_TOO_SHORT. A vague NDIS_STATUS_FAILURE is not among them.""",
        f"""
from condis_edu.samples.loopback_miniport import datapath

def NoCounters(MiniportAdapterContext, MiniportVcContext, NdisRequest):
    if NdisRequest.DATA.QUERY_INFORMATION.Oid == OID_GEN_CO_XMIT_PDUS_OK:
        return NDIS_STATUS_FAILURE             # not one of its statuses
    return datapath.MPCoOidRequest(MiniportAdapterContext, MiniportVcContext, NdisRequest)

def use(co):
    co.CoOidRequestHandler = NoCounters

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=use))
binding = m.driver("client").context.bindings[0]
with m.running_as("client"):
    NdisCoOidRequest(binding.NdisBindingHandle, None, None, None, oid_query(OID_GEN_CO_XMIT_PDUS_OK))
{_PRINT}
""",
        f"""
def NoCounters(MiniportAdapterContext, MiniportVcContext, NdisRequest):
    if NdisRequest.DATA.QUERY_INFORMATION.Oid == OID_GEN_CO_XMIT_PDUS_OK:
        return NDIS_STATUS_NOT_SUPPORTED       # the documented way to say no
    return datapath.MPCoOidRequest(MiniportAdapterContext, MiniportVcContext, NdisRequest)

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=use))
binding = m.driver("client").context.bindings[0]
with m.running_as("client"):
    NdisCoOidRequest(binding.NdisBindingHandle, None, None, None, oid_query(OID_GEN_CO_XMIT_PDUS_OK))
{_PRINT}
""",
    ),
    "R4.10": _lesson(
        """A miniport that answered PENDING owes the requester exactly one NdisMCoOidRequestComplete,
        and the Status it passes is the request's outcome. Completing with NDIS_STATUS_PENDING again
        answers nothing: the requester keeps waiting for a result that never comes.""",
        f"""
def Later(MiniportAdapterContext, MiniportVcContext, NdisRequest):
    return NDIS_STATUS_PENDING                 # will answer later

def use(co):
    co.CoOidRequestHandler = Later

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=use))
binding = m.driver("client").context.bindings[0]
request = oid_query(OID_GEN_CO_XMIT_PDUS_OK)
with m.running_as("client"):
    NdisCoOidRequest(binding.NdisBindingHandle, None, None, None, request)
with m.running_as("loopback_miniport"):       # later, the miniport "completes" it
    NdisMCoOidRequestComplete(nic.handle, None, request, NDIS_STATUS_PENDING)
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=use))
binding = m.driver("client").context.bindings[0]
request = oid_query(OID_GEN_CO_XMIT_PDUS_OK)
with m.running_as("client"):
    NdisCoOidRequest(binding.NdisBindingHandle, None, None, None, request)
with m.running_as("loopback_miniport"):       # later, with the request's outcome
    NdisMCoOidRequestComplete(nic.handle, None, request, NDIS_STATUS_NOT_SUPPORTED)
m.run_until_idle()
{_PRINT}
""",
    ),
    "R4.11": _lesson(
        """OID requests also travel between a client and its call manager, over the address family.
        The protocol that pended such a request finishes it with NdisCoOidRequestComplete, once,
        and with the result; NDIS_STATUS_PENDING is not a result and leaves the requester hanging.""",
        f"""
def Later(ProtocolAfContext, ProtocolVcContext, ProtocolPartyContext, OidRequest):
    return NDIS_STATUS_PENDING                 # will answer later

def later(cm):
    cm.CmOidRequestHandler = Later

m, nic = loopback_machine(verifier="collect", manager=protocol_driver(role="cm", edit_cm=later))
af = m.driver("client").context.bindings[0].af
request = oid_query(OID_CO_GET_ADDRESSES)
with m.running_as("client"):                   # asks the call manager, through the AF
    NdisCoOidRequest(af.binding.NdisBindingHandle, af.NdisAfHandle, None, None, request)
with m.running_as("call_manager"):
    NdisCoOidRequestComplete(af.NdisAfHandle, None, None, request, NDIS_STATUS_PENDING)   # no answer
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect", manager=protocol_driver(role="cm", edit_cm=later))
af = m.driver("client").context.bindings[0].af
request = oid_query(OID_CO_GET_ADDRESSES)
with m.running_as("client"):
    NdisCoOidRequest(af.binding.NdisBindingHandle, af.NdisAfHandle, None, None, request)
with m.running_as("call_manager"):
    NdisCoOidRequestComplete(af.NdisAfHandle, None, None, request, NDIS_STATUS_NOT_SUPPORTED)
m.run_until_idle()
{_PRINT}
""",
    ),
    "R4.13": _lesson(
        """Protocols learn what a CoNDIS adapter is (its media, link speed, vendor, versions,
        options and connect state) from a fixed set of OID_GEN_CO_* queries, so every CoNDIS
        miniport must answer each of them: refusing one, or claiming success while writing fewer
        bytes than the OID's answer needs, leaves the protocol without that fact.""",
        f"""
def Silent(MiniportAdapterContext, MiniportVcContext, NdisRequest):
    return NDIS_STATUS_NOT_SUPPORTED           # refuses every OID, the mandatory ones too

def use(co):
    co.CoOidRequestHandler = Silent

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_co=use))
binding = m.driver("client").context.bindings[0]
with m.running_as("client"):
    NdisCoOidRequest(binding.NdisBindingHandle, None, None, None, oid_query(OID_GEN_CO_LINK_SPEED))
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")  # the sample answers every mandatory query
binding = m.driver("client").context.bindings[0]
with m.running_as("client"):
    NdisCoOidRequest(binding.NdisBindingHandle, None, None, None, oid_query(OID_GEN_CO_LINK_SPEED))
{_PRINT}
""",
    ),
    "R4.17": _lesson(
        """A status indication names an adapter that NDIS must already know: the miniport may
        indicate only once NdisMSetMiniportAttributes has registered its adapter context during
        MiniportInitializeEx, and no later than the return of MiniportHaltEx. Only the adapter's
        own miniport indicates status for it.""",
        f"""
from condis_edu.samples.loopback_miniport import adapter as nic_adapter

def link_up(NdisMiniportHandle):
    indication = NDIS_STATUS_INDICATION(SourceHandle=NdisMiniportHandle, StatusCode=NDIS_STATUS_LINK_STATE)
    fill_header(indication)
    NdisMCoIndicateStatusEx(NdisMiniportHandle, None, indication)

def EarlyInitializeEx(NdisMiniportHandle, MiniportDriverContext, MiniportInitParameters):
    link_up(NdisMiniportHandle)                # before NdisMSetMiniportAttributes
    return nic_adapter.MPInitializeEx(NdisMiniportHandle, MiniportDriverContext, MiniportInitParameters)

def use(chars):
    chars.InitializeHandlerEx = EarlyInitializeEx

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_chars=use))
{_PRINT}
""",
        f"""
def InitializeEx(NdisMiniportHandle, MiniportDriverContext, MiniportInitParameters):
    Status = nic_adapter.MPInitializeEx(NdisMiniportHandle, MiniportDriverContext, MiniportInitParameters)
    if Status == NDIS_STATUS_SUCCESS:
        link_up(NdisMiniportHandle)            # the attributes are set by now
    return Status

def use(chars):
    chars.InitializeHandlerEx = InitializeEx

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_chars=use))
{_PRINT}
""",
    ),
    "R4.18": _lesson(
        """NDIS checks an NDIS_STATUS_INDICATION before passing it up: its Header must say it is a
        status indication (type 0x98, revision 1), and SourceHandle must be the handle NDIS gave
        the miniport for this adapter. A structure with an empty header is refused.""",
        f"""
m, nic = loopback_machine(verifier="collect")
# Header left empty: no fill_header
indication = NDIS_STATUS_INDICATION(SourceHandle=nic.handle, StatusCode=NDIS_STATUS_LINK_STATE)
with m.running_as("loopback_miniport"):
    NdisMCoIndicateStatusEx(nic.handle, None, indication)
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")
indication = NDIS_STATUS_INDICATION(SourceHandle=nic.handle, StatusCode=NDIS_STATUS_LINK_STATE)
fill_header(indication)                        # Type 0x98, Revision 1 and its Size
with m.running_as("loopback_miniport"):
    NdisMCoIndicateStatusEx(nic.handle, None, indication)
{_PRINT}
""",
    ),
    "R4.21": _lesson(
        """The start and the end of a reset are announced by NDIS, which knows when it calls
        MiniportResetEx and when the reset has finished. A miniport never indicates
        NDIS_STATUS_RESET_START or NDIS_STATUS_RESET_END itself, even from its own reset handler.""",
        f"""
from condis_edu.samples.loopback_miniport import datapath

def LoudResetEx(MiniportAdapterContext):
    handle = MiniportAdapterContext.MiniportAdapterHandle
    indication = NDIS_STATUS_INDICATION(SourceHandle=handle, StatusCode=NDIS_STATUS_RESET_START)
    fill_header(indication)
    NdisMCoIndicateStatusEx(handle, None, indication)   # NDIS has already said so
    return datapath.MPResetEx(MiniportAdapterContext)

def use(chars):
    chars.ResetHandlerEx = LoudResetEx

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_chars=use))
m.reset_adapter(nic)
{_PRINT}
""",
        f"""
# the sample resets quietly: NDIS indicates RESET_START and RESET_END around it
m, nic = loopback_machine(verifier="collect")
m.reset_adapter(nic)
{_PRINT}
""",
    ),
    "R4.23": _lesson(
        """MiniportResetEx reports how the reset went with one of five statuses: SUCCESS, PENDING
        (NdisMResetComplete follows), RESET_IN_PROGRESS, or SOFT_ERRORS or HARD_ERRORS when the
        hardware still misbehaves. NDIS has no meaning for any other code, so a reset that failed
        says HARD_ERRORS, not FAILURE.""",
        f"""
def use(chars):
    # a generic failure
    chars.ResetHandlerEx = lambda MiniportAdapterContext: (NDIS_STATUS_FAILURE, False)

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_chars=use))
m.reset_adapter(nic)
{_PRINT}
""",
        f"""
def use(chars):
    # the reset's own word for "the hardware is still broken"
    chars.ResetHandlerEx = lambda MiniportAdapterContext: (NDIS_STATUS_HARD_ERRORS, False)

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_chars=use))
m.reset_adapter(nic)
{_PRINT}
""",
    ),
    "R4.26": _lesson(
        """A reset throws away what the hardware was doing, so the sends it held can no longer
        succeed. From NDIS 6.30 on, the miniport completes every send it still holds (with
        NDIS_STATUS_RESET_IN_PROGRESS, say) before its reset completes, instead of keeping them
        queued across the reset.""",
        f"""
from condis_edu.samples.client import data as client_data
from condis_edu.samples.loopback_miniport import datapath

def use(chars):
    # keeps its transmit queue
    chars.ResetHandlerEx = lambda MiniportAdapterContext: (NDIS_STATUS_SUCCESS, False)

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_chars=use))
datapath.settings(nic).complete = "deferred"   # sends wait in a queue
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    NdisCoSendNetBufferLists(call.NdisVcHandle, client_data.build_chain(call, 2, b"frame"), 0)
m.reset_adapter(nic, run=False)
{_PRINT}
""",
        f"""
# the sample's MiniportResetEx completes the queued sends first
m, nic = loopback_machine(verifier="collect")
datapath.settings(nic).complete = "deferred"
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("client"):
    NdisCoSendNetBufferLists(call.NdisVcHandle, client_data.build_chain(call, 2, b"frame"), 0)
m.reset_adapter(nic)
{_PRINT}
""",
    ),
    "R4.27": _lesson(
        """NdisMResetComplete is the late answer to a MiniportResetEx that returned
        NDIS_STATUS_PENDING, and nothing else. A miniport that finished its reset synchronously
        has answered already; calling NdisMResetComplete on top of that stops the system with a
        bug check.""",
        f"""
from condis_edu.samples.loopback_miniport import datapath

def BothResetEx(MiniportAdapterContext):
    datapath.MPResetEx(MiniportAdapterContext)
    # completes a reset that it finishes synchronously anyway
    NdisMResetComplete(MiniportAdapterContext.MiniportAdapterHandle, NDIS_STATUS_SUCCESS, False)
    return NDIS_STATUS_SUCCESS, False

def use(chars):
    chars.ResetHandlerEx = BothResetEx

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_chars=use))
m.reset_adapter(nic)
{_PRINT}
""",
        f"""
def reset_done(WorkItemContext, NdisIoWorkItemHandle):
    NdisFreeIoWorkItem(NdisIoWorkItemHandle)
    NdisMResetComplete(WorkItemContext.MiniportAdapterHandle, NDIS_STATUS_SUCCESS, False)

def SlowResetEx(MiniportAdapterContext):
    datapath.MPResetEx(MiniportAdapterContext)
    work = NdisAllocateIoWorkItem(MiniportAdapterContext.MiniportAdapterHandle)
    NdisQueueIoWorkItem(work, reset_done, MiniportAdapterContext)
    return NDIS_STATUS_PENDING, False          # pended: the completion comes later, once

def use(chars):
    chars.ResetHandlerEx = SlowResetEx

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_chars=use))
m.reset_adapter(nic)
{_PRINT}
""",
    ),
    "R4.30": _lesson(
        """An intermediate driver sits on an adapter that may be reset under it. Between the
        NDIS_STATUS_RESET_START and NDIS_STATUS_RESET_END it hears from below, it holds what it
        would pass on: no sends down to the resetting adapter and no receive indications up from
        its own virtual miniport, until the reset is over.""",
        f"""
from condis_edu.samples import lane_im

def SlowResetEx(MiniportAdapterContext):
    return NDIS_STATUS_PENDING, False          # the NIC below takes its time

def use(chars):
    chars.ResetHandlerEx = SlowResetEx

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_chars=use))
m.load_driver(lane_im)
m.bind_all()                                   # lane_im binds to the NIC; NDIS starts lane0
lane = lane_im.virtual_adapter(m)
m.reset_adapter(nic, run=False)                # RESET_START has reached lane_im
with m.running_as("lane_im"):
    frame = NdisAllocateNetBufferAndNetBufferList(lane.rx_pool, 0, 0, None, 0, 16)
    frame.SourceHandle = lane.MiniportAdapterHandle
    # passes a frame up while the NIC below is still resetting
    NdisMIndicateReceiveNetBufferLists(lane.MiniportAdapterHandle, frame, 0, 1, 0)
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_chars=use))
m.load_driver(lane_im)
m.bind_all()
lane = lane_im.virtual_adapter(m)
m.reset_adapter(nic, run=False)
with m.running_as("loopback_miniport"):        # the NIC finishes; NDIS indicates RESET_END
    NdisMResetComplete(nic.handle, NDIS_STATUS_SUCCESS, False)
with m.running_as("lane_im"):
    frame = NdisAllocateNetBufferAndNetBufferList(lane.rx_pool, 0, 0, None, 0, 16)
    frame.SourceHandle = lane.MiniportAdapterHandle
    NdisMIndicateReceiveNetBufferLists(lane.MiniportAdapterHandle, frame, 0, 1, 0)
m.run_until_idle()
{_PRINT}
""",
    ),
    # ------------------------------------------------------------------ adapter states, pause and restart
    "R5.01": _lesson(
        """An intermediate driver is one driver with two registrations: a virtual miniport (registered
        with NDIS_INTERMEDIATE_DRIVER) above and a protocol below. Its DriverEntry registers both and
        then ties them together with NdisIMAssociateMiniport, so that NDIS treats the two halves as
        one driver from then on.""",
        f"""
def as_intermediate(chars):
    chars.Flags = NDIS_INTERMEDIATE_DRIVER
    chars.CheckForHangHandlerEx = chars.ResetHandlerEx = None
    chars.OidRequestHandler = lambda MiniportAdapterContext, OidRequest: NDIS_STATUS_NOT_SUPPORTED

upper = miniport_driver(name="my_im", edit_chars=as_intermediate, register_co=False)  # virtual miniport
lower = protocol_driver(name="my_im")          # protocol edge (the sample client's)

def ImDriverEntry(DriverObject, RegistryPath):
    upper.DriverEntry(DriverObject, RegistryPath)
    lower.DriverEntry(DriverObject, RegistryPath)
    return STATUS_SUCCESS                      # two registrations, never associated

m = Machine(verifier="collect")
m.load_driver(ImDriverEntry, name="my_im")
{_PRINT}
""",
        f"""
def ImDriverEntry(DriverObject, RegistryPath):
    upper.DriverEntry(DriverObject, RegistryPath)
    NdisMiniportDriverHandle = DriverObject.DriverExtension.NdisMiniportDriverHandle
    lower.DriverEntry(DriverObject, RegistryPath)
    NdisProtocolHandle = DriverObject.DriverExtension.NdisProtocolHandle
    NdisIMAssociateMiniport(NdisMiniportDriverHandle, NdisProtocolHandle)   # before returning
    return STATUS_SUCCESS

m = Machine(verifier="collect")
m.load_driver(ImDriverEntry, name="my_im")
{_PRINT}
""",
    ),
    "R5.02": _lesson(
        """A virtual miniport has no hardware that could hang, so an intermediate driver leaves
        CheckForHangHandlerEx and ResetHandlerEx NULL. Everything else a connectionless miniport
        needs it must supply, OID requests and sends included: the protocols bound above talk to it
        like to any NIC.""",
        f"""
def half_intermediate(chars):
    chars.Flags = NDIS_INTERMEDIATE_DRIVER
    chars.CheckForHangHandlerEx = chars.ResetHandlerEx = None
    # a CoNDIS sample: it has no connectionless OidRequestHandler

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=half_intermediate, register_co=False))
{_PRINT}
""",
        f"""
def full_intermediate(chars):
    half_intermediate(chars)
    chars.OidRequestHandler = lambda MiniportAdapterContext, OidRequest: NDIS_STATUS_NOT_SUPPORTED

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=full_intermediate, register_co=False))
{_PRINT}
""",
    ),
    "R5.03": _lesson(
        """An intermediate driver registered twice, so its unload routine undoes both:
        NdisDeregisterProtocolDriver for the lower edge and NdisMDeregisterMiniportDriver for the
        virtual miniport. A registration left behind after unload points NDIS at code that is no
        longer loaded.""",
        f"""
from condis_edu.samples import lane_im

m = Machine(verifier="collect")
lane = m.load_driver(lane_im)
handles = lane.driver_object.DriverExtension   # both registration handles

def HalfUnload(DriverObject):
    NdisMDeregisterMiniportDriver(handles.NdisMiniportDriverHandle)
    # no NdisDeregisterProtocolDriver: the protocol edge stays registered

# a shortcut for this page: the routine is put into NDIS's copy of lane_im's characteristics
lane.miniports[0].chars.UnloadHandler = HalfUnload
m.unload_driver("lane_im")
{_PRINT}
""",
        f"""
def FullUnload(DriverObject):
    NdisDeregisterProtocolDriver(handles.NdisProtocolHandle)
    NdisMDeregisterMiniportDriver(handles.NdisMiniportDriverHandle)

m = Machine(verifier="collect")
lane = m.load_driver(lane_im)
handles = lane.driver_object.DriverExtension
lane.miniports[0].chars.UnloadHandler = FullUnload
m.unload_driver("lane_im")
{_PRINT}
""",
    ),
    "R5.04": _lesson(
        """The virtual miniport an intermediate driver exposes upward is a connectionless miniport,
        the kind ordinary protocols bind to. CoNDIS belongs on the driver's lower, protocol edge
        only, so its MiniportSetOptions does not register NDIS_MINIPORT_CO_CHARACTERISTICS.""",
        f"""
def as_intermediate(chars):
    chars.Flags = NDIS_INTERMEDIATE_DRIVER
    chars.CheckForHangHandlerEx = chars.ResetHandlerEx = None
    chars.OidRequestHandler = lambda MiniportAdapterContext, OidRequest: NDIS_STATUS_NOT_SUPPORTED

m = Machine(verifier="collect")
# its MiniportSetOptions still registers the MiniportCoXxx handlers
m.load_driver(miniport_driver(edit_chars=as_intermediate))
{_PRINT}
""",
        f"""
m = Machine(verifier="collect")
# the virtual miniport stays connectionless
m.load_driver(miniport_driver(edit_chars=as_intermediate, register_co=False))
{_PRINT}
""",
    ),
    "R5.06": _lesson(
        """To start a virtual miniport, an intermediate driver calls NdisIMInitializeDeviceInstanceEx
        with the handle that NdisMRegisterMiniportDriver gave it, which is why it keeps that handle
        from DriverEntry on. Its protocol handle, or the handle of a miniport registered without
        NDIS_INTERMEDIATE_DRIVER, names no intermediate driver, and the call fails.""",
        f"""
from condis_edu.samples import lane_im

m = Machine(verifier="collect")
lane = m.load_driver(lane_im)
handles = lane.driver_object.DriverExtension
with m.running_as("lane_im"):
    # the protocol edge's handle, not the miniport registration's
    NdisIMInitializeDeviceInstanceEx(handles.NdisProtocolHandle, "lane7", None)
{_PRINT}
""",
        f"""
m = Machine(verifier="collect")
lane = m.load_driver(lane_im)
handles = lane.driver_object.DriverExtension
with m.running_as("lane_im"):
    # accepted: PnP will start lane7 later
    NdisIMInitializeDeviceInstanceEx(handles.NdisMiniportDriverHandle, "lane7", None)
{_PRINT}
""",
    ),
    "R5.09": _lesson(
        """Backing out of a virtual miniport depends on how far it got. Until its
        MiniportInitializeEx has run, NdisIMCancelInitializeDeviceInstance withdraws the request;
        once it has run the instance exists, and only NdisIMDeInitializeDeviceInstance (which halts
        it) removes it.""",
        f"""
from condis_edu.samples import call_manager, lane_im, loopback_miniport

m = Machine(verifier="collect")
for driver in (loopback_miniport, call_manager, lane_im):
    m.load_driver(driver)
m.start_adapter("loopback_miniport")
m.bind_all()                # lane_im binds to the NIC and starts its virtual miniport, lane0
handles = m.driver("lane_im").driver_object.DriverExtension
with m.running_as("lane_im"):
    # lane0's MiniportInitializeEx has run: too late to cancel
    NdisIMCancelInitializeDeviceInstance(handles.NdisMiniportDriverHandle, "lane0")
{_PRINT}
""",
        f"""
m = Machine(verifier="collect")
for driver in (loopback_miniport, call_manager, lane_im):
    m.load_driver(driver)
m.start_adapter("loopback_miniport")
m.bind_all()
with m.running_as("lane_im"):
    NdisIMDeInitializeDeviceInstance(m.adapter("lane0").handle)   # the undo for a started instance
m.run_until_idle()
{_PRINT}
""",
    ),
    "R5.18": _lesson(
        """NDIS does not ask a miniport whether it may pause; it tells it to. MiniportPause either
        finishes at once (NDIS_STATUS_SUCCESS) or promises to finish later with NdisMPauseComplete
        (NDIS_STATUS_PENDING). A failure status leaves NDIS with an adapter in no defined state.""",
        f"""
def RefusingPause(MiniportAdapterContext, PauseParameters):
    return NDIS_STATUS_FAILURE                 # "not now"

def use(chars):
    chars.PauseHandler = RefusingPause

m, nic = loopback_machine(verifier="collect", bind=False, miniport=miniport_driver(edit_chars=use))
m.pause_adapter(nic)
{_PRINT}
""",
        f"""
def QuickPause(MiniportAdapterContext, PauseParameters):
    MiniportAdapterContext.running = False
    return NDIS_STATUS_SUCCESS                 # nothing in flight: paused at once

def use(chars):
    chars.PauseHandler = QuickPause

m, nic = loopback_machine(verifier="collect", bind=False, miniport=miniport_driver(edit_chars=use))
m.pause_adapter(nic)
{_PRINT}
""",
    ),
    "R5.19": _lesson(
        """A pause is finished only when the adapter holds nothing of anyone else's: every send it
        was given has been completed and every receive it indicated has been returned to it. A
        miniport that reports paused sooner lets NDIS go on (to halt, say) while those NBLs are
        still in flight.""",
        f"""
from condis_edu.samples.client import data as client_data

def HastyPause(MiniportAdapterContext, PauseParameters):
    MiniportAdapterContext.running = False
    return NDIS_STATUS_SUCCESS                 # but the client still holds an echo

def use(chars):
    chars.PauseHandler = HastyPause

m, nic = loopback_machine(verifier="collect", miniport=miniport_driver(edit_chars=use))
call = client.make_call(m, b"echo")
m.run_until_idle()
client_data.data_of(call).hold_receives = True     # the client keeps what it receives
with m.running_as("client"):
    client_data.send_chain(call, client_data.build_chain(call, 1, b"ping"))
m.run_until_idle()
m.pause_adapter(nic, run=False)
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")      # the sample's MiniportPause pends
call = client.make_call(m, b"echo")
m.run_until_idle()
client_data.data_of(call).hold_receives = True
with m.running_as("client"):
    client_data.send_chain(call, client_data.build_chain(call, 1, b"ping"))
m.run_until_idle()
m.pause_adapter(nic, run=False)
with m.running_as("client"):
    client_data.release_receives(call)             # the echo comes back: now the pause completes
m.run_until_idle()
{_PRINT}
""",
    ),
    "R5.20": _lesson(
        """A paused adapter is quiet: no receive indications until NDIS restarts it (nor while it is
        still initializing, or after it is halted). The protocols above have been paused too and
        do not expect data; a miniport that gets a frame from the wire meanwhile drops it.""",
        f"""
m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
params = NET_BUFFER_LIST_POOL_PARAMETERS(fAllocateNetBuffer=True, DataSize=64)
fill_header(params)
with m.running_as("loopback_miniport"):
    pool = NdisAllocateNetBufferListPool(nic.handle, params)
    frame = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 64)
    frame.SourceHandle = call.NdisVcHandle
m.pause_adapter(nic)
with m.running_as("loopback_miniport"):          # a frame arrives from the wire after the pause
    NdisMCoIndicateReceiveNetBufferLists(call.NdisVcHandle, frame, 1, 0)
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")
call = client.make_call(m, b"echo")
m.run_until_idle()
with m.running_as("loopback_miniport"):
    pool = NdisAllocateNetBufferListPool(nic.handle, params)
    frame = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 64)
m.pause_adapter(nic)
with m.running_as("loopback_miniport"):          # paused: the frame is dropped, not indicated
    NdisFreeNetBufferList(frame)
{_PRINT}
""",
    ),
    "R5.23": _lesson(
        """MiniportRestart answers with one of four statuses: SUCCESS (running again), PENDING
        (NdisMRestartComplete follows), or RESOURCES / FAILURE (the adapter stays paused). The
        status given later to NdisMRestartComplete is a final one, never PENDING.""",
        f"""
def SloppyRestart(MiniportAdapterContext, RestartParameters):
    return NDIS_STATUS_INVALID_DATA            # not an answer a restart may give

def use(chars):
    chars.RestartHandler = SloppyRestart

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=use))
m.start_adapter("loopback_miniport")
{_PRINT}
""",
        f"""
def PromptRestart(MiniportAdapterContext, RestartParameters):
    MiniportAdapterContext.running = True
    return NDIS_STATUS_SUCCESS                 # running again, at once

def use(chars):
    chars.RestartHandler = PromptRestart

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=use))
m.start_adapter("loopback_miniport")
{_PRINT}
""",
    ),
    "R5.27": _lesson(
        """NdisMPauseComplete and NdisMRestartComplete finish an operation that the handler left
        open by returning NDIS_STATUS_PENDING. A handler that returned SUCCESS has already
        finished it; completing it as well (or completing when nothing was asked) is a bug check.""",
        f"""
def ChattyPause(MiniportAdapterContext, PauseParameters):
    MiniportAdapterContext.running = False
    NdisMPauseComplete(MiniportAdapterContext.MiniportAdapterHandle)   # this pause never pended
    return NDIS_STATUS_SUCCESS

def use(chars):
    chars.PauseHandler = ChattyPause

m, nic = loopback_machine(verifier="collect", bind=False, miniport=miniport_driver(edit_chars=use))
m.pause_adapter(nic)
{_PRINT}
""",
        f"""
def QuietPause(MiniportAdapterContext, PauseParameters):
    MiniportAdapterContext.running = False
    return NDIS_STATUS_SUCCESS                 # the return value alone finishes the pause

def use(chars):
    chars.PauseHandler = QuietPause

m, nic = loopback_machine(verifier="collect", bind=False, miniport=miniport_driver(edit_chars=use))
m.pause_adapter(nic)
{_PRINT}
""",
    ),
    "R6.10": _lesson(
        """An NDIS_OID_REQUEST structure stands for one request until it is completed. Handing it to
        NDIS again while it is still pending, or completing it a second time, mixes two answers
        into one buffer; the request must be finished once, with a final status, before its
        structure is used again.""",
        f"""
from condis_edu.samples.loopback_miniport import datapath as nic_data

m, nic = loopback_machine(verifier="collect")
nic_data.settings(nic).pend_oids = True            # the NIC answers OIDs from a work item
request = NDIS_OID_REQUEST(RequestType=NdisRequestQueryInformation)
fill_header(request)
request.DATA.QUERY_INFORMATION.Oid = OID_GEN_CO_LINK_SPEED
request.DATA.QUERY_INFORMATION.InformationBufferLength = 8
binding = m.driver("client").context.bindings[0]
with m.running_as("client"):
    NdisCoOidRequest(binding.NdisBindingHandle, None, None, None, request)    # PENDING
    # asks again with the same structure, still pending
    NdisCoOidRequest(binding.NdisBindingHandle, None, None, None, request)
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")
nic_data.settings(nic).pend_oids = True
binding = m.driver("client").context.bindings[0]
with m.running_as("client"):
    NdisCoOidRequest(binding.NdisBindingHandle, None, None, None, request)
m.run_until_idle()                                 # completed: the structure is free again
with m.running_as("client"):
    NdisCoOidRequest(binding.NdisBindingHandle, None, None, None, request)
m.run_until_idle()
{_PRINT}
""",
    ),
    "R6.12": _lesson(
        """Every structure a driver hands NDIS starts with an NDIS_OBJECT_HEADER, and NDIS reads it
        before anything else: Type tells it which structure arrived, Revision and Size which fields
        it may read. A header left zeroed tells NDIS nothing, and it stops the system rather than
        guess.""",
        f"""
from condis_edu.samples.loopback_miniport import adapter as nic_adapter

def InitializeEx(NdisMiniportHandle, MiniportDriverContext, MiniportInitParameters):
    registration = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES()     # Header left all zero
    NdisMSetMiniportAttributes(NdisMiniportHandle, registration)
    return nic_adapter.MPInitializeEx(NdisMiniportHandle, MiniportDriverContext, MiniportInitParameters)

def use(chars):
    chars.InitializeHandlerEx = InitializeEx

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=use))
m.start_adapter("loopback_miniport")
{_PRINT}
""",
        f"""
def InitializeEx(NdisMiniportHandle, MiniportDriverContext, MiniportInitParameters):
    registration = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES()
    fill_header(registration)                  # Type, Revision and Size of this structure
    NdisMSetMiniportAttributes(NdisMiniportHandle, registration)
    return nic_adapter.MPInitializeEx(NdisMiniportHandle, MiniportDriverContext, MiniportInitParameters)

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=use))
m.start_adapter("loopback_miniport")
{_PRINT}
""",
    ),
    # ------------------------------------------------------------------ completions and obligations
    "X1.01": _lesson(
        """A completion DDI is the late answer to a request the driver took with
        NDIS_STATUS_PENDING, and it is owed exactly once. A handler that already returned a final
        status has answered; completing it as well (or completing twice) finishes an operation
        NDIS has already closed, whose context may be gone.""",
        f"""
def DoubleBindAdapterEx(ProtocolDriverContext, BindContext, BindParameters):
    Status = client.bind.ClBindAdapterEx(ProtocolDriverContext, BindContext, BindParameters)
    NdisCompleteBindAdapterEx(BindContext, Status)   # nothing pended: nothing to complete
    return Status

def use(chars):
    chars.BindAdapterHandlerEx = DoubleBindAdapterEx

m, nic = loopback_machine(verifier="collect", client_driver=protocol_driver(edit_chars=use))
{_PRINT}
""",
        f"""
def PlainBindAdapterEx(ProtocolDriverContext, BindContext, BindParameters):
    Status = client.bind.ClBindAdapterEx(ProtocolDriverContext, BindContext, BindParameters)
    return Status                                    # a final status: the bind is answered

def use(chars):
    chars.BindAdapterHandlerEx = PlainBindAdapterEx

m, nic = loopback_machine(verifier="collect", client_driver=protocol_driver(edit_chars=use))
{_PRINT}
""",
    ),
    "X1.02": _lesson(
        """NDIS_STATUS_PENDING means "the answer comes later"; the completion call is that later
        answer, so it must say how the operation ended: success or a failure code. A completion
        that passes PENDING again leaves NDIS waiting for a result that is never coming.""",
        f"""
later = []

def SlowBindAdapterEx(ProtocolDriverContext, BindContext, BindParameters):
    Status = client.bind.ClBindAdapterEx(ProtocolDriverContext, BindContext, BindParameters)
    later.append((BindContext, Status))
    return NDIS_STATUS_PENDING                       # answered below

def use(chars):
    chars.BindAdapterHandlerEx = SlowBindAdapterEx

m, nic = loopback_machine(verifier="collect", client_driver=protocol_driver(edit_chars=use))
BindContext, Status = later.pop()
with m.running_as("client"):
    NdisCompleteBindAdapterEx(BindContext, NDIS_STATUS_PENDING)   # still no answer
{_PRINT}
""",
        f"""
# the same SlowBindAdapterEx
m, nic = loopback_machine(verifier="collect", client_driver=protocol_driver(edit_chars=use))
BindContext, Status = later.pop()
with m.running_as("client"):
    NdisCompleteBindAdapterEx(BindContext, Status)   # how the open really ended
{_PRINT}
""",
    ),
    "X1.03": _lesson(
        """A call moves through fixed steps, and each call-manager DDI belongs to one of them.
        NdisCmDispatchCallConnected tells a client that the incoming call it accepted is now up;
        an outgoing call is never confirmed that way, it ends with NdisCmMakeCallComplete. A DDI
        used at the wrong step describes a call that does not exist.""",
        f"""
from condis_edu.samples.call_manager.calls import CmMakeCall

def MixedUpMakeCall(CallMgrVcContext, CallParameters, NdisPartyHandle):
    # an outgoing call, confirmed as if it were an accepted incoming one
    NdisCmDispatchCallConnected(CallMgrVcContext.NdisVcHandle)
    return CmMakeCall(CallMgrVcContext, CallParameters, NdisPartyHandle)

def use(cm):
    cm.CmMakeCallHandler = MixedUpMakeCall

m, nic = loopback_machine(verifier="collect", manager=protocol_driver(role="cm", edit_cm=use))
client.make_call(m, b"echo")
m.run_until_idle()
{_PRINT}
""",
        f"""
# the sample call manager finishes the caller's call with NdisCmMakeCallComplete and
# confirms only the callee's VC, after the client accepted it
m, nic = loopback_machine(verifier="collect")
client.make_call(m, b"echo")
m.run_until_idle()
{_PRINT}
""",
    ),
    "X1.04": _lesson(
        """The registration attributes are how a miniport hands NDIS its adapter context, the
        value NDIS passes back to every later MiniportXxx call for that adapter. A
        MiniportInitializeEx that reports success without setting them leaves NDIS with an
        adapter it cannot talk to, and the adapter does not start.""",
        f"""
from condis_edu.samples.loopback_miniport.state import Adapter

def SilentInitializeEx(NdisMiniportHandle, MiniportDriverContext, MiniportInitParameters):
    context = Adapter(NdisMiniportHandle, MiniportDriverContext)
    return NDIS_STATUS_SUCCESS                 # NDIS never learns the context

def use(chars):
    chars.InitializeHandlerEx = SilentInitializeEx

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=use))
m.start_adapter("loopback_miniport")
{_PRINT}
""",
        f"""
from condis_edu.samples.loopback_miniport.state import Adapter

def TellingInitializeEx(NdisMiniportHandle, MiniportDriverContext, MiniportInitParameters):
    registration = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES()
    fill_header(registration)
    registration.MiniportAdapterContext = Adapter(NdisMiniportHandle, MiniportDriverContext)
    return NdisMSetMiniportAttributes(NdisMiniportHandle, registration)   # then success

def use(chars):
    chars.InitializeHandlerEx = TellingInitializeEx

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=use))
m.start_adapter("loopback_miniport")
{_PRINT}
""",
    ),
    "X1.05": _lesson(
        """Every handler's reference page lists the statuses it may return, and NDIS is built
        around that list. Pause and restart reach a protocol as notices, not questions:
        ProtocolNetPnPEvent answers them with NDIS_STATUS_SUCCESS (at once, or later through
        NdisCompleteNetPnPEvent), and a failure code there has no meaning NDIS could act on.""",
        f"""
def StubbornNetPnPEvent(ProtocolBindingContext, NetPnPEventNotification):
    return NDIS_STATUS_FAILURE                 # "no" to a restart

def use(chars):
    chars.NetPnPEventHandler = StubbornNetPnPEvent

m, nic = loopback_machine(verifier="collect", client_driver=protocol_driver(edit_chars=use))
{_PRINT}
""",
        f"""
def AgreeableNetPnPEvent(ProtocolBindingContext, NetPnPEventNotification):
    return NDIS_STATUS_SUCCESS                 # pause and restart always succeed

def use(chars):
    chars.NetPnPEventHandler = AgreeableNetPnPEvent

m, nic = loopback_machine(verifier="collect", client_driver=protocol_driver(edit_chars=use))
{_PRINT}
""",
    ),
    "X1.06": _lesson(
        """Returning NDIS_STATUS_PENDING is a promise to call the matching completion DDI later.
        A driver that pends and then forgets leaves NDIS waiting for good: the adapter, binding or
        call stays half-way through its change. The simulation checks the promises when the
        machine is idle and audited.""",
        f"""
def ForgetfulRestart(MiniportAdapterContext, RestartParameters):
    return NDIS_STATUS_PENDING                 # no NdisMRestartComplete will follow

def use(chars):
    chars.RestartHandler = ForgetfulRestart

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=use))
m.start_adapter("loopback_miniport")
m.run_until_idle(audit=True)                   # what is still pending now never ends
{_PRINT}
""",
        f"""
def restart_done(WorkItemContext, NdisIoWorkItemHandle):
    NdisFreeIoWorkItem(NdisIoWorkItemHandle)
    NdisMRestartComplete(WorkItemContext.MiniportAdapterHandle, NDIS_STATUS_SUCCESS)

def PatientRestart(MiniportAdapterContext, RestartParameters):
    work = NdisAllocateIoWorkItem(MiniportAdapterContext.MiniportAdapterHandle)
    NdisQueueIoWorkItem(work, restart_done, MiniportAdapterContext)   # the promised answer
    return NDIS_STATUS_PENDING

def use(chars):
    chars.RestartHandler = PatientRestart

m = Machine(verifier="collect")
m.load_driver(miniport_driver(edit_chars=use))
m.start_adapter("loopback_miniport")
m.run_until_idle(audit=True)
{_PRINT}
""",
    ),
    "X1.07": _lesson(
        """NDIS recognises a structure by its Header before reading anything else: Type names the
        structure, Revision its layout and Size how many bytes the driver supplied. A header left
        empty or copied from another structure makes NDIS stop the system rather than read
        fields that may not be there.""",
        f"""
m, nic = loopback_machine(verifier="collect")
binding = m.driver("client").context.bindings[0]
request = NDIS_OID_REQUEST(RequestType=NdisRequestQueryInformation)   # Header left zero
request.DATA.QUERY_INFORMATION.Oid = OID_GEN_CO_LINK_SPEED
request.DATA.QUERY_INFORMATION.InformationBufferLength = 64
with m.running_as("client"):
    NdisCoOidRequest(binding.NdisBindingHandle, None, None, None, request)
m.run_until_idle()
{_PRINT}
""",
        f"""
m, nic = loopback_machine(verifier="collect")
binding = m.driver("client").context.bindings[0]
request = NDIS_OID_REQUEST(RequestType=NdisRequestQueryInformation)
fill_header(request)                           # an NDIS_OID_REQUEST's Type, Revision, Size
request.DATA.QUERY_INFORMATION.Oid = OID_GEN_CO_LINK_SPEED
request.DATA.QUERY_INFORMATION.InformationBufferLength = 64
with m.running_as("client"):
    NdisCoOidRequest(binding.NdisBindingHandle, None, None, None, request)
m.run_until_idle()
{_PRINT}
""",
    ),
}
"""Rule id -> lesson. Every checked rule has its meaning and a broken and a fixed example; a rule the
simulation does not check has no lesson (its page says why it is not checked)."""


TAUGHT_IN: Final[dict[tuple[str, str], str]] = {
    ("01-first-miniport", "Step 1: the handlers every NDIS 6 miniport registers"): "R1.07 R1.10 R1.44",
    ("01-first-miniport", "Step 2: the six CoNDIS handlers"): "R1.20",
    ("01-first-miniport", "Step 3: `MiniportSetOptions` registers them"): "R1.11 R1.18 R1.19 R1.24",
    ("01-first-miniport", "Step 4: `DriverEntry`"): "R1.01 R1.08 R1.09",
    ("01-first-miniport", "What NDIS refuses"): "R1.08 R1.09 R1.20 R1.44",
    ("02-what-a-miniport-does", "Starting the adapter"): "X1.04 R6.12",
    ("02-what-a-miniport-does", "Creating and activating a VC"): "R2.09 R2.17 R2.18",
    ("02-what-a-miniport-does", "Deactivating and deleting the VCs"): "R2.27 R2.40",
    ("02-what-a-miniport-does", "Pause and restart, in one line each"): "R5.18 R5.23",
    ("02-what-a-miniport-does", "Your own miniport, from `DriverEntry` to the six handlers"): "R1.10 R1.20 R6.12 X1.04",
    ("03-creating-a-vc", "Who creates a VC"): "R2.02 R2.03",
    ("03-creating-a-vc", "`NdisCoCreateVc`, by hand"): "R2.02 R2.06",
    ("03-creating-a-vc", "The bug check: a `MiniportCoCreateVc` that pends"): "R2.09",
    ("03-creating-a-vc", "Only the creator deletes"): "R2.05",
    ("04-calls", "Three roles"): "R2.14 R2.26",
    ("04-calls", "An outgoing call"): "R2.15 R2.23",
    ("04-calls", "Closing the call"): "R2.26 R2.34 R2.42 R2.43",
    ("04-calls", "Breaking the rules"): "R2.14 R2.37",
    ("04-calls", "When the call manager is the miniport: MCMs"): "R1.33 R1.34 R1.38 R2.03 R2.25",
    ("05-wan-and-call-managers", "A stand-alone call manager"): "R1.27 R1.29 R1.31",
    ("05-wan-and-call-managers", "A miniport call manager"): "R1.33 R1.34 R1.36 R1.38",
    ("05-wan-and-call-managers", "CoNDIS WAN miniports"): "R1.40",
    ("06-intermediate-drivers", "Registering as a miniport"): "R1.13 R1.15",
    ("07-send-path", "An NBL chain"): "R3.03 R3.05",
    ("07-send-path", "One send, traced"): "R3.03 R3.06",
    ("07-send-path", "Ownership, step by step"): "R3.10 R3.12",
    ("07-send-path", "Sends while the adapter pauses"): "R5.19",
    ("07-send-path", "10,000 NBLs, a pause in the middle, nothing lost"): "R5.19",
    ("07-send-path", "Three ways to break the loan"): "R3.10 R3.12",
    ("08-receive-oids-status-reset", "Receiving: a loan upward"): "R3.21 R3.23 R5.19",
    ("08-receive-oids-status-reset", "`NDIS_RECEIVE_FLAGS_RESOURCES`: lent, not given"): "R3.24",
    ("08-receive-oids-status-reset", "OID requests"): "R4.10 R4.13",
    ("08-receive-oids-status-reset", "Status indications"): "R4.18 R4.21",
    ("08-receive-oids-status-reset", "Reset"): "R4.26 R4.27",
    ("08-receive-oids-status-reset", "Exercise 2: answering OIDs"): "R4.13",
}
"""(notebook, section heading) -> the rules that section teaches, in the notebook's own words."""
