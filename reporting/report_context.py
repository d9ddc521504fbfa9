"""Everything the PDF template shows, prepared from the metrics snapshot (aggregates only)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from reporting import charts, presentation
from reporting.presentation import (
    fmt_days,
    fmt_hours,
    fmt_int,
    fmt_percent,
    fmt_score,
    whole_money_formatter,
)

# Association profiles printed in full; the rest are listed by name (keeps big reports readable).
PROFILES_SHOWN = 40


def _change(now, before) -> str:
    if now is None or before is None or not before:
        return "\N{EN DASH}"
    change = (now - before) / before
    return ("+" if change > 0 else "") + fmt_percent(change)


def _trend_rows(metrics: dict) -> list[dict]:
    k, p = metrics["kpis"], metrics["previous"]
    money = whole_money_formatter(metrics["currency"])
    rows = [
        (_("Participation rate"), "participation_rate", fmt_percent),
        (_("Participants"), "participants", fmt_int),
        (_("Volunteers"), "volunteers", fmt_int),
        (_("Sessions"), "sessions", fmt_int),
        (_("Hours given"), "hours", fmt_hours),
        (_("Work-time days used"), "work_time_days", fmt_days),
        (_("Skills sponsorship value"), "skills_valuation_cents", money),
        (_("Employee donations"), "donations_cents", money),
        (_("Company matching"), "matches_cents", money),
        (_("Total to associations"), "total_to_associations_cents", money),
        (_("Donors"), "donors", fmt_int),
        (_("Associations supported"), "associations_supported", fmt_int),
        (_("Average satisfaction"), "satisfaction_avg", fmt_score),
    ]
    return [
        {
            "label": label,
            "now": fmt(k[key]),
            "before": fmt(p[key]),
            "change": _change(k[key], p[key]),
        }
        for label, key, fmt in rows
    ]


def _methodology() -> list[tuple[str, str]]:
    return [
        (
            _("Period"),
            _(
                "Dates are read in the company's time zone. A year is the fiscal year starting "
                "in the company's first fiscal month; the comparison is the period of the same "
                "kind just before (for custom dates, the same number of days)."
            ),
        ),
        (
            _("Headcount"),
            _("Employees with a profile on the platform when the report is built."),
        ),
        (
            _("Participant, participation rate"),
            _(
                "An employee who attended at least one session, made a donation that succeeded, "
                "or had a payroll round-up pledge in force during the period; the rate divides "
                "participants by the headcount."
            ),
        ),
        (
            _("Volunteer"),
            _("An employee with at least one session recorded as attended in the period."),
        ),
        (
            _("Hours given"),
            _(
                "Hours recorded at attendance (the session's length unless corrected), for "
                "sessions starting in the period. No-shows, cancellations and pending requests "
                "count for nothing."
            ),
        ),
        (
            _("Work-time days and quota"),
            _(
                "Hours of work-time missions (citizen days, skills sponsorship, solidarity leave "
                "on work time) divided by the company's hours per day; the quota is the "
                "headcount times the yearly quota of days, prorated to the period's length."
            ),
        ),
        (
            _("Skills sponsorship value"),
            _(
                "Hours of skills-sponsorship missions times the company's hourly valuation rate "
                "(%(rate)s an hour). This is a valuation of time given, not money paid."
            ),
        ),
        (
            _("Employee donations"),
            _(
                "Succeeded payroll round-up deductions (with payroll adjustments) and card gifts "
                "made in the period; refunded gifts are excluded."
            ),
        ),
        (
            _("Company matching"),
            _(
                "The company's matching gifts for those donations; a match reversed after a "
                "refund is excluded."
            ),
        ),
        (
            _("Average monthly round-up"),
            _("Payroll round-up total divided by the number of donor-months with a deduction."),
        ),
        (
            _("Causes and SDGs"),
            _(
                "A mission's hours (and an association's money) are shared evenly among its "
                "causes, and among the UN SDGs its causes serve, so that each breakdown adds up "
                "to the total. Missions without a cause are shown as such."
            ),
        ),
        (
            _("Associations supported"),
            _("Associations that received time (an attended session) or money in the period."),
        ),
        (
            _("Satisfaction, meaning, recommendation"),
            _(
                "Averages of the 1 to 5 answers of the post-session survey, and the share of "
                "answers that would recommend the mission. Quotes are printed only when their "
                "author agreed to be quoted, and never with a name."
            ),
        ),
        (
            _("GRI 413-1"),
            _(
                "Operations are read as the company's sites: the share of sites whose employees "
                "took part in at least one community engagement session."
            ),
        ),
    ]


def report_context(*, metrics: dict, colour: str) -> dict:
    k = metrics["kpis"]
    currency = metrics["currency"]
    money = whole_money_formatter(currency)
    exact = presentation.money_formatter(currency)  # small sums in lists keep their cents

    def group_row(row: dict) -> dict:
        """A department's or a site's line of the report."""
        return {
            "label": row["label"],
            "hours": fmt_hours(row["hours"]),
            "volunteers": fmt_int(row["volunteers"]),
            "donations": exact(row["donations_cents"]),
        }

    period = presentation.period_of(metrics)
    previous = presentation.previous_period_of(metrics)
    chart_set = presentation.build_charts(metrics, colour)
    chart_set["satisfaction"] = charts.horizontal_bars(
        slug="satisfaction",
        title=_("Satisfaction answers (1 to 5)"),
        rows=[
            (_("%(n)s / 5") % {"n": row["score"]}, row["count"])
            for row in reversed(metrics["satisfaction_distribution"])
        ],
        fmt=fmt_int,
        colour=colour,
        value_header=_("Answers"),
    )
    associations = presentation.association_rows(metrics)
    methodology = _methodology()
    methodology = [
        (term, text % {"rate": money(k["hourly_valuation_cents"])} if "%(rate)s" in text else text)
        for term, text in methodology
    ]
    sdg_rows = [
        {
            "number": row["number"],
            "label": row["label"],
            "hours": fmt_hours(row["hours"]),
            "money": exact(row["money_cents"]),
        }
        for row in metrics["by_sdg"]
        if row["hours"] or row["money_cents"]
    ]
    return {
        "lang": (get_language() or "fr")[:2],
        "company_name": metrics["company"]["name"],
        "title": _("Impact report %(period)s · %(company)s")
        % {"period": period.label, "company": metrics["company"]["name"]},
        "period_label": period.label,
        "previous_label": previous.label,
        "period_range": _("%(start)s to %(end)s")
        % {
            "start": date_format(period.start, "DATE_FORMAT"),
            "end": date_format(period.last_day, "DATE_FORMAT"),
        },
        "generated_on": date_format(timezone.localdate(), "DATE_FORMAT"),
        "generated_iso": timezone.localdate().isoformat(),
        "colour": colour,
        "k": k,
        "tiles": presentation.kpi_tiles(metrics),
        "messages": presentation.key_messages(metrics),
        "charts": chart_set,
        "figures": {
            "headcount": fmt_int(k["headcount"]),
            "participants": fmt_int(k["participants"]),
            "participation_rate": fmt_percent(k["participation_rate"]),
            "volunteers": fmt_int(k["volunteers"]),
            "volunteer_rate": fmt_percent(k["volunteer_rate"]),
            "sessions": fmt_int(k["sessions"]),
            "missions": fmt_int(k["missions"]),
            "hours": fmt_hours(k["hours"]),
            "work_time_days": fmt_days(k["work_time_days"]),
            "quota_days": fmt_days(k["quota_days"]),
            "quota_use_rate": fmt_percent(k["quota_use_rate"]),
            "skills_hours": fmt_hours(k["skills_hours"]),
            "hourly_rate": money(k["hourly_valuation_cents"]),
            "skills_value": money(k["skills_valuation_cents"]),
            "payroll": exact(k["payroll_cents"]),
            "card": exact(k["card_cents"]),
            "donations": money(k["donations_cents"]),
            "matches": money(k["matches_cents"]),
            "total": money(k["total_to_associations_cents"]),
            "donors": fmt_int(k["donors"]),
            "pledgers": fmt_int(k["pledgers"]),
            "average_roundup": presentation.money_formatter(currency)(
                k["average_monthly_roundup_cents"]
            ),
            "associations": fmt_int(k["associations_supported"]),
            "feedback_count": fmt_int(k["feedback_count"]),
            "satisfaction": fmt_score(k["satisfaction_avg"]),
            "meaning": fmt_score(k["meaning_avg"]),
            "recommend": fmt_percent(k["recommend_rate"]),
            "sites_engaged": fmt_int(k["sites_engaged"]),
            "sites_total": fmt_int(k["sites_total"]),
            "sites_rate": fmt_percent(k["sites_engaged_rate"]),
            "community_investment": money(
                k["total_to_associations_cents"] + k["skills_valuation_cents"]
            ),
        },
        "kind_rows": [
            {
                "label": row["label"],
                "hours": fmt_hours(row["hours"]),
                "volunteers": ngettext("%(n)s volunteer", "%(n)s volunteers", row["volunteers"])
                % {"n": fmt_int(row["volunteers"])},
            }
            for row in metrics["hours_by_kind"]
        ],
        "department_rows": [group_row(row) for row in metrics["by_department"]],
        "site_rows": [group_row(row) for row in metrics["by_site"]],
        "month_rows": [
            {
                "label": presentation.month_label(row["month"], long=True),
                "hours": fmt_hours(row["hours"]),
                "previous_hours": fmt_hours(row["previous_hours"]),
                "donations": exact(row["donations_cents"]),
                "matches": exact(row["matches_cents"]),
            }
            for row in metrics["by_month"]
        ],
        "missions": [
            {
                **row,
                "hours_text": fmt_hours(row["hours"]),
                "volunteers_text": fmt_int(row["volunteers"]),
            }
            for row in metrics["top_missions"]
        ],
        "profiles": associations[:PROFILES_SHOWN],
        "other_associations": associations[PROFILES_SHOWN:],
        "quotes": metrics["quotes"],
        "trend_rows": _trend_rows(metrics),
        "sdg_rows": sdg_rows,
        "methodology": methodology,
    }
