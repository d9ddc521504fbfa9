"""Round-up pledges: the deduction rules, and creating, changing and stopping a pledge."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.exceptions import InvalidPledge, MissingEmployeeNumber
from donations.models import (
    CONSENT_TEXT_VERSION,
    GivingSettings,
    PayrollRun,
    Pledge,
    PledgeAllocation,
    RoundUpAssociation,
)
from donations.services import notifications
from donations.services.audit import log_action
from portal.calendar import add_months, company_today, month_of
from portal.models import Company, EmployeeProfile
from portal.people.departures import has_left, leaver_message


def compute_deduction(
    *, rule: str, net_pay_cents: int, fixed_amount_cents: int | None, cap_cents: int | None
) -> int:
    """The month's deduction: never above the cap, never above the net pay itself."""
    if net_pay_cents <= 0:
        return 0
    if rule == Pledge.Rule.CENTS:
        amount = net_pay_cents % 100
    elif rule in (Pledge.Rule.ROUND_5, Pledge.Rule.ROUND_10):
        step = 500 if rule == Pledge.Rule.ROUND_5 else 1000
        amount = -net_pay_cents % step
    elif rule == Pledge.Rule.FIXED:
        amount = fixed_amount_cents or 0
    else:
        raise InvalidPledge(f"unknown rule {rule!r}")
    if cap_cents is not None:
        amount = min(amount, cap_cents)
    return max(0, min(amount, net_pay_cents))


def split_by_allocations(amount_cents: int, shares: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Split cents over (key, percent) shares, largest remainder first, so parts sum exactly."""
    parts = [
        (key, amount_cents * percent // 100, amount_cents * percent % 100)
        for key, percent in shares
    ]
    left = amount_cents - sum(p[1] for p in parts)
    order = sorted(range(len(parts)), key=lambda i: (-parts[i][2], i))
    result = [[key, base] for key, base, _ in parts]
    for i in order[:left]:
        result[i][1] += 1
    return [(key, cents) for key, cents in result if cents > 0]


def giving_settings(company: Company) -> GivingSettings:
    settings_row, _created = GivingSettings.objects.get_or_create(company=company)
    return settings_row


def next_open_month(company: Company, *, today: dt.date | None = None) -> dt.date:
    """The first month, from this one on, whose payroll run is not exported yet."""
    month = month_of(today or company_today(company))
    locked = set(
        PayrollRun.objects.filter(
            company=company,
            month__gte=month,
            status__in=[PayrollRun.Status.EXPORTED, PayrollRun.Status.CONFIRMED],
        ).values_list("month", flat=True)
    )
    while month in locked:
        month = add_months(month, 1)
    return month


@dataclass(frozen=True)
class PledgeTerms:
    rule: str
    allocations: dict[int, int]  # association id → percent
    fixed_amount_cents: int | None = None
    monthly_cap_cents: int | None = None
    start_month: dt.date | None = None


def _validate(company: Company, terms: PledgeTerms) -> None:
    if terms.rule not in Pledge.Rule.values:
        raise InvalidPledge(_("Unknown rule."))
    if not terms.allocations:
        raise InvalidPledge(_("Choose at least one association."))
    if any(p < 1 or p > 100 for p in terms.allocations.values()):
        raise InvalidPledge(_("Each share is between 1 and 100 %."))
    if sum(terms.allocations.values()) != 100:
        raise InvalidPledge(_("The shares must add up to 100 %."))
    open_ids = set(
        RoundUpAssociation.objects.filter(
            company=company, association_id__in=terms.allocations
        ).values_list("association_id", flat=True)
    )
    if open_ids != set(terms.allocations):
        raise InvalidPledge(_("One of these associations is not open to round-up."))
    bounds = giving_settings(company)
    if terms.rule == Pledge.Rule.FIXED:
        amount = terms.fixed_amount_cents or 0
        if not bounds.fixed_min_cents <= amount <= bounds.fixed_max_cents:
            raise InvalidPledge(_("The fixed amount is outside the company's bounds."))
    elif terms.fixed_amount_cents is not None:
        raise InvalidPledge(_("Only a fixed pledge has a fixed amount."))
    if terms.monthly_cap_cents is not None and terms.monthly_cap_cents <= 0:
        raise InvalidPledge(_("The monthly cap must be positive."))


def _create(profile: EmployeeProfile, terms: PledgeTerms, start: dt.date) -> Pledge:
    pledge = Pledge.objects.create(
        employee=profile,
        company=profile.company,
        rule=terms.rule,
        fixed_amount_cents=terms.fixed_amount_cents if terms.rule == Pledge.Rule.FIXED else None,
        monthly_cap_cents=terms.monthly_cap_cents,
        currency=profile.company.currency,
        start_month=start,
        consent_text_version=CONSENT_TEXT_VERSION,
        consented_at=timezone.now(),
    )
    PledgeAllocation.objects.bulk_create(
        PledgeAllocation(pledge=pledge, association_id=aid, percent=pct)
        for aid, pct in terms.allocations.items()
    )
    return pledge


def _refuse_leaver(profile: EmployeeProfile) -> None:
    if has_left(profile):
        raise InvalidPledge(leaver_message(profile))


def current_pledge(profile: EmployeeProfile) -> Pledge | None:
    return (
        Pledge.objects.filter(employee=profile, end_month__isnull=True)
        .prefetch_related("allocations__association")
        .first()
    )


def missing_employee_number_message(company: Company) -> str:
    """Why a pledge needs an employee number, and who can give it (for the pledge form too)."""
    why = _(
        "Payroll files match people by their employee number, and Cordée has none for you: "
        "a payroll pledge could never be collected."
    )
    if company.directory_source == "manual":
        return (
            why
            + " "
            + _("Enter it on your profile page (it is on your payslip), then come back to pledge.")
        )
    return (
        why + " " + _("It comes from your company's HR system: ask your HR or CSR team to add it.")
    )


@transaction.atomic
def create_pledge(
    *, profile: EmployeeProfile, terms: PledgeTerms, consent: bool, today: dt.date | None = None
) -> Pledge:
    """A new pledge starting at the chosen month, or the first month not yet exported."""
    _refuse_leaver(profile)
    if not consent:
        raise InvalidPledge(_("The payroll deduction needs your explicit consent."))
    # Lock the profile so two tabs cannot open two pledges at once.
    locked = EmployeeProfile.objects.select_for_update().get(pk=profile.pk)
    if not locked.employee_number.strip():
        raise MissingEmployeeNumber(missing_employee_number_message(profile.company))
    if current_pledge(profile):
        raise InvalidPledge(_("You already have a pledge: change it instead."))
    _validate(profile.company, terms)
    first_open = next_open_month(profile.company, today=today)
    start = max(month_of(terms.start_month), first_open) if terms.start_month else first_open
    pledge = _create(profile, terms, start)
    log_action(action="pledge.created", obj=pledge, actor=profile.user, company=profile.company)
    notifications.enqueue(kind="pledge_created", object_id=pledge.pk)
    return pledge


@transaction.atomic
def change_pledge(
    *, profile: EmployeeProfile, terms: PledgeTerms, consent: bool, today: dt.date | None = None
) -> Pledge:
    """Close the current pledge before the first run not yet exported and open the new terms."""
    _refuse_leaver(profile)
    if not consent:
        raise InvalidPledge(_("The payroll deduction needs your explicit consent."))
    EmployeeProfile.objects.select_for_update().get(pk=profile.pk)
    old = current_pledge(profile)
    if old is None:
        raise InvalidPledge(_("You have no pledge to change."))
    _validate(profile.company, terms)
    effective = max(next_open_month(profile.company, today=today), old.start_month)
    if terms.start_month:
        effective = max(effective, month_of(terms.start_month))
    old.end_month = effective
    old.save(update_fields=["end_month", "updated_at"])
    new = _create(profile, terms, effective)
    old.replaced_by = new
    old.save(update_fields=["replaced_by"])
    log_action(
        action="pledge.changed",
        obj=new,
        actor=profile.user,
        company=profile.company,
        data={"replaces": old.pk, "from": effective.isoformat()},
    )
    notifications.enqueue(kind="pledge_changed", object_id=new.pk)
    return new


@transaction.atomic
def stop_pledge(*, profile: EmployeeProfile, today: dt.date | None = None) -> Pledge:
    """Stop deducting from the first run not yet exported."""
    EmployeeProfile.objects.select_for_update().get(pk=profile.pk)
    pledge = current_pledge(profile)
    if pledge is None:
        raise InvalidPledge(_("You have no pledge to stop."))
    pledge.end_month = max(next_open_month(profile.company, today=today), pledge.start_month)
    pledge.stopped_at = timezone.now()
    pledge.save(update_fields=["end_month", "stopped_at", "updated_at"])
    log_action(action="pledge.stopped", obj=pledge, actor=profile.user, company=profile.company)
    notifications.enqueue(kind="pledge_stopped", object_id=pledge.pk)
    return pledge


@transaction.atomic
def set_round_up_associations(*, company: Company, association_ids: list[int], actor=None) -> None:
    """The CSR officer's choice of associations open to round-up (existing pledges keep theirs)."""
    wanted = set(association_ids)
    current = set(
        RoundUpAssociation.objects.filter(company=company).values_list("association_id", flat=True)
    )
    RoundUpAssociation.objects.filter(company=company, association_id__in=current - wanted).delete()
    RoundUpAssociation.objects.bulk_create(
        RoundUpAssociation(company=company, association_id=aid) for aid in wanted - current
    )
    log_action(
        action="round_up.associations_set",
        obj=company,
        actor=actor,
        company=company,
        data={"associations": sorted(wanted)},
    )


def active_pledges_for_month(company: Company, month: dt.date):
    """Pledges that apply to `month` for this company, with their allocations.

    Never one of a person whose last day is before the month (whatever the pledge's end says).
    """
    return (
        Pledge.objects.filter(company=company, start_month__lte=month)
        .filter(Q(end_month__isnull=True) | Q(end_month__gt=month))
        .exclude(employee__leave_date__lt=month)
        .prefetch_related("allocations")
    )
