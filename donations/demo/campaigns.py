"""Campaign demo data: a running Christmas collection (card gifts matched 2:1 during it) and a
volunteering campaign over the company's missions, for each company.

Idempotent: a company that already has a campaign is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from donations.models import Campaign
from donations.payments.dummy import DummyProvider
from donations.services.campaigns import CampaignTerms, create_campaign, launch_campaign
from donations.services.cards import handle_provider_event, start_card_donation
from donations.services.notifications import suppressed
from portal.calendar import company_today
from portal.models import Company, EmployeeProfile

SEED = 14


def seed(*, scale=None) -> None:
    from donations.selectors import card_associations

    associations = list(card_associations()[:3])
    if not associations:
        return
    for company in Company.objects.order_by("pk"):
        if Campaign.objects.filter(company=company).exists():
            continue
        seed_company(company, associations)


@suppressed()  # the demo's launch e-mails go to nobody
@transaction.atomic
def seed_company(company: Company, associations) -> None:
    from missions.selectors.engagement import visible_missions_for_company

    rng = random.Random(f"{SEED}-{company.slug}")  # noqa: S311 - reproducible demo data
    today = company_today(company)
    christmas = create_campaign(
        company=company,
        terms=CampaignTerms(
            kind="giving",
            title="Collecte de Noël",
            description=(
                "Pour les fêtes, chaque don par carte aux associations de la collecte est "
                "doublé par l'entreprise."
            ),
            starts_on=today - dt.timedelta(days=7),
            ends_on=today + dt.timedelta(days=30),
            association_ids=frozenset(a.pk for a in associations),
            goal_cents=500_000,
            match_ratio_numerator=2,
            match_ratio_denominator=1,
            employee_cap_cents=20_000,
            match_budget_cents=300_000,
        ),
    )
    launch_campaign(campaign=christmas)
    missions = list(
        visible_missions_for_company(company.pk).live().order_by("pk").values_list("pk", flat=True)
    )[:4]
    if missions:
        launch_campaign(
            campaign=create_campaign(
                company=company,
                terms=CampaignTerms(
                    kind="volunteering",
                    title="Mois de l'engagement",
                    description="Un mois pour donner du temps aux associations partenaires.",
                    starts_on=today - dt.timedelta(days=20),
                    ends_on=today + dt.timedelta(days=40),
                    mission_ids=frozenset(missions),
                    goal_hours=300,
                ),
            )
        )
    # A few colleagues already gave during the collection (the main demo employee did not:
    # her first gift shows the campaign's match on the card form).
    donors = list(
        EmployeeProfile.objects.filter(company=company)
        .exclude(user__email__startswith="employee@")
        .order_by("pk")[:40]
    )
    provider = DummyProvider()
    for donor in rng.sample(donors, min(len(donors), 12)):
        attempt = start_card_donation(
            donor=donor,
            association_id=rng.choice(associations).pk,
            amount_cents=rng.choice([1000, 2000, 3000, 5000]),
            provider=provider,
        )
        handle_provider_event(provider.succeeded_event(attempt.external_id), provider=provider)
