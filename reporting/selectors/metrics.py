"""Impact metrics of one company over one period, aggregated in SQL, as a JSON-ready dict.

Every figure comes from an aggregate query (aggregate / values().annotate()); Python only
combines a handful of aggregated rows (allocating a mission's hours across its causes, merging
hours and money per association). Hours are carried as integer hundredths so that breakdowns
sum exactly to their totals. Money is integer cents in the company's currency.

company_metrics reads the figure aggregates (reporting/aggregates.py: gifts per donor, money per
association, hours per employee and mission, per month or partial edge of a period) instead of
the raw gifts, matches and enrolments; company_metrics(raw=True) computes the same dict from the
raw rows, the reference tests/reporting/test_figure_aggregates.py holds the aggregates to.
Feedback, skills valuation, headcount, pledges, company gifts, declared hours and campaigns are
still read from their own (small or per-person) tables.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections import Counter, defaultdict
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Avg, Count, DecimalField, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.selectors.campaigns import campaign_results
from donations.selectors.company_gifts import SKILLS_GIFT_KIND, company_gifts_total_cents
from donations.selectors.giving import (
    CARD_GIFTS,
    PAYROLL_GIFTS,
    active_matches_of_gifts,
    counted_gifts,
    pledges_in_force,
)
from missions.models import (
    WORK_TIME_KINDS,
    AssociationPage,
    Enrolment,
    EnrolmentStatus,
    MissionKind,
    MissionPage,
    SustainableDevelopmentGoal,
)
from missions.selectors.community import approved_self_reported_totals
from missions.selectors.engagement import feedback_of
from portal.db_routing import primary_reads, reads_from_replica
from portal.models import Company, EmployeeProfile
from portal.people.employment import employed_during
from portal.people.pay import skills_valuation_total_cents
from reporting.aggregates import (
    Buckets,
    association_rows,
    buckets_for,
    gift_rows,
    mission_rows,
    volunteer_rows,
)
from reporting.periods import Period

HOURS = Coalesce(
    "hours", Value(Decimal(0)), output_field=DecimalField(max_digits=12, decimal_places=2)
)
UNCLASSIFIED = "__none__"
QUOTE_LIMIT = 12
TOP_LIMIT = 10

# A partly refunded gift counts for what the association keeps; a match for what is not reversed.
KEPT_GIFT = F("amount_cents") - F("refunded_cents")
KEPT_MATCH = F("amount_cents") - F("reversed_cents")


def centihours(value) -> int:
    """Hours (Decimal or None) as integer hundredths of an hour."""
    return int((Decimal(value or 0) * 100).quantize(Decimal(1)))


def as_hours(value: int) -> float:
    return round(value / 100, 2)


def split_evenly(total: int, keys: list) -> dict:
    """Share an integer among keys so the shares sum to the total (largest remainder)."""
    if not keys:
        return {}
    base, rest = divmod(total, len(keys))
    return {key: base + (1 if i < rest else 0) for i, key in enumerate(keys)}


def _ratio(part, whole) -> float:
    return round(part / whole, 4) if whole else 0.0


# --------------------------------------------------------------------------------------------
# Query building blocks


def attended(company: Company, start: dt.datetime, end: dt.datetime):
    """Attended enrolments of the company's employees in sessions starting in [start, end)."""
    return Enrolment.objects.filter(
        employee__company=company,
        status=EnrolmentStatus.ATTENDED,
        session__start__gte=start,
        session__start__lt=end,
    ).order_by()


def _money_queries(company: Company, start: dt.datetime, end: dt.datetime):
    donations = counted_gifts(company=company, start=start, end=end)
    return donations, active_matches_of_gifts(gifts=donations)


def _skills_valuation(company: Company, enrolments) -> int:
    """Attended skills-sponsorship hours at cost price: each person's pay on the session's day
    (capped at 3 x PSS), or the company's flat hourly rate for people without pay data."""
    tz = ZoneInfo(company.time_zone)
    items = [
        (employee_id, hours, start.astimezone(tz).date())
        for employee_id, hours, start in enrolments.filter(
            session__mission__kind=MissionKind.SKILLS_SPONSORSHIP, hours__gt=0
        ).values_list("employee_id", "hours", "session__start")
    ]
    return skills_valuation_total_cents(company, items)


# --------------------------------------------------------------------------------------------
# Headline figures


def _raw_facts(company: Company, period: Period, staff, active) -> dict:
    """The data-dependent headline figures, from the raw rows (the reference)."""
    start, end = period.bounds(company.time_zone)
    enrolments = attended(company, start, end)
    totals = enrolments.aggregate(
        sum_hours=Sum(HOURS),
        volunteers=Count("employee", distinct=True),
        sessions=Count("session", distinct=True),
        missions=Count("session__mission", distinct=True),
        work_time_hours=Sum(
            HOURS,
            filter=Q(
                session__mission__kind__in=WORK_TIME_KINDS, session__mission__on_work_time=True
            ),
        ),
        skills_hours=Sum(HOURS, filter=Q(session__mission__kind=MissionKind.SKILLS_SPONSORSHIP)),
    )
    donations, matches = _money_queries(company, start, end)
    agg = donations.aggregate(
        total=Sum(KEPT_GIFT),
        payroll=Sum(KEPT_GIFT, filter=PAYROLL_GIFTS),
        card=Sum(KEPT_GIFT, filter=CARD_GIFTS),
        donors=Count("donor", distinct=True),
    )
    # Donor-months with a payroll gift: the denominator of the average monthly round-up.
    roundup_months = (
        donations.filter(PAYROLL_GIFTS)
        .annotate(month=TruncMonth("occurred_at", tzinfo=ZoneInfo(company.time_zone)))
        .values("donor", "month")
        .distinct()
        .count()
    )
    # Participants: attended a session, gave, or had a pledge in force during the period.
    profile = OuterRef("pk")
    participation = (
        Q(Exists(enrolments.filter(employee=profile)))
        | Q(Exists(donations.filter(donor=profile)))
        | Q(Exists(active.filter(employee=profile)))
    )
    return {
        "hours": centihours(totals["sum_hours"]),
        "work_time": centihours(totals["work_time_hours"]),
        "skills": centihours(totals["skills_hours"]),
        "volunteers": totals["volunteers"] or 0,
        "sessions": totals["sessions"] or 0,
        "missions": totals["missions"] or 0,
        "donations": agg["total"] or 0,
        "payroll": agg["payroll"] or 0,
        "card": agg["card"] or 0,
        "donors": agg["donors"] or 0,
        "roundup_months": roundup_months,
        "matched": matches.aggregate(total=Sum(KEPT_MATCH))["total"] or 0,
        "participants": staff.filter(participation).count(),
        "supported": len(_supported_association_ids(enrolments, donations)),
        # GRI 413-1 reads "operations" as the company's sites.
        "sites_engaged": (
            enrolments.exclude(employee__site="").values("employee__site").distinct().count()
        ),
    }


def _aggregated_facts(company: Company, period: Period, staff, active, buckets: Buckets) -> dict:
    """The same figures as _raw_facts, from the figure aggregates of the period's buckets."""
    rows = _rows_of(company, buckets)
    hours = work_time = skills = 0
    for _bucket, _employee, mission, amount in rows.volunteers:
        kind, on_work_time, _association = rows.missions[mission]
        hours += amount
        if kind in WORK_TIME_KINDS and on_work_time:
            work_time += amount
        if kind == MissionKind.SKILLS_SPONSORSHIP:
            skills += amount
    volunteers = set(rows.volunteers.columns[1])
    donors = set(rows.gifts.columns[1])
    associations = association_rows(buckets)
    supported = {rows.missions[mission][2] for mission in set(rows.volunteers.columns[2])}
    supported |= set(
        associations.filter(gifts__gt=0).values_list("association", flat=True).distinct()
    )
    pledgers = set(active.values_list("employee", flat=True))
    people = set(staff.values_list("pk", flat=True))
    return {
        "hours": hours,
        "work_time": work_time,
        "skills": skills,
        "volunteers": len(volunteers),
        "sessions": mission_rows(buckets).aggregate(n=Sum("sessions"))["n"] or 0,
        "missions": len(set(rows.volunteers.columns[2])),
        "donations": sum(rows.gifts.columns[2]),
        "payroll": sum(rows.gifts.columns[3]),
        "card": sum(rows.gifts.columns[4]),
        "donors": len(donors),
        "roundup_months": sum(1 for count in rows.gifts.columns[5] if count > 0),
        "matched": associations.aggregate(total=Sum("matches_cents"))["total"] or 0,
        "participants": len(people & (volunteers | donors | pledgers)),
        "supported": len(supported),
        "sites_engaged": len({rows.people[e][0] for e in volunteers} - {""}),
    }


def _kpis(company: Company, period: Period, buckets: Buckets | None = None) -> dict:
    start, end = period.bounds(company.time_zone)
    enrolments = attended(company, start, end)
    # The people employed at some point of the period, not today's directory.
    staff = employed_during(company, period.start, period.end)
    headcount = staff.count()
    active = pledges_in_force(company=company, start=period.start, end=period.end)
    pledgers = active.values("employee").distinct().count()
    if buckets is None:
        facts = _raw_facts(company, period, staff, active)
    else:
        facts = _aggregated_facts(company, period, staff, active, buckets)
    money = {key: facts[key] for key in ("payroll", "card", "donations", "donors")}
    money["roundup_months"] = facts["roundup_months"]
    matched = facts["matched"]
    participants = facts["participants"]
    sites_total = staff.exclude(site="").values("site").distinct().count()
    sites_engaged = facts["sites_engaged"]
    hours, work_time, skills = facts["hours"], facts["work_time"], facts["skills"]
    hours_per_day = Decimal(company.hours_per_day)
    work_time_days = float((Decimal(work_time) / 100 / hours_per_day).quantize(Decimal("0.1")))
    quota_days = float(
        (Decimal(headcount) * company.yearly_quota_days * Decimal(_year_share(period))).quantize(
            Decimal("0.1")
        )
    )
    feedback = _feedback_summary(enrolments)
    # Hours employees did on their own with an association, once approved: beside the hours of
    # attended sessions (not inside them, whose breakdowns by kind, cause and site add up).
    declared = approved_self_reported_totals(company, period.start, period.end)
    self_reported = centihours(declared["hours"])
    return {
        "headcount": headcount,
        "participants": participants,
        "participation_rate": _ratio(participants, headcount),
        "volunteers": facts["volunteers"],
        "volunteer_rate": _ratio(facts["volunteers"], headcount),
        "sessions": facts["sessions"],
        "missions": facts["missions"],
        "hours": as_hours(hours),
        "work_time_hours": as_hours(work_time),
        "work_time_days": work_time_days,
        "quota_days": quota_days,
        "quota_use_rate": _ratio(work_time_days, quota_days),
        "skills_hours": as_hours(skills),
        "self_reported_hours": as_hours(self_reported),
        "self_reported_volunteers": declared["volunteers"],
        "all_volunteering_hours": as_hours(hours + self_reported),
        "hourly_valuation_cents": company.hourly_valuation_cents,
        "skills_valuation_cents": _skills_valuation(company, enrolments),
        "company_gifts_cents": company_gifts_total_cents(
            company=company,
            start=period.start,
            end=period.end,
            exclude_kinds=(SKILLS_GIFT_KIND,),
        ),
        "payroll_cents": money["payroll"],
        "card_cents": money["card"],
        "donations_cents": money["donations"],
        "matches_cents": matched,
        "total_to_associations_cents": money["donations"] + matched,
        "donors": money["donors"],
        "pledgers": pledgers,
        "average_monthly_roundup_cents": (
            money["payroll"] // money["roundup_months"] if money["roundup_months"] else 0
        ),
        "associations_supported": facts["supported"],
        "sites_total": sites_total,
        "sites_engaged": sites_engaged,
        "sites_engaged_rate": _ratio(sites_engaged, sites_total),
        **feedback,
    }


def _year_share(period: Period) -> float:
    """Share of a year the period covers, to prorate the yearly work-time quota."""
    if period.kind == "year" and not period.is_partial:
        return 1.0
    return period.days / 365


def _supported_association_ids(enrolments, donations) -> set[int]:
    ids = set(enrolments.values_list("session__mission__association_id", flat=True).distinct())
    ids |= set(donations.values_list("association_id", flat=True).distinct())
    return ids


def _feedback_summary(enrolments) -> dict:
    rows = feedback_of(enrolments)
    agg = rows.aggregate(
        n=Count("pk"),
        satisfaction=Avg("satisfaction"),
        meaning=Avg("meaning"),
        recommend=Count("pk", filter=Q(would_recommend=True)),
    )
    n = agg["n"] or 0
    if not n:
        return {
            "feedback_count": 0,
            "satisfaction_avg": None,
            "meaning_avg": None,
            "recommend_rate": None,
        }
    return {
        "feedback_count": n,
        "satisfaction_avg": round(float(agg["satisfaction"]), 2),
        "meaning_avg": round(float(agg["meaning"]), 2),
        "recommend_rate": _ratio(agg["recommend"], n),
    }


# --------------------------------------------------------------------------------------------
# Breakdowns


def _hours_by_kind(enrolments) -> list[dict]:
    rows = {
        row["kind"]: row
        for row in enrolments.values(kind=F("session__mission__kind")).annotate(
            sum_hours=Sum(HOURS), volunteers=Count("employee", distinct=True)
        )
    }
    return [
        {
            "key": kind.value,
            "label": str(kind.label),
            "hours": as_hours(centihours(rows.get(kind.value, {}).get("sum_hours"))),
            "volunteers": rows.get(kind.value, {}).get("volunteers", 0),
        }
        for kind in MissionKind
    ]


def _by_person_field(enrolments, donations, field: str) -> list[dict]:
    """Hours, volunteers and gifts per value of an EmployeeProfile field (site, department)."""
    out: dict[str, dict] = defaultdict(lambda: {"hours": 0, "volunteers": 0, "donations_cents": 0})
    for row in enrolments.values(value=F(f"employee__{field}")).annotate(
        sum_hours=Sum(HOURS), volunteers=Count("employee", distinct=True)
    ):
        out[row["value"] or ""]["hours"] += centihours(row["sum_hours"])
        out[row["value"] or ""]["volunteers"] += row["volunteers"]
    for row in donations.values(value=F(f"donor__{field}")).annotate(total=Sum(KEPT_GIFT)):
        out[row["value"] or ""]["donations_cents"] += row["total"] or 0
    rows = [
        {
            "label": value or _("Not specified"),
            "hours": as_hours(data["hours"]),
            "volunteers": data["volunteers"],
            "donations_cents": data["donations_cents"],
        }
        for value, data in out.items()
    ]
    return sorted(rows, key=lambda r: (-r["hours"], -r["donations_cents"], r["label"]))


def _per_mission_hours(enrolments) -> dict[int, int]:
    return {
        row["mission"]: centihours(row["sum_hours"])
        for row in enrolments.values(mission=F("session__mission")).annotate(sum_hours=Sum(HOURS))
    }


def _allocate(amounts: dict[int, int], mapping: dict[int, list]) -> dict:
    """Split each owner's amount evenly among its categories (or UNCLASSIFIED)."""
    shares: dict = defaultdict(int)
    for owner, amount in amounts.items():
        for key, part in split_evenly(amount, mapping.get(owner) or [UNCLASSIFIED]).items():
            shares[key] += part
    return shares


def _cause_and_sdg_breakdowns(mission_hours, association_money) -> tuple[list, list]:
    from missions.models import Cause

    mission_causes: dict[int, list] = defaultdict(list)
    mission_sdgs: dict[int, set] = defaultdict(set)
    for mission_id, cause_id, sdg in MissionPage.causes.through.objects.filter(
        missionpage_id__in=list(mission_hours)
    ).values_list("missionpage_id", "cause_id", "cause__sdgs__number"):
        if cause_id not in mission_causes[mission_id]:
            mission_causes[mission_id].append(cause_id)
        if sdg is not None:
            mission_sdgs[mission_id].add(sdg)
    association_causes: dict[int, list] = defaultdict(list)
    association_sdgs: dict[int, set] = defaultdict(set)
    for association_id, cause_id, sdg in AssociationPage.causes.through.objects.filter(
        associationpage_id__in=list(association_money)
    ).values_list("associationpage_id", "cause_id", "cause__sdgs__number"):
        if cause_id not in association_causes[association_id]:
            association_causes[association_id].append(cause_id)
        if sdg is not None:
            association_sdgs[association_id].add(sdg)

    cause_hours = _allocate(mission_hours, mission_causes)
    cause_money = _allocate(association_money, association_causes)
    names = {
        cause.pk: cause.localized_name
        for cause in Cause.objects.filter(
            pk__in=(set(cause_hours) | set(cause_money)) - {UNCLASSIFIED}
        ).only("pk", "name", "name_en")
    }
    by_cause = [
        {
            "key": str(key),
            "label": names.get(key, _("No cause given")),
            "hours": as_hours(cause_hours.get(key, 0)),
            "money_cents": cause_money.get(key, 0),
        }
        for key in set(cause_hours) | set(cause_money)
    ]
    by_cause.sort(key=lambda r: (-r["hours"], -r["money_cents"], r["label"]))

    sdg_hours = _allocate(mission_hours, {k: sorted(v) for k, v in mission_sdgs.items()})
    sdg_money = _allocate(association_money, {k: sorted(v) for k, v in association_sdgs.items()})
    goal_names = dict(SustainableDevelopmentGoal.objects.values_list("number", "name"))
    by_sdg = [
        {
            "number": key if key != UNCLASSIFIED else None,
            "label": (
                _("SDG %(n)s · %(name)s") % {"n": key, "name": _(goal_names.get(key, ""))}
                if key != UNCLASSIFIED
                else _("No SDG mapped")
            ),
            "hours": as_hours(sdg_hours.get(key, 0)),
            "money_cents": sdg_money.get(key, 0),
        }
        for key in set(sdg_hours) | set(sdg_money)
    ]
    by_sdg.sort(key=lambda r: (r["number"] is None, r["number"] or 0))
    return by_cause, by_sdg


def _monthly(company: Company, period: Period) -> tuple[dict[str, dict], dict[int, int]]:
    """Per-month figures and, from the same two money scans, money per association."""
    start, end = period.bounds(company.time_zone)
    zone = ZoneInfo(company.time_zone)
    months = {
        m.strftime("%Y-%m"): {"hours": 0, "volunteers": 0, "donations_cents": 0, "matches_cents": 0}
        for m in period.months()
    }

    def key(value) -> str:
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value, zone) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m")

    for row in (
        attended(company, start, end)
        .annotate(month=TruncMonth("session__start", tzinfo=zone))
        .values("month")
        .annotate(sum_hours=Sum(HOURS), volunteers=Count("employee", distinct=True))
    ):
        months[key(row["month"])]["hours"] += centihours(row["sum_hours"])
        months[key(row["month"])]["volunteers"] += row["volunteers"]
    donations, matches = _money_queries(company, start, end)
    association_money: dict[int, int] = defaultdict(int)
    # Grouped by association and month at once: one scan of each table feeds both views.
    for row in (
        donations.annotate(month=TruncMonth("occurred_at", tzinfo=zone))
        .values("association", "month")
        .annotate(total=Sum(KEPT_GIFT))
    ):
        months[key(row["month"])]["donations_cents"] += row["total"] or 0
        association_money[row["association"]] += row["total"] or 0
    for row in (
        matches.annotate(month=TruncMonth("donation__occurred_at", tzinfo=zone))
        .values("association", "month")
        .annotate(total=Sum(KEPT_MATCH))
    ):
        months[key(row["month"])]["matches_cents"] += row["total"] or 0
        association_money[row["association"]] += row["total"] or 0
    return months, association_money


def _by_month(
    company: Company, period: Period, previous: Period
) -> tuple[list[dict], dict[int, int]]:
    """Month rows against the previous period, and money per association (current period)."""
    current, association_money = _monthly(company, period)
    before = list(_monthly(company, previous)[0].values())
    return _month_rows(current, before), association_money


def _month_rows(current: dict[str, dict], before: list[dict]) -> list[dict]:
    """Each month of the period beside the same-rank month of the previous one (raw and
    aggregated paths alike)."""
    rows = []
    for i, (month, data) in enumerate(current.items()):
        prior = before[i] if i < len(before) else {"hours": 0, "donations_cents": 0}
        rows.append(
            {
                "month": month,
                "hours": as_hours(data["hours"]),
                "volunteers": data["volunteers"],
                "donations_cents": data["donations_cents"],
                "matches_cents": data["matches_cents"],
                "previous_hours": as_hours(prior["hours"]),
                "previous_donations_cents": prior["donations_cents"],
            }
        )
    return rows


def _association_volunteers(enrolments) -> dict[int, int]:
    return {
        row["association"]: row["volunteers"]
        for row in enrolments.values(association=F("session__mission__association")).annotate(
            volunteers=Count("employee", distinct=True)
        )
    }


def _associations(volunteers, association_money, mission_hours_by_association) -> list[dict]:
    """Every association supported, with a short profile, biggest contribution first."""
    ids = set(association_money) | set(mission_hours_by_association)
    profiles = {
        row["pk"]: row
        for row in AssociationPage.objects.filter(pk__in=ids).values(
            "pk", "title", "city", "summary", "website"
        )
    }
    causes: dict[int, list[str]] = defaultdict(list)
    for association_id, name in AssociationPage.causes.through.objects.filter(
        associationpage_id__in=ids
    ).values_list("associationpage_id", "cause__name"):
        causes[association_id].append(name)
    rows = [
        {
            "id": pk,
            "name": profiles.get(pk, {}).get("title", "?"),
            "city": profiles.get(pk, {}).get("city", ""),
            "summary": profiles.get(pk, {}).get("summary", ""),
            "website": profiles.get(pk, {}).get("website", ""),
            "causes": sorted(causes.get(pk, [])),
            "hours": as_hours(mission_hours_by_association.get(pk, 0)),
            "volunteers": volunteers.get(pk, 0),
            "money_cents": association_money.get(pk, 0),
        }
        for pk in ids
    ]
    return sorted(rows, key=lambda r: (-r["hours"], -r["money_cents"], r["name"]))


def _top_missions(enrolments) -> list[dict]:
    kinds = dict(MissionKind.choices)
    rows = (
        enrolments.values(
            mission_id=F("session__mission"),
            title=F("session__mission__title"),
            kind=F("session__mission__kind"),
            association=F("session__mission__association__title"),
        )
        .annotate(
            sum_hours=Sum(HOURS),
            volunteers=Count("employee", distinct=True),
            sessions=Count("session", distinct=True),
        )
        .order_by("-sum_hours", "title")[:TOP_LIMIT]
    )
    return [
        {
            "id": row["mission_id"],
            "title": row["title"],
            "kind": row["kind"],
            "kind_label": str(kinds.get(row["kind"], row["kind"])),
            "association": row["association"],
            "hours": as_hours(centihours(row["sum_hours"])),
            "volunteers": row["volunteers"],
            "sessions": row["sessions"],
        }
        for row in rows
    ]


def _feedback_details(enrolments) -> tuple[list[dict], list[dict]]:
    rows = feedback_of(enrolments)
    counts = {
        row["satisfaction"]: row["n"]
        for row in rows.values("satisfaction").annotate(n=Count("pk")).order_by()
    }
    distribution = [{"score": score, "count": counts.get(score, 0)} for score in range(1, 6)]
    kinds = dict(MissionKind.choices)
    # Only people who agreed to be quoted, and never their names.
    quoted = (
        rows.filter(consent_to_quote=True)
        .exclude(comment="")
        .values(
            "comment",
            "satisfaction",
            kind=F("enrolment__session__mission__kind"),
            mission=F("enrolment__session__mission__title"),
            association=F("enrolment__session__mission__association__title"),
        )
        .order_by("-satisfaction", "-pk")
    )
    # The same words twice in a report read as a copy: each comment is quoted once.
    quotes, seen = [], set()
    for row in quoted[: QUOTE_LIMIT * 20]:
        text = row["comment"].strip()
        if not text or " ".join(text.casefold().split()) in seen:
            continue
        seen.add(" ".join(text.casefold().split()))
        quotes.append(
            {
                "text": text,
                "satisfaction": row["satisfaction"],
                "kind_label": str(kinds.get(row["kind"], "")),
                "mission": row["mission"],
                "association": row["association"],
            }
        )
        if len(quotes) == QUOTE_LIMIT:
            break
    return distribution, quotes


# --------------------------------------------------------------------------------------------
# Entry point


def delta(current, previous) -> float | None:
    """Relative change from previous to current (None when there was nothing before)."""
    if current is None or previous is None or not previous:
        return None
    return round((current - previous) / previous, 4)


COMPARED = (
    "participants",
    "participation_rate",
    "volunteers",
    "sessions",
    "hours",
    "work_time_days",
    "skills_valuation_cents",
    "donations_cents",
    "matches_cents",
    "total_to_associations_cents",
    "donors",
    "associations_supported",
    "satisfaction_avg",
)


@reads_from_replica
def company_metrics(*, company: Company, period: Period, raw: bool = False) -> dict:
    """All impact figures of `company` over `period`, with the previous period to compare.

    Read from the figure aggregates (reporting/aggregates.py), rebuilt first for any month
    changed since they were built; `raw=True` computes every figure from the raw rows instead
    (the reference the aggregates are checked against).
    """
    previous = period.previous(fiscal_start_month=company.fiscal_year_start_month)
    if raw:
        return _raw_metrics(company, period, previous)
    (current_buckets, previous_buckets), built = buckets_for(
        company, (period.start, period.end), (previous.start, previous.end)
    )
    if built:
        # Rows this call has just written: a replica may not hold them yet.
        with primary_reads():
            return _aggregated_metrics(company, period, previous, current_buckets, previous_buckets)
    return _aggregated_metrics(company, period, previous, current_buckets, previous_buckets)


def _raw_metrics(company: Company, period: Period, previous: Period) -> dict:
    start, end = period.bounds(company.time_zone)
    enrolments = attended(company, start, end)
    donations = counted_gifts(company=company, start=start, end=end)

    kpis = _kpis(company, period)
    previous_kpis = _kpis(company, previous)
    mission_hours = _per_mission_hours(enrolments)
    month_rows, association_money = _by_month(company, period, previous)
    by_cause, by_sdg = _cause_and_sdg_breakdowns(mission_hours, association_money)
    association_hours = {
        row["association"]: centihours(row["sum_hours"])
        for row in enrolments.values(association=F("session__mission__association")).annotate(
            sum_hours=Sum(HOURS)
        )
    }
    distribution, quotes = _feedback_details(enrolments)
    return {
        "company": {"name": company.name, "slug": company.slug},
        "currency": company.currency,
        "period": period.as_dict(),
        "previous_period": previous.as_dict(),
        "kpis": kpis,
        "previous": previous_kpis,
        "changes": {name: delta(kpis[name], previous_kpis[name]) for name in COMPARED},
        "hours_by_kind": _hours_by_kind(enrolments),
        "by_cause": by_cause,
        "by_sdg": by_sdg,
        "by_site": _by_person_field(enrolments, donations, "site"),
        "by_department": _by_person_field(enrolments, donations, "department"),
        "by_month": month_rows,
        "associations": _associations(
            _association_volunteers(enrolments), association_money, association_hours
        ),
        "top_missions": _top_missions(enrolments),
        "satisfaction_distribution": distribution,
        "quotes": quotes,
        "campaigns": campaign_results(company, start=period.start, end=period.end),
    }


# --------------------------------------------------------------------------------------------
# The same figures from the figure aggregates
#
# Each aggregate table of the period is read once (its rows already summed per bucket, person
# and mission), and every breakdown is combined from those rows: distinct people per kind,
# site or association need the person, which no coarser SQL grouping keeps.


@dataclass
class _AggregatedRows:
    volunteers: _Columns  # (bucket, employee, mission, centihours)
    gifts: _Columns  # (bucket, donor, kept, payroll, card, payroll gifts)
    missions: dict  # mission -> (kind, on_work_time, association)
    people: dict  # employee -> (site, department)
    grouped: dict | None = None  # see _groupings


class _Columns:
    """Integer rows held as one array per column (8 bytes a value, where a list of tuples of
    Python ints takes about 40): iterating yields the rows as tuples again."""

    def __init__(self, rows, width: int):
        self.columns = [array("q") for _i in range(width)]
        # Read in chunks straight from the cursor, each chunk turned into columns at C speed:
        # the whole result never exists as Python tuples at once.
        try:
            sql, params = rows.query.sql_with_params()
        except EmptyResultSet:  # no bucket: a period without data
            return
        with connections[rows.db].cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(10_000):
                for column, values in zip(self.columns, zip(*chunk, strict=True), strict=True):
                    column.extend(values)

    def __iter__(self):
        return zip(*self.columns, strict=True)

    def __len__(self) -> int:
        return len(self.columns[0])


_ROWS_CACHE: ContextVar[dict | None] = ContextVar("cordee_figure_rows", default=None)


def _rows_of(company: Company, buckets: Buckets) -> _AggregatedRows:
    cache = _ROWS_CACHE.get()
    key = tuple(buckets.ids)
    if cache is not None and key in cache:
        return cache[key]
    volunteers = _Columns(
        volunteer_rows(buckets).values_list("bucket", "employee", "mission", "centihours"), 4
    )
    gifts = _Columns(
        gift_rows(buckets).values_list(
            "bucket", "donor", "kept_cents", "payroll_cents", "card_cents", "payroll_gifts"
        ),
        6,
    )
    missions = {}
    wanted = set(volunteers.columns[2])
    if wanted:
        missions = {
            pk: (kind, on_work_time, association)
            for pk, kind, on_work_time, association in MissionPage.objects.filter(
                pk__in=wanted
            ).values_list("pk", "kind", "on_work_time", "association")
        }
    people = {}
    wanted = set(volunteers.columns[1]) | set(gifts.columns[1])
    if wanted:
        people = {
            pk: (site, department)
            for pk, site, department in EmployeeProfile.objects.filter(company=company).values_list(
                "pk", "site", "department"
            )
        }
        if missing := wanted - set(people):  # people who moved to another company since
            people.update(
                (pk, (site, department))
                for pk, site, department in EmployeeProfile.objects.filter(
                    pk__in=missing
                ).values_list("pk", "site", "department")
            )
    rows = _AggregatedRows(volunteers, gifts, missions, people)
    if cache is not None:
        cache[key] = rows
    return rows


GROUPINGS = ("kind", "site", "department", "mission", "association", "bucket")


def _groupings(rows: _AggregatedRows) -> dict[str, dict]:
    """{grouping: {value: (centihours, distinct employees)}} of the volunteer rows, for each
    of GROUPINGS (computed once per rows: every breakdown reads them)."""
    if rows.grouped is not None:
        return rows.grouped
    missions, people = rows.missions, rows.people
    bucket_of, employees, mission_of, amounts = rows.volunteers.columns
    keys = {
        "kind": [missions[m][0] for m in mission_of],
        "site": [people[e][0] for e in employees],
        "department": [people[e][1] for e in employees],
        "mission": mission_of,
        "association": [missions[m][2] for m in mission_of],
        "bucket": bucket_of,
    }
    grouped: dict[str, dict] = {}
    for name in GROUPINGS:
        sums: dict = defaultdict(int)
        for key, amount in zip(keys[name], amounts, strict=True):
            sums[key] += amount
        counts = Counter(key for key, _employee in set(zip(keys[name], employees, strict=True)))
        grouped[name] = {key: (total, counts[key]) for key, total in sums.items()}
    rows.grouped = grouped
    return grouped


def _hours_and_people(rows: _AggregatedRows, grouping: str) -> dict:
    """{value: (centihours, distinct employees)} of the volunteer rows per `grouping`."""
    return _groupings(rows)[grouping]


def _aggregated_hours_by_kind(rows: _AggregatedRows) -> list[dict]:
    by_kind = _hours_and_people(rows, "kind")
    return [
        {
            "key": kind.value,
            "label": str(kind.label),
            "hours": as_hours(by_kind[kind.value][0] if kind.value in by_kind else 0),
            "volunteers": by_kind[kind.value][1] if kind.value in by_kind else 0,
        }
        for kind in MissionKind
    ]


def _aggregated_by_person_field(rows: _AggregatedRows, field: str) -> list[dict]:
    index = 0 if field == "site" else 1
    out: dict[str, dict] = defaultdict(lambda: {"hours": 0, "volunteers": 0, "donations_cents": 0})
    for value, (amount, people) in _hours_and_people(rows, field).items():
        out[value or ""]["hours"] += amount
        out[value or ""]["volunteers"] += people
    for donor, kept in zip(rows.gifts.columns[1], rows.gifts.columns[2], strict=True):
        out[rows.people[donor][index] or ""]["donations_cents"] += kept
    result = [
        {
            "label": value or _("Not specified"),
            "hours": as_hours(data["hours"]),
            "volunteers": data["volunteers"],
            "donations_cents": data["donations_cents"],
        }
        for value, data in out.items()
    ]
    return sorted(result, key=lambda r: (-r["hours"], -r["donations_cents"], r["label"]))


def _aggregated_monthly(
    company: Company, period: Period, buckets: Buckets
) -> tuple[dict, dict[int, int]]:
    months = {
        m.strftime("%Y-%m"): {"hours": 0, "volunteers": 0, "donations_cents": 0, "matches_cents": 0}
        for m in period.months()
    }
    rows = _rows_of(company, buckets)
    for bucket, (amount, people) in _hours_and_people(rows, "bucket").items():
        months[buckets.months[bucket]]["hours"] += amount
        months[buckets.months[bucket]]["volunteers"] += people
    association_money: dict[int, int] = defaultdict(int)
    for bucket, association, gifts, matches in association_rows(buckets).values_list(
        "bucket", "association", "gifts_cents", "matches_cents"
    ):
        months[buckets.months[bucket]]["donations_cents"] += gifts
        months[buckets.months[bucket]]["matches_cents"] += matches
        association_money[association] += gifts + matches
    return months, association_money


def _aggregated_top_missions(rows: _AggregatedRows, missions) -> list[dict]:
    kinds = dict(MissionKind.choices)
    top = (
        missions.values(
            k_mission=F("mission"),
            title=F("mission__title"),
            kind=F("mission__kind"),
            association=F("mission__association__title"),
        )
        .annotate(sum_hours=Sum("centihours"), sessions=Sum("sessions"))
        .order_by("-sum_hours", "title")[:TOP_LIMIT]
    )
    people = _hours_and_people(rows, "mission")
    return [
        {
            "id": row["k_mission"],
            "title": row["title"],
            "kind": row["kind"],
            "kind_label": str(kinds.get(row["kind"], row["kind"])),
            "association": row["association"],
            "hours": as_hours(row["sum_hours"] or 0),
            "volunteers": people[row["k_mission"]][1],
            "sessions": row["sessions"] or 0,
        }
        for row in top
    ]


def _aggregated_metrics(
    company: Company, period: Period, previous: Period, buckets: Buckets, previous_buckets: Buckets
) -> dict:
    token = _ROWS_CACHE.set({})
    try:
        return _aggregated_metrics_of(company, period, previous, buckets, previous_buckets)
    finally:
        _ROWS_CACHE.reset(token)


def _aggregated_metrics_of(
    company: Company, period: Period, previous: Period, buckets: Buckets, previous_buckets: Buckets
) -> dict:
    start, end = period.bounds(company.time_zone)
    enrolments = attended(company, start, end)  # feedback and skills valuation only
    rows = _rows_of(company, buckets)

    kpis = _kpis(company, period, buckets)
    previous_kpis = _kpis(company, previous, previous_buckets)
    per_mission = _hours_and_people(rows, "mission")
    mission_hours = {mission: amount for mission, (amount, _people) in per_mission.items()}
    current, association_money = _aggregated_monthly(company, period, buckets)
    before = list(_aggregated_monthly(company, previous, previous_buckets)[0].values())
    month_rows = _month_rows(current, before)
    by_cause, by_sdg = _cause_and_sdg_breakdowns(mission_hours, association_money)
    per_association = _hours_and_people(rows, "association")
    association_hours = {key: amount for key, (amount, _p) in per_association.items()}
    association_volunteers = {key: people for key, (_a, people) in per_association.items()}
    distribution, quotes = _feedback_details(enrolments)
    return {
        "company": {"name": company.name, "slug": company.slug},
        "currency": company.currency,
        "period": period.as_dict(),
        "previous_period": previous.as_dict(),
        "kpis": kpis,
        "previous": previous_kpis,
        "changes": {name: delta(kpis[name], previous_kpis[name]) for name in COMPARED},
        "hours_by_kind": _aggregated_hours_by_kind(rows),
        "by_cause": by_cause,
        "by_sdg": by_sdg,
        "by_site": _aggregated_by_person_field(rows, "site"),
        "by_department": _aggregated_by_person_field(rows, "department"),
        "by_month": month_rows,
        "associations": _associations(association_volunteers, association_money, association_hours),
        "top_missions": _aggregated_top_missions(rows, mission_rows(buckets)),
        "satisfaction_distribution": distribution,
        "quotes": quotes,
        "campaigns": campaign_results(company, start=period.start, end=period.end),
    }
