"""Reads of the CSR officer's tools: the sessions list with counts, and the counts of the to-do."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from missions.models import (
    SEAT_HOLDING_STATUSES,
    Enrolment,
    EnrolmentStatus,
    Feedback,
    MissionSession,
    SessionMessage,
)
from missions.selectors.engagement import visible_missions_for_company
from portal.models import EmployeeProfile

Status = EnrolmentStatus

# How far back "no-shows to chase" and unread feedback look.
RECENT = dt.timedelta(days=30)
# The to-do's "free seats" horizon.
SOON = dt.timedelta(days=14)


def _count(session_filter: Q) -> models.Subquery:
    """A correlated COUNT of the enrolments of the outer session matching `session_filter`."""
    rows = (
        Enrolment.objects.filter(session=models.OuterRef("pk"))
        .filter(session_filter)
        .order_by()
        .values("session")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    return Coalesce(models.Subquery(rows, output_field=models.IntegerField()), models.Value(0))


def officer_sessions(officer: EmployeeProfile) -> QuerySet[MissionSession]:
    """Sessions of the missions the officer's company sees, annotated in one query.

    Seats and the waitlist are the session's (every company's people share them); attendance
    counts are the officer's company's only.
    """
    own = Q(employee__company_id=officer.company_id)
    return (
        MissionSession.objects.filter(
            mission__in=visible_missions_for_company(officer.company_id).values("pk")
        )
        .with_seats_left()
        .annotate(
            waitlisted=_count(Q(status=Status.WAITLISTED)),
            company_seats=_count(own & Q(status__in=SEAT_HOLDING_STATUSES)),
            company_confirmed=_count(own & Q(status=Status.CONFIRMED)),
            company_attended=_count(own & Q(status=Status.ATTENDED)),
            company_no_show=_count(own & Q(status=Status.NO_SHOW)),
            fill_rate=Cast(F("seats_taken"), models.FloatField())
            * 100.0
            / Cast(F("seats"), models.FloatField()),
        )
        .select_related("mission__association")
    )


def attendance_missing(sessions: QuerySet, now: dt.datetime) -> QuerySet:
    """Sessions over, not cancelled, where some of the company's seats are still unmarked."""
    return sessions.filter(end__lte=now, cancelled_at__isnull=True, company_confirmed__gt=0)


def free_seats_soon(sessions: QuerySet, now: dt.datetime) -> QuerySet:
    return sessions.filter(
        start__gt=now, start__lte=now + SOON, cancelled_at__isnull=True, seats_left__gt=0
    )


def with_recent_no_shows(sessions: QuerySet, now: dt.datetime) -> QuerySet:
    return sessions.filter(end__lte=now, end__gte=now - RECENT, company_no_show__gt=0)


@dataclass(frozen=True)
class SessionFilters:
    """What the sessions list is narrowed to; every field optional."""

    period: str = ""  # "upcoming", "soon", "past", "" (all)
    kind: str = ""
    association_id: int | None = None
    free_seats: bool = False
    attendance_missing: bool = False
    no_shows: bool = False
    sort: str = "start"


SORTS = {
    "start": ("start", "pk"),
    "-start": ("-start", "-pk"),
    "fill": ("fill_rate", "start", "pk"),
    "-fill": ("-fill_rate", "start", "pk"),
    "mission": ("mission__title", "start", "pk"),
}


def filtered_sessions(
    officer: EmployeeProfile, filters: SessionFilters, *, now: dt.datetime | None = None
) -> QuerySet[MissionSession]:
    now = now or timezone.now()
    sessions = officer_sessions(officer)
    if filters.period == "upcoming":
        sessions = sessions.filter(start__gt=now)
    elif filters.period == "soon":
        sessions = sessions.filter(start__gt=now, start__lte=now + SOON)
    elif filters.period == "past":
        sessions = sessions.filter(end__lte=now)
    if filters.kind:
        sessions = sessions.filter(mission__kind=filters.kind)
    if filters.association_id:
        sessions = sessions.filter(mission__association_id=filters.association_id)
    if filters.free_seats:
        sessions = sessions.filter(seats_left__gt=0, cancelled_at__isnull=True, start__gt=now)
    if filters.attendance_missing:
        sessions = attendance_missing(sessions, now)
    if filters.no_shows:
        sessions = with_recent_no_shows(sessions, now)
    return sessions.order_by(*SORTS.get(filters.sort, SORTS["start"]))


def associations_of_sessions(officer: EmployeeProfile) -> list[tuple[int, str]]:
    """(id, name) of the associations behind the missions the officer's company sees."""
    rows = (
        visible_missions_for_company(officer.company_id)
        .values_list("association_id", "association__title")
        .distinct()
        .order_by("association__title")
    )
    return [(pk, title) for pk, title in rows if pk]


def recent_feedback(officer: EmployeeProfile, *, since: dt.datetime) -> QuerySet[Feedback]:
    """Feedback of the officer's company's people given since `since`, newest first."""
    return (
        Feedback.objects.filter(
            enrolment__employee__company_id=officer.company_id, created_at__gt=since
        )
        .select_related("enrolment__session__mission")
        .order_by("-created_at", "-pk")
    )


def messages_of(officer: EmployeeProfile, session: MissionSession) -> QuerySet[SessionMessage]:
    """What the officer's company wrote to this session's participants, newest first."""
    return SessionMessage.objects.filter(
        session=session, company_id=officer.company_id
    ).select_related("sent_by__user")


def approvals_waiting(officer: EmployeeProfile) -> QuerySet[Enrolment]:
    """The requests this officer may decide (as a manager, and those left to the CSR team)."""
    from missions.services.enrolment import pending_for

    return pending_for(officer)


def platform_counts() -> dict[str, int]:
    """What a platform admin watches: associations waiting to be vetted, live missions."""
    from missions.models import AssociationPage, MissionPage

    return {
        "associations_to_vet": AssociationPage.objects.filter(
            vetting_status=AssociationPage.Vetting.PENDING
        ).count(),
        "live_missions": MissionPage.objects.live().count(),
        "upcoming_sessions": MissionSession.objects.not_cancelled()
        .filter(start__gt=timezone.now())
        .count(),
    }
