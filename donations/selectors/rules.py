"""Reads of the CSR officers' giving rules: matching policies, fixed-pledge bounds, card refunds."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from donations.models import (
    AuditEntry,
    Dispute,
    Donation,
    GivingSettings,
    Match,
    MatchingPolicy,
    Pledge,
)
from donations.selectors.giving import open_dispute
from portal.models import Company


def policies_of(company: Company):
    """The company's policies, latest first, each with its count of active matches."""
    return (
        MatchingPolicy.objects.filter(company=company)
        .annotate(active_matches=Count("matches", filter=Q(matches__status=Match.Status.ACTIVE)))
        .order_by("-period_start")
    )


def policy_summary(policy: MatchingPolicy) -> dict:
    """Budget spent and left, and how many gifts the policy matches now (a policy read
    through policies_of(), which counts its matches in the same query)."""
    return {
        "spent_cents": policy.spent_cents,
        "remaining_cents": policy.yearly_budget_cents - policy.spent_cents,
        "active_matches": policy.active_matches,
    }


def fixed_pledges_outside(bounds: GivingSettings) -> int:
    """Open fixed pledges whose amount the bounds no longer allow (they keep it until changed)."""
    return (
        Pledge.objects.filter(
            company_id=bounds.company_id, rule=Pledge.Rule.FIXED, end_month__isnull=True
        )
        .filter(
            Q(fixed_amount_cents__lt=bounds.fixed_min_cents)
            | Q(fixed_amount_cents__gt=bounds.fixed_max_cents)
        )
        .count()
    )


def card_donations_of(company: Company):
    """The company's card gifts, most recent first, with what the refund list shows."""
    return (
        Donation.objects.filter(company=company, source=Donation.Source.CARD)
        .select_related("donor__user", "association", "payment", "match")
        .annotate(disputed=open_dispute())
        .order_by("-occurred_at", "-id")
    )


def disputes_of(company: Company):
    """The company's chargebacks, open ones first."""
    return (
        Dispute.objects.filter(company=company)
        .select_related("donation__donor__user", "donation__association")
        .order_by("closed_at", "-opened_at")
    )


def refund_requests(company: Company, donation_ids: list[int]) -> dict[int, dt.datetime]:
    """When a refund was last asked of the provider for each of these donations."""
    requested: dict[int, dt.datetime] = {}
    entries = AuditEntry.objects.filter(
        company=company,
        action="donation.refund_requested",
        object_type=Donation._meta.label_lower,
        object_id__in=[str(pk) for pk in donation_ids],
    ).order_by("created_at")
    for object_id, created_at in entries.values_list("object_id", "created_at"):
        requested[int(object_id)] = created_at
    return requested
