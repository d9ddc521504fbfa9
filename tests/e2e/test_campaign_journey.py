"""A campaign in a browser: the CSR officer creates and launches it, an employee sees it on
their home page, and the card gift form shows the campaign's match live; axe-core clean in
English and French, and on a phone-sized screen."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from donations.models import Campaign
from tests.donations.helpers import this_year_policy
from tests.e2e.test_giving_journeys import sign_in
from tests.factories import make_association, make_employee

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def campaign_setup(company_a):
    restos = make_association(
        title="Les Restos", helps_people_in_difficulty=True, tax_receipt_eligible=True
    )
    make_association(title="Forêts Vives", tax_receipt_eligible=True)
    this_year_policy(company_a)
    make_employee(company_a, email="eve@alpha.example", first_name="Eve")
    make_employee(company_a, email="csr@alpha.example", is_csr_officer=True)
    return {"restos": restos}


def _no_serious_violations(axe_check, page) -> None:
    violations = axe_check(page)
    assert violations == [], violations


def _fits_the_screen(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def test_csr_runs_a_campaign_and_the_employee_sees_it_and_its_live_match(
    page, browser, live_server, campaign_setup, axe_check
):
    today = timezone.localdate()
    # The CSR officer creates the campaign, then launches it.
    sign_in(page, "csr@alpha.example")
    page.goto("/giving/campaigns/")
    page.get_by_role("link", name="New campaign").click()
    page.get_by_role("heading", name="New campaign").wait_for()
    _no_serious_violations(axe_check, page)
    page.locator("#id_title").fill("Christmas collection")
    page.locator("#id_starts_on").fill((today - dt.timedelta(days=1)).isoformat())
    page.locator("#id_ends_on").fill((today + dt.timedelta(days=20)).isoformat())
    page.get_by_label("Les Restos").check()
    page.locator("#id_goal_amount").fill("5000")
    page.locator("#id_match_ratio_numerator").fill("2")
    page.locator("#id_match_ratio_denominator").fill("1")
    page.locator("#id_employee_cap").fill("100")
    page.locator("#id_match_budget").fill("1000")
    page.get_by_role("button", name="Save the campaign").click()
    page.get_by_role("heading", name="Christmas collection").wait_for()
    page.get_by_role("button", name="Launch the campaign").click()
    page.locator(".message--success", has_text="Campaign launched").wait_for()
    _no_serious_violations(axe_check, page)
    assert Campaign.objects.get().is_launched
    page.context.clear_cookies()

    # The employee's home shows the open campaign with its progress bar.
    sign_in(page, "eve@alpha.example")
    page.get_by_role("heading", name="Open campaigns").wait_for()
    assert page.get_by_role("link", name="Christmas collection").is_visible()
    assert page.locator("progress.campaign-progress__bar").count() >= 1
    _no_serious_violations(axe_check, page)

    # The card form: a suggested amount, and the match computed live (2:1).
    restos = campaign_setup["restos"]
    page.goto(f"/giving/give/?association={restos.pk}")
    page.get_by_label("€30.00").check()
    preview = page.locator("#match-preview")
    preview.wait_for()
    assert re.search(r"Your €30\.00 becomes €90\.00", preview.inner_text())
    assert "Christmas collection" in preview.inner_text()
    assert "€22.50" in page.locator("#tax-preview").inner_text()  # 75 % of 30 €
    page.locator("#id_amount").fill("80")
    assert "€180.00" in preview.inner_text()  # capped at 100 €
    page.get_by_label("I also cover the processing fees").check()
    assert page.locator("#fee-preview").is_visible()
    _no_serious_violations(axe_check, page)
    assert page.csp_errors == []

    # In French, on a phone: the same pages, translated, fitting the screen.
    french = browser.new_context(
        locale="fr-FR",
        base_url=live_server.url,
        viewport=PHONE,
        storage_state=page.context.storage_state(),
        extra_http_headers={"Accept-Language": "fr-FR,fr"},
    )
    try:
        phone = french.new_page()
        phone.goto("/")
        phone.get_by_role("heading", name="Campagnes en cours").wait_for()
        _fits_the_screen(phone)
        _no_serious_violations(axe_check, phone)
        phone.goto(f"/giving/give/?association={restos.pk}")
        phone.get_by_label("30,00 €").check()
        text = phone.locator("#match-preview").inner_text().replace("\u202f", " ")
        assert "Vos 30,00 € deviennent 90,00 €" in text.replace("\u00a0", " ")
        _fits_the_screen(phone)
        _no_serious_violations(axe_check, phone)
        phone.goto(f"/giving/campaigns/{Campaign.objects.get().pk}/")
        _fits_the_screen(phone)
        _no_serious_violations(axe_check, phone)
    finally:
        french.close()
