"""What engagement does when the people directory announces a change, and when sessions change
(connected in ready())."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from missions.models import MissionSession
from missions.services.departures import cancel_enrolments_after_leave, hand_approvals_over
from portal import page_cache
from portal.people.signals import person_departed, person_left


@receiver(person_left, dispatch_uid="missions.cancel_enrolments_after_leave")
def on_person_left(sender, profile, leave_date, **kwargs) -> None:
    cancel_enrolments_after_leave(profile=profile, leave_date=leave_date)


@receiver(person_departed, dispatch_uid="missions.hand_approvals_over")
def on_person_departed(sender, profile, **kwargs) -> None:
    hand_approvals_over(leaver=profile)


@receiver(post_save, sender=MissionSession, dispatch_uid="missions.session_saved_bumps_cache")
@receiver(post_delete, sender=MissionSession, dispatch_uid="missions.session_deleted_bumps_cache")
def on_session_changed(sender, **kwargs) -> None:
    """The catalogue's cached order reads sessions: a session added, moved or cancelled
    forgets it (with the rest of the page-tree cache)."""
    page_cache.bump()
