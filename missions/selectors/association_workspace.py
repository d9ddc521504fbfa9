"""The association workspace's reads: sessions, rosters, what needs doing, members."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from missions.models import (
    AssociationInvitation,
    AssociationMembership,
    AssociationPage,
    CompanyFeedback,
    Enrolment,
    EnrolmentStatus,
    MissionSession,
)

Status = EnrolmentStatus
# Who is on an association's roster: people holding, waiting for or having used a seat.
ROSTER_STATUSES = (
    Status.PENDING_APPROVAL,
    Status.CONFIRMED,
    Status.WAITLISTED,
    Status.ATTENDED,
    Status.NO_SHOW,
)
# The association may write to these volunteers: their seat is confirmed (or was used).
CONTACT_STATUSES = (Status.CONFIRMED, Status.ATTENDED, Status.NO_SHOW)
# Whose attendance the association confirms after a session.
TO_CONFIRM_STATUSES = (Status.CONFIRMED, Status.ATTENDED, Status.NO_SHOW)


def sessions_of(association: AssociationPage, *, past: bool, now: dt.datetime | None = None):
    """The association's sessions (every mission that names it), with counts per status."""
    now = now or timezone.now()
    when = Q(start__lte=now) if past else Q(start__gt=now)
    awaiting = Q(
        enrolments__status__in=TO_CONFIRM_STATUSES,
        enrolments__association_confirmed_at__isnull=True,
    )
    return (
        MissionSession.objects.filter(when, mission__association=association)
        .select_related("mission")
        .annotate(
            n_confirmed=Count("enrolments", filter=Q(enrolments__status=Status.CONFIRMED)),
            n_waiting=Count(
                "enrolments",
                filter=Q(enrolments__status__in=(Status.PENDING_APPROVAL, Status.WAITLISTED)),
            ),
            n_attended=Count("enrolments", filter=Q(enrolments__status=Status.ATTENDED)),
            n_no_show=Count("enrolments", filter=Q(enrolments__status=Status.NO_SHOW)),
            n_awaiting=Count("enrolments", filter=awaiting),
        )
        .order_by("-start" if past else "start")
    )


def session_of(association: AssociationPage, session_id: int) -> MissionSession | None:
    return (
        MissionSession.objects.select_related("mission")
        .filter(pk=session_id, mission__association=association)
        .first()
    )


def roster(session: MissionSession) -> QuerySet[Enrolment]:
    """Who is coming (or came): name, company, status; by company then name."""
    return (
        Enrolment.objects.filter(session=session, status__in=ROSTER_STATUSES)
        .select_related(
            "employee__user",
            "employee__company",
            "association_feedback",
            "association_confirmed_by",
        )
        .order_by("employee__company__name", "employee__user__last_name", "employee__user__email")
    )


def companies_at(session: MissionSession) -> list:
    """The companies whose people came to a session (or whose mission it is), for feedback."""
    from portal.models import Company

    ids = set(
        Enrolment.objects.filter(
            session=session, status__in=(Status.ATTENDED, Status.NO_SHOW)
        ).values_list("employee__company_id", flat=True)
    )
    if session.mission.company_id:
        ids.add(session.mission.company_id)
    feedback = {
        f.company_id: f
        for f in CompanyFeedback.objects.filter(
            session=session, association_id=session.mission.association_id
        )
    }
    companies = list(Company.objects.filter(pk__in=ids).order_by("name"))
    for company in companies:
        company.association_feedback_given = feedback.get(company.pk)
    return companies


@dataclass
class ToDo:
    """What needs doing in the workspace, for its home page."""

    to_confirm: list[MissionSession]
    upcoming: list[MissionSession]
    pending_invitations: int


def to_do(association: AssociationPage, *, now: dt.datetime | None = None) -> ToDo:
    now = now or timezone.now()
    past = sessions_of(association, past=True, now=now).filter(cancelled_at__isnull=True)
    upcoming = sessions_of(association, past=False, now=now).filter(
        cancelled_at__isnull=True, start__lte=now + dt.timedelta(days=14)
    )
    return ToDo(
        to_confirm=[s for s in past[:50] if s.n_awaiting],
        upcoming=list(upcoming[:20]),
        pending_invitations=pending_invitations(association, now=now).count(),
    )


def members_of(association: AssociationPage) -> QuerySet[AssociationMembership]:
    return (
        AssociationMembership.objects.filter(association=association, is_active=True)
        .select_related("user")
        .order_by("user__email")
    )


def pending_invitations(
    association: AssociationPage, *, now: dt.datetime | None = None
) -> QuerySet[AssociationInvitation]:
    now = now or timezone.now()
    return AssociationInvitation.objects.filter(
        association=association,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    ).order_by("email")


def association_roster_for_officer(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """The CSR roster's enrolments with what the association said (confirmation, feedback)."""
    return enrolments.select_related("association_confirmed_by", "association_feedback")


def company_feedback_for(*, company_id: int, session: MissionSession) -> QuerySet:
    return CompanyFeedback.objects.filter(company_id=company_id, session=session).select_related(
        "association"
    )


__all__ = [
    "CONTACT_STATUSES",
    "ToDo",
    "companies_at",
    "company_feedback_for",
    "members_of",
    "pending_invitations",
    "roster",
    "session_of",
    "sessions_of",
    "to_do",
]


def enrolment_of(association: AssociationPage, enrolment_id: int) -> Enrolment | None:
    """One enrolment in a session of the association's missions (with its feedback)."""
    return (
        Enrolment.objects.filter(pk=enrolment_id, session__mission__association=association)
        .select_related("employee__user", "employee__company", "session__mission")
        .select_related("association_feedback")
        .first()
    )
