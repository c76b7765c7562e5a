"""What a verifier rule is: its kind, family, pages, and the helper the catalogues are written with."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

from condis_edu.rendering import rule_site_path

DDI_BASE: Final = "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/"
"""Where Microsoft documents the NDIS DDIs and handlers."""
NET_BASE: Final = "https://learn.microsoft.com/windows-hardware/drivers/network/"
"""Where Microsoft documents NDIS concepts (the network driver design guide)."""



class RuleKind(enum.Enum):
    """What the real system does when the rule is broken."""

    BUGCHECK = "bug check"
    """A documented system-wide failure (or a published bug check): the machine halts."""
    FINDING = "finding"
    """A documented requirement NDIS itself may not catch; the verifier reports it."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One verifier rule."""

    id: str
    family: str
    summary: str
    kind: RuleKind
    applies_to: tuple[str, ...]
    url: str
    source: str
    checked: bool = True
    not_checked: str = ""
    bugcheck_code: int = 0xC4
    bugcheck_parameter1: int = 0
    """Parameter 1 of the bug check (for 0x7C, the NDIS_BUGCHECK_* subcode); 0 when not modelled."""
    answered_with: str = ""
    """The status NDIS documents for this misuse. The driver gets it in every verifier mode and
    the finding never halts the machine, so the driver's failure path runs (outcome (a) of
    docs/reference/harness.md)."""

    @property
    def anchor(self) -> str:
        """Anchor of the rule on its family page, e.g. ``r2-09``."""
        return anchor(self.id)

    @property
    def page(self) -> str:
        """Our own rule page, relative to the docs root: ``rules/<family>.md#<anchor>``."""
        return f"rules/{self.family}.md#{self.anchor}"

    @property
    def site_path(self) -> str:
        """The rule's section on the built site, from the site's root: ``rules/<family>/#<anchor>``."""
        return rule_site_path(self.family, self.anchor)


FAMILIES: Final = {
    "registration": "Registration",
    "virtual-connections": "Virtual connections and calls",
    "data-path": "Data path: sends, receives and NBL ownership",
    "oids-status-reset": "OID requests, status indications and reset",
    "adapter-states": "Adapter states, pause and restart",
    "completions": "Completions and obligations",
}
"""Family slug -> page title (one generated page per family)."""


def anchor(rule_id: str) -> str:
    """The Markdown anchor of *rule_id*: ``R2.09`` -> ``r2-09``."""
    return rule_id.lower().replace(".", "-")


def _family(rule_id: str) -> str:
    if rule_id.startswith("R1."):
        return "registration"
    if rule_id.startswith("R2."):
        return "virtual-connections"
    if rule_id.startswith("R3."):
        return "data-path"
    if rule_id.startswith("R4."):
        return "oids-status-reset"
    if rule_id.startswith(("R5.", "R6.")):
        return "adapter-states"
    return "completions"


_BASES: Final = {
    "net": NET_BASE,
    "nbl": "https://learn.microsoft.com/windows-hardware/drivers/ddi/nbl/",
    "dev": "https://learn.microsoft.com/windows-hardware/drivers/devtest/",
    "dbg": "https://learn.microsoft.com/windows-hardware/drivers/debugger/",
}


def _url(key: str) -> str:
    kind, _, name = key.partition(":")
    name = name.removesuffix(".md")
    return _BASES.get(kind, DDI_BASE) + name


def _r(
    rule_id: str,
    summary: str,
    applies: str,
    source: str,
    kind: RuleKind = RuleKind.FINDING,
    not_checked: str = "",
    code: int = 0xC4,
    parameter1: int = 0,
) -> Rule:
    first = source.split(";")[0].strip()
    return Rule(
        rule_id,
        _family(rule_id),
        summary,
        kind,
        tuple(applies.split()),
        _url(first),
        source,
        not not_checked,
        not_checked,
        code,
        parameter1,
    )
