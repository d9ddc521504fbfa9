"""The ledger demo seeders: pay grades, fiscal year figures and valued skills sponsorship."""

import pytest
from django.utils import timezone

from donations.models import CompanyFiscalYear, CompanyGift
from donations.selectors.ledger import company_ledger, current_fiscal_year
from portal.demo.people import DemoScale
from portal.models import Company, EmployeePay, PayGrade

pytestmark = pytest.mark.django_db


def test_the_demo_ledger_shows_figures_and_seeding_twice_changes_nothing(site_tree):
    from donations.demo.ledger import seed as seed_ledger
    from missions.demo.catalogue import seed as seed_missions
    from missions.demo.engagement import seed as seed_engagement
    from portal.demo.pay import seed as seed_pay
    from portal.demo.people import seed as seed_people

    scale = DemoScale.named("small")
    seed_people(scale=scale)
    seed_missions(scale=scale)
    seed_engagement()
    seed_pay()
    seed_ledger()
    company = Company.objects.get(slug="horizon")
    assert PayGrade.objects.filter(company=company).count() == 3
    assert EmployeePay.objects.filter(profile__company=company).exists()
    year = current_fiscal_year(company, timezone.localdate())
    assert CompanyFiscalYear.objects.filter(company=company, year=year).exists()
    ledger = company_ledger(company, year)
    assert ledger.position.gifts_cents > 0 and ledger.position.reduction_cents > 0
    counts = (
        PayGrade.objects.count(),
        EmployeePay.objects.count(),
        CompanyFiscalYear.objects.count(),
        CompanyGift.objects.count(),
    )
    seed_pay()
    seed_ledger()
    assert counts == (
        PayGrade.objects.count(),
        EmployeePay.objects.count(),
        CompanyFiscalYear.objects.count(),
        CompanyGift.objects.count(),
    )
