"""The company's mécénat ledger (CGI art. 238 bis) for one fiscal year, with both carry-forwards.

Every company gift counts: matching (what `Match` still keeps after reversals, on the date of the
employee's gift in the company's time zone) and every active `CompanyGift` (skills sponsorship in
kind, leave days, grants, vote shares…, on `given_on`). Per fiscal year:

1. The cap is max(fixed floor, turnover rate x turnover); without a turnover, the floor.
2. The year's own gifts are retained first, up to the cap; room left under the cap takes the
   excess carried from earlier years, oldest first (first in, first out). What the year's gifts
   leave above the cap carries forward over the N following years; older excess expires.
3. The reduction is 60 % of the retained gifts up to the threshold (2 M€) and 40 % above it;
   gifts to bodies helping people in difficulty (`AssociationPage.helps_people_in_difficulty`)
   stay at 60 % and are kept out of the threshold (BOI-BIC-RICI-20-30-20). When the cap binds,
   the retained part is split between those two kinds pro rata, and so is each carried excess.
4. The reduction is set against the tax due the company entered: the reductions carried from
   earlier years first, oldest first, then the year's own; what is left carries forward N years.
   Without a tax due, the whole reduction is assumed used (and the ledger says so).

Rates, caps and thresholds are the fiscal parameters in force on the fiscal year's last day.
The chain of years is computed from the company's first year with a gift or figures, from three
aggregate queries whatever the number of gifts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Max, Min, Sum
from django.db.models.functions import TruncMonth

from donations.models import CompanyFiscalYear, CompanyGift, Match
from portal.calendar import add_months, fiscal_year_of, fiscal_year_start
from portal.fiscal import FiscalKey, MissingFiscalRule, Rule, rule
from portal.models import Company

MATCHING = "matching"
KEPT_MATCH_CENTS = F("amount_cents") - F("reversed_cents")
# How far back the chain of years goes at most: older years cannot reach a carry-forward of
# the year asked for (N = 5 years) in any way that matters to a ledger shown today.
MAX_CHAIN_YEARS = 12


@dataclass
class CarriedAmount:
    """An amount carried from `from_year`, split between the two kinds of beneficiary."""

    from_year: int
    helping_cents: int
    other_cents: int

    @property
    def cents(self) -> int:
        return self.helping_cents + self.other_cents

    def take(self, cents: int) -> CarriedAmount:
        """Take `cents` out of this amount (pro rata of its two kinds) and return what was taken."""
        cents = min(cents, self.cents)
        helping = _pro_rata(self.helping_cents, cents, self.cents)
        taken = CarriedAmount(self.from_year, helping, cents - helping)
        self.helping_cents -= taken.helping_cents
        self.other_cents -= taken.other_cents
        return taken


@dataclass
class ReductionCarry:
    from_year: int
    cents: int


@dataclass
class LedgerRules:
    """The fiscal parameters a year's ledger applied (in force on the year's last day)."""

    rate: Rule
    rate_above: Rule
    threshold: Rule
    cap_floor: Rule
    cap_turnover_rate: Rule
    carry_years: Rule
    beneficiary_threshold: Rule

    def as_list(self) -> list[Rule]:
        return [
            self.rate,
            self.rate_above,
            self.threshold,
            self.cap_floor,
            self.cap_turnover_rate,
            self.carry_years,
            self.beneficiary_threshold,
        ]


@dataclass
class YearPosition:
    """One fiscal year of the chain: its gifts, cap, retained base, reduction and carry-forwards."""

    year: int
    start: dt.date
    end: dt.date  # last day of the fiscal year
    rules: LedgerRules
    gifts_cents: int = 0
    helping_cents: int = 0  # gifts to bodies helping people in difficulty (always 60 %)
    turnover_cents: int | None = None
    tax_due_cents: int | None = None
    cap_cents: int = 0
    retained_helping_cents: int = 0
    retained_other_cents: int = 0
    excess_used: list[CarriedAmount] = field(default_factory=list)
    excess_cents: int = 0  # the year's own gifts above the cap (carried forward)
    excess_expired_cents: int = 0  # excess of year - N left unused at the end of this year
    excess_balance: list[CarriedAmount] = field(default_factory=list)  # after the year
    base_helping_cents: int = 0
    base_full_rate_cents: int = 0
    base_reduced_rate_cents: int = 0
    reduction_helping_cents: int = 0
    reduction_full_rate_cents: int = 0
    reduction_reduced_rate_cents: int = 0
    reduction_carried_in: int = 0  # carried reductions available at the start of the year
    reduction_carry_used: list[ReductionCarry] = field(default_factory=list)
    reduction_of_year_used_cents: int = 0
    reduction_carried_out_cents: int = 0  # the year's own reduction carried forward
    reduction_expired_cents: int = 0
    reduction_balance: list[ReductionCarry] = field(default_factory=list)  # after the year

    @property
    def other_cents(self) -> int:
        return self.gifts_cents - self.helping_cents

    @property
    def cap_from_turnover(self) -> bool:
        return self.turnover_cents is not None and self.cap_cents > self.rules.cap_floor.cents

    @property
    def retained_cents(self) -> int:
        return self.retained_helping_cents + self.retained_other_cents

    @property
    def excess_used_cents(self) -> int:
        return sum(item.cents for item in self.excess_used)

    @property
    def base_cents(self) -> int:
        return self.base_helping_cents + self.base_full_rate_cents + self.base_reduced_rate_cents

    @property
    def reduction_cents(self) -> int:
        return (
            self.reduction_helping_cents
            + self.reduction_full_rate_cents
            + self.reduction_reduced_rate_cents
        )

    @property
    def reduction_carry_used_cents(self) -> int:
        return sum(item.cents for item in self.reduction_carry_used)

    @property
    def reduction_used_cents(self) -> int:
        """What is set against this year's tax: carried reductions first, then the year's own."""
        return self.reduction_carry_used_cents + self.reduction_of_year_used_cents

    @property
    def excess_balance_cents(self) -> int:
        return sum(item.cents for item in self.excess_balance)

    @property
    def reduction_balance_cents(self) -> int:
        return sum(item.cents for item in self.reduction_balance)


@dataclass
class KindTotal:
    kind: str
    label: str
    cash_cents: int = 0
    in_kind_cents: int = 0
    count: int = 0

    @property
    def total_cents(self) -> int:
        return self.cash_cents + self.in_kind_cents


@dataclass
class Beneficiary:
    """One association's gifts of the year, as form 2069-RCI lists them above the threshold."""

    association_id: int
    name: str
    identifier: str
    helps_people_in_difficulty: bool
    cash_cents: int = 0
    in_kind_cents: int = 0
    count: int = 0
    first_on: dt.date | None = None
    last_on: dt.date | None = None
    # Cordée records no counterpart (goods or services the company received in return).
    counterpart_cents: int = 0

    @property
    def total_cents(self) -> int:
        return self.cash_cents + self.in_kind_cents

    def add(self, *, cash: int, in_kind: int, count: int, first: dt.date, last: dt.date) -> None:
        self.cash_cents += cash
        self.in_kind_cents += in_kind
        self.count += count
        self.first_on = min(filter(None, (self.first_on, first)))
        self.last_on = max(filter(None, (self.last_on, last)))


@dataclass
class Ledger:
    company: Company
    year: int
    position: YearPosition
    history: list[YearPosition]
    by_kind: list[KindTotal]
    beneficiaries: list[Beneficiary]

    @property
    def rules(self) -> list[Rule]:
        return self.position.rules.as_list()

    @property
    def beneficiaries_required(self) -> bool:
        return self.position.gifts_cents > self.position.rules.beneficiary_threshold.cents

    @property
    def cash_cents(self) -> int:
        return sum(k.cash_cents for k in self.by_kind)

    @property
    def in_kind_cents(self) -> int:
        return sum(k.in_kind_cents for k in self.by_kind)


def _pro_rata(part: int, cents: int, whole: int) -> int:
    if not whole:
        return 0
    return int((Decimal(part) * cents / whole).to_integral_value(rounding=ROUND_HALF_UP))


def fiscal_year_dates(company: Company, year: int) -> tuple[dt.date, dt.date]:
    """First and last day of the company's fiscal `year`."""
    start = fiscal_year_start(year, start_month=company.fiscal_year_start_month)
    return start, add_months(start, 12) - dt.timedelta(days=1)


def current_fiscal_year(company: Company, today: dt.date) -> int:
    return fiscal_year_of(today, start_month=company.fiscal_year_start_month)


def ledger_rules(on: dt.date) -> LedgerRules:
    return LedgerRules(
        rate=rule(FiscalKey.COMPANY_RATE, on),
        rate_above=rule(FiscalKey.COMPANY_RATE_ABOVE_THRESHOLD, on),
        threshold=rule(FiscalKey.COMPANY_RATE_THRESHOLD, on),
        cap_floor=rule(FiscalKey.COMPANY_CAP_FLOOR, on),
        cap_turnover_rate=rule(FiscalKey.COMPANY_CAP_TURNOVER_RATE, on),
        carry_years=rule(FiscalKey.COMPANY_CARRY_FORWARD_YEARS, on),
        beneficiary_threshold=rule(FiscalKey.COMPANY_BENEFICIARY_LIST_THRESHOLD, on),
    )


def _matches(company: Company):
    return Match.objects.filter(company=company, status=Match.Status.ACTIVE).order_by()


def _company_gifts(company: Company):
    return CompanyGift.objects.filter(company=company, status=CompanyGift.Status.ACTIVE).order_by()


def _gifts_by_year(company: Company) -> dict[int, tuple[int, int]]:
    """{fiscal year: (all gifts, gifts to helping bodies)} in cents, from two aggregate queries."""
    month_start = company.fiscal_year_start_month
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    matches = (
        _matches(company)
        .annotate(
            month=TruncMonth("donation__occurred_at", tzinfo=ZoneInfo(company.time_zone)),
            helping=F("association__helps_people_in_difficulty"),
        )
        .values("month", "helping")
        .annotate(total=Sum(KEPT_MATCH_CENTS))
    )
    gifts = (
        _company_gifts(company)
        .annotate(
            month=TruncMonth("given_on"), helping=F("association__helps_people_in_difficulty")
        )
        .values("month", "helping")
        .annotate(total=Sum("amount_cents"))
    )
    for row in [*matches, *gifts]:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        year = fiscal_year_of(month, start_month=month_start)
        totals[year][0] += row["total"] or 0
        if row["helping"]:
            totals[year][1] += row["total"] or 0
    return {year: (all_, helping) for year, (all_, helping) in totals.items()}


def _compute_year(
    position: YearPosition,
    excess_pool: list[CarriedAmount],
    reduction_pool: list[ReductionCarry],
) -> tuple[list[CarriedAmount], list[ReductionCarry]]:
    """Fill `position` from the pools carried into it; return the pools carried out of it."""
    rules = position.rules
    cap = rules.cap_floor.cents
    if position.turnover_cents is not None:
        cap = max(cap, rules.cap_turnover_rate.apply_rate(position.turnover_cents))
    position.cap_cents = cap
    years = rules.carry_years.count

    # The year's own gifts first, up to the cap (split pro rata when the cap binds).
    retained = min(position.gifts_cents, cap)
    helping = _pro_rata(position.helping_cents, retained, position.gifts_cents)
    position.retained_helping_cents = helping
    position.retained_other_cents = retained - helping
    own_excess = CarriedAmount(
        position.year,
        position.helping_cents - helping,
        position.other_cents - (retained - helping),
    )
    position.excess_cents = own_excess.cents

    # Then the excess of earlier years, oldest first, within the room left under the cap.
    room = cap - retained
    pool = [item for item in excess_pool if item.cents and position.year - item.from_year <= years]
    for item in sorted(pool, key=lambda i: i.from_year):
        if room <= 0:
            break
        taken = item.take(room)
        if taken.cents:
            position.excess_used.append(taken)
            room -= taken.cents
    # Excess that reached its last year and is still unused is lost.
    position.excess_expired_cents = sum(
        item.cents for item in pool if position.year - item.from_year >= years
    )
    carried_out = [item for item in pool if item.cents and position.year - item.from_year < years]
    if own_excess.cents:
        carried_out.append(own_excess)
    position.excess_balance = [
        CarriedAmount(i.from_year, i.helping_cents, i.other_cents) for i in carried_out
    ]

    # The reduction: helping bodies at the full rate outside the threshold, the rest split.
    base_helping = position.retained_helping_cents + sum(
        i.helping_cents for i in position.excess_used
    )
    base_other = position.retained_other_cents + sum(i.other_cents for i in position.excess_used)
    full = min(base_other, rules.threshold.cents)
    position.base_helping_cents = base_helping
    position.base_full_rate_cents = full
    position.base_reduced_rate_cents = base_other - full
    position.reduction_helping_cents = rules.rate.apply_rate(base_helping)
    position.reduction_full_rate_cents = rules.rate.apply_rate(full)
    position.reduction_reduced_rate_cents = rules.rate_above.apply_rate(base_other - full)

    # Against the tax due: carried reductions first (oldest first), then the year's own.
    carried = [
        ReductionCarry(i.from_year, i.cents)
        for i in reduction_pool
        if i.cents and position.year - i.from_year <= years
    ]
    position.reduction_carried_in = sum(i.cents for i in carried)
    tax_left = position.tax_due_cents
    for item in sorted(carried, key=lambda i: i.from_year):
        used = item.cents if tax_left is None else min(item.cents, tax_left)
        if used:
            position.reduction_carry_used.append(ReductionCarry(item.from_year, used))
            item.cents -= used
            if tax_left is not None:
                tax_left -= used
    own = position.reduction_cents
    position.reduction_of_year_used_cents = own if tax_left is None else min(own, tax_left)
    position.reduction_carried_out_cents = own - position.reduction_of_year_used_cents
    position.reduction_expired_cents = sum(
        i.cents for i in carried if position.year - i.from_year >= years
    )
    reductions_out = [i for i in carried if i.cents and position.year - i.from_year < years]
    if position.reduction_carried_out_cents:
        reductions_out.append(ReductionCarry(position.year, position.reduction_carried_out_cents))
    position.reduction_balance = [ReductionCarry(i.from_year, i.cents) for i in reductions_out]
    return carried_out, reductions_out


def ledger_history(company: Company, year: int) -> list[YearPosition]:
    """Every fiscal year of the chain up to `year` (the last one is `year` itself)."""
    gifts = _gifts_by_year(company)
    figures = {
        row.year: row for row in CompanyFiscalYear.objects.filter(company=company, year__lte=year)
    }
    known = [y for y in (*gifts, *figures) if y <= year]
    first = max(min(known, default=year), year - MAX_CHAIN_YEARS)
    excess_pool: list[CarriedAmount] = []
    reduction_pool: list[ReductionCarry] = []
    history = []
    for y in range(first, year + 1):
        start, end = fiscal_year_dates(company, y)
        try:
            rules = ledger_rules(end)
        except MissingFiscalRule:
            if y == year:
                raise
            # A year before the rules table starts (before 2020): the chain starts after it.
            continue
        all_gifts, helping = gifts.get(y, (0, 0))
        entered = figures.get(y)
        position = YearPosition(
            year=y,
            start=start,
            end=end,
            rules=rules,
            gifts_cents=all_gifts,
            helping_cents=helping,
            turnover_cents=entered.turnover_cents if entered else None,
            tax_due_cents=entered.tax_due_cents if entered else None,
        )
        excess_pool, reduction_pool = _compute_year(position, excess_pool, reduction_pool)
        history.append(position)
    return history


def _year_bounds_aware(company: Company, start: dt.date, end: dt.date):
    tz = ZoneInfo(company.time_zone)
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def year_matches(company: Company, start: dt.date, end: dt.date):
    """The active matches whose employee gift falls in [start, end] (company's time zone)."""
    lower, upper = _year_bounds_aware(company, start, end)
    return _matches(company).filter(
        donation__occurred_at__gte=lower, donation__occurred_at__lt=upper
    )


def year_company_gifts(company: Company, start: dt.date, end: dt.date):
    return _company_gifts(company).filter(given_on__gte=start, given_on__lte=end)


def company_ledger(company: Company, year: int) -> Ledger:
    """The ledger of the company's fiscal `year` (its chain of earlier years included)."""
    history = ledger_history(company, year)
    position = history[-1]
    matches = year_matches(company, position.start, position.end)
    gifts = year_company_gifts(company, position.start, position.end)
    tz = ZoneInfo(company.time_zone)

    by_kind: dict[str, KindTotal] = {}
    match_total = matches.aggregate(total=Sum(KEPT_MATCH_CENTS), count=Count("pk"))
    if match_total["count"]:
        by_kind[MATCHING] = KindTotal(
            MATCHING,
            str(_matching_label()),
            cash_cents=match_total["total"] or 0,
            count=match_total["count"],
        )
    labels = dict(CompanyGift.Kind.choices)
    for row in gifts.values("kind", "nature").annotate(
        total=Sum("amount_cents"), count=Count("pk")
    ):
        entry = by_kind.setdefault(row["kind"], KindTotal(row["kind"], str(labels[row["kind"]])))
        if row["nature"] == CompanyGift.Nature.CASH:
            entry.cash_cents += row["total"]
        else:
            entry.in_kind_cents += row["total"]
        entry.count += row["count"]

    beneficiaries: dict[int, Beneficiary] = {}

    def beneficiary(row) -> Beneficiary:
        aid = row["association_id"]
        if aid not in beneficiaries:
            beneficiaries[aid] = Beneficiary(
                association_id=aid,
                name=row["association__legal_name"] or row["association__title"],
                identifier=row["association__identifier"],
                helps_people_in_difficulty=row["association__helps_people_in_difficulty"],
            )
        return beneficiaries[aid]

    fields = (
        "association_id",
        "association__legal_name",
        "association__title",
        "association__identifier",
        "association__helps_people_in_difficulty",
    )
    for row in matches.values(*fields).annotate(
        total=Sum(KEPT_MATCH_CENTS),
        count=Count("pk"),
        first=Min("donation__occurred_at"),
        last=Max("donation__occurred_at"),
    ):
        beneficiary(row).add(
            cash=row["total"] or 0,
            in_kind=0,
            count=row["count"],
            first=row["first"].astimezone(tz).date(),
            last=row["last"].astimezone(tz).date(),
        )
    for row in gifts.values(*fields, "nature").annotate(
        total=Sum("amount_cents"), count=Count("pk"), first=Min("given_on"), last=Max("given_on")
    ):
        cash = row["nature"] == CompanyGift.Nature.CASH
        beneficiary(row).add(
            cash=row["total"] if cash else 0,
            in_kind=0 if cash else row["total"],
            count=row["count"],
            first=row["first"],
            last=row["last"],
        )
    order = [MATCHING, *CompanyGift.Kind.values]
    return Ledger(
        company=company,
        year=year,
        position=position,
        history=history,
        by_kind=sorted(by_kind.values(), key=lambda k: order.index(k.kind)),
        beneficiaries=sorted(beneficiaries.values(), key=lambda b: (-b.total_cents, b.name)),
    )


def _matching_label():
    from django.utils.translation import gettext_lazy as _

    return _("Matching of employees' gifts")


def ledger_gift_rows(company: Company, year: int):
    """Every gift of the fiscal year, one per row, for the CSV export (streamed from two queries).

    Yields (date, kind, nature, association, identifier, helping, amount_cents, reference).
    """
    start, end = fiscal_year_dates(company, year)
    tz = ZoneInfo(company.time_zone)
    for match in (
        year_matches(company, start, end)
        .select_related("donation", "association")
        .order_by("donation__occurred_at", "pk")
        .iterator(chunk_size=2000)
    ):
        yield (
            match.donation.occurred_at.astimezone(tz).date(),
            MATCHING,
            CompanyGift.Nature.CASH,
            match.association.legal_name or match.association.title,
            match.association.identifier,
            match.association.helps_people_in_difficulty,
            match.amount_cents - match.reversed_cents,
            f"match:{match.pk}",
        )
    for gift in (
        year_company_gifts(company, start, end)
        .select_related("association")
        .order_by("given_on", "pk")
        .iterator(chunk_size=2000)
    ):
        yield (
            gift.given_on,
            gift.kind,
            gift.nature,
            gift.association.legal_name or gift.association.title,
            gift.association.identifier,
            gift.association.helps_people_in_difficulty,
            gift.amount_cents,
            gift.source_reference,
        )
