"""Receipts in a browser: an association admin issues last year's receipts and downloads one;
the donor downloads theirs from the giving page."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from tests.donations.helpers import make_donation
from tests.donations.receipt_helpers import IN_2025, YEAR, give_address, ready_association
from tests.e2e.test_giving_journeys import sign_in, sign_out
from tests.factories import make_employee

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_association_member_issues_and_downloads_a_receipt(page, axe_check, company_a, tmp_path):
    treasurer = make_employee(company_a, email="treasurer@alpha.example", first_name="Tess")
    donor = make_employee(company_a, email="eve@alpha.example", first_name="Eve", last_name="Roux")
    # The membership is created here: the association workspace invites people elsewhere.
    association = ready_association(admin_user=treasurer.user)
    give_address(donor)
    make_donation(donor, association, 12_005, when=IN_2025)

    sign_in(page, treasurer.user.email)
    page.goto(f"/association/{association.pk}/receipts/?year={YEAR}")
    page.get_by_role("heading", level=1).wait_for()
    violations = axe_check(page)
    assert violations == [], f"axe: serious/critical violations on the receipts page: {violations}"
    page.get_by_role("button", name=f"Issue the employees' receipts for {YEAR}").click()
    page.get_by_text("1 receipt issued.").wait_for()

    link = page.get_by_role("link", name=f"Download receipt {YEAR}-000001")
    with page.expect_download() as download_info:
        link.click()
    target = tmp_path / "receipt.pdf"
    download_info.value.save_as(target)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(target).pages).split())
    assert "Reçu n° 2025-000001" in text
    assert "cent vingt euros et cinq centimes" in text
    assert "Eve Roux" in text

    # The donor finds the same receipt on their giving page.
    sign_out(page)
    sign_in(page, donor.user.email)
    page.goto("/giving/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Receipt {YEAR}-000001", exact=False).click()
    assert download_info.value.suggested_filename == f"recu-fiscal-{YEAR}-000001.pdf"
    assert page.csp_errors == []
