"""Employees' giving pages: home, pledge, card gifts and the yearly statement."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from donations import selectors
from donations.exceptions import GivingError
from donations.forms import (
    CardDonationForm,
    CardMatchQuery,
    PledgeForm,
)
from donations.models import DonorAddress, PaymentAttempt
from donations.payments import get_provider
from donations.selectors import card_form
from donations.selectors import leave_days as leave_reads
from donations.selectors import payroll as payroll_reads
from donations.selectors import receipts as receipt_reads
from donations.services import cards, pledges, statements
from donations.services.matching import card_match_terms
from portal.money import cents_from_decimal
from portal.tenancy import require_profile


@login_required
def giving_home(request: HttpRequest) -> HttpResponse:
    profile = require_profile(request.user)
    gifts = list(selectors.gifts_of(profile)[:200])
    return render(
        request,
        "donations/giving_home.html",
        {
            "profile": profile,
            "pledge": pledges.current_pledge(profile),
            "stale_run": payroll_reads.stale_run_for(profile),
            "gifts": gifts,
            "deductions": selectors.deductions_of(profile)[:24],
            "summary": selectors.summary_of(profile),
            "years": sorted({g.occurred_at.year for g in gifts}, reverse=True),
            "currency": profile.company.currency,
            "leave_requests": list(leave_reads.leave_requests_of(profile)[:10]),
            "receipts": receipt_reads.receipts_of_employee(profile).filter(status="issued"),
            "has_receipt_address": DonorAddress.objects.filter(profile=profile).exists(),
        },
    )


@login_required
def pledge_edit(request: HttpRequest) -> HttpResponse:
    profile = require_profile(request.user)
    current = pledges.current_pledge(profile)
    associations = list(selectors.round_up_associations(profile.company))
    form = PledgeForm.for_pledge(request.POST or None, pledge=current, associations=associations)
    if request.method == "POST" and form.is_valid():
        try:
            service = pledges.change_pledge if current else pledges.create_pledge
            pledge = service(
                profile=profile, terms=form.terms(), consent=form.cleaned_data["consent"]
            )
        except GivingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Your pledge applies from %(month)s.")
                % {"month": pledge.start_month.strftime("%m/%Y")},
            )
            return redirect("donations:home")
    return render(
        request,
        "donations/pledge_form.html",
        {
            "form": form,
            "pledge": current,
            "associations": associations,
            "bounds": pledges.giving_settings(profile.company),
            # Payroll files match people by employee number: without one, no new pledge.
            "missing_number": (
                pledges.missing_employee_number_message(profile.company)
                if not current and not profile.employee_number.strip()
                else ""
            ),
            "number_on_profile": profile.company.directory_source == "manual",
        },
    )


@login_required
@require_POST
def pledge_stop(request: HttpRequest) -> HttpResponse:
    profile = require_profile(request.user)
    try:
        pledge = pledges.stop_pledge(profile=profile)
    except GivingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Your pledge stops from %(month)s.") % {"month": pledge.end_month.strftime("%m/%Y")},
        )
    return redirect("donations:home")


@login_required
def card_donation(request: HttpRequest) -> HttpResponse:
    profile = require_profile(request.user)
    associations = list(selectors.card_associations())
    form = CardDonationForm(
        request.POST or None,
        associations=associations,
        suggested_cents=card_form.SUGGESTED_CENTS,
        currency=profile.company.currency,
        initial={"association": request.GET.get("association")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            attempt = cards.start_card_donation(
                donor=profile,
                association_id=form.cleaned_data["association"],
                amount_cents=form.cleaned_data["amount"],
                cover_fees=form.cleaned_data["cover_fees"],
            )
        except GivingError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("donations:card_pay", pk=attempt.pk)
    choices = card_form.card_choices(donor=profile, associations=associations)
    return render(
        request,
        "donations/card_form.html",
        {
            "form": form,
            "choices": choices,
            "terms": card_form.card_form_data(choices),
            "tax": card_form.tax_note(choices),
            "company": profile.company,
            "currency": profile.company.currency,
            "fee": card_form.processing_fee_terms(),
        },
    )


@login_required
def card_match(request: HttpRequest) -> JsonResponse:
    """The company's match of a gift now, by the webhook's rules (the form's script asks it)."""
    profile = require_profile(request.user)
    query = CardMatchQuery(request.GET)
    if not query.is_valid():
        return JsonResponse({"errors": query.errors.get_json_data()}, status=400)
    association_id, amount = query.cleaned_data["association"], query.cleaned_data["amount"]
    if not selectors.card_associations().filter(pk=association_id).exists():
        raise Http404
    terms = card_match_terms(donor=profile, association_ids=[association_id]).get(association_id)
    match = terms.match_cents(amount) if terms else 0
    return JsonResponse(
        {
            "amount_cents": amount,
            "match_cents": match,
            "total_cents": amount + match,
            "campaign": terms.campaign.title if terms and terms.campaign else "",
        }
    )


def _own_attempt(request: HttpRequest, pk: int) -> PaymentAttempt:
    profile = require_profile(request.user)
    return get_object_or_404(
        PaymentAttempt.objects.select_related("association"), pk=pk, donor=profile
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def stripe_csp() -> dict:
    """The site policy plus Stripe's origins, for the card payment page only."""
    policy = {key: list(value) for key, value in settings.SECURE_CSP.items()}
    js = _origin(settings.STRIPE_JS_URL)
    api = (
        _origin(settings.STRIPE_API_BASE) if settings.STRIPE_API_BASE else "https://api.stripe.com"
    )
    policy["script-src"] = [*policy.get("script-src", []), js]
    policy["frame-src"] = [js, "https://hooks.stripe.com"]
    policy["connect-src"] = [*policy.get("connect-src", []), js, api]
    return policy


@login_required
def card_pay(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _own_attempt(request, pk)
    provider = get_provider()
    response = render(
        request,
        "donations/card_pay.html",
        {"attempt": attempt, "provider": provider, "js_url": provider.js_url},
    )
    # Read by Django's CSP middleware, as the csp_override decorator does, but per request.
    response._csp_config = stripe_csp()
    return response


@login_required
@require_POST
def card_pay_simulated(request: HttpRequest, pk: int) -> HttpResponse:
    """Demo only (the dummy provider): pay without a card; a 404 wherever money is real."""
    attempt = _own_attempt(request, pk)
    provider = get_provider()
    if not provider.simulated:
        raise Http404
    cards.pay_simulated(attempt=attempt, provider=provider)
    return redirect("donations:card_done", pk=attempt.pk)


@login_required
def card_done(request: HttpRequest, pk: int) -> HttpResponse:
    """The browser's return: shows the state the webhook recorded, never records money itself."""
    attempt = _own_attempt(request, pk)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"status": attempt.status})
    gift = attempt.donations.select_related("match").first()
    return render(request, "donations/card_done.html", {"attempt": attempt, "gift": gift})


@login_required
def statement(request: HttpRequest, year: int) -> HttpResponse:
    profile = require_profile(request.user)
    income = request.GET.get("taxable_income", "").replace(" ", "").replace(",", ".")
    income_cents = None
    if income:
        try:
            from decimal import Decimal, InvalidOperation

            income_cents = cents_from_decimal(Decimal(income).quantize(Decimal("0.01")))
        except (InvalidOperation, ValueError):
            income_cents = None
    data = statements.yearly_statement(
        profile=profile, year=year, taxable_income_cents=income_cents
    )
    if request.GET.get("format") == "pdf":
        pdf = statements.statement_pdf(data)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="cordee-statement-{year}.pdf"'
        return response
    return render(
        request,
        "donations/statement.html",
        {"statement": data},
    )
