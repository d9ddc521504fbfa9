"""The association's receipts pages: mode and delegation, issue or upload, cancel, art. 222 bis.

Every page needs an active membership of the association in the URL (404 otherwise, whatever the
id); changing anything needs the association's admin role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from donations.exceptions import ReceiptError
from donations.forms import (
    CompanyReceiptPeriodForm,
    ReceiptCancelForm,
    ReceiptSettingsForm,
    ReceiptUploadForm,
    ReceiptYearForm,
)
from donations.models import DELEGATION_TEXT_VERSION, TaxReceipt
from donations.selectors import receipts as reads
from donations.services import receipts as service
from missions.models import AssociationMembership
from missions.selectors.association_access import membership
from portal.csv_export import csv_response, spreadsheet_dialect
from portal.downloads import private_download
from portal.models import Company, EmployeeProfile
from portal.money import cents_to_decimal


def _member(request: HttpRequest, association_id: int, *, admin: bool = False):
    found = membership(request.user, association_id)
    if found is None or (admin and found.role != AssociationMembership.Role.ADMIN):
        raise Http404
    return found


def _last_closed_year() -> int:
    return timezone.localdate().year - 1


def _year_of(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else _last_closed_year()
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404
    return year


@dataclass
class Batch:
    """The gifts of one donor (employee or company) in the year, and whether a receipt covers it."""

    key: str
    label: str
    total_cents: int
    currency: str
    receipt: TaxReceipt | None
    has_address: bool = True


def _batches(association_id: int, year: int, receipts: list[TaxReceipt]) -> list[Batch]:
    live_employee = {
        r.donor_id: r
        for r in receipts
        if r.kind == TaxReceipt.Kind.EMPLOYEE and r.status == TaxReceipt.Status.ISSUED
    }
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    live_company = {
        r.company_id: r
        for r in receipts
        if r.kind == TaxReceipt.Kind.COMPANY
        and r.status == TaxReceipt.Status.ISSUED
        and (r.period_start, r.period_end) == (start, end)
    }
    found: list[Batch] = []
    employees = reads.employee_gifts(association_id=association_id, year=year)
    donors = EmployeeProfile.objects.filter(pk__in=employees).select_related(
        "user", "company", "receipt_address"
    )
    for donor in sorted(donors, key=lambda d: d.display_name):
        found.append(
            Batch(
                f"employee:{donor.pk}",
                f"{donor.display_name} ({donor.company.name})",
                employees[donor.pk].total_cents,
                donor.company.currency,
                live_employee.get(donor.pk),
                has_address=hasattr(donor, "receipt_address"),
            )
        )
    companies = reads.company_gifts(association_id=association_id, start=start, end=end)
    for company in Company.objects.filter(pk__in=companies).order_by("name"):
        found.append(
            Batch(
                f"company:{company.pk}",
                company.name,
                companies[company.pk].total_cents,
                company.currency,
                live_company.get(company.pk),
            )
        )
    return found


@login_required
def receipts_home(request: HttpRequest, association_id: int) -> HttpResponse:
    member = _member(request, association_id)
    association = member.association
    year = _year_of(request)
    receipt_settings = service.settings_of(association)
    receipts = list(reads.receipts_of_association(association_id, year=year))
    batches = _batches(association_id, year, receipts)
    is_admin = member.role == AssociationMembership.Role.ADMIN
    settings_form = ReceiptSettingsForm(
        initial={
            "mode": receipt_settings.mode,
            "signatory_name": receipt_settings.signatory_name,
            "signatory_title": receipt_settings.signatory_title,
            "object_text": receipt_settings.object,
            "legal_quality": receipt_settings.legal_quality,
            "eligible_ifi": receipt_settings.eligible_ifi,
        }
    )
    pending = [b for b in batches if b.receipt is None]
    return render(
        request,
        "donations/receipts/association.html",
        {
            "association": association,
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
            "year_closed": year <= _last_closed_year(),
            "settings": receipt_settings,
            "is_admin": is_admin,
            "settings_form": settings_form,
            "delegation_version": DELEGATION_TEXT_VERSION,
            "receipts": receipts,
            "batches": batches,
            "waiting_for_address": [b for b in pending if not b.has_address],
            "upload_form": ReceiptUploadForm(
                initial={"year": year},
                batches=[(b.key, b.label) for b in pending],
            ),
            "period_form": CompanyReceiptPeriodForm(
                initial={"start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31)}
            ),
            "cancel_form": ReceiptCancelForm(),
            "summary": reads.yearly_summary(association_id, year),
        },
    )


def _back(association_id: int, year: int | None = None) -> HttpResponse:
    response = redirect("association_receipts:home", association_id=association_id)
    if year:
        response["Location"] += f"?year={year}"
    return response


@login_required
@require_POST
def receipts_settings(request: HttpRequest, association_id: int) -> HttpResponse:
    member = _member(request, association_id, admin=True)
    form = ReceiptSettingsForm(request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return _back(association_id)
    data = form.cleaned_data
    try:
        service.update_receipt_settings(
            association=member.association,
            mode=data["mode"],
            signatory_name=data["signatory_name"],
            signatory_title=data["signatory_title"],
            object_text=data["object_text"],
            legal_quality=data["legal_quality"],
            eligible_ifi=data["eligible_ifi"],
            signature=data["signature"] or None,
            by=request.user,
        )
    except ReceiptError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your receipt settings are saved."))
    return _back(association_id)


@login_required
@require_POST
def receipts_delegation(request: HttpRequest, association_id: int) -> HttpResponse:
    member = _member(request, association_id, admin=True)
    if request.POST.get("accept") != "yes":
        messages.error(request, _("Tick the box to accept the delegation."))
        return _back(association_id)
    service.accept_delegation(association=member.association, by=request.user)
    messages.success(request, _("Cordée may now issue receipts in your association's name."))
    return _back(association_id)


def _issued_message(request: HttpRequest, run: service.IssueRun) -> None:
    messages.success(
        request,
        ngettext("%(count)d receipt issued.", "%(count)d receipts issued.", len(run.issued))
        % {"count": len(run.issued)},
    )
    if run.waiting_for_address:
        messages.warning(
            request,
            ngettext(
                "%(count)d donor has not given a postal address yet: their receipt waits.",
                "%(count)d donors have not given a postal address yet: their receipts wait.",
                len(run.waiting_for_address),
            )
            % {"count": len(run.waiting_for_address)},
        )


@login_required
@require_POST
def receipts_issue(request: HttpRequest, association_id: int) -> HttpResponse:
    member = _member(request, association_id, admin=True)
    form = ReceiptYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the year of the gifts."))
        return _back(association_id)
    year = form.cleaned_data["year"]
    try:
        run = service.issue_employee_receipts(
            association=member.association, year=year, by=request.user
        )
    except ReceiptError as exc:
        messages.error(request, str(exc))
    else:
        _issued_message(request, run)
    return _back(association_id, year)


@login_required
@require_POST
def receipts_issue_company(request: HttpRequest, association_id: int) -> HttpResponse:
    member = _member(request, association_id, admin=True)
    form = CompanyReceiptPeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back(association_id)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    try:
        run = service.issue_company_receipts(
            association=member.association, start=start, end=end, by=request.user
        )
    except ReceiptError as exc:
        messages.error(request, str(exc))
    else:
        _issued_message(request, run)
    return _back(association_id, end.year)


@login_required
@require_POST
def receipts_upload(request: HttpRequest, association_id: int) -> HttpResponse:
    member = _member(request, association_id, admin=True)
    year_form = ReceiptYearForm(request.POST)
    year = year_form.cleaned_data["year"] if year_form.is_valid() else _last_closed_year()
    receipts = list(reads.receipts_of_association(association_id, year=year))
    batches = [(b.key, b.label) for b in _batches(association_id, year, receipts) if not b.receipt]
    form = ReceiptUploadForm(request.POST, request.FILES, batches=batches)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back(association_id, year)
    try:
        service.upload_own_receipt(
            association=member.association,
            year=year,
            batch=form.cleaned_data["batch"],
            own_reference=form.cleaned_data["own_reference"],
            pdf=form.cleaned_data["pdf"],
            by=request.user,
        )
    except ReceiptError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The receipt is filed."))
    return _back(association_id, year)


def _receipt_of(association_id: int, receipt_id: int) -> TaxReceipt:
    receipt = TaxReceipt.objects.filter(pk=receipt_id, association_id=association_id).first()
    if receipt is None:
        raise Http404
    return receipt


@login_required
def receipt_download(request: HttpRequest, association_id: int, receipt_id: int) -> HttpResponse:
    _member(request, association_id)
    receipt = _receipt_of(association_id, receipt_id)
    return private_download(
        receipt.pdf.open("rb"), filename=receipt.filename, content_type="application/pdf"
    )


@login_required
@require_POST
def receipt_cancel(request: HttpRequest, association_id: int, receipt_id: int) -> HttpResponse:
    _member(request, association_id, admin=True)
    receipt = _receipt_of(association_id, receipt_id)
    form = ReceiptCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the receipt is cancelled."))
        return _back(association_id, receipt.year)
    try:
        replacement = service.cancel_receipt(
            receipt_id=receipt.pk,
            association_id=association_id,
            reason=form.cleaned_data["reason"],
            replace=form.cleaned_data["replace"],
            by=request.user,
        )
    except ReceiptError as exc:
        messages.error(request, str(exc))
    else:
        if replacement is not None:
            messages.success(
                request,
                _("Receipt %(old)s is cancelled and replaced by %(new)s.")
                % {"old": receipt.reference, "new": replacement.reference},
            )
        else:
            messages.success(
                request, _("Receipt %(old)s is cancelled.") % {"old": receipt.reference}
            )
    return _back(association_id, receipt.year)


@login_required
def receipts_summary(request: HttpRequest, association_id: int, year: int) -> HttpResponse:
    """Art. 222 bis: the year's total and number of receipts, as a page or a CSV file."""
    member = _member(request, association_id)
    summary = reads.yearly_summary(association_id, year)
    if request.GET.get("format") == "csv":
        money = cents_to_decimal
        rows = [
            [_("Year"), _("Receipts"), _("Total amount"), _("Currency")],
            [year, summary.count, money(summary.total_cents), "EUR"],
            [
                _("of which individuals"),
                summary.employee_count,
                money(summary.employee_cents),
                "EUR",
            ],
            [_("of which companies"), summary.company_count, money(summary.company_cents), "EUR"],
        ]
        return csv_response(
            rows,
            filename=f"art-222-bis-{year}.csv",
            dialect=spreadsheet_dialect(request.LANGUAGE_CODE),
        )
    return render(
        request,
        "donations/receipts/summary.html",
        {"association": member.association, "summary": summary, "year": year},
    )
