"""The SVG charts: accessible, CSP-safe, and numbers that stay numbers in every language."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from reporting import charts


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def fmt(value) -> str:
    return f"{value:g} h"


def test_bars_carry_title_description_and_a_table():
    chart = charts.horizontal_bars(
        slug="demo",
        title="Hours by cause",
        rows=[("Education", 17.5), ("Environment", 3.5), ("Empty", 0)],
        fmt=fmt,
        colour="#1f5f8b",
        value_header="Hours",
    )
    svg = str(chart.svg())
    assert 'role="img"' in svg and 'aria-labelledby="chart-demo-title chart-demo-desc"' in svg
    assert '<title id="chart-demo-title">Hours by cause</title>' in svg
    assert "largest: Education (17.5 h)" in chart.description
    assert chart.table_rows == [["Education", "17.5 h"], ["Environment", "3.5 h"]]
    assert "<style" not in svg and "<script" not in svg and "style=" not in svg


def test_longest_bar_fills_the_plot_and_others_scale():
    chart = charts.horizontal_bars(
        slug="s", title="t", rows=[("a", 10), ("b", 5)], fmt=fmt, colour="#000", value_header="h"
    )
    assert chart.bars[0].width == 2 * chart.bars[1].width


def test_many_categories_are_folded_into_other():
    rows = [(f"c{i}", 20 - i) for i in range(15)]
    chart = charts.horizontal_bars(
        slug="s", title="t", rows=rows, fmt=fmt, colour="#000", value_header="h", limit=5
    )
    assert [bar.label for bar in chart.bars][-1] == "Other"
    assert sum(bar.value for bar in chart.bars) == sum(v for _l, v in rows)


def test_empty_charts_say_so():
    chart = charts.monthly_columns(
        slug="m",
        title="t",
        months=["Jan", "Feb"],
        current=[0, 0],
        previous=[0, 0],
        fmt=fmt,
        colour="#000",
        current_label="now",
        previous_label="before",
    )
    assert chart.empty and "No data" in chart.description


def test_coordinates_are_not_localised_in_french():
    with translation.override("fr"):
        chart = charts.monthly_columns(
            slug="m",
            title="t",
            months=["janv.", "févr.", "mars"],
            current=[1.5, 2.25, 7],
            previous=[3, 0, 1],
            fmt=fmt,
            colour="#000",
            current_label="now",
            previous_label="before",
        )
        svg = str(chart.svg())
    assert not re.search(r'(x|y|width|height)="-?\d+,\d', svg)
