"""The reads of personal data: a person's exports, a company's leavers and their purge date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from portal.calendar import company_today
from portal.models import Company, EmployeeProfile, PersonalDataExport, PrivacyAuditEntry


def exports_of(profile: EmployeeProfile) -> QuerySet[PersonalDataExport]:
    return PersonalDataExport.objects.filter(profile=profile, expires_at__gt=timezone.now())


def downloadable_export(*, user, export_id: int) -> PersonalDataExport | None:
    """The user's own ready, unexpired export; anyone else's (an officer's too) is None."""
    return (
        PersonalDataExport.objects.filter(
            pk=export_id,
            profile__user=user,
            status=PersonalDataExport.Status.READY,
            expires_at__gt=timezone.now(),
        )
        .select_related("profile__company")
        .first()
    )


@dataclass
class Leaver:
    profile: EmployeeProfile
    leave_date: dt.date
    purge_on: dt.date


def leavers_of(company: Company) -> list[Leaver]:
    """The company's people past their leave date and not erased yet, with their purge date."""
    from portal.privacy.services import months_after, retention_months

    # Without a subject (an account's erasure) the id is NULL, and NOT IN (…, NULL) is never true.
    erased = PrivacyAuditEntry.objects.filter(
        action=PrivacyAuditEntry.Action.ERASURE, subject__isnull=False
    ).values("subject_id")
    months = retention_months(company)
    profiles = (
        EmployeeProfile.objects.filter(company=company, leave_date__lt=company_today(company))
        .exclude(pk__in=erased)
        .select_related("user")
        .order_by("leave_date", "pk")
    )
    return [
        Leaver(
            profile=profile,
            leave_date=profile.leave_date,
            purge_on=months_after(profile.leave_date, months),
        )
        for profile in profiles
    ]


def erasure_log_of(company: Company, *, limit: int = 50) -> QuerySet[PrivacyAuditEntry]:
    return PrivacyAuditEntry.objects.filter(
        company=company,
        action__in=[PrivacyAuditEntry.Action.ERASURE, PrivacyAuditEntry.Action.ERASURE_REFUSED],
    )[:limit]
