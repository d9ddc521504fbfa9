"""The CSR officer's home: the to-do appears and goes, key figures, tools, the admin dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation

from donations.models import PayrollRun
from missions.models import Enrolment, EnrolmentStatus, Feedback
from portal.calendar import company_today
from reporting.selectors import csr_home
from reporting.selectors.csr_home import TODO_PROVIDERS, TodoContext, TodoItem, todo_for
from tests.factories import make_employee
from tests.missions.engagement_helpers import open_session, past_session

pytestmark = pytest.mark.django_db
S = EnrolmentStatus


def _seat(session, status=S.CONFIRMED, *, company=None, **fields):
    employee = make_employee(company or session.mission.company)
    return Enrolment.objects.create(
        employee=employee, session=session, status=status, quota_hours=7, **fields
    )


def _keys(officer) -> dict[str, TodoItem]:
    return {item.key: item for item in todo_for(officer)}


def test_nothing_to_do_on_a_quiet_day(csr_a):
    assert todo_for(csr_a) == []


def test_free_seats_in_the_next_two_weeks_appear_and_go_when_full(csr_a, company_a):
    session = open_session(company_a, seats=1)
    open_session(company_a, start=timezone.now() + dt.timedelta(days=30))  # too far
    item = _keys(csr_a)["free_seats"]
    assert item.count == 1 and "free_seats=on" in item.url
    _seat(session)
    assert "free_seats" not in _keys(csr_a)


def test_attendance_missing_appears_until_it_is_recorded(csr_a, company_a):
    enrolment = _seat(past_session(company_a, days_ago=1))
    assert _keys(csr_a)["attendance"].count == 1
    enrolment.status = S.ATTENDED
    enrolment.save()
    assert "attendance" not in _keys(csr_a)


def test_no_shows_of_the_last_30_days_are_counted(csr_a, company_a):
    session = past_session(company_a, days_ago=2)
    _seat(session, S.NO_SHOW)
    _seat(session, S.NO_SHOW)
    _seat(past_session(company_a, days_ago=40), S.NO_SHOW)
    assert _keys(csr_a)["no_shows"].count == 2


def test_approvals_waiting_for_the_csr_team(csr_a, company_a):
    session = open_session(company_a)
    _seat(session, S.PENDING_APPROVAL, approval_deadline=timezone.now() + dt.timedelta(days=2))
    assert _keys(csr_a)["approvals"].count == 1


def test_feedback_to_read_goes_once_marked_read(client, csr_a, company_a):
    enrolment = _seat(past_session(company_a, days_ago=1), S.ATTENDED, hours=7)
    Feedback.objects.create(
        enrolment=enrolment, satisfaction=5, meaning=4, would_recommend=True, comment="Great day"
    )
    assert _keys(csr_a)["feedback"].count == 1
    client.force_login(csr_a.user)
    response = client.get(reverse("csr:home"))
    assert "Great day" in response.content.decode()
    assert client.post(reverse("csr:feedback_read")).status_code == 302
    assert "feedback" not in _keys(csr_a)


def test_payroll_run_of_the_month_shows_its_state(csr_a, company_a):
    month = company_today(company_a).replace(day=1)
    run = PayrollRun.objects.create(company=company_a, month=month, currency="EUR")
    item = _keys(csr_a)["payroll"]
    assert not item.done and str(run.pk) in item.url
    run.status = PayrollRun.Status.CONFIRMED
    run.confirmed_at = timezone.now()
    run.save()
    assert _keys(csr_a)["payroll"].done


def test_another_companys_work_is_not_in_my_to_do(csr_a, company_b):
    open_session(company_b, seats=3)
    _seat(past_session(company_b, days_ago=1))
    _seat(past_session(company_b, days_ago=2), S.NO_SHOW)
    PayrollRun.objects.create(
        company=company_b, month=company_today(company_b).replace(day=1), currency="EUR"
    )
    assert todo_for(csr_a) == []


def test_a_provider_added_to_the_list_shows_on_the_home(client, csr_a, monkeypatch):
    def proposals(ctx: TodoContext) -> list[TodoItem]:
        return [TodoItem("proposals", "2 associations proposed", "/somewhere/", 2)]

    monkeypatch.setattr(csr_home, "TODO_PROVIDERS", [*TODO_PROVIDERS, proposals])
    client.force_login(csr_a.user)
    assert "2 associations proposed" in client.get(reverse("csr:home")).content.decode()


def test_home_shows_key_figures_and_every_tool(client, csr_a, company_a):
    open_session(company_a)
    client.force_login(csr_a.user)
    with translation.override("en"):
        response = client.get(reverse("csr:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    for name in (
        "missions:csr_sessions",
        "missions:csr_missions",
        "donations:payroll_runs",
        "donations:rules_policies",
        "donations:finance",
        "people_import",
        "reporting:dashboard",
        "wagtailadmin_explore_root",
    ):
        assert f'href="{reverse(name)}"' in body, name
    assert len(response.context["tiles"]) == 4


def test_home_is_for_csr_officers_only(client, employee_a):
    client.force_login(employee_a.user)
    assert client.get(reverse("csr:home")).status_code == 404
    assert client.post(reverse("csr:feedback_read")).status_code == 404


def test_nav_leads_csr_officers_to_their_home(client, csr_a):
    client.force_login(csr_a.user)
    body = client.get(reverse("missions:my_engagements")).content.decode()
    assert f'href="{reverse("csr:home")}"' in body


def test_admin_dashboard_shows_the_officers_to_do(client, csr_a, company_a):
    open_session(company_a, seats=2)
    client.force_login(csr_a.user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-todo="free_seats"' in body and company_a.name in body
    assert "Cordée" in body


def test_admin_dashboard_of_a_platform_admin_shows_the_platform(client, site_tree):
    admin = get_user_model().objects.create_superuser("root", "root@platform.example", "x")
    client.force_login(admin)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert 'id="cordee-platform-heading"' in response.content.decode()


def test_csr_home_needs_the_second_factor(client, csr_a, force_login_without_second_factor):
    force_login_without_second_factor(client, csr_a.user)
    response = client.get(reverse("csr:home"))
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_csr_home_queries_do_not_grow_with_the_sessions(
    client, csr_a, company_a, django_assert_max_num_queries
):
    def build(n):
        for _ in range(n):
            session = open_session(company_a, seats=3)
            _seat(session)
            _seat(past_session(company_a, days_ago=2), S.NO_SHOW)

    client.force_login(csr_a.user)
    build(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("csr:home"))
    build(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("csr:home")).status_code == 200


# ---- Lines other features add to the to-do -------------------------------------------------------


def test_declared_hours_proposals_and_leave_days_join_the_to_do_of_their_company_only(
    csr_a, company_a, company_b, on_the_default_day
):
    from donations.services.leave_days import offer_leave_days
    from missions.services.community import propose_association, report_hours
    from tests.factories import make_association

    association = make_association(tax_receipt_eligible=True)
    for company in (company_a, company_b):
        person = make_employee(company)
        report_hours(
            employee=person,
            association_id=association.pk,
            done_on=dt.date(2026, 11, 14),
            hours="3",
            description="Tri de vêtements",
        )
        propose_association(
            employee=person,
            name="Les Amis du Quartier",
            identifier_kind="rna",
            identifier="W751234567",
            reason="Ils aident nos voisins.",
        )
        offer_leave_days(profile=person, association_id=association.pk, days=1, kind="rtt")
    items = _keys(csr_a)
    assert items["self_reported"].count == 1
    assert items["self_reported"].url == reverse("missions:csr_self_reported")
    assert items["proposals"].count == 1
    assert items["leave_days"].count == 1
    with translation.override("en"):
        assert _keys(csr_a)["leave_days"].text == "1 leave-day offer waits for a decision."
