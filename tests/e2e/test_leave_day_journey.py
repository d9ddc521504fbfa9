"""Leave-day donation in a browser: an employee offers a day, HR accepts it, the employee sees
the amount their company gave."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from donations.models import CompanyGift, LeaveDayRequest
from portal.models import EmployeePay
from tests.e2e.test_giving_journeys import sign_in, sign_out
from tests.factories import make_association, make_employee

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def people(company_a):
    restos = make_association(
        title="Les Restos", helps_people_in_difficulty=True, tax_receipt_eligible=True
    )
    eve = make_employee(company_a, email="eve@alpha.example", first_name="Eve")
    # 3,250.50 € a month / 21.67 working days = 150.00 € a day.
    EmployeePay.objects.create(
        profile=eve,
        valid_from=dt.date(2020, 1, 1),
        monthly_gross_cents=325_050,
        monthly_employer_contributions_cents=146_272,
        source=EmployeePay.Source.MANUAL,
    )
    make_employee(company_a, email="rh@alpha.example", first_name="Rita", is_payroll_officer=True)
    return {"eve": eve, "restos": restos}


def test_employee_offers_a_leave_day_that_the_officer_accepts(page, people, axe_check):
    sign_in(page, "eve@alpha.example")
    page.goto("/giving/leave-days/")
    assert page.get_by_text("D3142-82").first.is_visible()
    page.get_by_label("Association").select_option(label="Les Restos")
    page.get_by_label("Working days").fill("1")
    page.get_by_label("Kind of days").select_option("rtt")
    assert axe_check(page) == []
    page.get_by_role("button", name="Send my offer to HR").click()
    page.get_by_text("Your offer is sent to HR").wait_for()
    assert page.locator(".leave-status").first.inner_text().startswith("Waiting for HR")
    sign_out(page)

    sign_in(page, "rh@alpha.example")
    page.goto("/giving/leave-days/requests/")
    assert axe_check(page) == []
    page.get_by_role("link", name="Decide").click()
    page.wait_for_url(re.compile(r".*/giving/leave-days/requests/\d+/$"))
    assert axe_check(page) == []
    page.get_by_label("Accept").check()
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_text("Accepted: the gift joins the next disbursement.").wait_for()
    request = LeaveDayRequest.objects.get()
    assert request.status == "accepted" and request.amount_cents == 15_000
    assert CompanyGift.objects.get(source_reference=f"leave:{request.pk}").kind == "leave_day"
    sign_out(page)

    sign_in(page, "eve@alpha.example")
    page.goto("/giving/")
    item = page.locator(f'[data-leave-request="{request.pk}"]')
    assert "Accepted" in item.inner_text()
    assert "€150.00" in item.inner_text()
    assert page.csp_errors == []
