"""Campaigns: a CSR officer runs one end to end; card gifts during it are matched at its ratio
(through the real webhook path against localstripe), within its cap; outside, the policy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from donations.models import AuditEntry, Campaign, Donation, Match
from donations.selectors import open_campaigns, progress_of
from donations.services.campaigns import (
    CampaignTerms,
    InvalidCampaign,
    create_campaign,
    launch_campaign,
    update_campaign,
)
from donations.services.cards import start_card_donation
from donations.services.matching import card_match_terms, match_donation, reverse_match
from portal.calendar import company_today
from tests.donations.helpers import card_donation, make_donation, this_year_policy
from tests.donations.test_stripe_webhooks import (  # noqa: F401 - fixtures
    SECRET,
    browser_sdk,
    deliver,
    localstripe,
    succeeded_event,
)
from tests.factories import make_employee, make_mission

pytestmark = pytest.mark.filterwarnings("ignore:Bare functions are deprecated:DeprecationWarning")


def _today(company):
    return company_today(company)


def giving_terms(associations, company, **overrides) -> CampaignTerms:
    today = _today(company)
    values = {
        "kind": "giving",
        "title": "Collecte de Noël",
        "description": "Every gift doubled.",
        "starts_on": today - dt.timedelta(days=1),
        "ends_on": today + dt.timedelta(days=10),
        "association_ids": frozenset(a.pk for a in associations),
        "goal_cents": 500_000,
        "match_ratio_numerator": 2,
        "match_ratio_denominator": 1,
        "employee_cap_cents": 10_000,
        "match_budget_cents": 100_000,
    }
    values.update(overrides)
    return CampaignTerms(**values)


@pytest.fixture
def policy(company_a):
    return this_year_policy(company_a)


@pytest.fixture
def campaign(company_a, associations, csr_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = create_campaign(
            company=company_a, terms=giving_terms(associations[:1], company_a), actor=csr_a.user
        )
        return launch_campaign(campaign=made, actor=csr_a.user)


def _form_data(associations, company, **overrides) -> dict:
    today = _today(company)
    data = {
        "kind": "giving",
        "title": "Collecte de Noël",
        "description": "",
        "starts_on": (today - dt.timedelta(days=1)).isoformat(),
        "ends_on": (today + dt.timedelta(days=20)).isoformat(),
        "associations": [str(a.pk) for a in associations],
        "goal_amount": "5000",
        "match_ratio_numerator": "2",
        "match_ratio_denominator": "1",
        "employee_cap": "100",
        "match_budget": "1000",
    }
    data.update(overrides)
    return data


# End to end, through the webhook --------------------------------------------------------------


@pytest.mark.django_db
def test_csr_runs_a_campaign_and_a_card_gift_during_it_is_matched_at_its_ratio(
    client,
    localstripe,  # noqa: F811
    browser_sdk,  # noqa: F811
    csr_a,
    employee_a,
    associations,
    policy,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    employee_a.language = "fr"
    employee_a.save(update_fields=["language"])
    client.force_login(csr_a.user)
    response = client.post(
        reverse("donations:campaign_create"), _form_data(associations[:1], csr_a.company)
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert not campaign.is_launched
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("donations:campaign_launch", args=[campaign.pk]))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.is_launched
    to_employee = [m for m in mailoutbox if m.to == [employee_a.user.email]]
    assert len(to_employee) == 1 and "Collecte de Noël" in to_employee[0].subject
    assert "lance" in to_employee[0].body  # written in French, her language

    attempt = start_card_donation(
        donor=employee_a, association_id=associations[0].pk, amount_cents=3000
    )
    browser_sdk(attempt)
    assert deliver(client, succeeded_event(attempt)).status_code == 200
    match = Donation.objects.get().match
    assert (match.amount_cents, match.campaign_id, match.policy_id) == (6000, campaign.pk, None)
    campaign.refresh_from_db()
    policy.refresh_from_db()
    assert campaign.match_spent_cents == 6000 and policy.spent_cents == 0

    client.force_login(employee_a.user)
    page = client.get(reverse("donations:campaign", args=[campaign.pk]))
    assert page.status_code == 200
    assert page.context["progress"].raised_cents == 9000


@pytest.mark.django_db
def test_campaign_cap_reached_matches_the_rest_then_nothing_not_the_policy(
    client,
    localstripe,  # noqa: F811
    browser_sdk,  # noqa: F811
    employee_a,
    associations,
    policy,
    campaign,
):
    matched = []
    for n, cents in enumerate((3000, 3000, 2000)):
        attempt = start_card_donation(
            donor=employee_a, association_id=associations[0].pk, amount_cents=cents
        )
        browser_sdk(attempt)
        deliver(client, succeeded_event(attempt, f"evt_cap_{n}"))
        donation = Donation.objects.get(payment=attempt)
        matched.append(Match.objects.filter(donation=donation).first())
    # Cap 100 €: 60 + 40 (partial), then nothing; the policy does not take over.
    assert [m.amount_cents if m else None for m in matched] == [6000, 4000, None]
    assert matched[1].is_partial
    campaign.refresh_from_db()
    assert campaign.match_spent_cents == 10_000
    policy.refresh_from_db()
    assert policy.spent_cents == 0
    from donations.services.reconcile import reconcile

    assert reconcile() == []


# Outside the campaign: the policy ---------------------------------------------------------------


@pytest.mark.django_db
def test_gift_before_the_campaign_or_to_another_association_gets_the_policy(
    employee_a, associations, policy, campaign
):
    before = card_donation(
        employee_a,
        associations[0],
        2000,
        when=timezone.now() - dt.timedelta(days=3),
    )
    other = card_donation(employee_a, associations[1], 2000, when=timezone.now())
    for donation in (before, other):
        match = match_donation(donation)
        assert (match.amount_cents, match.policy_id, match.campaign_id) == (2000, policy.pk, None)


@pytest.mark.django_db
def test_payroll_gift_during_the_campaign_keeps_the_policy(
    employee_a, associations, policy, campaign
):
    donation = make_donation(employee_a, associations[0], 1000, when=timezone.now())
    match = match_donation(donation)
    assert (match.policy_id, match.campaign_id, match.amount_cents) == (policy.pk, None, 1000)


@pytest.mark.django_db
def test_draft_campaign_does_not_override_the_policy(company_a, associations, policy):
    create_campaign(company=company_a, terms=giving_terms(associations, company_a))
    match = match_donation(
        card_donation(
            employee := make_employee(company_a), associations[0], 1000, when=timezone.now()
        )
    )
    assert match.policy_id == policy.pk and match.campaign_id is None
    assert employee.pk


@pytest.mark.django_db
def test_refund_gives_the_match_back_to_the_campaign_budget(employee_a, associations, campaign):
    donation = card_donation(employee_a, associations[0], 2000, when=timezone.now())
    match_donation(donation)
    campaign.refresh_from_db()
    assert campaign.match_spent_cents == 4000
    reverse_match(donation=donation)
    campaign.refresh_from_db()
    assert campaign.match_spent_cents == 0
    assert Match.objects.get().status == Match.Status.REVERSED


# The live match of the card form ------------------------------------------------------------------


@pytest.mark.django_db
def test_card_match_terms_follow_the_campaign_then_the_policy(
    employee_a, associations, policy, campaign
):
    terms = card_match_terms(donor=employee_a, association_ids=[a.pk for a in associations])
    campaign_terms, policy_terms = terms[associations[0].pk], terms[associations[1].pk]
    assert campaign_terms.campaign == campaign and campaign_terms.match_cents(3000) == 6000
    assert campaign_terms.match_cents(8000) == 10_000  # the cap
    assert policy_terms.campaign is None and policy_terms.match_cents(3000) == 3000
    match_donation(card_donation(employee_a, associations[0], 3000, when=timezone.now()))
    again = card_match_terms(donor=employee_a, association_ids=[associations[0].pk])
    assert again[associations[0].pk].left_cents == 4000


@pytest.mark.django_db
def test_card_match_endpoint_answers_json_for_the_signed_in_employee(
    client, employee_a, associations, policy, campaign
):
    client.force_login(employee_a.user)
    url = reverse("donations:card_match")
    body = client.get(url, {"association": associations[0].pk, "amount": "30"}).json()
    assert body["match_cents"] == 6000 and body["campaign"] == campaign.title
    assert body["total_cents"] == 9000
    assert client.get(url, {"association": "x", "amount": "30"}).status_code == 400
    assert client.get(url, {"association": associations[0].pk, "amount": "-3"}).status_code == 400


# The CSR officer's tools ------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_refuses_a_giving_campaign_without_association(client, csr_a, associations):
    client.force_login(csr_a.user)
    response = client.post(
        reverse("donations:campaign_create"),
        _form_data([], csr_a.company),
    )
    assert response.status_code == 400
    assert "associations" in response.context["form"].errors
    assert not Campaign.objects.exists()


@pytest.mark.django_db
def test_budget_cannot_go_below_what_was_matched(employee_a, associations, campaign):
    match_donation(card_donation(employee_a, associations[0], 3000, when=timezone.now()))
    with pytest.raises(InvalidCampaign) as refused:
        update_campaign(
            campaign=campaign,
            terms=giving_terms(associations[:1], campaign.company, match_budget_cents=5000),
        )
    assert "match_budget" in refused.value.errors


@pytest.mark.django_db
def test_launch_twice_is_refused_and_changes_are_audited(csr_a, campaign):
    with pytest.raises(InvalidCampaign):
        launch_campaign(campaign=campaign, actor=csr_a.user)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"campaign.created", "campaign.launched"} <= actions


@pytest.mark.django_db
def test_edit_page_saves_new_terms(client, csr_a, associations, campaign):
    client.force_login(csr_a.user)
    url = reverse("donations:campaign_edit", args=[campaign.pk])
    assert client.get(url).status_code == 200
    data = _form_data(associations, csr_a.company, match_ratio_numerator="3", title="Noël")
    assert client.post(url, data).status_code == 302
    campaign.refresh_from_db()
    assert (campaign.title, campaign.match_ratio_numerator) == ("Noël", 3)
    assert campaign.associations.count() == 2


@pytest.mark.django_db
def test_launch_e_mail_skips_those_who_turned_campaign_news_off_and_is_sent_once(
    company_a, associations, csr_a, mailoutbox, django_capture_on_commit_callbacks
):
    keen = make_employee(company_a)
    quiet = make_employee(company_a, notify_campaign_news=False)
    campaign = create_campaign(company=company_a, terms=giving_terms(associations, company_a))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        launch_campaign(campaign=campaign)
    recipients = [m.to[0] for m in mailoutbox]
    assert keen.user.email in recipients and quiet.user.email not in recipients
    from donations.services.notifications import send_campaign_launch

    assert send_campaign_launch(campaign_id=campaign.pk) == 0  # a retried task sends nothing


# Tenancy ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_another_company_never_reaches_a_campaign(client, csr_b, employee_b, campaign):
    for user in (csr_b.user, employee_b.user):
        client.force_login(user)
        for name in ("donations:campaign", "donations:campaign_edit"):
            assert client.get(reverse(name, args=[campaign.pk])).status_code == 404
        assert (
            client.post(reverse("donations:campaign_launch", args=[campaign.pk])).status_code == 404
        )
        assert campaign.title not in client.get(reverse("donations:campaigns")).content.decode()


@pytest.mark.django_db
def test_employees_see_launched_campaigns_but_neither_drafts_nor_the_tools(
    client, company_a, employee_a, associations, campaign
):
    draft = create_campaign(
        company=company_a, terms=giving_terms(associations, company_a, title="Brouillon")
    )
    client.force_login(employee_a.user)
    listing = client.get(reverse("donations:campaigns")).content.decode()
    assert campaign.title in listing and "Brouillon" not in listing
    assert client.get(reverse("donations:campaign", args=[draft.pk])).status_code == 404
    assert client.get(reverse("donations:campaign_create")).status_code == 404
    assert client.get(reverse("donations:campaign_edit", args=[campaign.pk])).status_code == 404


# Progress -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_giving_progress_counts_gifts_and_matches_within_dates(employee_a, associations, campaign):
    match_donation(card_donation(employee_a, associations[0], 10_000, when=timezone.now()))
    card_donation(employee_a, associations[0], 5000, when=timezone.now() - dt.timedelta(days=5))
    card_donation(employee_a, associations[1], 5000, when=timezone.now())
    progress = progress_of(campaign)
    assert (progress.gifts_cents, progress.matched_cents, progress.donors) == (10_000, 10_000, 1)
    assert progress.percent == 4  # 200 € of 5,000 €
    assert list(open_campaigns(campaign.company)) == [campaign]


@pytest.mark.django_db
def test_volunteering_campaign_counts_attended_hours_of_its_missions(company_a, employee_a, csr_a):
    from missions.models import Enrolment, EnrolmentStatus

    mission = make_mission(company=company_a, start=timezone.now() - dt.timedelta(hours=30))
    other = make_mission(company=company_a, start=timezone.now() - dt.timedelta(hours=30))
    today = _today(company_a)
    campaign = create_campaign(
        company=company_a,
        terms=CampaignTerms(
            kind="volunteering",
            title="Mois du bénévolat",
            description="",
            starts_on=today - dt.timedelta(days=5),
            ends_on=today + dt.timedelta(days=5),
            mission_ids=frozenset({mission.pk}),
            goal_hours=20,
        ),
    )
    for m in (mission, other):
        Enrolment.objects.create(
            employee=employee_a,
            session=m.sessions.get(),
            status=EnrolmentStatus.ATTENDED,
            hours=Decimal("7.5"),
        )
    progress = progress_of(campaign)
    assert (progress.hours, progress.volunteers, progress.percent) == (Decimal("7.5"), 1, 37)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_campaign_matches_never_exceed_its_budget(company_a, associations):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    campaign = create_campaign(
        company=company_a,
        terms=giving_terms(associations[:1], company_a, match_budget_cents=5000),
    )
    launch_campaign(campaign=campaign)
    donors = [make_employee(company_a) for _ in range(8)]
    gifts = [card_donation(d, associations[0], 1000, when=timezone.now()) for d in donors]
    barrier = threading.Barrier(len(gifts))

    def confirm(donation):
        try:
            barrier.wait()
            match_donation(donation)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(g,)) for g in gifts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    campaign.refresh_from_db()
    total = sum(Match.objects.filter(campaign=campaign).values_list("amount_cents", flat=True))
    assert total == campaign.match_spent_cents == 5000
    from donations.services.reconcile import reconcile

    assert reconcile() == []
