"""Campaigns run by CSR officers: create, edit, launch (with the e-mail to employees).

Every change is validated here (the forms only parse) and audited; a broken campaign raises
`InvalidCampaign` whose `errors` name the form field of each message, and nothing is written.
Match terms are changed under the campaign row's lock, the one `matching` takes, so a budget is
never cut below what was already matched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.exceptions import GivingError
from donations.models import Campaign
from donations.services.audit import log_action
from portal.models import Company
from portal.money import format_money

# Beyond 100:1 (or 1:100) a ratio is a typo, not a campaign.
MAX_RATIO_TERM = 100
# A campaign runs for days or weeks; a longer one is a standing policy.
MAX_DAYS = 366


class InvalidCampaign(GivingError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


@dataclass(frozen=True)
class CampaignTerms:
    """What an officer sets on a campaign; amounts in cents of the company's currency."""

    kind: str
    title: str
    description: str
    starts_on: dt.date
    ends_on: dt.date  # included
    association_ids: frozenset[int] = field(default_factory=frozenset)
    mission_ids: frozenset[int] = field(default_factory=frozenset)
    goal_cents: int | None = None
    goal_hours: int | None = None
    match_ratio_numerator: int = 1
    match_ratio_denominator: int = 1
    employee_cap_cents: int = 0
    match_budget_cents: int = 0


def _allowed_associations(company: Company) -> set[int]:
    from donations.selectors import card_associations

    return set(card_associations().values_list("pk", flat=True))


def _allowed_missions(company: Company) -> set[int]:
    from missions.selectors.engagement import visible_missions_for_company

    return set(visible_missions_for_company(company.pk).live().values_list("pk", flat=True))


def _validate(company: Company, terms: CampaignTerms, campaign: Campaign | None) -> None:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if terms.kind not in Campaign.Kind.values:
        add("kind", _("Choose a giving or a volunteering campaign."))
    if not terms.title.strip():
        add("title", _("Give the campaign a title."))
    elif "\n" in terms.title or "\r" in terms.title:
        add("title", _("The title must fit on one line."))
    if terms.ends_on < terms.starts_on:
        add("ends_on", _("The last day must be on or after the first day."))
    elif (terms.ends_on - terms.starts_on).days >= MAX_DAYS:
        add("ends_on", _("A campaign lasts at most a year."))
    if terms.kind == Campaign.Kind.GIVING:
        if not terms.association_ids:
            add("associations", _("Choose at least one association."))
        elif terms.association_ids - _allowed_associations(company):
            add("associations", _("Some of these associations do not take donations."))
        if terms.goal_cents is not None and terms.goal_cents <= 0:
            add("goal_amount", _("The goal must be above zero."))
        for name, value in (
            ("match_ratio_numerator", terms.match_ratio_numerator),
            ("match_ratio_denominator", terms.match_ratio_denominator),
        ):
            if not 1 <= value <= MAX_RATIO_TERM:
                add(name, _("Each term of the ratio is between 1 and 100."))
        if terms.employee_cap_cents < 0:
            add("employee_cap", _("The cap cannot be negative."))
        if terms.match_budget_cents < 0:
            add("match_budget", _("The budget cannot be negative."))
        spent = campaign.match_spent_cents if campaign else 0
        if terms.match_budget_cents < spent:
            add(
                "match_budget",
                _("The budget cannot be below what was already matched (%(spent)s).")
                % {"spent": format_money(spent, company.currency)},
            )
    elif terms.kind == Campaign.Kind.VOLUNTEERING:
        if not terms.mission_ids:
            add("missions", _("Choose at least one mission."))
        elif terms.mission_ids - _allowed_missions(company):
            add("missions", _("Some of these missions are not open to your company."))
        if terms.goal_hours is not None and terms.goal_hours <= 0:
            add("goal_hours", _("The goal must be above zero."))
    if errors:
        raise InvalidCampaign(errors)


def _apply(campaign: Campaign, terms: CampaignTerms) -> None:
    giving = terms.kind == Campaign.Kind.GIVING
    campaign.kind = terms.kind
    campaign.title = terms.title.strip()
    campaign.description = terms.description.strip()
    campaign.starts_on = terms.starts_on
    campaign.ends_on = terms.ends_on
    campaign.goal_cents = terms.goal_cents if giving else None
    campaign.goal_hours = None if giving else terms.goal_hours
    if giving:
        campaign.match_ratio_numerator = terms.match_ratio_numerator
        campaign.match_ratio_denominator = terms.match_ratio_denominator
        campaign.employee_cap_cents = terms.employee_cap_cents
        campaign.match_budget_cents = terms.match_budget_cents
    elif not campaign.match_spent_cents:
        campaign.employee_cap_cents = campaign.match_budget_cents = 0


def _audit_data(campaign: Campaign) -> dict:
    return {
        "kind": campaign.kind,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "ratio": campaign.ratio_display(),
        "employee_cap_cents": campaign.employee_cap_cents,
        "match_budget_cents": campaign.match_budget_cents,
        "goal_cents": campaign.goal_cents,
        "goal_hours": campaign.goal_hours,
    }


@transaction.atomic
def create_campaign(*, company: Company, terms: CampaignTerms, actor=None) -> Campaign:
    _validate(company, terms, None)
    campaign = Campaign(company=company, currency=company.currency, created_by=_user(actor))
    _apply(campaign, terms)
    campaign.save()
    _set_links(campaign, terms)
    log_action(
        action="campaign.created",
        obj=campaign,
        actor=actor,
        company=company,
        data=_audit_data(campaign),
    )
    return campaign


@transaction.atomic
def update_campaign(*, campaign: Campaign, terms: CampaignTerms, actor=None) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _validate(campaign.company, terms, campaign)
    if campaign.match_spent_cents and terms.kind != campaign.kind:
        raise InvalidCampaign({"kind": [_("A campaign that already matched gifts stays one.")]})
    _apply(campaign, terms)
    campaign.save()
    _set_links(campaign, terms)
    log_action(
        action="campaign.changed",
        obj=campaign,
        actor=actor,
        company=campaign.company,
        data=_audit_data(campaign),
    )
    return campaign


def _set_links(campaign: Campaign, terms: CampaignTerms) -> None:
    giving = campaign.is_giving
    campaign.associations.set(sorted(terms.association_ids) if giving else [])
    campaign.missions.set([] if giving else sorted(terms.mission_ids))


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def launch_campaign(*, campaign: Campaign, actor=None) -> Campaign:
    """Open the campaign: its match terms apply from now, and employees hear of it once."""
    from donations.services import notifications

    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.is_launched:
        raise InvalidCampaign({"__all__": [_("This campaign is already launched.")]})
    from portal.calendar import company_today

    if campaign.ends_on < company_today(campaign.company):
        raise InvalidCampaign({"__all__": [_("This campaign is over: it cannot be launched.")]})
    campaign.launched_at = timezone.now()
    campaign.save(update_fields=["launched_at"])
    log_action(action="campaign.launched", obj=campaign, actor=actor, company=campaign.company)
    notifications.enqueue_campaign_launch(campaign_id=campaign.pk)
    return campaign


def recipients_filter(company: Company, today: dt.date) -> Q:
    """Employees who hear of a campaign: in post, with campaign news on."""
    return Q(company=company, notify_campaign_news=True, user__is_active=True) & (
        Q(leave_date__isnull=True) | Q(leave_date__gte=today)
    )
