"""Leavers: pledges end after the leave date, later enrolments are cancelled, approvals pass to
the CSR team, the daily task and the grace period, re-hire."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from donations.exceptions import InvalidCardDonation, InvalidPledge
from donations.models import AuditEntry, Pledge
from donations.services.cards import start_card_donation
from donations.services.payroll import import_net_pay, open_payroll_run
from missions.exceptions import AfterLeaveDate, LeftCompany, NotAllowed
from missions.models import Enrolment
from missions.models import EnrolmentStatus as S
from missions.services.enrolment import decide, enrol, pending_for
from portal.models import EmployeeProfile
from portal.people.departures import apply_departures
from portal.people.records import PersonRecord, apply_person
from portal.tasks import apply_departures as apply_departures_task
from tests.donations.conftest import NET_PAY_FILE, pledge_for
from tests.factories import make_employee
from tests.missions.engagement_helpers import colleague
from tests.missions.engagement_helpers import open_session as work_time_session

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_default_day")]

# The test clock: Tuesday 2026-11-17, 10:00 in Paris.
TODAY = dt.date(2026, 11, 17)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def leave(profile: EmployeeProfile, day: dt.date | None) -> EmployeeProfile:
    """Record (or clear) a leave date the way SSO, SCIM and the HR file do."""
    apply_person(
        profile.company,
        PersonRecord(
            email=profile.user.email,
            employee_number=profile.employee_number or None,
            leave_date=day,
            clear_leave_date=day is None,
        ),
        source="test",
    )
    profile.refresh_from_db()
    return profile


# ---------------------------------------------------------------------------- giving


def test_pledge_stops_after_the_leave_dates_month_and_keeps_its_consent(company_a, payroll_people):
    e1 = payroll_people[0]
    pledge = Pledge.objects.get(employee=e1)
    consent = (pledge.consent_text_version, pledge.consented_at)
    leave(e1, dt.date(2026, 12, 15))
    pledge.refresh_from_db()
    assert pledge.end_month == dt.date(2027, 1, 1)
    assert (pledge.consent_text_version, pledge.consented_at) == consent
    entry = AuditEntry.objects.get(action="pledge.ended_by_departure")
    assert entry.data["leave_date"] == "2026-12-15"

    december = import_net_pay(
        run=open_payroll_run(company=company_a, month=dt.date(2026, 12, 1)),
        data=NET_PAY_FILE,
        filename="paie.csv",
    ).run
    january = import_net_pay(
        run=open_payroll_run(company=company_a, month=dt.date(2027, 1, 1)),
        data=NET_PAY_FILE,
        filename="paie.csv",
    ).run
    assert dict(december.lines.values_list("employee_number", "deduction_cents"))["E001"] == 67
    january_lines = dict(january.lines.values_list("employee_number", "deduction_cents"))
    assert january_lines["E001"] == 0 and january_lines["E002"] == 90


def test_payroll_never_collects_after_the_leave_date_even_without_the_signal(
    company_a, payroll_people
):
    e1 = payroll_people[0]
    # A leave date written behind the services' back: the computation still skips the leaver.
    EmployeeProfile.objects.filter(pk=e1.pk).update(leave_date=dt.date(2026, 10, 31))
    run = import_net_pay(
        run=open_payroll_run(company=company_a, month=dt.date(2026, 11, 1)),
        data=NET_PAY_FILE,
        filename="paie.csv",
    ).run
    assert dict(run.lines.values_list("employee_number", "deduction_cents"))["E001"] == 0


def test_leaver_in_grace_period_cannot_pledge_or_give(company_a, round_up_a):
    person = make_employee(company_a, employee_number="L1")
    leave(person, dt.date(2026, 11, 10))
    with pytest.raises(InvalidPledge, match="You left"):
        pledge_for(person, round_up_a)
    with pytest.raises(InvalidCardDonation, match="statements"):
        start_card_donation(donor=person, association_id=round_up_a[0].pk, amount_cents=1000)


def test_future_leaver_can_still_pledge_until_their_last_day(company_a, round_up_a):
    person = make_employee(company_a, employee_number="L2")
    leave(person, dt.date(2026, 12, 31))
    assert pledge_for(person, round_up_a, start=None).pk


# ---------------------------------------------------------------------------- engagement


def open_session(company, **fields):
    """Outside work time (the yearly quota stays out of the way)."""
    from missions.models import MissionKind

    return work_time_session(company, kind=MissionKind.VOLUNTEERING, on_work_time=False, **fields)


def test_enrolments_after_the_leave_date_are_cancelled_and_seats_freed(company_a):
    person = make_employee(company_a, employee_number="L3")
    soon = open_session(company_a, seats=1, start=timezone.now() + dt.timedelta(days=2))
    later = open_session(company_a, seats=1, start=timezone.now() + dt.timedelta(days=20))
    pending_later = open_session(
        company_a, needs_approval=True, start=timezone.now() + dt.timedelta(days=21)
    )
    waiting_later = open_session(company_a, seats=1, start=timezone.now() + dt.timedelta(days=22))
    enrol(employee=colleague(company_a), session_id=waiting_later.pk)
    kept = enrol(employee=person, session_id=soon.pk)
    freed = enrol(employee=person, session_id=later.pk)
    waiting_for_seat = colleague(company_a)
    queued = enrol(employee=waiting_for_seat, session_id=later.pk, waitlist_if_full=True)
    pending = enrol(employee=person, session_id=pending_later.pk)
    waitlisted = enrol(employee=person, session_id=waiting_later.pk, waitlist_if_full=True)
    assert (pending.status, waitlisted.status) == (S.PENDING_APPROVAL, S.WAITLISTED)

    leave(person, dt.date(2026, 11, 25))  # between the two sessions

    statuses = dict(Enrolment.objects.values_list("pk", "status"))
    assert statuses[kept.pk] == S.CONFIRMED
    assert statuses[freed.pk] == S.CANCELLED
    assert statuses[pending.pk] == S.CANCELLED
    assert statuses[waitlisted.pk] == S.CANCELLED
    assert statuses[queued.pk] == S.CONFIRMED  # promoted into the freed seat

    # Enrolling after the leave date is refused, before it is still possible.
    with pytest.raises(AfterLeaveDate):
        enrol(employee=person, session_id=later.pk, waitlist_if_full=True)
    other_soon = open_session(company_a, start=timezone.now() + dt.timedelta(days=3))
    assert enrol(employee=person, session_id=other_soon.pk).status == S.CONFIRMED


def test_a_seat_within_the_cancellation_cutoff_is_freed_too(company_a):
    person = make_employee(company_a, employee_number="L4")
    session = open_session(company_a, start=timezone.now() + dt.timedelta(hours=5))
    enrolment = enrol(employee=person, session_id=session.pk)
    leave(person, dt.date(2026, 11, 16))  # yesterday
    enrolment.refresh_from_db()
    assert enrolment.status == S.CANCELLED
    with pytest.raises(LeftCompany, match="statements"):
        enrol(employee=person, session_id=open_session(company_a).pk)


def test_pending_approvals_pass_to_the_csr_team_once_the_manager_has_left(
    company_a, csr_a, mailoutbox, django_capture_on_commit_callbacks
):
    manager = make_employee(company_a, employee_number="M1")
    report = make_employee(company_a, employee_number="R1")
    report.manager = manager
    report.save()
    session = open_session(
        company_a, needs_approval=True, start=timezone.now() + dt.timedelta(days=2)
    )
    request = enrol(employee=report, session_id=session.pk)
    assert list(pending_for(csr_a)) == []

    leave(manager, dt.date(2026, 11, 20))  # still in post until the 20th
    assert list(pending_for(manager)) == [request]
    with pytest.raises(NotAllowed):
        decide(approver=csr_a, enrolment_id=request.pk, approve=True)

    leave(manager, dt.date(2026, 11, 16))  # the date moved: left yesterday
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        counts = apply_departures(company=company_a)
    assert counts.departed == 1
    assert [m.to[0] for m in mailoutbox] == [csr_a.user.email]  # the approval request
    assert list(pending_for(manager)) == []
    assert list(pending_for(csr_a)) == [request]
    with pytest.raises(NotAllowed):
        decide(approver=manager, enrolment_id=request.pk, approve=True)
    assert decide(approver=csr_a, enrolment_id=request.pk, approve=True).status == S.CONFIRMED

    # Idempotent: a second run hands nothing over again and sends nothing.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert apply_departures(company=company_a).departed == 0
    assert mailoutbox == []


# ---------------------------------------------------------------------------- the daily task


def test_account_deactivated_after_the_grace_period_then_reopened_on_rehire(
    company_a, settings, round_up_a
):
    settings.CORDEE_LEAVER_GRACE_DAYS = 10
    in_grace = make_employee(company_a, employee_number="G1")
    past_grace = make_employee(company_a, employee_number="G2")
    leave(in_grace, TODAY - dt.timedelta(days=10))
    leave(past_grace, TODAY - dt.timedelta(days=11))
    result = apply_departures_task.delay().get()
    assert result == {"departed": 2, "deactivated": 1}
    in_grace.user.refresh_from_db()
    past_grace.user.refresh_from_db()
    assert in_grace.user.is_active and not past_grace.user.is_active
    assert apply_departures_task.delay().get() == {"departed": 0, "deactivated": 0}

    leave(past_grace, None)  # re-hired
    past_grace.user.refresh_from_db()
    assert past_grace.user.is_active and past_grace.departure_applied_on is None
    # Nothing restarted by itself, but the person may pledge again.
    assert not Pledge.objects.filter(employee=past_grace).exists()
    assert pledge_for(past_grace, round_up_a, start=None).pk


def test_a_leave_date_still_ahead_is_not_applied(company_a):
    person = make_employee(company_a, employee_number="F1")
    leave(person, TODAY)  # today is still their last day
    assert apply_departures(company=company_a).departed == 0
    person.refresh_from_db()
    assert person.departure_applied_on is None and person.user.is_active


# ---------------------------------------------------------------------------- the admin


def test_a_leave_date_set_in_the_admin_is_announced_like_any_other(client, company_a, csr_a):
    person = make_employee(company_a, employee_number="A1")
    later = open_session(company_a, start=timezone.now() + dt.timedelta(days=20))
    enrolment = enrol(employee=person, session_id=later.pk)
    client.force_login(csr_a.user)
    form = {"employee_number": "A1", "hire_date": "2020-01-06", "leave_date": "2026-11-30"}
    response = client.post(f"/admin/people/edit/{person.pk}/", form)
    assert response.status_code == 302, response.content.decode()[:1500]
    person.refresh_from_db()
    enrolment.refresh_from_db()
    assert person.leave_date == dt.date(2026, 11, 30)
    assert enrolment.status == S.CANCELLED
    # A leave date before the hire date is refused by the model's constraint check.
    form.update(leave_date="2019-01-01")
    assert client.post(f"/admin/people/edit/{person.pk}/", form).status_code == 200
