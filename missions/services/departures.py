"""Engagement when a person leaves: their later enrolments end, their approvals pass on."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from missions.exceptions import EngagementError
from missions.models import SEAT_HOLDING_STATUSES, Enrolment, EnrolmentStatus
from missions.services import notifications
from missions.services.enrolment import cancel
from portal.calendar import start_of_day
from portal.models import EmployeeProfile


def cancel_enrolments_after_leave(
    *, profile: EmployeeProfile, leave_date: dt.date, now: dt.datetime | None = None
) -> list[int]:
    """Cancel the leaver's seats and waitlist places in sessions after their last day.

    Through `cancel`, so each freed seat goes to the waitlist; idempotent (cancelled ones are
    not found again). Sessions already started are left to attendance.
    """
    now = now or timezone.now()
    after = max(now, start_of_day(leave_date + dt.timedelta(days=1), profile.company.time_zone))
    ids = Enrolment.objects.filter(
        employee=profile,
        session__start__gte=after,
        status__in=[*SEAT_HOLDING_STATUSES, EnrolmentStatus.WAITLISTED],
    ).values_list("pk", flat=True)
    cancelled = []
    for enrolment_id in list(ids):
        try:
            cancel(employee=profile, enrolment_id=enrolment_id, now=now, leaving=True)
        except EngagementError:
            continue  # decided or started meanwhile: nothing to free
        cancelled.append(enrolment_id)
    return cancelled


def hand_approvals_over(*, leaver: EmployeeProfile) -> list[int]:
    """Pending requests of the leaver's reports now go to the CSR team: tell them."""
    pending = Enrolment.objects.filter(
        employee__manager=leaver, status=EnrolmentStatus.PENDING_APPROVAL
    ).values_list("pk", flat=True)
    handed = list(pending)
    for enrolment_id in handed:
        notifications.enqueue(enrolment_id=enrolment_id, kind="approval_request")
    return handed
