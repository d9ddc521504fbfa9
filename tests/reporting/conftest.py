"""A hand-built impact data set for company A whose every figure is known in advance.

Fiscal year 2025 (calendar year, Europe/Paris) of "Alpha Industries", five employees:
  e1 Lyon/IT, e2 Lyon/HR, e3 Paris/IT, e4 Paris/Sales, e5 Paris/Sales.
Missions: M1 skills sponsorship (association X, cause Education → SDG 4), 7 h session in
March 2025 and one in May 2024; M2 citizen day (association Y, causes Education and
Environment → SDGs 4, 13, 15), June 2025; M3 volunteering off work time (association Y, no
cause), November 2025, 3 h.
The expected figures are written out in tests/reporting/test_metrics.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from missions.models import (
    Enrolment,
    EnrolmentStatus,
    MissionSession,
    SustainableDevelopmentGoal,
)
from tests.factories import CauseFactory, make_association, make_employee, make_mission

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def attend(employee, session, hours, status=EnrolmentStatus.ATTENDED):
    return Enrolment.objects.create(
        employee=employee,
        session=session,
        status=status,
        hours=Decimal(hours) if hours is not None else None,
    )


@pytest.fixture(autouse=True)
def _english():
    """Labels are asserted in English; the site's default language is French."""
    with translation.override("en"):
        yield


@pytest.fixture
def impact_data(company_a, company_b):
    from donations.models import Donation, Match, MatchingPolicy, PaymentAttempt, Pledge

    e1 = make_employee(company_a, email="e1@alpha.example", site="Lyon", department="IT")
    e2 = make_employee(company_a, email="e2@alpha.example", site="Lyon", department="HR")
    e3 = make_employee(company_a, email="e3@alpha.example", site="Paris", department="IT")
    e4 = make_employee(company_a, email="e4@alpha.example", site="Paris", department="Sales")
    e5 = make_employee(company_a, email="e5@alpha.example", site="Paris", department="Sales")
    outsider = make_employee(company_b, email="out@beta.example", site="Lyon")

    education = CauseFactory(name="Education", slug="education")
    education.sdgs.set(SustainableDevelopmentGoal.objects.filter(number=4))
    education.save()  # a ParentalManyToManyField is written on save
    environment = CauseFactory(name="Environment", slug="environment")
    environment.sdgs.set(SustainableDevelopmentGoal.objects.filter(number__in=[13, 15]))
    environment.save()

    x = make_association(title="Lire Ensemble", city="Lyon", summary="Reading with children.")
    x.causes.set([education])
    x.save()
    y = make_association(title="Forêts Vives", city="Grenoble", summary="Planting forests.")
    y.causes.set([environment])
    y.save()
    z = make_association(title="Only Beta Helps", city="Nantes")

    m1 = make_mission(
        company=company_a,
        association=x,
        kind="skills",
        title="Mentoring",
        start=paris(2025, 3, 10, 9),
        causes=[education],
    )
    m1_old = MissionSession.objects.create(
        mission=m1, start=paris(2024, 5, 2, 9), end=paris(2024, 5, 2, 16), seats=5
    )
    m2 = make_mission(
        company=company_a,
        association=y,
        kind="citizen_day",
        title="Tree planting",
        start=paris(2025, 6, 5, 9),
        causes=[education, environment],
        visibility="all",
    )
    m3 = make_mission(
        company=company_a,
        association=y,
        kind="volunteering",
        title="Evening sorting",
        start=paris(2025, 11, 20, 18),
        on_work_time=False,
    )
    s1, s2, s3 = m1.sessions.get(start=paris(2025, 3, 10, 9)), m2.sessions.get(), m3.sessions.get()

    en11 = attend(e1, s1, "7")
    en21 = attend(e2, s1, "7")
    en12 = attend(e1, s2, "7")
    attend(e3, s3, "3")
    attend(e4, s2, None, status=EnrolmentStatus.NO_SHOW)
    attend(e5, s2, None, status=EnrolmentStatus.CANCELLED)
    attend(e3, m1_old, "7")
    attend(outsider, s2, "4")  # another company's employee: never counted for A

    from missions.models import Feedback

    Feedback.objects.create(
        enrolment=en11,
        satisfaction=5,
        meaning=4,
        would_recommend=True,
        comment="A day that gave meaning to my job.",
        consent_to_quote=True,
    )
    Feedback.objects.create(
        enrolment=en21,
        satisfaction=3,
        meaning=2,
        would_recommend=False,
        comment="Please do not quote this.",
        consent_to_quote=False,
    )
    Feedback.objects.create(
        enrolment=en12, satisfaction=4, meaning=5, would_recommend=True, consent_to_quote=True
    )

    policy = MatchingPolicy.objects.create(
        company=company_a,
        employee_yearly_cap_cents=1_000_000,
        yearly_budget_cents=10_000_000,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2027, 1, 1),
        currency="EUR",
    )
    counter = iter(range(1, 1000))

    def give(donor, association, cents, when, source="payroll", matched=0, refunded=False):
        payment = None
        if source == "card":
            payment = PaymentAttempt.objects.create(
                company=donor.company,
                donor=donor,
                association=association,
                amount_cents=cents,
                currency="EUR",
                provider="dummy",
                idempotency_key=f"key-{next(counter)}",
            )
        donation = Donation.objects.create(
            donor=donor,
            company=donor.company,
            association=association,
            amount_cents=cents,
            currency="EUR",
            source=source,
            status="refunded" if refunded else "succeeded",
            refunded_at=when if refunded else None,
            refunded_cents=cents if refunded else 0,
            occurred_at=when,
            external_reference=f"ref-{next(counter)}",
            payment=payment,
        )
        if matched:
            Match.objects.create(
                donation=donation,
                policy=policy,
                company=donor.company,
                employee=donor,
                association=association,
                amount_cents=matched,
                currency="EUR",
                status="reversed" if refunded else "active",
                reversed_at=when if refunded else None,
                reversed_cents=matched if refunded else 0,
            )
        return donation

    give(e1, x, 67, paris(2025, 1, 31, 12), matched=67)
    give(e1, x, 45, paris(2025, 2, 28, 12), matched=45)
    give(e2, y, 5000, paris(2025, 4, 10, 12), source="card", matched=5000)
    give(e2, y, 2000, paris(2025, 5, 1, 12), source="card", matched=2000, refunded=True)
    give(e4, x, 100, paris(2025, 12, 31, 23, 30))  # still 2025 in Paris (22:30 UTC)
    give(e4, x, 999, paris(2026, 1, 1, 0, 30))  # 2025 in UTC, but 2026 for the company
    give(e1, x, 50, paris(2024, 12, 15, 12), matched=50)  # previous year
    give(outsider, z, 700, paris(2025, 3, 1, 12), matched=700)

    def pledge(employee, start, end=None):
        return Pledge.objects.create(
            employee=employee,
            company=employee.company,
            rule="cents",
            currency="EUR",
            start_month=start,
            end_month=end,
            consent_text_version="2026-01",
            consented_at=paris(2024, 1, 1),
        )

    pledge(e1, dt.date(2025, 1, 1))
    pledge(e3, dt.date(2024, 1, 1), dt.date(2025, 1, 1))  # ended before 2025
    pledge(e5, dt.date(2026, 1, 1))  # starts after 2025

    return SimpleNamespace(
        company=company_a,
        employees=[e1, e2, e3, e4, e5],
        associations={"x": x, "y": y, "z": z},
        missions={"m1": m1, "m2": m2, "m3": m3},
        give=give,
        attend=attend,
        sessions={"s1": s1, "s2": s2, "s3": s3},
    )
