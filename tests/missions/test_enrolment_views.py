"""Enrolment pages: enrol from the mission page, confirmation, My engagements, cancel, tenancy."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from missions.models import Enrolment, EnrolmentStatus
from missions.services.enrolment import enrol
from tests.missions.engagement_helpers import colleague, open_session, past_session

pytestmark = pytest.mark.django_db

MID_NOVEMBER = dt.datetime(2026, 11, 17, 10, tzinfo=dt.timezone(dt.timedelta(hours=1)))
S = EnrolmentStatus


def test_mission_page_offers_an_enrol_button_per_session(client, employee_a, company_a):
    session = open_session(company_a)
    client.force_login(employee_a.user)
    html = client.get(session.mission.url).content.decode()
    assert reverse("missions:enrol", args=[session.pk]) in html


def test_mission_page_offers_the_waitlist_when_full(client, employee_a, company_a):
    session = open_session(company_a, seats=1)
    enrol(employee=colleague(company_a), session_id=session.pk)
    client.force_login(employee_a.user)
    html = client.get(session.mission.url).content.decode()
    assert 'name="waitlist" value="1"' in html


def test_one_click_enrols_then_shows_the_confirmation(client, employee_a, company_a):
    session = open_session(company_a)
    client.force_login(employee_a.user)
    response = client.post(reverse("missions:enrol", args=[session.pk]), follow=True)
    enrolment = Enrolment.objects.get(employee=employee_a)
    assert enrolment.status == S.CONFIRMED
    assert response.redirect_chain[-1][0] == reverse("missions:enrolment", args=[enrolment.pk])
    assert reverse("missions:invitation", args=[enrolment.pk]) in response.content.decode()


def test_double_click_gives_one_enrolment(client, employee_a, company_a):
    session = open_session(company_a)
    client.force_login(employee_a.user)
    url = reverse("missions:enrol", args=[session.pk])
    client.post(url)
    response = client.post(url)
    assert Enrolment.objects.filter(employee=employee_a).count() == 1
    assert response.status_code == 302


def test_full_session_without_waitlist_choice_explains_and_enrols_nobody(
    client, employee_a, company_a
):
    session = open_session(company_a, seats=1)
    enrol(employee=colleague(company_a), session_id=session.pk)
    client.force_login(employee_a.user)
    response = client.post(reverse("missions:enrol", args=[session.pk]), follow=True)
    assert not Enrolment.objects.filter(employee=employee_a).exists()
    assert 'name="waitlist" value="1"' in response.content.decode()  # offered instead


def test_employee_of_b_posting_a_private_session_id_of_a_gets_404(client, employee_b, company_a):
    session = open_session(company_a)
    client.force_login(employee_b.user)
    assert client.post(reverse("missions:enrol", args=[session.pk])).status_code == 404
    assert client.get(reverse("missions:enrol", args=[session.pk])).status_code == 404
    assert not Enrolment.objects.exists()


def test_anonymous_visitor_is_sent_to_sign_in(client, company_a):
    session = open_session(company_a)
    response = client.post(reverse("missions:enrol", args=[session.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_my_engagements_lists_each_state_and_the_quota(client, employee_a, company_a, clock):
    # The page shows this fiscal year's quota: past and upcoming sessions must share a year,
    # which they do not in the last week of December.
    clock.move_to(MID_NOVEMBER)
    upcoming = open_session(company_a, title="Upcoming mission")
    pending = open_session(company_a, title="Pending mission", needs_approval=True)
    full = open_session(company_a, seats=1, title="Waitlisted mission", kind="volunteering")
    enrol(employee=colleague(company_a), session_id=full.pk)
    for session in (upcoming, pending):
        enrol(employee=employee_a, session_id=session.pk)
    enrol(employee=employee_a, session_id=full.pk, waitlist_if_full=True)
    past = past_session(company_a, title="Past mission")
    Enrolment.objects.create(
        employee=employee_a, session=past, status=S.ATTENDED, hours=6, quota_hours=7
    )
    client.force_login(employee_a.user)
    response = client.get(reverse("missions:my_engagements"))
    engagements = response.context["engagements"]
    assert [e.session for e in engagements.upcoming] == [upcoming]
    assert [e.session for e in engagements.pending] == [pending]
    assert [e.session for e in engagements.waitlisted] == [full]
    assert [e.session for e in engagements.past] == [past]
    quota = response.context["quota"]
    # Past attended (6 h actual) + upcoming (7 h) + pending (7 h) out of 14 h.
    assert quota.used_hours == 20 and quota.left_hours == 0
    assert re.search(r"\b6[.,]00\b", response.content.decode())  # hours, localised


def test_cancel_page_cancels_my_enrolment(client, employee_a, company_a):
    session = open_session(company_a)
    enrolment = enrol(employee=employee_a, session_id=session.pk)
    client.force_login(employee_a.user)
    url = reverse("missions:cancel", args=[enrolment.pk])
    assert client.get(url).status_code == 200
    client.post(url)
    enrolment.refresh_from_db()
    assert enrolment.status == S.CANCELLED


@pytest.mark.parametrize("name", ["enrolment", "cancel", "invitation", "feedback"])
def test_someone_elses_enrolment_pages_are_404(client, employee_a, employee_b, company_a, name):
    session = open_session(company_a)
    enrolment = enrol(employee=employee_a, session_id=session.pk)
    client.force_login(employee_b.user)
    assert client.get(reverse(f"missions:{name}", args=[enrolment.pk])).status_code == 404
    client.force_login(colleague(company_a).user)
    assert client.get(reverse(f"missions:{name}", args=[enrolment.pk])).status_code == 404


def test_cancel_by_post_of_someone_elses_id_is_404(client, employee_a, company_a):
    session = open_session(company_a)
    enrolment = enrol(employee=employee_a, session_id=session.pk)
    client.force_login(colleague(company_a).user)
    assert client.post(reverse("missions:cancel", args=[enrolment.pk])).status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == S.CONFIRMED


def test_cancelling_twice_explains_instead_of_failing(client, employee_a, company_a):
    session = open_session(company_a)
    enrolment = enrol(employee=employee_a, session_id=session.pk)
    client.force_login(employee_a.user)
    url = reverse("missions:cancel", args=[enrolment.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "error" in [m.level_tag for m in response.context["messages"]]


def test_an_unpublished_missions_session_is_404(client, employee_a, company_a):
    session = open_session(company_a)
    session.mission.unpublish()
    client.force_login(employee_a.user)
    assert client.get(reverse("missions:enrol", args=[session.pk])).status_code == 404


def test_enrolling_leaves_the_session_reads_to_the_service(client, employee_a, company_a):
    """The POST leaves every read of the session to the service (one read with its mission, one
    under the lock): session, user, then the service's statements, and nothing else."""
    session = open_session(company_a)
    client.force_login(employee_a.user)
    url = reverse("missions:enrol", args=[session.pk])
    client.get(url)  # the site and other per-process caches are warm, as in production
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url)
    assert response.status_code == 302
    session_reads = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "missions_missionsession"' in q["sql"]
    ]
    assert len(session_reads) == 2, session_reads  # with its mission, then under the lock
    assert len(ctx.captured_queries) <= 14, [q["sql"][:80] for q in ctx.captured_queries]


def test_posting_an_unknown_session_id_is_404_and_writes_nothing(client, employee_a):
    client.force_login(employee_a.user)
    response = client.post(reverse("missions:enrol", args=[987654]))
    assert response.status_code == 404
    assert not Enrolment.objects.exists()
