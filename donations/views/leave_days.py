"""Leave-day donation pages: the employee's offer and HR's (CSR or payroll officer's) decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from donations.exceptions import LeaveDayError
from donations.forms import LeaveDayOfferForm, LeaveDecisionForm
from donations.models import LeaveDayRequest, PayrollRun
from donations.selectors import leave_days as reads
from donations.services import leave_days
from portal.calendar import company_today
from portal.csv_export import csv_response, spreadsheet_dialect
from portal.fiscal import FiscalKey, MissingFiscalRule, rule
from portal.people.pay import day_pay_cents
from portal.tenancy import require_payroll_officer, require_profile


@login_required
def leave_days_page(request: HttpRequest) -> HttpResponse:
    """The employee's offers and the form to make one."""
    profile = require_profile(request.user)
    today = company_today(profile.company)
    try:
        limit_rule = rule(FiscalKey.LEAVE_DAYS_PER_YEAR, today)
    except MissingFiscalRule:
        limit_rule = None
    limit = limit_rule.count if limit_rule else 0
    used = reads.leave_days_counted(profile, today.year)
    associations = list(reads.eligible_leave_associations())
    form = LeaveDayOfferForm(
        request.POST or None, associations=associations, left=max(limit - used, 0)
    )
    if request.method == "POST" and form.is_valid():
        try:
            leave_days.offer_leave_days(
                profile=profile,
                association_id=form.cleaned_data["association"],
                days=form.cleaned_data["days"],
                kind=form.cleaned_data["kind"],
            )
        except (LeaveDayError, MissingFiscalRule) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Your offer is sent to HR. You will get an e-mail with their decision.")
            )
            return redirect("donations:leave_days")
    return render(
        request,
        "donations/leave_days.html",
        {
            "form": form,
            "requests": list(reads.leave_requests_of(profile)[:50]),
            "limit_rule": limit_rule,
            "used": used,
            "left": max(limit - used, 0),
            "year": today.year,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def leave_day_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    profile = require_profile(request.user)
    get_object_or_404(LeaveDayRequest, pk=pk, employee=profile)
    try:
        leave_days.withdraw_leave_request(profile=profile, request_id=pk)
    except LeaveDayError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your offer is withdrawn."))
    return redirect("donations:leave_days")


@login_required
def leave_requests(request: HttpRequest) -> HttpResponse:
    """HR's list: offers waiting for a decision first."""
    officer = require_payroll_officer(request.user)
    return render(
        request,
        "donations/leave_requests.html",
        {"requests": list(reads.leave_requests_for_officer(officer.company)[:200])},
    )


@login_required
def leave_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    officer = require_payroll_officer(request.user)
    leave = get_object_or_404(
        LeaveDayRequest.objects.select_related("employee__user", "association", "gift"),
        pk=pk,
        company=officer.company,
    )
    form = LeaveDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "accept":
                leave = leave_days.accept_leave_request(officer=officer, request_id=leave.pk)
                messages.success(request, _("Accepted: the gift joins the next disbursement."))
            else:
                leave_days.refuse_leave_request(
                    officer=officer, request_id=leave.pk, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Refused: the employee is told why."))
        except (LeaveDayError, MissingFiscalRule) as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("donations:leave_requests")
    # What accepting today would give (the service values it again under its lock).
    preview_day_cents = None
    limit_rule = None
    if leave.status == LeaveDayRequest.Status.REQUESTED:
        today = company_today(officer.company)
        preview_day_cents = day_pay_cents(leave.employee, today)
        try:
            limit_rule = rule(FiscalKey.LEAVE_DAYS_PER_YEAR, today)
        except MissingFiscalRule:
            limit_rule = None
    return render(
        request,
        "donations/leave_request_decide.html",
        {
            "leave": leave,
            "form": form,
            "is_own": leave.employee_id == officer.pk,
            "preview_day_cents": preview_day_cents,
            "preview_cents": preview_day_cents * leave.days if preview_day_cents else None,
            "limit_rule": limit_rule,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def payroll_run_leave_days_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The days accepted in the run's month, to remove from each person's leave balance."""
    officer = require_payroll_officer(request.user)
    run = get_object_or_404(PayrollRun, pk=pk, company=officer.company)
    header = [_("Employee number"), _("Employee"), _("Days"), _("Kind of days"), _("Date")]
    rows = [header] + [
        [
            leave.employee.employee_number,
            leave.employee.display_name,
            leave.days,
            leave.kind,
            leave.decided_on.isoformat(),
        ]
        for leave in reads.leave_days_for_payroll(officer.company, run.month)
    ]
    return csv_response(
        rows,
        filename=f"leave-days-{run.month:%Y-%m}.csv",
        dialect=spreadsheet_dialect(request.LANGUAGE_CODE),
    )
