"""An executive in a browser: sign in, read the impact dashboard, build and download the PDF."""

from __future__ import annotations

import os
import re

import pytest
from pypdf import PdfReader

from tests.factories import PASSWORD, make_employee
from tests.reporting.conftest import impact_data  # noqa: F401 - the shared hand-built data set

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_executive_reads_the_dashboard_and_downloads_the_report(
    page,
    axe_check,
    impact_data,  # noqa: F811 - the fixture imported above
    tmp_path,
):
    executive = make_employee(
        impact_data.company, email="ceo@alpha.example", first_name="Claire", is_executive=True
    )

    page.goto("/accounts/login/?next=/impact/")
    # The sign-in page asks the e-mail first, then the password.
    page.get_by_label("Work e-mail address").fill(executive.user.email)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/impact/")
    page.get_by_role("heading", level=1, name="Impact dashboard").wait_for()

    # Pick 2025: the tiles, the charts and the comparison with 2024 show.
    picker = page.get_by_role("region", name="Choose a period")
    picker.get_by_label("Period", exact=True).select_option("year")
    picker.get_by_label("Year", exact=True).fill("2025")
    picker.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r".*year=2025.*"))
    assert page.get_by_text("2025, compared with 2024").is_visible()
    assert page.locator(".kpi__value").filter(has_text="24 h").count() == 1
    assert page.get_by_role("img", name="Hours by cause").count() == 1
    if shots := os.environ.get("CORDEE_SCREENSHOT_DIR"):
        page.screenshot(path=f"{shots}/impact-dashboard.png", full_page=True)
    violations = axe_check(page)
    assert violations == [], f"axe: serious/critical violations on the dashboard: {violations}"

    # Ask for the report in English; the page shows it archived, then the file downloads.
    reports = page.get_by_role("region", name="Impact report (PDF)")
    reports.get_by_label("Year", exact=True).fill("2025")
    reports.get_by_label("Language").select_option("en")
    reports.get_by_role("button", name="Build the report").click()
    page.wait_for_url(re.compile(r".*/impact/reports/\d+/$"))
    page.get_by_role("link", name="Download the PDF").wait_for(timeout=120_000)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    target = tmp_path / "report.pdf"
    download_info.value.save_as(target)
    reader = PdfReader(target)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Alpha Industries" in text and "24 h" in text
    assert reader.metadata.author == "Alpha Industries"

    # The report is listed on the dashboard.
    page.goto("/impact/")
    assert page.locator(".report-list__item").filter(has_text="Ready").count() == 1
    assert page.csp_errors == []
