"""Reads of campaigns: a company's campaigns, those open today, and each one's progress (money
raised and matched for giving, attended hours for volunteering), also read by reporting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from donations.models import Campaign, Donation, Match
from portal.calendar import company_today, start_of_day
from portal.models import Company


def campaigns_of(company: Company) -> QuerySet[Campaign]:
    """Every campaign of the company (another company's are never in it)."""
    return Campaign.objects.filter(company=company).order_by("-starts_on", "-id")


def open_campaigns(company: Company, *, today: dt.date | None = None) -> QuerySet[Campaign]:
    """Launched campaigns running today (company clock), the soonest to end first."""
    today = today or company_today(company)
    return (
        campaigns_of(company)
        .filter(launched_at__isnull=False, starts_on__lte=today, ends_on__gte=today)
        .order_by("ends_on", "id")
    )


def campaigns_between(company: Company, *, start: dt.date, end: dt.date) -> QuerySet[Campaign]:
    """Launched campaigns that ran at least one day of [start, end)."""
    return campaigns_of(company).filter(
        launched_at__isnull=False, starts_on__lt=end, ends_on__gte=start
    )


@dataclass(frozen=True)
class CampaignProgress:
    """Where a campaign stands: money (gifts + the company's matches) or attended hours."""

    campaign: Campaign
    gifts_cents: int = 0
    matched_cents: int = 0
    donors: int = 0
    hours: Decimal = Decimal(0)
    volunteers: int = 0

    @property
    def raised_cents(self) -> int:
        return self.gifts_cents + self.matched_cents

    @property
    def achieved(self) -> int | Decimal:
        return self.raised_cents if self.campaign.is_giving else self.hours

    @property
    def goal(self) -> int | None:
        return self.campaign.goal_cents if self.campaign.is_giving else self.campaign.goal_hours

    @property
    def percent(self) -> int | None:
        """Share of the goal reached, 0 to 100 (the bar stops at full), None without a goal."""
        if not self.goal:
            return None
        return min(100, int(Decimal(self.achieved) * 100 // Decimal(self.goal)))


def _bounds(campaign: Campaign) -> tuple[dt.datetime, dt.datetime]:
    zone = campaign.company.time_zone
    return (
        start_of_day(campaign.starts_on, zone),
        start_of_day(campaign.ends_on + dt.timedelta(days=1), zone),
    )


def campaign_gifts(campaign: Campaign) -> QuerySet[Donation]:
    """The employees' counted gifts to the campaign's associations between its dates."""
    start, end = _bounds(campaign)
    return Donation.objects.filter(
        company_id=campaign.company_id,
        status=Donation.Status.SUCCEEDED,
        association__in=campaign.associations.all(),
        occurred_at__gte=start,
        occurred_at__lt=end,
        amount_cents__gt=0,
    )


def _giving_progress(campaign: Campaign) -> CampaignProgress:
    gifts = campaign_gifts(campaign)
    totals = gifts.aggregate(
        cents=Coalesce(Sum(F("amount_cents") - F("refunded_cents")), 0),
        donors=Count("donor", distinct=True),
    )
    matched = Match.objects.filter(
        status=Match.Status.ACTIVE, donation__in=gifts.values("pk")
    ).aggregate(cents=Coalesce(Sum(F("amount_cents") - F("reversed_cents")), 0))["cents"]
    return CampaignProgress(
        campaign, gifts_cents=totals["cents"], matched_cents=matched, donors=totals["donors"]
    )


def _volunteering_progress(campaign: Campaign) -> CampaignProgress:
    from missions.models import Enrolment, EnrolmentStatus

    start, end = _bounds(campaign)
    totals = Enrolment.objects.filter(
        employee__company_id=campaign.company_id,
        status=EnrolmentStatus.ATTENDED,
        session__mission__in=campaign.missions.all(),
        session__start__gte=start,
        session__start__lt=end,
    ).aggregate(
        attended_hours=Coalesce(Sum("hours"), Decimal(0)),
        volunteers=Count("employee", distinct=True, filter=Q(hours__gt=0)),
    )
    return CampaignProgress(
        campaign, hours=totals["attended_hours"], volunteers=totals["volunteers"]
    )


def progress_of(campaign: Campaign) -> CampaignProgress:
    if campaign.is_giving:
        return _giving_progress(campaign)
    return _volunteering_progress(campaign)


def progress_of_all(campaigns) -> list[CampaignProgress]:
    """Progress of a few campaigns (two or three queries each: lists show a handful)."""
    return [progress_of(c) for c in campaigns]


def campaign_results(company: Company, *, start: dt.date, end: dt.date) -> list[dict]:
    """The results of the company's launched campaigns that ran in [start, end), as plain data
    (the impact report stores it in its snapshot): hours in hundredths, money in cents."""
    rows = []
    for progress in progress_of_all(campaigns_between(company, start=start, end=end)):
        campaign = progress.campaign
        rows.append(
            {
                "title": campaign.title,
                "kind": campaign.kind,
                "starts_on": campaign.starts_on.isoformat(),
                "ends_on": campaign.ends_on.isoformat(),
                "goal_cents": campaign.goal_cents,
                "goal_hours": campaign.goal_hours,
                "gifts_cents": progress.gifts_cents,
                "matched_cents": progress.matched_cents,
                "raised_cents": progress.raised_cents,
                "donors": progress.donors,
                "centihours": int(progress.hours * 100),
                "volunteers": progress.volunteers,
                "percent": progress.percent,
            }
        )
    return rows
