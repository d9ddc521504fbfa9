"""Giving forms refuse dates Cordée cannot compute with (year 1, year 9999) with a form error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from donations.models import MatchingPolicy, PayrollRun, Pledge
from tests.factories import make_employee

pytestmark = pytest.mark.django_db
OUT_OF_RANGE = "Enter a date between the years 1900 and 2199."


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.mark.parametrize("month", ["0001-01", "9999-12"])
def test_pledge_starting_out_of_range_is_refused(client, employee_a, round_up_a, month):
    first, second = round_up_a
    employee_a.employee_number = "E-1"  # a pledge needs one; the date is what is refused here
    employee_a.save(update_fields=["employee_number", "updated_at"])
    client.force_login(employee_a.user)
    response = client.post(
        reverse("donations:pledge"),
        {
            "rule": "round_5",
            f"share_{first.pk}": "70",
            f"share_{second.pk}": "30",
            "start_month": month,
            "consent": "on",
        },
    )
    assert OUT_OF_RANGE in response.content.decode()
    assert not Pledge.objects.exists()


@pytest.mark.parametrize("month", ["0001-01", "9999-12"])
def test_payroll_run_of_a_month_out_of_range_is_refused(client, company_a, month):
    officer = make_employee(company_a, is_csr_officer=True, is_payroll_officer=True)
    client.force_login(officer.user)
    response = client.post(reverse("donations:payroll_runs"), {"month": month})
    assert OUT_OF_RANGE in response.content.decode()
    assert not PayrollRun.objects.exists()


@pytest.mark.parametrize(
    ("start", "end"), [("0001-01-01", "0002-01-01"), ("9998-01-01", "9999-12-31")]
)
def test_matching_policy_period_out_of_range_is_refused(client, csr_a, start, end):
    client.force_login(csr_a.user)
    response = client.post(
        reverse("donations:rules_policy_create"),
        {
            "ratio_numerator": "2",
            "ratio_denominator": "1",
            "employee_cap": "500",
            "budget": "10000",
            "sources": ["payroll"],
            "period_start": start,
            "period_end": end,
        },
    )
    assert response.status_code == 400
    assert OUT_OF_RANGE in response.content.decode()
    assert not MatchingPolicy.objects.exists()
    # The next form still opens (it starts where the latest policy ends).
    assert client.get(reverse("donations:rules_policy_create")).status_code == 200
