"""A CSR officer cancels a session: everyone in it is cancelled, told why, and the seats vanish."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from icalendar import Calendar

from missions.exceptions import AlreadyCancelled, NotVisible, SessionCancelled, SessionPast
from missions.models import (
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    MissionKind,
    MissionSession,
)
from missions.services.enrolment import cancel, enrol, quota_of
from missions.services.sessions import cancel_session
from portal.mail import language_of
from tests.factories import make_mission
from tests.missions.engagement_helpers import (
    attachment,
    attachment_names,
    colleague,
    open_session,
    past_session,
)

pytestmark = pytest.mark.django_db
S = EnrolmentStatus
REASON = "The association van broke down"


def full_session_with_everyone(company, *, approval: bool = False):
    """Two seats: a confirmed (or pending) pair, one person on the waitlist, one who left."""
    session = open_session(company, seats=2, approval=approval)
    holders = [colleague(company), colleague(company)]
    for person in holders:
        enrol(employee=person, session_id=session.pk)
    waiting = colleague(company)
    enrol(employee=waiting, session_id=session.pk, waitlist_if_full=True)
    return session, holders, waiting


# ---------------------------------------------------------------------------- service


def test_cancelling_cancels_everyone_gives_quota_back_and_tells_each_person_once(
    csr_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    session, holders, waiting = full_session_with_everyone(company_a)
    left_before = quota_of(employee=holders[0], moment=session.start).used_hours
    assert left_before > 0
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = cancel_session(officer=csr_a, session_id=session.pk, reason=REASON)

    session.refresh_from_db()
    assert session.cancelled_at is not None and session.cancellation_reason == REASON
    assert len(cancelled) == 3
    assert set(Enrolment.objects.filter(session=session).values_list("status", flat=True)) == {
        S.CANCELLED
    }
    assert quota_of(employee=holders[0], moment=session.start).used_hours == Decimal(0)
    # The audit trail: one event per person, the officer as actor.
    events = EnrolmentEvent.objects.filter(enrolment__session=session, to_status=S.CANCELLED)
    assert events.count() == 3
    assert {e.actor_id for e in events} == {csr_a.pk}
    assert {e.note for e in events} == {"session cancelled"}
    assert {e.from_status for e in events} == {S.CONFIRMED, S.WAITLISTED}

    by_recipient = {}
    for message in mailoutbox:
        by_recipient.setdefault(message.to[0], []).append(message)
    people = [*holders, waiting]
    assert set(by_recipient) == {p.user.email for p in people}
    assert all(len(messages) == 1 for messages in by_recipient.values())
    for person in people:
        message = by_recipient[person.user.email][0]
        assert REASON in message.body
        assert csr_a.display_name in message.body
    # Seat holders get the calendar CANCEL of their invitation; the waitlisted had none.
    for person in holders:
        message = by_recipient[person.user.email][0]
        part = attachment(message, "cancellation.ics")
        calendar = Calendar.from_ical(part.get_content())
        assert calendar["METHOD"] == "CANCEL" and part.get_param("method") == "CANCEL"
        enrolment = Enrolment.objects.get(employee=person, session=session)
        assert calendar.walk("VEVENT")[0]["UID"] == enrolment.calendar_uid
    assert attachment_names(by_recipient[waiting.user.email][0]) == []
    # Only a seat held work time: the waitlisted person is not told it is given back.
    for person in people:
        with translation.override(language_of(person)):
            given_back = gettext("The work time it held in your yearly quota is given back.")
        assert (given_back in by_recipient[person.user.email][0].body) == (person in holders)


def test_pending_requests_are_cancelled_and_their_approval_links_die(
    csr_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    session = open_session(company_a, approval=True)
    requester = colleague(company_a)
    pending = enrol(employee=requester, session_id=session.pk)
    assert pending.status == S.PENDING_APPROVAL and pending.approval_nonce
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(officer=csr_a, session_id=session.pk, reason=REASON)
    pending.refresh_from_db()
    assert pending.status == S.CANCELLED
    assert pending.approval_nonce == "" and pending.approval_deadline is None
    assert [m.to[0] for m in mailoutbox] == [requester.user.email]
    assert "cancellation.ics" in attachment_names(mailoutbox[0])


def test_people_who_had_already_left_are_not_told_again(
    csr_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    session = open_session(company_a)
    left, staying = colleague(company_a), colleague(company_a)
    gone = enrol(employee=left, session_id=session.pk)
    enrol(employee=staying, session_id=session.pk)
    cancel(employee=left, enrolment_id=gone.pk)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = cancel_session(officer=csr_a, session_id=session.pk, reason=REASON)
    assert gone.pk not in cancelled
    assert [m.to[0] for m in mailoutbox] == [staying.user.email]
    assert gone.events.count() == 2  # enrolled, then left by themselves: nothing added


def test_emails_leave_only_after_commit(csr_a, company_a, mailoutbox):
    session, _, _ = full_session_with_everyone(company_a)
    mailoutbox.clear()
    # pytest-django's test transaction never commits: the callbacks stay queued.
    cancel_session(officer=csr_a, session_id=session.pk, reason=REASON)
    assert mailoutbox == []


def test_a_failure_after_the_changes_rolls_everything_back_and_sends_nothing(
    csr_a, company_a, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    session, _, _ = full_session_with_everyone(company_a)
    mailoutbox.clear()
    calls = []

    def fail_on_second(self, *args, **kwargs):
        calls.append(self.pk)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return original(self, *args, **kwargs)

    original = Enrolment.transition_to
    monkeypatch.setattr(Enrolment, "transition_to", fail_on_second)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        cancel_session(officer=csr_a, session_id=session.pk, reason=REASON)
    assert callbacks == [] and mailoutbox == []
    session.refresh_from_db()
    assert session.cancelled_at is None
    assert Enrolment.objects.filter(session=session, status=S.CANCELLED).count() == 0


def test_cancelling_twice_raises_and_changes_and_sends_nothing(
    csr_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    session, _, _ = full_session_with_everyone(company_a)
    cancel_session(officer=csr_a, session_id=session.pk, reason=REASON)
    session.refresh_from_db()
    first_at = session.cancelled_at
    events = EnrolmentEvent.objects.count()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AlreadyCancelled):
        cancel_session(officer=csr_a, session_id=session.pk, reason="Another reason")
    session.refresh_from_db()
    assert session.cancelled_at == first_at and session.cancellation_reason == REASON
    assert EnrolmentEvent.objects.count() == events
    assert mailoutbox == []


def test_another_companys_officer_is_refused_and_nothing_changes(csr_b, company_a):
    session, _, _ = full_session_with_everyone(company_a)
    with pytest.raises(NotVisible):
        cancel_session(officer=csr_b, session_id=session.pk, reason=REASON)
    session.refresh_from_db()
    assert session.cancelled_at is None
    assert Enrolment.objects.filter(session=session, status=S.CONFIRMED).count() == 2


def test_an_open_mission_of_another_company_is_still_theirs_to_cancel(csr_b, company_a):
    session = open_session(company_a, visibility="all")
    with pytest.raises(NotVisible):
        cancel_session(officer=csr_b, session_id=session.pk, reason=REASON)


def test_a_plain_employee_is_refused(employee_a, company_a):
    session = open_session(company_a)
    with pytest.raises(NotVisible):
        cancel_session(officer=employee_a, session_id=session.pk, reason=REASON)
    assert MissionSession.objects.get(pk=session.pk).cancelled_at is None


def test_a_started_session_is_refused(csr_a, company_a):
    session = past_session(company_a, days_ago=0)
    with pytest.raises(SessionPast):
        cancel_session(officer=csr_a, session_id=session.pk, reason=REASON)
    assert MissionSession.objects.get(pk=session.pk).cancelled_at is None


def test_a_session_starting_now_is_refused(csr_a, company_a):
    session = open_session(company_a)
    with pytest.raises(SessionPast):
        cancel_session(officer=csr_a, session_id=session.pk, reason=REASON, now=session.start)


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_a_reason_is_required_and_bounded(csr_a, company_a, reason):
    session = open_session(company_a)
    with pytest.raises(ValueError):
        cancel_session(officer=csr_a, session_id=session.pk, reason=reason)
    assert MissionSession.objects.get(pk=session.pk).cancelled_at is None


def test_an_unknown_session_is_not_visible(csr_a, db):
    with pytest.raises(NotVisible):
        cancel_session(officer=csr_a, session_id=999_999, reason=REASON)


def test_enrolling_into_a_cancelled_session_is_refused(csr_a, employee_a, company_a):
    session = open_session(company_a)
    cancel_session(officer=csr_a, session_id=session.pk, reason=REASON)
    with pytest.raises(SessionCancelled):
        enrol(employee=employee_a, session_id=session.pk)
    with pytest.raises(SessionCancelled):
        enrol(employee=employee_a, session_id=session.pk, waitlist_if_full=True)
    assert not Enrolment.objects.filter(session=session).exists()


def test_someone_cancelled_with_the_session_cannot_enrol_again(csr_a, employee_a, company_a):
    session = open_session(company_a)
    enrol(employee=employee_a, session_id=session.pk)
    cancel_session(officer=csr_a, session_id=session.pk, reason=REASON)
    with pytest.raises(SessionCancelled):
        enrol(employee=employee_a, session_id=session.pk)
    assert Enrolment.objects.get(session=session).status == S.CANCELLED


def test_republishing_the_mission_keeps_the_cancellation(csr_a, company_a):
    # Wagtail rewrites the sessions from a revision saved before the cancellation.
    session = open_session(company_a)
    mission = session.mission
    revision = mission.save_revision()
    cancel_session(officer=csr_a, session_id=session.pk, reason=REASON)
    revision.publish()
    session.refresh_from_db()
    assert session.cancelled_at is not None and session.cancellation_reason == REASON


# ---------------------------------------------------------------------------- catalogue


@pytest.fixture
def list_url(site_tree):
    return site_tree["missions"].url


def test_the_catalogue_shows_the_next_session_that_is_not_cancelled(
    client, employee_a, csr_a, company_a, list_url
):
    mission = make_mission(company=company_a, title="Food bank", sessions=2)
    first, second = mission.sessions.order_by("start")
    cancel_session(officer=csr_a, session_id=first.pk, reason=REASON)
    client.force_login(employee_a.user)

    cards = client.get(list_url).context["missions"]
    assert [(m.title, m.next_start) for m in cards] == [("Food bank", second.start)]
    page = client.get(mission.url)
    assert [s.pk for s in page.context["sessions"]] == [second.pk]


def test_a_cancelled_session_is_not_counted_as_seats_left(
    client, employee_a, csr_a, company_a, list_url
):
    cancelled = open_session(company_a, title="Called off")
    open_session(company_a, title="Still on")
    cancel_session(officer=csr_a, session_id=cancelled.pk, reason=REASON)
    client.force_login(employee_a.user)

    with_seats = client.get(list_url, {"seats": "on"}).context["missions"]
    assert [m.title for m in with_seats] == ["Still on"]
    listed = {m.title: m for m in client.get(list_url).context["missions"]}
    assert listed["Called off"].next_start is None and listed["Called off"].next_seats_left is None
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    in_range = client.get(list_url, {"date_from": tomorrow.isoformat()}).context["missions"]
    assert "Called off" not in [m.title for m in in_range]


def test_the_enrol_page_says_the_session_is_cancelled_and_refuses(
    client, employee_a, csr_a, company_a
):
    session = open_session(company_a)
    cancel_session(officer=csr_a, session_id=session.pk, reason=REASON)
    client.force_login(employee_a.user)
    url = reverse("missions:enrol", args=[session.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert REASON in page.content.decode()
    assert f'action="{url}"' not in page.content.decode()  # no enrolment form
    response = client.post(url, follow=True)
    assert not Enrolment.objects.filter(session=session).exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_the_employee_sees_why_on_their_enrolment(client, csr_a, employee_a, company_a):
    session = open_session(company_a)
    enrolment = enrol(employee=employee_a, session_id=session.pk)
    cancel_session(officer=csr_a, session_id=session.pk, reason=REASON)
    client.force_login(employee_a.user)
    page = client.get(reverse("missions:enrolment", args=[enrolment.pk]))
    assert page.status_code == 200 and REASON in page.content.decode()


# ---------------------------------------------------------------------------- pages


def cancel_url(session) -> str:
    return reverse("missions:csr_cancel_session", args=[session.pk])


def roster_url(session) -> str:
    return reverse("missions:csr_roster", args=[session.pk])


def test_officer_cancels_from_the_roster_with_a_reason(
    client, csr_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    session, _, _ = full_session_with_everyone(company_a)
    client.force_login(csr_a.user)
    roster = client.get(roster_url(session)).content.decode()
    assert cancel_url(session) in roster

    assert client.get(cancel_url(session)).status_code == 200
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel_url(session), {"reason": REASON})
    assert response.status_code == 302 and response["Location"] == roster_url(session)
    assert len(mailoutbox) == 3

    page = client.get(roster_url(session))
    assert [m.level_tag for m in page.context["messages"]] == ["success"]
    html = page.content.decode()
    assert REASON in html
    assert cancel_url(session) not in html  # no second cancellation offered
    assert not page.context["can_cancel"]


@pytest.mark.parametrize("reason", ["", "  ", "x" * 301])
def test_the_confirmation_needs_a_reason_of_bounded_length(client, csr_a, company_a, reason):
    session, _, _ = full_session_with_everyone(company_a)
    client.force_login(csr_a.user)
    response = client.post(cancel_url(session), {"reason": reason})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    session.refresh_from_db()
    assert session.cancelled_at is None
    assert not Enrolment.objects.filter(session=session, status=S.CANCELLED).exists()


def test_posting_twice_tells_the_officer_it_is_already_cancelled(client, csr_a, company_a):
    session = open_session(company_a)
    client.force_login(csr_a.user)
    client.post(cancel_url(session), {"reason": REASON}, follow=True)
    response = client.post(cancel_url(session), {"reason": "Again"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    session.refresh_from_db()
    assert session.cancellation_reason == REASON


def test_the_roster_offers_no_cancellation_once_started(client, csr_a, company_a):
    session = past_session(company_a, days_ago=0)
    client.force_login(csr_a.user)
    assert cancel_url(session) not in client.get(roster_url(session)).content.decode()
    response = client.post(cancel_url(session), {"reason": REASON}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert MissionSession.objects.get(pk=session.pk).cancelled_at is None


@pytest.mark.parametrize("visibility", ["company", "all"])
def test_another_companys_officer_gets_404(client, csr_b, company_a, visibility):
    session, _, _ = full_session_with_everyone(company_a)
    if visibility == "all":
        session = open_session(company_a, visibility="all")
        enrol(employee=colleague(company_a), session_id=session.pk)
    client.force_login(csr_b.user)
    assert client.get(cancel_url(session)).status_code == 404
    assert client.post(cancel_url(session), {"reason": REASON}).status_code == 404
    if visibility == "all":  # b may follow an open mission's roster, not cancel it
        roster = client.get(roster_url(session))
        assert roster.status_code == 200 and cancel_url(session) not in roster.content.decode()
    assert MissionSession.objects.get(pk=session.pk).cancelled_at is None


def test_a_plain_employee_gets_404(client, employee_a, company_a):
    session = open_session(company_a)
    client.force_login(employee_a.user)
    assert client.get(cancel_url(session)).status_code == 404
    assert client.post(cancel_url(session), {"reason": REASON}).status_code == 404
    assert MissionSession.objects.get(pk=session.pk).cancelled_at is None


def test_an_unknown_session_gets_404(client, csr_a):
    client.force_login(csr_a.user)
    assert client.get(reverse("missions:csr_cancel_session", args=[999_999])).status_code == 404


def test_the_mission_overview_marks_the_cancelled_session(client, csr_a, company_a):
    session = open_session(company_a)
    cancel_session(officer=csr_a, session_id=session.pk, reason=REASON)
    client.force_login(csr_a.user)
    response = client.get(reverse("missions:csr_mission", args=[session.mission_id]))
    assert response.status_code == 200
    assert [s.cancelled_at is not None for s in response.context["sessions"]] == [True]


# ---------------------------------------------------------------------------- race (PostgreSQL)


def _cancel_during_enrolments(company_a, monkeypatch, *, lock: bool) -> tuple[Counter, list]:
    """Twenty people enrol while the officer cancels, once the first enrolment counts seats.

    Returns the statuses left in the session and the unexpected errors.
    """
    from missions.services import enrolment as enrolment_service
    from tests.missions.test_concurrency import RACE_PAUSE, _employees, _race

    session = open_session(company_a, seats=5, kind=MissionKind.VOLUNTEERING)
    officer = colleague(company_a, is_csr_officer=True)
    people = _employees(company_a, 20)
    counting = threading.Event()
    count_seats = enrolment_service.seats_taken

    def slow_seats_taken(session):
        taken = count_seats(session)
        counting.set()
        time.sleep(RACE_PAUSE)
        return taken

    monkeypatch.setattr(enrolment_service, "seats_taken", slow_seats_taken)

    def attempt_for(person):
        def attempt():
            try:
                return enrolment_service.enrol(
                    employee=person, session_id=session.pk, waitlist_if_full=True, lock=lock
                ).status
            except SessionCancelled:
                return "refused"

        return attempt

    def cancel_it():
        counting.wait(timeout=30)
        return cancel_session(officer=officer, session_id=session.pk, reason=REASON)

    _, errors = _race([*(attempt_for(p) for p in people), cancel_it])
    statuses = Counter(Enrolment.objects.filter(session=session).values_list("status", flat=True))
    return statuses, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_enrolment_outlives_a_cancellation_racing_with_it(company_a, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SQLite serialises writers anyway)")
    statuses, errors = _cancel_during_enrolments(company_a, monkeypatch, lock=True)
    assert errors == []
    assert set(statuses) <= {S.CANCELLED}, statuses


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_control_without_the_session_lock_leaves_people_in_a_cancelled_session(
    company_a, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SQLite serialises writers anyway)")
    statuses, errors = _cancel_during_enrolments(company_a, monkeypatch, lock=False)
    assert errors == []
    assert set(statuses) - {S.CANCELLED}, statuses
