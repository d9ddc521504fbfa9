"""Reconciling with Stripe: a succeeded payment whose webhook was lost is found, then fixed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import stripe
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from donations.models import AuditEntry, Donation, Match
from donations.payments import get_provider
from donations.services.cards import start_card_donation, sync_payment
from donations.services.reconcile import reconcile
from tests.donations.stripe_fakes import use_localstripe

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:Bare functions are deprecated:DeprecationWarning"),
]


@pytest.fixture
def sdk(settings):
    server = use_localstripe(settings, "whsec_reconcile")
    return stripe.StripeClient("sk_test_cordee", base_addresses={"api": server.url})


@pytest.fixture
def paid_without_webhook(sdk, employee_a, associations, policy_a):
    """A card payment that succeeded at Stripe; its webhook was lost on the way."""
    attempt = start_card_donation(
        donor=employee_a, association_id=associations[0].pk, amount_cents=3000
    )
    sdk.v1.payment_intents.update(attempt.external_id, params={"payment_method": "pm_card_visa"})
    assert sdk.v1.payment_intents.confirm(attempt.external_id).status == "succeeded"
    return attempt


def test_reconcile_finds_a_succeeded_payment_without_donation(paid_without_webhook):
    # The database alone looks fine; the provider knows better.
    assert reconcile() == []
    problems = reconcile(provider=get_provider())
    assert [p.check for p in problems] == ["card payment"]
    assert paid_without_webhook.external_id in problems[0].detail
    assert "3000 cents EUR" in problems[0].detail


def test_reconcile_ignores_payments_other_software_made(sdk, paid_without_webhook):
    # Another integration on the same Stripe account: no `cordee_attempt` in its metadata.
    other = sdk.v1.payment_intents.create(
        params={"amount": 999, "currency": "eur", "payment_method_types": ["card"]}
    )
    sdk.v1.payment_intents.update(other.id, params={"payment_method": "pm_card_visa"})
    sdk.v1.payment_intents.confirm(other.id)
    problems = reconcile(provider=get_provider())
    assert len(problems) == 1
    assert other.id not in problems[0].detail


def test_reconcile_skips_payments_older_than_the_window(paid_without_webhook):
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert reconcile(provider=get_provider(), since=tomorrow) == []


def test_command_exits_non_zero_then_records_the_missing_donation(paid_without_webhook):
    out = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("reconcile", stdout=out)
    assert info.value.returncode == 2
    assert paid_without_webhook.external_id in out.getvalue()
    assert not Donation.objects.exists()

    out = io.StringIO()
    call_command("reconcile", "--record-missing", stdout=out)
    assert f"payment {paid_without_webhook.external_id}: recorded" in out.getvalue()
    donation = Donation.objects.get()
    assert donation.amount_cents == 3000
    assert Match.objects.get(donation=donation).amount_cents == 3000
    assert AuditEntry.objects.filter(action="payment.synced").count() == 1
    # Running it again changes nothing.
    call_command("reconcile", "--record-missing", stdout=io.StringIO())
    assert Donation.objects.count() == 1 and Match.objects.count() == 1


def test_offline_command_does_not_ask_the_provider(paid_without_webhook):
    out = io.StringIO()
    call_command("reconcile", "--offline", stdout=out)
    assert "every invariant holds" in out.getvalue()


def test_sync_of_an_unknown_payment_changes_nothing(sdk):
    assert sync_payment(external_id="pi_unknown") == "unknown"
    assert not AuditEntry.objects.exists()
