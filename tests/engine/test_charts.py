"""The pure-Python SVG bar chart used by the send-path notebook's live benchmark."""

from __future__ import annotations

import pytest

from condis_edu.charts import BarChart, format_number


def chart() -> BarChart:
    return BarChart(
        "NBLs <per> second",
        ["1", "8", "64"],
        {"engine": [1e5, 4e5, 6e5], "floor": [9e5, 2e6, 3e6]},
        x_title="chain",
        unit=" NBL/s",
    )


def test_html_is_an_inline_svg_and_deterministic() -> None:
    html = chart()._repr_html_()
    assert html.startswith('<div class="condis-chart"><svg ') and html.endswith("</svg></div>")
    assert html == chart()._repr_html_()
    assert html.count("<rect") == 2 + 6  # legend swatches, then one bar per value
    assert "NBLs &lt;per&gt; second" in html and "<per>" not in html
    assert "3M" in html and "floor, 64: 3M NBL/s" in html


def test_tallest_bar_fills_the_plot() -> None:
    svg = chart().to_svg()
    assert 'height="180.0"' in svg  # the peak value (3e6) gets the full plot height


def test_repr_is_a_text_summary() -> None:
    assert repr(chart()).splitlines() == [
        "NBLs <per> second",
        "  engine: 1: 100k, 8: 400k, 64: 600k",
        "  floor: 1: 900k, 8: 2M, 64: 3M",
    ]


def test_all_zero_values_do_not_divide_by_zero() -> None:
    assert "<svg" in BarChart("empty", ["a"], {"s": [0.0]}).to_svg()


@pytest.mark.parametrize(
    ("labels", "series"),
    [([], {"s": []}), (["a"], {}), (["a", "b"], {"s": [1.0]}), (["a"], {"s": [-1.0]})],
)
def test_bad_data_is_refused(labels: list[str], series: dict[str, list[float]]) -> None:
    with pytest.raises(ValueError):
        BarChart("t", labels, series)


def test_format_number() -> None:
    assert [format_number(v) for v in (0, 950, 1_000, 12_345, 4_560_000)] == ["0", "950", "1k", "12.3k", "4.56M"]
