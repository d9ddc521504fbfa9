"""Reads of leave-day donation: an employee's requests, the officers' queue, the payroll list."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, QuerySet, Sum, Value, When

from donations.models import LeaveDayRequest
from portal.calendar import add_months
from portal.models import Company, EmployeeProfile

# Requested and accepted days both count against the yearly cap: an offer waiting for HR
# holds its days, so two quick offers cannot pass the cap together.
COUNTED = (LeaveDayRequest.Status.REQUESTED, LeaveDayRequest.Status.ACCEPTED)


def eligible_leave_associations():
    """Bodies a leave day may go to: vetted, published and eligible to a tax receipt (CGI 200)."""
    from missions.models import AssociationPage

    return (
        AssociationPage.objects.accepting_gifts()
        .filter(tax_receipt_eligible=True)
        .order_by("title")
    )


def leave_days_counted(profile: EmployeeProfile, year: int) -> int:
    """Days requested or accepted by `profile` for `year`."""
    total = LeaveDayRequest.objects.filter(employee=profile, year=year, status__in=COUNTED)
    return total.aggregate(days=Sum("days"))["days"] or 0


def leave_requests_of(profile: EmployeeProfile) -> QuerySet[LeaveDayRequest]:
    return LeaveDayRequest.objects.filter(employee=profile).select_related("association")


def leave_requests_for_officer(company: Company) -> QuerySet[LeaveDayRequest]:
    """The company's requests, waiting ones first."""
    return (
        LeaveDayRequest.objects.filter(company=company)
        .select_related("association", "employee__user", "decided_by")
        .annotate(
            waiting=Case(
                When(status=LeaveDayRequest.Status.REQUESTED, then=Value(1)), default=Value(0)
            )
        )
        .order_by("-waiting", "-requested_at", "-id")
    )


def leave_days_for_payroll(company: Company, month: dt.date) -> QuerySet[LeaveDayRequest]:
    """Days accepted in `month` (first day of it): to remove from the employees' leave balance."""
    start = month.replace(day=1)
    return (
        LeaveDayRequest.objects.filter(
            company=company,
            status=LeaveDayRequest.Status.ACCEPTED,
            decided_on__gte=start,
            decided_on__lt=add_months(start, 1),
        )
        .select_related("employee__user", "association")
        .order_by("employee__employee_number", "decided_on", "id")
    )


def leave_requests_waiting(company: Company) -> int:
    """How many leave-day offers of the company wait for HR's decision (the CSR to-do)."""
    return LeaveDayRequest.objects.filter(
        company=company, status=LeaveDayRequest.Status.REQUESTED
    ).count()
