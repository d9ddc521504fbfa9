"""The report values skills sponsorship at cost price and counts every company gift."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from donations.services.company_gifts import cancel_company_gift, record_company_gift
from missions.models import Enrolment, EnrolmentStatus, MissionKind
from portal.models import EmployeePay
from reporting.figures import company_contribution
from reporting.periods import year_period
from reporting.selectors.metrics import company_metrics
from tests.factories import CompanyFactory, make_association, make_employee, make_mission

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_tree")]


def _attended(company, person, hours, start):
    mission = make_mission(company=company, kind=MissionKind.SKILLS_SPONSORSHIP, start=start)
    Enrolment.objects.create(
        employee=person,
        session=mission.sessions.get(),
        status=EnrolmentStatus.ATTENDED,
        hours=Decimal(hours),
    )


def test_skills_hours_are_valued_with_pay_data_capped_and_the_flat_rate_as_fallback():
    company = CompanyFactory(hourly_valuation_cents=5_000)
    paid, unpaid = make_employee(company), make_employee(company)
    EmployeePay.objects.create(
        profile=paid,
        valid_from=dt.date(2025, 1, 1),
        monthly_gross_cents=1_500_000,  # above 3 x 3,925 € (2025 PSS) = 11,775 €
        monthly_employer_contributions_cents=600_000,
        source="upload",
    )
    _attended(company, paid, "7", dt.datetime(2025, 6, 10, 8, tzinfo=dt.UTC))
    _attended(company, unpaid, "2", dt.datetime(2025, 6, 11, 8, tzinfo=dt.UTC))
    k = company_metrics(company=company, period=year_period(2025))["kpis"]
    # Paid: 11,775 € + 6,000 x 11,775 / 15,000 = 4,710 € → 16,485 € x 7 / 151.67 = 760.83 €.
    # Unpaid: 2 h x 50 € = 100 €.
    assert k["skills_valuation_cents"] == 76_083 + 10_000


def test_company_gifts_other_than_skills_join_the_company_contribution():
    company = CompanyFactory()
    association = make_association()
    for n, (kind, cents) in enumerate([("grant", 100_000), ("vote", 20_000), ("skills", 55_500)]):
        record_company_gift(
            company=company,
            association=association,
            kind=kind,
            amount_cents=cents,
            given_on=dt.date(2025, 5, 1),
            source_reference=f"t:{n}",
        )
    cancelled = record_company_gift(
        company=company,
        association=association,
        kind="leave_day",
        amount_cents=9_999,
        given_on=dt.date(2025, 5, 1),
        source_reference="t:cancelled",
    )
    cancel_company_gift(gift=cancelled, reason="Refused")
    k = company_metrics(company=company, period=year_period(2025))["kpis"]
    assert k["company_gifts_cents"] == 120_000
    breakdown = company_contribution(k, None)
    assert breakdown.total == k["matches_cents"] + k["skills_valuation_cents"] + 120_000
