"""The impact metrics against a data set whose every figure is known (tests/reporting/conftest)."""

from __future__ import annotations

import datetime as dt

import pytest

from reporting.periods import (
    InvalidPeriod,
    custom_period,
    month_period,
    parse_period,
    quarter_period,
    year_period,
)
from reporting.selectors.metrics import company_metrics, split_evenly
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def metrics_2025(impact_data):
    return company_metrics(company=impact_data.company, period=year_period(2025))


def by(rows, key, field="label"):
    return {row[field]: row for row in rows}[key]


def test_participation_counts_attendance_gifts_and_pledges_in_force(metrics_2025):
    k = metrics_2025["kpis"]
    assert k["headcount"] == 5
    # e1, e2, e3 attended; e4 only gave; e5's pledge starts after the period.
    assert k["participants"] == 4
    assert k["participation_rate"] == 0.8
    assert k["volunteers"] == 3
    assert k["volunteer_rate"] == 0.6
    assert k["pledgers"] == 1


def test_time_given_counts_attended_hours_only(metrics_2025):
    k = metrics_2025["kpis"]
    assert k["hours"] == 24.0
    assert k["sessions"] == 3
    assert k["missions"] == 3
    kinds = {row["key"]: row["hours"] for row in metrics_2025["hours_by_kind"]}
    assert kinds == {"skills": 14.0, "citizen_day": 7.0, "volunteering": 3.0, "solidarity_leave": 0}


def test_work_time_days_count_work_time_missions_against_the_prorated_quota(impact_data):
    company = impact_data.company
    k = company_metrics(company=company, period=year_period(2025))["kpis"]
    assert k["work_time_hours"] == 21.0  # the volunteering evening is off work time
    assert k["work_time_days"] == 3.0
    assert k["quota_days"] == 10.0  # 5 employees x 2 days
    assert k["quota_use_rate"] == 0.3
    march = company_metrics(company=company, period=month_period(2025, 3))["kpis"]
    assert march["work_time_days"] == 2.0
    assert march["quota_days"] == round(5 * 2 * 31 / 365, 1)


def test_skills_sponsorship_is_valued_at_the_company_hourly_rate(metrics_2025, impact_data):
    k = metrics_2025["kpis"]
    assert k["skills_hours"] == 14.0
    assert k["hourly_valuation_cents"] == 5000
    assert k["skills_valuation_cents"] == 70_000


def test_money_counts_succeeded_gifts_and_active_matches_in_the_company_time_zone(metrics_2025):
    k = metrics_2025["kpis"]
    assert k["payroll_cents"] == 212  # 67 + 45 + 100 (31 Dec 23:30 Paris is still 2025)
    assert k["card_cents"] == 5000  # the refunded card gift is out
    assert k["donations_cents"] == 5212
    assert k["matches_cents"] == 5112  # the reversed match is out
    assert k["total_to_associations_cents"] == 10_324
    assert k["donors"] == 3
    assert k["average_monthly_roundup_cents"] == 70  # 212 over 3 donor-months
    assert k["associations_supported"] == 2
    assert (k["sites_total"], k["sites_engaged"], k["sites_engaged_rate"]) == (2, 2, 1.0)


def test_feedback_averages_and_quotes_only_with_consent(metrics_2025):
    k = metrics_2025["kpis"]
    assert k["feedback_count"] == 3
    assert k["satisfaction_avg"] == 4.0
    assert k["meaning_avg"] == 3.67
    assert k["recommend_rate"] == 0.6667
    texts = [q["text"] for q in metrics_2025["quotes"]]
    assert texts == ["A day that gave meaning to my job."]
    assert "Please do not quote this." not in str(metrics_2025)
    assert [row["count"] for row in metrics_2025["satisfaction_distribution"]] == [0, 0, 1, 1, 1]


def test_causes_share_a_missions_hours_evenly(metrics_2025):
    rows = metrics_2025["by_cause"]
    assert by(rows, "Education")["hours"] == 17.5  # 14 + 7/2
    assert by(rows, "Environment")["hours"] == 3.5
    assert by(rows, "No cause given")["hours"] == 3.0
    assert by(rows, "Education")["money_cents"] == 324  # X: 212 gifts + 112 matched
    assert by(rows, "Environment")["money_cents"] == 10_000


def test_sdgs_share_hours_so_they_still_add_up(metrics_2025):
    rows = {row["number"]: row["hours"] for row in metrics_2025["by_sdg"]}
    assert rows == {4: 16.34, 13: 2.33, 15: 2.33, None: 3.0}


def test_sites_and_months(metrics_2025):
    lyon = by(metrics_2025["by_site"], "Lyon")
    assert (lyon["hours"], lyon["volunteers"], lyon["donations_cents"]) == (21.0, 2, 5112)
    paris = by(metrics_2025["by_site"], "Paris")
    assert (paris["hours"], paris["volunteers"], paris["donations_cents"]) == (3.0, 1, 100)
    months = {row["month"]: row for row in metrics_2025["by_month"]}
    assert len(months) == 12
    assert months["2025-03"]["hours"] == 14.0
    assert months["2025-01"]["matches_cents"] == 67
    assert months["2025-12"]["donations_cents"] == 100
    assert months["2025-05"]["previous_hours"] == 7.0  # May 2024
    assert months["2025-12"]["previous_donations_cents"] == 50


def test_previous_period_and_changes(metrics_2025):
    prev = metrics_2025["previous"]
    assert (prev["hours"], prev["volunteers"], prev["donations_cents"]) == (7.0, 1, 50)
    assert prev["participants"] == 2  # e3 attended and pledged; e1 gave
    assert metrics_2025["changes"]["hours"] == round((24 - 7) / 7, 4)
    assert metrics_2025["changes"]["satisfaction_avg"] is None  # no feedback before


def test_top_missions_and_associations(metrics_2025):
    assert [m["title"] for m in metrics_2025["top_missions"]] == [
        "Mentoring",
        "Tree planting",
        "Evening sorting",
    ]
    assert metrics_2025["top_missions"][0]["volunteers"] == 2
    names = [a["name"] for a in metrics_2025["associations"]]
    assert names == ["Lire Ensemble", "Forêts Vives"]
    assert "Only Beta Helps" not in names


def test_breakdowns_sum_to_their_totals(metrics_2025):
    k = metrics_2025["kpis"]
    for rows in ("hours_by_kind", "by_cause", "by_sdg", "by_site", "by_department", "by_month"):
        assert round(sum(r["hours"] for r in metrics_2025[rows]), 2) == k["hours"], rows
    for rows in ("by_site", "by_department", "by_month"):
        assert sum(r["donations_cents"] for r in metrics_2025[rows]) == k["donations_cents"]
    for rows in ("by_cause", "by_sdg"):
        total = sum(r["money_cents"] for r in metrics_2025[rows])
        assert total == k["total_to_associations_cents"], rows
    assert sum(r["volunteers"] for r in metrics_2025["by_site"]) == k["volunteers"]
    assert sum(r["matches_cents"] for r in metrics_2025["by_month"]) == k["matches_cents"]
    assert k["payroll_cents"] + k["card_cents"] == k["donations_cents"]
    assert sum(r["count"] for r in metrics_2025["satisfaction_distribution"]) == k["feedback_count"]


def test_breakdowns_sum_to_totals_for_any_period(impact_data):
    company = impact_data.company
    for period in (
        quarter_period(2025, 2),
        month_period(2025, 6),
        custom_period(dt.date(2024, 3, 1), dt.date(2025, 7, 1)),
    ):
        m = company_metrics(company=company, period=period)
        assert round(sum(r["hours"] for r in m["by_cause"]), 2) == m["kpis"]["hours"]
        assert round(sum(r["hours"] for r in m["by_month"]), 2) == m["kpis"]["hours"]
        assert sum(r["donations_cents"] for r in m["by_site"]) == m["kpis"]["donations_cents"]


def test_a_company_without_any_data_gets_zeros(site_tree):
    company = CompanyFactory(name="Empty", slug="empty")
    m = company_metrics(company=company, period=year_period(2025))
    k = m["kpis"]
    assert k["headcount"] == 0
    assert k["participation_rate"] == 0
    assert k["hours"] == 0
    assert k["total_to_associations_cents"] == 0
    assert k["satisfaction_avg"] is None
    assert m["associations"] == [] and m["quotes"] == [] and m["top_missions"] == []
    assert all(change is None for change in m["changes"].values())
    assert len(m["by_month"]) == 12


def test_other_companies_data_never_leaks(impact_data, company_b):
    m = company_metrics(company=company_b, period=year_period(2025))
    assert m["kpis"]["hours"] == 4.0
    assert m["kpis"]["donations_cents"] == 700
    assert [a["name"] for a in m["associations"]] == ["Forêts Vives", "Only Beta Helps"]


def test_metrics_run_a_bounded_number_of_queries(impact_data, django_assert_max_num_queries):
    # Aggregated in SQL: the count does not grow with rows (the same for 10 or 10 million). The
    # first read builds the figure aggregates of every month: a constant number of statements
    # more, however many months; the gifts below make July stale, rebuilt by the next read.
    with django_assert_max_num_queries(75):
        company_metrics(company=impact_data.company, period=year_period(2025))
    with django_assert_max_num_queries(60):
        company_metrics(company=impact_data.company, period=year_period(2025))
    for i in range(20):
        impact_data.give(
            impact_data.employees[0],
            impact_data.associations["x"],
            10 + i,
            dt.datetime(2025, 7, 1, tzinfo=dt.UTC) + dt.timedelta(hours=i),
        )
    with django_assert_max_num_queries(75):
        company_metrics(company=impact_data.company, period=year_period(2025))


def test_split_evenly_keeps_the_total():
    assert split_evenly(700, ["a", "b", "c"]) == {"a": 234, "b": 233, "c": 233}
    assert split_evenly(5, []) == {}


def test_periods_follow_the_fiscal_year():
    fy = year_period(2025, fiscal_start_month=4)
    assert (fy.start, fy.end) == (dt.date(2025, 4, 1), dt.date(2026, 4, 1))
    q1 = quarter_period(2025, 1, fiscal_start_month=4)
    assert q1.previous(fiscal_start_month=4) == quarter_period(2024, 4, fiscal_start_month=4)
    assert month_period(2025, 1).previous() == month_period(2024, 12)
    custom = custom_period(dt.date(2025, 1, 10), dt.date(2025, 1, 20))
    assert custom.previous().end == custom.start and custom.previous().days == 10


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "decade"},
        {"kind": "month", "month": "13"},
        {"kind": "quarter", "quarter": "5"},
        {"kind": "year", "year": "abc"},
        {"kind": "year", "year": "1800"},
        {"kind": "custom", "start": "2025-02-01", "end": "2025-01-01"},
        {"kind": "custom", "start": "yesterday"},
        {"kind": "custom", "start": "2020-01-01", "end": "9999-12-31"},
        {"kind": "custom", "start": "0001-01-01", "end": "0001-01-02"},
        {"kind": "custom", "start": "1899-12-01", "end": "1899-12-31"},
    ],
)
def test_nonsense_periods_are_refused(params):
    with pytest.raises(InvalidPeriod):
        parse_period(params, fiscal_start_month=1, today=dt.date(2025, 6, 1))


def test_custom_period_end_is_inclusive_as_typed():
    period = parse_period(
        {"kind": "custom", "start": "2025-01-01", "end": "2025-01-31"},
        fiscal_start_month=1,
        today=dt.date(2025, 6, 1),
    )
    assert period == month_period(2025, 1).__class__(
        "custom", dt.date(2025, 1, 1), dt.date(2025, 2, 1)
    )


def test_a_mission_is_one_top_row_whatever_its_enrolments_hours(impact_data):
    from missions.models import Enrolment

    mentoring = Enrolment.objects.filter(session__mission__title="Mentoring", hours=7)
    Enrolment.objects.filter(pk=mentoring.order_by("pk").first().pk).update(hours=5)
    top = company_metrics(company=impact_data.company, period=year_period(2025))["top_missions"]
    rows = [m for m in top if m["title"] == "Mentoring"]
    assert len(rows) == 1
    assert (rows[0]["hours"], rows[0]["volunteers"]) == (12.0, 2)


def test_a_partly_refunded_card_gift_counts_for_what_is_kept(impact_data):
    from donations.models import Donation, Match, MatchingPolicy
    from donations.payments.types import RefundState
    from donations.services.refunds import apply_refunds

    gift = Donation.objects.get(company=impact_data.company, amount_cents=5000, source="card")
    # The fixture writes matches directly: give the budget row what they spent.
    match = Match.objects.get(donation=gift)
    MatchingPolicy.objects.filter(pk=match.policy_id).update(spent_cents=match.amount_cents)
    # 10 € of the 50 € card gift refunded: 40 € stays given, the 50 € match keeps 40 €.
    apply_refunds(donation=gift, refunds=[RefundState("re_partial", 1000)])
    assert Match.objects.get(donation=gift).reversed_cents == 1000
    k = company_metrics(company=impact_data.company, period=year_period(2025))["kpis"]
    assert (k["card_cents"], k["donations_cents"]) == (4000, 4212)
    assert k["matches_cents"] == 4112
    assert k["total_to_associations_cents"] == 8324


def test_the_same_comment_is_quoted_once(impact_data):
    from missions.models import Feedback

    # A second attendee wrote the first one's words (demo data, copy-paste): one quote.
    Feedback.objects.filter(consent_to_quote=True, comment="").update(
        comment="  a day that gave meaning  to my job. "
    )
    metrics = company_metrics(company=impact_data.company, period=year_period(2025))
    assert [q["text"] for q in metrics["quotes"]] == ["A day that gave meaning to my job."]
