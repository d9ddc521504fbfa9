"""Engagement in a real browser: enrol in a session needing approval, the manager approves from
the e-mail link, the employee sees it confirmed and downloads the .ics; axe on the new pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail

from missions.models import Enrolment, EnrolmentStatus
from tests.factories import PASSWORD, make_employee, make_mission

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    # The sign-in page asks the e-mail first, then the password.
    page.get_by_label("Work e-mail address").fill(email)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    page.wait_for_load_state()


def assert_accessible(page, axe_check, where: str) -> None:
    violations = axe_check(page)
    assert violations == [], f"axe: serious/critical violations on {where}: {violations}"


def test_enrol_then_manager_approves_from_the_email_then_ics(
    browser, page, live_server, company_a, axe_check
):
    manager = make_employee(company_a, email="manon@alpha.example", first_name="Manon")
    employee = make_employee(
        company_a, email="rita@alpha.example", first_name="Rita", manager=manager
    )
    mission = make_mission(
        company=company_a, title="River clean-up day", kind="citizen_day", seats=12
    )
    assert company_a.approval_required

    sign_in(page, employee.user.email)
    page.goto(mission.url)
    page.get_by_role("button", name=re.compile("^Enrol")).first.click()
    page.wait_for_url(re.compile(r"/engagement/enrolments/\d+/$"))
    assert "Pending approval" in page.content()
    assert_accessible(page, axe_check, "the enrolment confirmation")
    page.goto("/engagement/")
    assert_accessible(page, axe_check, "My engagements")

    message = next(m for m in mail.outbox if m.to == [manager.user.email])
    approve_url = re.search(r"(http\S+/approvals/link/\S+/)", message.body).group(1)
    path = "/" + approve_url.split("://", 1)[1].split("/", 1)[1]
    manager_page = browser.new_context(locale="en-GB", base_url=live_server.url).new_page()
    manager_page.goto(path)
    assert_accessible(manager_page, axe_check, "the approval link page")
    manager_page.get_by_role("button", name="Approve").click()
    manager_page.wait_for_load_state()
    assert "Decision recorded" in manager_page.content()
    manager_page.context.close()

    enrolment = Enrolment.objects.get(employee=employee)
    assert enrolment.status == EnrolmentStatus.CONFIRMED
    page.goto(f"/engagement/enrolments/{enrolment.pk}/")
    assert "Confirmed" in page.content()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"\.ics")).click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert "BEGIN:VCALENDAR" in content and enrolment.calendar_uid in content
    assert page.csp_errors == []


def test_manager_and_csr_pages_are_accessible(page, company_a, axe_check):
    manager = make_employee(company_a, email="manon@alpha.example", first_name="Manon")
    report = make_employee(company_a, email="rita@alpha.example", manager=manager)
    csr = make_employee(company_a, email="csr@alpha.example", is_csr_officer=True)
    mission = make_mission(company=company_a, title="Tutoring", kind="citizen_day")
    from missions.services.enrolment import enrol

    enrol(employee=report, session_id=mission.sessions.get().pk)
    sign_in(page, manager.user.email)
    page.goto("/engagement/approvals/")
    assert "Rita" in page.content() or report.user.email in page.content()
    assert_accessible(page, axe_check, "the approvals page")
    page.context.clear_cookies()
    sign_in(page, csr.user.email)
    for path in [
        "/engagement/csr/",
        f"/engagement/csr/missions/{mission.pk}/",
        f"/engagement/csr/sessions/{mission.sessions.get().pk}/",
        f"/engagement/csr/missions/{mission.pk}/series/",
        "/engagement/calendar/",
    ]:
        page.goto(path)
        assert_accessible(page, axe_check, path)
