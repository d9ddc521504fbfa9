"""Enrolment rules: seats, waitlist, uniqueness, visibility, quota, cancellation, transitions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from missions.exceptions import (
    AlreadyEnrolled,
    CutoffPassed,
    IllegalTransition,
    NotVisible,
    QuotaExceeded,
    SessionFull,
    SessionPast,
)
from missions.models import Enrolment, EnrolmentEvent, EnrolmentStatus, MissionSession
from missions.services.enrolment import cancel, enrol, quota_of
from portal.calendar import fiscal_year_bounds
from tests.factories import make_mission
from tests.missions.engagement_helpers import (
    attachment_names,
    colleague,
    open_session,
    past_session,
    volunteering_session,
)

pytestmark = pytest.mark.django_db
S = EnrolmentStatus


def test_enrol_confirms_a_seat_when_no_approval_is_needed(employee_a, company_a):
    session = open_session(company_a)
    enrolment = enrol(employee=employee_a, session_id=session.pk)
    assert enrolment.status == S.CONFIRMED
    assert enrolment.quota_hours == Decimal("7.00")


def test_enrol_is_pending_with_a_deadline_when_the_company_requires_approval(employee_a, company_a):
    session = open_session(company_a, approval=True)
    enrolment = enrol(employee=employee_a, session_id=session.pk)
    assert enrolment.status == S.PENDING_APPROVAL
    assert timezone.now() < enrolment.approval_deadline <= session.start
    assert enrolment.approval_nonce


def test_mission_flag_asks_for_approval_even_when_the_company_does_not(employee_a, company_a):
    session = open_session(company_a, approval=False, needs_approval=True)
    assert enrol(employee=employee_a, session_id=session.pk).status == S.PENDING_APPROVAL


def test_pending_request_holds_its_seat(employee_a, company_a):
    session = open_session(company_a, seats=1, approval=True)
    enrol(employee=employee_a, session_id=session.pk)
    with pytest.raises(SessionFull):
        enrol(employee=colleague(company_a), session_id=session.pk)


def test_full_session_raises_session_full_and_writes_nothing(employee_a, company_a):
    session = open_session(company_a, seats=1)
    enrol(employee=colleague(company_a), session_id=session.pk)
    with pytest.raises(SessionFull):
        enrol(employee=employee_a, session_id=session.pk)
    assert not Enrolment.objects.filter(employee=employee_a).exists()


def test_full_session_puts_the_employee_on_the_waitlist_when_chosen(employee_a, company_a):
    session = open_session(company_a, seats=1)
    enrol(employee=colleague(company_a), session_id=session.pk)
    enrolment = enrol(employee=employee_a, session_id=session.pk, waitlist_if_full=True)
    assert enrolment.status == S.WAITLISTED
    assert enrolment.waitlisted_at is not None


def test_enrolling_twice_raises_already_enrolled_and_keeps_one_enrolment(employee_a, company_a):
    session = open_session(company_a)
    enrol(employee=employee_a, session_id=session.pk)
    with pytest.raises(AlreadyEnrolled):
        enrol(employee=employee_a, session_id=session.pk)
    with pytest.raises(AlreadyEnrolled):
        enrol(employee=employee_a, session_id=session.pk, lock=False)
    assert Enrolment.objects.filter(employee=employee_a).count() == 1


def test_another_company_cannot_enrol_in_a_private_mission(employee_b, company_a):
    session = open_session(company_a)
    with pytest.raises(NotVisible):
        enrol(employee=employee_b, session_id=session.pk)
    assert not Enrolment.objects.exists()


def test_any_company_can_enrol_in_an_open_mission(employee_b, company_a, company_b):
    company_b.approval_required = False
    company_b.save()
    mission = make_mission(company=company_a, visibility="all")
    session = mission.sessions.get()
    assert enrol(employee=employee_b, session_id=session.pk).status == S.CONFIRMED


def test_unpublished_mission_cannot_be_enrolled_in(employee_a, company_a):
    session = open_session(company_a)
    session.mission.unpublish()
    with pytest.raises(NotVisible):
        enrol(employee=employee_a, session_id=session.pk)


def test_a_session_that_started_is_refused(employee_a, company_a):
    session = past_session(company_a)
    with pytest.raises(SessionPast):
        enrol(employee=employee_a, session_id=session.pk)


def test_quota_refusal_says_how_much_is_left(employee_a, company_a):
    # 2 days of 7 hours: two 7-hour citizen days fit, the third does not.
    sessions = [open_session(company_a) for _ in range(3)]
    enrol(employee=employee_a, session_id=sessions[0].pk)
    enrol(employee=employee_a, session_id=sessions[1].pk)
    with pytest.raises(QuotaExceeded) as refused:
        enrol(employee=employee_a, session_id=sessions[2].pk)
    assert refused.value.hours_left == Decimal("0.00")
    assert refused.value.hours_needed == Decimal("7.00")
    # The message is in the active language (French here), decimals too.
    assert "0,00" in refused.value.message and "7,00" in refused.value.message


def test_quota_tells_partial_days_left(employee_a, company_a):
    company_a.yearly_quota_days = Decimal("1.5")
    company_a.save()
    first, second = open_session(company_a), open_session(company_a)
    enrol(employee=employee_a, session_id=first.pk)
    with pytest.raises(QuotaExceeded) as refused:
        enrol(employee=employee_a, session_id=second.pk)
    assert refused.value.hours_left == Decimal("3.50")
    assert refused.value.days_left == Decimal("0.5")


def test_missions_outside_work_time_do_not_count_against_the_quota(employee_a, company_a):
    company_a.yearly_quota_days = Decimal("0")
    company_a.save()
    session = volunteering_session(company_a)
    enrolment = enrol(employee=employee_a, session_id=session.pk)
    assert enrolment.status == S.CONFIRMED and enrolment.quota_hours == 0


def test_cancelled_enrolments_give_their_quota_back(employee_a, company_a):
    sessions = [open_session(company_a) for _ in range(3)]
    first = enrol(employee=employee_a, session_id=sessions[0].pk)
    enrol(employee=employee_a, session_id=sessions[1].pk)
    cancel(employee=employee_a, enrolment_id=first.pk)
    assert enrol(employee=employee_a, session_id=sessions[2].pk).status == S.CONFIRMED
    assert quota_of(employee=employee_a, moment=sessions[2].start).left_hours == Decimal("0.00")


def test_quota_is_counted_per_fiscal_year(employee_a, company_a):
    company_a.fiscal_year_start_month = 9
    company_a.save()
    start, end = fiscal_year_bounds(company_a, dt.datetime(2027, 3, 1, tzinfo=dt.UTC))
    assert (start.year, start.month, end.year, end.month) == (2026, 9, 2027, 9)
    start, _ = fiscal_year_bounds(company_a, dt.datetime(2027, 10, 1, tzinfo=dt.UTC))
    assert (start.year, start.month) == (2027, 9)
    # Sessions in the next fiscal year draw on the next year's quota.
    this_year = [open_session(company_a) for _ in range(2)]
    for session in this_year:
        enrol(employee=employee_a, session_id=session.pk)
    later = open_session(company_a, start=timezone.now() + dt.timedelta(days=400))
    assert enrol(employee=employee_a, session_id=later.pk).status == S.CONFIRMED


def test_a_long_session_counts_at_most_a_work_day_per_day(employee_a, company_a):
    # 09:00 to 15:00 the next day (local time): two calendar days, whatever the clock says.
    start = (timezone.localtime() + dt.timedelta(days=7)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    session = open_session(company_a, start=start)
    MissionSession.objects.filter(pk=session.pk).update(end=session.start + dt.timedelta(hours=30))
    enrolment = enrol(employee=employee_a, session_id=session.pk)
    assert enrolment.quota_hours == Decimal("14.00")  # two calendar days of 7 h


def test_cancel_promotes_the_first_waitlisted_who_is_told_by_email(
    employee_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    session = open_session(company_a, seats=1)
    first_in_line, second_in_line = colleague(company_a), colleague(company_a)
    holder = enrol(employee=employee_a, session_id=session.pk)
    enrol(employee=first_in_line, session_id=session.pk, waitlist_if_full=True)
    enrol(employee=second_in_line, session_id=session.pk, waitlist_if_full=True)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel(employee=employee_a, enrolment_id=holder.pk)
    statuses = dict(Enrolment.objects.values_list("employee_id", "status"))
    assert statuses[first_in_line.pk] == S.CONFIRMED
    assert statuses[second_in_line.pk] == S.WAITLISTED
    recipients = {m.to[0]: m for m in mailoutbox}
    assert first_in_line.user.email in recipients
    assert "invitation.ics" in attachment_names(recipients[first_in_line.user.email])
    assert employee_a.user.email in recipients  # the cancellation, with METHOD:CANCEL


def test_promotion_passes_over_someone_without_quota_left(employee_a, company_a):
    session = open_session(company_a, seats=1)
    no_quota_left = colleague(company_a)
    for other in (open_session(company_a), open_session(company_a)):
        enrol(employee=no_quota_left, session_id=other.pk)
    waiting_ok = colleague(company_a)
    holder = enrol(employee=employee_a, session_id=session.pk)
    # Joined the waitlist when quota allowed it? Here it never did: enrol refuses outright.
    with pytest.raises(QuotaExceeded):
        enrol(employee=no_quota_left, session_id=session.pk, waitlist_if_full=True)
    enrol(employee=waiting_ok, session_id=session.pk, waitlist_if_full=True)
    cancel(employee=employee_a, enrolment_id=holder.pk)
    assert Enrolment.objects.get(employee=waiting_ok).status == S.CONFIRMED


def test_cancel_after_the_cutoff_is_refused_and_changes_nothing(employee_a, company_a):
    session = open_session(company_a, start=timezone.now() + dt.timedelta(hours=24))
    enrolment = enrol(employee=employee_a, session_id=session.pk)
    with pytest.raises(CutoffPassed):
        cancel(employee=employee_a, enrolment_id=enrolment.pk)
    enrolment.refresh_from_db()
    assert enrolment.status == S.CONFIRMED


def test_cutoff_is_set_per_mission(employee_a, company_a):
    session = open_session(
        company_a, start=timezone.now() + dt.timedelta(hours=24), cancellation_cutoff_hours=12
    )
    enrolment = enrol(employee=employee_a, session_id=session.pk)
    assert cancel(employee=employee_a, enrolment_id=enrolment.pk).status == S.CANCELLED


def test_waitlist_place_can_be_left_after_the_cutoff(employee_a, company_a):
    session = open_session(company_a, seats=1, start=timezone.now() + dt.timedelta(hours=5))
    enrol(employee=colleague(company_a), session_id=session.pk)
    waiting = enrol(employee=employee_a, session_id=session.pk, waitlist_if_full=True)
    assert cancel(employee=employee_a, enrolment_id=waiting.pk).status == S.CANCELLED


def test_someone_else_cannot_cancel_my_enrolment(employee_a, company_a):
    session = open_session(company_a)
    enrolment = enrol(employee=employee_a, session_id=session.pk)
    with pytest.raises(NotVisible):
        cancel(employee=colleague(company_a), enrolment_id=enrolment.pk)


def test_enrolling_again_after_cancelling_reuses_the_enrolment(employee_a, company_a):
    session = open_session(company_a)
    first = enrol(employee=employee_a, session_id=session.pk)
    cancel(employee=employee_a, enrolment_id=first.pk)
    again = enrol(employee=employee_a, session_id=session.pk)
    assert again.pk == first.pk and again.status == S.CONFIRMED
    assert list(again.events.values_list("from_status", "to_status")) == [
        ("", S.CONFIRMED),
        (S.CONFIRMED, S.CANCELLED),
        (S.CANCELLED, S.CONFIRMED),
    ]


def test_every_transition_is_logged_with_its_actor(employee_a, company_a):
    session = open_session(company_a)
    enrolment = enrol(employee=employee_a, session_id=session.pk)
    event = EnrolmentEvent.objects.get(enrolment=enrolment)
    assert (event.actor, event.from_status, event.to_status) == (employee_a, "", S.CONFIRMED)


ALL = [None, *S.values]


@pytest.mark.parametrize("from_status", ALL)
@pytest.mark.parametrize("to_status", S.values)
def test_transition_table_allows_exactly_what_it_declares(from_status, to_status):
    allowed = {
        None: {"pending", "confirmed", "waitlisted"},
        "pending": {"confirmed", "declined", "cancelled", "expired"},
        "waitlisted": {"pending", "confirmed", "cancelled", "expired"},
        "confirmed": {"cancelled", "attended", "no_show"},
        "attended": {"no_show"},
        "no_show": {"attended"},
        "cancelled": {"pending", "confirmed", "waitlisted"},
        "expired": {"pending", "confirmed", "waitlisted"},
        "declined": set(),
    }
    assert Enrolment.can_transition(from_status, to_status) == (to_status in allowed[from_status])


def test_an_illegal_transition_raises_and_saves_nothing(employee_a, company_a):
    session = open_session(company_a, approval=True)
    enrolment = enrol(employee=employee_a, session_id=session.pk)
    enrolment.transition_to(S.DECLINED)
    with pytest.raises(IllegalTransition):
        enrolment.transition_to(S.CONFIRMED)
    enrolment.refresh_from_db()
    assert enrolment.status == S.DECLINED
    assert enrolment.events.count() == 2


def test_no_email_leaves_when_the_enrolment_is_refused(
    employee_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    session = open_session(company_a, seats=1)
    enrol(employee=colleague(company_a), session_id=session.pk)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SessionFull):
        enrol(employee=employee_a, session_id=session.pk)
    assert mailoutbox == []


def test_the_cancel_link_follows_the_cutoff(client, employee_a, company_a):
    from django.urls import reverse

    from missions.services.enrolment import may_cancel

    late = enrol(
        employee=employee_a,
        session_id=open_session(company_a, start=timezone.now() + dt.timedelta(hours=24)).pk,
    )
    early = enrol(
        employee=employee_a,
        session_id=open_session(company_a, start=timezone.now() + dt.timedelta(days=10)).pk,
    )
    assert not may_cancel(late) and may_cancel(early)
    client.force_login(employee_a.user)
    detail = client.get(reverse("missions:enrolment", args=[late.pk]))
    assert detail.context["can_cancel"] is False
    assert client.get(reverse("missions:enrolment", args=[early.pk])).context["can_cancel"]
