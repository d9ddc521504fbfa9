"""The figure aggregates: what the impact figures read instead of scanning raw rows.

A period is cut into buckets of days, one per calendar month it touches: a whole month, or the
partial edge of a period (a year to date ends on 18 November: 1-17 November is an edge bucket).
Each bucket holds, for one company, its counted gifts per donor, its gifts and matches per
association, its attended hours per employee and mission and its sessions per mission, built by
the same raw queries the reference computation uses (reporting.selectors.metrics with raw=True),
grouped once. The figures then sum or count these rows; distinct counts (volunteers, donors,
missions) stay exact because the rows keep the person and the mission.

Freshness: database triggers (reporting/triggers.py) bump the month's version whenever a gift,
a match or an attended enrolment of that month changes; a bucket built from an older version is
rebuilt from raw rows on read, in one transaction on the primary database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import BigIntegerField, Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, Round

from donations.selectors.giving import (
    CARD_GIFTS,
    KEPT_GIFT_CENTS,
    KEPT_MATCH_CENTS,
    PAYROLL_GIFTS,
    active_matches_of_gifts,
    counted_gifts,
)
from missions.models import Enrolment, EnrolmentStatus
from portal.calendar import add_months, start_of_day
from portal.models import Company
from reporting.models import (
    AssociationFigures,
    FigureBucket,
    FigureMonth,
    GiftFigures,
    MissionFigures,
    VolunteerFigures,
)

# Partial edge buckets are rebuilt for each day a period to date is asked: keep a few days' worth.
EDGE_BUCKETS_KEPT = dt.timedelta(days=2)


@dataclass(frozen=True)
class Buckets:
    """The buckets covering a period: their ids and the month (YYYY-MM) of each."""

    ids: list[int]
    months: dict[int, str]


def spans(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """[start, end) cut at each first of the month."""
    out, cursor = [], start
    while cursor < end:
        following = min(add_months(cursor, 1), end)
        out.append((cursor, following))
        cursor = following
    return out


def buckets_for(company: Company, *ranges: tuple[dt.date, dt.date]) -> tuple[list[Buckets], bool]:
    """The fresh buckets covering each [start, end) range, building missing or stale ones.

    Returns one Buckets per range and whether any bucket was built (the caller then reads the
    primary: a replica may not have the new rows yet). A month no trigger ever marked holds no
    data: it needs no bucket. Two reads when everything is fresh; a constant number of
    statements more when some buckets are built, however many.
    """
    wanted = sorted({span for start, end in ranges for span in spans(start, end)})
    if not wanted:
        return [Buckets([], {}) for _r in ranges], False
    versions = dict(
        FigureMonth.objects.filter(
            company=company, month__in={s.replace(day=1) for s, _e in wanted}
        ).values_list("month", "version")
    )
    wanted = [(s, e) for s, e in wanted if s.replace(day=1) in versions]
    existing = _existing(company, wanted)
    stale = [
        span
        for span in wanted
        if existing.get(span, (None, None))[1] != versions[span[0].replace(day=1)]
    ]
    if stale:
        existing.update(build_buckets(company, stale))
    out = []
    for start, end in ranges:
        ids, months = [], {}
        for span in spans(start, end):
            if span in existing:
                ids.append(existing[span][0])
                months[existing[span][0]] = span[0].strftime("%Y-%m")
        out.append(Buckets(ids, months))
    return out, bool(stale)


def _existing(company: Company, wanted) -> dict[tuple, tuple[int, int]]:
    """(start, end) -> (bucket id, built version) of the company's buckets among `wanted`."""
    if not wanted:
        return {}
    rows = FigureBucket.objects.filter(
        company=company, start__in={s for s, _e in wanted}, end__in={e for _s, e in wanted}
    ).values_list("start", "end", "pk", "built_version")
    return {(s, e): (pk, version) for s, e, pk, version in rows if (s, e) in set(wanted)}


def _insert_select(table: str, columns: list[str], queryset, aliases: list[str]) -> None:
    """INSERT INTO table (columns) SELECT aliases FROM (queryset)."""
    sql, params = queryset.query.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
    select = ", ".join(f"sub.{alias}" for alias in aliases)
    statement = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - fixed names
        f"SELECT {select} FROM ({sql}) sub"
    )
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(statement, params)


def _centihours():
    from reporting.selectors.metrics import HOURS

    return Cast(Round(Sum(HOURS) * 100), BigIntegerField())


def build_buckets(company: Company, spans_: list[tuple[dt.date, dt.date]]) -> dict:
    """(Re)build buckets from raw rows in one transaction, under the lock of their months'
    version rows (a writer bumping a month waits, or is waited for: no change is missed).
    Returns (start, end) -> (bucket id, built version)."""
    from django.utils import timezone

    months = sorted({s.replace(day=1) for s, _e in spans_})
    with transaction.atomic(using=DEFAULT_DB_ALIAS):
        FigureMonth.objects.bulk_create(
            [FigureMonth(company=company, month=m, version=0) for m in months],
            ignore_conflicts=True,
        )
        versions = dict(
            FigureMonth.objects.select_for_update()
            .filter(company=company, month__in=months)
            .order_by("month")
            .values_list("month", "version")
        )
        existing = _existing(company, spans_)
        todo = [
            span
            for span in spans_
            if existing.get(span, (None, None))[1] != versions[span[0].replace(day=1)]
        ]
        if not todo:
            return existing
        # Stale buckets of these spans, and partial edges built a while ago (a period to date
        # makes a new edge every day).
        FigureBucket.objects.filter(
            Q(company=company, pk__in=[existing[span][0] for span in todo if span in existing])
            | Q(company=company, built_at__lt=timezone.now() - EDGE_BUCKETS_KEPT)
            & ~Q(start__day=1, end__day=1)
            & ~Q(pk__in=[pk for pk, _version in existing.values()])
        ).delete()
        buckets = FigureBucket.objects.bulk_create(
            [
                FigureBucket(
                    company=company, start=s, end=e, built_version=versions[s.replace(day=1)]
                )
                for s, e in todo
            ]
        )
        _fill(company, buckets)
        existing.update({(b.start, b.end): (b.pk, b.built_version) for b in buckets})
    return existing


def _fill(company: Company, buckets: list[FigureBucket]) -> None:
    """One INSERT ... SELECT per table for all the buckets: each raw row goes to the bucket of
    its instant (CASE over the buckets' bounds)."""
    bounds = [
        (b.pk, start_of_day(b.start, company.time_zone), start_of_day(b.end, company.time_zone))
        for b in buckets
    ]
    low, high = min(lo for _pk, lo, _hi in bounds), max(hi for _pk, _lo, hi in bounds)

    def bucket_of(field: str):
        return Case(
            *[
                When(**{f"{field}__gte": lo, f"{field}__lt": hi}, then=Value(pk))
                for pk, lo, hi in bounds
            ],
            output_field=BigIntegerField(),
        )

    def within(field: str) -> Q:
        q = Q()
        for _pk, lo, hi in bounds:
            q |= Q(**{f"{field}__gte": lo, f"{field}__lt": hi})
        return q

    gifts = counted_gifts(company=company, start=low, end=high).filter(within("occurred_at"))
    _insert_select(
        GiftFigures._meta.db_table,
        ["bucket_id", "donor_id", "kept_cents", "payroll_cents", "card_cents", "payroll_gifts"],
        gifts.annotate(k_bucket=bucket_of("occurred_at"))
        .values("k_bucket", k_donor=F("donor"))
        .annotate(
            k_kept=Sum(KEPT_GIFT_CENTS),
            k_payroll=Coalesce(Sum(KEPT_GIFT_CENTS, filter=PAYROLL_GIFTS), 0),
            k_card=Coalesce(Sum(KEPT_GIFT_CENTS, filter=CARD_GIFTS), 0),
            k_count=Count("pk", filter=PAYROLL_GIFTS),
        ),
        ["k_bucket", "k_donor", "k_kept", "k_payroll", "k_card", "k_count"],
    )
    columns = ["bucket_id", "association_id", "gifts", "gifts_cents", "matches_cents"]
    _insert_select(
        AssociationFigures._meta.db_table,
        columns,
        gifts.annotate(k_bucket=bucket_of("occurred_at"))
        .values("k_bucket", k_association=F("association"))
        .annotate(k_count=Count("pk"), k_total=Sum(KEPT_GIFT_CENTS), k_zero=Value(0)),
        ["k_bucket", "k_association", "k_count", "k_total", "k_zero"],
    )
    _insert_select(
        AssociationFigures._meta.db_table,
        columns,
        active_matches_of_gifts(gifts=gifts)
        .annotate(k_bucket=bucket_of("donation__occurred_at"))
        .values("k_bucket", k_association=F("association"))
        .annotate(k_count=Value(0), k_zero=Value(0), k_total=Sum(KEPT_MATCH_CENTS)),
        ["k_bucket", "k_association", "k_count", "k_zero", "k_total"],
    )
    enrolments = Enrolment.objects.filter(
        within("session__start"),
        employee__company=company,
        status=EnrolmentStatus.ATTENDED,
        session__start__gte=low,
        session__start__lt=high,
    ).order_by()
    _insert_select(
        VolunteerFigures._meta.db_table,
        ["bucket_id", "employee_id", "mission_id", "centihours"],
        enrolments.annotate(k_bucket=bucket_of("session__start"))
        .values("k_bucket", k_employee=F("employee"), k_mission=F("session__mission"))
        .annotate(k_centihours=_centihours()),
        ["k_bucket", "k_employee", "k_mission", "k_centihours"],
    )
    _insert_select(
        MissionFigures._meta.db_table,
        ["bucket_id", "mission_id", "sessions", "centihours"],
        enrolments.annotate(k_bucket=bucket_of("session__start"))
        .values("k_bucket", k_mission=F("session__mission"))
        .annotate(k_sessions=Count("session", distinct=True), k_centihours=_centihours()),
        ["k_bucket", "k_mission", "k_sessions", "k_centihours"],
    )


def rebuild_all(company: Company | None = None) -> int:
    """Build every whole month that holds data (all companies, or one); returns the count."""
    from reporting.triggers import mark_all_months

    mark_all_months(connections[DEFAULT_DB_ALIAS])
    months = FigureMonth.objects.order_by("company_id", "month")
    if company is not None:
        months = months.filter(company=company)
    count = 0
    companies = {c.pk: c for c in Company.objects.all()}
    by_company: dict[int, list] = {}
    for company_id, month in months.values_list("company_id", "month"):
        by_company.setdefault(company_id, []).append((month, add_months(month, 1)))
    for company_id, wanted in by_company.items():
        build_buckets(companies[company_id], wanted)
        count += len(wanted)
    return count


def gift_rows(buckets: Buckets):
    return GiftFigures.objects.filter(bucket_id__in=buckets.ids).order_by()


def association_rows(buckets: Buckets):
    return AssociationFigures.objects.filter(bucket_id__in=buckets.ids).order_by()


def volunteer_rows(buckets: Buckets):
    return VolunteerFigures.objects.filter(bucket_id__in=buckets.ids).order_by()


def mission_rows(buckets: Buckets):
    return MissionFigures.objects.filter(bucket_id__in=buckets.ids).order_by()
