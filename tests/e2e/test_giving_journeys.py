"""Giving in a browser: an employee pledges, the CSR officer runs the month, the match shows."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from donations.models import Donation, PayrollRun, Pledge
from donations.services.pledges import set_round_up_associations
from tests.donations.helpers import this_year_policy
from tests.factories import PASSWORD, make_association, make_employee

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def giving_setup(company_a):
    restos = make_association(title="Les Restos", helps_people_in_difficulty=True)
    forets = make_association(title="Forêts Vives")
    set_round_up_associations(company=company_a, association_ids=[restos.pk, forets.pk])
    this_year_policy(company_a)
    employee = make_employee(
        company_a, email="eve@alpha.example", first_name="Eve", employee_number="E001"
    )
    csr = make_employee(company_a, email="csr@alpha.example", is_csr_officer=True)
    return {"restos": restos, "forets": forets, "employee": employee, "csr": csr}


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    # The sign-in page asks the e-mail first, then the password.
    page.get_by_label("Work e-mail address").fill(email)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r".*/$"))


def sign_out(page) -> None:
    page.context.clear_cookies()


def test_pledge_payroll_run_and_match_journey(page, giving_setup, axe_check):
    # The employee sets up a round-up pledge: 70 % / 30 %, the cents of the net pay.
    sign_in(page, "eve@alpha.example")
    page.goto("/giving/")
    page.get_by_role("link", name="Set up a round-up pledge").click()
    page.get_by_label("The cents of my net pay").check()
    page.get_by_label("Share for Les Restos (%)").fill("70")
    page.get_by_label("Share for Forêts Vives (%)").fill("30")
    page.get_by_label("I agree", exact=False).check()
    page.get_by_role("button", name="Save my pledge").click()
    page.wait_for_url("**/giving/")
    assert page.get_by_text("70 % · Les Restos").is_visible()
    assert Pledge.objects.get().consent_text_version
    assert axe_check(page) == []
    assert page.csp_errors == []

    # The CSR officer opens the month, uploads the net pay, previews, exports and confirms.
    sign_out(page)
    sign_in(page, "csr@alpha.example")
    page.goto("/giving/payroll/")
    page.get_by_label("Month").fill(timezone.localdate().strftime("%Y-%m"))
    page.get_by_role("button", name="Open the run").click()
    page.wait_for_url(re.compile(r".*/giving/payroll/\d+/$"))
    page.get_by_label("Net-pay file (CSV)").set_input_files(
        {
            "name": "paie.csv",
            "mimeType": "text/csv",
            "buffer": "\ufeffmatricule;net_a_payer\nE001;2 345,67\n".encode(),
        }
    )
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("heading", name="Preview").wait_for()
    assert page.get_by_role("cell", name="E001").is_visible()
    assert axe_check(page) == []
    with page.expect_download() as download:
        page.get_by_role("button", name="Export the deduction file").click()
    assert "E001;0,67;" in download.value.path().read_text(encoding="utf-8")
    page.reload()
    page.get_by_role("link", name="Confirm after payday").click()
    page.get_by_label(re.compile(r"I confirm €0\.67 deducted from 1 person")).check()
    page.get_by_role("button", name="Confirm the run").click()
    page.get_by_text("Run confirmed").wait_for()
    assert PayrollRun.objects.get().status == "confirmed"
    assert Donation.objects.count() == 2

    # The employee sees the deduction and the match: 0.47 € became 0.94 €.
    sign_out(page)
    sign_in(page, "eve@alpha.example")
    page.goto("/giving/")
    assert page.get_by_text(re.compile(r"Your €0\.47 became €0\.94")).is_visible()
    assert page.get_by_role("cell", name="€0.67").is_visible()
