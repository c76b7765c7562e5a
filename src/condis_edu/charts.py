"""Small charts for notebooks: inline SVG written by pure Python (it must run in Pyodide too).

A chart is an object with ``_repr_html_``, so a notebook cell that ends with one shows it, in
Jupyter, at build time and live in the browser alike::

    from condis_edu.charts import BarChart

    BarChart("NBLs per second", ["1", "8", "64"], {"engine": [1e5, 4e5, 6e5], "floor": [9e5, 2e6, 3e6]})

Nothing here measures anything: the numbers come from the caller (for example
``condis_edu.bench.measure.run``). The output depends only on them, so a chart of fixed data is
byte-for-byte the same everywhere.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

__all__ = ["BarChart", "format_number"]

PALETTE = ("#3f51b5", "#ff9800", "#009688", "#e91e63")
"""Series colours, in order (Material indigo, orange, teal, pink)."""


def format_number(value: float) -> str:
    """A short human form: ``950``, ``12.3k``, ``4.56M``.

    >>> format_number(950), format_number(12_345), format_number(4_560_000)
    ('950', '12.3k', '4.56M')
    """
    magnitude = abs(value)
    if magnitude >= 1_000_000:
        return f"{value / 1_000_000:.3g}M"
    if magnitude >= 1_000:
        return f"{value / 1_000:.3g}k"
    return f"{value:.3g}"


class BarChart:
    """Grouped vertical bars: one group per label, one bar per series in each group.

    Args:
        title: shown above the chart.
        labels: the groups, left to right (e.g. chain lengths).
        series: series name -> one value per label (all values >= 0).
        x_title: what the labels are (shown under the axis).
        unit: appended to the value printed above each bar.
    """

    def __init__(
        self,
        title: str,
        labels: Sequence[str],
        series: Mapping[str, Sequence[float]],
        *,
        x_title: str = "",
        unit: str = "",
    ) -> None:
        if not labels:
            raise ValueError("a chart needs at least one label")
        if not series:
            raise ValueError("a chart needs at least one series")
        for name, values in series.items():
            if len(values) != len(labels):
                raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")
            if any(v < 0 for v in values):
                raise ValueError(f"series {name!r} has a negative value")
        self.title = title
        self.labels = [str(label) for label in labels]
        self.series = {name: [float(v) for v in values] for name, values in series.items()}
        self.x_title = x_title
        self.unit = unit

    def to_svg(self) -> str:
        """The chart as a standalone ``<svg>`` element."""
        bar_w, gap, group_gap = 34, 4, 30
        left, top, bottom, plot_h = 20, 46, 44, 180
        n_series = len(self.series)
        group_w = n_series * bar_w + (n_series - 1) * gap
        width = left * 2 + len(self.labels) * group_w + (len(self.labels) - 1) * group_gap
        width = max(width, 360)
        height = top + plot_h + bottom
        peak = max((v for values in self.series.values() for v in values), default=0.0) or 1.0
        esc = html.escape
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{esc(self.title, quote=True)}" '
            'font-family="sans-serif" font-size="11">',
            f"<title>{esc(self.title)}</title>",
            f'<text x="{width / 2:.0f}" y="16" text-anchor="middle" font-size="13" font-weight="bold" '
            f'fill="currentColor">{esc(self.title)}</text>',
        ]
        # legend
        x = left
        for i, name in enumerate(self.series):
            colour = PALETTE[i % len(PALETTE)]
            parts.append(f'<rect x="{x}" y="26" width="10" height="10" fill="{colour}"/>')
            parts.append(f'<text x="{x + 14}" y="35" fill="currentColor">{esc(name)}</text>')
            x += 14 + 7 * len(name) + 16
        base = top + plot_h
        parts.append(
            f'<line x1="{left}" y1="{base}" x2="{width - left}" y2="{base}" stroke="currentColor" stroke-width="1"/>'
        )
        for g, label in enumerate(self.labels):
            gx = left + g * (group_w + group_gap) + (width - 2 * left - self._span(group_w, group_gap)) / 2
            for i, (name, values) in enumerate(self.series.items()):
                value = values[g]
                h = plot_h * value / peak
                bx = gx + i * (bar_w + gap)
                colour = PALETTE[i % len(PALETTE)]
                parts.append(
                    f'<rect x="{bx:.1f}" y="{base - h:.1f}" width="{bar_w}" height="{h:.1f}" fill="{colour}">'
                    f"<title>{esc(name)}, {esc(label)}: {esc(format_number(value))}{esc(self.unit)}</title></rect>"
                )
                parts.append(
                    f'<text x="{bx + bar_w / 2:.1f}" y="{base - h - 3:.1f}" text-anchor="middle" '
                    f'font-size="9" fill="currentColor">{esc(format_number(value))}</text>'
                )
            parts.append(
                f'<text x="{gx + group_w / 2:.1f}" y="{base + 15}" text-anchor="middle" '
                f'fill="currentColor">{esc(label)}</text>'
            )
        if self.x_title:
            parts.append(
                f'<text x="{width / 2:.0f}" y="{base + 34}" text-anchor="middle" '
                f'fill="currentColor">{esc(self.x_title)}</text>'
            )
        parts.append("</svg>")
        return "".join(parts)

    def _span(self, group_w: int, group_gap: int) -> int:
        return len(self.labels) * group_w + (len(self.labels) - 1) * group_gap

    def _repr_html_(self) -> str:
        return f'<div class="condis-chart">{self.to_svg()}</div>'

    def __repr__(self) -> str:
        rows = [self.title]
        for name, values in self.series.items():
            cells = ", ".join(f"{label}: {format_number(v)}" for label, v in zip(self.labels, values, strict=True))
            rows.append(f"  {name}: {cells}")
        return "\n".join(rows)
