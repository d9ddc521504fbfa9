"""CSR officers preview a mission before publishing it, and look at its earlier revisions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from missions.models import MissionPage
from missions.services.enrolment import enrol
from tests.factories import make_employee, make_mission
from tests.portal.test_admin import mission_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(csr_a):
    client = Client(raise_request_exception=False)
    client.force_login(csr_a.user)
    return client


def _session_rows(*starts: dt.datetime, pk=None) -> list[dict]:
    rows = []
    for start in starts:
        local = timezone.localtime(start)
        rows.append(
            {
                "id": pk or "",
                "start": local.strftime("%Y-%m-%d %H:%M"),
                "end": (local + dt.timedelta(hours=3)).strftime("%Y-%m-%d %H:%M"),
                "seats": "4",
                "place": "",
            }
        )
    return rows


def test_preview_of_an_edited_mission_shows_its_saved_and_new_sessions(officer_client, company_a):
    mission = make_mission(company=company_a, title="Garden day", seats=4)
    saved = mission.sessions.get()
    enrol(employee=make_employee(company_a), session_id=saved.pk)
    new_start = (timezone.now() + dt.timedelta(days=30)).replace(microsecond=0)
    data = mission_form(mission.association, title="Garden day, draft", slug=mission.slug)
    data.update(
        nested_form_data(
            {
                "sessions": inline_formset(
                    _session_rows(saved.start, pk=saved.pk) + _session_rows(new_start)
                )
            }
        )
    )
    url = f"/admin/pages/{mission.pk}/edit/preview/"
    assert officer_client.post(url, data).json()["is_valid"] is True

    response = officer_client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Garden day, draft" in html
    assert "3 places libres sur 4" in html  # the saved session keeps its enrolment
    assert "4 places libres sur 4" in html  # the new one, not saved yet
    assert 'action="/engagement/sessions/' not in html  # no enrol button in a preview


def test_preview_of_a_new_mission_before_its_first_save(officer_client, company_a, site_tree):
    make_mission(company=company_a)  # an association to choose
    association = MissionPage.objects.get().association
    parent = company_a.mission_section
    url = f"/admin/pages/add/missions/missionpage/{parent.pk}/preview/"
    data = mission_form(association, title="Brand new mission", slug="brand-new-mission")
    assert officer_client.post(url, data).json()["is_valid"] is True

    response = officer_client.get(url)

    assert response.status_code == 200
    assert "Brand new mission" in response.content.decode()


def test_revision_of_a_mission_can_be_viewed(officer_client, company_a):
    mission = make_mission(company=company_a, title="First title")
    first = mission.save_revision()
    mission.title = "Second title"
    mission.save_revision().publish()

    response = officer_client.get(f"/admin/pages/{mission.pk}/revisions/{first.pk}/view/")

    assert response.status_code == 200
    assert "First title" in response.content.decode()


def test_the_public_mission_page_still_offers_enrolment(client, company_a, employee_a):
    mission = make_mission(company=company_a)
    client.force_login(employee_a.user)
    html = client.get(mission.url).content.decode()
    assert f'action="/engagement/sessions/{mission.sessions.get().pk}/enrol/"' in html
