"""The payroll officer in a browser: a stale preview recomputed in one click, then the
confirmation step that states what will happen and asks for the month when many are missing."""

from __future__ import annotations

import re

import pytest

from donations.models import Donation, PayrollRun
from donations.services.pledges import PledgeTerms, change_pledge, set_round_up_associations
from tests.donations.conftest import BEFORE_MONTH, MONTH, pledge_for
from tests.donations.helpers import this_year_policy
from tests.e2e.test_giving_journeys import sign_in
from tests.factories import make_association, make_employee

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def month_to_run(company_a):
    restos = make_association(title="Les Restos", helps_people_in_difficulty=True)
    set_round_up_associations(company=company_a, association_ids=[restos.pk])
    this_year_policy(company_a)
    eve = make_employee(
        company_a, email="eve@alpha.example", first_name="Eve", employee_number="E001"
    )
    pledge_for(eve, [restos], rule="cents")
    for number, name in (("M001", "Marc"), ("M002", "Nina")):
        pledge_for(make_employee(company_a, first_name=name, employee_number=number), [restos])
    make_employee(company_a, email="paie@alpha.example", is_payroll_officer=True)
    return {"eve": eve, "restos": restos}


def test_officer_recomputes_a_stale_preview_then_types_the_month_to_confirm(
    page, month_to_run, axe_check
):
    sign_in(page, "paie@alpha.example")
    page.goto("/giving/payroll/")
    page.get_by_label("Month").fill(MONTH.strftime("%Y-%m"))
    page.get_by_role("button", name="Open the run").click()
    page.wait_for_url(re.compile(r".*/giving/payroll/\d+/$"))
    page.get_by_label("Net-pay file (CSV)").set_input_files(
        {"name": "paie.csv", "mimeType": "text/csv", "buffer": b"matricule;net\nE001;2345,67\n"}
    )
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("heading", name="Preview").wait_for()
    assert page.get_by_role("cell", name="€0.67").is_visible()

    # Eve caps her pledge at 0.50 € while the preview waits: the page says it is stale.
    terms = PledgeTerms(
        rule="cents",
        allocations={month_to_run["restos"].pk: 100},
        fixed_amount_cents=None,
        monthly_cap_cents=50,
        start_month=MONTH,
    )
    change_pledge(profile=month_to_run["eve"], terms=terms, consent=True, today=BEFORE_MONTH)
    page.reload()
    assert page.get_by_text("A pledge changed since this preview was computed").is_visible()
    page.get_by_role("button", name="Recompute the preview").click()
    page.get_by_text("The preview was computed again").wait_for()
    assert page.locator("#run-stale").count() == 0
    assert page.get_by_role("cell", name="€0.50").is_visible()

    with page.expect_download():
        page.get_by_role("button", name="Export the deduction file").click()
    page.reload()
    page.get_by_role("link", name="Confirm after payday").click()
    # Two of three pledgers are missing: the figures, who is missing, and the month to type.
    summary = page.locator("#confirm-summary")
    assert summary.get_by_text("1 person will be recorded as giving €0.50").is_visible()
    assert page.locator("#missing-count").inner_text().startswith("2 of 3")
    assert page.get_by_role("cell", name="M001").is_visible()
    assert page.get_by_role("cell", name="Nina", exact=False).is_visible()
    assert axe_check(page) == []
    assert page.csp_errors == []
    page.get_by_label(re.compile("Type the month of the run")).fill("2026-04")
    page.get_by_role("button", name="Confirm the run").click()
    page.get_by_text("Type the month of the run (2026-03) to confirm.").wait_for()
    assert PayrollRun.objects.get().status == PayrollRun.Status.EXPORTED
    page.get_by_label(re.compile("Type the month of the run")).fill("2026-03")
    page.get_by_role("button", name="Confirm the run").click()
    page.get_by_text("Run confirmed").wait_for()
    assert PayrollRun.objects.get().status == PayrollRun.Status.CONFIRMED
    assert [d.amount_cents for d in Donation.objects.all()] == [50]
