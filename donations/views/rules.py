"""CSR officers' giving rules: matching policies, fixed-pledge bounds and card refunds.

Thin views: the officer's company scopes every read (another company's id is a 404), the
rules live in `services.rules`, refunds go through `services.cards`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from donations import selectors
from donations.exceptions import GivingError
from donations.forms import GivingSettingsForm, MatchingPolicyForm
from donations.models import Donation, MatchingPolicy
from donations.payments import get_provider
from donations.services import cards, rules
from donations.services.pledges import giving_settings
from portal.tenancy import require_csr_officer

REFUNDS_PER_PAGE = 50


def _show_rule_errors(form, exc: rules.InvalidRules) -> None:
    for name, messages_ in exc.errors.items():
        for message in messages_:
            form.add_error(name if name in form.fields else None, message)


# Matching policies ---------------------------------------------------------------------------


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    officer = require_csr_officer(request.user)
    policies = [
        (policy, selectors.policy_summary(policy))
        for policy in selectors.policies_of(officer.company).prefetch_related(
            "causes", "associations"
        )
    ]
    return render(
        request,
        "donations/rules/policy_list.html",
        {"policies": policies, "currency": officer.company.currency},
    )


def _policy_form(request: HttpRequest, officer, policy: MatchingPolicy | None):
    associations = list(selectors.card_associations())
    if policy is not None:  # keep those already named, even if no longer open to gifts
        known = {a.pk for a in associations}
        associations += [a for a in policy.associations.all() if a.pk not in known]
    from missions.models import Cause

    latest = selectors.policies_of(officer.company).order_by("-period_end").first()
    return MatchingPolicyForm(
        request.POST or None,
        currency=officer.company.currency,
        causes=Cause.objects.order_by("name"),
        associations=associations,
        policy=policy,
        latest_end=latest.period_end if latest else None,
    )


@login_required
def policy_create(request: HttpRequest) -> HttpResponse:
    officer = require_csr_officer(request.user)
    form = _policy_form(request, officer, None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                rules.create_matching_policy(
                    company=officer.company, terms=form.terms(), actor=request.user
                )
            except rules.InvalidRules as exc:
                _show_rule_errors(form, exc)
            else:
                messages.success(request, _("Matching policy created."))
                return redirect("donations:rules_policies")
        status = 400
    return render(
        request,
        "donations/rules/policy_form.html",
        {"form": form, "policy": None, "currency": officer.company.currency},
        status=status,
    )


@login_required
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    officer = require_csr_officer(request.user)
    policy = get_object_or_404(selectors.policies_of(officer.company), pk=pk)
    form = _policy_form(request, officer, policy)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                rules.update_matching_policy(policy=policy, terms=form.terms(), actor=request.user)
            except rules.InvalidRules as exc:
                _show_rule_errors(form, exc)
            else:
                messages.success(request, _("Matching policy saved."))
                return redirect("donations:rules_policies")
        status = 400
        policy.refresh_from_db()
    return render(
        request,
        "donations/rules/policy_form.html",
        {
            "form": form,
            "policy": policy,
            "summary": selectors.policy_summary(policy),
            "currency": policy.currency,
        },
        status=status,
    )


# Fixed-pledge bounds -------------------------------------------------------------------------


@login_required
def pledge_bounds(request: HttpRequest) -> HttpResponse:
    officer = require_csr_officer(request.user)
    currency = officer.company.currency
    bounds = giving_settings(officer.company)
    form = GivingSettingsForm(request.POST or None, currency=currency, bounds=bounds)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                bounds = rules.update_giving_settings(
                    company=officer.company,
                    fixed_min_cents=form.cleaned_data["fixed_min"],
                    fixed_max_cents=form.cleaned_data["fixed_max"],
                    actor=request.user,
                )
            except rules.InvalidRules as exc:
                _show_rule_errors(form, exc)
            else:
                messages.success(request, _("Bounds of fixed pledges saved."))
                outside = selectors.fixed_pledges_outside(bounds)
                if outside:
                    messages.warning(
                        request,
                        ngettext(
                            "%(n)s current fixed pledge is outside these bounds; it keeps its "
                            "amount until the employee changes it.",
                            "%(n)s current fixed pledges are outside these bounds; they keep "
                            "their amount until the employees change them.",
                            outside,
                        )
                        % {"n": outside},
                    )
                return redirect("donations:rules_pledge_bounds")
        status = 400
    return render(
        request,
        "donations/rules/pledge_bounds.html",
        {"form": form, "bounds": bounds, "currency": currency},
        status=status,
    )


# Card refunds --------------------------------------------------------------------------------


@login_required
def refund_list(request: HttpRequest) -> HttpResponse:
    officer = require_csr_officer(request.user)
    page_obj = Paginator(selectors.card_donations_of(officer.company), REFUNDS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    requested = selectors.refund_requests(officer.company, [d.pk for d in page_obj.object_list])
    rows = [(donation, requested.get(donation.pk)) for donation in page_obj.object_list]
    return render(
        request,
        "donations/rules/refund_list.html",
        {
            "rows": rows,
            "page_obj": page_obj,
            "paginator": page_obj.paginator,
            "elided_page_range": page_obj.paginator.get_elided_page_range(
                page_obj.number, on_each_side=2, on_ends=1
            ),
            "demo_provider": get_provider().simulated,
            "disputes": selectors.disputes_of(officer.company)[:50],
        },
    )


@login_required
def refund_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """GET (or the list's POST without `confirm`) shows the confirmation; POST + confirm refunds."""
    officer = require_csr_officer(request.user)
    donation = get_object_or_404(selectors.card_donations_of(officer.company), pk=pk)
    if donation.status != Donation.Status.SUCCEEDED:
        messages.info(request, _("This donation is already refunded."))
        return redirect("donations:rules_refunds")
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            cards.refund_card_donation(donation=donation, actor=request.user)
        except GivingError as exc:  # PaymentProviderError is one
            messages.error(request, _("The refund was not made: %(why)s") % {"why": exc})
        else:
            messages.success(
                request,
                _("Refund recorded (demonstration: no money moved); the match is given back.")
                if get_provider().simulated
                else _(
                    "Refund requested. It is recorded, and the match given back to the budget, "
                    "when the payment provider confirms it."
                ),
            )
        return redirect("donations:rules_refunds")
    return render(
        request,
        "donations/rules/refund_confirm.html",
        {
            "donation": donation,
            "requested_at": selectors.refund_requests(officer.company, [donation.pk]).get(
                donation.pk
            ),
            "demo_provider": get_provider().simulated,
        },
    )
