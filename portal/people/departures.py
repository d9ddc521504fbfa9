"""Leavers over time: who has left, the grace period, and the daily task's work.

A leave date is announced once when recorded (`person_left`: the apps stop what comes after it).
When the date has passed, the daily task announces `person_departed` once (the apps hand the
leaver's pending approvals to the CSR team) and, after `CORDEE_LEAVER_GRACE_DAYS`, deactivates
the account. During the grace period the leaver can sign in to download their statements and
data, and the apps refuse anything new. A re-hire (`person_returned`) reactivates the account.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.dispatch import receiver
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.calendar import company_today
from portal.models import Company, EmployeeProfile
from portal.people.signals import person_departed, person_returned


def grace_days() -> int:
    return int(getattr(settings, "CORDEE_LEAVER_GRACE_DAYS", 30))


def has_left(profile: EmployeeProfile, today: dt.date | None = None) -> bool:
    """Whether the person's last day is behind them (in their company's time zone)."""
    if profile.leave_date is None:
        return False
    return profile.leave_date < (today or company_today(profile.company))


def leaver_message(profile: EmployeeProfile) -> str:
    """What a leaver is told when they try something new during the grace period."""
    return _(
        "You left %(company)s on %(date)s: nothing new can be started. You can still download "
        "your statements and your data until your account closes."
    ) % {"company": profile.company.name, "date": date_format(profile.leave_date)}


@dataclasses.dataclass
class DepartureCounts:
    departed: int = 0
    deactivated: int = 0


def apply_departures(*, company: Company | None = None) -> DepartureCounts:
    """The daily task's work (idempotent): announce reached leave dates, close accounts."""
    counts = DepartureCounts()
    companies = [company] if company else list(Company.objects.all())
    User = get_user_model()
    for each in companies:
        today = company_today(each)
        due = EmployeeProfile.objects.filter(
            company=each, leave_date__lt=today, departure_applied_on__isnull=True
        ).values_list("pk", flat=True)
        for profile_id in due:
            with transaction.atomic():
                profile = (
                    EmployeeProfile.objects.select_for_update(of=("self",))
                    .select_related("company", "user")
                    .get(pk=profile_id)
                )
                if not has_left(profile, today) or profile.departure_applied_on is not None:
                    continue  # re-hired or handled meanwhile
                person_departed.send(sender=EmployeeProfile, profile=profile)
                profile.departure_applied_on = today
                profile.save(update_fields=["departure_applied_on", "updated_at"])
                counts.departed += 1
        closing = today - dt.timedelta(days=grace_days())
        counts.deactivated += User.objects.filter(
            profile__company=each, profile__leave_date__lt=closing, is_active=True
        ).update(is_active=False)
    return counts


@receiver(person_returned, dispatch_uid="portal.reopen_returning_person")
def reopen_returning_person(sender, profile: EmployeeProfile, **kwargs) -> None:
    """A re-hire signs in again; nothing they had is restarted by itself."""
    EmployeeProfile.objects.filter(pk=profile.pk).update(departure_applied_on=None)
    profile.departure_applied_on = None
    if not profile.user.is_active:
        profile.user.is_active = True
        profile.user.save(update_fields=["is_active"])
