"""The demo's card payment: a button plays the bank, through the same path as the webhook."""

from __future__ import annotations

import pytest
from django.urls import reverse

from donations.models import Donation, Match, PaymentAttempt, StripeEvent
from donations.services.cards import start_card_donation
from tests.donations.stripe_fakes import use_localstripe
from tests.factories import make_employee

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(employee_a, associations, policy_a):
    return start_card_donation(
        donor=employee_a, association_id=associations[0].pk, amount_cents=2000
    )


def test_demo_pay_records_the_gift_and_its_match(client, employee_a, pending):
    client.force_login(employee_a.user)
    page = client.get(reverse("donations:card_pay", args=[pending.pk])).content.decode()
    assert reverse("donations:card_pay_simulated", args=[pending.pk]) in page
    response = client.post(reverse("donations:card_pay_simulated", args=[pending.pk]))
    assert response["Location"] == reverse("donations:card_done", args=[pending.pk])
    donation = Donation.objects.get()
    assert (donation.amount_cents, donation.source, donation.payment_id) == (
        2000,
        "card",
        pending.pk,
    )
    assert Match.objects.get(donation=donation).amount_cents == 2000
    assert StripeEvent.objects.count() == 1
    done = client.get(reverse("donations:card_done", args=[pending.pk])).content.decode()
    assert "20,00\xa0€" in done and "40,00\xa0€" in done
    # Pressing it again (back button, double click) records nothing more.
    client.post(reverse("donations:card_pay_simulated", args=[pending.pk]))
    assert Donation.objects.count() == 1 and Match.objects.count() == 1


def test_demo_pay_needs_a_post(client, employee_a, pending):
    client.force_login(employee_a.user)
    assert client.get(reverse("donations:card_pay_simulated", args=[pending.pk])).status_code == 405
    assert not Donation.objects.exists()


def test_nobody_pays_for_someone_else(client, company_a, company_b, pending):
    for profile in (make_employee(company_a), make_employee(company_b)):
        client.force_login(profile.user)
        url = reverse("donations:card_pay_simulated", args=[pending.pk])
        assert client.post(url).status_code == 404
    assert not Donation.objects.exists()
    assert PaymentAttempt.objects.get().status == PaymentAttempt.Status.PENDING


@pytest.mark.filterwarnings("ignore:Bare functions are deprecated:DeprecationWarning")
def test_no_demo_button_where_money_is_real(client, settings, employee_a, associations):
    use_localstripe(settings, "whsec_demo")
    attempt = start_card_donation(
        donor=employee_a, association_id=associations[0].pk, amount_cents=2000
    )
    client.force_login(employee_a.user)
    page = client.get(reverse("donations:card_pay", args=[attempt.pk])).content.decode()
    assert "demo-pay" not in page
    url = reverse("donations:card_pay_simulated", args=[attempt.pk])
    assert client.post(url).status_code == 404
    assert not Donation.objects.exists()
