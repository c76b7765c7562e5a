"""A finding: one violation of a verifier rule, with everything needed to explain it.

A finding shows itself three ways: ``str()`` is the plain text a terminal prints (the rule, its
summary, the driver, the call, the detail and the links), ``repr()`` one short line that names
the rule, the driver and the call, and ``_repr_html_`` the box a notebook shows. A
``FindingList`` prints its findings numbered, as the notebook's box lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from condis_edu.rendering import Report, reports_html
from condis_edu.verifier.rule import Rule

REPR_DETAIL: Final = 60
"""Characters of the detail a finding's ``repr`` keeps (the rest is cut, marked ``...``)."""


@dataclass(frozen=True, slots=True, repr=False)
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

    def __repr__(self) -> str:
        detail = self.detail if len(self.detail) <= REPR_DETAIL else self.detail[: REPR_DETAIL - 3] + "..."
        return f"<Finding {self.rule.id} {self.driver} {self.call}: {detail}>"


class FindingList(list[Finding]):
    """The findings of a machine: a list that shows itself as rich output in a notebook.

    ``print()`` shows each finding's text, numbered under a count, as the notebook's box does;
    an empty list prints as ``[]``, so ``print("findings:", m.findings)`` stays one line.
    ``repr()`` is the list's, made of the findings' short reprs.
    """

    def __str__(self) -> str:
        if not self:
            return "[]"
        lines = [f"{len(self)} verifier finding{'s' if len(self) != 1 else ''}"]
        for number, finding in enumerate(self, 1):
            first, *rest = finding.report().lines()
            marker = f"{number}. "
            lines.append(marker + first)
            lines.extend(" " * len(marker) + line for line in rest)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return reports_html([finding.report() for finding in self])
