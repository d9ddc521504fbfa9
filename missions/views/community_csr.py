"""CSR officers' side of employees' contributions: self-reported hours to approve in bulk,
associations proposed to vet into the catalogue or decline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from missions.exceptions import InvalidContribution
from missions.forms import ContributionDecisionForm, ProposalDecisionForm
from missions.selectors import community as reads
from missions.services import community
from missions.views.community import decide_in_bulk
from portal.tenancy import require_csr_officer

NS = "missions:"


@login_required
@require_http_methods(["GET", "POST"])
def csr_self_reported(request):
    officer = require_csr_officer(request.user)
    if request.method == "POST":
        decide_in_bulk(request, reads.company_self_reported(officer.company))
        return redirect(NS + "csr_self_reported")
    return render(
        request,
        "missions/community/decide_hours.html",
        {
            "pending": reads.pending_self_reported(officer.company)[:200],
            "form": ContributionDecisionForm(),
        },
    )


@login_required
def csr_proposals(request):
    officer = require_csr_officer(request.user)
    return render(
        request,
        "missions/community/csr_proposals.html",
        {"proposals": reads.company_proposals(officer.company)[:200]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def csr_proposal(request, pk: int):
    officer = require_csr_officer(request.user)
    proposal = get_object_or_404(reads.company_proposals(officer.company), pk=pk)
    form = ProposalDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == "accept":
                    community.accept_proposal(proposal=proposal, actor=request.user)
                    messages.success(request, _("The association is in the catalogue as a draft."))
                else:
                    community.decline_proposal(
                        proposal=proposal, reason=form.cleaned_data["reason"], actor=request.user
                    )
                    messages.success(request, _("The proposal is declined."))
            except InvalidContribution as error:
                form.add_error("reason" if error.field == "reason" else None, error.message)
            else:
                return redirect(NS + "csr_proposals")
        status = 400
    return render(
        request,
        "missions/community/csr_proposal.html",
        {"proposal": proposal, "form": form},
        status=status,
    )
