"""Demo data of volunteer grants and staff votes: the year's grant policy (computed once), an open
vote on a budget with some ballots already in. Idempotent: existing policies and votes stay."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from donations.models import GrantPolicy, StaffVote
from donations.services import grants, votes
from donations.services.notifications import suppressed
from missions.models import AssociationPage
from portal.models import Company, EmployeeProfile


def seed(*, scale=None) -> None:
    associations = list(AssociationPage.objects.accepting_gifts().order_by("pk")[:4])
    if len(associations) < 2:
        return
    for company in Company.objects.order_by("pk"):
        seed_company(company, associations)


@suppressed()
@transaction.atomic
def seed_company(company: Company, associations) -> None:
    year = grants.current_fiscal_year(company)
    if not GrantPolicy.objects.filter(company=company, year=year).exists():
        policy = grants.save_grant_policy(
            company=company,
            year=year,
            terms=grants.GrantTerms(
                hours_per_grant=4,
                amount_per_grant_cents=5_000,
                yearly_budget_cents=500_000,
                person_yearly_cap_cents=50_000,
            ),
        )
        grants.compute_grants(policy_id=policy.pk)
    if StaffVote.objects.filter(company=company).exists():
        return
    now = timezone.now().replace(second=0, microsecond=0)
    vote = votes.open_vote(
        company=company,
        title="Notre budget solidaire de fin d'année",
        description="5 000 € to share between four associations: your vote decides the split.",
        budget_cents=500_000,
        mode=StaffVote.Mode.SPLIT_POINTS,
        points=10,
        opens_at=now - dt.timedelta(days=2),
        closes_at=now + dt.timedelta(days=21),
        association_ids=[a.pk for a in associations],
    )
    # Some colleagues have voted; the demo's employee@ account has not, so the tour can vote.
    voters = (
        EmployeeProfile.objects.filter(company=company, leave_date__isnull=True)
        .exclude(user__email__startswith="employee@")
        .order_by("pk")[:6]
    )
    for i, voter in enumerate(voters):
        first, second = (
            associations[i % len(associations)],
            associations[(i + 1) % len(associations)],
        )
        try:
            votes.cast_ballot(
                vote_id=vote.pk, employee=voter, allocations={first.pk: 7, second.pk: 3}
            )
        except votes.VoteError:  # not (yet) employed today: no ballot
            continue
