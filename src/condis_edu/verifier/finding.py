"""A finding: one violation of a verifier rule, with everything needed to explain it."""

from __future__ import annotations

from dataclasses import dataclass

from condis_edu.verifier.rule import Rule, RuleKind


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule violation."""

    rule: Rule
    driver: str
    call: str
    detail: str
    seq: int = 0

    def message(self) -> str:
        """Multi-line message: what, who, where, and where to read more."""
        kind = "bug check" if self.rule.kind is RuleKind.BUGCHECK else "finding"
        return (
            f"{self.rule.id} ({kind}) {self.rule.summary}\n"
            f"  driver: {self.driver}\n"
            f"  call:   {self.call}\n"
            f"  detail: {self.detail}\n"
            f"  docs:   {self.rule.url}\n"
            f"  rule:   {self.rule.page}"
        )

    def short(self) -> str:
        """One line, for traces."""
        return f"{self.rule.id} {self.call}: {self.detail}"

    def __str__(self) -> str:
        return self.message()
