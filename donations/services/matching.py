"""Company matching: the match of a donation under the policy's cap and budget, and its reversal.

The policy row is the budget lock: every match or reversal takes `select_for_update` on it, so
concurrent confirmations are serialised and `spent_cents` (bounded by a database check) can
never pass the budget.

A launched giving campaign overrides the policy for card gifts to one of its associations made
between its dates (company time zone): its ratio, its per-employee cap and its budget apply, its
row is the lock, and the match names the campaign instead of the policy. Payroll round-up gifts
keep the policy (a standing pledge is not a campaign gift, and the payroll SQL path stays one
statement). Once a campaign's cap is reached the gift is not matched by the policy either: the
campaign's terms replace the policy's while it runs, they do not add to them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from donations.models import Campaign, Donation, Match, MatchingPolicy
from donations.services.audit import log_action
from donations.services.bulk import insert_rows
from portal.calendar import company_date, local_date
from portal.models import Company


def _company_day(donation: Donation, zones: dict[int, str] | None = None) -> dt.date:
    """The day of the gift on its company's clock (`zones` caches time zones by company id)."""
    zones = {} if zones is None else zones
    if donation.company_id not in zones:
        zones[donation.company_id] = Company.objects.values_list("time_zone", flat=True).get(
            pk=donation.company_id
        )
    return local_date(donation.occurred_at, zones[donation.company_id])


def policy_for(donation: Donation, *, day: dt.date | None = None) -> MatchingPolicy | None:
    """The company's policy in force on the gift's day (in the company's time zone)."""
    day = day or _company_day(donation)
    return (
        MatchingPolicy.objects.filter(
            company_id=donation.company_id, period_start__lte=day, period_end__gt=day
        )
        .order_by("-period_start")
        .first()
    )


def campaign_for(
    donation: Donation, *, day: dt.date | None = None, cache: dict | None = None
) -> Campaign | None:
    """The launched giving campaign whose terms match this gift, if one runs on its day."""
    if donation.source != Donation.Source.CARD or donation.amount_cents <= 0:
        return None
    day = day or _company_day(donation)
    key = (donation.company_id, day, donation.association_id, donation.currency)
    if cache is not None and key in cache:
        return cache[key]
    campaign = (
        Campaign.objects.filter(
            company_id=donation.company_id,
            kind=Campaign.Kind.GIVING,
            launched_at__isnull=False,
            starts_on__lte=day,
            ends_on__gte=day,
            match_budget_cents__gt=0,
            currency=donation.currency,
            associations=donation.association_id,
        )
        .order_by("-starts_on", "-id")
        .first()
    )
    if cache is not None:
        cache[key] = campaign
    return campaign


def wanted_campaign_match_cents(campaign: Campaign, amount_cents: int) -> int:
    return amount_cents * campaign.match_ratio_numerator // campaign.match_ratio_denominator


def _used_by_employee(**match_filter) -> defaultdict[int, int]:
    return defaultdict(
        int,
        Match.objects.filter(status=Match.Status.ACTIVE, **match_filter)
        .values("employee_id")
        .annotate(total=Sum(F("amount_cents") - F("reversed_cents")))
        .values_list("employee_id", "total"),
    )


def _match_under_campaign(campaign_id: int, items: list[Donation]) -> list[Match]:
    """Match these gifts under the campaign's terms, its row locked (the budget lock)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    zones: dict[int, str] = {}
    # Read again under the lock: an officer may have just changed the dates.
    items = [d for d in items if campaign.runs_on(_company_day(d, zones))]
    already = set(
        Match.objects.filter(donation_id__in=[d.pk for d in items]).values_list(
            "donation_id", flat=True
        )
    )
    used = _used_by_employee(campaign=campaign)
    left_budget = campaign.match_budget_cents - campaign.match_spent_cents
    new, left_budget = _allocate_matches(
        (d for d in items if d.pk not in already),
        wanted_of=lambda cents: wanted_campaign_match_cents(campaign, cents),
        cap=campaign.employee_cap_cents,
        used=used,
        budget=left_budget,
        campaign=campaign,
    )
    if new:
        insert_rows(Match, new)
        campaign.match_spent_cents = campaign.match_budget_cents - left_budget
        campaign.save(update_fields=["match_spent_cents"])
    return new


def _allocate_matches(donations, *, wanted_of, cap: int, used, budget: int, **owner):
    """Match each gift as asked, within the person's cap left and the budget left (in order).

    `owner` names what pays (`policy=` or `campaign=`); returns the new matches (not saved)
    and the budget left. `used` (cents matched per donor) is updated as it goes.
    """
    new: list[Match] = []
    for donation in donations:
        wanted = wanted_of(donation.amount_cents)
        amount = min(wanted, cap - used[donation.donor_id], budget)
        if amount <= 0:
            continue
        used[donation.donor_id] += amount
        budget -= amount
        new.append(
            Match(
                donation=donation,
                company_id=donation.company_id,
                employee_id=donation.donor_id,
                association_id=donation.association_id,
                amount_cents=amount,
                currency=donation.currency,
                is_partial=amount < wanted,
                **owner,
            )
        )
    return new, budget


def _eligible(policy: MatchingPolicy, donation: Donation, scope: dict) -> bool:
    if donation.currency != policy.currency or donation.amount_cents <= 0:
        return False
    if donation.source == Donation.Source.PAYROLL and not policy.match_payroll:
        return False
    if donation.source == Donation.Source.CARD and not policy.match_card:
        return False
    if donation.source == Donation.Source.ADJUSTMENT:
        return False
    associations, causes = scope["associations"], scope["causes"]
    if associations and donation.association_id not in associations:
        return False
    if causes:
        donation_causes = scope["association_causes"].get(donation.association_id, set())
        if not donation_causes & causes:
            return False
    return True


def _scope(policy: MatchingPolicy, association_ids: set[int]) -> dict:
    from missions.models import AssociationPage

    causes = set(policy.causes.values_list("id", flat=True))
    association_causes: dict[int, set[int]] = defaultdict(set)
    if causes:
        through = AssociationPage.causes.through
        for aid, cid in through.objects.filter(associationpage_id__in=association_ids).values_list(
            "associationpage_id", "cause_id"
        ):
            association_causes[aid].add(cid)
    return {
        "associations": set(policy.associations.values_list("id", flat=True)),
        "causes": causes,
        "association_causes": association_causes,
    }


def _within_period(policy: MatchingPolicy, donation: Donation) -> bool:
    day = company_date(policy.company, donation.occurred_at)
    return policy.period_start <= day < policy.period_end


def wanted_match_cents(policy: MatchingPolicy, amount_cents: int) -> int:
    """The ratio applied, rounded down to the cent (1:1 doubles, 1:2 halves)."""
    return amount_cents * policy.ratio_numerator // policy.ratio_denominator


def match_donations(donations: list[Donation]) -> list[Match]:
    """Match these donations (one transaction, the policy locked); already matched ones are skipped.

    Returns the matches created. A match is partial when the employee's cap or the budget
    leaves less than the ratio asks; nothing is created when nothing is left.
    """
    by_policy: dict[int, list[Donation]] = defaultdict(list)
    by_campaign: dict[int, list[Donation]] = defaultdict(list)
    policies: dict[int, MatchingPolicy] = {}
    # A payroll run's donations share company and day: one policy lookup for all of them.
    found: dict[tuple[int, dt.date], MatchingPolicy | None] = {}
    campaigns: dict = {}
    zones: dict[int, str] = {}
    for donation in donations:
        key = (donation.company_id, _company_day(donation, zones))
        if campaign := campaign_for(donation, day=key[1], cache=campaigns):
            by_campaign[campaign.pk].append(donation)
            continue
        if key not in found:
            found[key] = policy_for(donation, day=key[1])
        policy = found[key]
        if policy:
            policies[policy.pk] = policy
            by_policy[policy.pk].append(donation)
    created: list[Match] = []
    with transaction.atomic():
        for campaign_id, items in sorted(by_campaign.items()):
            created.extend(_match_under_campaign(campaign_id, items))
        for policy_id, items in by_policy.items():
            policy = MatchingPolicy.objects.select_for_update().get(pk=policy_id)
            # Read again under the lock: an officer may have just shortened the period.
            items = [d for d in items if _within_period(policy, d)]
            already: set[int] = set()
            ids = [d.pk for d in items]
            # Chunked: a 100k-line payroll run would pass the driver's 65,535 parameters.
            for start in range(0, len(ids), 10_000):
                already.update(
                    Match.objects.filter(donation_id__in=ids[start : start + 10_000]).values_list(
                        "donation_id", flat=True
                    )
                )
            items = [d for d in items if d.pk not in already]
            scope = _scope(policy, {d.association_id for d in items})
            used = defaultdict(
                int,
                Match.objects.filter(policy=policy, status=Match.Status.ACTIVE)
                .values("employee_id")
                .annotate(total=Sum(F("amount_cents") - F("reversed_cents")))
                .values_list("employee_id", "total"),
            )
            left_budget = policy.yearly_budget_cents - policy.spent_cents
            new, left_budget = _allocate_matches(
                (d for d in items if _eligible(policy, d, scope)),
                wanted_of=lambda cents, policy=policy: wanted_match_cents(policy, cents),
                cap=policy.employee_yearly_cap_cents,
                used=used,
                budget=left_budget,
                policy=policy,
            )
            if new:
                insert_rows(Match, new)
                policy.spent_cents = policy.yearly_budget_cents - left_budget
                policy.save(update_fields=["spent_cents"])
                created.extend(new)
    return created


def run_match_policy(
    *,
    company_id: int,
    occurred_at: dt.datetime,
    currency: str,
    association_ids: set[int],
    lock: bool = False,
) -> tuple[MatchingPolicy, list[int]] | None:
    """For a payroll run's donations (one company, one payday): the policy in force and the
    associations whose gifts it matches, by the rules of match_donations (`_eligible`).

    `lock` takes the policy row (the budget lock) and re-checks the period under it, as
    match_donations does; payroll_sql then computes the amounts in the database.
    """
    probe = Donation(
        company_id=company_id,
        occurred_at=occurred_at,
        currency=currency,
        source=Donation.Source.PAYROLL,
        amount_cents=1,
    )
    policy = policy_for(probe)
    if policy is None:
        return None
    if lock:
        policy = MatchingPolicy.objects.select_for_update().get(pk=policy.pk)
        if not _within_period(policy, probe):
            return None
    scope = _scope(policy, association_ids)
    eligible = []
    for association_id in sorted(association_ids):
        probe.association_id = association_id
        if _eligible(policy, probe, scope):
            eligible.append(association_id)
    return policy, eligible


def match_donation(donation: Donation) -> Match | None:
    matches = match_donations([donation])
    return matches[0] if matches else None


def reverse_match(
    *, donation: Donation, when: dt.datetime | None = None, actor=None
) -> Match | None:
    """Give the whole match of a refunded donation back to the budget and the employee's cap."""
    match = Match.objects.filter(donation=donation).first()
    if match is None:
        return None
    reverse_match_to(donation=donation, reversed_cents=match.amount_cents, when=when, actor=actor)
    return Match.objects.get(pk=match.pk)


def pro_rata_reversal_cents(*, match_cents: int, gift_cents: int, refunded_cents: int) -> int:
    """How much of a match stands reversed once `refunded_cents` of the gift are refunded.

    Rounded down (floor), computed on the running total rather than refund by refund: a second
    refund never reverses more than the cumulative share, the sum of reversals never exceeds the
    match, and the whole match is reversed exactly when the whole gift is refunded.
    """
    if gift_cents <= 0 or refunded_cents <= 0:
        return 0
    refunded_cents = min(refunded_cents, gift_cents)
    return match_cents * refunded_cents // gift_cents


def reverse_match_to(
    *, donation: Donation, reversed_cents: int, when: dt.datetime | None = None, actor=None
) -> int:
    """Bring the match's reversed part up to `reversed_cents` (never down); returns the change.

    The policy row (or the campaign's, for a campaign match) is locked first (the budget lock),
    then the match: what is reversed goes back to the budget and to the employee's cap. Calling it
    again with the same target changes nothing.
    """
    with transaction.atomic():
        match = Match.objects.filter(donation=donation).first()
        if match is None:
            return 0
        if match.campaign_id:
            return _reverse_campaign_match(match, reversed_cents, when=when, actor=actor)
        policy = MatchingPolicy.objects.select_for_update().get(pk=match.policy_id)
        match = Match.objects.select_for_update().get(pk=match.pk)
        target = min(max(reversed_cents, 0), match.amount_cents)
        delta = target - match.reversed_cents
        if delta <= 0:
            return 0
        match.reversed_cents = target
        fields = ["reversed_cents"]
        if target == match.amount_cents:
            match.status = Match.Status.REVERSED
            match.reversed_at = when or timezone.now()
            fields += ["status", "reversed_at"]
        match.save(update_fields=fields)
        policy.spent_cents -= delta
        policy.save(update_fields=["spent_cents"])
        log_action(
            action="match.reversed" if target == match.amount_cents else "match.partly_reversed",
            obj=match,
            actor=actor,
            company=policy.company,
            data={"amount_cents": delta, "reversed_cents": target},
        )
    return delta


def _reverse_campaign_match(match: Match, reversed_cents: int, *, when, actor) -> int:
    campaign = Campaign.objects.select_for_update().get(pk=match.campaign_id)
    match = Match.objects.select_for_update().get(pk=match.pk)
    target = min(max(reversed_cents, 0), match.amount_cents)
    delta = target - match.reversed_cents
    if delta <= 0:
        return 0
    match.reversed_cents = target
    fields = ["reversed_cents"]
    if target == match.amount_cents:
        match.status = Match.Status.REVERSED
        match.reversed_at = when or timezone.now()
        fields += ["status", "reversed_at"]
    match.save(update_fields=fields)
    campaign.match_spent_cents -= delta
    campaign.save(update_fields=["match_spent_cents"])
    log_action(
        action="match.reversed" if target == match.amount_cents else "match.partly_reversed",
        obj=match,
        actor=actor,
        company=campaign.company,
        data={"amount_cents": delta, "reversed_cents": target, "campaign": campaign.pk},
    )
    return delta


def estimate_match_cents(donations: list[Donation]) -> int:
    """What match_donations would give these unsaved donations now, writing nothing.

    The same rules (period, eligibility, each employee's cap, the budget) read without locks:
    the confirmation page states it, the confirmation itself recomputes it under the lock.
    """
    by_policy: dict[int, list[Donation]] = defaultdict(list)
    policies: dict[int, MatchingPolicy] = {}
    found: dict[tuple[int, dt.date], MatchingPolicy | None] = {}
    for donation in donations:
        key = (donation.company_id, timezone.localtime(donation.occurred_at).date())
        if key not in found:
            found[key] = policy_for(donation)
        if policy := found[key]:
            policies[policy.pk] = policy
            by_policy[policy.pk].append(donation)
    total = 0
    for policy_id, items in by_policy.items():
        policy = policies[policy_id]
        scope = _scope(policy, {d.association_id for d in items})
        used = defaultdict(
            int,
            Match.objects.filter(policy=policy, status=Match.Status.ACTIVE)
            .values("employee_id")
            .annotate(total=Sum(F("amount_cents") - F("reversed_cents")))
            .values_list("employee_id", "total"),
        )
        left_budget = policy.yearly_budget_cents - policy.spent_cents
        for donation in items:
            if not _eligible(policy, donation, scope):
                continue
            wanted = wanted_match_cents(policy, donation.amount_cents)
            amount = min(
                wanted, policy.employee_yearly_cap_cents - used[donation.donor_id], left_budget
            )
            if amount <= 0:
                continue
            used[donation.donor_id] += amount
            left_budget -= amount
            total += amount
    return total


@dataclass(frozen=True)
class MatchTerms:
    """What the company would add to one more card gift now: the ratio and what is left of the
    employee's cap and of the budget (the smaller of the two), and the campaign if one applies."""

    numerator: int
    denominator: int
    left_cents: int
    campaign: Campaign | None = None

    def match_cents(self, amount_cents: int) -> int:
        if amount_cents <= 0:
            return 0
        return max(0, min(amount_cents * self.numerator // self.denominator, self.left_cents))

    def as_dict(self) -> dict:
        return {
            "num": self.numerator,
            "den": self.denominator,
            "left": self.left_cents,
            "campaign": self.campaign.title if self.campaign else "",
        }


def card_match_terms(
    *, donor, association_ids: list[int], when: dt.datetime | None = None
) -> dict[int, MatchTerms]:
    """The terms match_donations would apply to a card gift by `donor` to each association now.

    The same rules as the webhook's match (campaign first, else the policy's eligibility, cap
    and budget), read without locks: the card form shows it, the webhook recomputes it.
    Associations whose gift would not be matched are left out.
    """
    when = when or timezone.now()
    company = donor.company
    day = company_date(company, when)
    terms: dict[int, MatchTerms] = {}
    campaigns = (
        Campaign.objects.filter(
            company=company,
            kind=Campaign.Kind.GIVING,
            launched_at__isnull=False,
            starts_on__lte=day,
            ends_on__gte=day,
            match_budget_cents__gt=0,
            currency=company.currency,
            associations__in=association_ids,
        )
        .distinct()
        .order_by("-starts_on", "-id")
        .prefetch_related("associations")
    )
    for campaign in campaigns:
        used = _used_by_employee(campaign=campaign, employee=donor)[donor.pk]
        left = max(
            0,
            min(
                campaign.employee_cap_cents - used,
                campaign.match_budget_cents - campaign.match_spent_cents,
            ),
        )
        for association in campaign.associations.all():
            if association.pk in association_ids and association.pk not in terms:
                terms[association.pk] = MatchTerms(
                    campaign.match_ratio_numerator, campaign.match_ratio_denominator, left, campaign
                )
    probe = Donation(
        company_id=company.pk,
        donor=donor,
        occurred_at=when,
        currency=company.currency,
        source=Donation.Source.CARD,
        amount_cents=1,
    )
    rest = [pk for pk in association_ids if pk not in terms]
    policy = policy_for(probe, day=day) if rest else None
    if policy is None:
        return terms
    scope = _scope(policy, set(rest))
    used = _used_by_employee(policy=policy, employee=donor)[donor.pk]
    left = max(
        0,
        min(
            policy.employee_yearly_cap_cents - used,
            policy.yearly_budget_cents - policy.spent_cents,
        ),
    )
    for association_id in rest:
        probe.association_id = association_id
        if _eligible(policy, probe, scope):
            terms[association_id] = MatchTerms(
                policy.ratio_numerator, policy.ratio_denominator, left
            )
    return terms
