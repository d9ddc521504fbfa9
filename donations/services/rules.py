"""A company's giving rules set by its CSR officers: matching policies and fixed-pledge bounds.

Every change is validated here (the forms only parse), written in one transaction and audited.
A broken rule raises `InvalidRules`, whose `errors` name the form field each message belongs to;
nothing is written then.

`matching.policy_for` takes the latest-starting policy covering a donation's day, so two
policies of a company covering the same day would silently hide the older one's budget: periods
of one company never overlap. Creating or moving a period locks the company row, so two officers
saving at once cannot both pass that check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from donations.exceptions import GivingError
from donations.models import (
    GivingSettings,
    Match,
    MatchingPolicy,
)
from donations.selectors import card_associations
from donations.services.audit import log_action
from portal.calendar import company_date
from portal.models import Company
from portal.money import format_money

# Beyond 100:1 (or 1:100) a ratio is a typo, not a policy.
MAX_RATIO_TERM = 100


class InvalidRules(GivingError):
    """The rules asked for break one or more checks; `errors` maps a form field to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def has(self, name: str) -> bool:
        return name in self.by_field

    def raise_if_any(self) -> None:
        if self.by_field:
            raise InvalidRules(self.by_field)


# Matching policies --------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyTerms:
    """What an officer sets on a matching policy; amounts in cents of the company's currency."""

    ratio_numerator: int
    ratio_denominator: int
    employee_cap_cents: int
    budget_cents: int
    period_start: dt.date
    period_end: dt.date  # exclusive
    match_payroll: bool = True
    match_card: bool = True
    cause_ids: frozenset[int] = field(default_factory=frozenset)
    association_ids: frozenset[int] = field(default_factory=frozenset)


def _validate_policy(company: Company, terms: PolicyTerms, policy: MatchingPolicy | None) -> None:
    from missions.models import Cause

    errors = _Errors()
    for name, value in (
        ("ratio_numerator", terms.ratio_numerator),
        ("ratio_denominator", terms.ratio_denominator),
    ):
        if not 1 <= value <= MAX_RATIO_TERM:
            errors.add(
                name,
                _("Give a whole number between 1 and %(max)s.") % {"max": MAX_RATIO_TERM},
            )
    if terms.employee_cap_cents <= 0:
        errors.add("employee_cap", _("The cap per employee must be more than zero."))
    if terms.budget_cents <= 0:
        errors.add("budget", _("The budget must be more than zero."))
    if (
        not errors.has("employee_cap")
        and not errors.has("budget")
        and terms.employee_cap_cents > terms.budget_cents
    ):
        errors.add("employee_cap", _("The cap per employee cannot be more than the budget."))
    if policy is not None and terms.budget_cents < policy.spent_cents and not errors.has("budget"):
        errors.add(
            "budget",
            _("The budget cannot be lower than what this policy has already matched (%(spent)s).")
            % {"spent": format_money(policy.spent_cents, policy.currency)},
        )
    if not (terms.match_payroll or terms.match_card):
        errors.add("sources", _("Choose at least one kind of gift to match."))
    if terms.cause_ids:
        known = set(Cause.objects.filter(pk__in=terms.cause_ids).values_list("pk", flat=True))
        if known != set(terms.cause_ids):
            errors.add("causes", _("One of these causes does not exist."))
    if terms.association_ids:
        allowed = set(
            card_associations().filter(pk__in=terms.association_ids).values_list("pk", flat=True)
        )
        if policy is not None:  # one already named may stay even if no longer open to gifts
            allowed |= set(policy.associations.values_list("pk", flat=True))
        if not set(terms.association_ids) <= allowed:
            errors.add("associations", _("One of these associations does not take donations."))
    if terms.period_end <= terms.period_start:
        errors.add("period_end", _("The end must be after the start."))
    else:
        others = MatchingPolicy.objects.filter(
            company=company, period_start__lt=terms.period_end, period_end__gt=terms.period_start
        )
        if policy is not None:
            others = others.exclude(pk=policy.pk)
        overlapping = others.order_by("period_start").first()
        if overlapping is not None:
            errors.add(
                "period_start",
                _(
                    "This period overlaps the policy from %(start)s to %(end)s: a day is covered "
                    "by one policy at most."
                )
                % {
                    "start": overlapping.period_start.strftime("%d/%m/%Y"),
                    "end": overlapping.period_end.strftime("%d/%m/%Y"),
                },
            )
        elif policy is not None:
            matched = Match.objects.filter(policy=policy).aggregate(
                first=Min("donation__occurred_at"), last=Max("donation__occurred_at")
            )
            if matched["first"] is not None and (
                company_date(company, matched["first"]) < terms.period_start
                or company_date(company, matched["last"]) >= terms.period_end
            ):
                errors.add(
                    "period_start",
                    _(
                        "Gifts from %(first)s to %(last)s are already matched under this policy: "
                        "the period must still cover them."
                    )
                    % {
                        "first": company_date(company, matched["first"]).strftime("%d/%m/%Y"),
                        "last": company_date(company, matched["last"]).strftime("%d/%m/%Y"),
                    },
                )
    errors.raise_if_any()


def _policy_snapshot(policy: MatchingPolicy) -> dict:
    return {
        "ratio": policy.ratio_display(),
        "employee_cap_cents": policy.employee_yearly_cap_cents,
        "budget_cents": policy.yearly_budget_cents,
        "match_payroll": policy.match_payroll,
        "match_card": policy.match_card,
        "cause_ids": sorted(policy.causes.values_list("pk", flat=True)),
        "association_ids": sorted(policy.associations.values_list("pk", flat=True)),
        "period_start": policy.period_start.isoformat(),
        "period_end": policy.period_end.isoformat(),
        "currency": policy.currency,
    }


def _apply_terms(policy: MatchingPolicy, terms: PolicyTerms) -> None:
    policy.ratio_numerator = terms.ratio_numerator
    policy.ratio_denominator = terms.ratio_denominator
    policy.employee_yearly_cap_cents = terms.employee_cap_cents
    policy.yearly_budget_cents = terms.budget_cents
    policy.match_payroll = terms.match_payroll
    policy.match_card = terms.match_card
    policy.period_start = terms.period_start
    policy.period_end = terms.period_end


def _lock_company(company: Company) -> None:
    Company.objects.select_for_update().filter(pk=company.pk).first()


@transaction.atomic
def create_matching_policy(*, company: Company, terms: PolicyTerms, actor=None) -> MatchingPolicy:
    """A new policy in the company's currency; its period may not overlap another one."""
    _lock_company(company)
    _validate_policy(company, terms, None)
    policy = MatchingPolicy(company=company, currency=company.currency)
    _apply_terms(policy, terms)
    policy.save()
    policy.causes.set(terms.cause_ids)
    policy.associations.set(terms.association_ids)
    log_action(
        action="matching_policy.created",
        obj=policy,
        actor=actor,
        company=company,
        data=_policy_snapshot(policy),
    )
    return policy


@transaction.atomic
def update_matching_policy(
    *, policy: MatchingPolicy, terms: PolicyTerms, actor=None
) -> MatchingPolicy:
    """Change a policy; matches already made stay as they are, new ones follow the new terms.

    The policy row is the budget lock (see matching.py): held here, `spent_cents` cannot grow
    between the check that the budget still covers it and the save.
    """
    _lock_company(policy.company)
    locked = MatchingPolicy.objects.select_for_update().get(pk=policy.pk)
    _validate_policy(locked.company, terms, locked)
    before = _policy_snapshot(locked)
    _apply_terms(locked, terms)
    locked.save()
    locked.causes.set(terms.cause_ids)
    locked.associations.set(terms.association_ids)
    after = _policy_snapshot(locked)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        log_action(
            action="matching_policy.updated",
            obj=locked,
            actor=actor,
            company=locked.company,
            data=changes,
        )
    return locked


# Fixed-pledge bounds ------------------------------------------------------------------------


@transaction.atomic
def update_giving_settings(
    *, company: Company, fixed_min_cents: int, fixed_max_cents: int, actor=None
) -> GivingSettings:
    """Set the bounds of a fixed monthly pledge (created with the defaults if missing)."""
    errors = _Errors()
    smallest = {"amount": format_money(1, company.currency)}
    if fixed_min_cents < 1:
        errors.add("fixed_min", _("The minimum must be at least %(amount)s.") % smallest)
    if fixed_max_cents < 1:
        errors.add("fixed_max", _("The maximum must be at least %(amount)s.") % smallest)
    if not errors.by_field and fixed_min_cents > fixed_max_cents:
        errors.add("fixed_max", _("The maximum cannot be lower than the minimum."))
    errors.raise_if_any()
    row, created = GivingSettings.objects.select_for_update().get_or_create(company=company)
    before = {"fixed_min_cents": row.fixed_min_cents, "fixed_max_cents": row.fixed_max_cents}
    row.fixed_min_cents = fixed_min_cents
    row.fixed_max_cents = fixed_max_cents
    row.save()
    after = {"fixed_min_cents": row.fixed_min_cents, "fixed_max_cents": row.fixed_max_cents}
    if before != after or created:
        log_action(
            action="giving_settings.updated",
            obj=row,
            actor=actor,
            company=company,
            data={key: [before[key], after[key]] for key in after},
        )
    return row
