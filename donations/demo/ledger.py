"""Demo mécénat ledger: turnover and tax due for two fiscal years, a grant, skills gifts valued.

Idempotent: figures by (company, year), the grant by its source reference, and the skills
sponsorship sync changes nothing the second time.
"""

from __future__ import annotations

from django.utils import timezone

from donations.models import CompanyFiscalYear
from donations.services.company_gifts import record_company_gift
from donations.services.notifications import suppressed
from donations.services.skills_gifts import sync_skills_sponsorship_gifts
from portal.calendar import fiscal_year_of, fiscal_year_start
from portal.models import Company

# Turnover excluding tax and corporate tax due per company slug, in euros (demo figures).
FIGURES = {
    "horizon": (48_000_000, 900_000),
    "lumen": (3_200_000, 4_000),  # small: the fixed 20,000 € cap binds and the tax is short
}
DEFAULT_FIGURES = (10_000_000, 150_000)


def seed() -> None:
    from missions.models import AssociationPage

    association = (
        AssociationPage.objects.live()
        .filter(vetting_status=AssociationPage.Vetting.APPROVED, tax_receipt_eligible=True)
        .order_by("pk")
        .first()
    )
    for company in Company.objects.order_by("pk"):
        seed_company(company, association)


@suppressed()
def seed_company(company: Company, association) -> None:
    today = timezone.localdate()
    current = fiscal_year_of(today, start_month=company.fiscal_year_start_month)
    key = next((slug for slug in FIGURES if slug in company.slug), None)
    turnover, tax_due = FIGURES.get(key, DEFAULT_FIGURES)
    for year in (current - 1, current):
        CompanyFiscalYear.objects.get_or_create(
            company=company,
            year=year,
            defaults={"turnover_cents": turnover * 100, "tax_due_cents": tax_due * 100},
        )
    if association is not None:
        start = fiscal_year_start(current, start_month=company.fiscal_year_start_month)
        record_company_gift(
            company=company,
            association=association,
            kind="grant",
            amount_cents=15_000_00 if key == "lumen" else 40_000_00,
            given_on=start,
            source_reference=f"demo:grant:{company.slug}:{current}",
            description="Subvention annuelle (démo)",
        )
    sync_skills_sponsorship_gifts(company=company)
