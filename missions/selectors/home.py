"""Reads for the employee's home page: next sessions, hours this year, and missions that fit
(scored on the employee's skills and the causes of what they did or gave to)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from missions.models import (
    SEAT_HOLDING_STATUSES,
    EmployeeSkill,
    Enrolment,
    EnrolmentStatus,
    MissionPage,
)
from portal.calendar import fiscal_year_bounds
from portal.models import EmployeeProfile


def next_sessions(employee: EmployeeProfile, *, limit: int = 4) -> list[Enrolment]:
    """The employee's coming sessions (confirmed or waiting for approval), soonest first."""
    return list(
        Enrolment.objects.filter(
            employee=employee,
            status__in=SEAT_HOLDING_STATUSES,
            session__start__gte=timezone.now(),
        )
        .select_related("session__mission__association")
        .order_by("session__start", "pk")[:limit]
    )


def hours_this_year(employee: EmployeeProfile) -> Decimal:
    """Hours attended in the company's current fiscal year (work time or not)."""
    start, end = fiscal_year_bounds(employee.company, timezone.now())
    return Enrolment.objects.filter(
        employee=employee,
        status=EnrolmentStatus.ATTENDED,
        session__start__gte=start,
        session__start__lt=end,
    ).aggregate(total=Coalesce(Sum("hours"), Decimal(0)))["total"]


@dataclass
class Suggestion:
    """A mission that fits, with its score and the words that say why."""

    mission: MissionPage
    score: int
    skills: list[str] = field(default_factory=list)
    joined: list[str] = field(default_factory=list)  # associations volunteered with
    gave_to: list[str] = field(default_factory=list)  # associations given to


# A skill the employee has weighs more than a cause they cared about: it is what the mission asks.
SKILL_WEIGHT = 2
CAUSE_WEIGHT = 1


# Why a cause counts for an employee: (JOINED or GAVE, the association's name).
JOINED = "joined"
GAVE = "gave"


def engaged_causes(employee: EmployeeProfile) -> dict[int, tuple[str, str]]:
    """Causes of the missions the employee enrolled in (not cancelled), each with the mission's
    association as the reason (the latest engagement wins)."""
    through = MissionPage.causes.through
    enrolled = Enrolment.objects.filter(employee=employee).exclude(
        status__in=[EnrolmentStatus.CANCELLED, EnrolmentStatus.DECLINED]
    )
    rows = (
        through.objects.filter(missionpage__sessions__enrolments__in=enrolled)
        .order_by("missionpage__sessions__start")
        .values_list("cause_id", "missionpage__association__title")
    )
    return {cause: (JOINED, title) for cause, title in rows}


def suggested_missions(
    *,
    user,
    employee: EmployeeProfile,
    cause_reasons: dict[int, tuple[str, str]],
    limit: int = 3,
    candidates: int = 60,
) -> list[Suggestion]:
    """Missions with a session to come that the employee is not enrolled in, best fit first.

    Score: SKILL_WEIGHT per skill wanted that the employee has, CAUSE_WEIGHT per cause among
    `cause_reasons` (cause id → how and through which association it came: engagements, gifts). Only
    missions scoring above zero are suggested; a fixed number of soonest candidates is scored,
    in three queries whatever the catalogue's size.
    """
    skills = set(EmployeeSkill.objects.filter(employee=employee).values_list("skill", flat=True))
    if not skills and not cause_reasons:
        return []
    mine = Enrolment.objects.filter(employee=employee, status__in=SEAT_HOLDING_STATUSES)
    missions = list(
        MissionPage.objects.live()
        .visible_to(user)
        .with_next_session()
        .filter(next_start__isnull=False)
        .filter(Q(skills__in=skills) | Q(causes__in=list(cause_reasons)))
        .exclude(sessions__enrolments__in=mine)
        .distinct()
        .select_related("association")
        .prefetch_related("skills", "causes")
        .order_by("next_start", "pk")[:candidates]
    )
    found = []
    for mission in missions:
        wanted = [s for s in mission.skills.all() if s.pk in skills]
        causes = [c for c in mission.causes.all() if c.pk in cause_reasons]
        score = SKILL_WEIGHT * len(wanted) + CAUSE_WEIGHT * len(causes)
        if score:
            why = [cause_reasons[c.pk] for c in causes]
            found.append(
                Suggestion(
                    mission,
                    score,
                    skills=[s.name for s in wanted],
                    joined=sorted({name for kind, name in why if kind == JOINED}),
                    gave_to=sorted({name for kind, name in why if kind == GAVE}),
                )
            )
    found.sort(key=lambda s: -s.score)  # stable: equal scores stay soonest first
    return found[:limit]
