"""Campaign pages for every employee of the company: the list and one campaign's page.

A draft (not yet launched) campaign is seen by the company's CSR officers only; another
company's campaign is a 404 for everyone.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from donations import selectors
from portal.calendar import company_today
from portal.tenancy import require_profile


def _visible(profile):
    campaigns = selectors.campaigns_of(profile.company)
    if not profile.is_csr_officer:
        campaigns = campaigns.filter(launched_at__isnull=False)
    return campaigns


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    profile = require_profile(request.user)
    today = company_today(profile.company)
    campaigns = list(_visible(profile))
    running = [c for c in campaigns if c.is_launched and c.starts_on <= today <= c.ends_on]
    return render(
        request,
        "donations/campaigns/list.html",
        {
            "profile": profile,
            "running": selectors.progress_of_all(running),
            "coming": [c for c in campaigns if c.is_launched and c.starts_on > today],
            "past": [c for c in campaigns if c.is_launched and c.ends_on < today],
            "drafts": [c for c in campaigns if not c.is_launched],
        },
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = require_profile(request.user)
    campaign = get_object_or_404(
        _visible(profile).prefetch_related("associations", "missions"), pk=pk
    )
    if not campaign.is_launched and not profile.is_csr_officer:
        raise Http404
    today = company_today(profile.company)
    return render(
        request,
        "donations/campaigns/detail.html",
        {
            "profile": profile,
            "campaign": campaign,
            "progress": selectors.progress_of(campaign),
            "is_running": campaign.runs_on(today),
            "associations": list(campaign.associations.all()),
            "missions": [m for m in campaign.missions.all() if m.live],
        },
    )
