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

from typing import TYPE_CHECKING, Literal

from condis_edu.errors import RuleBugCheck, VerifierViolation
from condis_edu.verifier.finding import Finding
from condis_edu.verifier.rule import RuleKind
from condis_edu.verifier.rules import RULES

if TYPE_CHECKING:
    from condis_edu._library.trace import Trace

VerifierMode = Literal["strict", "collect"]


class Verifier:
    """Checks reported by the engine end up here."""

    def __init__(self, mode: VerifierMode = "strict", trace: Trace | None = None) -> None:
        if mode not in ("strict", "collect"):
            raise ValueError(f"verifier mode must be 'strict' or 'collect', not {mode!r}")
        self.mode: VerifierMode = mode
        self.findings: list[Finding] = []
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

    def ids(self) -> list[str]:
        """Rule ids of the findings so far, in order."""
        return [f.rule.id for f in self.findings]
