"""CSR officers set their own company's engagement rules in the admin, and nobody else's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from wagtail.models import ModelLogEntry

from portal.models import Company

pytestmark = pytest.mark.django_db

DENIED = {302, 403, 404}


@pytest.fixture
def csr_b_client(client, csr_b):
    client.force_login(csr_b.user)
    return client


def rules(**overrides) -> dict:
    data = {
        "yearly_quota_days": "4,5",
        "hours_per_day": "7,5",
        "approval_required": "",
        "hourly_valuation": "72,50",
        "fiscal_year_start_month": "9",
        "brand_colour": "#8b3a1f",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_list_shows_only_the_officer_s_company(csr_b_client, company_a, company_b):
    body = csr_b_client.get("/admin/company-rules/").content.decode()
    assert company_b.name in body and company_a.name not in body


def test_officer_changes_the_rules_of_their_company(csr_b_client, company_b):
    page = csr_b_client.get(f"/admin/company-rules/edit/{company_b.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    # Only the rules: the officer never renames the company or changes its domains.
    assert 'name="hourly_valuation"' in body
    assert 'name="slug"' not in body and 'name="domains"' not in body
    # Decimals shown the way a French officer writes them.
    assert 'name="hourly_valuation" value="50,00"' in body
    assert 'name="yearly_quota_days" value="2,0"' in body
    response = csr_b_client.post(f"/admin/company-rules/edit/{company_b.pk}/", rules())
    assert response.status_code == 302, response.context["form"].errors
    company_b.refresh_from_db()
    assert company_b.yearly_quota_days == Decimal("4.5")
    assert company_b.hours_per_day == Decimal("7.5")
    assert company_b.approval_required is False
    assert company_b.hourly_valuation_cents == 7250
    assert company_b.fiscal_year_start_month == 9
    assert company_b.brand_colour == "#8b3a1f"
    assert ModelLogEntry.objects.filter(object_id=str(company_b.pk), action="wagtail.edit").exists()


def test_bad_rules_are_refused_and_nothing_changes(csr_b_client, company_b):
    before = Company.objects.values().get(pk=company_b.pk)
    response = csr_b_client.post(
        f"/admin/company-rules/edit/{company_b.pk}/",
        rules(
            yearly_quota_days="-1",
            fiscal_year_start_month="13",
            hourly_valuation="x",
            brand_colour="red",
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    fields = {"yearly_quota_days", "fiscal_year_start_month", "hourly_valuation", "brand_colour"}
    assert fields <= set(errors)
    assert Company.objects.values().get(pk=company_b.pk) == before


@pytest.mark.parametrize("view", ["edit", "history"])
def test_another_company_s_rules_are_404(csr_b_client, company_a, view):
    assert csr_b_client.get(f"/admin/company-rules/{view}/{company_a.pk}/").status_code == 404


def test_another_company_s_rules_cannot_be_posted(csr_b_client, company_a):
    before = Company.objects.values().get(pk=company_a.pk)
    response = csr_b_client.post(f"/admin/company-rules/edit/{company_a.pk}/", rules())
    assert response.status_code == 404
    assert Company.objects.values().get(pk=company_a.pk) == before


def test_companies_are_neither_added_nor_deleted_here(csr_b_client, company_b):
    assert csr_b_client.get("/admin/company-rules/new/").status_code in DENIED
    response = csr_b_client.post(f"/admin/company-rules/delete/{company_b.pk}/")
    assert response.status_code in DENIED
    assert Company.objects.filter(pk=company_b.pk).exists()


def test_plain_employees_cannot_open_it(client, employee_b, company_b):
    client.force_login(employee_b.user)
    assert client.get("/admin/company-rules/").status_code in DENIED - {200}
    assert client.get(f"/admin/company-rules/edit/{company_b.pk}/").status_code in DENIED
