"""Bug checks and findings as the reader sees them: plain text, IPython's traceback and HTML."""

from __future__ import annotations

import dataclasses
import html
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from condis_edu import Machine
from condis_edu.errors import DriverCrashed, RuleBugCheck, VerifierViolation
from condis_edu.ndis import NDIS_STATUS_PENDING, NDIS_STATUS_SUCCESS
from condis_edu.rendering import BUGCHECK_NAMES, bugcheck_title, bugcheck_url, reports_html
from condis_edu.samples import client
from condis_edu.testing import loopback_machine, miniport_driver, protocol_driver
from condis_edu.verifier import RULES

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from docgen.rule_pages import render_all


class Links(HTMLParser):
    """Every ``<a>`` of an HTML fragment, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append(dict(attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(fragment: str) -> Links:
    parser = Links()
    parser.feed(fragment)
    parser.close()
    return parser


def pending_create_vc(MiniportAdapterContext: Any, NdisVcHandle: Any) -> tuple[int, None]:
    return NDIS_STATUS_PENDING, None


def hasty_make_call(CallMgrVcContext: Any, CallParameters: Any, NdisPartyHandle: Any) -> tuple[int, None]:
    return NDIS_STATUS_SUCCESS, None  # completes the call without activating the VC (R2.15)


def crashing_create_vc(MiniportAdapterContext: Any, NdisVcHandle: Any) -> tuple[int, None]:
    raise ZeroDivisionError("division by zero")


def raised(**edits: Any) -> BaseException:
    m, _ = loopback_machine(verifier="strict", **edits)
    with pytest.raises(Exception) as caught:
        client.make_call(m)
    return caught.value


def rule_anchors() -> set[str]:
    """``rules/<family>/#<anchor>`` of every anchor the generated rule pages define."""
    found = set()
    for name, content in render_all().items():
        for anchor in re.findall(r"\{#([a-z0-9-]+)\}", content):
            found.add(f"rules/{name.removesuffix('.md')}/#{anchor}")
    return found


def bug_0x7c() -> RuleBugCheck:
    exc = raised(miniport=miniport_driver(edit_co=lambda co: setattr(co, "CoCreateVcHandler", pending_create_vc)))
    assert isinstance(exc, RuleBugCheck)
    return exc


def test_bugcheck_names_are_windows_names() -> None:
    assert bugcheck_title(0x7C) == "BUGCODE_NDIS_DRIVER (7c)"
    assert bugcheck_title(0xC4) == "DRIVER_VERIFIER_DETECTED_VIOLATION (c4)"
    assert bugcheck_title(0x1E) == "KMODE_EXCEPTION_NOT_HANDLED (1e)"
    assert bugcheck_url(0x7C).endswith("/debugger/bug-check-0x7c--bugcode-ndis-driver")
    assert bugcheck_url(0xC4).endswith("/debugger/bug-check-0xc4--driver-verifier-detected-violation")
    assert bugcheck_url(0x1E).endswith("/debugger/bug-check-0x1e--kmode-exception-not-handled")
    assert {rule.bugcheck_code for rule in RULES.values()} <= set(BUGCHECK_NAMES)


def test_rule_bugcheck_text_html_and_traceback() -> None:
    exc = bug_0x7c()
    text = str(exc)
    assert text.splitlines()[0].startswith("R2.09 (bug check) MiniportCoCreateVc completes synchronously")
    assert "  driver: loopback_miniport" in text and "  call:   MiniportCoCreateVc" in text
    assert "rules/virtual-connections/#r2-09" in text and ".md" not in text
    assert "<" not in text  # a terminal shows no markup

    lines = exc._render_traceback_()
    assert lines[0] == "Traceback (most recent call last):"
    assert "RuleBugCheck: BUGCODE_NDIS_DRIVER (7c)" in lines
    assert any(line.strip().startswith("client.make_call(m)") for line in lines)  # the reader's own line
    assert any("frames in condis_edu hidden" in line for line in lines)
    assert not any("/condis_edu/" in line for line in lines)
    assert lines[-1].endswith("bug-check-0x7c--bugcode-ndis-driver")

    page = exc._repr_html_()
    parsed = parse(page)
    shown = " ".join("".join(parsed.text).split())
    for part in ("BUGCODE_NDIS_DRIVER (7c)", "R2.09", RULES["R2.09"].summary, "loopback_miniport", "MiniportCoCreateVc"):
        assert html.unescape(part) in shown, part
    site = [a for a in parsed.links if "data-condis-site-href" in a]
    assert [(a["href"], a["data-condis-site-href"]) for a in site] == [("rules/virtual-connections/#r2-09",) * 2]
    external = [a["href"] for a in parsed.links if a.get("target") == "_blank"]
    assert external == [RULES["R2.09"].url, bugcheck_url(0x7C)]
    assert all(a.get("rel") == "noopener" for a in parsed.links if a.get("target") == "_blank")


def test_verifier_violation_is_driver_verifiers_stop() -> None:
    exc = raised(manager=protocol_driver(role="cm", edit_cm=lambda cm: setattr(cm, "CmMakeCallHandler", hasty_make_call)))
    assert type(exc) is VerifierViolation and exc.rule_id == "R2.15"
    assert "VerifierViolation: DRIVER_VERIFIER_DETECTED_VIOLATION (c4)" in exc._render_traceback_()
    parsed = parse(exc._repr_html_())
    assert "DRIVER_VERIFIER_DETECTED_VIOLATION (c4)" in "".join(parsed.text)
    assert [a["data-condis-site-href"] for a in parsed.links if "data-condis-site-href" in a] == [
        "rules/virtual-connections/#r2-15"
    ]


def test_driver_crash_is_kmode_exception_not_handled() -> None:
    exc = raised(miniport=miniport_driver(edit_co=lambda co: setattr(co, "CoCreateVcHandler", crashing_create_vc)))
    assert isinstance(exc, DriverCrashed)
    assert "DriverCrashed: KMODE_EXCEPTION_NOT_HANDLED (1e)" in exc._render_traceback_()
    parsed = parse(exc._repr_html_())
    text = "".join(parsed.text)
    assert "KMODE_EXCEPTION_NOT_HANDLED (1e)" in text and "ZeroDivisionError" in text and "loopback_miniport" in text
    assert [a["href"] for a in parsed.links] == [bugcheck_url(0x1E)]


def test_collected_findings_render_as_a_list() -> None:
    m = Machine(verifier="collect")
    assert m.findings._repr_html_() == '<p class="condis-report-none">No verifier findings.</p>'
    assert repr(m.findings) == "[]" and m.findings == []
    bad = miniport_driver(edit_co=lambda co: setattr(co, "CoCreateVcHandler", pending_create_vc))
    m, _ = loopback_machine(verifier="collect", miniport=bad)
    client.make_call(m)
    assert [f.rule.id for f in m.findings] == ["R2.09"]
    page = m.findings._repr_html_()
    assert page.startswith('<div class="condis-reports"><p>1 verifier finding</p><ol><li>')
    assert m.findings[0]._repr_html_() in page
    assert "Verifier finding" in page and "BUGCODE" not in page  # collected: nothing stopped
    assert str(m.findings[0]) == m.findings[0].message()
    assert type(m.audit()) is type(m.findings)


def test_findings_print_as_text_and_repr_short() -> None:
    bad = miniport_driver(edit_co=lambda co: setattr(co, "CoCreateVcHandler", pending_create_vc))
    m, _ = loopback_machine(verifier="collect", miniport=bad)
    client.make_call(m)
    client.make_call(m)
    assert [f.rule.id for f in m.findings] == ["R2.09", "R2.09"]
    first = m.findings[0]

    # print(finding): the report's text, as a terminal shows it
    text = str(first)
    assert text == first.report().text()
    assert text.splitlines()[0] == f"R2.09 (bug check) {RULES['R2.09'].summary}"
    for part in ("driver: loopback_miniport", "call:   MiniportCoCreateVc", RULES["R2.09"].url,
                 "rules/virtual-connections/#r2-09"):
        assert part in text, part
    assert "Finding(" not in text and "Rule(" not in text

    # print(m.findings): a count, then each finding's text numbered and indented under it
    listed = str(m.findings).splitlines()
    assert listed[0] == "2 verifier findings"
    assert listed[1] == "1. " + text.splitlines()[0]
    assert listed[2:7] == ["   " + line for line in text.splitlines()[1:]]
    assert listed[7].startswith("2. R2.09 (bug check)")
    assert len(listed) == 1 + 2 * len(text.splitlines())
    assert "Finding(" not in str(m.findings) and "Rule(" not in str(m.findings)
    assert str(type(m.findings)()) == "[]"  # empty: one line, as a list prints

    # repr: one short line with the rule, the driver, the call and the start of the detail
    assert repr(first) == "<Finding R2.09 loopback_miniport MiniportCoCreateVc: returned NDIS_STATUS_PENDING>"
    assert repr(m.findings) == f"[{first!r}, {m.findings[1]!r}]"
    long = dataclasses.replace(first, detail="x" * 200)
    assert repr(long) == "<Finding R2.09 loopback_miniport MiniportCoCreateVc: " + "x" * 57 + "...>"
    assert "\n" not in repr(m.findings)

    # the rich form is unchanged: the list's box holds each finding's box
    assert first._repr_html_() == first.report().html()
    assert m.findings._repr_html_() == reports_html([f.report() for f in m.findings])


def test_every_rule_link_lands_on_a_generated_anchor() -> None:
    anchors = rule_anchors()
    assert len(anchors) == len(RULES)
    for rule in RULES.values():
        assert rule.site_path in anchors, rule.id
