"""Turning a metrics snapshot into what people read: formatted KPI tiles, charts, tables.

Shared by the dashboard and the PDF so both say the same thing; everything is computed from
the JSON snapshot alone (an archived report re-renders identically from it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.money import format_money
from reporting import charts
from reporting.periods import Period


def _locale() -> str:
    return {"fr": "fr_FR", "en": "en_GB"}.get((translation.get_language() or "fr")[:2], "fr_FR")


def fmt_int(value) -> str:
    return format_decimal(value or 0, format="#,##0", locale=_locale())


def fmt_hours(value) -> str:
    return _("%(n)s h") % {"n": format_decimal(value or 0, format="#,##0.#", locale=_locale())}


def fmt_days(value) -> str:
    return _("%(n)s d") % {"n": format_decimal(value or 0, format="#,##0.#", locale=_locale())}


def fmt_percent(ratio) -> str:
    if ratio is None:
        return "\N{EN DASH}"
    return format_percent(ratio, format="#,##0 %", locale=_locale())


def fmt_score(value) -> str:
    if value is None:
        return "\N{EN DASH}"
    return _("%(n)s / 5") % {"n": format_decimal(value, format="0.0", locale=_locale())}


def money_formatter(currency: str):
    def fmt(cents) -> str:
        return format_money(round(cents or 0), currency, locale=_locale())

    return fmt


def whole_money_formatter(currency: str):
    """Money without cents, for big figures and chart axes, in the locale's own pattern."""
    from babel import Locale
    from babel.numbers import format_currency

    locale = _locale()
    pattern = Locale.parse(locale).currency_formats["standard"].pattern.replace(".00", "")

    def fmt(cents) -> str:
        return format_currency(
            round((cents or 0) / 100),
            currency,
            format=pattern,
            locale=locale,
            currency_digits=False,
        )

    return fmt


def month_label(key: str, *, long: bool = False) -> str:
    year, month = key.split("-")
    return format_date(
        dt.date(int(year), int(month), 1), "MMMM y" if long else "MMM", locale=_locale()
    )


def period_of(metrics: dict) -> Period:
    return Period.from_dict(metrics["period"])


def previous_period_of(metrics: dict) -> Period:
    return Period.from_dict(metrics["previous_period"])


@dataclass
class Tile:
    key: str
    label: str
    value: str
    previous: str
    change: float | None
    change_text: str
    trend: str  # up, down, flat or none
    note: str = ""


# (key in kpis, label, formatter kind, note)
TILES = [
    (
        "participation_rate",
        gettext_lazy("Participation"),
        "percent",
        gettext_lazy("of employees took part"),
    ),
    (
        "volunteers",
        gettext_lazy("Volunteers"),
        "int",
        gettext_lazy("attended at least one session"),
    ),
    ("hours", gettext_lazy("Hours given"), "hours", gettext_lazy("attended, all mission kinds")),
    (
        "skills_valuation_cents",
        gettext_lazy("Skills sponsorship value"),
        "money",
        gettext_lazy("hours at cost price (pay data or the hourly rate)"),
    ),
    (
        "donations_cents",
        gettext_lazy("Employee donations"),
        "money",
        gettext_lazy("payroll round-up and card"),
    ),
    ("matches_cents", gettext_lazy("Company matching"), "money", gettext_lazy("matched gifts")),
    (
        "total_to_associations_cents",
        gettext_lazy("Total to associations"),
        "money",
        gettext_lazy("employees' gifts + company matching"),
    ),
    (
        "associations_supported",
        gettext_lazy("Associations supported"),
        "int",
        gettext_lazy("with time or money"),
    ),
    ("satisfaction_avg", gettext_lazy("Satisfaction"), "score", gettext_lazy("average of surveys")),
]


def formatter(kind: str, currency: str):
    return {
        "percent": fmt_percent,
        "int": fmt_int,
        "hours": fmt_hours,
        "days": fmt_days,
        # To the cent: tiles, trend rows and sentences state totals and their parts, and
        # whole-unit rounding of each would not add up.
        "money": money_formatter(currency),
        "score": fmt_score,
    }[kind]


def kpi_tiles(metrics: dict) -> list[Tile]:
    tiles = []
    for key, label, kind, note in TILES:
        fmt = formatter(kind, metrics["currency"])
        now, before = metrics["kpis"][key], metrics["previous"][key]
        change = metrics["changes"].get(key)
        if change is None:
            change_text, trend = _("no comparison"), "none"
        else:
            sign = "+" if change > 0 else ""
            change_text = f"{sign}{fmt_percent(change)}"
            trend = "up" if change > 0 else "down" if change < 0 else "flat"
        tiles.append(
            Tile(
                key=key,
                label=str(label),
                value=fmt(now),
                previous=fmt(before),
                change=change,
                change_text=change_text,
                trend=trend,
                note=str(note),
            )
        )
    return tiles


def period_note(metrics: dict) -> str:
    """What the figures cover and what they are compared with, saying so when partial."""
    period, previous = period_of(metrics), previous_period_of(metrics)
    if not period.is_partial:
        return _("Figures for %(period)s, compared with %(previous)s.") % {
            "period": period.label,
            "previous": previous.label,
        }
    from django.utils.formats import date_format

    return _(
        "Partial period: figures from %(span)s, the period ends on %(end)s. Compared with the "
        "same span of the previous period, %(previous)s."
    ) % {
        "span": period.span_label,
        "end": date_format(period.whole.last_day, "DATE_FORMAT"),
        "previous": previous.span_label,
    }


def key_messages(metrics: dict) -> list[str]:
    """Three to six plain sentences an executive can repeat."""
    from reporting.figures import money_breakdowns

    k, money = metrics["kpis"], money_formatter(metrics["currency"])
    breakdowns = money_breakdowns(metrics)
    messages = []
    if k["headcount"]:
        messages.append(
            _("%(rate)s of our %(headcount)s employees took part (%(n)s people).")
            % {
                "rate": fmt_percent(k["participation_rate"]),
                "headcount": fmt_int(k["headcount"]),
                "n": fmt_int(k["participants"]),
            }
        )
    if k["hours"]:
        messages.append(
            _("%(volunteers)s volunteers gave %(hours)s in %(sessions)s sessions.")
            % {
                "volunteers": fmt_int(k["volunteers"]),
                "hours": fmt_hours(k["hours"]),
                "sessions": fmt_int(k["sessions"]),
            }
        )
    if k.get("self_reported_hours"):
        messages.append(
            _("%(n)s employees also gave %(hours)s on their own, approved by the associations.")
            % {
                "n": fmt_int(k["self_reported_volunteers"]),
                "hours": fmt_hours(k["self_reported_hours"]),
            }
        )
    if k["skills_valuation_cents"]:
        messages.append(
            _("Skills sponsorship represents %(value)s of expertise given (%(hours)s).")
            % {"value": money(k["skills_valuation_cents"]), "hours": fmt_hours(k["skills_hours"])}
        )
    if k["total_to_associations_cents"]:
        messages.append(breakdowns["to_associations"].sentence(money) + ".")
    if k["donations_cents"]:
        messages.append(
            ngettext(
                "%(n)s employee gave from their own pocket: leverage, not company contribution.",
                "%(n)s employees gave from their own pocket: leverage, not company contribution.",
                k["donors"],
            )
            % {"n": fmt_int(k["donors"])}
        )
    if breakdowns["company_contribution"].total:
        messages.append(breakdowns["company_contribution"].sentence(money) + ".")
    change = metrics["changes"].get("hours")
    if change is not None:
        messages.append(
            _("Time given changed by %(change)s against the previous period.")
            % {"change": ("+" if change > 0 else "") + fmt_percent(change)}
        )
    if not messages:
        messages.append(_("No engagement was recorded for this period yet."))
    return messages


def build_charts(metrics: dict, colour: str) -> dict[str, charts.Chart]:
    money = whole_money_formatter(metrics["currency"])
    months = [row["month"] for row in metrics["by_month"]]
    return {
        "hours_by_month": charts.monthly_columns(
            slug="hours-by-month",
            title=_("Hours given per month"),
            months=[month_label(m) for m in months],
            current=[row["hours"] for row in metrics["by_month"]],
            previous=[row["previous_hours"] for row in metrics["by_month"]],
            fmt=fmt_hours,
            colour=colour,
            current_label=_("This period"),
            previous_label=_("Previous period"),
        ),
        "donations_by_month": charts.monthly_columns(
            slug="donations-by-month",
            title=_("Employee donations per month"),
            months=[month_label(m) for m in months],
            current=[row["donations_cents"] for row in metrics["by_month"]],
            previous=[row["previous_donations_cents"] for row in metrics["by_month"]],
            fmt=money,
            colour=colour,
            current_label=_("This period"),
            previous_label=_("Previous period"),
        ),
        "hours_by_kind": charts.horizontal_bars(
            slug="hours-by-kind",
            title=_("Hours by mission kind"),
            rows=[(row["label"], row["hours"]) for row in metrics["hours_by_kind"]],
            fmt=fmt_hours,
            colour=colour,
            value_header=_("Hours"),
        ),
        "hours_by_cause": charts.horizontal_bars(
            slug="hours-by-cause",
            title=_("Hours by cause"),
            rows=[(row["label"], row["hours"]) for row in metrics["by_cause"]],
            fmt=fmt_hours,
            colour=colour,
            value_header=_("Hours"),
        ),
        "money_by_cause": charts.horizontal_bars(
            slug="money-by-cause",
            title=_("Money to associations by cause"),
            rows=sorted(
                ((row["label"], row["money_cents"]) for row in metrics["by_cause"]),
                key=lambda r: -r[1],
            ),
            fmt=money,
            colour=colour,
            value_header=_("Amount"),
        ),
        "hours_by_site": charts.horizontal_bars(
            slug="hours-by-site",
            title=_("Hours by site"),
            rows=[(row["label"], row["hours"]) for row in metrics["by_site"]],
            fmt=fmt_hours,
            colour=colour,
            value_header=_("Hours"),
        ),
        "hours_by_sdg": charts.horizontal_bars(
            slug="hours-by-sdg",
            title=_("Hours by UN Sustainable Development Goal"),
            rows=[(row["label"], row["hours"]) for row in metrics["by_sdg"]],
            fmt=fmt_hours,
            colour=colour,
            value_header=_("Hours"),
            limit=18,
        ),
    }


def association_rows(metrics: dict) -> list[dict]:
    money = money_formatter(metrics["currency"])
    return [
        {
            **row,
            "hours_text": fmt_hours(row["hours"]),
            "volunteers_text": ngettext("%(n)s volunteer", "%(n)s volunteers", row["volunteers"])
            % {"n": fmt_int(row["volunteers"])},
            "money_text": money(row["money_cents"]),
        }
        for row in metrics["associations"]
    ]


def campaign_rows(metrics: dict) -> list[dict]:
    """The campaigns of the period in words; a snapshot archived before campaigns has none."""
    money = money_formatter(metrics["currency"])
    rows = []
    for row in metrics.get("campaigns", []):
        if row["kind"] == "giving":
            result = _("%(raised)s raised (%(gifts)s given, %(matched)s matched)") % {
                "raised": money(row["raised_cents"]),
                "gifts": money(row["gifts_cents"]),
                "matched": money(row["matched_cents"]),
            }
            people = ngettext("%(n)s donor", "%(n)s donors", row["donors"]) % {
                "n": fmt_int(row["donors"])
            }
            goal = money(row["goal_cents"]) if row["goal_cents"] else ""
        else:
            result = fmt_hours(row["centihours"] / 100)
            people = ngettext("%(n)s volunteer", "%(n)s volunteers", row["volunteers"]) % {
                "n": fmt_int(row["volunteers"])
            }
            goal = fmt_hours(row["goal_hours"]) if row["goal_hours"] else ""
        rows.append(
            {
                **row,
                "dates": _("%(start)s to %(end)s")
                % {
                    "start": f"{dt.date.fromisoformat(row['starts_on']):%d/%m/%Y}",
                    "end": f"{dt.date.fromisoformat(row['ends_on']):%d/%m/%Y}",
                },
                "result_text": result,
                "people_text": people,
                "goal_text": goal,
                "percent_text": "" if row["percent"] is None else f"{row['percent']} %",
            }
        )
    return rows


# CSV exports: slug → (metrics key, [(column header, row key, kind)])
BREAKDOWNS = {
    "kinds": (
        "hours_by_kind",
        [
            (gettext_lazy("Mission kind"), "label", "text"),
            (gettext_lazy("Hours"), "hours", "number"),
            (gettext_lazy("Volunteers"), "volunteers", "number"),
        ],
    ),
    "causes": (
        "by_cause",
        [
            (gettext_lazy("Cause"), "label", "text"),
            (gettext_lazy("Hours"), "hours", "number"),
            (gettext_lazy("Money to associations (cents)"), "money_cents", "number"),
        ],
    ),
    "sdgs": (
        "by_sdg",
        [
            (gettext_lazy("SDG"), "label", "text"),
            (gettext_lazy("Hours"), "hours", "number"),
            (gettext_lazy("Money to associations (cents)"), "money_cents", "number"),
        ],
    ),
    "sites": (
        "by_site",
        [
            (gettext_lazy("Site"), "label", "text"),
            (gettext_lazy("Hours"), "hours", "number"),
            (gettext_lazy("Volunteers"), "volunteers", "number"),
            (gettext_lazy("Donations (cents)"), "donations_cents", "number"),
        ],
    ),
    "departments": (
        "by_department",
        [
            (gettext_lazy("Department"), "label", "text"),
            (gettext_lazy("Hours"), "hours", "number"),
            (gettext_lazy("Volunteers"), "volunteers", "number"),
            (gettext_lazy("Donations (cents)"), "donations_cents", "number"),
        ],
    ),
    "months": (
        "by_month",
        [
            (gettext_lazy("Month"), "month", "text"),
            (gettext_lazy("Hours"), "hours", "number"),
            (gettext_lazy("Volunteers"), "volunteers", "number"),
            (gettext_lazy("Donations (cents)"), "donations_cents", "number"),
            (gettext_lazy("Matching (cents)"), "matches_cents", "number"),
            (gettext_lazy("Hours, previous period"), "previous_hours", "number"),
            (
                gettext_lazy("Donations, previous period (cents)"),
                "previous_donations_cents",
                "number",
            ),
        ],
    ),
    "associations": (
        "associations",
        [
            (gettext_lazy("Association"), "name", "text"),
            (gettext_lazy("City"), "city", "text"),
            (gettext_lazy("Hours"), "hours", "number"),
            (gettext_lazy("Volunteers"), "volunteers", "number"),
            (gettext_lazy("Money (cents)"), "money_cents", "number"),
        ],
    ),
    "missions": (
        "top_missions",
        [
            (gettext_lazy("Mission"), "title", "text"),
            (gettext_lazy("Association"), "association", "text"),
            (gettext_lazy("Kind"), "kind_label", "text"),
            (gettext_lazy("Hours"), "hours", "number"),
            (gettext_lazy("Volunteers"), "volunteers", "number"),
            (gettext_lazy("Sessions"), "sessions", "number"),
        ],
    ),
}

# The money breakdowns (reporting.figures) exported as rows: breakdown, part, cents; the total
# row of each breakdown is the sum of its parts.
MONEY_COLUMNS = [
    gettext_lazy("Figure"),
    gettext_lazy("Part"),
    gettext_lazy("Amount (cents)"),
]

BREAKDOWN_TITLES = {
    "money": gettext_lazy("Company contribution and leverage"),
    "kinds": gettext_lazy("Mission kinds"),
    "causes": gettext_lazy("Causes"),
    "sdgs": gettext_lazy("SDGs"),
    "sites": gettext_lazy("Sites"),
    "departments": gettext_lazy("Departments"),
    "months": gettext_lazy("Months"),
    "associations": gettext_lazy("Associations"),
    "missions": gettext_lazy("Top missions"),
}


def breakdown_table(metrics: dict, slug: str) -> tuple[list[str], list[list]]:
    """Header and raw rows of one breakdown (KeyError for an unknown slug)."""
    if slug == "money":
        from reporting.figures import money_breakdowns

        rows = []
        for breakdown in money_breakdowns(metrics).values():
            rows += [[breakdown.title, part.key, part.cents] for part in breakdown.parts]
            rows.append([breakdown.title, "total", breakdown.total])
        return [str(header) for header in MONEY_COLUMNS], rows
    key, columns = BREAKDOWNS[slug]
    headers = [str(header) for header, _field, _kind in columns]
    rows = [[row.get(field, "") for _header, field, _kind in columns] for row in metrics[key]]
    return headers, rows
