"""Reads of the catalogue: lists, seats left, what a user may see."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from missions.models import (
    SEAT_HOLDING_STATUSES,
    AssociationPage,
    Cause,
    Enrolment,
    Feedback,
    MissionPage,
    MissionSession,
    Skill,
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


def feedback_of(enrolments: QuerySet) -> QuerySet:
    """The feedback given on these enrolments."""
    return Feedback.objects.filter(enrolment__in=enrolments.values("pk")).order_by()


def associations_for_index() -> QuerySet:
    return (
        AssociationPage.objects.accepting_gifts()
        .prefetch_related("causes")
        .select_related("logo")
        .order_by("title")
    )


def missions_of_association(*, association: AssociationPage, user) -> QuerySet:
    """The association's missions this user may see, soonest session first."""
    return (
        with_next_session(
            visible_missions(MissionPage.objects.live().filter(association=association), user)
        )
        .select_related("association")
        .order_by(F("next_start").asc(nulls_last=True), "title")
    )


def upcoming_missions(*, user, limit: int = 6) -> QuerySet:
    """Visible live missions with a session still to come, soonest first."""
    return (
        with_next_session(visible_missions(MissionPage.objects.live(), user))
        .filter(next_start__isnull=False)
        .select_related("association")
        .order_by("next_start", "title")[:limit]
    )


def catalogue_causes() -> list[Cause]:
    return sorted_by_name(Cause.objects.all())


def sorted_by_name(items: Iterable) -> list:
    """Sorted as a French reader expects: "Éducation" among the E, not after "Z"."""
    return sorted(items, key=lambda item: _collation_key(item.name))


def _collation_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# --- The mission list: filters, search, cards -------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MissionFilters:
    """What a visitor asked the mission list for; every field is optional."""

    query: str = ""
    cause: Cause | None = None
    skill: Skill | None = None
    kind: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    city: str = ""
    remote_only: bool = False
    seats_left_only: bool = False
    sort: str = "date"  # "date" or "relevance" (relevance only applies with a query)

    @property
    def orders_by_relevance(self) -> bool:
        return bool(self.query) and self.sort == "relevance"


def upcoming_sessions_matching(filters: MissionFilters) -> QuerySet:
    """Sessions still to come and not cancelled that pass the date range and seats filters.

    A mission matches the list when one of these sessions belongs to it, and its card shows the
    first of them: the date and seats the visitor asked about, not merely the next session.
    """
    sessions = MissionSession.objects.not_cancelled().filter(start__gte=timezone.now())
    if filters.date_from:
        sessions = sessions.filter(start__gte=_start_of_day(filters.date_from))
    if filters.date_to:
        sessions = sessions.filter(start__lt=_start_of_day(filters.date_to + dt.timedelta(days=1)))
    if filters.seats_left_only:
        sessions = annotate_seats(sessions).filter(seats_left__gt=0)
    return sessions


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def with_next_session(missions: QuerySet, sessions: QuerySet | None = None) -> QuerySet:
    """Annotate `next_start`, `next_end` and `next_seats_left` from the first of `sessions`.

    One correlated subquery per value, so a page of cards costs one query whatever its size.
    """
    if sessions is None:
        sessions = MissionSession.objects.not_cancelled().filter(start__gte=timezone.now())
    first = annotate_seats(sessions.filter(mission=OuterRef("pk"))).order_by("start", "pk")
    return missions.annotate(
        next_start=Subquery(first.values("start")[:1]),
        next_end=Subquery(first.values("end")[:1]),
        next_seats_left=Subquery(first.values("seats_left")[:1], output_field=IntegerField()),
    )


def filtered_missions(*, user, filters: MissionFilters) -> QuerySet:
    """Live missions visible to `user` that pass every filter but the full-text query."""
    missions = visible_missions(MissionPage.objects.live(), user)
    if filters.cause is not None:
        missions = missions.filter(causes=filters.cause)
    if filters.skill is not None:
        missions = missions.filter(skills=filters.skill)
    if filters.kind:
        missions = missions.filter(kind=filters.kind)
    if filters.remote_only:
        missions = missions.filter(is_remote=True)
    elif filters.city:
        missions = missions.filter(city__iexact=filters.city)
    if filters.date_from or filters.date_to or filters.seats_left_only:
        sessions = upcoming_sessions_matching(filters)
        missions = missions.filter(Exists(sessions.filter(mission=OuterRef("pk"))))
    return missions


def ordered_mission_ids(*, user, filters: MissionFilters) -> QuerySet:
    """Ids of the filtered list, soonest matching session first (missions without one last).

    Only the sort key is computed over the whole list; the card data (seats, association) is
    read by `cards_for` for the one page shown, so a deep catalogue costs little more.
    """
    missions = filtered_missions(user=user, filters=filters)
    return _soonest_first(missions, filters).values_list("pk", flat=True)


def _soonest_first(missions: QuerySet, filters: MissionFilters) -> QuerySet:
    first_start = (
        upcoming_sessions_matching(filters)
        .filter(mission=OuterRef("pk"))
        .order_by("start")
        .values("start")[:1]
    )
    # Expressions, not field names: Wagtail's search accepts them on the database backends.
    return missions.annotate(next_start=Subquery(first_start)).order_by(
        F("next_start").asc(nulls_last=True), F("title").asc(), F("pk").asc()
    )


def card_queryset(missions: QuerySet, filters: MissionFilters) -> QuerySet:
    return with_next_session(missions, upcoming_sessions_matching(filters)).select_related(
        "association"
    )


def search_missions(*, user, filters: MissionFilters, partial: bool = False):
    """Wagtail search over the filtered missions; returns search results (count and slices).

    The filters run in the ORM first, and the search sees them as a set of ids: Wagtail's search
    backends only accept filters on indexed FilterFields, and an id set works with all of them.
    The database backend turns it into a subquery, so no id list travels through Python.
    `partial` matches words by their beginning (Wagtail's autocomplete on titles), the fallback
    when whole words find nothing (no stemming on SQLite: "entretien" misses "entretiens").
    """
    ids = filtered_missions(user=user, filters=filters).values("pk")
    searchable = MissionPage.objects.filter(pk__in=ids)
    if not filters.orders_by_relevance:
        searchable = _soonest_first(searchable, filters)
    search = searchable.autocomplete if partial else searchable.search
    return search(filters.query, order_by_relevance=filters.orders_by_relevance)


def cards_for(missions, filters: MissionFilters) -> list[MissionPage]:
    """Card data for one page of results (missions or their ids), in the same order, one query."""
    ids = [getattr(m, "pk", m) for m in missions]
    by_id = {m.pk: m for m in card_queryset(MissionPage.objects.filter(pk__in=ids), filters)}
    return [by_id[pk] for pk in ids if pk in by_id]


def mission_filter_choices(*, user) -> dict:
    """Options of the list's filters: causes, skills and the cities of visible missions."""
    cities = (
        visible_missions(MissionPage.objects.live(), user)
        .exclude(Q(city="") | Q(is_remote=True, city=""))
        .order_by("city")
        .values_list("city", flat=True)
        .distinct()
    )
    return {
        "causes": Cause.objects.order_by("name"),
        "skills": Skill.objects.order_by("name"),
        "cities": cities,
    }
