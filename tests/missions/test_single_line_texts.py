"""Texts that reach e-mail headers hold on one line: refused when typed, collapsed when sent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from missions.models import MissionPage, MissionSession
from tests.factories import make_association, make_employee, make_mission
from tests.missions.engagement_helpers import open_session
from tests.portal.test_admin import mission_form

pytestmark = pytest.mark.django_db

# A lone carriage return used to raise BadHeaderError; a newline split the subject.
BROKEN_TITLE = "Garden day\rBcc: someone@elsewhere.example\r\nin Lyon"


@pytest.fixture
def officer_client(csr_a):
    client = Client(raise_request_exception=False)
    client.force_login(csr_a.user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _edit(client, mission, **overrides):
    data = mission_form(mission.association, slug=mission.slug, **overrides)
    return client.post(f"/admin/pages/{mission.pk}/edit/", data)


# ---- refused when typed ------------------------------------------------------------------


@pytest.mark.parametrize("title", [BROKEN_TITLE, "Garden\nday", "Garden\rday", "Garden\tday"])
def test_mission_editor_refuses_a_title_on_several_lines(officer_client, company_a, title):
    mission = make_mission(company=company_a, title="Garden day")
    response = _edit(officer_client, mission, title=title)
    assert response.status_code == 200
    assert "Write this on a single line" in response.content.decode()
    assert MissionPage.objects.get(pk=mission.pk).title == "Garden day"


def test_mission_editor_still_publishes_a_one_line_title(officer_client, company_a):
    mission = make_mission(company=company_a, title="Garden day")
    response = _edit(officer_client, mission, title="Garden day, 2nd edition")
    assert response.status_code == 302
    assert MissionPage.objects.get(pk=mission.pk).title == "Garden day, 2nd edition"


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"start": "0001-01-01 09:00", "end": "0001-01-01 12:00"}, "start"),
        ({"start": "9999-12-31 09:00", "end": "9999-12-31 12:00"}, "start"),
        ({"place": "Quai\r\nX-Header: 1"}, "place"),
    ],
)
def test_mission_editor_refuses_odd_sessions_with_a_form_error(
    officer_client, company_a, row, field
):
    mission = make_mission(company=company_a, title="Garden day")
    session = {"start": "2030-05-04 09:00", "end": "2030-05-04 12:00", "seats": "5", "place": ""}
    session.update(row)
    data = mission_form(mission.association, slug=mission.slug)
    data.update(nested_form_data({"sessions": inline_formset([session])}))
    response = officer_client.post(f"/admin/pages/{mission.pk}/edit/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Enter a date between the years 1900 and 2199." in html
        if field == "start"
        else "Write this on a single line" in html
    )
    assert MissionSession.objects.filter(mission=mission).count() == 1  # the factory's own


def test_association_title_and_legal_name_must_be_single_line(site_tree):
    association = make_association(title="Les Restos")
    association.title = "Les Restos\nBcc: x@elsewhere.example"
    association.legal_name = "Restos\rdu coeur"
    with pytest.raises(ValidationError) as error:
        association.full_clean()
    assert {"title", "legal_name"} <= set(error.value.message_dict)


def test_company_name_must_be_single_line(company_a):
    company_a.name = "Alpha\r\nIndustries"
    with pytest.raises(ValidationError) as error:
        company_a.full_clean()
    assert "name" in error.value.message_dict


# ---- collapsed when sent -----------------------------------------------------------------


def test_enrolling_in_a_mission_whose_title_has_line_breaks_still_works_and_mails(
    client, employee_a, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    session = open_session(company_a, title="Garden day")
    # A title saved before the single-line rule (Wagtail's save would now refuse it).
    Page.objects.filter(pk=session.mission_id).update(title=BROKEN_TITLE)
    client.force_login(employee_a.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("missions:enrol", args=[session.pk]))
    assert response.status_code == 302
    (message,) = mailoutbox
    assert message.subject.splitlines() == [message.subject]
    assert "Garden day Bcc: someone@elsewhere.example in Lyon" in message.subject
    assert message.bcc == []
    assert message.body.splitlines()[0].endswith("Ana,")  # the greeting, whatever the language
    message.message()  # the headers build (BadHeaderError before)


def test_approval_request_with_a_name_on_several_lines_gives_a_one_line_subject(
    client, company_a, mailoutbox, django_capture_on_commit_callbacks
):
    manager = make_employee(company_a, first_name="Mia")
    employee = make_employee(company_a, first_name="Ana\rBcc: x@elsewhere.example", manager=manager)
    session = open_session(company_a, approval=True, needs_approval=True)
    client.force_login(employee.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("missions:enrol", args=[session.pk]))
    request = next(m for m in mailoutbox if m.to == [manager.user.email])
    assert request.subject.splitlines() == [request.subject]
    request.message()


# ---- other date inputs -------------------------------------------------------------------


@pytest.mark.parametrize("first_start", ["0001-01-01T09:00", "9999-12-31T09:00"])
def test_series_starting_out_of_range_is_refused_with_a_clear_error(
    officer_client, company_a, first_start
):
    mission = make_mission(company=company_a)
    response = officer_client.post(
        reverse("missions:csr_series", args=[mission.pk]),
        {
            "first_start": first_start,
            "duration_hours": "2",
            "frequency": "weekly",
            "interval": "1",
            "count": "3",
            "seats": "5",
        },
    )
    assert response.status_code == 200
    assert "Enter a date between the years 1900 and 2199." in response.content.decode()
    assert mission.sessions.count() == 1


@pytest.mark.parametrize("params", [{"date_from": "0001-01-01"}, {"date_to": "9999-12-31"}])
def test_catalogue_dates_out_of_range_are_ignored_not_a_500(client, employee_a, params):
    client.force_login(employee_a.user)
    response = Client(raise_request_exception=False)
    response.force_login(employee_a.user)
    assert response.get("/missions/", params).status_code == 200


def test_session_start_out_of_range_is_refused_by_the_model(company_a):
    mission = make_mission(company=company_a)
    session = mission.sessions.get()
    session.start = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "start" in error.value.message_dict
