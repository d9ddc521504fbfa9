"""The giving and feedback rows that reporting counts, as querysets (or None when absent).

Reporting must work with whatever data exists, including none, and with a deployment where
the giving app has not been migrated in yet: each accessor looks its model up lazily and the
metric code reports zero when it is missing.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db.models import Q, QuerySet

# Payroll adjustments correct a confirmed payroll run (possibly negatively): they count as
# payroll round-up so that the payroll total is what was really deducted.
PAYROLL_SOURCES = ("payroll", "adjustment")


def _model(app_label: str, name: str):
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def donations(company, start: dt.datetime, end: dt.datetime) -> QuerySet | None:
    """Succeeded (not refunded) gifts of the company's employees that happened in [start, end)."""
    model = _model("donations", "Donation")
    if model is None:
        return None
    return model.objects.filter(
        company=company, status="succeeded", occurred_at__gte=start, occurred_at__lt=end
    ).order_by()


def matches(donation_rows: QuerySet | None) -> QuerySet | None:
    """The company's active (not reversed) matches of those donations."""
    model = _model("donations", "Match")
    if model is None or donation_rows is None:
        return None
    return model.objects.filter(status="active", donation__in=donation_rows.values("pk")).order_by()


def pledges(company, start: dt.date, end: dt.date) -> QuerySet | None:
    """Round-up pledges in force during at least one month of [start, end)."""
    model = _model("donations", "Pledge")
    if model is None:
        return None
    # end_month is exclusive: a pledge ending at the period's first month never applied in it.
    return model.objects.filter(
        Q(end_month__isnull=True) | Q(end_month__gt=start),
        employee__company=company,
        start_month__lt=end,
    ).order_by()


def feedback(enrolment_rows: QuerySet) -> QuerySet | None:
    model = _model("missions", "Feedback")
    if model is None:
        return None
    return model.objects.filter(enrolment__in=enrolment_rows.values("pk")).order_by()
