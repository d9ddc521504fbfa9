"""Server-rendered SVG charts: geometry computed here, drawn by small SVG templates.

The charts carry a <title> and <desc> and come with the data as a table, so a screen reader
(or a printed page) loses nothing. They use presentation attributes only (no <style>, no
script), so they pass the site's strict CSP inline in a page and render the same in
WeasyPrint.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

PREVIOUS_COLOUR = "#8a96a3"
TEXT_COLOUR = "#1c2430"
GRID_COLOUR = "#d5dbe1"


@dataclass
class Bar:
    label: str
    value: float
    text: str
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    colour: str = ""
    label_x: float = 0
    label_y: float = 0
    text_x: float = 0


@dataclass
class Tick:
    y: float
    text: str


@dataclass
class Chart:
    """Everything a chart template and its data-table fallback need."""

    slug: str
    title: str
    description: str
    kind: str  # "hbar" or "columns"
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    axis_labels: list[Bar] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    table_headers: list[str] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)
    plot_left: float = 0
    plot_right: float = 0
    plot_bottom: float = 0
    empty: bool = False

    @property
    def middle(self) -> float:
        return self.width / 2

    def svg(self) -> SafeString:
        return render_to_string(f"reporting/charts/{self.kind}.svg", {"chart": self})


def _nice_max(value: float) -> float:
    """A round upper bound for an axis (1, 2, 2.5, 5 times 10^n)."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _truncate(label: str, length: int) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"


def horizontal_bars(
    *,
    slug: str,
    title: str,
    rows: Sequence[tuple[str, float]],
    fmt: Callable[[float], str],
    colour: str,
    value_header: str,
    width: int = 640,
    limit: int = 12,
) -> Chart:
    """One bar per row, longest first as given; rows past `limit` are summed as "Other"."""
    rows = [(label, value) for label, value in rows if value]
    if len(rows) > limit:
        rest = sum(value for _label, value in rows[limit - 1 :])
        rows = [*rows[: limit - 1], (_("Other"), rest)]
    row_height, label_width, right_pad = 30, 210, 90
    chart = Chart(
        slug=slug,
        title=title,
        description="",
        kind="hbar",
        width=width,
        height=max(row_height * len(rows) + 10, 60),
        table_headers=["", value_header],
    )
    if not rows:
        chart.empty = True
        chart.description = _("No data for this period.")
        return chart
    top = max(value for _label, value in rows)
    usable = width - label_width - right_pad
    for i, (label, value) in enumerate(rows):
        y = 5 + i * row_height
        bar_width = max(usable * value / top, 2) if top else 0
        chart.bars.append(
            Bar(
                label=_truncate(label, 30),
                value=value,
                text=fmt(value),
                x=label_width,
                y=y + 4,
                width=round(bar_width, 1),
                height=row_height - 10,
                colour=colour,
                label_x=label_width - 8,
                label_y=y + row_height / 2 + 4,
                text_x=round(label_width + bar_width + 6, 1),
            )
        )
        chart.table_rows.append([label, fmt(value)])
    best = max(rows, key=lambda r: r[1])  # the first of equals, as before
    chart.description = _("%(n)s categories; largest: %(label)s (%(value)s).") % {
        "n": len(rows),
        "label": best[0],
        "value": fmt(best[1]),
    }
    return chart


def monthly_columns(
    *,
    slug: str,
    title: str,
    months: Sequence[str],
    current: Sequence[float],
    previous: Sequence[float],
    fmt: Callable[[float], str],
    colour: str,
    current_label: str,
    previous_label: str,
    width: int = 640,
    height: int = 240,
) -> Chart:
    """Paired columns per month: this period against the same month of the previous one."""
    right, top_pad, bottom = 10, 28, 28
    peak = max([*current, *previous, 0])
    axis_max = _nice_max(peak)
    # Room for the longest axis label (about 6.5 px a character at 11 px).
    left = max(48, round(6.5 * max(len(fmt(axis_max * i / 4)) for i in range(5))) + 12)
    chart = Chart(
        slug=slug,
        title=title,
        description="",
        kind="columns",
        width=width,
        height=height,
        legend=[(colour, current_label), (PREVIOUS_COLOUR, previous_label)],
        table_headers=["", current_label, previous_label],
        plot_left=left,
        plot_right=width - right,
        plot_bottom=height - bottom,
    )
    plot_height = height - top_pad - bottom
    for i in range(5):
        value = axis_max * i / 4
        chart.ticks.append(Tick(y=round(height - bottom - plot_height * i / 4, 1), text=fmt(value)))
    slot = (width - left - right) / max(len(months), 1)
    column = max(min(slot * 0.36, 22), 2)
    for i, month in enumerate(months):
        x0 = left + i * slot + (slot - 2 * column - 2) / 2
        for j, (series, series_colour) in enumerate(
            ((previous, PREVIOUS_COLOUR), (current, colour))
        ):
            value = series[i] if i < len(series) else 0
            bar_height = plot_height * value / axis_max if axis_max else 0
            chart.bars.append(
                Bar(
                    label=month,
                    value=value,
                    text=fmt(value),
                    x=round(x0 + j * (column + 2), 1),
                    y=round(height - bottom - bar_height, 1),
                    width=round(column, 1),
                    height=round(bar_height, 1),
                    colour=series_colour,
                )
            )
        chart.axis_labels.append(
            Bar(label=month, value=0, text=month, label_x=round(left + i * slot + slot / 2, 1))
        )
        chart.table_rows.append(
            [
                month,
                fmt(current[i] if i < len(current) else 0),
                fmt(previous[i] if i < len(previous) else 0),
            ]
        )
    chart.empty = peak == 0
    total_now, total_before = sum(current), sum(previous)
    if chart.empty:
        chart.description = _("No data for this period.")
        return chart
    chart.description = _(
        "%(months)s months. Total %(now)s against %(before)s in the previous period."
    ) % {"months": len(months), "now": fmt(total_now), "before": fmt(total_before)}
    return chart
