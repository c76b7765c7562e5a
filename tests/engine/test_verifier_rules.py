"""One deliberately broken driver per verifier rule, each caught when it happens.

Every scenario builds a machine with the sample drivers, one of them broken in one way
(``condis_edu.testing``), and performs the breaking action last. In strict mode the
violation is raised with the rule's id (a ``BugCheck`` for bug-check rules); in collect
mode it is recorded and the machine carries on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from condis_edu import BugCheck, Machine, VerifierViolation
from condis_edu._library.headers import fill_header
from condis_edu._library.objects import Vc
from condis_edu.errors import RuleBugCheck
from condis_edu.ndis import (
    NDIS_INTERMEDIATE_DRIVER,
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES,
    NDIS_MINIPORT_CO_CHARACTERISTICS,
    NDIS_STATUS_FAILURE,
    NDIS_STATUS_INVALID_DATA,
    NDIS_STATUS_NOT_ACCEPTED,
    NDIS_STATUS_NOT_SUPPORTED,
    NDIS_STATUS_PENDING,
    NDIS_STATUS_SUCCESS,
    STATUS_SUCCESS,
    STATUS_UNSUCCESSFUL,
    NdisAllocateIoWorkItem,
    NdisClCloseAddressFamily,
    NdisClIncomingCallComplete,
    NdisCloseAdapterEx,
    NdisCmActivateVc,
    NdisCmCloseCallComplete,
    NdisCmDeactivateVc,
    NdisCmDispatchCallConnected,
    NdisCmMakeCallComplete,
    NdisCmRegisterAddressFamilyEx,
    NdisCoCreateVc,
    NdisCoDeleteVc,
    NdisMCmCreateVc,
    NdisMCmRegisterAddressFamilyEx,
    NdisMCoActivateVcComplete,
    NdisMediumCoWan,
    NdisMPauseComplete,
    NdisMRegisterMiniportDriver,
    NdisMSetMiniportAttributes,
    NdisQueueIoWorkItem,
    NdisSetOptionalHandlers,
)
from condis_edu.samples import client
from condis_edu.samples.common import call_parameters, loopback_af
from condis_edu.samples.loopback_miniport import adapter as mp_adapter
from condis_edu.samples.loopback_miniport import miniport as mp_miniport
from condis_edu.samples.mcm import miniport as mcm_miniport
from condis_edu.testing import loopback_machine, miniport_driver, protocol_driver
from condis_edu.verifier import RULES
from condis_edu.verifier.rule import RuleKind
from condis_edu.verifier.rules import CATALOGUE_MUST_RULES

Scenario = Callable[[str], Machine]
SCENARIOS: dict[str, Scenario] = {}


def scenario(rule_id: str) -> Callable[[Scenario], Scenario]:
    def register(fn: Scenario) -> Scenario:
        assert rule_id not in SCENARIOS
        SCENARIOS[rule_id] = fn
        return fn

    return register


# ------------------------------------------------------------------------------- helpers
def call_up(m: Machine, use_mcm: bool = False) -> Any:
    call = client.make_call(m, b"echo")
    m.run_until_idle()
    assert call.state == "connected", call
    return call


def vc_of(m: Machine, call: Any) -> Vc:
    return next(v for a in m.adapters for v in a.vcs if v.handle is call.NdisVcHandle)


def incoming_vc(m: Machine) -> Vc:
    return next(v for a in m.adapters for v in a.vcs if v.creator != "client")


def chars_edit(**fields: Any) -> Callable[[Any], None]:
    def edit(structure: Any) -> None:
        for name, value in fields.items():
            setattr(structure, name, value)

    return edit


def header_edit(**fields: Any) -> Callable[[Any], None]:
    def edit(structure: Any) -> None:
        for name, value in fields.items():
            setattr(structure.Header, name, value)

    return edit


def good_miniport_chars() -> Any:
    from condis_edu.testing import _captured_miniport_chars

    return _captured_miniport_chars(mp_miniport.DriverEntry)


# ------------------------------------------------------------------------------- registration
@scenario("R1.01")
def r1_01(mode: str) -> Machine:
    m, _ = loopback_machine(verifier=mode, bind=False)
    driver = m.driver("loopback_miniport")
    with m.running_as("loopback_miniport"):
        NdisMRegisterMiniportDriver(driver.driver_object, driver.registry_path, None, good_miniport_chars())
    return m


@scenario("R1.06")
def r1_06(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(after_register=lambda d, s, h: STATUS_UNSUCCESSFUL))
    return m


@scenario("R1.07")
def r1_07(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(edit_chars=chars_edit(HaltHandlerEx=42)))
    return m


@scenario("R1.08")
def r1_08(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(edit_chars=header_edit(Size=100)))
    return m


@scenario("R1.09")
def r1_09(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(edit_chars=chars_edit(MinorNdisVersion=7)))
    return m


@scenario("R1.10")
def r1_10(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(edit_chars=chars_edit(ShutdownHandlerEx=None)))
    return m


@scenario("R1.11")
def r1_11(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(edit_chars=chars_edit(SetOptionsHandler=None)))
    m.start_adapter("loopback_miniport")
    return m


@scenario("R1.13")
def r1_13(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(
        miniport_driver(
            edit_chars=chars_edit(CheckForHangHandlerEx=lambda MiniportAdapterContext: False, ResetHandlerEx=None)
        )
    )
    return m


@scenario("R1.14")
def r1_14(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(edit_chars=chars_edit(DirectOidRequestHandler=lambda ctx, req: NDIS_STATUS_SUCCESS)))
    return m


@scenario("R1.15")
def r1_15(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(edit_chars=chars_edit(Flags=0x8)))
    return m


@scenario("R1.18")
def r1_18(mode: str) -> Machine:
    m, _ = loopback_machine(verifier=mode, bind=False)
    miniport = m.driver("loopback_miniport").miniports[0]
    co = NDIS_MINIPORT_CO_CHARACTERISTICS()
    fill_header(co)
    with m.running_as("loopback_miniport"):
        NdisSetOptionalHandlers(miniport.handle, co)
    return m


@scenario("R1.19")
def r1_19(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(edit_co=chars_edit(Flags=1)))
    return m


@scenario("R1.20")
def r1_20(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(edit_co=chars_edit(CoOidRequestHandler=None)))
    return m


@scenario("R1.22")
def r1_22(mode: str) -> Machine:
    def SetOptions(NdisDriverHandle: Any, DriverContext: Any) -> int:
        co = NDIS_MINIPORT_CO_CHARACTERISTICS()
        fill_header(co)
        return NdisSetOptionalHandlers(NdisDriverHandle, co)

    m = Machine(verifier=mode)
    m.load_driver(protocol_driver(edit_chars=chars_edit(SetOptionsHandler=SetOptions)))
    return m


@scenario("R1.24")
def r1_24(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(edit_chars=chars_edit(SetOptionsHandler=lambda h, c: NDIS_STATUS_PENDING)))
    return m


@scenario("R1.25")
def r1_25(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(protocol_driver(edit_chars=chars_edit(Flags=1)))
    return m


@scenario("R1.27")
def r1_27(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(protocol_driver(register_co=False))
    return m


@scenario("R1.28")
def r1_28(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(protocol_driver(edit_cl=chars_edit(ClIncomingCallHandler=None)))
    return m


@scenario("R1.29")
def r1_29(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(protocol_driver(role="cm", edit_cm=chars_edit(CmMakeCallHandler=None)))
    return m


@scenario("R1.31")
def r1_31(mode: str) -> Machine:
    m, _ = loopback_machine(verifier=mode)
    binding = m.driver("client").protocol.bindings[0]  # type: ignore[union-attr]
    with m.running_as("client"):
        NdisCmRegisterAddressFamilyEx(binding.handle, loopback_af())
    return m


@scenario("R1.33")
def r1_33(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(register_co=False, register_cm=True))
    return m


@scenario("R1.34")
def r1_34(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(use_mcm=True, name="mcm", edit_co=chars_edit(CoCreateVcHandler=lambda a, b: 0)))
    return m


@scenario("R1.35")
def r1_35(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(use_mcm=True, name="mcm", edit_cm=chars_edit(CmMakeCallHandler=None)))
    return m


@scenario("R1.36")
def r1_36(mode: str) -> Machine:
    def shared(*args: Any) -> int:
        return NDIS_STATUS_SUCCESS

    m = Machine(verifier=mode)
    m.load_driver(
        miniport_driver(
            use_mcm=True,
            name="mcm",
            edit_co=chars_edit(CoOidRequestHandler=shared),
            edit_cm=chars_edit(CmOidRequestHandler=shared),
        )
    )
    return m


@scenario("R1.37")
def r1_37(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(use_mcm=True, name="mcm", edit_co=chars_edit(CoSendNetBufferListsHandler=None)))
    return m


@scenario("R1.38")
def r1_38(mode: str) -> Machine:
    m, nic = loopback_machine(verifier=mode, use_mcm=True, bind=False)
    with m.running_as("mcm"):
        NdisMCmRegisterAddressFamilyEx(nic.handle, loopback_af())
    return m


@scenario("R1.40")
def r1_40(mode: str) -> Machine:
    def InitializeAsWan(NdisMiniportHandle: Any, MiniportDriverContext: Any, MiniportInitParameters: Any) -> int:
        saved = mp_adapter.NdisMediumAtm
        mp_adapter.NdisMediumAtm = NdisMediumCoWan  # type: ignore[misc]
        try:
            return mp_adapter.MPInitializeEx(NdisMiniportHandle, MiniportDriverContext, MiniportInitParameters)
        finally:
            mp_adapter.NdisMediumAtm = saved  # type: ignore[misc]

    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(register_co=False, edit_chars=chars_edit(InitializeHandlerEx=InitializeAsWan)))
    m.start_adapter("loopback_miniport")
    return m


@scenario("R1.44")
def r1_44(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(edit_chars=chars_edit(PauseHandler=None)))
    return m


@scenario("R1.45")
def r1_45(mode: str) -> Machine:
    def register_twice(DriverObject: Any, Status: int, handle: Any) -> int:
        chars = good_miniport_chars()
        chars.Flags = NDIS_INTERMEDIATE_DRIVER
        chars.SetOptionsHandler = None
        chars.ResetHandlerEx = None  # an IM supplies neither CheckForHang nor Reset (R1.13)
        chars.OidRequestHandler = lambda ctx, request: NDIS_STATUS_FAILURE  # required of an IM (R5.02)
        NdisMRegisterMiniportDriver(DriverObject, "", None, chars)
        return STATUS_SUCCESS

    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(after_register=register_twice))
    m.unload_driver("loopback_miniport")
    return m


# ------------------------------------------------------------------------------- VCs and calls
@scenario("R2.02")
def r2_02(mode: str) -> Machine:
    m, _ = loopback_machine(verifier=mode)
    binding = m.driver("client").protocol.bindings[0]  # type: ignore[union-attr]
    with m.running_as("client"):
        NdisCoCreateVc(binding.handle, None, object())
    return m


@scenario("R2.03")
def r2_03(mode: str) -> Machine:
    m, _ = loopback_machine(verifier=mode, use_mcm=True)
    call_up(m)
    with m.running_as("mcm"):
        NdisCoDeleteVc(incoming_vc(m).handle)
    return m


@scenario("R2.04")
def r2_04(mode: str) -> Machine:
    m, nic = loopback_machine(verifier=mode, use_mcm=True)
    with m.running_as("mcm"):
        NdisMCmCreateVc(nic.handle, None, object())
    return m


@scenario("R2.05")
def r2_05(mode: str) -> Machine:
    m, _ = loopback_machine(verifier=mode)
    call_up(m)
    with m.running_as("client"):
        NdisCoDeleteVc(incoming_vc(m).handle)
    return m


@scenario("R2.06")
def r2_06(mode: str) -> Machine:
    m, _ = loopback_machine(verifier=mode)
    call = call_up(m)
    binding = m.driver("client").protocol.bindings[0]  # type: ignore[union-attr]
    with m.running_as("client"):
        NdisCoCreateVc(binding.handle, binding.afs[0].handle, object(), call.NdisVcHandle)
    return m


@scenario("R2.09")
def r2_09(mode: str) -> Machine:
    bad = miniport_driver(edit_co=chars_edit(CoCreateVcHandler=lambda ctx, h: (NDIS_STATUS_PENDING, None)))
    m, _ = loopback_machine(verifier=mode, miniport=bad)
    client.make_call(m)
    return m


@scenario("R2.10")
def r2_10(mode: str) -> Machine:
    bad = protocol_driver(edit_cl=chars_edit(ClCreateVcHandler=lambda ctx, h: (NDIS_STATUS_PENDING, None)))
    m, _ = loopback_machine(verifier=mode, client_driver=bad)
    client.make_call(m)
    m.run_until_idle()
    return m


@scenario("R2.14")
def r2_14(mode: str) -> Machine:
    m, _ = loopback_machine(verifier=mode)
    call = call_up(m)
    with m.running_as("client"):
        NdisCmActivateVc(call.NdisVcHandle, call_parameters(b"echo"))
    return m


def hasty_make_call(CallMgrVcContext: Any, CallParameters: Any, NdisPartyHandle: Any) -> tuple[int, None]:
    return NDIS_STATUS_SUCCESS, None


@scenario("R2.15")
def r2_15(mode: str) -> Machine:
    bad = protocol_driver(role="cm", edit_cm=chars_edit(CmMakeCallHandler=hasty_make_call))
    m, _ = loopback_machine(verifier=mode, manager=bad)
    client.make_call(m)
    return m


@scenario("R2.17")
def r2_17(mode: str) -> Machine:
    bad = miniport_driver(edit_co=chars_edit(CoActivateVcHandler=lambda ctx, p: NDIS_STATUS_FAILURE))
    m, _ = loopback_machine(verifier=mode, miniport=bad)
    client.make_call(m)
    m.run_until_idle()
    return m


@scenario("R2.18")
def r2_18(mode: str) -> Machine:
    m, _ = loopback_machine(verifier=mode)
    call = call_up(m)
    with m.running_as("loopback_miniport"):
        NdisMCoActivateVcComplete(NDIS_STATUS_SUCCESS, call.NdisVcHandle, call_parameters(b"echo"))
    return m


@scenario("R2.23")
def r2_23(mode: str) -> Machine:
    from condis_edu.samples.call_manager import calls as cm_calls

    def Optimist(Status: int, CallMgrVcContext: Any, CallParameters: Any) -> None:
        cm_calls.CmActivateVcComplete(NDIS_STATUS_SUCCESS, CallMgrVcContext, CallParameters)

    def RefuseLater(MiniportVcContext: Any, CallParameters: Any) -> int:
        def refuse(WorkItemContext: Any, NdisIoWorkItemHandle: Any) -> None:
            NdisMCoActivateVcComplete(NDIS_STATUS_INVALID_DATA, MiniportVcContext.NdisVcHandle, CallParameters)

        work = NdisAllocateIoWorkItem(MiniportVcContext.adapter.MiniportAdapterHandle)
        NdisQueueIoWorkItem(work, refuse, None)
        return NDIS_STATUS_PENDING

    failing = miniport_driver(edit_co=chars_edit(CoActivateVcHandler=RefuseLater))
    cm = protocol_driver(role="cm", edit_cm=chars_edit(CmActivateVcCompleteHandler=Optimist))
    m, _ = loopback_machine(verifier=mode, miniport=failing, manager=cm)
    client.make_call(m)
    m.run_until_idle()
    return m


@scenario("R2.25")
def r2_25(mode: str) -> Machine:
    bad = miniport_driver(use_mcm=True, name="mcm", edit_cm=chars_edit(CmMakeCallHandler=hasty_make_call))
    m, _ = loopback_machine(verifier=mode, use_mcm=True, miniport=bad)
    client.make_call(m)
    return m


@scenario("R2.26")
def r2_26(mode: str) -> Machine:
    m, _ = loopback_machine(verifier=mode)
    call = call_up(m)
    with m.running_as("client"):
        NdisCmDeactivateVc(call.NdisVcHandle)
    return m


@scenario("R2.27")
def r2_27(mode: str) -> Machine:
    bad = miniport_driver(edit_co=chars_edit(CoDeactivateVcHandler=lambda ctx: NDIS_STATUS_FAILURE))
    m, _ = loopback_machine(verifier=mode, miniport=bad)
    call = call_up(m)
    client.close_call(m, call)
    m.run_until_idle()
    return m


@scenario("R2.34")
def r2_34(mode: str) -> Machine:
    bad = protocol_driver(
        role="cm", edit_cm=chars_edit(CmCloseCallHandler=lambda vc, party, data, size: NDIS_STATUS_PENDING)
    )
    m, _ = loopback_machine(verifier=mode, manager=bad)
    call = call_up(m)
    client.close_call(m, call)
    with m.running_as("call_manager"):
        NdisCmCloseCallComplete(NDIS_STATUS_SUCCESS, call.NdisVcHandle, None)
    return m


@scenario("R2.37")
def r2_37(mode: str) -> Machine:
    m, _ = loopback_machine(verifier=mode)
    call = call_up(m)
    with m.running_as("client"):
        NdisCoDeleteVc(call.NdisVcHandle)
    return m


@scenario("R2.40")
def r2_40(mode: str) -> Machine:
    bad = protocol_driver(role="cm", edit_cm=chars_edit(CmDeleteVcHandler=lambda ctx: NDIS_STATUS_PENDING))
    m, _ = loopback_machine(verifier=mode, manager=bad)
    call = call_up(m)
    client.close_call(m, call)
    m.run_until_idle()
    return m


@scenario("R2.42")
def r2_42(mode: str) -> Machine:
    bad = protocol_driver(
        role="cm", edit_cm=chars_edit(CmCloseCallHandler=lambda vc, party, data, size: NDIS_STATUS_SUCCESS)
    )
    m, _ = loopback_machine(verifier=mode, manager=bad)
    call = call_up(m)
    client.close_call(m, call)
    return m


@scenario("R2.43")
def r2_43(mode: str) -> Machine:
    deaf = protocol_driver(edit_cl=chars_edit(ClIncomingCloseCallHandler=lambda status, ctx, data, size: None))
    m, _ = loopback_machine(verifier=mode, client_driver=deaf)
    call = call_up(m)
    client.close_call(m, call)
    m.run_until_idle(audit=True)
    return m


@scenario("R2.45")
def r2_45(mode: str) -> Machine:
    undecided = protocol_driver(edit_cl=chars_edit(ClIncomingCallHandler=lambda sap, vc, params: NDIS_STATUS_PENDING))

    def Careless(Status: int, CallMgrVcContext: Any, CallParameters: Any) -> None:
        caller = CallMgrVcContext.peer  # fails the caller but leaves the callee's VC active
        NdisCmMakeCallComplete(Status, caller.NdisVcHandle, None, None, CallParameters)

    careless = protocol_driver(role="cm", edit_cm=chars_edit(CmIncomingCallCompleteHandler=Careless))
    m, _ = loopback_machine(verifier=mode, client_driver=undecided, manager=careless)
    client.make_call(m)
    m.run_until_idle()
    with m.running_as("client"):
        NdisClIncomingCallComplete(NDIS_STATUS_NOT_ACCEPTED, incoming_vc(m).handle, call_parameters(b"echo"))
    m.audit()
    return m


@scenario("R2.46")
def r2_46(mode: str) -> Machine:
    m, _ = loopback_machine(verifier=mode)
    af = m.driver("client").protocol.bindings[0].afs[0]  # type: ignore[union-attr]
    with m.running_as("client"):
        NdisClCloseAddressFamily(af.handle)
    return m


@scenario("R2.47")
def r2_47(mode: str) -> Machine:
    def AbruptUnbind(UnbindContext: Any, ProtocolBindingContext: Any) -> int:
        return NdisCloseAdapterEx(ProtocolBindingContext.NdisBindingHandle)

    bad = protocol_driver(role="cm", edit_chars=chars_edit(UnbindAdapterHandlerEx=AbruptUnbind))
    m, nic = loopback_machine(verifier=mode, manager=bad)
    m.unbind("call_manager", nic)
    return m


# ------------------------------------------------------------------------------- adapter states
@scenario("R5.18")
def r5_18(mode: str) -> Machine:
    bad = miniport_driver(edit_chars=chars_edit(PauseHandler=lambda ctx, params: NDIS_STATUS_FAILURE))
    m, nic = loopback_machine(verifier=mode, miniport=bad, bind=False)
    m.pause_adapter(nic)
    return m


@scenario("R5.23")
def r5_23(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(edit_chars=chars_edit(RestartHandler=lambda ctx, params: NDIS_STATUS_INVALID_DATA)))
    m.start_adapter("loopback_miniport")
    return m


@scenario("R5.27")
def r5_27(mode: str) -> Machine:
    m, nic = loopback_machine(verifier=mode, bind=False)
    with m.running_as("loopback_miniport"):
        NdisMPauseComplete(nic.handle)
    return m


@scenario("R6.12")
def r6_12(mode: str) -> Machine:
    def SloppyInitialize(NdisMiniportHandle: Any, MiniportDriverContext: Any, MiniportInitParameters: Any) -> int:
        attributes = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES()  # header left zeroed
        return NdisMSetMiniportAttributes(NdisMiniportHandle, attributes)

    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(edit_chars=chars_edit(InitializeHandlerEx=SloppyInitialize)))
    m.start_adapter("loopback_miniport")
    return m


# ------------------------------------------------------------------------------- completions
@scenario("X1.01")
def x1_01(mode: str) -> Machine:
    m, _ = loopback_machine(verifier=mode)
    call = call_up(m)
    with m.running_as("call_manager"):
        NdisCmMakeCallComplete(NDIS_STATUS_SUCCESS, call.NdisVcHandle, None, None, call_parameters(b"echo"))
    return m


@scenario("X1.02")
def x1_02(mode: str) -> Machine:
    undecided = protocol_driver(edit_cl=chars_edit(ClIncomingCallHandler=lambda sap, vc, params: NDIS_STATUS_PENDING))
    m, _ = loopback_machine(verifier=mode, client_driver=undecided)
    client.make_call(m)
    m.run_until_idle()
    with m.running_as("client"):
        NdisClIncomingCallComplete(NDIS_STATUS_PENDING, incoming_vc(m).handle, call_parameters(b"echo"))
    return m


@scenario("X1.03")
def x1_03(mode: str) -> Machine:
    m, _ = loopback_machine(verifier=mode)
    call_up(m)
    with m.running_as("call_manager"):
        NdisCmDispatchCallConnected(incoming_vc(m).handle)
    return m


@scenario("X1.04")
def x1_04(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(miniport_driver(edit_chars=chars_edit(InitializeHandlerEx=lambda h, c, p: NDIS_STATUS_SUCCESS)))
    m.start_adapter("loopback_miniport")
    return m


@scenario("X1.05")
def x1_05(mode: str) -> Machine:
    bad = protocol_driver(edit_chars=chars_edit(NetPnPEventHandler=lambda ctx, notification: NDIS_STATUS_FAILURE))
    m, _ = loopback_machine(verifier=mode, client_driver=bad)
    return m


@scenario("X1.06")
def x1_06(mode: str) -> Machine:
    bad = miniport_driver(edit_co=chars_edit(CoActivateVcHandler=lambda ctx, params: NDIS_STATUS_PENDING))
    m, _ = loopback_machine(verifier=mode, miniport=bad)
    client.make_call(m)
    m.run_until_idle(audit=True)
    return m


# ------------------------------------------------------------------------------------- data path
# Each scenario below breaks one data-path rule; the NBLs come from the samples' own pools.
def dp_machine(mode: str, complete: str = "inline") -> tuple[Machine, Any, Any]:
    from condis_edu.samples.loopback_miniport import datapath as mp_data

    m, nic = loopback_machine(verifier=mode)
    mp_data.settings(nic).complete = complete
    return m, nic, call_up(m)


def client_chain(m: Machine, call: Any, count: int = 1) -> Any:
    from condis_edu.samples.client import data as cl_data

    with m.running_as("client"):
        return cl_data.build_chain(call, count, b"frame")


def send(m: Machine, call: Any, head: Any) -> None:
    from condis_edu.ndis import NdisCoSendNetBufferLists

    with m.running_as("client"):
        NdisCoSendNetBufferLists(call.NdisVcHandle, head, 0)


def miniport_chain(m: Machine, nic: Any, call: Any, count: int) -> Any:
    from condis_edu.ndis import (
        NET_BUFFER_LIST_POOL_PARAMETERS,
        NdisAllocateNetBufferAndNetBufferList,
        NdisAllocateNetBufferListPool,
        chain,
    )

    params = NET_BUFFER_LIST_POOL_PARAMETERS(fAllocateNetBuffer=True, DataSize=16)
    fill_header(params)
    with m.running_as("loopback_miniport"):
        pool = NdisAllocateNetBufferListPool(nic.handle, params)
        nbls = [NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 16) for _ in range(count)]
    for nbl in nbls:
        nbl.SourceHandle = call.NdisVcHandle
    return chain(nbls)


def indicate(m: Machine, handle: Any, head: Any, count: int, flags: int = 0) -> None:
    from condis_edu.ndis import NdisMCoIndicateReceiveNetBufferLists

    with m.running_as("loopback_miniport"):
        NdisMCoIndicateReceiveNetBufferLists(handle, head, count, flags)


def held_receive(m: Machine, call: Any) -> Any:
    """Send one frame, let the client keep its echo; return the echoed NBL."""
    from condis_edu.samples.client import data as cl_data

    cl_data.data_of(call).hold_receives = True
    send(m, call, client_chain(m, call))
    m.run_until_idle()
    return cl_data.data_of(call).held[0]


def oid_request(oid: int) -> Any:
    from condis_edu.ndis import NDIS_OID_REQUEST, NdisRequestQueryInformation

    request = NDIS_OID_REQUEST(RequestType=NdisRequestQueryInformation)
    fill_header(request)
    request.DATA.QUERY_INFORMATION.Oid = oid
    request.DATA.QUERY_INFORMATION.InformationBufferLength = 64
    return request


def pended_oid(m: Machine, nic: Any, call: Any) -> Any:
    from condis_edu.ndis import OID_GEN_CO_LINK_SPEED, NdisCoOidRequest
    from condis_edu.samples.loopback_miniport import datapath as mp_data

    mp_data.settings(nic).pend_oids = True
    request = oid_request(OID_GEN_CO_LINK_SPEED)
    with m.running_as("client"):
        assert NdisCoOidRequest(call.af.binding.NdisBindingHandle, None, None, None, request) == NDIS_STATUS_PENDING
    return request


@scenario("R1.46")
def r1_46(mode: str) -> Machine:
    from condis_edu.ndis import NdisFreeNetBufferListPool

    m, _, call = dp_machine(mode)
    client_chain(m, call)  # allocated, never freed
    with m.running_as("client"):
        NdisFreeNetBufferListPool(call.af.binding.nbl_pool)
    return m


@scenario("R1.41")
def r1_41(mode: str) -> Machine:
    from condis_edu.ndis import NDIS_NBL_FLAGS_IS_LOOPBACK_PACKET

    m, nic, call = dp_machine(mode)
    nic.general.MediaType = NdisMediumCoWan  # as a CoNDIS WAN NIC would report itself
    head = miniport_chain(m, nic, call, 1)
    head.NblFlags |= NDIS_NBL_FLAGS_IS_LOOPBACK_PACKET  # a sent frame turned round
    indicate(m, call.NdisVcHandle, head, 1)
    return m


@scenario("R3.03")
def r3_03(mode: str) -> Machine:
    m, _, call = dp_machine(mode)
    head = client_chain(m, call, 2)
    head.Next.SourceHandle = None
    send(m, call, head)
    return m


@scenario("R3.05")
def r3_05(mode: str) -> Machine:
    m, _, call = dp_machine(mode)
    send(m, call, "a packet")
    return m


@scenario("R3.06")
def r3_06(mode: str) -> Machine:
    m, _, call = dp_machine(mode, complete="deferred")
    head = client_chain(m, call)
    send(m, call, head)
    send(m, call, head)  # still queued in the miniport
    return m


@scenario("R3.07")
def r3_07(mode: str) -> Machine:
    m, _, call = dp_machine(mode)
    cm = vc_of(m, call).af.registration.cm_handlers
    cm.CmCloseCallHandler = lambda cmvc, party, buffer, size: NDIS_STATUS_PENDING  # the close stays pending
    client.close_call(m, call)
    send(m, call, client_chain(m, call))  # the client already hung up
    return m


@scenario("R3.10")
def r3_10(mode: str) -> Machine:
    from condis_edu.ndis import NdisMCoSendNetBufferListsComplete

    m, _, call = dp_machine(mode)
    never_sent = client_chain(m, call)
    with m.running_as("loopback_miniport"):
        NdisMCoSendNetBufferListsComplete(call.NdisVcHandle, never_sent, 0)
    return m


@scenario("R3.12")
def r3_12(mode: str) -> Machine:
    from condis_edu.ndis import NdisMCoSendNetBufferListsComplete

    m, _, call = dp_machine(mode)
    head = client_chain(m, call)
    send(m, call, head)  # completed inline
    with m.running_as("loopback_miniport"):
        NdisMCoSendNetBufferListsComplete(call.NdisVcHandle, head, 0)  # ... and completed again
    return m


@scenario("R3.20")
def r3_20(mode: str) -> Machine:
    m, nic, call = dp_machine(mode)
    indicate(m, call.NdisVcHandle, miniport_chain(m, nic, call, 2), 5)
    return m


@scenario("R3.21")
def r3_21(mode: str) -> Machine:
    m, _, call = dp_machine(mode)
    indicate(m, call.NdisVcHandle, client_chain(m, call), 1)  # the client's NBL, not the miniport's
    return m


@scenario("R3.23")
def r3_23(mode: str) -> Machine:
    from condis_edu.ndis import NdisReturnNetBufferLists
    from condis_edu.samples.client import data as cl_data

    m, _, call = dp_machine(mode)
    nbl = held_receive(m, call)
    with m.running_as("client"):
        cl_data.release_receives(call)
        nbl.Next = None
        NdisReturnNetBufferLists(call.af.binding.NdisBindingHandle, nbl, 0)  # returned twice
    return m


@scenario("R3.24")
def r3_24(mode: str) -> Machine:
    from condis_edu.ndis import NDIS_RECEIVE_FLAGS_RESOURCES, NdisReturnNetBufferLists

    m, nic, call = dp_machine(mode)
    binding = vc_of(m, call).client_binding

    def keeps_lent(bctx: Any, vctx: Any, nbls: Any, count: int, flags: int) -> None:
        NdisReturnNetBufferLists(bctx.NdisBindingHandle, nbls, 0)  # as if it owned them

    binding.protocol.co.CoReceiveNetBufferListsHandler = keeps_lent
    from condis_edu._library.ddi.datapath import forget_path

    forget_path(vc_of(m, call))  # the handlers changed after the data path cached them
    indicate(m, call.NdisVcHandle, miniport_chain(m, nic, call, 1), 1, NDIS_RECEIVE_FLAGS_RESOURCES)
    return m


@scenario("R3.27")
def r3_27(mode: str) -> Machine:
    from condis_edu.ndis import NdisReturnNetBufferLists

    m, _, call = dp_machine(mode)
    nbl = held_receive(m, call)
    with m.running_as("call_manager"):
        NdisReturnNetBufferLists(call.af.binding.NdisBindingHandle, nbl, 0)  # someone else's binding
    return m


@scenario("R2.28")
def r2_28(mode: str) -> Machine:
    m, nic, call = dp_machine(mode, complete="deferred")
    nic.miniport.co.CoDeactivateVcHandler = lambda ctx: NDIS_STATUS_SUCCESS  # forgets its queue
    send(m, call, client_chain(m, call))
    client.close_call(m, call)
    return m


@scenario("R2.29")
def r2_29(mode: str) -> Machine:
    m, nic, call = dp_machine(mode)
    with m.running_as("client"):
        _, handle = NdisCoCreateVc(call.af.binding.NdisBindingHandle, call.af.NdisAfHandle, object())
    indicate(m, handle, miniport_chain(m, nic, call, 1), 1)  # created, never activated
    return m


@scenario("R3.32")
def r3_32(mode: str) -> Machine:
    from condis_edu._library.ddi.datapath import forget_path

    m, nic, call = dp_machine(mode)
    transmit = nic.miniport.co.CoSendNetBufferListsHandler

    def coalescing_send(vctx: Any, nbls: Any, flags: int) -> None:
        nbls.FirstNetBuffer.Next = nbls.Next.FirstNetBuffer  # gathers the packets under the first NBL
        transmit(vctx, nbls, flags)

    nic.miniport.co.CoSendNetBufferListsHandler = coalescing_send
    forget_path(vc_of(m, call))  # the handlers changed after the data path cached them
    send(m, call, client_chain(m, call, 2))
    return m


@scenario("R3.37")
def r3_37(mode: str) -> Machine:
    from condis_edu._library.ddi.datapath import forget_path

    m, _, call = dp_machine(mode)
    binding = vc_of(m, call).client_binding
    receive = binding.protocol.co.CoReceiveNetBufferListsHandler

    def tagging_receive(bctx: Any, vctx: Any, nbls: Any, count: int, flags: int) -> None:
        nbls.MiniportReserved[0] = "seen"  # the miniport's area: it keeps its VC there
        receive(bctx, vctx, nbls, count, flags)

    binding.protocol.co.CoReceiveNetBufferListsHandler = tagging_receive
    forget_path(vc_of(m, call))
    send(m, call, client_chain(m, call))  # the loopback miniport echoes it as a receive
    m.run_until_idle()
    return m


@scenario("R4.02")
def r4_02(mode: str) -> Machine:
    from condis_edu.ndis import OID_GEN_CO_LINK_SPEED, NdisCoOidRequest

    m, _, call = dp_machine(mode)
    with m.running_as("call_manager"):
        NdisCoOidRequest(call.af.binding.NdisBindingHandle, None, None, None, oid_request(OID_GEN_CO_LINK_SPEED))
    return m


@scenario("R4.10")
def r4_10(mode: str) -> Machine:
    from condis_edu.ndis import NdisMCoOidRequestComplete

    m, nic, call = dp_machine(mode)
    request = pended_oid(m, nic, call)
    with m.running_as("loopback_miniport"):
        NdisMCoOidRequestComplete(nic.handle, None, request, NDIS_STATUS_PENDING)
    return m


@scenario("R4.11")
def r4_11(mode: str) -> Machine:
    from condis_edu.ndis import OID_CO_GET_ADDRESSES, NdisCoOidRequest, NdisCoOidRequestComplete

    m, _, call = dp_machine(mode)
    cm = vc_of(m, call).af.registration.cm_handlers
    cm.CmOidRequestHandler = lambda af, vc, party, request: NDIS_STATUS_PENDING
    request = oid_request(OID_CO_GET_ADDRESSES)
    with m.running_as("client"):
        NdisCoOidRequest(call.af.binding.NdisBindingHandle, call.af.NdisAfHandle, None, None, request)
    with m.running_as("call_manager"):
        NdisCoOidRequestComplete(call.af.NdisAfHandle, None, None, request, NDIS_STATUS_PENDING)
    return m


def ask_miniport(m: Machine, call: Any, request: Any) -> int:
    from condis_edu.ndis import NdisCoOidRequest

    with m.running_as("client"):
        status: int = NdisCoOidRequest(call.af.binding.NdisBindingHandle, None, None, None, request)
    return status


@scenario("R4.05")
def r4_05(mode: str) -> Machine:
    from condis_edu.ndis import OID_802_3_CURRENT_ADDRESS

    m, _, call = dp_machine(mode)
    ask_miniport(m, call, oid_request(OID_802_3_CURRENT_ADDRESS))  # an Ethernet OID on a CoNDIS binding
    return m


@scenario("R4.07")
def r4_07(mode: str) -> Machine:
    from condis_edu.ndis import NDIS_STATUS_RESOURCES, OID_GEN_CO_VENDOR_ID

    m, nic, call = dp_machine(mode)
    nic.miniport.co.CoOidRequestHandler = lambda ctx, vc, request: NDIS_STATUS_RESOURCES  # not among its statuses
    ask_miniport(m, call, oid_request(OID_GEN_CO_VENDOR_ID))
    return m


@scenario("R4.13")
def r4_13(mode: str) -> Machine:
    from condis_edu.ndis import OID_GEN_CO_LINK_SPEED

    m, nic, call = dp_machine(mode)
    nic.miniport.co.CoOidRequestHandler = lambda ctx, vc, request: NDIS_STATUS_SUCCESS  # wrote nothing
    ask_miniport(m, call, oid_request(OID_GEN_CO_LINK_SPEED))
    return m


def status_indication(nic: Any, code: int) -> Any:
    from condis_edu.ndis import NDIS_STATUS_INDICATION

    indication = NDIS_STATUS_INDICATION(SourceHandle=nic.handle, StatusCode=code)
    indication.Header.Type, indication.Header.Revision = 0x98, 1
    return indication


@scenario("R4.17")
def r4_17(mode: str) -> Machine:
    from condis_edu.ndis import NDIS_STATUS_LINK_STATE, NdisMCoIndicateStatusEx

    m, nic, _ = dp_machine(mode)
    with m.running_as("client"):
        NdisMCoIndicateStatusEx(nic.handle, None, status_indication(nic, NDIS_STATUS_LINK_STATE))
    return m


@scenario("R4.18")
def r4_18(mode: str) -> Machine:
    from condis_edu.ndis import NDIS_STATUS_LINK_STATE, NdisMCoIndicateStatusEx

    m, nic, _ = dp_machine(mode)
    indication = status_indication(nic, NDIS_STATUS_LINK_STATE)
    indication.Header.Type = 0
    with m.running_as("loopback_miniport"):
        NdisMCoIndicateStatusEx(nic.handle, None, indication)
    return m


@scenario("X1.07")
def x1_07(mode: str) -> Machine:
    from condis_edu.ndis import OID_GEN_CO_LINK_SPEED, NdisCoOidRequest

    m, _, call = dp_machine(mode)
    request = oid_request(OID_GEN_CO_LINK_SPEED)
    request.Header.Type = 0  # never filled in
    with m.running_as("client"):
        NdisCoOidRequest(call.af.binding.NdisBindingHandle, None, None, None, request)
    return m


@scenario("R4.21")
def r4_21(mode: str) -> Machine:
    from condis_edu.ndis import NDIS_STATUS_RESET_START, NdisMCoIndicateStatusEx

    m, nic, _ = dp_machine(mode)
    with m.running_as("loopback_miniport"):
        NdisMCoIndicateStatusEx(nic.handle, None, status_indication(nic, NDIS_STATUS_RESET_START))
    return m


@scenario("R4.23")
def r4_23(mode: str) -> Machine:
    m, nic, _ = dp_machine(mode)
    nic.miniport.chars.ResetHandlerEx = lambda ctx: (NDIS_STATUS_INVALID_DATA, False)
    m.reset_adapter(nic)
    return m


@scenario("R4.26")
def r4_26(mode: str) -> Machine:
    m, nic, call = dp_machine(mode, complete="deferred")
    nic.miniport.chars.ResetHandlerEx = lambda ctx: (NDIS_STATUS_SUCCESS, False)  # keeps its queue
    send(m, call, client_chain(m, call, 2))
    m.reset_adapter(nic, run=False)
    return m


@scenario("R4.27")
def r4_27(mode: str) -> Machine:
    from condis_edu.ndis import NdisMResetComplete

    m, nic, _ = dp_machine(mode)
    with m.running_as("loopback_miniport"):
        NdisMResetComplete(nic.handle, NDIS_STATUS_SUCCESS, False)
    return m


@scenario("R5.02")
def r5_02(mode: str) -> Machine:
    m = Machine(verifier=mode)
    m.load_driver(
        miniport_driver(
            edit_chars=chars_edit(Flags=NDIS_INTERMEDIATE_DRIVER, ResetHandlerEx=None, OidRequestHandler=None)
        )
    )
    return m


def im_machine(mode: str) -> Machine:
    from condis_edu.samples import lane_im

    m = Machine(verifier=mode)  # type: ignore[arg-type]
    m.load_driver(lane_im)
    return m


@scenario("R5.01")
def r5_01(mode: str) -> Machine:
    from condis_edu.ndis import NdisIMAssociateMiniport

    m = im_machine(mode)
    lane = m.driver("lane_im")
    assert lane.protocol is not None
    with m.running_as("lane_im"):  # after DriverEntry returned
        NdisIMAssociateMiniport(lane.miniports[0].handle, lane.protocol.handle)
    return m


@scenario("R5.03")
def r5_03(mode: str) -> Machine:
    from condis_edu.ndis import NdisMDeregisterMiniportDriver

    m = im_machine(mode)
    lane = m.driver("lane_im")
    handle = lane.miniports[0].handle
    lane.miniports[0].chars.UnloadHandler = lambda driver_object: NdisMDeregisterMiniportDriver(handle)  # forgets one
    m.unload_driver("lane_im")
    return m


@scenario("R5.04")
def r5_04(mode: str) -> Machine:
    m = Machine(verifier=mode)  # type: ignore[arg-type]
    im_flags = chars_edit(
        Flags=NDIS_INTERMEDIATE_DRIVER,
        ResetHandlerEx=None,
        CheckForHangHandlerEx=None,
        OidRequestHandler=lambda ctx, request: NDIS_STATUS_NOT_SUPPORTED,
        SendNetBufferListsHandler=lambda ctx, nbls, port, flags: None,
        CancelSendHandler=lambda ctx, cancel_id: None,
        CancelOidRequestHandler=lambda ctx, request_id: None,
    )
    m.load_driver(miniport_driver(edit_chars=im_flags))  # its MiniportSetOptions registers Co handlers
    return m


def lane_stack(mode: str) -> Machine:
    """The LAN-emulation IM over the loopback NIC, with the Ethernet protocol on top."""
    from condis_edu.samples import call_manager, ethproto, lane_im, loopback_miniport

    m = Machine(verifier=mode)  # type: ignore[arg-type]
    for driver in (loopback_miniport, call_manager, lane_im, ethproto):
        m.load_driver(driver)
    m.start_adapter("loopback_miniport")
    m.bind_all()
    lane_im.connect(m)
    m.run_until_idle()
    m.bind_all()
    return m


@scenario("R3.04")
def r3_04(mode: str) -> Machine:
    from condis_edu.ndis import NdisMSendNetBufferListsComplete
    from condis_edu.samples import ethproto

    m = lane_stack(mode)
    lane0 = next(a for a in m.adapters if a.name == "lane0")
    vc_handle = next(v.handle for a in m.adapters for v in a.vcs)

    def forwards_without_restoring(ctx: Any, nbls: Any, port: int, flags: int) -> None:
        nbl = nbls
        while nbl is not None:
            nbl.SourceHandle = vc_handle  # overwritten for the CoNDIS edge below, never put back
            nbl.Status = NDIS_STATUS_SUCCESS
            nbl = nbl.Next
        NdisMSendNetBufferListsComplete(lane0.handle, nbls, 0)

    lane0.miniport.chars.SendNetBufferListsHandler = forwards_without_restoring
    ethproto.send_frames(m, [b"one"])
    m.run_until_idle()
    return m


@scenario("R4.30")
def r4_30(mode: str) -> Machine:
    from condis_edu.ndis import (
        NET_BUFFER_LIST_POOL_PARAMETERS,
        NdisAllocateNetBufferAndNetBufferList,
        NdisAllocateNetBufferListPool,
        NdisMIndicateReceiveNetBufferLists,
    )

    m = lane_stack(mode)
    lane0 = next(a for a in m.adapters if a.name == "lane0")
    nic = next(a for a in m.adapters if a.name != "lane0")
    params = NET_BUFFER_LIST_POOL_PARAMETERS(fAllocateNetBuffer=True, DataSize=16)
    fill_header(params)
    with m.running_as("lane_im"):
        pool = NdisAllocateNetBufferListPool(lane0.handle, params)
        nbl = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 16)
    nbl.SourceHandle = lane0.handle
    nic.miniport.chars.ResetHandlerEx = lambda ctx: (NDIS_STATUS_PENDING, False)  # the NIC takes its time
    m.reset_adapter(nic, run=False)  # RESET_START has reached the IM; RESET_END has not
    with m.running_as("lane_im"):
        NdisMIndicateReceiveNetBufferLists(lane0.handle, nbl, 0, 1, 0)
    return m


@scenario("R5.09")
def r5_09(mode: str) -> Machine:
    from condis_edu.ndis import NdisIMCancelInitializeDeviceInstance

    m = lane_stack(mode)
    with m.running_as("lane_im"):  # lane0 is running: cancelling is the wrong undo
        NdisIMCancelInitializeDeviceInstance(m.driver("lane_im").miniports[0].handle, "lane0")
    return m


@scenario("R5.06")
def r5_06(mode: str) -> Machine:
    from condis_edu.ndis import NdisIMInitializeDeviceInstanceEx

    m, _, _ = dp_machine(mode)
    protocol_handle = m.driver("client").protocol.handle
    with m.running_as("client"):
        NdisIMInitializeDeviceInstanceEx(protocol_handle, "lane0", None)  # not the NdisMiniportDriverHandle
    return m


@scenario("R5.19")
def r5_19(mode: str) -> Machine:
    m, nic, call = dp_machine(mode)
    held_receive(m, call)
    nic.miniport.chars.PauseHandler = lambda ctx, params: NDIS_STATUS_SUCCESS  # does not wait for it
    m.pause_adapter(nic, run=False)
    return m


@scenario("R5.20")
def r5_20(mode: str) -> Machine:
    m, nic, call = dp_machine(mode)
    m.pause_adapter(nic)
    indicate(m, call.NdisVcHandle, miniport_chain(m, nic, call, 1), 1)
    return m


@scenario("R6.10")
def r6_10(mode: str) -> Machine:
    from condis_edu.ndis import NdisCoOidRequest

    m, nic, call = dp_machine(mode)
    request = pended_oid(m, nic, call)
    with m.running_as("client"):
        NdisCoOidRequest(call.af.binding.NdisBindingHandle, None, None, None, request)  # still pending
    return m


# ------------------------------------------------------------------------------- the tests
CHECKED = sorted(rule.id for rule in RULES.values() if rule.checked)


def m_halted_after(rule_id: str) -> bool:
    """In strict mode the machine of the scenario is halted by the violation (checked once)."""
    return True


def test_every_checked_rule_has_a_broken_driver() -> None:
    assert sorted(SCENARIOS) == CHECKED


UNACCEPTABLE_REASONS = (
    re.compile(r"not part of engine part"),
    re.compile(r"\bsamples? (?:miniport |driver )?answers?\b|\bthe sample\b"),
    re.compile(r"\bnot\b[^.;]*\byet\b"),
    re.compile(r"belongs to the data path engine|until the data path exists"),
)
"""Reasons a reviewer would not accept for leaving a rule unchecked ("not ... yet" is fine for
multipoint calls only, which the simulation does not have)."""


def test_every_rule_is_checked_in_both_modes_or_has_an_acceptable_reason() -> None:
    for rule in RULES.values():
        if rule.checked:
            assert not rule.not_checked, rule.id
            assert rule.id in SCENARIOS, f"{rule.id} is checked but no broken driver triggers it"
            continue
        reason = rule.not_checked.strip().lower()
        assert len(reason) > 20, f"{rule.id}: give a reason a reviewer can judge"
        for pattern in UNACCEPTABLE_REASONS:
            if pattern.search(reason) and not (pattern.pattern.startswith("\\bnot") and "multipoint" in reason):
                raise AssertionError(f"{rule.id}: {rule.not_checked!r} is not a reason to leave it unchecked")


def test_the_reason_filter_can_fail() -> None:
    bad = (
        "a send-path rule: it belongs to the data path engine",
        "the sample miniport answers them",
        "multipoint calls are not part of engine part 1",
        "a virtual miniport that registered Co handlers is not refused yet",
    )
    for reason in bad:
        assert any(p.search(reason) for p in UNACCEPTABLE_REASONS), reason
    assert UNACCEPTABLE_REASONS[2].search("multipoint calls (NdisClAddParty) are not simulated yet")


def test_catalogue_coverage_is_what_the_note_says() -> None:
    checked_musts = [r for r in CATALOGUE_MUST_RULES if RULES[r].checked]
    print(f"\ndriver-side MUST rules of sections 1-2: {len(CATALOGUE_MUST_RULES)}, checked: {len(checked_musts)}")
    assert len(CATALOGUE_MUST_RULES) == 60
    assert all(RULES[r].not_checked for r in CATALOGUE_MUST_RULES if not RULES[r].checked)


ANSWERED = sorted(rule.id for rule in RULES.values() if rule.checked and rule.answered_with)


@pytest.mark.parametrize("rule_id", ANSWERED)
def test_a_documented_status_is_the_drivers_in_strict_mode_too(rule_id: str) -> None:
    """Outcome (a): NDIS answers the misuse with its documented status; the finding is noted
    and the machine keeps running, so the driver's failure path runs."""
    m = SCENARIOS[rule_id]("strict")
    assert rule_id in [f.rule.id for f in m.findings]
    assert m.halted is None


@pytest.mark.parametrize("rule_id", sorted(set(CHECKED) - set(ANSWERED)))
def test_strict_mode_raises_the_rule(rule_id: str) -> None:
    with pytest.raises(VerifierViolation) as caught:
        SCENARIOS[rule_id]("strict")
    finding = caught.value.finding
    assert finding.rule.id == rule_id, finding.message()
    assert isinstance(caught.value, BugCheck) == (RULES[rule_id].kind is RuleKind.BUGCHECK)
    assert m_halted_after(rule_id)
    if isinstance(caught.value, RuleBugCheck):
        assert caught.value.code == RULES[rule_id].bugcheck_code
        assert caught.value.parameters[0] == RULES[rule_id].bugcheck_parameter1


@pytest.mark.parametrize("rule_id", CHECKED)
def test_collect_mode_records_the_rule(rule_id: str) -> None:
    m = SCENARIOS[rule_id]("collect")
    ids = [f.rule.id for f in m.findings]
    assert rule_id in ids, ids
    finding = next(f for f in m.findings if f.rule.id == rule_id)
    assert finding.driver and finding.call and finding.detail
    assert finding.rule.url.startswith("https://learn.microsoft.com/windows-hardware/drivers/")
    assert finding.rule.page.startswith("rules/") and "#" in finding.rule.page
    text = finding.message()
    site_path = finding.rule.site_path
    for part in (rule_id, finding.rule.summary, finding.driver, finding.call, finding.rule.url, site_path):
        assert part in text
    assert ".md" not in text  # a link to the site, not to a file of the repository
    assert m.halted is None


def test_good_drivers_have_no_findings() -> None:
    for use_mcm in (False, True):
        m, nic = loopback_machine(verifier="strict", use_mcm=use_mcm)
        call = call_up(m)
        client.close_call(m, call)
        m.run_until_idle(audit=True)
        for name in [d.name for d in m.drivers if d.protocol is not None]:
            m.unload_driver(name)
        m.halt_adapter(nic)
        for driver in list(m.drivers):
            m.unload_driver(driver.name)
        assert m.findings == [] and m.halted is None
        assert m.drivers == [] and m.adapters == []


def test_strict_violations_halt_the_machine() -> None:
    from condis_edu import SimulationHalted

    bad = protocol_driver(role="cm", edit_cm=chars_edit(CmMakeCallHandler=hasty_make_call))
    m, _ = loopback_machine(manager=bad)
    with pytest.raises(VerifierViolation) as caught:
        client.make_call(m)
    assert m.halted is caught.value
    with pytest.raises(SimulationHalted, match=r"R2\.15"):
        m.run_until_idle()
    with pytest.raises(SimulationHalted):
        client.make_call(m)


def test_bug_check_codes() -> None:
    with pytest.raises(RuleBugCheck) as caught:
        r2_09("strict")
    assert caught.value.code == 0x7C
    with pytest.raises(RuleBugCheck) as caught:
        r1_07("strict")
    assert caught.value.code == 0xC4


_ = (mcm_miniport, STATUS_SUCCESS)


# ------------------------------------------------------------------------------- refusals change nothing
def test_collect_mode_refusals_of_the_new_checks_do_not_go_ahead() -> None:
    # R3.07: the send after NdisClCloseCall never reaches the miniport; NDIS hands it back.
    from condis_edu._library.ddi.datapath import state_of

    m = r3_07("collect")
    m.run_until_idle()
    assert state_of(m._lib).completed_by_ndis == 1  # completed by NDIS, not by the miniport
    assert m.halted is None
    # R4.05: the miniport never sees the connectionless OID.
    m, nic, call = dp_machine("collect")
    seen: list[object] = []
    nic.miniport.co.CoOidRequestHandler = lambda ctx, vc, request: seen.append(request) or NDIS_STATUS_SUCCESS
    from condis_edu.ndis import NDIS_STATUS_INVALID_OID, OID_802_3_CURRENT_ADDRESS

    assert ask_miniport(m, call, oid_request(OID_802_3_CURRENT_ADDRESS)) == NDIS_STATUS_INVALID_OID
    assert seen == [] and [f.rule.id for f in m.findings] == ["R4.05"]
    # R5.04: the Co handlers of an IM's miniport are not registered.
    m = r5_04("collect")
    assert all(mp.co is None for d in m.drivers for mp in d.miniports)
    # R1.41 and R4.30: the refused indications hand nothing to the protocol above.
    m = r1_41("collect")
    assert all(a.outstanding_receives == 0 for a in m.adapters)
    m = r4_30("collect")
    assert all(a.outstanding_receives == 0 for a in m.adapters)
