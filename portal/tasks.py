"""Scheduled work of the portal."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="portal.apply_departures")
def apply_departures() -> dict:
    """Daily: announce leave dates that have passed, close accounts after the grace period."""
    from portal.people.departures import apply_departures as apply

    counts = apply()
    return {"departed": counts.departed, "deactivated": counts.deactivated}
