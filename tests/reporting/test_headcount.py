"""Dated employment: a period's headcount and rates count the people employed during it."""

from __future__ import annotations

import datetime as dt

import pytest

from reporting.periods import month_period, year_period
from reporting.selectors.metrics import company_metrics
from tests.factories import make_employee

pytestmark = pytest.mark.django_db


@pytest.fixture
def dated_staff(impact_data):
    """Besides impact_data's five people (no dates), four with hire or leave dates."""
    company = impact_data.company
    make_employee(company, email="left2024@alpha.example", leave_date=dt.date(2024, 12, 31))
    make_employee(
        company,
        email="midyear@alpha.example",
        hire_date=dt.date(2020, 1, 1),
        leave_date=dt.date(2025, 6, 30),
        site="Nantes",
    )
    make_employee(company, email="lastday@alpha.example", hire_date=dt.date(2025, 12, 31))
    make_employee(company, email="joined2026@alpha.example", hire_date=dt.date(2026, 3, 1))
    return company


def kpis(company, period):
    return company_metrics(company=company, period=period)["kpis"]


def test_headcount_follows_hire_and_leave_dates(dated_staff):
    assert kpis(dated_staff, year_period(2024))["headcount"] == 7  # 5 + left2024 + midyear
    assert kpis(dated_staff, year_period(2025))["headcount"] == 7  # 5 + midyear + lastday
    assert kpis(dated_staff, year_period(2026))["headcount"] == 7  # 5 + lastday + joined2026
    assert kpis(dated_staff, month_period(2025, 6))["headcount"] == 6  # midyear's last month
    assert kpis(dated_staff, month_period(2025, 7))["headcount"] == 5


def test_rates_and_quota_use_the_period_headcount(dated_staff):
    k = kpis(dated_staff, year_period(2025))
    # The same four participants as without dates, over seven people employed in 2025.
    assert k["participants"] == 4
    assert k["participation_rate"] == round(4 / 7, 4)
    assert k["quota_days"] == 14.0  # 7 people x 2 days
    assert kpis(dated_staff, month_period(2025, 7))["participation_rate"] <= 1


def test_sites_count_only_sites_with_people_employed_then(dated_staff):
    with_nantes = company_metrics(company=dated_staff, period=year_period(2025))
    without = company_metrics(company=dated_staff, period=year_period(2026))
    assert with_nantes["kpis"]["sites_total"] == without["kpis"]["sites_total"] + 1
