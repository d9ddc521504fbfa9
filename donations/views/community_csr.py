"""CSR officers' volunteer grants (the year's policy, computing what is due) and staff votes
(open, close). Another company's ids answer 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from donations import selectors as giving_reads
from donations.exceptions import GivingError
from donations.forms import GrantPolicyForm, StaffVoteForm
from donations.selectors import community as reads
from donations.services import grants, votes
from portal.tenancy import require_csr_officer


@login_required
@require_http_methods(["GET", "POST"])
def grant_policy(request: HttpRequest) -> HttpResponse:
    """This fiscal year's grant policy: set it, run it now, see the grants given."""
    officer = require_csr_officer(request.user)
    company = officer.company
    year = grants.current_fiscal_year(company)
    policy = reads.grant_policies_of(company).filter(year=year).first()
    initial = GrantPolicyForm.initial_from(policy) if policy else None
    form = GrantPolicyForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                grants.save_grant_policy(
                    company=company,
                    year=year,
                    terms=grants.GrantTerms(**form.cleaned_data),
                    actor=request.user,
                )
            except GivingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Grant policy saved."))
                return redirect("donations:grant_policy")
        status = 400
    return render(
        request,
        "donations/grants/grant_policy.html",
        {
            "form": form,
            "policy": policy,
            "year": year,
            "summary": reads.grant_summary(policy) if policy else None,
            "grants": reads.grants_of_policy(policy).order_by("-given_on", "-pk")[:100]
            if policy
            else [],
            "currency": company.currency,
        },
        status=status,
    )


@login_required
@require_POST
def grant_run(request: HttpRequest) -> HttpResponse:
    officer = require_csr_officer(request.user)
    year = grants.current_fiscal_year(officer.company)
    policy = reads.grant_policies_of(officer.company).filter(year=year).first()
    if policy is None:
        messages.error(request, _("Set the grant policy first."))
    else:
        run = grants.compute_grants(policy_id=policy.pk, actor=request.user)
        messages.success(
            request,
            _("%(n)d grant(s) recorded.") % {"n": run.recorded}
            + (
                " "
                + _("%(n)d more earned but over the budget or a cap.")
                % {"n": run.skipped_for_budget + run.skipped_for_cap}
                if run.skipped_for_budget + run.skipped_for_cap
                else ""
            ),
        )
    return redirect("donations:grant_policy")


@login_required
@require_http_methods(["GET", "POST"])
def vote_manage(request: HttpRequest) -> HttpResponse:
    """The company's votes, and the form to open a new one."""
    officer = require_csr_officer(request.user)
    form = StaffVoteForm(request.POST or None, associations=giving_reads.card_associations())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                vote = votes.open_vote(
                    company=officer.company,
                    title=data["title"],
                    description=data["description"],
                    budget_cents=data["budget"],
                    mode=data["mode"],
                    points=data["points"] or 1,
                    opens_at=data["opens_at"],
                    closes_at=data["closes_at"],
                    association_ids=data["associations"],
                    actor=request.user,
                )
            except votes.VoteError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, str(error))
            else:
                messages.success(request, _("The vote is open."))
                return redirect("donations:vote", vote.pk)
        status = 400
    return render(
        request,
        "donations/votes/vote_manage.html",
        {"form": form, "votes": reads.votes_of(officer.company)[:50]},
        status=status,
    )


@login_required
@require_POST
def vote_close(request: HttpRequest, pk: int) -> HttpResponse:
    officer = require_csr_officer(request.user)
    vote = get_object_or_404(reads.votes_of(officer.company), pk=pk)
    votes.close_vote(vote_id=vote.pk, actor=request.user)
    messages.success(request, _("The vote is closed and its budget shared."))
    return redirect("donations:vote", vote.pk)
