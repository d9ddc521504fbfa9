"""Calendar: .ics invitations with a stable UID, METHOD:CANCEL, the private revocable feed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from icalendar import Calendar

from missions.services.calendar_feed import feed_of
from missions.services.enrolment import cancel, enrol
from tests.missions.engagement_helpers import attachment, open_session

pytestmark = pytest.mark.django_db


def _ics(message, name):
    part = attachment(message, name)
    # iMIP: the Content-Type names the same METHOD as the calendar it carries.
    assert part.get_content_type() == "text/calendar"
    calendar = Calendar.from_ical(part.get_content())
    assert part.get_param("method") == calendar["METHOD"]
    return calendar


def test_confirmation_carries_an_invitation_and_cancel_reuses_its_uid(
    employee_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    session = open_session(company_a)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrol(employee=employee_a, session_id=session.pk)
    invite = _ics(mailoutbox[-1], "invitation.ics")
    assert invite["METHOD"] == "REQUEST"
    (event,) = invite.walk("VEVENT")
    assert event["UID"] == f"enrolment-{enrolment.pk}@cordee"
    assert event.decoded("DTSTART") == session.start.replace(microsecond=0)
    assert session.mission.title in str(event["SUMMARY"])
    with django_capture_on_commit_callbacks(execute=True):
        cancel(employee=employee_a, enrolment_id=enrolment.pk)
    cancellation = _ics(mailoutbox[-1], "cancellation.ics")
    assert cancellation["METHOD"] == "CANCEL"
    (cancelled,) = cancellation.walk("VEVENT")
    assert cancelled["UID"] == event["UID"]
    assert cancelled["STATUS"] == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) > int(event["SEQUENCE"])


def test_invitation_download_is_the_employees_own(client, employee_a, company_a):
    enrolment = enrol(employee=employee_a, session_id=open_session(company_a).pk)
    client.force_login(employee_a.user)
    response = client.get(reverse("missions:invitation", args=[enrolment.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert Calendar.from_ical(response.content).walk("VEVENT")[0]["UID"] == (enrolment.calendar_uid)


def test_feed_lists_confirmed_sessions_only(client, employee_a, company_a):
    confirmed = enrol(employee=employee_a, session_id=open_session(company_a).pk)
    pending = enrol(employee=employee_a, session_id=open_session(company_a, needs_approval=True).pk)
    token = feed_of(employee_a).token
    response = client.get(reverse("missions:calendar_feed", args=[token]))  # no sign-in
    uids = {str(e["UID"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert uids == {confirmed.calendar_uid}
    assert pending.calendar_uid not in uids


def test_revoking_the_feed_kills_the_old_address(client, employee_a, company_a):
    old = feed_of(employee_a).token
    client.force_login(employee_a.user)
    page = client.get(reverse("missions:calendar"))
    assert old in page.content.decode()
    client.post(reverse("missions:calendar"))
    client.logout()
    assert client.get(reverse("missions:calendar_feed", args=[old])).status_code == 404
    new = feed_of(employee_a).token
    assert new != old
    assert client.get(reverse("missions:calendar_feed", args=[new])).status_code == 200


def test_an_unknown_feed_token_is_404(client, db):
    assert client.get(reverse("missions:calendar_feed", args=["nope"])).status_code == 404
