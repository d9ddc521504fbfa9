"""Reads of the catalogue: lists, seats left, what a user may see."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from missions.models import (
    Cause,
    MissionPage,
    MissionSession,
    Skill,
)
from missions.visibility import company_missions_filter
from portal import page_cache
from portal.tenancy import company_of


def upcoming_missions(*, user, limit: int = 6) -> QuerySet:
    """Visible live missions with a session still to come, soonest first."""
    return (
        MissionPage.objects.live()
        .visible_to(user)
        .with_next_session()
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

    @property
    def is_unfiltered(self) -> bool:
        """No search and no filter: the whole visible catalogue (the sort aside)."""
        return self == MissionFilters(sort=self.sort)


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
        sessions = sessions.with_seats_left().filter(seats_left__gt=0)
    return sessions


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filtered_missions(*, user, filters: MissionFilters) -> QuerySet:
    """Live missions visible to `user` that pass every filter but the full-text query."""
    missions = MissionPage.objects.live().visible_to(user)
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


def ordered_mission_ids(*, user, filters: MissionFilters) -> list[int]:
    """Ids of the filtered list, soonest matching session first (missions without one last).

    Only the sort key is computed over the whole list; the card data (seats, association) is
    read by `cards_for` for the one page shown, so a deep catalogue costs little more. The
    unfiltered list, the one most visits see, comes from the cache (`catalogue_order`).
    """
    if filters.is_unfiltered and page_cache.is_shared():
        return catalogue_order(user)
    missions = filtered_missions(user=user, filters=filters)
    # All the ids in one query rather than a count and then a page: a filtered list is
    # usually short, and at worst as long as the catalogue, whose ids are cheap to carry.
    return list(_soonest_first(missions, filters).values_list("pk", flat=True))


@dataclass(frozen=True)
class _CatalogueOrder:
    ids: list[int]
    # The order holds until the first upcoming session starts (None: no upcoming session).
    valid_until: dt.datetime | None


def catalogue_order(user) -> list[int]:
    """Ids of every live mission `user` may see, soonest upcoming session first, as the
    unfiltered list orders them; read from the cache, so a visit costs no scan of the catalogue.

    The order depends on the company (what it may see), on pages and sessions (their changes
    bump the page-tree version: `portal.page_cache` and `missions.receivers`), and on the
    clock: it holds exactly until the earliest upcoming session starts, then is computed again.
    Only used with a cache every process shares (who sees what is a tenancy decision).
    """
    company = company_of(user)
    now = timezone.now()

    def compute() -> _CatalogueOrder:
        missions = MissionPage.objects.live().filter(
            company_missions_filter(company.pk if company else None)
        )
        rows = list(_soonest_first(missions, MissionFilters()).values_list("pk", "next_start"))
        starts = [start for _, start in rows if start is not None]
        return _CatalogueOrder(ids=[pk for pk, _ in rows], valid_until=min(starts, default=None))

    def fresh(order: _CatalogueOrder) -> bool:
        return order.valid_until is None or now <= order.valid_until

    key = f"catalogue-order:{company.pk if company else 'open'}"
    return page_cache.cached(key, compute, fresh=fresh).ids


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


def cards_for(missions, filters: MissionFilters, *, user=None) -> list[MissionPage]:
    """Card data for one page of results (missions or their ids), in the same order.

    Two plain queries whatever the page's size: the missions with their association, then
    their upcoming sessions that match the filters, with the seats left; each card shows the
    first of them (`next_start`, `next_end`, `next_seats_left`, None without one). Given
    `user`, a mission they may not see is left out (the ids may come from the cache).
    """
    ids = [getattr(m, "pk", m) for m in missions]
    if not ids:
        return []
    pages = MissionPage.objects.filter(pk__in=ids).select_related("association")
    if user is not None:
        pages = pages.live().visible_to(user)
    by_id = {m.pk: m for m in pages}
    sessions = upcoming_sessions_matching(filters).filter(mission_id__in=list(by_id))
    if "seats_left" not in sessions.query.annotations:
        sessions = sessions.with_seats_left()
    first: dict[int, tuple] = {}
    for mission_id, start, end, seats_left in sessions.order_by(
        "mission_id", "start", "pk"
    ).values_list("mission_id", "start", "end", "seats_left"):
        first.setdefault(mission_id, (start, end, seats_left))
    for mission in by_id.values():
        mission.next_start, mission.next_end, mission.next_seats_left = first.get(
            mission.pk, (None, None, None)
        )
    return [by_id[pk] for pk in ids if pk in by_id]


def mission_filter_choices(*, user) -> dict:
    """Options of the list's filters: causes, skills and the cities of visible missions.

    The cities are cached per company under the page-tree version (any page change bumps it).
    """
    company = company_of(user)
    company_id = company.pk if company else None

    def compute() -> list[str]:
        return list(
            MissionPage.objects.live()
            .filter(company_missions_filter(company_id))
            .exclude(Q(city="") | Q(is_remote=True, city=""))
            .order_by("city")
            .values_list("city", flat=True)
            .distinct()
        )

    cities = page_cache.cached(f"catalogue-cities:{company_id or 'open'}", compute)
    return {
        "causes": Cause.objects.order_by("name"),
        "skills": Skill.objects.order_by("name"),
        "cities": cities,
    }
