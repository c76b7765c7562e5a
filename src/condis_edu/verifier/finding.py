"""A finding: one violation of a verifier rule, with everything needed to explain it."""

from __future__ import annotations

from dataclasses import dataclass

from condis_edu.rendering import Report, reports_html
from condis_edu.verifier.rule import Rule


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule violation."""

    rule: Rule
    driver: str
    call: str
    detail: str
    seq: int = 0

    def report(self, title: str = "", bugcheck_code: int | None = None) -> Report:
        """What this finding shows; *title* and *bugcheck_code* when it stopped the machine."""
        rule = self.rule
        return Report(
            title=title,
            rule_id=rule.id,
            kind=rule.kind.value,
            summary=rule.summary,
            driver=self.driver,
            call=self.call,
            detail=self.detail,
            docs_url=rule.url,
            docs_names=rule.applies_to,
            rule_path=rule.site_path,
            bugcheck_code=bugcheck_code,
        )

    def message(self) -> str:
        """Multi-line message: what, who, where, and where to read more."""
        return self.report().text()

    def _repr_html_(self) -> str:
        return self.report().html()

    def short(self) -> str:
        """One line, for traces."""
        return f"{self.rule.id} {self.call}: {self.detail}"

    def __str__(self) -> str:
        return self.message()


class FindingList(list[Finding]):
    """The findings of a machine: a list that shows itself as rich output in a notebook."""

    def _repr_html_(self) -> str:
        return reports_html([finding.report() for finding in self])
