"""Campaign results in the impact metrics, the dashboard and the PDF report's context."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from donations.models import Campaign
from donations.services.matching import match_donation
from reporting.periods import year_period
from reporting.report_context import report_context
from reporting.selectors.metrics import company_metrics
from tests.donations.helpers import card_donation
from tests.factories import PASSWORD, make_association

pytestmark = pytest.mark.django_db


@pytest.fixture
def christmas(company_a, employee_a, site_tree):
    association = make_association(title="Les Restos")
    campaign = Campaign.objects.create(
        company=company_a,
        title="Christmas collection",
        starts_on=dt.date(2025, 12, 1),
        ends_on=dt.date(2025, 12, 24),
        currency="EUR",
        goal_cents=20_000,
        match_ratio_numerator=2,
        employee_cap_cents=10_000,
        match_budget_cents=50_000,
        launched_at=timezone.now(),
    )
    campaign.associations.add(association)
    gift = card_donation(
        employee_a, association, 3_000, when=dt.datetime(2025, 12, 10, 12, tzinfo=dt.UTC)
    )
    match_donation(gift)
    # A draft never counts.
    Campaign.objects.create(
        company=company_a,
        title="Draft drive",
        starts_on=dt.date(2025, 6, 1),
        ends_on=dt.date(2025, 6, 2),
        currency="EUR",
    )
    return campaign


def test_metrics_hold_the_campaigns_of_the_period(company_a, christmas):
    metrics = company_metrics(company=company_a, period=year_period(2025))
    [row] = metrics["campaigns"]
    assert (row["title"], row["gifts_cents"], row["matched_cents"], row["percent"]) == (
        "Christmas collection",
        3_000,
        6_000,
        45,
    )
    assert company_metrics(company=company_a, period=year_period(2024))["campaigns"] == []
    context = report_context(metrics=metrics, colour="#123456")
    assert "200" in context["campaign_rows"][0]["goal_text"]


def test_dashboard_shows_campaign_results(client, company_a, csr_a, christmas):
    client.login(username=csr_a.user.username, password=PASSWORD)
    html = client.get(
        reverse("reporting:dashboard"), {"kind": "year", "year": "2025"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Christmas collection" in html and "Draft drive" not in html
