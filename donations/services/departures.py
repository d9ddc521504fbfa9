"""Giving when a person leaves: the round-up stops after the leave date's month."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from donations.models import Pledge
from donations.services.audit import log_action
from portal.calendar import add_months, month_of
from portal.models import EmployeeProfile


@transaction.atomic
def end_pledges_at_leave(*, profile: EmployeeProfile, leave_date: dt.date) -> list[int]:
    """End the leaver's pledges after the month of their last day (idempotent).

    The last payslip (the leave date's month) is still deducted; no month after it is. The rows,
    and so the consent records, are kept: only `end_month` moves, and each change is audited.
    """
    end = add_months(month_of(leave_date), 1)
    ended = []
    pledges = Pledge.objects.select_for_update().filter(
        Q(end_month__isnull=True) | Q(end_month__gt=end), employee=profile
    )
    for pledge in pledges:
        previous = pledge.end_month
        pledge.end_month = max(end, pledge.start_month)
        pledge.save(update_fields=["end_month", "updated_at"])
        log_action(
            action="pledge.ended_by_departure",
            obj=pledge,
            company=profile.company,
            data={
                "leave_date": leave_date.isoformat(),
                "end_month": pledge.end_month.isoformat(),
                "previous_end_month": previous.isoformat() if previous else None,
            },
        )
        ended.append(pledge.pk)
    return ended
