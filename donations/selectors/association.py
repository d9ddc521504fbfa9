"""The money side of the association workspace: owed and paid by each company, month by month."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from donations.models import CompanyGift, Disbursement, Donation, Match
from donations.selectors.giving import (
    AssociationMonth,
    AssociationTotal,
    money_by_association_month,
)
from portal.models import Company


@dataclass
class CompanyMoney:
    """What one company gave, paid and still owes one association (totals and months)."""

    company: Company
    total: AssociationTotal
    months: list[AssociationMonth] = field(default_factory=list)

    @property
    def currency(self) -> str:
        return self.company.currency


def companies_giving_to(association_id: int) -> QuerySet[Company]:
    """Companies with gifts, matches, company gifts or disbursements for the association."""
    ids = set(
        Donation.objects.filter(association_id=association_id).values_list("company_id", flat=True)
    )
    ids |= set(
        Match.objects.filter(association_id=association_id).values_list("company_id", flat=True)
    )
    ids |= set(
        CompanyGift.objects.filter(association_id=association_id).values_list(
            "company_id", flat=True
        )
    )
    ids |= set(
        Disbursement.objects.filter(association_id=association_id).values_list(
            "batch__company_id", flat=True
        )
    )
    return Company.objects.filter(pk__in=ids).order_by("name")


def money_of_association(association_id: int) -> list[CompanyMoney]:
    """Per company: the same figures as the company's money trail, for this association only
    (gifts, matches and the company's cash gifts owed; batches paid)."""
    found = []
    for company in companies_giving_to(association_id):
        months, totals = money_by_association_month(company)
        total = next((t for t in totals if t.association_id == association_id), None)
        if total is None:
            continue
        found.append(
            CompanyMoney(
                company=company,
                total=total,
                months=[m for m in months if m.association_id == association_id],
            )
        )
    return found


def disbursements_to(association_id: int) -> QuerySet[Disbursement]:
    """Every share of a batch for the association, paid ones first (newest first)."""
    return (
        Disbursement.objects.filter(association_id=association_id)
        .select_related("batch__company", "received_by")
        .order_by("-batch__paid_at", "-batch__created_at", "-pk")
    )
