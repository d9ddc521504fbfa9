"""Reads for tax receipts: what each donor gave an association in a year, receipts, art. 222 bis."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum

from donations.models import CompanyGift, Donation, Match, TaxReceipt
from portal.models import Company, EmployeeProfile


@dataclass
class EmployeeGifts:
    """An employee's gifts to one association in one year, refunds taken off."""

    donor_id: int
    payroll_cents: int = 0
    card_cents: int = 0

    @property
    def total_cents(self) -> int:
        return self.payroll_cents + self.card_cents

    @property
    def payment_methods(self) -> list[str]:
        """The Cerfa's wording of each payment method used (both when both)."""
        methods = []
        if self.payroll_cents > 0:
            methods.append("Retenue sur salaire")
        if self.card_cents > 0:
            methods.append("Carte bancaire")
        return methods


def employee_gifts(
    *, association_id: int, year: int, donor_id: int | None = None
) -> dict[int, EmployeeGifts]:
    """Per donor: the gifts of `year` to the association that it keeps (adjustments included)."""
    rows = Donation.objects.filter(
        association_id=association_id,
        occurred_at__year=year,
        status=Donation.Status.SUCCEEDED,
    )
    if donor_id is not None:
        rows = rows.filter(donor_id=donor_id)
    found: dict[int, EmployeeGifts] = {}
    for donor, source, kept in rows.values_list("donor_id", "source").annotate(
        kept=Sum(F("amount_cents") - F("refunded_cents"))
    ):
        gifts = found.setdefault(donor, EmployeeGifts(donor))
        if source == Donation.Source.CARD:
            gifts.card_cents += kept
        else:
            gifts.payroll_cents += kept
    return {donor: gifts for donor, gifts in found.items() if gifts.total_cents > 0}


@dataclass
class CompanyGiftLine:
    label: str
    nature: str  # "cash" or "in_kind"
    amount_cents: int


@dataclass
class CompanyGifts:
    company_id: int
    lines: list[CompanyGiftLine] = field(default_factory=list)

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    @property
    def cash_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines if line.nature == "cash")

    @property
    def in_kind_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines if line.nature == "in_kind")


# How a Cerfa 16216 names each kind of gift (receipts are French documents).
FRENCH_KIND = {
    "matching": "Abondement des dons des salariés",
    CompanyGift.Kind.SKILLS_SPONSORSHIP: "Mécénat de compétences",
    CompanyGift.Kind.LEAVE_DAY: "Don de jours de congé",
    CompanyGift.Kind.VOLUNTEER_GRANT: "Dotation au bénévolat",
    CompanyGift.Kind.VOTE_SHARE: "Don issu du vote des salariés",
    CompanyGift.Kind.CAMPAIGN: "Don de campagne",
    CompanyGift.Kind.OTHER: "Autre don",
}


def company_gifts(
    *, association_id: int, start: dt.date, end: dt.date, company_id: int | None = None
) -> dict[int, CompanyGifts]:
    """Per company: its kept matching and its live gifts to the association, `start`..`end`."""
    matches = Match.objects.filter(
        association_id=association_id,
        status=Match.Status.ACTIVE,
        donation__occurred_at__date__gte=start,
        donation__occurred_at__date__lte=end,
    )
    gifts = CompanyGift.objects.filter(
        association_id=association_id,
        status=CompanyGift.Status.ACTIVE,
        given_on__gte=start,
        given_on__lte=end,
    )
    if company_id is not None:
        matches = matches.filter(company_id=company_id)
        gifts = gifts.filter(company_id=company_id)
    found: dict[int, CompanyGifts] = {}
    for company, kept in matches.values_list("company_id").annotate(
        kept=Sum(F("amount_cents") - F("reversed_cents"))
    ):
        if kept > 0:
            found.setdefault(company, CompanyGifts(company)).lines.append(
                CompanyGiftLine(FRENCH_KIND["matching"], "cash", kept)
            )
    for company, kind, nature, total in (
        gifts.values_list("company_id", "kind", "nature")
        .annotate(total=Sum("amount_cents"))
        .order_by("company_id", "kind", "nature")
    ):
        found.setdefault(company, CompanyGifts(company)).lines.append(
            CompanyGiftLine(FRENCH_KIND[kind], nature, total)
        )
    return found


def receipts_of_association(association_id: int, *, year: int | None = None) -> QuerySet:
    found = TaxReceipt.objects.filter(association_id=association_id).select_related(
        "donor__user", "company", "replaces"
    )
    return found.filter(year=year) if year is not None else found


def receipts_of_employee(profile: EmployeeProfile) -> QuerySet:
    """The employee's own receipts, live ones first (cancelled ones stay listed, marked)."""
    return (
        TaxReceipt.objects.filter(donor=profile)
        .select_related("association", "replaces")
        .order_by("status", "-year", "-id")
    )


def receipts_of_company(company: Company) -> QuerySet:
    return (
        TaxReceipt.objects.filter(company=company, kind=TaxReceipt.Kind.COMPANY)
        .select_related("association", "replaces")
        .order_by("status", "-year", "-id")
    )


@dataclass(frozen=True)
class YearlySummary:
    """Art. 222 bis CGI: what an association declares for one year of receipts."""

    year: int
    count: int
    total_cents: int
    employee_count: int
    employee_cents: int
    company_count: int
    company_cents: int


def yearly_summary(association_id: int, year: int) -> YearlySummary:
    """Receipts of `year` still standing: a cancelled one is out, its replacement counts once."""
    live = Q(status=TaxReceipt.Status.ISSUED)
    employee = live & Q(kind=TaxReceipt.Kind.EMPLOYEE)
    company = live & Q(kind=TaxReceipt.Kind.COMPANY)
    row = TaxReceipt.objects.filter(association_id=association_id, year=year).aggregate(
        count=Count("id", filter=live),
        total=Sum("amount_cents", filter=live, default=0),
        employee_count=Count("id", filter=employee),
        employee_cents=Sum("amount_cents", filter=employee, default=0),
        company_count=Count("id", filter=company),
        company_cents=Sum("amount_cents", filter=company, default=0),
    )
    return YearlySummary(
        year=year,
        count=row["count"],
        total_cents=row["total"],
        employee_count=row["employee_count"],
        employee_cents=row["employee_cents"],
        company_count=row["company_count"],
        company_cents=row["company_cents"],
    )


def receipt_years(association_id: int) -> list[int]:
    return sorted(
        set(
            TaxReceipt.objects.filter(association_id=association_id).values_list("year", flat=True)
        ),
        reverse=True,
    )
