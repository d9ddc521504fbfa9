"""Demo data of reporting: one archived impact report per demo company (idempotent)."""

from __future__ import annotations

from portal.calendar import company_today
from portal.models import Company, EmployeeProfile
from reporting.models import ImpactReport
from reporting.periods import current_fiscal_year, year_period
from reporting.services import build_report


def seed() -> None:
    """Archive the current fiscal year's report in French, as its executive would request it.

    Executives then find a report ready in their list, and can request others (another
    period, English) from the dashboard.
    """
    for company in Company.objects.all():
        executive = (
            EmployeeProfile.objects.filter(company=company, is_executive=True)
            .select_related("user")
            .first()
        )
        if executive is None:
            continue
        year = current_fiscal_year(
            company_today(company), fiscal_start_month=company.fiscal_year_start_month
        )
        # The year is not over: the report covers it to date and is labelled partial.
        period = year_period(year, fiscal_start_month=company.fiscal_year_start_month).as_of(
            company_today(company)
        )
        existing = ImpactReport.objects.filter(
            company=company,
            period_kind=period.kind,
            period_start=period.start,
            language="fr",
            status=ImpactReport.Status.READY,
        )
        if existing.exists():
            continue
        report = ImpactReport.objects.create(
            company=company,
            period_kind=period.kind,
            period_start=period.start,
            period_end=period.end,
            period_year=period.year,
            period_planned_end=period.planned_end,
            language="fr",
            requested_by=executive.user,
        )
        build_report(report_id=report.pk)
