"""Employees' staff votes: the open and closed votes of their company, a ballot, the results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from donations.forms import BallotForm
from donations.selectors import community as reads
from donations.services import votes
from portal.tenancy import require_profile


@login_required
def vote_list(request: HttpRequest) -> HttpResponse:
    profile = require_profile(request.user)
    return render(
        request,
        "donations/votes/vote_list.html",
        {
            "open_votes": reads.open_votes_for(profile),
            "closed_votes": reads.votes_of(profile.company).filter(status="closed")[:20],
            "is_csr": profile.is_csr_officer,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def vote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An open vote shows the ballot (results stay hidden); a closed one shows the results."""
    profile = require_profile(request.user)
    vote = get_object_or_404(reads.votes_of(profile.company), pk=pk)
    associations = list(vote.associations.order_by("title"))
    current = reads.ballot_of(vote, profile)
    form = BallotForm(request.POST or None, vote=vote, associations=associations, current=current)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                votes.cast_ballot(vote_id=vote.pk, employee=profile, allocations=form.allocations())
            except votes.VoteError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("Your vote is recorded. You may change it until the vote closes.")
                )
                return redirect("donations:vote", vote.pk)
        status = 400
    return render(
        request,
        "donations/votes/vote_detail.html",
        {
            "vote": vote,
            "form": form,
            "has_voted": bool(current),
            "is_open": votes.is_open(vote),
            "is_csr": profile.is_csr_officer,
        },
        status=status,
    )
