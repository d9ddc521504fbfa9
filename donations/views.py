"""Giving pages: thin views that parse, call a service or selector, and render."""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from donations import selectors
from donations.exceptions import GivingError, InvalidPayrollFile, InvalidWebhook
from donations.forms import (
    AdjustmentForm,
    CardDonationForm,
    DisbursementPaidForm,
    NetPayUploadForm,
    OpenRunForm,
    PledgeForm,
    RoundUpAssociationsForm,
)
from donations.models import AuditEntry, DisbursementBatch, PaymentAttempt, PayrollRun
from donations.payments import get_provider
from donations.services import cards, disbursements, payroll, pledges, statements
from portal.calendar import company_today
from portal.csv_export import spreadsheet_dialect
from portal.models import EmployeeProfile
from portal.money import cents_from_decimal
from portal.tenancy import require_csr_officer, require_payroll_officer, require_profile

logger = logging.getLogger(__name__)


# Employees -------------------------------------------------------------------------------


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
            "gifts": gifts,
            "deductions": selectors.deductions_of(profile)[:24],
            "summary": selectors.summary_of(profile),
            "years": sorted({g.occurred_at.year for g in gifts}, reverse=True),
            "currency": profile.company.currency,
        },
    )


@login_required
def pledge_edit(request: HttpRequest) -> HttpResponse:
    profile = require_profile(request.user)
    current = pledges.current_pledge(profile)
    associations = list(selectors.round_up_associations(profile.company))
    initial_shares = (
        {a.association_id: a.percent for a in current.allocations.all()} if current else {}
    )
    initial = {}
    if current:
        initial = {
            "rule": current.rule,
            "fixed_amount": (current.fixed_amount_cents or 0) / 100 or None,
            "monthly_cap": (current.monthly_cap_cents or 0) / 100 or None,
        }
    form = PledgeForm(
        request.POST or None,
        associations=associations,
        initial_shares=initial_shares,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        terms = pledges.PledgeTerms(
            rule=data["rule"],
            allocations=data["allocations"],
            fixed_amount_cents=data.get("fixed_amount") if data["rule"] == "fixed" else None,
            monthly_cap_cents=data.get("monthly_cap"),
            start_month=data.get("start_month"),
        )
        try:
            service = pledges.change_pledge if current else pledges.create_pledge
            pledge = service(profile=profile, terms=terms, consent=data["consent"])
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
    form = CardDonationForm(
        request.POST or None,
        associations=selectors.card_associations(),
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
    return render(request, "donations/card_form.html", {"form": form})


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
        {"statement": data, "ceiling_75_cents": statements.ceiling_75_cents()},
    )


# CSR and payroll officers: payroll -----------------------------------------------------


@login_required
def payroll_runs(request: HttpRequest) -> HttpResponse:
    officer = require_payroll_officer(request.user)
    # The month usually opened is the current one: offered as the default.
    today = company_today(officer.company)
    form = OpenRunForm(request.POST or None, initial={"month": f"{today:%Y-%m}"})
    if request.method == "POST" and form.is_valid():
        run = payroll.open_payroll_run(company=officer.company, month=form.cleaned_data["month"])
        return redirect("donations:payroll_run", pk=run.pk)
    return render(
        request,
        "donations/payroll_runs.html",
        {"runs": selectors.runs_of(officer.company), "form": form},
    )


def _company_run(request: HttpRequest, pk: int):
    officer = require_payroll_officer(request.user)
    return officer, get_object_or_404(PayrollRun, pk=pk, company=officer.company)


@login_required
def payroll_run(request: HttpRequest, pk: int) -> HttpResponse:
    _officer, run = _company_run(request, pk)
    form = NetPayUploadForm(request.POST or None, request.FILES or None)
    file_errors = None
    excludable = False
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = payroll.import_net_pay(
                    run=run,
                    data=upload.read(),
                    filename=upload.name,
                    excluded_lines=form.cleaned_data["excluded_line_set"],
                    actor=request.user,
                )
            except InvalidPayrollFile as exc:
                file_errors, excludable = exc.errors, exc.excludable
                status = 400
            except GivingError as exc:
                form.add_error(None, str(exc))
                status = 400
            else:
                if result.queued:
                    messages.info(request, _("The run is being computed; this page follows it."))
                else:
                    messages.success(request, _("%(n)s lines imported.") % {"n": result.lines})
                return redirect("donations:payroll_run", pk=run.pk)
        else:
            status = 400
    run.refresh_from_db()
    lines = run.lines.select_related("employee__user", "pledge").order_by("employee_number")
    return render(
        request,
        "donations/payroll_run_detail.html",
        {
            "run": run,
            "form": form,
            "file_errors": file_errors,
            "excludable": excludable,
            "error_lines": ",".join(str(e) for e in sorted({e.line for e in file_errors or []})),
            "lines": lines[:500],
            "line_count": run.lines.count(),
            "adjustment_form": AdjustmentForm(associations=selectors.card_associations())
            if run.status == PayrollRun.Status.CONFIRMED
            else None,
            "adjustments": AuditEntry.objects.filter(
                action="payroll.adjusted", company=run.company, data__run=run.pk
            )[:50],
        },
        status=status,
    )


@login_required
def payroll_run_progress(request: HttpRequest, pk: int) -> JsonResponse:
    _officer, run = _company_run(request, pk)
    return JsonResponse(
        {"status": run.status, "done": run.progress_done, "total": run.progress_total}
    )


@login_required
@require_POST
def payroll_run_export(request: HttpRequest, pk: int) -> HttpResponse:
    _officer, run = _company_run(request, pk)
    try:
        text = payroll.export_deductions(run=run, actor=request.user)
    except GivingError as exc:
        messages.error(request, str(exc))
        return redirect("donations:payroll_run", pk=run.pk)
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="deductions-{run.month:%Y-%m}.csv"'
    return response


@login_required
@require_POST
def payroll_run_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _officer, run = _company_run(request, pk)
    try:
        written = payroll.confirm_payroll_run(run=run, actor=request.user)
    except GivingError as exc:
        messages.error(request, str(exc))
    else:
        if written:
            messages.success(request, _("Run confirmed: donations and matches recorded."))
        else:
            messages.info(request, _("This run was already confirmed; nothing changed."))
    return redirect("donations:payroll_run", pk=run.pk)


@login_required
@require_POST
def payroll_run_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    """A correction to a confirmed run: a new entry, the run itself never changes."""
    officer, run = _company_run(request, pk)
    form = AdjustmentForm(request.POST, associations=selectors.card_associations())
    if not form.is_valid():
        messages.error(request, _("The adjustment is incomplete."))
        return redirect("donations:payroll_run", pk=run.pk)
    employee = EmployeeProfile.objects.filter(
        company=officer.company, employee_number=form.cleaned_data["employee_number"]
    ).first()
    if employee is None:
        messages.error(request, _("No employee has this number."))
        return redirect("donations:payroll_run", pk=run.pk)
    try:
        payroll.add_adjustment(
            run=run,
            employee=employee,
            association_id=form.cleaned_data["association"],
            amount_cents=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except GivingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Adjustment recorded."))
    return redirect("donations:payroll_run", pk=run.pk)


@login_required
def round_up_settings(request: HttpRequest) -> HttpResponse:
    officer = require_csr_officer(request.user)
    choices = [(a.pk, a.title) for a in selectors.card_associations()]
    current = list(selectors.round_up_associations(officer.company).values_list("pk", flat=True))
    form = RoundUpAssociationsForm(
        request.POST or None, choices=choices, initial={"associations": current}
    )
    if request.method == "POST" and form.is_valid():
        pledges.set_round_up_associations(
            company=officer.company,
            association_ids=form.cleaned_data["associations"],
            actor=request.user,
        )
        messages.success(request, _("Round-up associations saved."))
        return redirect("donations:round_up_settings")
    return render(request, "donations/round_up_settings.html", {"form": form})


# CSR and payroll officers: money trail -------------------------------------------------


@login_required
def finance(request: HttpRequest) -> HttpResponse:
    officer = require_payroll_officer(request.user)
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            disbursements.finance_csv(
                officer.company, dialect=spreadsheet_dialect(request.LANGUAGE_CODE)
            ),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="giving-finance.csv"'
        return response
    months, totals = selectors.money_by_association_month(officer.company)
    batches = DisbursementBatch.objects.filter(company=officer.company).prefetch_related(
        "disbursements__association"
    )
    return render(
        request,
        "donations/finance.html",
        {
            "months": months,
            "totals": totals,
            "batches": batches,
            "currency": officer.company.currency,
            "paid_form": DisbursementPaidForm(),
        },
    )


@login_required
@require_POST
def disbursement_create(request: HttpRequest) -> HttpResponse:
    officer = require_payroll_officer(request.user)
    try:
        disbursements.create_disbursement_batch(
            company=officer.company,
            period_end=company_today(officer.company) + dt.timedelta(days=1),
            actor=request.user,
        )
    except GivingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Disbursement batch created."))
    return redirect("donations:finance")


@login_required
@require_POST
def disbursement_paid(request: HttpRequest, pk: int) -> HttpResponse:
    officer = require_payroll_officer(request.user)
    batch = get_object_or_404(DisbursementBatch, pk=pk, company=officer.company)
    form = DisbursementPaidForm(request.POST)
    if form.is_valid():
        try:
            disbursements.mark_batch_paid(
                batch=batch, reference=form.cleaned_data["reference"], actor=request.user
            )
        except GivingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Batch marked paid."))
    else:
        messages.error(request, _("A payment reference is needed."))
    return redirect("donations:finance")


# Provider webhook ------------------------------------------------------------------------


@csrf_exempt
@require_POST
def payment_webhook(request: HttpRequest) -> HttpResponse:
    """Verified, stored once, retry-safe; unknown objects are acknowledged with 200."""
    provider = get_provider()
    try:
        event = provider.parse_webhook(request.body, request.headers.get("Stripe-Signature", ""))
    except InvalidWebhook as exc:
        logger.warning("webhook refused: %s", exc)
        return HttpResponseBadRequest("invalid webhook")
    outcome = cards.handle_provider_event(event, provider=provider)
    logger.info("webhook %s %s: %s", event.id, event.type, outcome)
    return HttpResponse(outcome, content_type="text/plain")
