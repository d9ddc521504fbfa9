"""Each employee's private calendar feed token: created on demand, revoked by replacing it."""

from __future__ import annotations

import secrets

from missions.models import CalendarFeed
from portal.models import EmployeeProfile


def feed_of(employee: EmployeeProfile) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(
        employee=employee, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


def revoke_feed(employee: EmployeeProfile) -> CalendarFeed:
    """A new token: subscriptions using the old URL stop receiving anything."""
    feed = feed_of(employee)
    feed.token = secrets.token_urlsafe(32)
    feed.save(update_fields=["token", "created_at"])
    return feed


def employee_for_token(token: str) -> EmployeeProfile | None:
    if not token or len(token) > 64:
        return None
    feed = CalendarFeed.objects.select_related("employee__user").filter(token=token).first()
    return feed.employee if feed else None
