"""CSR and payroll officers' payroll pages: runs, net-pay import, export, confirm, round-up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from donations import selectors
from donations.exceptions import (
    AmbiguousPayrollColumns,
    GivingError,
    InvalidPayrollFile,
    PayrollRunLocked,
)
from donations.forms import (
    AdjustmentForm,
    ConfirmRunForm,
    NetPayUploadForm,
    OpenRunForm,
    RoundUpAssociationsForm,
)
from donations.models import AuditEntry, PayrollRun
from donations.selectors import payroll as payroll_reads
from donations.services import payroll, pledges
from portal.calendar import company_today
from portal.csv_export import csv_response, spreadsheet_dialect
from portal.downloads import private_download
from portal.models import EmployeeProfile
from portal.tenancy import require_csr_officer, require_payroll_officer


@login_required
def payroll_runs(request: HttpRequest) -> HttpResponse:
    officer = require_payroll_officer(request.user)
    # The month usually opened is the current one: offered as the default.
    today = company_today(officer.company)
    form = OpenRunForm(request.POST or None, initial={"month": f"{today:%Y-%m}"})
    if request.method == "POST" and form.is_valid():
        run = payroll.open_payroll_run(company=officer.company, month=form.cleaned_data["month"])
        return redirect("donations:payroll_run", pk=run.pk)
    runs = list(selectors.runs_of(officer.company)[:120])
    return render(
        request,
        "donations/payroll_runs.html",
        {"runs": runs, "stale_ids": payroll_reads.stale_run_ids(runs), "form": form},
    )


def _company_run(request: HttpRequest, pk: int):
    officer = require_payroll_officer(request.user)
    return officer, get_object_or_404(PayrollRun, pk=pk, company=officer.company)


def _run_page(
    request: HttpRequest, run: PayrollRun, form, *, refused=None, locked=False, status=200
) -> HttpResponse:
    """The run's page: its lines, the upload form and, after a refused file, its errors."""
    run.refresh_from_db()
    lines = run.lines.select_related("employee__user", "pledge").order_by("employee_number")
    errors = refused.errors if refused else []
    summary, excludable, error_lines = payroll_reads.stored_refusal(run)
    if errors:
        summary = payroll_reads.file_errors_summary(errors)
        excludable, error_lines = refused.excludable, payroll_reads.lines_to_exclude_text(errors)
    return render(
        request,
        "donations/payroll_run_detail.html",
        {
            "run": run,
            "form": form,
            "stale": payroll_reads.is_stale(run),
            "locked_notice": locked,
            "file_errors": summary,
            "ambiguous": refused if isinstance(refused, AmbiguousPayrollColumns) else None,
            "excludable": excludable,
            "error_lines": error_lines,
            "excluded_text": payroll_reads.line_ranges(run.excluded_lines or []),
            # Before the upload too: these pledgers can never be matched by the payroll file.
            "without_number": list(
                payroll_reads.pledgers_without_number(run)[: payroll_reads.MISSING_SHOWN]
            )
            if not run.is_locked
            else [],
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
def payroll_run(request: HttpRequest, pk: int) -> HttpResponse:
    _officer, run = _company_run(request, pk)
    form = NetPayUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _run_page(request, run, form)
    if not form.is_valid():
        return _run_page(request, run, form, status=400)
    upload, data = form.cleaned_data["file"], form.cleaned_data
    try:
        result = payroll.receive_net_pay_file(
            run=run,
            data=upload.read(),
            filename=upload.name,
            excluded_lines=data["excluded_line_set"]
            | (payroll_reads.refused_lines(run) if data["exclude_refused"] else set()),
            column_choices=data["column_choices"],
            actor=request.user,
        )
    except PayrollRunLocked:
        # A stale tab: say who confirmed (or exported) the run and when, not a bare 400.
        return _run_page(request, run, NetPayUploadForm(), locked=True, status=409)
    except InvalidPayrollFile as exc:
        payroll.record_file_errors(run=run, errors=exc.errors)
        return _run_page(request, run, form, refused=exc, status=400)
    except GivingError as exc:
        form.add_error(None, str(exc))
        return _run_page(request, run, form, status=400)
    if result.queued:
        messages.info(request, _("The run is being computed; this page follows it."))
    else:
        messages.success(request, _("%(n)s lines imported.") % {"n": result.lines})
    return redirect("donations:payroll_run", pk=run.pk)


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
def payroll_run_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The second look: what confirming will write, then the typed month or the ticked box."""
    _officer, run = _company_run(request, pk)
    if run.status == PayrollRun.Status.CONFIRMED:
        messages.info(request, _("This run was already confirmed; nothing changed."))
        return redirect("donations:payroll_run", pk=run.pk)
    summary = payroll.confirmation_of(run)
    form = ConfirmRunForm(request.POST if request.method == "POST" else None, summary=summary)
    if request.method == "POST" and form.is_valid():
        try:
            payroll.confirm_payroll_run(run=run, actor=request.user)
        except GivingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Run confirmed: donations and matches recorded."))
        return redirect("donations:payroll_run", pk=run.pk)
    status = 400 if form.is_bound else 200
    context = {"run": run, "summary": summary, "form": form}
    return render(request, "donations/payroll_run_confirm.html", context, status=status)


@login_required
@require_POST
def payroll_run_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    """Compute the preview again from the file already imported (a pledge changed)."""
    _officer, run = _company_run(request, pk)
    try:
        run = payroll.recompute_payroll_run(run=run, actor=request.user)
    except GivingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The preview was computed again from the current pledges."))
    return redirect("donations:payroll_run", pk=run.pk)


@login_required
def payroll_run_missing_csv(request: HttpRequest, pk: int) -> HttpResponse:
    _officer, run = _company_run(request, pk)
    return csv_response(
        payroll_reads.missing_pledgers_rows(run),
        filename=f"missing-pledgers-{run.month:%Y-%m}.csv",
        dialect=spreadsheet_dialect(request.LANGUAGE_CODE),
    )


@login_required
def payroll_run_errors_csv(request: HttpRequest, pk: int) -> FileResponse:
    _officer, run = _company_run(request, pk)
    if not run.error_report:
        raise Http404
    try:
        handle = run.error_report.open("rb")
    except FileNotFoundError:
        raise Http404 from None  # the stored list is gone: the page still shows the first errors
    return private_download(
        handle, filename=f"net-pay-errors-{run.month:%Y-%m}.csv", content_type="text/csv"
    )


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
