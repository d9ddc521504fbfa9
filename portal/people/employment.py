"""Who was employed when: the headcount of a period, from hire and leave dates."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from portal.models import Company, EmployeeProfile


def employed_during(company: Company, start: dt.date, end: dt.date) -> QuerySet[EmployeeProfile]:
    """People on the payroll at some day of [start, end) (no dates: always employed)."""
    return EmployeeProfile.objects.filter(company=company).filter(
        Q(hire_date__isnull=True) | Q(hire_date__lt=end),
        Q(leave_date__isnull=True) | Q(leave_date__gte=start),
    )
