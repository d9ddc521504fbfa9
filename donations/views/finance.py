"""CSR and payroll officers' money trail: finance totals and disbursements."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from donations import selectors
from donations.exceptions import GivingError
from donations.forms import (
    DisbursementPaidForm,
)
from donations.models import Disbursement, DisbursementBatch
from donations.services import disbursements
from portal.calendar import company_today
from portal.csv_export import spreadsheet_dialect
from portal.tenancy import require_payroll_officer


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
        Prefetch(
            "disbursements",
            queryset=Disbursement.objects.select_related("association", "received_by"),
        )
    )
    return render(
        request,
        "donations/finance.html",
        {
            "months": months,
            "totals": totals,
            "batches": batches,
            "refunds": selectors.refunds_by_association(officer.company),
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
