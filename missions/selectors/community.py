"""Reads of employees' own contributions: self-reported hours (for approvers, reports and grants)
and association proposals (for the CSR officer's to-do list)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from missions.models import (
    AssociationProposal,
    Enrolment,
    EnrolmentStatus,
    SelfReportedHours,
)
from portal.calendar import start_of_day
from portal.models import Company, EmployeeProfile

PENDING = SelfReportedHours.Status.PENDING
APPROVED = SelfReportedHours.Status.APPROVED


def self_reported_of(employee: EmployeeProfile) -> QuerySet[SelfReportedHours]:
    return SelfReportedHours.objects.filter(employee=employee).select_related("association")


def company_self_reported(company: Company) -> QuerySet[SelfReportedHours]:
    """Every declaration of the company's employees: what its CSR officers may decide."""
    return SelfReportedHours.objects.filter(employee__company=company)


def association_self_reported(association_id: int) -> QuerySet[SelfReportedHours]:
    """Every declaration made with one association: what its members may decide."""
    return SelfReportedHours.objects.filter(association_id=association_id)


def pending_self_reported(company: Company) -> QuerySet[SelfReportedHours]:
    """Declarations of the company's employees waiting for a decision (CSR to-do list)."""
    return (
        company_self_reported(company)
        .filter(status=PENDING)
        .select_related("employee__user", "association")
        .order_by("done_on", "pk")
    )


def pending_proposals(company: Company) -> QuerySet[AssociationProposal]:
    """Associations the company's employees proposed, waiting for a CSR decision (to-do list)."""
    return (
        AssociationProposal.objects.filter(
            company=company, status=AssociationProposal.Status.PENDING
        )
        .select_related("proposed_by__user")
        .order_by("created_at", "pk")
    )


def proposals_of(employee: EmployeeProfile) -> QuerySet[AssociationProposal]:
    return AssociationProposal.objects.filter(proposed_by=employee).select_related("association")


def company_proposals(company: Company) -> QuerySet[AssociationProposal]:
    return AssociationProposal.objects.filter(company=company).select_related(
        "proposed_by__user", "association"
    )


def approved_self_reported_totals(company: Company, start: dt.date, end: dt.date) -> dict:
    """Approved self-reported hours done in [start, end) by the company's employees, for the
    impact report: {"hours": Decimal, "volunteers": int, "entries": int}."""
    totals = (
        company_self_reported(company)
        .filter(status=APPROVED, done_on__gte=start, done_on__lt=end)
        .aggregate(
            hours=Sum("hours"), volunteers=Count("employee", distinct=True), entries=Count("pk")
        )
    )
    return {
        "hours": totals["hours"] or Decimal(0),
        "volunteers": totals["volunteers"] or 0,
        "entries": totals["entries"] or 0,
    }


def off_work_hours_by_association(
    company: Company, start: dt.date, end: dt.date
) -> dict[tuple[int, int], Decimal]:
    """Hours each employee gave each association outside work time in [start, end): attended
    sessions of missions off work time, plus approved self-reported hours. What volunteer grants
    are computed from: {(employee id, association id): hours}."""
    tz = company.time_zone
    found: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    enrolments = (
        Enrolment.objects.filter(
            employee__company=company,
            status=EnrolmentStatus.ATTENDED,
            hours__isnull=False,
            session__mission__on_work_time=False,
            session__start__gte=start_of_day(start, tz),
            session__start__lt=start_of_day(end, tz),
        )
        .values("employee", "session__mission__association")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    for row in enrolments:
        found[(row["employee"], row["session__mission__association"])] += row["total"]
    declared = (
        company_self_reported(company)
        .filter(status=APPROVED, done_on__gte=start, done_on__lt=end)
        .values("employee", "association")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    for row in declared:
        found[(row["employee"], row["association"])] += row["total"]
    return dict(found)
