"""Two traces side by side: the learner's and the reference driver's, first divergence marked.

A failing check says *what* went wrong in one sentence; the traces show *where*. Both traces come
from the same check run twice on fresh machines, once with the learner's submission and once with
the exercise's reference, so they agree line for line until the learner's code does something else.

Lines are compared without their sequence number and time (those shift as soon as one extra call
happens) and are aligned with :mod:`difflib`, so a missing call shows as a gap on one side rather
than shifting every later line out of place.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from condis_edu._library.trace import WORK_ITEM_DDIS, Trace
from condis_edu.exercises._markup import inline_html

__all__ = ["DiffRow", "TraceComparison", "compare_lines", "compare_traces", "trace_lines"]

Tag = Literal["same", "changed", "yours-only", "reference-only"]

_PREFIX: Final = re.compile(r"^\s*\d+ t=\d+\s?")
CONTEXT_BEFORE: Final = 3
"""Matching lines shown before the first divergence."""
SHOWN_AFTER: Final = 10
"""Rows shown from the first divergence on."""


def trace_lines(trace: Trace) -> list[str]:
    """The trace as text lines without sequence numbers and times, work-item bookkeeping left out."""
    return [_PREFIX.sub("", line).rstrip() for line in trace.to_text(hide=WORK_ITEM_DDIS).splitlines()]


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One row of the comparison: a line of each trace (``None`` where that side has no line)."""

    yours: str | None
    reference: str | None
    tag: Tag


@dataclass(frozen=True, slots=True)
class TraceComparison:
    """The learner's trace against the reference's, aligned."""

    rows: tuple[DiffRow, ...]
    check: str
    """The check whose run both traces come from."""

    @property
    def first_divergence(self) -> int | None:
        """Index in ``rows`` of the first row where the traces differ (``None``: they agree)."""
        return next((i for i, r in enumerate(self.rows) if r.tag != "same"), None)

    def window(self) -> tuple[int, int]:
        """The rows worth showing: a little context, then the divergence and what follows it."""
        first = self.first_divergence
        if first is None:
            return (max(0, len(self.rows) - CONTEXT_BEFORE), len(self.rows))
        return (max(0, first - CONTEXT_BEFORE), min(len(self.rows), first + SHOWN_AFTER))

    def to_text(self) -> str:
        """The shown rows as plain text, ``>>`` marking the first divergence."""
        start, stop = self.window()
        first = self.first_divergence
        out = []
        for i in range(start, stop):
            row = self.rows[i]
            mark = ">>" if i == first else ("  " if row.tag == "same" else " *")
            out.append(f"{mark} {row.yours or '—'}  |  {row.reference or '—'}")
        return "\n".join(out)

    def to_html(self) -> str:
        """Two columns (one on narrow screens), the first divergence marked, other differences highlighted."""
        start, stop = self.window()
        first = self.first_divergence
        rows = []
        if start:
            rows.append(f'<li class="condis-diff__skip">… {start} matching lines before this</li>')
        for i in range(start, stop):
            row = self.rows[i]
            first_attr = ' data-first="true"' if i == first else ""
            marker = '<span class="condis-diff__first">first difference</span>' if i == first else ""
            rows.append(
                f'<li class="condis-diff__row" data-diff="{row.tag}"{first_attr}>{marker}'
                f'{_cell("yours", "Yours", row.yours)}{_cell("reference", "Reference", row.reference)}</li>'
            )
        if stop < len(self.rows):
            rows.append(f'<li class="condis-diff__skip">… {len(self.rows) - stop} more lines</li>')
        verdict = (
            "Both traces agree; the difference is in what the check looked at afterwards."
            if first is None
            else "The first line where your driver and the reference driver part ways is marked."
        )
        return (
            '<div class="condis-diff" hidden>'
            f'<p class="condis-diff__title"><strong>Your trace beside the reference driver\'s</strong> '
            f"(the run of “{inline_html(self.check)}”). {verdict}</p>"
            '<div class="condis-diff__head" aria-hidden="true">'
            "<span>Your driver</span><span>Reference driver</span></div>"
            f'<ol class="condis-diff__rows">{"".join(rows)}</ol></div>'
        )


def _cell(side: str, label: str, text: str | None) -> str:
    body = html.escape(text) if text is not None else '<span class="condis-diff__gap">(no line)</span>'
    return (
        f'<div class="condis-diff__cell" data-side="{side}">'
        f'<span class="condis-diff__label">{label}: </span><code>{body}</code></div>'
    )




def compare_lines(yours: Sequence[str], reference: Sequence[str], check: str = "") -> TraceComparison:
    """Align two lists of trace lines; ``tag`` says how each row differs."""
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=list(yours), b=list(reference), autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            rows.extend(DiffRow(yours[a0 + k], reference[b0 + k], "same") for k in range(a1 - a0))
        elif op == "replace":
            for k in range(max(a1 - a0, b1 - b0)):
                y = yours[a0 + k] if a0 + k < a1 else None
                r = reference[b0 + k] if b0 + k < b1 else None
                tag: Tag = "reference-only" if y is None else "yours-only" if r is None else "changed"
                rows.append(DiffRow(y, r, tag))
        elif op == "delete":
            rows.extend(DiffRow(yours[k], None, "yours-only") for k in range(a0, a1))
        else:  # insert
            rows.extend(DiffRow(None, reference[k], "reference-only") for k in range(b0, b1))
    return TraceComparison(tuple(rows), check)


def compare_traces(yours: Trace, reference: Trace, check: str = "") -> TraceComparison:
    """:func:`compare_lines` on two traces' :func:`trace_lines`."""
    return compare_lines(trace_lines(yours), trace_lines(reference), check)
