"""An executive in a browser: open the mécénat ledger, enter the turnover, export the CSV."""

from __future__ import annotations

import os

import pytest

from donations.selectors.ledger import current_fiscal_year, fiscal_year_dates
from donations.services.company_gifts import record_company_gift
from portal.calendar import company_today
from tests.e2e.second_factor import pass_second_factor, seed_totp
from tests.factories import PASSWORD, CompanyFactory, make_association, make_employee

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_executive_opens_the_ledger_enters_the_turnover_and_exports_it(
    page, axe_check, site_tree, tmp_path
):
    company = CompanyFactory(name="Alpha Industries", slug="alpha", domains=["alpha.example"])
    helping = make_association(
        title="Les Restos", legal_name="Les Restos", helps_people_in_difficulty=True
    )
    year = current_fiscal_year(company, company_today(company))
    start, _end = fiscal_year_dates(company, year)
    record_company_gift(
        company=company,
        association=helping,
        kind="grant",
        amount_cents=3_000_000,  # 30,000 €: above the fixed 20,000 € cap
        given_on=start,
        source_reference="grant:e2e",
    )
    executive = make_employee(
        company, email="ceo@alpha.example", first_name="Claire", is_executive=True
    )

    seed_totp(executive.user.email)
    page.goto("/accounts/login/?next=/giving/ledger/")
    page.get_by_label("Work e-mail address").fill(executive.user.email)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    pass_second_factor(page, executive.user.email)
    page.wait_for_url(f"**/giving/ledger/{year}/")
    page.get_by_role("heading", level=1, name=f"Mécénat ledger, fiscal year {year}").wait_for()

    summary = page.locator("#ledger-summary")
    assert "30,000.00" in summary.locator("[data-figure=gifts]").inner_text()
    # Without a turnover the fixed 20,000 € cap binds: 10,000 € carry forward.
    assert "20,000.00" in summary.locator("[data-figure=cap]").inner_text()
    assert "10,000.00" in summary.locator("[data-figure=excess]").inner_text()
    assert page.get_by_role("row", name="Les Restos").count() == 1
    violations = axe_check(page)
    assert violations == [], f"axe: serious/critical violations on the ledger: {violations}"

    # A turnover of 10 M€ lifts the cap to 50,000 €: every gift is retained, 60 % of it.
    page.get_by_label("Turnover excluding tax (€)").fill("10000000")
    page.get_by_label("Corporate tax due before the reduction (€)").fill("5000")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The figures of the fiscal year are saved.").wait_for()
    assert "50,000.00" in summary.locator("[data-figure=cap]").inner_text()
    assert "18,000.00" in summary.locator("[data-figure=reduction]").inner_text()
    # The tax due (5,000 €) takes part of it; 13,000 € carry forward.
    assert "13,000.00" in summary.locator("[data-figure=reduction-balance]").inner_text()
    if shots := os.environ.get("CORDEE_SCREENSHOT_DIR"):
        page.screenshot(path=f"{shots}/mecenat-ledger.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    target = tmp_path / "ledger.csv"
    download_info.value.save_as(target)
    text = target.read_text(encoding="utf-8-sig")
    assert "grant:e2e" in text and "Les Restos" in text
    assert page.csp_errors == []
