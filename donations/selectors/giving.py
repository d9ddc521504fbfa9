"""Reads of giving: gift history, runs, money totals per association and month."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from donations.models import (
    CompanyGift,
    Disbursement,
    Dispute,
    Donation,
    Match,
    PayrollLine,
    PayrollRun,
    Pledge,
    RoundUpAssociation,
)
from portal.models import Company, EmployeeProfile

#: What a gift still gives once its refunds are taken off, and what a match still matches.
KEPT_GIFT_CENTS = F("amount_cents") - F("refunded_cents")
KEPT_MATCH_CENTS = F("amount_cents") - F("reversed_cents")


def open_dispute(donation_ref: str = "pk"):
    return Exists(
        Dispute.objects.filter(donation=OuterRef(donation_ref), status=Dispute.Status.OPEN)
    )


# What the impact figures count, owned here so that no other app compares giving's statuses.
# Payroll adjustments correct a confirmed payroll run (possibly negatively): they count as
# payroll round-up so that the payroll total is what was really deducted.
PAYROLL_GIFTS = Q(source__in=(Donation.Source.PAYROLL, Donation.Source.ADJUSTMENT))
CARD_GIFTS = Q(source=Donation.Source.CARD)


def counted_gifts(*, company: Company, start: dt.datetime, end: dt.datetime) -> QuerySet[Donation]:
    """Succeeded (not refunded) gifts of the company's employees that happened in [start, end)."""
    return Donation.objects.filter(
        company=company,
        status=Donation.Status.SUCCEEDED,
        occurred_at__gte=start,
        occurred_at__lt=end,
    ).order_by()


def active_matches_of_gifts(*, gifts: QuerySet[Donation]) -> QuerySet[Match]:
    """The company's active (not reversed) matches of those gifts."""
    return Match.objects.filter(
        status=Match.Status.ACTIVE, donation__in=gifts.values("pk")
    ).order_by()


def pledges_in_force(*, company: Company, start: dt.date, end: dt.date) -> QuerySet[Pledge]:
    """Round-up pledges of the company's employees in force in a month of [start, end)."""
    # end_month is exclusive: a pledge ending at the period's first month never applied in it.
    return Pledge.objects.filter(
        Q(end_month__isnull=True) | Q(end_month__gt=start),
        employee__company=company,
        start_month__lt=end,
    ).order_by()


def gifts_of(profile: EmployeeProfile) -> QuerySet[Donation]:
    """The employee's own donations (never anyone else's), with their match."""
    return (
        Donation.objects.filter(donor=profile)
        .select_related("association", "match", "payroll_line__run")
        .annotate(disputed=open_dispute())
        .order_by("-occurred_at", "-id")
    )


def deductions_of(profile: EmployeeProfile) -> QuerySet[PayrollLine]:
    return (
        PayrollLine.objects.filter(employee=profile, deduction_cents__gt=0)
        .select_related("run")
        .order_by("-run__month")
    )


@dataclass(frozen=True)
class GivingSummary:
    given_cents: int
    matched_cents: int

    @property
    def total_cents(self) -> int:
        return self.given_cents + self.matched_cents


def summary_of(profile: EmployeeProfile, *, year: int | None = None) -> GivingSummary:
    donations = Donation.objects.filter(donor=profile, status=Donation.Status.SUCCEEDED)
    matches = Match.objects.filter(employee=profile, status=Match.Status.ACTIVE)
    if year:
        donations = donations.filter(occurred_at__year=year)
        matches = matches.filter(donation__occurred_at__year=year)
    return GivingSummary(
        donations.aggregate(s=Sum(KEPT_GIFT_CENTS))["s"] or 0,
        matches.aggregate(s=Sum(KEPT_MATCH_CENTS))["s"] or 0,
    )


def round_up_associations(company: Company):
    from missions.models import AssociationPage

    ids = RoundUpAssociation.objects.filter(company=company).values_list(
        "association_id", flat=True
    )
    return AssociationPage.objects.live().filter(pk__in=ids).order_by("title")


def card_associations():
    from missions.models import AssociationPage

    return AssociationPage.objects.accepting_gifts().order_by("title")


def runs_of(company: Company) -> QuerySet[PayrollRun]:
    return PayrollRun.objects.filter(company=company).order_by("-month")


def counted_donations(company: Company) -> QuerySet[Donation]:
    """Money still given: succeeded donations (refunded ones no longer count)."""
    return Donation.objects.filter(company=company, status=Donation.Status.SUCCEEDED)


def active_matches(company: Company) -> QuerySet[Match]:
    return Match.objects.filter(company=company, status=Match.Status.ACTIVE)


def owed_donations(company: Company) -> QuerySet[Donation]:
    """Counted gifts that are owed to their association: a disputed one is held out."""
    return counted_donations(company).exclude(open_dispute())


def owed_matches(company: Company) -> QuerySet[Match]:
    return active_matches(company).exclude(open_dispute("donation_id"))


@dataclass
class AssociationTotal:
    """What an association was given (gifts and matches), what it was paid, what it is owed."""

    association_id: int
    association: str
    collected_cents: int = 0
    matched_cents: int = 0
    # The company's own cash gifts (leave days, grants, vote shares…); in-kind gifts owe nothing.
    company_gifts_cents: int = 0
    paid_cents: int = 0
    in_unpaid_batches_cents: int = 0

    @property
    def due_cents(self) -> int:
        return self.collected_cents + self.matched_cents + self.company_gifts_cents

    @property
    def owed_cents(self) -> int:
        return self.due_cents - self.paid_cents


@dataclass(kw_only=True)
class AssociationMonth(AssociationTotal):
    """The same figures for one month of one association."""

    month: dt.date


def money_by_association_month(
    company: Company, *, before: dt.date | None = None
) -> tuple[list[AssociationMonth], list[AssociationTotal]]:
    """Collected, matched, paid and owed per association and month, and per association."""
    from missions.models import AssociationPage

    # What is still given (refunds taken off), disputed gifts held out until the dispute closes.
    donations = owed_donations(company)
    matches = owed_matches(company)
    if before:
        donations = donations.filter(occurred_at__date__lt=before)
        matches = matches.filter(donation__occurred_at__date__lt=before)
    rows: dict[tuple, AssociationMonth] = {}
    totals: dict[int, AssociationTotal] = {}
    months = (
        donations.annotate(m=TruncMonth("occurred_at"))
        .values("m", "association_id")
        .annotate(total=Sum(KEPT_GIFT_CENTS))
    )
    matched = (
        matches.annotate(m=TruncMonth("donation__occurred_at"))
        .values("m", "association_id")
        .annotate(total=Sum(KEPT_MATCH_CENTS))
    )
    gifts = CompanyGift.objects.filter(
        company=company,
        status=CompanyGift.Status.ACTIVE,
        nature=CompanyGift.Nature.CASH,
    )
    if before:
        gifts = gifts.filter(given_on__lt=before)
    gifted = (
        gifts.annotate(m=TruncMonth("given_on"))
        .values("m", "association_id")
        .annotate(total=Sum("amount_cents"))
    )
    paid = (
        Disbursement.objects.filter(batch__company=company)
        .values("association_id", "batch__paid_at", "batch__created_at")
        .annotate(total=Sum("amount_cents"))
    )
    ids = {r["association_id"] for r in months} | {r["association_id"] for r in matched}
    ids |= {r["association_id"] for r in gifted}
    ids |= {r["association_id"] for r in paid}
    names = dict(AssociationPage.objects.filter(pk__in=ids).values_list("pk", "title"))

    def month_row(r) -> AssociationMonth:
        month = r["m"].date() if isinstance(r["m"], dt.datetime) else r["m"]
        key = (month, r["association_id"])
        if key not in rows:
            rows[key] = AssociationMonth(
                r["association_id"], names.get(r["association_id"], "?"), month=month
            )
        return rows[key]

    def total_row(aid: int) -> AssociationTotal:
        if aid not in totals:
            totals[aid] = AssociationTotal(aid, names.get(aid, "?"))
        return totals[aid]

    for r in months:
        month_row(r).collected_cents += r["total"]
        total_row(r["association_id"]).collected_cents += r["total"]
    for r in matched:
        month_row(r).matched_cents += r["total"]
        total_row(r["association_id"]).matched_cents += r["total"]
    for r in gifted:
        month_row(r).company_gifts_cents += r["total"]
        total_row(r["association_id"]).company_gifts_cents += r["total"]
    last_batch_month: dict[int, dt.date] = {}
    for r in paid:
        if r["batch__paid_at"] is not None:
            total_row(r["association_id"]).paid_cents += r["total"]
        else:
            total_row(r["association_id"]).in_unpaid_batches_cents += r["total"]
        when = r["batch__paid_at"] or r["batch__created_at"]
        month = timezone.localtime(when).date().replace(day=1)
        last_batch_month[r["association_id"]] = max(
            month, last_batch_month.get(r["association_id"], month)
        )
    # An association paid for gifts since refunded has no month of gifts left: its payment
    # still shows, on the month of its last batch, so both tables hold the same money.
    with_months = {key[1] for key in rows}
    for aid, month in last_batch_month.items():
        if aid not in with_months:
            month_row({"m": month, "association_id": aid})
    _spread_payments(rows.values(), totals)
    return (
        sorted(rows.values(), key=lambda r: (r.month, r.association), reverse=True),
        sorted(totals.values(), key=lambda t: t.association),
    )


def _spread_payments(rows, totals: dict[int, AssociationTotal]) -> None:
    """Share each association's payments out over its months, oldest first.

    A batch pays everything owed before its date, so the oldest months are the paid ones; money
    in a batch not yet paid is spread the same way after that. What was paid beyond all that is
    due (a gift refunded after it was paid over) stays on the latest month, so the months always
    add up to the association's totals.
    """
    by_association: dict[int, list[AssociationMonth]] = defaultdict(list)
    for row in rows:
        by_association[row.association_id].append(row)
    for aid, months in by_association.items():
        months.sort(key=lambda r: r.month)
        total = totals[aid]
        paid, in_batches = total.paid_cents, total.in_unpaid_batches_cents
        for row in months:
            row.paid_cents = min(paid, max(row.due_cents, 0))
            paid -= row.paid_cents
            row.in_unpaid_batches_cents = min(in_batches, max(row.owed_cents, 0))
            in_batches -= row.in_unpaid_batches_cents
        months[-1].paid_cents += paid
        months[-1].in_unpaid_batches_cents += in_batches


def gift_causes(profile: EmployeeProfile, *, limit: int = 50) -> dict[int, tuple[str, str]]:
    """Causes of the associations the employee gave to (counted gifts, the latest first), each
    with the association's name: why a mission of that cause is suggested to them."""
    from missions.models import AssociationPage

    through = AssociationPage.causes.through
    recent = (
        Donation.objects.filter(donor=profile, status=Donation.Status.SUCCEEDED)
        .order_by("-occurred_at")
        .values("association_id")[:limit]
    )
    rows = through.objects.filter(associationpage_id__in=recent).values_list(
        "cause_id", "associationpage__title"
    )
    return {cause: ("gave", title) for cause, title in rows}
