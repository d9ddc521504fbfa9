"""Reads of the catalogue: lists, seats left, what a user may see."""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from missions.models import (
    SEAT_HOLDING_STATUSES,
    AssociationPage,
    Enrolment,
    MissionPage,
)
from missions.visibility import visible_missions


def annotate_seats(sessions: QuerySet) -> QuerySet:
    """Annotate `seats_taken` and `seats_left` on a MissionSession queryset, in SQL."""
    taken = (
        Enrolment.objects.filter(session=OuterRef("pk"), status__in=SEAT_HOLDING_STATUSES)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return sessions.annotate(
        seats_taken=Coalesce(Subquery(taken, output_field=IntegerField()), Value(0))
    ).annotate(seats_left=Greatest(F("seats") - F("seats_taken"), Value(0)))


def associations_for_index() -> QuerySet:
    return (
        AssociationPage.objects.live()
        .filter(vetting_status=AssociationPage.Vetting.APPROVED)
        .prefetch_related("causes")
        .select_related("logo")
        .order_by("title")
    )


def missions_of_association(*, association: AssociationPage, user) -> QuerySet:
    return visible_missions(
        MissionPage.objects.live().filter(association=association), user
    ).order_by("title")


def upcoming_missions(*, user, limit: int = 6) -> QuerySet:
    """Visible live missions with a session still to come, soonest first."""
    from missions.models import MissionSession

    next_start = (
        MissionSession.objects.filter(mission=OuterRef("pk"), start__gte=timezone.now())
        .order_by("start")
        .values("start")[:1]
    )
    return (
        visible_missions(MissionPage.objects.live(), user)
        .annotate(next_start=Subquery(next_start))
        .filter(next_start__isnull=False)
        .select_related("association")
        .order_by("next_start")[:limit]
    )
