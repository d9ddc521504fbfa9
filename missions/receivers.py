"""What engagement does when the people directory announces a change (connected in ready())."""

from __future__ import annotations

from django.dispatch import receiver

from missions.services.departures import cancel_enrolments_after_leave, hand_approvals_over
from portal.people.signals import person_departed, person_left


@receiver(person_left, dispatch_uid="missions.cancel_enrolments_after_leave")
def on_person_left(sender, profile, leave_date, **kwargs) -> None:
    cancel_enrolments_after_leave(profile=profile, leave_date=leave_date)


@receiver(person_departed, dispatch_uid="missions.hand_approvals_over")
def on_person_departed(sender, profile, **kwargs) -> None:
    hand_approvals_over(leaver=profile)
