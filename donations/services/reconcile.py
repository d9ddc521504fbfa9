"""Invariants of the money trail, checked by `manage.py reconcile` (and tests)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from donations.models import (
    Disbursement,
    Donation,
    Match,
    MatchingPolicy,
    PaymentAttempt,
    PayrollLine,
    PayrollRun,
    Pledge,
    Refund,
)
from donations.payments.base import PaymentProvider
from donations.payments.types import PaymentState
from donations.services.matching import wanted_match_cents


@dataclass(frozen=True)
class Problem:
    check: str
    detail: str


def reconcile(
    *, provider: PaymentProvider | None = None, since: dt.datetime | None = None
) -> list[Problem]:
    """Every invariant; with a `provider`, also its succeeded payments since `since`."""
    problems: list[Problem] = []
    problems += _association_balances()
    problems += _matches_within_limits()
    problems += _campaign_matches_within_limits()
    problems += _card_payments_have_one_donation()
    problems += _payroll_runs_balance()
    problems += _pledge_shares()
    problems += _refunds_add_up()
    if provider is not None:
        problems += _provider_payments_recorded(provider, since or _default_since())
        problems += _provider_refunds_agree(provider, since or _default_since())
    return problems


PROVIDER_LOOKBACK_DAYS = 90


def _default_since() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=PROVIDER_LOOKBACK_DAYS)


def unrecorded_payments(provider: PaymentProvider, since: dt.datetime) -> list[PaymentState]:
    """Payments the provider says succeeded for which Cordée holds no donation (a lost webhook)."""
    missing = []
    chunk: list[PaymentState] = []

    def flush() -> None:
        known = set(
            Donation.objects.filter(
                external_reference__in=[p.external_id for p in chunk]
            ).values_list("external_reference", flat=True)
        )
        missing.extend(p for p in chunk if p.external_id not in known)
        chunk.clear()

    for payment in provider.succeeded_payments(since=since):
        chunk.append(payment)
        if len(chunk) >= 500:
            flush()
    flush()
    return missing


def _provider_payments_recorded(provider: PaymentProvider, since: dt.datetime) -> list[Problem]:
    return [
        Problem(
            "card payment",
            f"payment {payment.external_id} succeeded at {provider.name} "
            f"({payment.amount_cents} cents {payment.currency}) but has no donation",
        )
        for payment in unrecorded_payments(provider, since)
    ]


def _provider_refunds_agree(provider: PaymentProvider, since: dt.datetime) -> list[Problem]:
    """What the provider refunded on each recent card payment equals the refunds recorded here."""
    recorded = dict(
        Refund.objects.filter(kind=Refund.Kind.REFUND, donation__occurred_at__gte=since)
        .values_list("donation_id")
        .annotate(t=Sum("amount_cents"))
    )
    problems = []
    for donation in (
        Donation.objects.filter(source=Donation.Source.CARD, occurred_at__gte=since)
        .select_related("payment")
        .iterator()
    ):
        state = provider.retrieve_payment(donation.payment.external_id)
        ours = recorded.get(donation.pk, 0)
        if state.refunded_cents != ours:
            problems.append(
                Problem(
                    "refund",
                    f"payment {donation.payment.external_id}: {provider.name} refunded "
                    f"{state.refunded_cents} cents but {ours} are recorded",
                )
            )
    return problems


def _refunds_add_up() -> list[Problem]:
    """A donation's refunded amount is the sum of its refunds; a match's reversal likewise."""
    problems = []
    gifts = Donation.objects.annotate(t=Coalesce(Sum("refunds__gift_cents"), 0)).exclude(
        refunded_cents=F("t")
    )
    for donation_id, refunded, total in gifts.values_list("pk", "refunded_cents", "t"):
        # Refunds recorded before refunds had rows (whole ones) have no row to add up.
        if total == 0 and Donation.objects.filter(pk=donation_id, status="refunded").exists():
            continue
        problems.append(
            Problem(
                "refund", f"donation {donation_id}: {refunded} refunded, refunds sum to {total}"
            )
        )
    reversals = Match.objects.annotate(
        t=Coalesce(Sum("donation__refunds__match_reversed_cents"), 0)
    ).exclude(reversed_cents=F("t"))
    for match_id, reversed_cents, total, status in reversals.values_list(
        "pk", "reversed_cents", "t", "status"
    ):
        if total == 0 and status == Match.Status.REVERSED:
            continue
        problems.append(
            Problem("refund", f"match {match_id}: {reversed_cents} reversed, refunds say {total}")
        )
    return problems


def _association_balances() -> list[Problem]:
    """Per company and association: donations + matches = paid + owed, so owed is never negative."""
    given = defaultdict(int)
    for company, aid, total in (
        Donation.objects.filter(status=Donation.Status.SUCCEEDED)
        .values_list("company_id", "association_id")
        .annotate(t=Sum(F("amount_cents") - F("refunded_cents")))
    ):
        given[(company, aid)] += total
    for company, aid, total in (
        Match.objects.filter(status=Match.Status.ACTIVE)
        .values_list("company_id", "association_id")
        .annotate(t=Sum(F("amount_cents") - F("reversed_cents")))
    ):
        given[(company, aid)] += total
    problems = []
    for company, aid, paid in Disbursement.objects.values_list(
        "batch__company_id", "association_id"
    ).annotate(t=Sum("amount_cents")):
        owed = given[(company, aid)] - paid
        if owed < 0:
            problems.append(
                Problem(
                    "association balance",
                    f"company {company}, association {aid}: disbursed {paid} cents but only "
                    f"{given[(company, aid)]} given and matched (owed {owed})",
                )
            )
    return problems


def _matches_within_limits() -> list[Problem]:
    problems = []
    for policy in MatchingPolicy.objects.all():
        active = Match.objects.filter(policy=policy, status=Match.Status.ACTIVE)
        total = active.aggregate(t=Sum(F("amount_cents") - F("reversed_cents")))["t"] or 0
        if total != policy.spent_cents:
            problems.append(
                Problem(
                    "matching budget",
                    f"policy {policy.pk}: matches sum to {total} "
                    f"but the budget row says {policy.spent_cents} spent",
                )
            )
        if total > policy.yearly_budget_cents:
            problems.append(
                Problem(
                    "matching budget",
                    f"policy {policy.pk}: {total} matched above "
                    f"the budget of {policy.yearly_budget_cents}",
                )
            )
        for employee, t in active.values_list("employee_id").annotate(
            t=Sum(F("amount_cents") - F("reversed_cents"))
        ):
            if t > policy.employee_yearly_cap_cents:
                problems.append(
                    Problem(
                        "matching cap",
                        f"policy {policy.pk}, employee {employee}: "
                        f"{t} matched above the cap of {policy.employee_yearly_cap_cents}",
                    )
                )
        for match in active.select_related("donation").iterator():
            if match.amount_cents > wanted_match_cents(policy, match.donation.amount_cents):
                problems.append(Problem("matching ratio", f"match {match.pk} is above the ratio"))
    refunded = Match.objects.filter(
        status=Match.Status.ACTIVE, donation__status=Donation.Status.REFUNDED
    )
    for match_id in refunded.values_list("pk", flat=True):
        problems.append(Problem("refund", f"match {match_id} stays active on a refunded donation"))
    return problems


def _campaign_matches_within_limits() -> list[Problem]:
    """A campaign's matches: its budget row, its per-employee cap and its ratio, as a policy's."""
    from donations.models import Campaign
    from donations.services.matching import wanted_campaign_match_cents

    problems = []
    for campaign in Campaign.objects.filter(matches__isnull=False).distinct():
        active = Match.objects.filter(campaign=campaign, status=Match.Status.ACTIVE)
        total = active.aggregate(t=Sum(F("amount_cents") - F("reversed_cents")))["t"] or 0
        if total != campaign.match_spent_cents or total > campaign.match_budget_cents:
            problems.append(
                Problem(
                    "campaign budget",
                    f"campaign {campaign.pk}: matches sum to {total}, the row says "
                    f"{campaign.match_spent_cents} of {campaign.match_budget_cents}",
                )
            )
        for employee, t in active.values_list("employee_id").annotate(
            t=Sum(F("amount_cents") - F("reversed_cents"))
        ):
            if t > campaign.employee_cap_cents:
                problems.append(
                    Problem("campaign cap", f"campaign {campaign.pk}, employee {employee}: {t}")
                )
        for match in active.select_related("donation").iterator():
            if match.amount_cents > wanted_campaign_match_cents(
                campaign, match.donation.amount_cents
            ):
                problems.append(Problem("campaign ratio", f"match {match.pk} is above the ratio"))
    return problems


def _card_payments_have_one_donation() -> list[Problem]:
    problems = []
    for attempt in (
        PaymentAttempt.objects.filter(
            status__in=[PaymentAttempt.Status.SUCCEEDED, PaymentAttempt.Status.REFUNDED]
        )
        .annotate(n=Count("donations"))
        .exclude(n=1)
    ):
        problems.append(
            Problem(
                "card payment",
                f"payment {attempt.external_id} has {attempt.n} donations instead of 1",
            )
        )
    for donation in Donation.objects.filter(source=Donation.Source.CARD).exclude(
        payment__status__in=[PaymentAttempt.Status.SUCCEEDED, PaymentAttempt.Status.REFUNDED]
    ):
        problems.append(Problem("card payment", f"donation {donation.pk} has no succeeded payment"))
    mismatched = Donation.objects.filter(source=Donation.Source.CARD).exclude(
        amount_cents=F("payment__amount_cents")
    )
    for donation_id in mismatched.values_list("pk", flat=True):
        problems.append(Problem("card payment", f"donation {donation_id} differs from its payment"))
    return problems


def _payroll_runs_balance() -> list[Problem]:
    problems = []
    for run in PayrollRun.objects.filter(status=PayrollRun.Status.CONFIRMED):
        deducted = (
            PayrollLine.objects.filter(run=run, pledge__isnull=False).aggregate(
                t=Sum("deduction_cents")
            )["t"]
            or 0
        )
        donated = (
            Donation.objects.filter(
                payroll_line__run=run, source=Donation.Source.PAYROLL
            ).aggregate(t=Sum("amount_cents"))["t"]
            or 0
        )
        if deducted != donated:
            problems.append(
                Problem("payroll run", f"run {run}: {deducted} deducted but {donated} donated")
            )
    return problems


def _pledge_shares() -> list[Problem]:
    problems = []
    for pledge in Pledge.objects.annotate(total=Sum("allocations__percent")).filter(
        ~Q(total=100) | Q(total__isnull=True)
    ):
        problems.append(
            Problem("pledge shares", f"pledge {pledge.pk}: shares sum to {pledge.total}")
        )
    return problems
