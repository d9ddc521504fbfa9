"""The giving panels of the employee's home page (builders named in CORDEE_HOME_PANELS): my
gifts and my company's matches, open campaigns and staff votes, and missions that fit (they
need my gifts)."""

from __future__ import annotations

from django.utils import timezone

from donations import selectors
from donations.selectors import community as community_reads
from donations.selectors.giving import gift_causes
from missions.selectors import home as mission_reads
from missions.views.home import explain
from portal.home import HomePanel

CAMPAIGNS_ON_HOME = 3


def giving_panel(*, request, profile) -> HomePanel:
    year = timezone.localdate().year
    return HomePanel(
        key="giving",
        template="donations/home/giving.html",
        context={
            "summary": selectors.summary_of(profile, year=year),
            "year": year,
            "currency": profile.company.currency,
        },
    )


def campaigns_panel(*, request, profile) -> HomePanel | None:
    campaigns = list(selectors.open_campaigns(profile.company)[:CAMPAIGNS_ON_HOME])
    if not campaigns:
        return None
    return HomePanel(
        key="campaigns",
        template="donations/home/campaigns.html",
        context={"progresses": selectors.progress_of_all(campaigns)},
        wide=True,
    )


def suggested_missions_panel(*, request, profile) -> HomePanel:
    # Gifts first, engagements last: a cause met both ways is explained by the engagement.
    reasons = {**gift_causes(profile), **mission_reads.engaged_causes(profile)}
    suggestions = mission_reads.suggested_missions(
        user=request.user, employee=profile, cause_reasons=reasons
    )
    return HomePanel(
        key="suggestions",
        template="missions/home/suggestions.html",
        context={"suggestions": [(s, explain(s)) for s in suggestions]},
        wide=True,
    )


def open_votes_panel(*, request, profile) -> HomePanel | None:
    votes = list(community_reads.open_votes_for(profile)[:CAMPAIGNS_ON_HOME])
    if not votes:
        return None
    return HomePanel(
        key="votes", template="donations/home/votes.html", context={"votes": votes}, wide=True
    )
