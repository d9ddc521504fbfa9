"""Yearly statements for employees: gifts per association and the French tax-reduction estimate.

The estimate follows article 200 of the French tax code: 75 % of gifts to associations helping
people in difficulty up to a yearly ceiling (the excess joins the 66 % regime), 66 % of other
gifts to eligible bodies within 20 % of taxable income. It is an estimate: the official receipt
(Cerfa 11580) is issued by each association.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F, Sum
from django.template.loader import render_to_string
from django.utils import timezone

from donations.models import Donation, Match
from portal.models import EmployeeProfile
from portal.pdf import render_pdf


def ceiling_75_cents() -> int:
    return settings.CORDEE_TAX_75_CEILING_CENTS


@dataclass(frozen=True)
class TaxEstimate:
    eligible_75_cents: int
    eligible_66_cents: int
    counted_66_cents: int
    carried_forward_cents: int
    reduction_cents: int
    income_known: bool


def estimate_tax_reduction(
    *, helps_difficulty_cents: int, other_eligible_cents: int, taxable_income_cents: int | None
) -> TaxEstimate:
    at_75 = min(helps_difficulty_cents, ceiling_75_cents())
    base_66 = other_eligible_cents + (helps_difficulty_cents - at_75)
    counted_66 = base_66
    if taxable_income_cents is not None:
        counted_66 = min(base_66, taxable_income_cents * 20 // 100)
    reduction = at_75 * 75 // 100 + counted_66 * 66 // 100
    return TaxEstimate(
        eligible_75_cents=at_75,
        eligible_66_cents=base_66,
        counted_66_cents=counted_66,
        carried_forward_cents=base_66 - counted_66,
        reduction_cents=reduction,
        income_known=taxable_income_cents is not None,
    )


@dataclass
class StatementLine:
    association: str
    identifier: str
    tax_receipt_eligible: bool
    helps_people_in_difficulty: bool
    payroll_cents: int = 0
    card_cents: int = 0
    matched_cents: int = 0
    #: Refunded on gifts that still count in part (kept amounts are in the columns above).
    refunded_cents: int = 0

    @property
    def given_cents(self) -> int:
        return self.payroll_cents + self.card_cents

    @property
    def before_refunds_cents(self) -> int:
        return self.given_cents + self.refunded_cents


@dataclass
class Statement:
    profile: EmployeeProfile
    year: int
    currency: str
    lines: list[StatementLine] = field(default_factory=list)
    estimate: TaxEstimate | None = None
    generated_at: dt.datetime | None = None

    @property
    def given_cents(self) -> int:
        return sum(line.given_cents for line in self.lines)

    @property
    def matched_cents(self) -> int:
        return sum(line.matched_cents for line in self.lines)


def yearly_statement(
    *, profile: EmployeeProfile, year: int, taxable_income_cents: int | None = None
) -> Statement:
    """The employee's own gifts of the year (refunds taken off), matches shown apart."""
    rows = (
        Donation.objects.filter(
            donor=profile, occurred_at__year=year, status=Donation.Status.SUCCEEDED
        )
        .values(
            "association_id",
            "association__title",
            "association__identifier",
            "association__tax_receipt_eligible",
            "association__helps_people_in_difficulty",
            "source",
        )
        .annotate(
            total=Sum(F("amount_cents") - F("refunded_cents")), refunded=Sum("refunded_cents")
        )
    )
    lines: dict[int, StatementLine] = {}
    for r in rows:
        line = lines.setdefault(
            r["association_id"],
            StatementLine(
                r["association__title"],
                r["association__identifier"],
                r["association__tax_receipt_eligible"],
                r["association__helps_people_in_difficulty"],
            ),
        )
        line.refunded_cents += r["refunded"]
        if r["source"] == Donation.Source.CARD:
            line.card_cents += r["total"]
        else:
            line.payroll_cents += r["total"]
    for aid, total in (
        Match.objects.filter(
            employee=profile, status=Match.Status.ACTIVE, donation__occurred_at__year=year
        )
        .values_list("association_id")
        .annotate(total=Sum(F("amount_cents") - F("reversed_cents")))
    ):
        if aid in lines:
            lines[aid].matched_cents += total
    ordered = sorted(lines.values(), key=lambda line: line.association)
    difficulty = sum(
        max(line.given_cents, 0)
        for line in ordered
        if line.tax_receipt_eligible and line.helps_people_in_difficulty
    )
    other = sum(
        max(line.given_cents, 0)
        for line in ordered
        if line.tax_receipt_eligible and not line.helps_people_in_difficulty
    )
    return Statement(
        profile=profile,
        year=year,
        currency=profile.company.currency,
        lines=ordered,
        estimate=estimate_tax_reduction(
            helps_difficulty_cents=difficulty,
            other_eligible_cents=other,
            taxable_income_cents=taxable_income_cents,
        ),
        generated_at=timezone.now(),
    )


def statement_pdf(statement: Statement) -> bytes:
    html = render_to_string(
        "donations/statement_pdf.html",
        {"statement": statement, "ceiling_75_cents": ceiling_75_cents()},
    )
    return render_pdf(html).content
