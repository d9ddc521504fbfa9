"""What giving does when the people directory announces a change (connected in ready())."""

from __future__ import annotations

from django.dispatch import receiver

from donations.services.departures import end_pledges_at_leave
from portal.people.signals import person_left


@receiver(person_left, dispatch_uid="donations.end_pledges_at_leave")
def on_person_left(sender, profile, leave_date, **kwargs) -> None:
    end_pledges_at_leave(profile=profile, leave_date=leave_date)
