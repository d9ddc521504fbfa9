"""Employees' own contributions (self-reported hours, association proposals) and the
association workspace's page to approve the hours done with it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from missions.exceptions import EngagementError, InvalidContribution
from missions.forms import ContributionDecisionForm, ProposalForm, SelfReportedHoursForm
from missions.selectors import community as reads
from missions.selectors.association_access import membership
from missions.services import community
from portal.inputs import parse_id
from portal.tenancy import require_profile

NS = "missions:"


def _show_error(form, error: EngagementError) -> None:
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, error.message)


@login_required
@require_http_methods(["GET", "POST"])
def self_reported(request: HttpRequest) -> HttpResponse:
    """My hours done on my own with associations: declare them, see what became of them."""
    profile = require_profile(request.user)
    form = SelfReportedHoursForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                community.report_hours(
                    employee=profile,
                    association_id=form.cleaned_data["association"].pk,
                    done_on=form.cleaned_data["done_on"],
                    hours=form.cleaned_data["hours"],
                    description=form.cleaned_data["description"],
                )
            except EngagementError as error:
                _show_error(form, error)
            else:
                messages.success(request, _("Your hours are recorded; they count once approved."))
                return redirect(NS + "self_reported")
        status = 400
    return render(
        request,
        "missions/community/self_reported.html",
        {"form": form, "entries": reads.self_reported_of(profile)[:100]},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposals(request: HttpRequest) -> HttpResponse:
    """Propose an association for the catalogue; see my proposals and what was decided."""
    profile = require_profile(request.user)
    form = ProposalForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                community.propose_association(employee=profile, **form.cleaned_data)
            except EngagementError as error:
                _show_error(form, error)
            else:
                messages.success(request, _("Thank you: your CSR team will review the proposal."))
                return redirect(NS + "proposals")
        status = 400
    return render(
        request,
        "missions/community/proposals.html",
        {"form": form, "proposals": reads.proposals_of(profile)[:100]},
        status=status,
    )


def decide_in_bulk(request: HttpRequest, scope: QuerySet) -> None:
    """Approve or refuse the checked lines of `scope` (each refusal with its reason, or the
    common one); messages say what happened."""
    form = ContributionDecisionForm(request.POST)
    ids = [i for i in map(parse_id, request.POST.getlist("entry")) if i]
    if not form.is_valid() or not ids:
        messages.error(request, _("Choose at least one line, then approve or refuse."))
        return
    try:
        if form.cleaned_data["decision"] == "approve":
            done = community.approve_self_reported(scope=scope, ids=ids, actor=request.user)
        else:
            common = form.cleaned_data["reason"]
            reasons = {pk: request.POST.get(f"reason_{pk}", "")[:300] or common for pk in ids}
            done = community.refuse_self_reported(scope=scope, reasons=reasons, actor=request.user)
    except InvalidContribution as error:
        messages.error(request, error.message)
        return
    messages.success(
        request, ngettext("%(n)d line decided.", "%(n)d lines decided.", done) % {"n": done}
    )


@login_required
@require_http_methods(["GET", "POST"])
def association_hours(request: HttpRequest, association_id: int) -> HttpResponse:
    """The association's members approve or refuse the hours employees say they did with it."""
    member = membership(request.user, association_id)
    if member is None:
        raise Http404
    scope = reads.association_self_reported(association_id)
    if request.method == "POST":
        decide_in_bulk(request, scope)
        return redirect(NS + "association_hours", association_id)
    return render(
        request,
        "missions/community/decide_hours.html",
        {
            "association": member.association,
            "pending": scope.filter(status="pending")
            .select_related("employee__user", "employee__company", "association")
            .order_by("done_on", "pk")[:200],
            "form": ContributionDecisionForm(),
        },
    )
