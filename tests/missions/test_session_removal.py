"""The mission editor refuses to remove a session that people enrolled in."""

from __future__ import annotations

import pytest
from django.utils import timezone

from missions.models import Enrolment, MissionSession
from missions.services.enrolment import enrol
from tests.factories import make_employee, make_mission
from tests.portal.test_admin import mission_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def csr_b_client(client, csr_b):
    client.force_login(csr_b.user)
    return client


def session_row(session, *, delete: bool) -> dict:
    return {
        "id": str(session.pk),
        "start": timezone.localtime(session.start).strftime("%Y-%m-%d %H:%M"),
        "end": timezone.localtime(session.end).strftime("%Y-%m-%d %H:%M"),
        "seats": str(session.seats),
        "place": "",
        "DELETE": "1" if delete else "",
    }


def post_sessions(client, mission, rows):
    from wagtail.test.utils.form_data import inline_formset

    data = mission_form(
        mission.association,
        title=mission.title,
        slug=mission.slug,
        sessions=inline_formset(rows, initial=len(rows)),
    )
    return client.post(f"/admin/pages/{mission.pk}/edit/", data)


def test_a_session_with_enrolments_is_kept_and_the_officer_is_told(csr_b_client, company_b):
    mission = make_mission(company=company_b, sessions=2, title="Beta day", slug="beta-day")
    booked, empty = mission.sessions.order_by("start")
    enrol(employee=make_employee(company_b), session_id=booked.pk)
    response = post_sessions(
        csr_b_client,
        mission,
        [session_row(booked, delete=True), session_row(empty, delete=False)],
    )
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1 and "1 inscription" in errors[0] and "Gardez la session" in errors[0]
    assert MissionSession.objects.filter(pk=booked.pk).exists()
    assert Enrolment.objects.filter(session=booked).count() == 1


def test_a_session_nobody_enrolled_in_can_be_removed(csr_b_client, company_b):
    mission = make_mission(company=company_b, sessions=2, title="Beta day", slug="beta-day")
    booked, empty = mission.sessions.order_by("start")
    enrol(employee=make_employee(company_b), session_id=booked.pk)
    response = post_sessions(
        csr_b_client,
        mission,
        [session_row(booked, delete=False), session_row(empty, delete=True)],
    )
    assert response.status_code == 302, response.context["form"].errors
    assert not MissionSession.objects.filter(pk=empty.pk).exists()
    assert MissionSession.objects.filter(pk=booked.pk).exists()
