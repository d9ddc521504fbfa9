"""Ids posted by forms that name nothing (Unicode digits, zero, beyond 2**63) never give a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from missions.models import EnrolmentStatus, MissionSession
from missions.services.enrolment import enrol
from tests.factories import make_employee
from tests.missions.engagement_helpers import open_session

pytestmark = pytest.mark.django_db
ODD_IDS = ["²", "٣", "0", "-1", "99999999999999999999999", "1e3"]


@pytest.fixture
def officer_client(csr_a):
    client = Client(raise_request_exception=False)
    client.force_login(csr_a.user)
    return client


@pytest.fixture
def session_with_one(company_a):
    session = open_session(company_a)
    enrolment = enrol(employee=make_employee(company_a), session_id=session.pk)
    start = timezone.now() - dt.timedelta(days=1)
    MissionSession.objects.filter(pk=session.pk).update(
        start=start, end=start + dt.timedelta(hours=7)
    )
    return session, enrolment


@pytest.mark.parametrize("odd", ODD_IDS)
def test_roster_bulk_attendance_ignores_odd_ids(officer_client, session_with_one, odd):
    session, enrolment = session_with_one
    url = reverse("missions:csr_roster", args=[session.pk])
    response = officer_client.post(url, {"action": "attended", "enrolment": [odd]})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CONFIRMED


@pytest.mark.parametrize("odd", ODD_IDS)
def test_roster_hours_for_an_odd_id_answer_404(officer_client, session_with_one, odd):
    session, _enrolment = session_with_one
    url = reverse("missions:csr_roster", args=[session.pk])
    response = officer_client.post(url, {"action": "hours", "enrolment_id": odd, "hours": "3"})
    assert response.status_code == 404


@pytest.mark.parametrize("odd", ODD_IDS)
def test_approvals_ignore_odd_ids(company_a, odd):
    manager = make_employee(company_a)
    client = Client(raise_request_exception=False)
    client.force_login(manager.user)
    response = client.post(
        reverse("missions:approvals"), {"decision": "approve", "enrolment": [odd]}
    )
    assert response.status_code == 302


def test_roster_still_marks_a_real_enrolment(officer_client, session_with_one):
    session, enrolment = session_with_one
    url = reverse("missions:csr_roster", args=[session.pk])
    officer_client.post(url, {"action": "attended", "enrolment": [str(enrolment.pk)]})
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ATTENDED
