"""Reads of engagement: an employee's engagements, approvals, CSR rosters and counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from missions.models import Enrolment, EnrolmentStatus, Feedback, MissionPage, MissionSession
from missions.visibility import company_missions_filter
from portal.models import EmployeeProfile

Status = EnrolmentStatus


@dataclass
class Engagements:
    upcoming: list[Enrolment] = field(default_factory=list)
    pending: list[Enrolment] = field(default_factory=list)
    waitlisted: list[Enrolment] = field(default_factory=list)
    past: list[Enrolment] = field(default_factory=list)
    closed: list[Enrolment] = field(default_factory=list)


def engagements_of(employee: EmployeeProfile, *, now: dt.datetime | None = None) -> Engagements:
    now = now or timezone.now()
    result = Engagements()
    enrolments = (
        Enrolment.objects.filter(employee=employee)
        .select_related("session__mission__association", "feedback")
        .order_by("session__start")
    )
    for enrolment in enrolments:
        started = enrolment.session.start <= now
        if enrolment.status in (Status.ATTENDED, Status.NO_SHOW) or (
            enrolment.status == Status.CONFIRMED and started
        ):
            result.past.append(enrolment)
        elif enrolment.status == Status.CONFIRMED:
            result.upcoming.append(enrolment)
        elif enrolment.status == Status.PENDING_APPROVAL:
            result.pending.append(enrolment)
        elif enrolment.status == Status.WAITLISTED and not started:
            result.waitlisted.append(enrolment)
        else:
            result.closed.append(enrolment)
    result.past.reverse()
    return result


def visible_missions_for_company(company_id: int) -> QuerySet:
    return MissionPage.objects.filter(company_missions_filter(company_id))


def officer_mission(officer: EmployeeProfile, mission_id: int) -> MissionPage | None:
    """A mission the officer may follow: their company's own, or one open to all."""
    # `id`, not `pk`: a page's pk is its parent link, whose lookup lets an id beyond the
    # column's range reach the database (500); `id` is the page's own integer field, whose
    # lookup answers "no such row" for it.
    return (
        visible_missions_for_company(officer.company_id)
        .select_related("association")
        .filter(id=mission_id)
        .first()
    )


def officer_session(officer: EmployeeProfile, session_id: int) -> MissionSession | None:
    return (
        MissionSession.objects.select_related("mission__association")
        .filter(pk=session_id, mission__in=visible_missions_for_company(officer.company_id))
        .first()
    )


def sessions_overview(officer: EmployeeProfile, mission: MissionPage) -> list[MissionSession]:
    """The mission's sessions with counts per status, for the officer's company's employees."""
    company_filter = Q(enrolments__employee__company_id=officer.company_id)
    counts = {
        f"n_{status}": Count("enrolments", filter=company_filter & Q(enrolments__status=status))
        for status in Status.values
    }
    sessions = list(
        MissionSession.objects.filter(mission=mission).annotate(**counts).order_by("start")
    )
    for session in sessions:
        session.no_show_rate = no_show_rate(session.n_attended, session.n_no_show)
    return sessions


def no_show_rate(attended: int, no_show: int) -> float | None:
    total = attended + no_show
    return round(100 * no_show / total, 1) if total else None


def roster(officer: EmployeeProfile, session: MissionSession) -> QuerySet:
    """The officer's company's enrolments in one session, by status then name."""
    return (
        Enrolment.objects.filter(session=session, employee__company_id=officer.company_id)
        .select_related(
            "employee__user", "feedback", "association_confirmed_by", "association_feedback"
        )
        .order_by("status", "employee__user__last_name", "employee__user__email")
    )


def mission_enrolments(officer: EmployeeProfile, mission: MissionPage) -> QuerySet:
    return (
        Enrolment.objects.filter(session__mission=mission, employee__company_id=officer.company_id)
        .select_related("employee__user", "session")
        .order_by("session__start", "status", "employee__user__email")
    )


def officer_missions(officer: EmployeeProfile, *, now: dt.datetime | None = None) -> QuerySet:
    """Missions the officer follows: their company's, and open ones their people enrolled in;
    each once (filtered by subquery, not by a join that repeats a mission per enrolment), with
    its number of sessions, next session and the company's enrolments."""
    now = now or timezone.now()
    enrolled_in = Enrolment.objects.filter(employee__company_id=officer.company_id).values(
        "session__mission_id"
    )
    sessions = MissionSession.objects.filter(mission=OuterRef("pk")).order_by()
    company_enrolments = (
        Enrolment.objects.filter(
            session__mission=OuterRef("pk"), employee__company_id=officer.company_id
        )
        .exclude(status__in=(Status.CANCELLED, Status.DECLINED, Status.EXPIRED))
        .order_by()
        .values("session__mission")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        visible_missions_for_company(officer.company_id)
        .filter(Q(company_id=officer.company_id) | Q(id__in=enrolled_in))
        .annotate(
            n_sessions=Coalesce(
                Subquery(
                    sessions.values("mission").annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            next_start=Subquery(
                sessions.filter(start__gt=now, cancelled_at__isnull=True)
                .order_by("start")
                .values("start")[:1]
            ),
            n_enrolments=Coalesce(Subquery(company_enrolments, output_field=IntegerField()), 0),
        )
        .select_related("association")
        .order_by("title", "association__title", "id")
    )


def feedback_of(enrolments: QuerySet) -> QuerySet:
    """The feedback given on these enrolments."""
    return Feedback.objects.filter(enrolment__in=enrolments.values("pk")).order_by()
