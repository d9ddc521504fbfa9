"""Wagtail's admin under its own CSP in a real browser: a CSR officer edits and publishes."""

from __future__ import annotations

import re

import pytest

from missions.models import MissionPage
from tests.factories import PASSWORD, make_mission

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_csr_officer_edits_and_publishes_a_mission_in_the_admin(page, csr_a, company_a):
    mission = make_mission(company=company_a, title="Repair café", slug="repair-cafe")

    # The admin sends visitors to the site's own sign-in (allauth), then back.
    page.goto("/admin/")
    page.wait_for_url("**/accounts/login/?next=/admin/")
    # The sign-in page asks the e-mail first, then the password.
    page.get_by_label("Work e-mail address").fill(csr_a.user.email)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/")

    page.goto(f"/admin/pages/{mission.pk}/edit/")
    title = page.locator("#id_title")
    title.wait_for()
    # The rich-text editor is built by the admin's scripts: it only appears if CSP let them run.
    page.locator(".Draftail-Editor").first.wait_for()
    title.fill("Repair café, Saturday edition")

    # Publish sits in the save button's dropdown.
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_url(re.compile(r".*/admin/pages/\d+/"))

    mission.refresh_from_db()
    assert MissionPage.objects.live().get(pk=mission.pk).title == "Repair café, Saturday edition"
    assert page.csp_errors == []
