"""CSR officers' campaign tools: create, edit and launch a campaign of their company.

Thin views: the rules live in `services.campaigns`; another company's id is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from donations import selectors
from donations.forms import CampaignForm
from donations.services import campaigns as service
from portal.tenancy import require_csr_officer


def _form(request: HttpRequest, officer, campaign=None) -> CampaignForm:
    from missions.selectors.engagement import visible_missions_for_company

    associations = list(selectors.card_associations())
    missions = list(
        visible_missions_for_company(officer.company_id).live().order_by("title").only("title")
    )
    if campaign is not None:  # keep those already named, even if no longer open
        known = {a.pk for a in associations}
        associations += [a for a in campaign.associations.all() if a.pk not in known]
    return CampaignForm(
        request.POST or None,
        currency=officer.company.currency,
        associations=associations,
        missions=missions,
        campaign=campaign,
    )


def _show_errors(form: CampaignForm, exc: service.InvalidCampaign) -> None:
    for name, texts in exc.errors.items():
        for text in texts:
            form.add_error(name if name in form.fields else None, text)


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    officer = require_csr_officer(request.user)
    form = _form(request, officer)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = service.create_campaign(
                company=officer.company, terms=form.terms(), actor=request.user
            )
        except service.InvalidCampaign as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Campaign saved. Launch it when it is ready."))
            return redirect("donations:campaign", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "donations/campaigns/form.html", {"form": form, "campaign": None}, status=status
    )


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    officer = require_csr_officer(request.user)
    campaign = get_object_or_404(selectors.campaigns_of(officer.company), pk=pk)
    form = _form(request, officer, campaign)
    if request.method == "POST" and form.is_valid():
        try:
            service.update_campaign(campaign=campaign, terms=form.terms(), actor=request.user)
        except service.InvalidCampaign as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("donations:campaign", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "donations/campaigns/form.html",
        {"form": form, "campaign": campaign},
        status=status,
    )


@login_required
@require_POST
def campaign_launch(request: HttpRequest, pk: int) -> HttpResponse:
    officer = require_csr_officer(request.user)
    campaign = get_object_or_404(selectors.campaigns_of(officer.company), pk=pk)
    try:
        service.launch_campaign(campaign=campaign, actor=request.user)
    except service.InvalidCampaign as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Campaign launched: employees are told by e-mail."))
    return redirect("donations:campaign", pk=campaign.pk)
