"""Yearly statements for employees: gifts per association and the French tax-reduction estimate.

The estimate follows article 200 of the French tax code, with every figure read from the dated
fiscal parameters (`portal.fiscal`) and named with its reference on the statement:
- gifts to bodies helping people in difficulty get the 75 % rate up to a yearly ceiling; the
  ceiling is the one in force on each gift's date, filled by a running total in date order
  (1,000 € until 13 Oct 2025, 2,000 € from 14 Oct 2025: a 2025 gift of 1,200 € in March keeps
  1,000 € at 75 %, a gift of 1,500 € in November then adds 1,000 € more, up to 2,000 €). How the
  two ceilings combine within 2025 is UNVERIFIED (FISCAL.md): the statement says so;
- other eligible gifts, and the part of the former above the ceiling, get 66 %, retained within
  20 % of taxable income; the excess carries forward over the next five years. Cordée does not
  know the income: without it the 20 % limit is explained, not applied;
- the company's matching and leave-day gifts are the company's (CGI art. 238 bis), shown apart
  and never in the employee's base.
It is an estimate: the official receipt (Cerfa 11580) is issued by each association.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Sum
from django.template.loader import render_to_string
from django.utils import timezone

from donations.models import CompanyGift, Donation, Match
from portal.calendar import company_date
from portal.fiscal import FiscalKey, Rule, rule, rules_between
from portal.models import EmployeeProfile
from portal.pdf import render_pdf

# What a yearly statement applies, in the order it names them.
STATEMENT_RULES = (
    FiscalKey.INDIVIDUAL_RATE,
    FiscalKey.INDIVIDUAL_HELPING_RATE,
    FiscalKey.INDIVIDUAL_HELPING_CEILING,
    FiscalKey.INDIVIDUAL_INCOME_LIMIT,
    FiscalKey.INDIVIDUAL_CARRY_FORWARD_YEARS,
)


@dataclass(frozen=True)
class EligibleGift:
    """One gift of the employee to a tax-receipt eligible body, net of refunds."""

    on: dt.date
    cents: int
    helping: bool  # the body helps people in difficulty (the 75 % regime)
    association_id: int = 0


@dataclass(frozen=True)
class CeilingUse:
    """One 75 % ceiling that applied during the year and how much of it gifts filled."""

    rule: Rule
    filled_cents: int


@dataclass(frozen=True)
class TaxEstimate:
    eligible_75_cents: int
    eligible_66_cents: int
    counted_66_cents: int
    carried_forward_cents: int
    reduction_cents: int
    income_known: bool
    reduction_75_cents: int = 0
    reduction_66_cents: int = 0
    income_limit_cents: int | None = None
    ceilings: tuple[CeilingUse, ...] = ()
    #: association id -> (cents retained at 75 %, cents at 66 % before the income limit)
    by_association: dict = field(default_factory=dict, compare=False)

    @property
    def ceiling_changed(self) -> bool:
        return len(self.ceilings) > 1


def estimate_from_gifts(
    gifts: list[EligibleGift], *, year: int, taxable_income_cents: int | None
) -> TaxEstimate:
    """The reduction for `year`'s eligible gifts, each under the rules of its own date."""
    cache: dict[tuple[str, dt.date], Rule] = {}

    def at(key: str, on: dt.date) -> Rule:
        if (key, on) not in cache:
            cache[(key, on)] = rule(key, on)
        return cache[(key, on)]

    at_75: dict[Rule, int] = defaultdict(int)
    base_66: list[tuple[Rule, int]] = []
    ceilings: dict[Rule, int] = {}
    by_association: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    running_75 = 0
    for gift in sorted(gifts, key=lambda g: g.on):
        rest = gift.cents
        if gift.helping:
            ceiling = at(FiscalKey.INDIVIDUAL_HELPING_CEILING, gift.on)
            kept = max(min(gift.cents, ceiling.cents - running_75), 0)
            running_75 += kept
            ceilings[ceiling] = ceilings.get(ceiling, 0) + kept
            if kept:
                at_75[at(FiscalKey.INDIVIDUAL_HELPING_RATE, gift.on)] += kept
            by_association[gift.association_id][0] += kept
            rest -= kept
        if rest > 0:
            base_66.append((at(FiscalKey.INDIVIDUAL_RATE, gift.on), rest))
            by_association[gift.association_id][1] += rest
    eligible_66 = sum(cents for _rate, cents in base_66)
    income_limit_cents = None
    counted_66 = eligible_66
    if taxable_income_cents is not None:
        limit = rule(FiscalKey.INDIVIDUAL_INCOME_LIMIT, dt.date(year, 12, 31))
        income_limit_cents = limit.apply_rate(taxable_income_cents)
        counted_66 = min(eligible_66, income_limit_cents)
    # Within the income limit the earliest gifts count first (it matters only if a rate changed).
    reduction_66, budget = 0, counted_66
    grouped_66: dict[Rule, int] = defaultdict(int)
    for rate, cents in base_66:
        taken = min(cents, budget)
        budget -= taken
        grouped_66[rate] += taken
    reduction_66 = sum(rate.apply_rate(cents) for rate, cents in grouped_66.items())
    reduction_75 = sum(rate.apply_rate(cents) for rate, cents in at_75.items())
    return TaxEstimate(
        eligible_75_cents=sum(at_75.values()),
        eligible_66_cents=eligible_66,
        counted_66_cents=counted_66,
        carried_forward_cents=eligible_66 - counted_66,
        reduction_cents=reduction_75 + reduction_66,
        income_known=taxable_income_cents is not None,
        reduction_75_cents=reduction_75,
        reduction_66_cents=reduction_66,
        income_limit_cents=income_limit_cents,
        ceilings=tuple(
            CeilingUse(rule=r, filled_cents=c)
            for r, c in sorted(ceilings.items(), key=lambda item: item[0].valid_from)
        ),
        by_association={aid: tuple(v) for aid, v in by_association.items()},
    )


def estimate_tax_reduction(
    *,
    helps_difficulty_cents: int,
    other_eligible_cents: int,
    taxable_income_cents: int | None,
    on: dt.date,
) -> TaxEstimate:
    """The estimate for two totals given on one day (a shortcut of `estimate_from_gifts`)."""
    gifts = [
        EligibleGift(on=on, cents=helps_difficulty_cents, helping=True, association_id=1),
        EligibleGift(on=on, cents=other_eligible_cents, helping=False, association_id=2),
    ]
    return estimate_from_gifts(
        [g for g in gifts if g.cents > 0], year=on.year, taxable_income_cents=taxable_income_cents
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
    #: The company's leave-day gifts in the employee's name (CGI 238 bis, not the employee's).
    leave_day_cents: int = 0
    #: Of the employee's gifts: retained at 75 % (within the ceiling) and at 66 %.
    at_75_cents: int = 0
    at_66_cents: int = 0

    @property
    def given_cents(self) -> int:
        return self.payroll_cents + self.card_cents

    @property
    def before_refunds_cents(self) -> int:
        return self.given_cents + self.refunded_cents

    @property
    def company_cents(self) -> int:
        return self.matched_cents + self.leave_day_cents


@dataclass
class Statement:
    profile: EmployeeProfile
    year: int
    currency: str
    lines: list[StatementLine] = field(default_factory=list)
    estimate: TaxEstimate | None = None
    generated_at: dt.datetime | None = None
    #: Every value of each rule the statement applies that was in force during the year.
    rules: list[Rule] = field(default_factory=list)

    @property
    def given_cents(self) -> int:
        return sum(line.given_cents for line in self.lines)

    @property
    def matched_cents(self) -> int:
        return sum(line.matched_cents for line in self.lines)

    @property
    def leave_day_cents(self) -> int:
        return sum(line.leave_day_cents for line in self.lines)

    @property
    def company_cents(self) -> int:
        return sum(line.company_cents for line in self.lines)

    def rules_of(self, key: str) -> list[Rule]:
        return [r for r in self.rules if r.key == key]

    @property
    def carry_forward_rule(self) -> Rule | None:
        found = self.rules_of(FiscalKey.INDIVIDUAL_CARRY_FORWARD_YEARS)
        return found[-1] if found else None

    @property
    def income_limit_rule(self) -> Rule | None:
        found = self.rules_of(FiscalKey.INDIVIDUAL_INCOME_LIMIT)
        return found[-1] if found else None

    def as_rules_snapshot(self) -> list[dict]:
        """The rules applied, as a stored statement or receipt records them."""
        return [r.as_dict() for r in self.rules]


def statement_rules(year: int) -> list[Rule]:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    found: list[Rule] = []
    for key in STATEMENT_RULES:
        found += rules_between(key, start, end)
    return found


def _line(lines: dict[int, StatementLine], aid: int, row: dict, prefix: str) -> StatementLine:
    return lines.setdefault(
        aid,
        StatementLine(
            row[f"{prefix}title"],
            row[f"{prefix}identifier"],
            row[f"{prefix}tax_receipt_eligible"],
            row[f"{prefix}helps_people_in_difficulty"],
        ),
    )


def yearly_statement(
    *, profile: EmployeeProfile, year: int, taxable_income_cents: int | None = None
) -> Statement:
    """The employee's own gifts of the year (refunds taken off), the company's gifts apart."""
    company = profile.company
    association_fields = (
        "association__title",
        "association__identifier",
        "association__tax_receipt_eligible",
        "association__helps_people_in_difficulty",
    )
    rows = Donation.objects.filter(
        donor=profile, occurred_at__year=year, status=Donation.Status.SUCCEEDED
    ).values(
        "association_id",
        "source",
        "occurred_at",
        "amount_cents",
        "refunded_cents",
        *association_fields,
    )
    lines: dict[int, StatementLine] = {}
    gifts: list[EligibleGift] = []
    for r in rows:
        line = _line(lines, r["association_id"], r, "association__")
        kept = r["amount_cents"] - r["refunded_cents"]
        line.refunded_cents += r["refunded_cents"]
        if r["source"] == Donation.Source.CARD:
            line.card_cents += kept
        else:
            line.payroll_cents += kept
        if line.tax_receipt_eligible and kept > 0:
            gifts.append(
                EligibleGift(
                    on=company_date(company, r["occurred_at"]),
                    cents=kept,
                    helping=line.helps_people_in_difficulty,
                    association_id=r["association_id"],
                )
            )
    for aid, total in (
        Match.objects.filter(
            employee=profile, status=Match.Status.ACTIVE, donation__occurred_at__year=year
        )
        .values_list("association_id")
        .annotate(total=Sum(F("amount_cents") - F("reversed_cents")))
    ):
        if aid in lines:
            lines[aid].matched_cents += total
    for r in (
        CompanyGift.objects.filter(
            employee=profile,
            kind=CompanyGift.Kind.LEAVE_DAY,
            status=CompanyGift.Status.ACTIVE,
            given_on__year=year,
        )
        .values("association_id", *association_fields)
        .annotate(total=Sum("amount_cents"))
    ):
        _line(lines, r["association_id"], r, "association__").leave_day_cents += r["total"]
    estimate = estimate_from_gifts(gifts, year=year, taxable_income_cents=taxable_income_cents)
    for aid, (at_75, at_66) in estimate.by_association.items():
        lines[aid].at_75_cents, lines[aid].at_66_cents = at_75, at_66
    return Statement(
        profile=profile,
        year=year,
        currency=company.currency,
        lines=sorted(lines.values(), key=lambda line: line.association),
        estimate=estimate,
        generated_at=timezone.now(),
        rules=statement_rules(year),
    )


def statement_pdf(statement: Statement) -> bytes:
    html = render_to_string("donations/statement_pdf.html", {"statement": statement})
    return render_pdf(html).content
