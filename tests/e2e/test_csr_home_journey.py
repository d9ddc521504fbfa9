"""A CSR officer's day in a real browser: the home's to-do, the sessions list filtered, a message
to a session's participants, the attendance and hours of a roster in one go; axe-core on every
new page in English and French, and at a phone's width."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from missions.models import Enrolment, EnrolmentStatus, MissionSession, SessionMessage
from tests.e2e.conftest import AXE
from tests.e2e.test_engagement_journey import assert_accessible, sign_in
from tests.factories import make_employee, make_mission

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
S = EnrolmentStatus
PHONE = {"width": 375, "height": 740}
# The elements that stick out of a phone's width (outside a box that scrolls sideways).
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width + 1) return [];
  return [...document.body.querySelectorAll("*")]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .filter((el) => !(el.parentElement && el.parentElement.closest(".table-scroll")))
    .slice(0, 5)
    .map((el) => el.tagName + "." + el.className + "#" + el.id);
}"""


def _phone_violations(browser, page) -> list[dict]:
    """axe-core on the page's URL in a phone-sized window (same user), serious and critical."""
    context = browser.new_context(
        locale="en-GB",
        bypass_csp=True,
        viewport=PHONE,
        storage_state=page.context.storage_state(),
    )
    try:
        audited = context.new_page()
        audited.goto(page.url)
        audited.add_script_tag(path=str(AXE))
        result = audited.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        # No sideways scrolling of the whole page on a phone: wide tables scroll in their box.
        overflow = audited.evaluate(OVERFLOWING)
    finally:
        context.close()
    found = [
        {"id": v["id"], "impact": v["impact"], "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    if overflow:
        found.append({"id": "page-wider-than-phone", "targets": overflow})
    return found


def _world(company):
    csr = make_employee(
        company, email="celine@alpha.example", first_name="Céline", is_csr_officer=True
    )
    soon = make_mission(company=company, title="Food bank morning", seats=6)
    upcoming = soon.sessions.get()
    readers = [
        make_employee(company, email=f"reader{i}@alpha.example", first_name=f"Reader{i}")
        for i in range(2)
    ]
    readers[1].language = "fr"
    readers[1].save(update_fields=["language"])
    for reader in readers:
        Enrolment.objects.create(
            employee=reader, session=upcoming, status=S.CONFIRMED, quota_hours=7
        )
    done = make_mission(company=company, title="Tree planting", seats=6).sessions.get()
    start = timezone.now() - dt.timedelta(days=1)
    MissionSession.objects.filter(pk=done.pk).update(start=start, end=start + dt.timedelta(hours=7))
    attendees = [
        Enrolment.objects.create(
            employee=make_employee(company, email=f"planter{i}@alpha.example"),
            session=done,
            status=S.CONFIRMED,
            quota_hours=7,
        )
        for i in range(2)
    ]
    return csr, upcoming, done, attendees


def test_csr_home_leads_to_the_filtered_sessions_list(page, company_a, axe_check):
    csr, _upcoming, _done, _attendees = _world(company_a)
    sign_in(page, csr.user.email)
    page.goto("/csr/")
    assert page.get_by_role("heading", name="CSR home").is_visible()
    assert page.locator('[data-todo="attendance"]').is_visible()
    assert page.locator('[data-todo="free_seats"]').is_visible()
    assert_accessible(page, axe_check, "the CSR home")

    page.get_by_role("link", name="Sessions", exact=True).first.click()
    page.wait_for_url(re.compile(r"/engagement/csr/sessions/"))
    page.get_by_label("Period").select_option("upcoming")
    page.get_by_label("With free seats").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"free_seats=on"))
    rows = page.locator("table.sessions-table tbody tr")
    assert rows.count() == 1 and "Food bank morning" in rows.first.inner_text()
    assert "2 / 6" in rows.first.inner_text()
    assert_accessible(page, axe_check, "the sessions list")


def test_csr_officer_writes_to_the_participants(page, company_a, axe_check):
    csr, upcoming, _done, _attendees = _world(company_a)
    sign_in(page, csr.user.email)
    page.goto(f"/engagement/csr/sessions/{upcoming.pk}/")
    page.get_by_role("link", name="Write to the participants").click()
    assert_accessible(page, axe_check, "the message form")
    page.get_by_label("Subject").fill("Meeting point")
    page.locator("#id_body").fill("Gate 3 at 8:45. Bring gloves.")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(rf"/engagement/csr/sessions/{upcoming.pk}/$"))
    assert "Meeting point" in page.locator("#messages-heading + ul").inner_text()
    assert SessionMessage.objects.get().recipient_count == 2
    sent = {m.to[0]: m for m in mail.outbox if "Meeting point" in m.subject}
    assert set(sent) == {"reader0@alpha.example", "reader1@alpha.example"}
    assert "écrit aux participants" in sent["reader1@alpha.example"].body


def test_csr_officer_confirms_the_roster_hours_at_once(page, company_a, axe_check):
    csr, _upcoming, done, attendees = _world(company_a)
    sign_in(page, csr.user.email)
    page.goto(f"/engagement/csr/sessions/{done.pk}/")
    page.get_by_role("link", name="Attendance and hours of everyone").click()
    assert_accessible(page, axe_check, "the bulk attendance form")
    page.locator("#id_roster-0-hours").fill("5")
    page.locator("#id_roster-1-outcome_1").check()
    page.get_by_role("button", name="Save the roster").click()
    page.wait_for_url(re.compile(rf"/engagement/csr/sessions/{done.pk}/$"))
    first, second = (Enrolment.objects.get(pk=e.pk) for e in attendees)
    assert first.status == S.ATTENDED and first.hours == Decimal("5.00")
    assert second.status == S.NO_SHOW


def test_csr_pages_in_french_and_on_a_phone(browser, page, live_server, company_a, axe_check):
    csr, upcoming, done, _attendees = _world(company_a)
    sign_in(page, csr.user.email)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "fr", "url": live_server.url}]
    )
    for path in (
        "/csr/",
        "/engagement/csr/sessions/?period=past",
        f"/engagement/csr/sessions/{upcoming.pk}/message/",
        f"/engagement/csr/sessions/{done.pk}/hours/",
    ):
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "fr"
        assert_accessible(page, axe_check, f"{path} in French")
        assert _phone_violations(browser, page) == [], f"{path} on a phone"
    page.goto("/csr/")
    assert page.get_by_role("heading", name="Accueil RSE").is_visible()


def test_admin_dashboard_shows_the_csr_to_do(page, company_a, axe_check):
    csr, _upcoming, _done, _attendees = _world(company_a)
    sign_in(page, csr.user.email)
    page.goto("/admin/")
    assert page.locator("#cordee-todo-heading").is_visible()
    assert page.locator('[data-todo="attendance"]').is_visible()
    assert_accessible(page, axe_check, "the admin dashboard")
