"""Impact dashboard, CSV exports and impact reports of the signed-in user's company."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.calendar import company_today
from portal.csv_export import csv_response, spreadsheet_dialect
from portal.downloads import private_download
from portal.tenancy import require_impact_viewer
from reporting import figures, presentation, services
from reporting.exceptions import ReportNotReady
from reporting.forms import PeriodForm, ReportRequestForm
from reporting.models import ImpactReport
from reporting.selectors.metrics import company_metrics

PAST_REPORTS_SHOWN = 20


def _today(company) -> dt.date:
    return company_today(company)


def _period_form(request, company) -> PeriodForm:
    return PeriodForm(
        request.GET or None,
        fiscal_start_month=company.fiscal_year_start_month,
        today=_today(company),
    )


@login_required
@require_GET
def dashboard(request):
    profile = require_impact_viewer(request.user)
    company = profile.company
    form = _period_form(request, company)
    period = form.period()
    metrics = company_metrics(company=company, period=period)
    request_form = ReportRequestForm.for_period(
        period,
        language=(request.LANGUAGE_CODE or "fr")[:2],
        fiscal_start_month=company.fiscal_year_start_month,
    )
    query = request.GET.urlencode()
    return render(
        request,
        "reporting/dashboard.html",
        {
            "company": company,
            "form": form,
            "period": period,
            "previous_period": presentation.previous_period_of(metrics),
            "period_note": presentation.period_note(metrics),
            "breakdowns": figures.breakdown_sentences(metrics),
            "metrics": metrics,
            "tiles": presentation.kpi_tiles(metrics),
            "charts": presentation.build_charts(metrics, company.brand_colour),
            "exports": [
                (
                    str(title),
                    reverse("reporting:export", args=[slug]) + (f"?{query}" if query else ""),
                )
                for slug, title in presentation.BREAKDOWN_TITLES.items()
            ],
            "request_form": request_form,
            "reports": ImpactReport.objects.filter(company=company).select_related("requested_by")[
                :PAST_REPORTS_SHOWN
            ],
            "associations": presentation.association_rows(metrics),
            "campaigns": presentation.campaign_rows(metrics),
        },
    )


@login_required
@require_GET
def export_breakdown(request, breakdown: str):
    profile = require_impact_viewer(request.user)
    if breakdown not in presentation.BREAKDOWN_TITLES:
        raise Http404
    company = profile.company
    period = _period_form(request, company).period()
    metrics = company_metrics(company=company, period=period)
    headers, rows = presentation.breakdown_table(metrics, breakdown)
    filename = f"impact-{company.slug}-{breakdown}-{period.start:%Y%m%d}-{period.last_day:%Y%m%d}"
    return csv_response(
        [headers, *rows],
        filename=f"{filename}.csv",
        dialect=spreadsheet_dialect(request.LANGUAGE_CODE),
    )


@login_required
@require_POST
def request_report(request):
    profile = require_impact_viewer(request.user)
    company = profile.company
    form = ReportRequestForm(
        request.POST,
        fiscal_start_month=company.fiscal_year_start_month,
        today=_today(company),
    )
    if not form.is_valid():
        problems = " ".join(str(error) for errors in form.errors.values() for error in errors)
        messages.error(
            request,
            _("The report could not be requested: %(problems)s")
            % {"problems": problems or _("check the period.")},
        )
        return redirect("reporting:dashboard")
    report = services.request_report(
        company=company,
        period=form.cleaned_data["period"],
        language=form.cleaned_data["language"],
        requested_by=request.user,
        management_costs_cents=form.management_costs_cents(),
    )
    return redirect("reporting:report", pk=report.pk)


def _company_report(request, pk: int) -> ImpactReport:
    profile = require_impact_viewer(request.user)
    # Another company's report is indistinguishable from one that does not exist.
    return get_object_or_404(
        ImpactReport.objects.select_related("company", "requested_by"),
        pk=pk,
        company=profile.company,
    )


@login_required
@require_GET
def report_detail(request, pk: int):
    report = _company_report(request, pk)
    return render(request, "reporting/report_detail.html", {"report": report})


@login_required
@require_GET
def report_status(request, pk: int):
    report = _company_report(request, pk)
    return JsonResponse(
        {
            "status": report.status,
            "status_label": report.get_status_display(),
            "progress": report.progress,
            "done": not report.is_in_progress,
        }
    )


@login_required
@require_GET
def report_download(request, pk: int):
    report = _company_report(request, pk)
    try:
        handle = services.report_file_of(report)
    except ReportNotReady:
        raise Http404 from None
    return private_download(handle, filename=report.filename(), content_type="application/pdf")
