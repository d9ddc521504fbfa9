"""Everything the PDF template shows, prepared from the metrics snapshot (aggregates only)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from reporting import charts, figures, presentation
from reporting.presentation import (
    fmt_days,
    fmt_hours,
    fmt_int,
    fmt_percent,
    fmt_score,
    money_formatter,
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
    money = money_formatter(metrics["currency"])
    rows = [
        (_("Participation rate"), "participation_rate", fmt_percent),
        (_("Participants"), "participants", fmt_int),
        (_("Volunteers"), "volunteers", fmt_int),
        (_("Sessions"), "sessions", fmt_int),
        (_("Hours given"), "hours", fmt_hours),
        (_("Work-time days used"), "work_time_days", fmt_days),
        (_("Skills sponsorship value"), "skills_valuation_cents", money),
        (_("Employee donations (leverage)"), "donations_cents", money),
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
                "kind just before (for custom dates, the same number of days). A period that is "
                "not over is marked partial: its figures stop at the day the report was built, "
                "and it is compared with the same span of the previous period (a year to date "
                "with the same dates a year earlier, a 29 February with the 28th), never with a "
                "whole period."
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
                "Hours of skills-sponsorship missions valued at cost price (LBG/B4SI values "
                "time at cost): each person's gross salary and employer contributions on the "
                "session's day, pro rata of the hours, the salary capped at 3 times the monthly "
                "social-security ceiling; without pay data, the company's hourly valuation rate "
                "(%(rate)s an hour). This is a valuation of time given, not money paid."
            ),
        ),
        (
            _("Amounts"),
            _(
                "Amounts are printed to the cent, so that every total stated with its parts is "
                "exactly their sum."
            ),
        ),
        (
            _("Employees' own gifts (leverage)"),
            _(
                "Succeeded payroll round-up deductions (with payroll adjustments) and card gifts "
                "made in the period, less what was refunded. Under the LBG/B4SI model these are "
                "leverage: money the company helped to raise, not the company's contribution."
            ),
        ),
        (
            _("Company contribution"),
            _(
                "LBG/B4SI inputs of the company: matching gifts (cash), plus skills sponsorship "
                "valued at cost (time), plus the company's other gifts (grants, staff votes, "
                "leave days), plus management costs. Other volunteering on work time (citizen "
                "days, solidarity leave) is reported in hours and not valued."
            ),
        ),
        (
            _("Management costs"),
            _(
                "What running the programme cost the company in the period (staff, platform, "
                "fees), entered by the CSR officer when requesting the report. When none is "
                "entered they count as zero and the report says so."
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


def _frameworks() -> list[tuple[str, str]]:
    """The appendix naming how the report's figures map to reporting frameworks."""
    return [
        (
            "LBG / B4SI",
            _(
                "Inputs are split into the company contribution (cash: matching gifts; time: "
                "skills sponsorship valued at cost; management costs) and leverage (employees' "
                "own gifts, payroll and card). Leverage is never added to the contribution. "
                "Outputs are reported as hours, volunteers and associations supported; impacts "
                "on beneficiaries are not measured."
            ),
        ),
        (
            _("GRI 201-1 (community investments)"),
            _(
                "The company contribution is the figure for community investments within "
                "economic value distributed. Employees' own gifts are excluded: the company does "
                "not distribute them."
            ),
        ),
        (
            "GRI 413-1",
            _(
                "Share of operations, read as the company's sites, whose employees took part in "
                "at least one community engagement session."
            ),
        ),
        (
            "GRI 203-2",
            _(
                "Associations supported and hours given, as a description of indirect economic "
                "impacts; not a monetised impact."
            ),
        ),
        (
            "ESRS S3-4",
            _(
                "Where the company reports under the ESRS and its affected communities are a "
                "material matter, the company contribution and the hours given may be cited "
                "among the actions described under S3-4 (actions on affected communities). "
                "The ESRS define no datapoint for employee volunteering or giving: this report "
                "claims none, and none of its figures is an ESRS datapoint."
            ),
        ),
    ]


def report_context(*, metrics: dict, colour: str) -> dict:
    k = metrics["kpis"]
    currency = metrics["currency"]
    # Every amount keeps its cents, so that totals and parts stated together add up.
    money = exact = money_formatter(currency)
    breakdowns = figures.money_breakdowns(metrics)

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
        "period_label": period.short_label,
        "previous_label": previous.short_label,
        "is_partial": period.is_partial,
        "period_note": presentation.period_note(metrics),
        "period_range": period.span_label,
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
        },
        "breakdowns": {
            key: {
                "title": breakdown.title,
                "total": money(breakdown.total),
                "equation": breakdown.equation(money),
                "sentence": breakdown.sentence(money),
            }
            for key, breakdown in breakdowns.items()
        },
        "management_costs_entered": metrics.get("management_costs_cents") is not None,
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
        "campaign_rows": presentation.campaign_rows(metrics),
        "site_rows": [group_row(row) for row in metrics["by_site"]],
        "month_total": {
            "hours": fmt_hours(sum(row["hours"] for row in metrics["by_month"])),
            "previous_hours": fmt_hours(sum(row["previous_hours"] for row in metrics["by_month"])),
            "donations": exact(sum(row["donations_cents"] for row in metrics["by_month"])),
            "matches": exact(sum(row["matches_cents"] for row in metrics["by_month"])),
        },
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
        "frameworks": _frameworks(),
    }
