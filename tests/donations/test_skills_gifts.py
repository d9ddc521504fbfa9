"""Skills sponsorship hours become company gifts in kind, valued at cost price (3 x PSS cap)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from donations.models import CompanyGift
from donations.services.skills_gifts import sync_skills_sponsorship_gifts
from missions.models import Enrolment, EnrolmentStatus, MissionKind
from portal.models import EmployeePay, PayGrade
from tests.factories import CompanyFactory, make_association, make_employee, make_mission

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_tree")]

SESSION_START = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def company():
    return CompanyFactory(hourly_valuation_cents=5_000)


def _attended(company, person, *, hours="7", kind=MissionKind.SKILLS_SPONSORSHIP, **fields):
    mission = make_mission(
        company=company, association=make_association(), kind=kind, start=SESSION_START, **fields
    )
    return Enrolment.objects.create(
        employee=person,
        session=mission.sessions.get(),
        status=EnrolmentStatus.ATTENDED,
        hours=Decimal(hours),
    )


def test_a_salary_above_3_pss_is_capped_with_its_contributions(company):
    person = make_employee(company)
    EmployeePay.objects.create(
        profile=person,
        valid_from=dt.date(2026, 1, 1),
        monthly_gross_cents=1_500_000,
        monthly_employer_contributions_cents=600_000,
        source="upload",
    )
    enrolment = _attended(company, person)
    result = sync_skills_sponsorship_gifts(company=company)
    assert result.recorded == 1
    gift = CompanyGift.objects.get()
    # 3 x 4,005 € = 12,015 € retained of 15,000 €; contributions 6,000 x 12,015 / 15,000 =
    # 4,806 €; (12,015 + 4,806) x 7 h / 151.67 h = 776.34 €.
    assert gift.amount_cents == 77_634
    assert gift.valuation["capped"] is True
    assert (gift.kind, gift.nature, gift.given_on) == ("skills", "in_kind", dt.date(2026, 6, 10))
    assert gift.source_reference == f"skills:enrolment:{enrolment.pk}"
    assert gift.employee == person


def test_a_grade_values_the_hours_and_without_pay_data_the_flat_rate_applies(company):
    grade = PayGrade.objects.create(
        company=company,
        name="Cadre",
        monthly_gross_cents=300_000,
        employer_contributions_percent=Decimal(45),
    )
    graded, ungraded = make_employee(company), make_employee(company)
    EmployeePay.objects.create(
        profile=graded, valid_from=dt.date(2025, 1, 1), grade=grade, source="grade"
    )
    _attended(company, graded)
    _attended(company, ungraded, hours="2")
    sync_skills_sponsorship_gifts(company=company)
    amounts = dict(CompanyGift.objects.values_list("employee", "amount_cents"))
    # (3,000 + 1,350) x 7 / 151.67 = 200.76 €; flat rate: 2 h x 50 € = 100 €.
    assert amounts == {graded.pk: 20_076, ungraded.pk: 10_000}


def test_syncing_twice_changes_nothing_and_changed_hours_cancel_and_record_again(company):
    person = make_employee(company)
    enrolment = _attended(company, person, hours="3")
    sync_skills_sponsorship_gifts(company=company)
    again = sync_skills_sponsorship_gifts(company=company)
    assert (again.recorded, again.revalued, again.unchanged) == (0, 0, 1)
    enrolment.hours = Decimal(5)
    enrolment.save()
    result = sync_skills_sponsorship_gifts(company=company)
    assert result.revalued == 1
    old, new = CompanyGift.objects.order_by("pk")
    assert old.status == "cancelled" and old.amount_cents == 15_000
    assert new.status == "active" and new.amount_cents == 25_000
    assert new.source_reference == f"skills:enrolment:{enrolment.pk}:r1"


def test_a_no_show_loses_its_gift_and_other_missions_or_companies_give_none(company):
    person = make_employee(company)
    enrolment = _attended(company, person)
    _attended(company, person, kind=MissionKind.VOLUNTEERING)
    _attended(company, person, on_work_time=False)
    other = CompanyFactory()
    _attended(other, make_employee(other))
    sync_skills_sponsorship_gifts(company=company)
    assert CompanyGift.objects.filter(company=company).count() == 1
    enrolment.status = EnrolmentStatus.NO_SHOW
    enrolment.save()
    assert sync_skills_sponsorship_gifts(company=company).cancelled == 1
    assert not CompanyGift.objects.filter(status="active").exists()


def test_the_daily_task_values_every_company_s_recent_hours(company):
    from donations.tasks import value_skills_sponsorship

    person = make_employee(company)
    # A session a few days before the test clock, whatever the clock says.
    mission = make_mission(
        company=company,
        association=make_association(),
        kind=MissionKind.SKILLS_SPONSORSHIP,
        start=timezone.now() - dt.timedelta(days=3),
    )
    Enrolment.objects.create(
        employee=person,
        session=mission.sessions.get(),
        status=EnrolmentStatus.ATTENDED,
        hours=Decimal(4),
    )
    assert value_skills_sponsorship() == 1
    assert value_skills_sponsorship() == 0
    assert CompanyGift.objects.get().amount_cents == 20_000
