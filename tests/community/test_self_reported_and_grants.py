"""Self-reported hours (declared, decided in bulk) and the volunteer grants they earn."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from donations.models import CompanyGift
from donations.services import grants
from donations.services.grants import GrantTerms
from missions.exceptions import InvalidContribution
from missions.models import Enrolment, SelfReportedHours
from missions.selectors.community import (
    association_self_reported,
    company_self_reported,
    off_work_hours_by_association,
    pending_self_reported,
)
from missions.services import community
from portal.calendar import company_today
from tests.factories import make_association, make_employee, make_mission

pytestmark = pytest.mark.django_db


def _declare(employee, association, *, hours="3", days_ago=2, description="Sorting food"):
    return community.report_hours(
        employee=employee,
        association_id=association.pk,
        done_on=company_today(employee.company) - dt.timedelta(days=days_ago),
        hours=hours,
        description=description,
    )


def test_declared_hours_wait_for_approval(employee_a, associations):
    entry = _declare(employee_a, associations[0], hours="2,5")
    assert (entry.status, entry.hours) == ("pending", Decimal("2.50"))
    assert list(pending_self_reported(employee_a.company)) == [entry]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"days_ago": -1}, "done_on"),
        ({"days_ago": 400}, "done_on"),
        ({"hours": "0"}, "hours"),
        ({"hours": "17"}, "hours"),
        ({"hours": "lots"}, "hours"),
        ({"description": "   "}, "description"),
    ],
)
def test_bad_declarations_are_refused_and_write_nothing(employee_a, associations, fields, field):
    with pytest.raises(InvalidContribution) as error:
        _declare(employee_a, associations[0], **fields)
    assert error.value.field == field
    assert not SelfReportedHours.objects.exists()


def test_a_day_holds_sixteen_hours_at_most_and_unvetted_associations_are_refused(
    employee_a, associations
):
    _declare(employee_a, associations[0], hours="10")
    with pytest.raises(InvalidContribution, match="already declared"):
        _declare(employee_a, associations[1], hours="7")
    pending = make_association(title="Not vetted", vetting_status="pending")
    with pytest.raises(InvalidContribution):
        _declare(employee_a, pending)


def test_bulk_approval_and_refusal_with_reasons_stay_in_the_scope(
    employee_a, employee_b, csr_a, associations
):
    mine = [_declare(employee_a, associations[0], days_ago=d) for d in (1, 2, 3)]
    theirs = _declare(employee_b, associations[0])
    scope = company_self_reported(csr_a.company)
    assert (
        community.approve_self_reported(
            scope=scope, ids=[mine[0].pk, mine[1].pk, theirs.pk], actor=csr_a.user
        )
        == 2
    )
    with pytest.raises(InvalidContribution):
        community.refuse_self_reported(scope=scope, reasons={mine[2].pk: " "}, actor=csr_a.user)
    assert (
        community.refuse_self_reported(
            scope=scope, reasons={mine[2].pk: "Not an association activity"}, actor=csr_a.user
        )
        == 1
    )
    # Decided entries are not decided again.
    assert community.approve_self_reported(scope=scope, ids=[mine[2].pk], actor=csr_a.user) == 0
    statuses = dict(SelfReportedHours.objects.values_list("pk", "status"))
    assert [statuses[e.pk] for e in mine] == ["approved", "approved", "refused"]
    assert statuses[theirs.pk] == "pending"


def test_an_association_decides_only_its_own_declarations(employee_a, associations):
    ours = _declare(employee_a, associations[0])
    other = _declare(employee_a, associations[1], days_ago=5)
    scope = association_self_reported(associations[0].pk)
    assert community.approve_self_reported(scope=scope, ids=[ours.pk, other.pk], actor=None) == 1
    other.refresh_from_db()
    assert other.status == "pending"


# Volunteer grants ----------------------------------------------------------------------------


def _attended(employee, association, hours, *, on_work_time=False):
    mission = make_mission(
        association=association,
        on_work_time=on_work_time,
        kind="volunteering",
        start=timezone.now() - dt.timedelta(days=3),
    )
    return Enrolment.objects.create(
        employee=employee, session=mission.sessions.get(), status="attended", hours=hours
    )


def _policy(company, **terms):
    values = {
        "hours_per_grant": 10,
        "amount_per_grant_cents": 5_000,
        "yearly_budget_cents": 100_000,
        "person_yearly_cap_cents": 20_000,
    }
    values.update(terms)
    return grants.save_grant_policy(
        company=company, year=grants.current_fiscal_year(company), terms=GrantTerms(**values)
    )


def _approved(employee, association, hours, days_ago=1):
    entry = _declare(employee, association, hours=hours, days_ago=days_ago)
    community.approve_self_reported(
        scope=SelfReportedHours.objects.all(), ids=[entry.pk], actor=None
    )
    return entry


def test_off_work_hours_add_attended_sessions_and_approved_declarations(
    company_a, employee_a, associations
):
    _attended(employee_a, associations[0], Decimal(7))
    _attended(employee_a, associations[0], Decimal(7), on_work_time=True)  # not counted
    _approved(employee_a, associations[0], "4")
    _declare(employee_a, associations[0], hours="5", days_ago=3)  # pending: not counted
    start, end = grants.fiscal_year_dates(company_a, grants.current_fiscal_year(company_a))
    hours = off_work_hours_by_association(company_a, start, end)
    assert hours == {(employee_a.pk, associations[0].pk): Decimal(11)}


def test_a_grant_per_block_of_hours_recorded_once(company_a, employee_a, associations):
    policy = _policy(company_a)
    _attended(employee_a, associations[0], Decimal(7))
    _approved(employee_a, associations[0], "14")
    first = grants.compute_grants(policy_id=policy.pk)
    again = grants.compute_grants(policy_id=policy.pk)
    assert (first.recorded, first.amount_cents, again.recorded) == (2, 10_000, 0)
    references = sorted(
        CompanyGift.objects.filter(kind="grant").values_list("source_reference", flat=True)
    )
    year = policy.year
    assert references == [
        f"grant:{employee_a.pk}:{associations[0].pk}:{year}:1",
        f"grant:{employee_a.pk}:{associations[0].pk}:{year}:2",
    ]


def test_the_person_cap_and_the_budget_hold(company_a, associations):
    policy = _policy(company_a, yearly_budget_cents=12_000, person_yearly_cap_cents=7_000)
    ana, ben = make_employee(company_a), make_employee(company_a)
    for day in (1, 2, 3):
        _approved(ana, associations[0], "10", days_ago=day)
        _approved(ben, associations[1], "10", days_ago=day)
    run = grants.compute_grants(policy_id=policy.pk)
    given = {
        person: sum(
            CompanyGift.objects.filter(kind="grant", employee=person).values_list(
                "amount_cents", flat=True
            )
        )
        for person in (ana, ben)
    }
    # Ana (lower id) first: 5 000 then 2 000 (her cap); Ben: 5 000 (budget left: 0).
    assert given == {ana: 7_000, ben: 5_000}
    assert run.amount_cents == 12_000
    assert (run.skipped_for_budget, run.skipped_for_cap) == (2, 1)


def test_an_inactive_policy_gives_nothing_and_the_beat_task_runs_every_policy(
    company_a, company_b, associations
):
    off = _policy(company_a, is_active=False)
    _approved(make_employee(company_a), associations[0], "10")
    assert grants.compute_grants(policy_id=off.pk).recorded == 0
    _policy(company_b)
    _approved(make_employee(company_b), associations[0], "10")
    from donations.tasks import compute_volunteer_grants

    assert compute_volunteer_grants() == 1
    assert CompanyGift.objects.get(kind="grant").company == company_b


def test_approved_declarations_count_in_the_impact_metrics(company_a, employee_a, associations):
    from reporting.periods import Period
    from reporting.presentation import key_messages
    from reporting.selectors.metrics import company_metrics

    _attended(employee_a, associations[0], Decimal(7))
    _approved(employee_a, associations[0], "4")
    _declare(employee_a, associations[1], hours="5", days_ago=3)  # pending: not counted
    today = company_today(company_a)
    period = Period(
        "year",
        today.replace(month=1, day=1),
        today.replace(year=today.year + 1, month=1, day=1),
        year=today.year,
    )
    kpis = company_metrics(company=company_a, period=period)["kpis"]
    assert (kpis["hours"], kpis["self_reported_hours"], kpis["all_volunteering_hours"]) == (
        7,
        4,
        11,
    )
    assert kpis["self_reported_volunteers"] == 1
    messages = key_messages(company_metrics(company=company_a, period=period))
    assert any("on their own" in m for m in messages)


def test_each_employee_is_told_once_which_hours_were_refused_and_why(
    employee_a, associations, mailoutbox, django_capture_on_commit_callbacks
):
    ben = make_employee(employee_a.company)
    entries = [_declare(employee_a, associations[0], days_ago=d) for d in (1, 2)]
    entries.append(_declare(ben, associations[1]))
    scope = SelfReportedHours.objects.all()
    with django_capture_on_commit_callbacks(execute=True):
        community.refuse_self_reported(
            scope=scope,
            reasons={e.pk: f"Reason {i}" for i, e in enumerate(entries)},
            actor=None,
        )
    assert sorted(m.to[0] for m in mailoutbox) == sorted([employee_a.user.email, ben.user.email])
    ana_mail = next(m for m in mailoutbox if m.to == [employee_a.user.email])
    assert "Reason 0" in ana_mail.body and "Reason 1" in ana_mail.body
    with django_capture_on_commit_callbacks(execute=True):
        community.approve_self_reported(scope=scope, ids=[e.pk for e in entries], actor=None)
    assert len(mailoutbox) == 2  # nothing to approve any more, nobody else written to
