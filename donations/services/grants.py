"""Volunteer grants: for every N hours an employee gives an association outside work time, the
company gives that association X, within the year's budget and each person's cap.

Each block of N hours is one `CompanyGift(kind="grant")` whose source reference names the
person, the association, the fiscal year and the block's number, so computing again (the beat
task, the officer's button, both at once) records nothing twice. The policy row is locked while
the budget and the caps are read and spent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.exceptions import GivingError
from donations.models import CompanyGift, GrantPolicy
from donations.services.audit import log_action
from donations.services.company_gifts import record_company_gift
from missions.models import AssociationPage
from missions.selectors.community import off_work_hours_by_association
from portal.calendar import add_months, company_today, fiscal_year_of, fiscal_year_start
from portal.models import Company, EmployeeProfile


@dataclass(frozen=True)
class GrantTerms:
    hours_per_grant: int
    amount_per_grant_cents: int
    yearly_budget_cents: int
    person_yearly_cap_cents: int
    is_active: bool = True


@dataclass(frozen=True)
class GrantRun:
    recorded: int  # gifts recorded by this run
    amount_cents: int
    skipped_for_budget: int  # blocks earned but not given: the budget is spent
    skipped_for_cap: int  # blocks earned but not given: the person reached the cap


def current_fiscal_year(company: Company) -> int:
    return fiscal_year_of(company_today(company), start_month=company.fiscal_year_start_month)


def fiscal_year_dates(company: Company, year: int) -> tuple[dt.date, dt.date]:
    start = fiscal_year_start(year, start_month=company.fiscal_year_start_month)
    return start, add_months(start, 12)


def grant_reference(*, profile_id: int, association_id: int, year: int, block: int) -> str:
    return f"grant:{profile_id}:{association_id}:{year}:{block}"


def _check(terms: GrantTerms) -> None:
    if terms.hours_per_grant < 1:
        raise GivingError(_("A grant needs at least one hour."))
    if terms.amount_per_grant_cents <= 0:
        raise GivingError(_("The amount of a grant is positive."))
    if terms.yearly_budget_cents < 0 or terms.person_yearly_cap_cents < 0:
        raise GivingError(_("The budget and the cap cannot be negative."))


@transaction.atomic
def save_grant_policy(*, company: Company, year: int, terms: GrantTerms, actor=None) -> GrantPolicy:
    """Create or change the company's grant policy of one fiscal year (grants given stay)."""
    _check(terms)
    policy = GrantPolicy.objects.select_for_update().filter(company=company, year=year).first()
    if policy is None:
        policy = GrantPolicy(company=company, year=year, currency=company.currency)
    for name, value in terms.__dict__.items():
        setattr(policy, name, value)
    policy.save()
    log_action(
        action="grant_policy.saved",
        obj=policy,
        actor=actor,
        company=company,
        data={"year": year, **terms.__dict__},
    )
    return policy


def _given_by_person(policy: GrantPolicy) -> dict[int, int]:
    rows = (
        CompanyGift.objects.filter(
            company=policy.company,
            kind=CompanyGift.Kind.VOLUNTEER_GRANT,
            status=CompanyGift.Status.ACTIVE,
            valuation__policy=policy.pk,
        )
        .values("employee")
        .annotate(total=Sum("amount_cents"))
        .order_by()
    )
    return {row["employee"]: row["total"] for row in rows}


@transaction.atomic
def compute_grants(*, policy_id: int, actor=None) -> GrantRun:
    """Record every grant earned and not yet given, within the budget and the caps (idempotent).

    People and associations are taken in id order and blocks in order, so when the budget runs
    out the same blocks are given whoever runs it. The last grant that fits the budget or a cap
    only in part is given in part: the budget is a ceiling, and is used to the cent.
    """
    policy = GrantPolicy.objects.select_for_update().select_related("company").get(pk=policy_id)
    company = policy.company
    if not policy.is_active:
        return GrantRun(0, 0, 0, 0)
    start, end = fiscal_year_dates(company, policy.year)
    hours = off_work_hours_by_association(company, start, end)
    existing = set(
        CompanyGift.objects.filter(
            company=company, source_reference__startswith="grant:"
        ).values_list("source_reference", flat=True)
    )
    by_person = _given_by_person(policy)
    spent = (
        CompanyGift.objects.filter(
            company=company, status=CompanyGift.Status.ACTIVE, valuation__policy=policy.pk
        ).aggregate(total=Sum("amount_cents"))["total"]
        or 0
    )
    budget_left = policy.yearly_budget_cents - spent
    people = EmployeeProfile.objects.in_bulk({p for p, _a in hours})
    associations = AssociationPage.objects.in_bulk({a for _p, a in hours})
    today = min(company_today(company), end - dt.timedelta(days=1))
    recorded = amount = over_budget = over_cap = 0
    for (profile_id, association_id), total in sorted(hours.items()):
        blocks = int(total // policy.hours_per_grant)
        for block in range(1, blocks + 1):
            reference = grant_reference(
                profile_id=profile_id, association_id=association_id, year=policy.year, block=block
            )
            if reference in existing:  # given, or given and cancelled: never again
                continue
            cap_left = policy.person_yearly_cap_cents - by_person.get(profile_id, 0)
            due = min(policy.amount_per_grant_cents, budget_left, cap_left)
            if due <= 0:
                if budget_left <= 0:
                    over_budget += 1
                else:
                    over_cap += 1
                continue
            record_company_gift(
                company=company,
                association=associations[association_id],
                kind=CompanyGift.Kind.VOLUNTEER_GRANT,
                amount_cents=due,
                given_on=today,
                source_reference=reference,
                employee=people[profile_id],
                description=_("Volunteer grant: %(hours)s hours (block %(block)s)")
                % {"hours": policy.hours_per_grant * block, "block": block},
                valuation={
                    "policy": policy.pk,
                    "year": policy.year,
                    "block": block,
                    "hours_per_grant": policy.hours_per_grant,
                    "amount_per_grant_cents": policy.amount_per_grant_cents,
                    "hours_counted": str(total),
                },
                actor=actor,
            )
            budget_left -= due
            by_person[profile_id] = by_person.get(profile_id, 0) + due
            recorded += 1
            amount += due
    policy.last_run_at = timezone.now()
    policy.save(update_fields=["last_run_at"])
    return GrantRun(recorded, amount, over_budget, over_cap)


def compute_all_grants() -> int:
    """The beat task's work: every active policy of this fiscal year and the last (hours of
    December may be approved in January). Returns how many gifts were recorded."""
    recorded = 0
    for policy in GrantPolicy.objects.filter(is_active=True).select_related("company"):
        if policy.year >= current_fiscal_year(policy.company) - 1:
            recorded += compute_grants(policy_id=policy.pk).recorded
    return recorded
