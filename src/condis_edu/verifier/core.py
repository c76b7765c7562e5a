"""Findings and the Verifier that reports them.

``Verifier.report`` is the single place a rule violation is turned into behaviour:

* ``strict`` mode (the default): the violation is raised and the machine halts, as Driver
  Verifier stops the system. A rule of kind ``BUGCHECK`` (a documented system-wide failure)
  raises ``RuleBugCheck``, a ``FINDING`` raises ``VerifierViolation``.
* ``collect`` mode: the finding is recorded and the engine carries on with the documented
  fallback (usually: refuse the call with a status and change nothing). Notebooks use it
  to show several mistakes in one run.

Every finding names the rule id, its one-line summary, the driver, the DDI or handler, the
learn.microsoft.com page and our own rule page.
"""

from __future__ import annotations

from collections.abc import Sized
from typing import Literal, Protocol

from condis_edu.errors import RuleBugCheck, VerifierViolation
from condis_edu.verifier.finding import Finding, FindingList
from condis_edu.verifier.rule import RuleKind
from condis_edu.verifier.rules import RULES

VerifierMode = Literal["strict", "collect"]


class FindingRecorder(Protocol):
    """Where the verifier notes a finding in the call record (the library's ``Trace``)."""

    @property
    def enabled(self) -> bool:
        """Whether calls are being recorded at all."""

    @property
    def events(self) -> Sized:
        """What has been recorded so far (the verifier only counts it)."""

    def finding(self, driver: str, text: str) -> None:
        """Record *text* as a finding about *driver*."""


class Verifier:
    """Checks reported by the engine end up here."""

    def __init__(self, mode: VerifierMode = "strict", trace: FindingRecorder | None = None) -> None:
        if mode not in ("strict", "collect"):
            raise ValueError(f"verifier mode must be 'strict' or 'collect', not {mode!r}")
        self.mode: VerifierMode = mode
        self.findings = FindingList()
        self._trace = trace
        self.on_bugcheck: list[object] = []

    def report(self, rule_id: str, driver: str, call: str, detail: str) -> Finding:
        """Record a violation of *rule_id*; raise it in strict mode.

        Returns the finding in collect mode, so the caller can apply its fallback.
        """
        rule = RULES[rule_id]
        seq = 0
        if self._trace is not None and self._trace.enabled:
            seq = len(self._trace.events) + 1
            self._trace.finding(driver, f"{rule.id} {call}: {detail}")
        finding = Finding(rule, driver, call, detail, seq)
        self.findings.append(finding)
        if self.mode == "strict":
            if rule.kind is RuleKind.BUGCHECK:
                raise RuleBugCheck(finding)
            raise VerifierViolation(finding)
        return finding

    def note(self, rule_id: str, driver: str, call: str, detail: str) -> Finding:
        """Record a violation that NDIS answers with a documented status: never raises.

        Where NDIS documents a status for a misuse (NDIS_STATUS_NOT_ACCEPTED for deleting an
        active VC, NDIS_STATUS_BAD_VERSION for an unknown NDIS version...), the driver gets
        that status in every mode, so its failure path runs; the finding only tells the
        learner which rule the status is about.
        """
        rule = RULES[rule_id]
        seq = 0
        if self._trace is not None and self._trace.enabled:
            seq = len(self._trace.events) + 1
            self._trace.finding(driver, f"{rule.id} {call}: {detail}")
        finding = Finding(rule, driver, call, detail, seq)
        self.findings.append(finding)
        return finding

    def ids(self) -> list[str]:
        """Rule ids of the findings so far, in order."""
        return [f.rule.id for f in self.findings]
