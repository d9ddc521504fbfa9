"""What an employee's time costs the company: skills sponsorship and leave-day valuation.

Skills sponsorship is valued at cost price: gross salary + employer contributions, pro rata of
the hours given, with the salary retained capped at N x the monthly PSS (N and the PSS are
dated fiscal parameters). A leave day is valued at the pay the person would have had for it on
the day the employer accepts. The pay comes from `EmployeePay` (the person's own figures from
the salary file, or their grade); without any, the company's flat hourly rate still applies so
that existing reports keep a value, and the result says so (`source`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from portal.fiscal import FiscalKey, Rule, rule, rules_between
from portal.models import EmployeePay, EmployeeProfile

# Legal full-time month in France: 35 h x 52 weeks / 12 (Code du travail L3121-27).
MONTHLY_HOURS = Decimal("151.67")
# Working days in an average month (5 days x 52 weeks / 12), for a day's pay.
MONTHLY_WORKING_DAYS = Decimal("21.67")


@dataclass(frozen=True)
class MonthlyCost:
    """A full-time month of one person, as the tax rules retain it on one day."""

    gross_cents: int
    contributions_cents: int
    retained_gross_cents: int
    retained_contributions_cents: int
    source: str  # "upload", "grade", "manual" or "company_rate"
    rules: list[Rule] = field(default_factory=list)

    @property
    def retained_cents(self) -> int:
        return self.retained_gross_cents + self.retained_contributions_cents

    @property
    def is_capped(self) -> bool:
        return self.retained_gross_cents < self.gross_cents


def _cents(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def pay_on(profile: EmployeeProfile, on: dt.date) -> EmployeePay | None:
    """The pay row in force on `on` (the latest from on or before that day)."""
    return (
        EmployeePay.objects.filter(profile=profile, valid_from__lte=on)
        .select_related("grade")
        .order_by("-valid_from")
        .first()
    )


def monthly_cost(profile: EmployeeProfile, on: dt.date) -> MonthlyCost | None:
    """The person's monthly cost on `on`, the salary capped at N x PSS; None without pay data."""
    row = pay_on(profile, on)
    if row is None:
        return None
    if row.grade_id:
        gross = row.grade.monthly_gross_cents
        contributions = _cents(Decimal(gross) * row.grade.employer_contributions_percent / 100)
        source = EmployeePay.Source.GRADE
    else:
        gross = row.monthly_gross_cents
        contributions = row.monthly_employer_contributions_cents or 0
        source = row.source
    pss = rule(FiscalKey.PSS_MONTHLY, on)
    multiple = rule(FiscalKey.SKILLS_SALARY_CAP_PSS, on)
    cap = pss.cents * multiple.count
    retained_gross = min(gross, cap)
    # Contributions follow the salary they are computed on: capped in the same proportion.
    retained_contributions = (
        contributions
        if retained_gross == gross
        else _cents(Decimal(contributions) * retained_gross / gross)
    )
    return MonthlyCost(
        gross_cents=gross,
        contributions_cents=contributions,
        retained_gross_cents=retained_gross,
        retained_contributions_cents=retained_contributions,
        source=source,
        rules=[pss, multiple],
    )


def skills_valuation_cents(profile: EmployeeProfile, *, hours: Decimal, on: dt.date) -> int:
    """Cost price of `hours` of work on `on` (the company's flat rate without pay data)."""
    cost = monthly_cost(profile, on)
    if cost is None:
        return _cents(Decimal(hours) * profile.company.hourly_valuation_cents)
    return _cents(Decimal(cost.retained_cents) * Decimal(hours) / MONTHLY_HOURS)


def day_pay_cents(profile: EmployeeProfile, on: dt.date) -> int | None:
    """The gross pay of one working day on `on` (leave-day donation); None without pay data."""
    row = pay_on(profile, on)
    if row is None:
        return None
    gross = row.grade.monthly_gross_cents if row.grade_id else row.monthly_gross_cents
    return _cents(Decimal(gross) / MONTHLY_WORKING_DAYS)


def skills_valuation_total_cents(company, items: list[tuple[int, Decimal, dt.date]]) -> int:
    """The sum of `skills_valuation_cents` over (profile id, hours, day) items, in few queries.

    For reports over many enrolments: the pay rows of those people and the dated PSS rules are
    read once, then each item is valued exactly as `skills_valuation_cents` would.
    """
    items = [(pid, Decimal(hours or 0), on) for pid, hours, on in items]
    if not items:
        return 0
    first = min(on for _pid, _hours, on in items)
    last = max(on for _pid, _hours, on in items)
    rows: dict[int, list[EmployeePay]] = {}
    for row in (
        EmployeePay.objects.filter(
            profile_id__in={pid for pid, _h, _on in items}, valid_from__lte=last
        )
        .select_related("grade")
        .order_by("profile_id", "-valid_from")
    ):
        rows.setdefault(row.profile_id, []).append(row)
    pss_rules = rules_between(FiscalKey.PSS_MONTHLY, first, last)
    cap_rules = rules_between(FiscalKey.SKILLS_SALARY_CAP_PSS, first, last)

    def in_force(rules: list[Rule], on: dt.date) -> Rule:
        return [r for r in rules if r.valid_from <= on][-1]

    total = 0
    flat = company.hourly_valuation_cents
    for pid, hours, on in items:
        row = next((r for r in rows.get(pid, ()) if r.valid_from <= on), None)
        if row is None:
            total += _cents(hours * flat)
            continue
        if row.grade_id:
            gross = row.grade.monthly_gross_cents
            contributions = _cents(Decimal(gross) * row.grade.employer_contributions_percent / 100)
        else:
            gross = row.monthly_gross_cents
            contributions = row.monthly_employer_contributions_cents or 0
        cap = in_force(pss_rules, on).cents * in_force(cap_rules, on).count
        retained_gross = min(gross, cap)
        retained_contributions = (
            contributions
            if retained_gross == gross
            else _cents(Decimal(contributions) * retained_gross / gross)
        )
        total += _cents(Decimal(retained_gross + retained_contributions) * hours / MONTHLY_HOURS)
    return total
