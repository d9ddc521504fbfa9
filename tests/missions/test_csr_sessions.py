"""The CSR officer's sessions list, messages to participants and bulk attendance and hours."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from missions.exceptions import NoRecipients, NotAllowed, RosterNotSaved, TooManyMessages
from missions.models import (
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    MissionKind,
    SessionMessage,
)
from missions.selectors.csr import SessionFilters, filtered_sessions
from missions.services.attendance import record_roster
from missions.services.session_messages import message_participants
from tests.factories import make_association, make_mission
from tests.missions.engagement_helpers import colleague, open_session, past_session

pytestmark = pytest.mark.django_db
S = EnrolmentStatus


def _seat(session, status=S.CONFIRMED, *, company=None, employee=None, **fields):
    employee = employee or colleague(company or session.mission.company)
    return Enrolment.objects.create(
        employee=employee, session=session, status=status, quota_hours=7, **fields
    )


def _ids(sessions):
    return [s.pk for s in sessions]


# --- sessions list ---------------------------------------------------------------------------


def test_fill_rate_seats_and_waitlist_are_counted_in_one_query(
    csr_a, company_a, django_assert_max_num_queries
):
    session = open_session(company_a, seats=4)
    for _ in range(3):
        _seat(session)
    _seat(session, S.WAITLISTED)
    _seat(session, S.CANCELLED)
    others = [open_session(company_a, seats=2) for _ in range(5)]
    _seat(others[0])
    with django_assert_max_num_queries(1):
        rows = list(filtered_sessions(csr_a, SessionFilters()))
    row = next(r for r in rows if r.pk == session.pk)
    assert (row.seats_taken, row.seats_left, row.waitlisted) == (3, 1, 1)
    assert row.fill_rate == pytest.approx(75.0)
    assert row.company_seats == 3
    assert len(rows) == 6


def test_sessions_list_hides_another_companys_private_sessions(csr_a, company_a, company_b):
    mine = open_session(company_a)
    theirs = open_session(company_b)
    shown = _ids(filtered_sessions(csr_a, SessionFilters()))
    assert mine.pk in shown and theirs.pk not in shown


def test_open_missions_show_every_companys_seats_but_only_our_attendance(
    csr_a, company_a, company_b
):
    session = make_mission(visibility="all", seats=5).sessions.get()
    _seat(session, company=company_a)
    _seat(session, company=company_b)
    _seat(session, S.PENDING_APPROVAL, company=company_b, approval_deadline=timezone.now())
    row = filtered_sessions(csr_a, SessionFilters()).get(pk=session.pk)
    assert row.seats_taken == 3 and row.company_seats == 1


def test_filters_by_period_kind_association_free_seats_and_attendance(csr_a, company_a):
    association = make_association()
    full = open_session(company_a, seats=1, association=association)
    _seat(full)
    free = open_session(company_a, kind=MissionKind.VOLUNTEERING, on_work_time=False)
    later = open_session(company_a, start=timezone.now() + dt.timedelta(days=40))
    past = past_session(company_a, days_ago=2)
    _seat(past)  # confirmed, not marked: attendance missing
    marked = past_session(company_a, days_ago=2)
    _seat(marked, S.ATTENDED, hours=7)
    no_show = past_session(company_a, days_ago=3)
    _seat(no_show, S.NO_SHOW)

    def shown(**filters):
        return set(_ids(filtered_sessions(csr_a, SessionFilters(**filters))))

    assert shown(period="soon") == {full.pk, free.pk}
    assert shown(period="upcoming") == {full.pk, free.pk, later.pk}
    assert shown(period="past") == {past.pk, marked.pk, no_show.pk}
    assert shown(kind=MissionKind.VOLUNTEERING) == {free.pk}
    assert shown(association_id=association.pk) == {full.pk}
    assert shown(free_seats=True) == {free.pk, later.pk}
    assert shown(attendance_missing=True) == {past.pk}
    assert shown(no_shows=True) == {no_show.pk}


def test_sort_by_fill_rate(csr_a, company_a):
    empty = open_session(company_a, seats=4)
    half = open_session(company_a, seats=4)
    _seat(half)
    _seat(half)
    rows = _ids(filtered_sessions(csr_a, SessionFilters(sort="-fill")))
    assert rows.index(half.pk) < rows.index(empty.pk)
    rows = _ids(filtered_sessions(csr_a, SessionFilters(sort="fill")))
    assert rows.index(empty.pk) < rows.index(half.pk)


def test_sessions_page_shows_dates_counts_and_filters(client, csr_a, company_a):
    session = open_session(company_a, seats=4)
    _seat(session)
    client.force_login(csr_a.user)
    with translation.override("en"):
        response = client.get(
            reverse("missions:csr_sessions"), {"period": "upcoming", "sort": "-fill", "page": "x"}
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("missions:csr_roster", args=[session.pk]) in body
    assert "25 %" in body and "1 / 4" in body


def test_sessions_page_ignores_bad_filters(client, csr_a, company_a):
    open_session(company_a)
    client.force_login(csr_a.user)
    response = client.get(reverse("missions:csr_sessions"), {"association": "abc", "sort": "x"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1


def test_sessions_page_is_for_csr_officers_only(client, employee_a):
    client.force_login(employee_a.user)
    assert client.get(reverse("missions:csr_sessions")).status_code == 404


def test_sessions_page_is_paginated(client, csr_a, company_a):
    make_mission(company=company_a, sessions=30)
    client.force_login(csr_a.user)
    response = client.get(reverse("missions:csr_sessions"))
    assert len(response.context["page"].object_list) == 25
    assert client.get(reverse("missions:csr_sessions"), {"page": 2}).context["page"].number == 2


# --- messages to participants ----------------------------------------------------------------


def test_participants_get_the_message_in_their_own_language(
    csr_a, company_a, company_b, mailoutbox, django_capture_on_commit_callbacks
):
    session = make_mission(visibility="all", seats=5).sessions.get()
    french = _seat(session, company=company_a).employee
    french.language = "fr"
    french.save(update_fields=["language"])
    english = _seat(session, company=company_a).employee
    english.language = "en"
    english.save(update_fields=["language"])
    waiting = _seat(session, S.WAITLISTED, company=company_a).employee
    _seat(session, company=company_b)  # another company's participant: never written to
    with django_capture_on_commit_callbacks(execute=True):
        message = message_participants(
            officer=csr_a, session_id=session.pk, subject="Meeting point", body="Gate 3, 8:45."
        )
    message.refresh_from_db()
    assert message.recipient_count == 2 and message.sent_at is not None
    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {french.user.email, english.user.email}
    assert "Gate 3, 8:45." in by_address[french.user.email].body
    assert "écrit aux participants" in by_address[french.user.email].body
    assert "writes to the participants" in by_address[english.user.email].body
    assert "Meeting point" in by_address[english.user.email].subject
    assert by_address[english.user.email].reply_to == [csr_a.user.email]
    assert waiting.user.email not in by_address


def test_waitlisted_people_are_written_to_when_asked(
    csr_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    session = open_session(company_a)
    _seat(session)
    waiting = _seat(session, S.WAITLISTED)
    with django_capture_on_commit_callbacks(execute=True):
        message_participants(
            officer=csr_a, session_id=session.pk, subject="Hi", body="x", include_waitlisted=True
        )
    assert len(mailoutbox) == 2 and waiting.employee.user.email in {m.to[0] for m in mailoutbox}


def test_messages_are_limited_per_session_and_day(csr_a, company_a, settings):
    settings.CORDEE_SESSION_MESSAGES_PER_DAY = 2
    session = open_session(company_a)
    _seat(session)
    for _ in range(2):
        message_participants(officer=csr_a, session_id=session.pk, subject="s", body="b")
    with pytest.raises(TooManyMessages):
        message_participants(officer=csr_a, session_id=session.pk, subject="s", body="b")
    later = timezone.now() + dt.timedelta(days=1, minutes=1)
    message_participants(officer=csr_a, session_id=session.pk, subject="s", body="b", now=later)
    assert SessionMessage.objects.count() == 3


def test_no_message_without_participants_or_for_another_companys_session(
    csr_a, company_a, company_b
):
    with pytest.raises(NoRecipients):
        message_participants(
            officer=csr_a, session_id=open_session(company_a).pk, subject="s", body="b"
        )
    with pytest.raises(NotAllowed):
        message_participants(
            officer=csr_a, session_id=open_session(company_b).pk, subject="s", body="b"
        )
    assert not SessionMessage.objects.exists()


def test_sending_twice_sends_once(csr_a, company_a, mailoutbox):
    from missions.services.session_messages import send

    session = open_session(company_a)
    _seat(session)
    message = message_participants(officer=csr_a, session_id=session.pk, subject="s", body="b")
    assert send(message_id=message.pk) == 1
    assert send(message_id=message.pk) == 0
    assert len(mailoutbox) == 1


def test_message_page_sends_and_logs_on_the_roster(
    client, csr_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    session = open_session(company_a)
    _seat(session)
    client.force_login(csr_a.user)
    url = reverse("missions:csr_session_message", args=[session.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"subject": "Bring gloves", "body": "Thanks"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    roster = client.get(reverse("missions:csr_roster", args=[session.pk]))
    assert "Bring gloves" in roster.content.decode()


def test_message_page_of_another_companys_session_is_404(client, csr_a, company_b):
    session = open_session(company_b)
    _seat(session)
    client.force_login(csr_a.user)
    url = reverse("missions:csr_session_message", args=[session.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"subject": "x", "body": "y"}).status_code == 404
    assert not SessionMessage.objects.exists()


def test_another_companys_messages_are_not_shown(client, csr_a, csr_b, company_a, company_b):
    session = make_mission(visibility="all").sessions.get()
    _seat(session, company=company_b)
    message_participants(officer=csr_b, session_id=session.pk, subject="Secret B", body="b")
    client.force_login(csr_a.user)
    roster = client.get(reverse("missions:csr_roster", args=[session.pk]))
    assert "Secret B" not in roster.content.decode()


# --- bulk attendance and hours ---------------------------------------------------------------


def test_bulk_roster_marks_attendance_and_hours_at_once(
    csr_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    session = past_session(company_a, days_ago=1)
    came = _seat(session)
    short = _seat(session)
    away = _seat(session)
    was_no_show = _seat(session, S.NO_SHOW)
    with django_capture_on_commit_callbacks(execute=True):
        changed = record_roster(
            officer=csr_a,
            session_id=session.pk,
            lines={
                came.pk: (True, None),
                short.pk: (True, "3.5"),
                away.pk: (False, "7"),
                was_no_show.pk: (True, "2"),
            },
        )
    assert set(changed) == {came.pk, short.pk, away.pk, was_no_show.pk}
    for e in (came, short, away, was_no_show):
        e.refresh_from_db()
    assert came.status == S.ATTENDED and came.hours == Decimal("7.00")
    assert short.hours == Decimal("3.50")
    assert away.status == S.NO_SHOW
    assert was_no_show.status == S.ATTENDED and was_no_show.hours == Decimal("2.00")
    assert len(mailoutbox) == 3  # the survey, to those who came
    assert EnrolmentEvent.objects.filter(actor=csr_a).count() == 4


def test_bulk_roster_with_a_bad_line_writes_nothing(
    csr_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    session = past_session(company_a, days_ago=1)
    good = _seat(session)
    bad = _seat(session)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RosterNotSaved) as error:
        record_roster(
            officer=csr_a,
            session_id=session.pk,
            lines={good.pk: (True, "5"), bad.pk: (True, "12")},
        )
    assert list(error.value.errors) == [bad.pk]
    good.refresh_from_db()
    assert good.status == S.CONFIRMED and good.hours is None
    assert not mailoutbox


def test_bulk_roster_refuses_lines_of_another_session_or_company(csr_a, company_a, company_b):
    session = past_session(company_a, days_ago=1)
    other_session = past_session(company_a, days_ago=1)
    stray = _seat(other_session)
    foreign = _seat(past_session(company_b, days_ago=1))
    with pytest.raises(RosterNotSaved) as error:
        record_roster(
            officer=csr_a,
            session_id=session.pk,
            lines={stray.pk: (True, None), foreign.pk: (True, None)},
        )
    assert set(error.value.errors) == {stray.pk, foreign.pk}


def test_bulk_hours_page_defaults_to_the_session_length_and_saves(client, csr_a, company_a):
    session = past_session(company_a, days_ago=1)
    one = _seat(session)
    two = _seat(session)
    _seat(session, S.CANCELLED)  # not on the form
    client.force_login(csr_a.user)
    url = reverse("missions:csr_roster_hours", args=[session.pk])
    response = client.get(url)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) == 2
    assert formset.forms[0].initial["hours"] == Decimal("7.00")
    data = {
        "roster-TOTAL_FORMS": "2",
        "roster-INITIAL_FORMS": "2",
        "roster-0-enrolment": one.pk,
        "roster-0-outcome": "attended",
        "roster-0-hours": "6,5",
        "roster-1-enrolment": two.pk,
        "roster-1-outcome": "no_show",
        "roster-1-hours": "",
    }
    with translation.override("fr"):
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.hours == Decimal("6.50") and two.status == S.NO_SHOW


def test_bulk_hours_page_shows_the_refused_line_and_saves_nothing(client, csr_a, company_a):
    session = past_session(company_a, days_ago=1)
    one = _seat(session)
    two = _seat(session)
    client.force_login(csr_a.user)
    url = reverse("missions:csr_roster_hours", args=[session.pk])
    data = {
        "roster-TOTAL_FORMS": "2",
        "roster-INITIAL_FORMS": "2",
        "roster-0-enrolment": one.pk,
        "roster-0-outcome": "attended",
        "roster-0-hours": "7",
        "roster-1-enrolment": two.pk,
        "roster-1-outcome": "attended",
        "roster-1-hours": "9",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    errors = [error for _form, _enrolment, error in response.context["rows"]]
    assert errors[0] is None and errors[1]
    one.refresh_from_db()
    assert one.status == S.CONFIRMED


def test_bulk_hours_page_of_another_companys_session_is_404(client, csr_a, company_b):
    session = past_session(company_b, days_ago=1)
    theirs = _seat(session)
    client.force_login(csr_a.user)
    url = reverse("missions:csr_roster_hours", args=[session.pk])
    assert client.get(url).status_code == 404
    data = {
        "roster-TOTAL_FORMS": "1",
        "roster-INITIAL_FORMS": "1",
        "roster-0-enrolment": theirs.pk,
        "roster-0-outcome": "no_show",
    }
    assert client.post(url, data).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == S.CONFIRMED


def test_bulk_hours_on_our_open_session_cannot_touch_another_companys_enrolment(
    client, csr_a, company_a, company_b
):
    session = make_mission(visibility="all").sessions.get()
    from missions.models import MissionSession

    start = timezone.now() - dt.timedelta(days=1)
    MissionSession.objects.filter(pk=session.pk).update(
        start=start, end=start + dt.timedelta(hours=7)
    )
    theirs = _seat(session, company=company_b)
    client.force_login(csr_a.user)
    data = {
        "roster-TOTAL_FORMS": "1",
        "roster-INITIAL_FORMS": "1",
        "roster-0-enrolment": theirs.pk,
        "roster-0-outcome": "no_show",
    }
    client.post(reverse("missions:csr_roster_hours", args=[session.pk]), data)
    theirs.refresh_from_db()
    assert theirs.status == S.CONFIRMED


# --- enrolments by mission -------------------------------------------------------------------


def test_missions_page_lists_each_mission_once_with_its_next_date_and_counts(
    client, csr_a, company_a, company_b, django_assert_max_num_queries
):
    mine = make_mission(company=company_a, sessions=3, title="Same title")
    twin = make_mission(company=company_a, title="Same title")
    shared = make_mission(visibility="all", title="Open day")
    for session in mine.sessions.all():
        _seat(session)
        _seat(session)
    _seat(shared.sessions.get(), company=company_a)
    _seat(shared.sessions.get(), company=company_a)
    _seat(shared.sessions.get(), company=company_b)
    make_mission(visibility="all", title="Nobody from A")
    make_mission(company=company_b, title="Private to B")
    client.force_login(csr_a.user)
    response = client.get(reverse("missions:csr_missions"))
    missions = {m.pk: m for m in response.context["missions"]}
    assert set(missions) == {mine.pk, twin.pk, shared.pk}
    assert (missions[mine.pk].n_sessions, missions[mine.pk].n_enrolments) == (3, 6)
    assert missions[mine.pk].next_start == mine.sessions.order_by("start").first().start
    assert missions[shared.pk].n_enrolments == 2
    body = response.content.decode()
    assert "Private to B" not in body and "Nobody from A" not in body
    from missions.selectors.engagement import officer_missions

    with django_assert_max_num_queries(1):
        list(officer_missions(csr_a))
