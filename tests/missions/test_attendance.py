"""Reminders, attendance after the grace period, CSR rosters, hours corrections, series."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from missions.exceptions import GracePeriodOver, InvalidHours, NotAllowed, SessionNotOver
from missions.models import Enrolment, EnrolmentStatus, MissionPage, MissionSession
from missions.services.attendance import (
    correct_own_hours,
    mark_attendance,
    record_attendance_after_grace,
    send_session_reminders,
)
from missions.services.enrolment import enrol
from missions.services.series import create_series, series_starts
from missions.tasks import send_session_reminders as reminders_task
from tests.factories import make_mission
from tests.missions.engagement_helpers import colleague, open_session, past_session

pytestmark = pytest.mark.django_db
S = EnrolmentStatus


def _attending(employee, session):
    """A confirmed seat in a session that is over (created directly: enrol refuses the past)."""
    return Enrolment.objects.create(
        employee=employee, session=session, status=S.CONFIRMED, quota_hours=7
    )


def test_reminder_is_sent_the_day_before_and_never_twice(
    employee_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    soon = open_session(company_a, start=timezone.now() + dt.timedelta(hours=20))
    later = open_session(company_a, start=timezone.now() + dt.timedelta(days=5))
    first = enrol(employee=employee_a, session_id=soon.pk)
    enrol(employee=employee_a, session_id=later.pk)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_task.delay().get() == 1
        assert send_session_reminders() == []
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [employee_a.user.email]
    first.refresh_from_db()
    assert first.reminder_sent_at is not None


def test_attendance_is_recorded_with_the_session_hours_after_the_grace_period(
    employee_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    recent = _attending(employee_a, past_session(company_a, days_ago=1))
    old = _attending(employee_a, past_session(company_a, days_ago=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert record_attendance_after_grace() == [old.pk]
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == S.ATTENDED and old.hours == Decimal("7.00")
    assert recent.status == S.CONFIRMED
    assert [m.to for m in mailoutbox] == [[employee_a.user.email]]  # the survey
    assert record_attendance_after_grace() == []


def test_auto_attendance_keeps_hours_the_employee_corrected(employee_a, company_a):
    enrolment = _attending(employee_a, past_session(company_a, days_ago=1))
    correct_own_hours(employee=employee_a, enrolment_id=enrolment.pk, hours="4.5")
    later = timezone.now() + dt.timedelta(days=4)
    record_attendance_after_grace(now=later)
    enrolment.refresh_from_db()
    assert enrolment.status == S.ATTENDED and enrolment.hours == Decimal("4.50")


def test_employee_cannot_correct_hours_after_the_grace_period(employee_a, company_a):
    enrolment = _attending(employee_a, past_session(company_a, days_ago=5))
    with pytest.raises(GracePeriodOver):
        correct_own_hours(employee=employee_a, enrolment_id=enrolment.pk, hours=3)


def test_hours_cannot_exceed_the_session_or_be_negative(employee_a, company_a):
    enrolment = _attending(employee_a, past_session(company_a, days_ago=1))
    for bad in ["8", "-1", "lots", "NaN"]:
        with pytest.raises(InvalidHours):
            correct_own_hours(employee=employee_a, enrolment_id=enrolment.pk, hours=bad)


def test_hours_of_a_session_to_come_cannot_be_set(employee_a, company_a):
    enrolment = enrol(employee=employee_a, session_id=open_session(company_a).pk)
    with pytest.raises(SessionNotOver):
        correct_own_hours(employee=employee_a, enrolment_id=enrolment.pk, hours=3)


def test_employee_cannot_correct_someone_elses_hours(employee_a, company_a):
    enrolment = _attending(employee_a, past_session(company_a, days_ago=1))
    with pytest.raises(NotAllowed):
        correct_own_hours(employee=colleague(company_a), enrolment_id=enrolment.pk, hours=3)


def test_csr_marks_no_show_and_auto_attendance_respects_it(employee_a, csr_a, company_a):
    session = past_session(company_a, days_ago=1)
    absent, present = _attending(employee_a, session), _attending(colleague(company_a), session)
    mark_attendance(officer=csr_a, enrolment_ids=[absent.pk], attended=False)
    mark_attendance(officer=csr_a, enrolment_ids=[present.pk], attended=True)
    record_attendance_after_grace(now=timezone.now() + dt.timedelta(days=5))
    absent.refresh_from_db()
    present.refresh_from_db()
    assert absent.status == S.NO_SHOW and absent.hours is None
    assert present.status == S.ATTENDED and present.hours == Decimal("7.00")


def test_csr_of_b_cannot_mark_as_people(employee_a, csr_b, company_a):
    enrolment = _attending(employee_a, past_session(company_a, days_ago=1))
    with pytest.raises(NotAllowed):
        mark_attendance(officer=csr_b, enrolment_ids=[enrolment.pk], attended=False)


def test_roster_page_marks_in_bulk_and_edits_hours(client, employee_a, csr_a, company_a):
    session = past_session(company_a, days_ago=1)
    one, two = _attending(employee_a, session), _attending(colleague(company_a), session)
    client.force_login(csr_a.user)
    url = reverse("missions:csr_roster", args=[session.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"action": "attended", "enrolment": [one.pk, two.pk]})
    client.post(url, {"action": "hours", "enrolment_id": one.pk, "hours": "5"})
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.status, one.hours, two.status) == (S.ATTENDED, Decimal("5.00"), S.ATTENDED)


def test_roster_of_an_open_mission_shows_only_my_companys_people(
    client, employee_a, employee_b, csr_a, company_a, company_b
):
    mission = make_mission(company=company_a, visibility="all")
    session = mission.sessions.get()
    Enrolment.objects.create(employee=employee_a, session=session, status=S.CONFIRMED)
    theirs = Enrolment.objects.create(employee=employee_b, session=session, status=S.CONFIRMED)
    client.force_login(csr_a.user)
    response = client.get(reverse("missions:csr_roster", args=[session.pk]))
    assert [e.employee for e in response.context["enrolments"]] == [employee_a]
    csv_text = client.get(reverse("missions:csr_roster_csv", args=[session.pk])).content.decode()
    assert employee_b.user.email not in csv_text
    response = client.post(
        reverse("missions:csr_roster", args=[session.pk]),
        {"action": "hours", "enrolment_id": theirs.pk, "hours": "1"},
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name", ["csr_roster", "csr_roster_csv", "csr_mission", "csr_mission_csv", "csr_series"]
)
def test_csr_of_b_cannot_see_as_rosters(client, csr_b, company_a, name):
    session = open_session(company_a)
    arg = session.mission_id if "mission" in name or "series" in name else session.pk
    client.force_login(csr_b.user)
    assert client.get(reverse(f"missions:{name}", args=[arg])).status_code == 404


def test_rosters_are_for_csr_officers_only(client, employee_a, company_a):
    session = open_session(company_a)
    client.force_login(employee_a.user)
    assert client.get(reverse("missions:csr_roster", args=[session.pk])).status_code == 404


def test_mission_overview_counts_and_no_show_rate_and_csv(client, csr_a, company_a):
    session = past_session(company_a, days_ago=1)
    people = [colleague(company_a, department="=cmd()") for _ in range(4)]
    for person, status in zip(people, [S.ATTENDED, S.ATTENDED, S.ATTENDED, S.NO_SHOW], strict=True):
        Enrolment.objects.create(employee=person, session=session, status=status, hours=7)
    client.force_login(csr_a.user)
    response = client.get(reverse("missions:csr_mission", args=[session.mission_id]))
    (row,) = response.context["sessions"]
    assert (row.n_attended, row.n_no_show, row.no_show_rate) == (3, 1, 25.0)
    assert response.context["totals"]["no_show_rate"] == 25.0
    content = client.get(
        reverse("missions:csr_mission_csv", args=[session.mission_id]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 5 and rows[0][0] == "Session start"
    assert all(r[4] == "'=cmd()" for r in rows[1:])  # no formula injection


@pytest.mark.parametrize("url_name", ["csr_mission_csv", "csr_roster_csv"])
def test_enrolment_csvs_open_in_a_french_spreadsheet_with_every_cell_guarded(
    client, csr_a, company_a, url_name
):
    session = past_session(company_a, days_ago=1)
    person = colleague(
        company_a,
        first_name="=Zoé",
        last_name="Lefèvre",
        employee_number="+33",
        department="Ressources humaines; siège",
    )
    person.user.email = "-zoe@alpha.example"  # a valid address, and a formula to a spreadsheet
    person.user.save(update_fields=["email"])
    Enrolment.objects.create(employee=person, session=session, status=S.ATTENDED, hours=7.5)
    client.force_login(csr_a.user)
    arg = session.mission_id if url_name == "csr_mission_csv" else session.pk
    response = client.get(reverse(f"missions:{url_name}", args=[arg]), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Début de la session", "Salarié·e", "E-mail"]
    [row] = rows[1:]
    assert row[1:5] == [
        "'=Zoé Lefèvre",
        "'-zoe@alpha.example",
        "'+33",
        "Ressources humaines; siège",
    ]
    assert row[6] == "7,50"


def test_series_creates_sessions_every_second_month_that_survive_a_publish(
    client, csr_a, company_a
):
    mission = make_mission(company=company_a, sessions=0)
    first = (timezone.now() + dt.timedelta(days=10)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    client.force_login(csr_a.user)
    response = client.post(
        reverse("missions:csr_series", args=[mission.pk]),
        {
            "first_start": timezone.localtime(first).strftime("%Y-%m-%dT%H:%M"),
            "duration_hours": "3.5",
            "frequency": "monthly",
            "interval": "2",
            "count": "3",
            "seats": "8",
        },
    )
    assert response.status_code == 302
    starts = list(mission.sessions.order_by("start").values_list("start", flat=True))
    assert len(starts) == 3
    months = [timezone.localtime(s).month for s in starts]
    assert (months[1] - months[0]) % 12 == 2 and (months[2] - months[1]) % 12 == 2
    # Publishing the mission's latest revision (what Wagtail's editor does) keeps them.
    page = MissionPage.objects.get(pk=mission.pk)
    page.get_latest_revision().publish()
    assert MissionSession.objects.filter(mission=mission).count() == 3


def test_series_keeps_local_time_across_daylight_saving():
    first = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
    starts = series_starts(
        first_start=first, frequency="weekly", interval=4, count=3, time_zone="Europe/Paris"
    )
    assert {s.hour for s in starts} == {10}  # 09:00 UTC is 10:00 in Paris in winter and after


def test_series_is_refused_on_another_companys_mission(csr_b, company_a):
    mission = make_mission(company=company_a, visibility="all")
    with pytest.raises(NotAllowed):
        create_series(
            officer=csr_b,
            mission_id=mission.pk,
            first_start=timezone.now() + dt.timedelta(days=3),
            duration=dt.timedelta(hours=2),
            frequency="weekly",
            interval=1,
            count=2,
            seats=5,
        )


def test_series_added_to_a_draft_keeps_the_draft_and_the_sessions(csr_a, company_a):
    mission = make_mission(company=company_a, sessions=1)
    draft = MissionPage.objects.get(pk=mission.pk)
    draft.summary = "A new summary still in draft"
    draft.save_revision()
    create_series(
        officer=csr_a,
        mission_id=mission.pk,
        first_start=timezone.now() + dt.timedelta(days=20),
        duration=dt.timedelta(hours=2),
        frequency="weekly",
        interval=1,
        count=2,
        seats=6,
    )
    page = MissionPage.objects.get(pk=mission.pk)
    assert page.summary != "A new summary still in draft"  # still a draft
    page.get_latest_revision().publish()
    page.refresh_from_db()
    assert page.summary == "A new summary still in draft"
    assert MissionSession.objects.filter(mission=mission).count() == 3
