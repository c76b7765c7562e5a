"""The playground's catalogue: ready-to-run scripts that show the simulation at work.

The site's playground page offers a picker of examples. Each entry is a ``Scenario``: a
self-contained Python script plus what the picker needs to show it (an id, a title, a group and
a one-sentence summary). The page gets them from ``as_json()``, at build time, so the examples
a reader runs in the browser are the very scripts the test suite runs in CPython and in Pyodide.

Each script runs in a fresh namespace, like a notebook cell: the value of its last expression,
if it ends with one, is displayed under the printed output (a trace, a sequence diagram...).
``expect`` lists text that must appear in that output, which is how the tests know a script
still shows what its summary promises.

There are two groups: ``"Sample drivers"``, one entry per sample driver doing its job, and
``"Scenarios"``, which break a rule, push data through a VC, or give the reader a place to start.

>>> scenario("loopback").group
'Sample drivers'
>>> next(s.id for s in SCENARIOS if s.endless)
'stop'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Final

__all__ = ["GROUPS", "JSON_FIELDS", "OTHER_SCENARIOS", "SAMPLE_DRIVERS", "SCENARIOS", "Scenario", "as_json", "scenario"]

SAMPLE_DRIVERS: Final = "Sample drivers"
"""The group of entries that each show one sample driver from ``condis_edu.samples``."""
OTHER_SCENARIOS: Final = "Scenarios"
"""The group of entries that break a rule, exercise the data path, or start from nothing."""
GROUPS: Final = (SAMPLE_DRIVERS, OTHER_SCENARIOS)
"""The picker's groups, in the order it shows them."""

JSON_FIELDS: Final = ("id", "title", "group", "summary", "code")
"""The keys of each object ``as_json()`` writes, in that order."""

_URL_SAFE_ID: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class Scenario:
    """One entry of the playground's picker.

    Attributes:
        id: Short and URL-safe (lower-case letters, digits and single hyphens), unique in the
            catalogue. Links and saved work may refer to it, so it does not change.
        title: What the picker shows.
        group: ``"Sample drivers"`` or ``"Scenarios"``.
        summary: One sentence, shown under the picker.
        code: The script. It runs in a fresh namespace; its last expression, if any, is displayed.
        expect: Text that must appear in what the script prints or displays.
        endless: True for the one script that never finishes on its own (it shows the Stop button).
    """

    id: str
    title: str
    group: str
    summary: str
    code: str
    expect: tuple[str, ...]
    endless: bool = False

    def __post_init__(self) -> None:
        if not _URL_SAFE_ID.fullmatch(self.id):
            raise ValueError(f"scenario id {self.id!r} is not URL-safe (use a-z, 0-9 and single hyphens)")
        if self.group not in GROUPS:
            raise ValueError(f"scenario {self.id!r}: group must be one of {GROUPS}, not {self.group!r}")
        if not self.code.endswith("\n"):
            raise ValueError(f"scenario {self.id!r}: code must end with a newline")


# ----------------------------------------------------------------------------- sample drivers
_LOOPBACK = """\
# The loopback miniport drives a pretend ATM NIC. Loading it runs its DriverEntry; starting an
# adapter runs MiniportInitializeEx, then MiniportRestart, which pends and finishes later from a
# work item with NdisMRestartComplete. The trace lists every call between NDIS and the driver.
# Try: end with m.trace.sequence() to draw the same trace, or add m.pause_adapter(nic) before it.
from condis_edu import Machine
from condis_edu.samples import loopback_miniport

m = Machine()
m.load_driver(loopback_miniport)
nic = m.start_adapter("loopback_miniport")
print(nic.name, nic.state.name)
m.trace
"""

_BIND_ALL = """\
# Two protocol drivers bind to the loopback NIC. The call manager registers its address family
# (NdisCmRegisterAddressFamilyEx); NDIS tells the client (ProtocolCoAfRegisterNotify), which
# opens the family and registers a SAP, the name it will accept incoming calls on.
# Try: remove hide=... to also see the call manager allocate and queue its work item.
from condis_edu import Machine
from condis_edu.samples import call_manager, client, loopback_miniport

m = Machine()
for driver in (loopback_miniport, call_manager, client):
    m.load_driver(driver)
m.start_adapter("loopback_miniport")
mark = len(m.trace)  # draw only what happens from here on
for binding in m.bind_all():
    print(binding)
m.trace.sequence(mark, hide=Machine.WORK_ITEM_DDIS)
"""

_CALL = """\
# The client calls the "echo" service: it creates a VC (NdisCoCreateVc) and asks the call
# manager to connect it (NdisClMakeCall). The loopback network answers with an incoming call on
# a second VC, and the call manager activates each VC in the miniport (MiniportCoActivateVc)
# before it reports the call up. Try: call b"nobody" instead, a name no client registered.
from condis_edu import Machine
from condis_edu.samples import call_manager, client, loopback_miniport

m = Machine()
for driver in (loopback_miniport, call_manager, client):
    m.load_driver(driver)
m.start_adapter("loopback_miniport")
m.bind_all()

mark = len(m.trace)
call = client.make_call(m, b"echo")
print("when make_call returns:", call)  # the call manager pended: nothing is connected yet
m.run_until_idle()
print("once the machine is idle:", call)
print("the client's calls:", client.active_calls(m))
m.trace.sequence(mark, hide=Machine.WORK_ITEM_DDIS)
"""

_MCM = """\
# The same client and the same call, but the call manager now lives in the miniport driver: an
# MCM. It uses the NdisMCmXxx forms of the calls and activates its own VCs (NdisMCmActivateVc),
# so NDIS never calls a MiniportCoActivateVc. Compare this diagram with the "call" example's.
# Try: print(m.drivers) to see that only two drivers are loaded.
from condis_edu import Machine
from condis_edu.samples import client, mcm

m = Machine()
m.load_driver(mcm)
m.load_driver(client)
m.start_adapter("mcm")
m.bind_all()

mark = len(m.trace)
call = client.make_call(m, b"echo")
m.run_until_idle()
print("call:", call)
m.trace.sequence(mark, hide=Machine.WORK_ITEM_DDIS)
"""

_LANE_IM = """\
# An intermediate driver, lane_im, binds to the loopback CoNDIS NIC below it and asks NDIS for a
# virtual Ethernet-style miniport above it, lane0. It makes one call and carries every frame sent
# to lane0 over that VC. The diagram follows two frames from ethproto down to the NIC, back up as
# echoes, and home again.
# Try: replace send_frames(...) with m.pause_adapter("loopback0"): NDIS pauses lane0 first.
from condis_edu import Machine
from condis_edu.samples import call_manager, ethproto, lane_im, loopback_miniport

m = Machine()
for driver in (loopback_miniport, call_manager, lane_im, ethproto):
    m.load_driver(driver)
m.start_adapter("loopback_miniport")
m.bind_all()  # lane_im binds to loopback0 and NDIS starts lane0 for it
lane_call = lane_im.connect(m)  # the call that carries the emulated LAN
m.run_until_idle()
m.bind_all()  # ethproto finds lane0 and binds to it
print("adapters:", [(a.name, a.state.name) for a in m.adapters])
print("lane call:", lane_call)

mark = len(m.trace)
ethproto.send_frames(m, [b"hello", b"world"])
m.run_until_idle()
m.trace.sequence(mark, hide=Machine.WORK_ITEM_DDIS)
"""

_ETHPROTO = """\
# ethproto is a connectionless NDIS 6 protocol. It asks for an 802.3 medium when it opens an
# adapter, so NDIS refuses it on the ATM loopback NIC and accepts it on lane0, the LAN-emulation
# miniport above that NIC. Below: every call ethproto made or received, then what it counted.
# Try: send three frames instead of two, and count the NBLs in each call.
from condis_edu import Machine
from condis_edu.samples import call_manager, ethproto, lane_im, loopback_miniport
from condis_edu.ndis import status_name

m = Machine()
for driver in (loopback_miniport, call_manager, lane_im, ethproto):
    m.load_driver(driver)
m.start_adapter("loopback_miniport")
m.bind_all()
lane_im.connect(m)
m.run_until_idle()  # lane0 is up and its call is connected

mark = len(m.trace)
m.bind_all()  # ethproto tries every adapter again
ethproto.send_frames(m, [b"hello", b"world"])
m.run_until_idle()
for line in m.trace.to_text(mark).splitlines():
    if "ethproto" in line:
        print(line)

stats = ethproto.statistics(m)
completed = {status_name(k): v for k, v in stats["completed"].items()}
print("sent", stats["sent"], "frames; completed:", completed)
print("received:", stats["received"])
"""

# ------------------------------------------------------------------------------------ scenarios
_BREAK_RULE = """\
# A whole CoNDIS miniport in one page, with one bug: its MiniportCoCreateVc answers
# NDIS_STATUS_PENDING. Creating a VC must finish at once (there is no "create complete" call),
# so the verifier reports rule R2.09 and NDIS refuses the VC. The machine runs in collect mode:
# it records the broken rule and carries on. Try verifier="strict" to see the bug check instead,
# or fix the handler: return NDIS_STATUS_SUCCESS, MyVc(NdisVcHandle).
from condis_edu import Machine
from condis_edu.ndis import fill_header
from condis_edu.ndis import *  # noqa: F403 - a driver sees all of ndis.h
from condis_edu.samples import call_manager, client


class MyAdapter:
    \"\"\"MiniportAdapterContext: what the miniport keeps about its NIC.\"\"\"


class MyVc:
    \"\"\"MiniportVcContext: what the miniport keeps about one VC.\"\"\"

    def __init__(self, NdisVcHandle):
        self.NdisVcHandle = NdisVcHandle


# The six CoNDIS handlers. NDIS learns about them in MiniportSetOptions, below.
def MPCoCreateVc(MiniportAdapterContext, NdisVcHandle):
    return NDIS_STATUS_PENDING, None  # BUG: "I'll set the VC up later" is not allowed here


def MPCoDeleteVc(MiniportVcContext):
    return NDIS_STATUS_SUCCESS


def MPCoActivateVc(MiniportVcContext, CallParameters):
    return NDIS_STATUS_SUCCESS


def MPCoDeactivateVc(MiniportVcContext):
    return NDIS_STATUS_SUCCESS


def MPCoSendNetBufferLists(MiniportVcContext, NetBufferLists, SendFlags):
    pass  # no data is sent in this example


def MPCoOidRequest(MiniportAdapterContext, MiniportVcContext, NdisRequest):
    return NDIS_STATUS_NOT_SUPPORTED


def MPSetOptions(NdisDriverHandle, DriverContext):
    co = NDIS_MINIPORT_CO_CHARACTERISTICS()
    fill_header(co)  # Type, Revision and Size, as NDIS expects them
    co.CoCreateVcHandler = MPCoCreateVc
    co.CoDeleteVcHandler = MPCoDeleteVc
    co.CoActivateVcHandler = MPCoActivateVc
    co.CoDeactivateVcHandler = MPCoDeactivateVc
    co.CoSendNetBufferListsHandler = MPCoSendNetBufferLists
    co.CoOidRequestHandler = MPCoOidRequest
    return NdisSetOptionalHandlers(NdisDriverHandle, co)


# The handlers every NDIS 6 miniport has. This NIC is an ATM one, the medium the samples expect.
def MPInitializeEx(NdisMiniportHandle, MiniportDriverContext, MiniportInitParameters):
    registration = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES()
    fill_header(registration)
    registration.MiniportAdapterContext = MyAdapter()
    Status = NdisMSetMiniportAttributes(NdisMiniportHandle, registration)
    if Status != NDIS_STATUS_SUCCESS:
        return Status
    general = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES()
    fill_header(general)
    general.MediaType = NdisMediumAtm
    general.MtuSize = 9180
    return NdisMSetMiniportAttributes(NdisMiniportHandle, general)


def MPHaltEx(MiniportAdapterContext, HaltAction):
    pass


def MPPause(MiniportAdapterContext, PauseParameters):
    return NDIS_STATUS_SUCCESS


def MPRestart(MiniportAdapterContext, RestartParameters):
    return NDIS_STATUS_SUCCESS


def MPSendNetBufferLists(MiniportAdapterContext, NetBufferList, PortNumber, SendFlags):
    pass  # connectionless sends never reach a CoNDIS miniport, but the handler is mandatory


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


def MPDriverUnload(DriverObject):
    NdisMDeregisterMiniportDriver(DriverObject.DriverExtension)


def DriverEntry(DriverObject, RegistryPath):
    chars = NDIS_MINIPORT_DRIVER_CHARACTERISTICS()
    fill_header(chars)
    chars.MajorNdisVersion, chars.MinorNdisVersion = 6, 30
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
    Status, NdisMiniportDriverHandle = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, None, chars)
    if Status != NDIS_STATUS_SUCCESS:
        return STATUS_UNSUCCESSFUL
    DriverObject.DriverExtension = NdisMiniportDriverHandle  # MPDriverUnload needs it
    return STATUS_SUCCESS


m = Machine(verifier="collect")
m.load_driver(DriverEntry, name="my_miniport")
m.load_driver(call_manager)
m.load_driver(client)
m.start_adapter("my_miniport")
m.bind_all()

mark = len(m.trace)
call = client.make_call(m, b"echo")  # the client's NdisCoCreateVc reaches MPCoCreateVc
m.run_until_idle()
print("call:", call.state, status_name(call.status))
display(m.findings)  # each with its rule, driver and call, and links to Microsoft's page and the rule's page
m.trace.sequence(mark)
"""

_SEND_NBLS = """\
# Data on a VC. The client sends three chains of three NBLs on its call. This loopback NIC queues
# them and completes up to four per work item, so completions regroup NBLs from different sends;
# each NBL still comes back to the client exactly once, with a status.
# Try: batch = 0 (all at once), complete = "inline", or echo = True to get every packet back
# as a receive too.
from condis_edu import Machine
from condis_edu.samples import call_manager, client, loopback_miniport
from condis_edu.samples.client import data as cl_data
from condis_edu.samples.loopback_miniport import datapath as mp_data
from condis_edu.ndis import status_name

m = Machine()
for driver in (loopback_miniport, call_manager, client):
    m.load_driver(driver)
nic = m.start_adapter("loopback_miniport")
settings = mp_data.settings(nic)  # how this NIC completes sends
settings.complete, settings.batch, settings.echo = "deferred", 4, False
m.bind_all()
call = client.make_call(m, b"echo")
m.run_until_idle()

mark = len(m.trace)
with m.running_as("client"):  # the client's own code sends, as a driver would
    for i in range(3):
        cl_data.send_chain(call, cl_data.build_chain(call, 3, b"send %d" % i))
print("after the sends, NDIS counts", nic.outstanding_sends, "NBLs at the miniport")
m.run_until_idle()

stats = cl_data.data_of(call).statistics()
back = {status_name(k): v for k, v in stats["completed"].items()}
print("sent", stats["sent"], "NBLs; back:", back)
once = stats["completions"] == stats["sent"] and not stats["duplicates"]
print("every NBL came back exactly once:", once)
print("NDIS counts", nic.outstanding_sends, "NBLs at the miniport; verifier findings:", m.findings)
m.trace.sequence(mark, hide=Machine.WORK_ITEM_DDIS)
"""

_STOP = """\
# This loop never ends. Press Stop (or Esc, then Stop): the cell ends within a second.
count = 0
while True:
    count += 1
"""

_BLANK = """\
# A machine with nothing loaded yet: load a sample from condis_edu.samples, or your own DriverEntry.
from condis_edu import Machine

m = Machine()
m
"""

SCENARIOS: Final[tuple[Scenario, ...]] = (
    Scenario(
        id="loopback",
        title="Start the loopback miniport",
        group=SAMPLE_DRIVERS,
        summary="A CoNDIS miniport is loaded and its adapter started; the trace shows every call NDIS made.",
        code=_LOOPBACK,
        expect=("loopback0 RUNNING", "MiniportInitializeEx", "NdisMRestartComplete"),
    ),
    Scenario(
        id="bind-all",
        title="Call manager and client bind to the miniport",
        group=SAMPLE_DRIVERS,
        summary="The call manager registers its address family and the client opens it and registers a SAP.",
        code=_BIND_ALL,
        expect=("NdisCmRegisterAddressFamilyEx", "ProtocolCoAfRegisterNotify", "NdisClRegisterSap"),
    ),
    Scenario(
        id="call",
        title="Make a call through the call manager",
        group=SAMPLE_DRIVERS,
        summary="The client makes a call; the call manager activates the VCs in the miniport and connects it.",
        code=_CALL,
        expect=("connected", "NdisClMakeCall", "MiniportCoActivateVc", "ProtocolClMakeCallComplete"),
    ),
    Scenario(
        id="mcm",
        title="Make a call through a miniport call manager",
        group=SAMPLE_DRIVERS,
        summary="The same call with an MCM: one driver is both the miniport and the call manager.",
        code=_MCM,
        expect=("connected", "NdisMCmActivateVc", "NdisMCmMakeCallComplete"),
    ),
    Scenario(
        id="lane-im",
        title="LAN emulation: an intermediate driver over a VC",
        group=SAMPLE_DRIVERS,
        summary="An intermediate driver offers a virtual Ethernet miniport and carries its frames over a CoNDIS call.",
        code=_LANE_IM,
        expect=(
            "lane0",
            "MiniportSendNetBufferLists",
            "NdisCoSendNetBufferLists",
            "NdisMIndicateReceiveNetBufferLists",
        ),
    ),
    Scenario(
        id="ethproto",
        title="A connectionless protocol on the emulated LAN",
        group=SAMPLE_DRIVERS,
        summary="A connectionless protocol binds only to the 802.3 adapter and sends frames that come back to it.",
        code=_ETHPROTO,
        expect=("NdisOpenAdapterEx", "ProtocolReceiveNetBufferLists", "NDIS_STATUS_SUCCESS", "b'hello'"),
    ),
    Scenario(
        id="break-rule",
        title="Break a rule: a MiniportCoCreateVc that pends",
        group=OTHER_SCENARIOS,
        summary="A miniport written in the page pends in MiniportCoCreateVc, and the verifier names the rule it broke.",
        code=_BREAK_RULE,
        expect=("R2.09", "Rule R2.09 in this course", "MiniportCoCreateVc", "failed"),
    ),
    Scenario(
        id="send-nbls",
        title="Send NBLs on a VC and get every one back",
        group=OTHER_SCENARIOS,
        summary="Nine NBLs go down a VC in three sends and come back in batches, each exactly once.",
        code=_SEND_NBLS,
        expect=(
            "every NBL came back exactly once: True",
            "NDIS_STATUS_SUCCESS",
            "NdisMCoSendNetBufferListsComplete",
        ),
    ),
    Scenario(
        id="stop",
        title="Stop a loop that never ends",
        group=OTHER_SCENARIOS,
        summary="A loop that runs forever, to try the Stop button.",
        code=_STOP,
        expect=(),
        endless=True,
    ),
    Scenario(
        id="blank",
        title="Empty page",
        group=OTHER_SCENARIOS,
        summary="A machine with nothing loaded: a place to write your own code.",
        code=_BLANK,
        expect=("drivers=[]",),
    ),
)
"""Every entry of the playground's picker, in the order it lists them."""


def scenario(id: str) -> Scenario:
    """The scenario with this *id*.

    Raises:
        KeyError: no scenario has that id; the message lists the ones that exist.
    """
    for entry in SCENARIOS:
        if entry.id == id:
            return entry
    raise KeyError(f"no scenario {id!r}; valid ids: {', '.join(s.id for s in SCENARIOS)}")


def as_json() -> str:
    """The catalogue as the playground page embeds it: a JSON array, in picker order.

    Each object has exactly the keys of ``JSON_FIELDS``, in that order. Non-ASCII text is
    kept as it is, and ``</`` is written ``<\\/`` (the same string once parsed), so the text can
    sit inside an HTML ``<script>`` element as it is.
    """
    entries = [{field: getattr(entry, field) for field in JSON_FIELDS} for entry in SCENARIOS]
    return json.dumps(entries, ensure_ascii=False, indent=2).replace("</", "<\\/")
