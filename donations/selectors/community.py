"""Reads of staff votes and volunteer grants (the employee's home and the CSR pages use them)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.utils import timezone

from donations.models import Ballot, BallotChoice, CompanyGift, GrantPolicy, StaffVote
from portal.models import Company, EmployeeProfile


def votes_of(company: Company) -> QuerySet[StaffVote]:
    return StaffVote.objects.filter(company=company)


def open_votes_for(profile: EmployeeProfile) -> QuerySet[StaffVote]:
    """The votes of the profile's company open right now, each with `has_voted` (for the home)."""
    now = timezone.now()
    return (
        votes_of(profile.company)
        .filter(status=StaffVote.Status.OPEN, opens_at__lte=now, closes_at__gt=now)
        .annotate(has_voted=Exists(Ballot.objects.filter(vote=OuterRef("pk"), employee=profile)))
        .order_by("closes_at", "pk")
    )


def ballot_of(vote: StaffVote, profile: EmployeeProfile) -> dict[int, int]:
    """The profile's current choices in a vote: association id -> points (empty if none)."""
    return dict(
        BallotChoice.objects.filter(ballot__vote=vote, ballot__employee=profile).values_list(
            "association", "points"
        )
    )


def grant_policies_of(company: Company) -> QuerySet[GrantPolicy]:
    return GrantPolicy.objects.filter(company=company)


def grants_of_policy(policy: GrantPolicy) -> QuerySet[CompanyGift]:
    return CompanyGift.objects.filter(
        company=policy.company,
        kind=CompanyGift.Kind.VOLUNTEER_GRANT,
        valuation__policy=policy.pk,
    ).select_related("association", "employee__user")


def grant_summary(policy: GrantPolicy) -> dict:
    """What the policy has given and what is left of its budget."""
    given = (
        grants_of_policy(policy)
        .filter(status=CompanyGift.Status.ACTIVE)
        .aggregate(total=Sum("amount_cents"))["total"]
        or 0
    )
    return {
        "given_cents": given,
        "remaining_cents": max(policy.yearly_budget_cents - given, 0),
    }
