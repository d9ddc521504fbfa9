"""Impact reports: request one, build it (metrics → HTML → WeasyPrint PDF), archive it."""

from __future__ import annotations

import base64
import hashlib
import logging
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.models import Company
from portal.pdf import render_pdf
from reporting.exceptions import ReportNotReady, UnsupportedLanguage
from reporting.models import ImpactReport
from reporting.periods import Period
from reporting.selectors.metrics import company_metrics

logger = logging.getLogger(__name__)

PDF_STYLESHEET = "css/report-pdf.css"


def request_report(
    *,
    company: Company,
    period: Period,
    language: str,
    requested_by,
    management_costs_cents: int | None = None,
) -> ImpactReport:
    """Record the request and queue its build once the request is committed.

    A period that is not over may be archived: the report is then marked partial (cover,
    summary, file list) and compares the same span of the previous period.
    """
    if language not in ImpactReport.Language.values:
        raise UnsupportedLanguage(language)
    from reporting.tasks import build_impact_report

    with transaction.atomic():
        report = ImpactReport.objects.create(
            company=company,
            period_kind=period.kind,
            period_start=period.start,
            period_end=period.end,
            period_year=period.year,
            period_number=period.number,
            period_planned_end=period.planned_end,
            management_costs_cents=management_costs_cents,
            language=language,
            requested_by=requested_by,
        )
        transaction.on_commit(lambda: build_impact_report.delay(report.pk))
    return report


def _set_progress(report: ImpactReport, progress: int) -> None:
    # A plain UPDATE outside the build's transaction so the polling page sees it at once.
    ImpactReport.objects.filter(pk=report.pk, status=ImpactReport.Status.RUNNING).update(
        progress=progress
    )


def build_report(*, report_id: int) -> ImpactReport:
    """Build and archive the report. Idempotent: an archived report is returned untouched."""
    with transaction.atomic():
        report = (
            ImpactReport.objects.select_for_update().select_related("company").get(pk=report_id)
        )
        if report.status == ImpactReport.Status.READY:
            return report
        report.status = ImpactReport.Status.RUNNING
        report.started_at = timezone.now()
        report.progress = 5
        report.error = ""
        report.save(update_fields=["status", "started_at", "progress", "error"])
    try:
        with translation.override(report.language):
            metrics = company_metrics(company=report.company, period=report.period)
            metrics["management_costs_cents"] = report.management_costs_cents
            _set_progress(report, 40)
            html = render_report_html(company=report.company, metrics=metrics)
            _set_progress(report, 60)
            pdf, pages = write_pdf(html)
    except Exception as exc:
        logger.exception("impact report %s failed", report_id)
        ImpactReport.objects.filter(pk=report_id).update(
            status=ImpactReport.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:500],
            finished_at=timezone.now(),
        )
        raise
    return _archive(report_id=report_id, metrics=metrics, pdf=pdf, pages=pages)


@transaction.atomic
def _archive(*, report_id: int, metrics: dict, pdf: bytes, pages: int) -> ImpactReport:
    report = ImpactReport.objects.select_for_update().select_related("company").get(pk=report_id)
    if report.status == ImpactReport.Status.READY:  # a concurrent run finished first
        return report
    report.metrics = metrics
    report.checksum = hashlib.sha256(pdf).hexdigest()
    report.page_count = pages
    report.pdf.save(report.filename(), ContentFile(pdf), save=False)
    report.status = ImpactReport.Status.READY
    report.progress = 100
    report.finished_at = timezone.now()
    report.save()
    return report


def _logo_data_uri(company: Company) -> str:
    """The company logo inlined, so the PDF never fetches anything from a URL."""
    if not company.logo_id:
        return ""
    try:
        image = company.logo
        with image.file.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        return ""
    suffix = Path(image.file.name).suffix.lower().lstrip(".")
    mime = {"jpg": "jpeg", "svg": "svg+xml"}.get(suffix, suffix)
    return f"data:image/{mime};base64,{base64.b64encode(data).decode()}"


def render_report_html(*, company: Company, metrics: dict) -> str:
    """The report's HTML from the metrics snapshot (in the active language)."""
    from reporting.report_context import report_context

    context = report_context(metrics=metrics, colour=company.brand_colour)
    context["logo"] = _logo_data_uri(company)
    return render_to_string("reporting/pdf/report.html", context)


def write_pdf(html: str) -> tuple[bytes, int]:
    """PDF/A bytes and the page count, through the app's hardened renderer."""
    rendered = render_pdf(html, stylesheets=(PDF_STYLESHEET,))
    return rendered.content, rendered.pages


def report_file_of(report: ImpactReport):
    """The archived PDF, opened for reading; ReportNotReady while there is none."""
    if not report.is_archived or not report.pdf:
        raise ReportNotReady(report.pk)
    try:
        return report.pdf.open("rb")
    except FileNotFoundError:
        # Lost from the storage (e.g. missing when the archives moved): as good as not built.
        logger.error("Impact report %s: its file %s is missing", report.pk, report.pdf.name)
        raise ReportNotReady(report.pk) from None


def mark_feedback_read(*, officer, now=None) -> None:
    """The officer has read their company's feedback up to now: the to-do line goes away."""
    from reporting.models import FeedbackReadMark

    FeedbackReadMark.objects.update_or_create(
        profile=officer, defaults={"read_at": now or timezone.now()}
    )
