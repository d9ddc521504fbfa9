"""CSR officers' HR file import: upload, preview with its diff, confirm."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.forms import ConfirmImportForm, HRFileUploadForm
from portal.models import PeopleImport
from portal.people import imports
from portal.people.hr_file import InvalidHRFile
from portal.tenancy import require_csr_officer


@login_required
def people_import(request: HttpRequest) -> HttpResponse:
    officer = require_csr_officer(request.user)
    form = HRFileUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        row = imports.upload(
            company=officer.company, user=request.user, name=upload.name, data=upload.read()
        )
        return redirect("people_import_preview", pk=row.pk)
    history = PeopleImport.objects.filter(company=officer.company).select_related(
        "uploaded_by", "confirmed_by"
    )[:50]
    status = 400 if form.errors else 200
    context = {"form": form, "history": history, "company": officer.company}
    return render(request, "portal/people/import.html", context, status=status)


def _preview_page(request, row: PeopleImport, *, refusal: str = "", status: int = 200):
    file_error, preview = "", None
    try:
        preview = imports.preview_file(row.company, imports.stored_bytes(row))
    except (InvalidHRFile, imports.ImportRefused) as error:
        file_error = error.message
    form = ConfirmImportForm(initial={"fingerprint": preview.fingerprint if preview else ""})
    progress = imports.progress_of(row) if row.status == PeopleImport.Status.APPLYING else None
    context = {
        "row": row,
        "progress": progress,
        "preview": preview,
        "file_error": file_error,
        "refusal": refusal,
        "form": form,
    }
    return render(request, "portal/people/preview.html", context, status=status)


@login_required
def people_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    officer = require_csr_officer(request.user)
    row = get_object_or_404(PeopleImport, pk=pk, company=officer.company)
    return _preview_page(request, row)


@login_required
@require_POST
def people_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    officer = require_csr_officer(request.user)
    row = get_object_or_404(PeopleImport, pk=pk, company=officer.company)
    form = ConfirmImportForm(request.POST)
    if not form.is_valid():
        return _preview_page(request, row, refusal=_("Confirm from the preview."), status=400)
    try:
        imports.request_confirmation(
            row=row, user=request.user, fingerprint=form.cleaned_data["fingerprint"]
        )
    except imports.ImportRefused as refused:
        return _preview_page(request, row, refusal=refused.message, status=409)
    row.refresh_from_db()
    if row.status == PeopleImport.Status.CONFIRMED:  # applied already (tasks run inline)
        messages.success(
            request,
            _("Imported: %(joiners)s joiners, %(movers)s movers, %(leavers)s leavers.")
            % row.counts,
        )
        return redirect("people_import")
    return redirect("people_import_preview", pk=row.pk)
