"""Card donations through the real Stripe SDK against localstripe, and the webhook's guarantees."""

from __future__ import annotations

import threading
import time

import pytest
import stripe
from django.db import connection
from django.test import Client
from django.urls import reverse

from donations.exceptions import PaymentProviderError
from donations.models import Donation, Match, PaymentAttempt, StripeEvent
from donations.payments import get_provider
from donations.payments.stripe_provider import StripeProvider
from donations.services.cards import start_card_donation, submit_payment
from tests.donations.stripe_fakes import IdempotencyFake, event_payload, sign, use_localstripe

# localstripe registers plain functions as aiohttp handlers.
pytestmark = pytest.mark.filterwarnings("ignore:Bare functions are deprecated:DeprecationWarning")
SECRET = "whsec_test_cordee"


@pytest.fixture
def localstripe(settings):
    return use_localstripe(settings, SECRET)


@pytest.fixture
def browser_sdk(localstripe):
    """What Stripe.js does in the browser, done with the SDK: attach a card and confirm."""
    client = stripe.StripeClient("sk_test_cordee", base_addresses={"api": localstripe.url})

    def pay(attempt: PaymentAttempt, card: str = "pm_card_visa"):
        client.v1.payment_intents.update(attempt.external_id, params={"payment_method": card})
        try:
            return client.v1.payment_intents.confirm(attempt.external_id)
        except stripe.StripeError as exc:
            return exc

    pay.client = client
    return pay


def deliver(client: Client, payload: bytes, *, signature: str | None = None):
    return client.post(
        reverse("donations:payment_webhook"),
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature or sign(payload, SECRET),
    )


def succeeded_event(attempt: PaymentAttempt, event_id: str = "evt_ok_1") -> bytes:
    return event_payload(
        event_id,
        "payment_intent.succeeded",
        {"id": attempt.external_id, "object": "payment_intent", "status": "succeeded"},
    )


@pytest.fixture
def paid_attempt(db, localstripe, browser_sdk, employee_a, associations, policy_a):
    attempt = start_card_donation(
        donor=employee_a, association_id=associations[0].pk, amount_cents=2500
    )
    browser_sdk(attempt)
    return attempt


@pytest.mark.django_db
def test_provider_is_stripe_when_configured(localstripe):
    assert isinstance(get_provider(), StripeProvider)


@pytest.mark.django_db
def test_payment_intent_created_with_metadata_and_key(localstripe, employee_a, associations):
    attempt = start_card_donation(
        donor=employee_a, association_id=associations[0].pk, amount_cents=1000, cover_fees=True
    )
    assert attempt.status == PaymentAttempt.Status.PENDING
    assert attempt.external_id.startswith("pi_") and "_secret_" in attempt.client_secret
    state = get_provider().retrieve_payment(attempt.external_id)
    assert state.amount_cents == 1000 + attempt.fee_cents == 1040
    assert state.metadata["association"] == str(associations[0].pk)
    assert state.status == "pending"
    assert not Donation.objects.exists()


@pytest.mark.django_db
def test_succeeded_webhook_records_one_donation_and_match(client, paid_attempt):
    response = deliver(client, succeeded_event(paid_attempt))
    assert response.status_code == 200
    donation = Donation.objects.get()
    assert (donation.source, donation.amount_cents, donation.external_reference) == (
        "card",
        2500,
        paid_attempt.external_id,
    )
    assert donation.match.amount_cents == 2500
    paid_attempt.refresh_from_db()
    assert paid_attempt.status == PaymentAttempt.Status.SUCCEEDED


@pytest.mark.django_db
def test_same_event_ten_times_in_sequence_gives_one_donation(client, paid_attempt):
    payload = succeeded_event(paid_attempt)
    for _ in range(10):
        assert deliver(client, payload).status_code == 200
    assert Donation.objects.count() == 1 and Match.objects.count() == 1
    assert StripeEvent.objects.count() == 1


@pytest.mark.django_db
def test_two_events_for_one_payment_give_one_donation(client, paid_attempt):
    deliver(client, succeeded_event(paid_attempt, "evt_a"))
    charge = event_payload(
        "evt_b",
        "charge.succeeded",
        {"id": "ch_x", "object": "charge", "payment_intent": paid_attempt.external_id},
    )
    deliver(client, charge)
    assert Donation.objects.count() == 1 and Match.objects.count() == 1


@pytest.mark.django_db
def test_forged_signature_is_refused_and_writes_nothing(client, paid_attempt):
    payload = succeeded_event(paid_attempt)
    response = deliver(client, payload, signature=sign(payload, "whsec_wrong"))
    assert response.status_code == 400
    assert not StripeEvent.objects.exists() and not Donation.objects.exists()


@pytest.mark.django_db
def test_stale_timestamp_is_refused_and_writes_nothing(client, paid_attempt):
    payload = succeeded_event(paid_attempt)
    stale = sign(payload, SECRET, timestamp=int(time.time()) - 301)
    assert deliver(client, payload, signature=stale).status_code == 400
    assert not StripeEvent.objects.exists() and not Donation.objects.exists()


@pytest.mark.django_db
def test_tampered_body_is_refused(client, paid_attempt):
    payload = succeeded_event(paid_attempt)
    signature = sign(payload, SECRET)
    assert (
        deliver(client, payload.replace(b"evt_ok_1", b"evt_ok_2"), signature=signature).status_code
        == 400
    )


@pytest.mark.django_db
def test_event_claiming_success_is_checked_with_stripe(
    client, localstripe, employee_a, associations
):
    # The intent exists but nobody paid it: the event body lies, Stripe's answer wins.
    attempt = start_card_donation(
        donor=employee_a, association_id=associations[0].pk, amount_cents=900
    )
    assert deliver(client, succeeded_event(attempt)).status_code == 200
    assert not Donation.objects.exists()


@pytest.mark.django_db
def test_unknown_objects_are_acknowledged(client, localstripe):
    payload = event_payload("evt_cus", "customer.created", {"id": "cus_1", "object": "customer"})
    assert deliver(client, payload).status_code == 200
    other = event_payload(
        "evt_pi", "payment_intent.succeeded", {"id": "pi_nobody", "object": "payment_intent"}
    )
    assert deliver(client, other).status_code == 200
    assert StripeEvent.objects.count() == 2 and not Donation.objects.exists()


@pytest.mark.django_db
def test_declined_card_marks_the_attempt_failed(
    client, localstripe, browser_sdk, employee_a, associations
):
    attempt = start_card_donation(
        donor=employee_a, association_id=associations[0].pk, amount_cents=700
    )
    browser_sdk(attempt, card="pm_card_chargeCustomerFail")
    payload = event_payload(
        "evt_fail",
        "payment_intent.payment_failed",
        {"id": attempt.external_id, "object": "payment_intent"},
    )
    assert deliver(client, payload).status_code == 200
    attempt.refresh_from_db()
    assert attempt.status == PaymentAttempt.Status.FAILED
    assert not Donation.objects.exists()


@pytest.mark.django_db
def test_refund_reverses_the_match(client, paid_attempt, policy_a):
    from donations.services.cards import refund_card_donation

    deliver(client, succeeded_event(paid_attempt))
    donation = Donation.objects.get()
    refund_card_donation(donation=donation)
    refunded = event_payload(
        "evt_refund",
        "charge.refunded",
        {"id": "ch_any", "object": "charge", "payment_intent": paid_attempt.external_id},
    )
    assert deliver(client, refunded).status_code == 200
    donation.refresh_from_db()
    assert donation.status == Donation.Status.REFUNDED
    assert donation.match.status == Match.Status.REVERSED
    policy_a.refresh_from_db()
    assert policy_a.spent_cents == 0
    from donations.services.reconcile import reconcile

    assert reconcile() == []


@pytest.mark.django_db
def test_card_page_loads_stripe_js_from_the_setting_with_a_targeted_csp(
    client, localstripe, employee_a, associations
):
    attempt = start_card_donation(
        donor=employee_a, association_id=associations[0].pk, amount_cents=700
    )
    client.force_login(employee_a.user)
    response = client.get(reverse("donations:card_pay", args=[attempt.pk]))
    assert f'src="{localstripe.url}/js.stripe.com/v3/"' in response.content.decode()
    assert localstripe.url in response["Content-Security-Policy"]
    other = client.get(reverse("donations:home"))
    assert localstripe.url not in other["Content-Security-Policy"]


@pytest.mark.django_db
def test_retry_reuses_the_stored_idempotency_key(settings, employee_a, associations):
    fake = IdempotencyFake()
    try:
        provider = StripeProvider(secret_key="sk_test_fake", api_base=fake.url)
        attempt = start_card_donation(
            donor=employee_a,
            association_id=associations[0].pk,
            amount_cents=1000,
            provider=provider,
        )
        first = attempt.external_id
        again = submit_payment(attempt=attempt, provider=provider)
        assert again.external_id == first
        assert fake.calls == [attempt.idempotency_key, attempt.idempotency_key]
    finally:
        fake.close()


def test_refund_requests_carry_one_idempotency_key_per_payment():
    fake = IdempotencyFake()
    try:
        provider = StripeProvider(secret_key="sk_test_fake", api_base=fake.url)
        provider.refund("pi_123")
        provider.refund("pi_123")
        provider.refund("pi_456", amount_cents=500)
        assert fake.calls == [
            "cordee-refund-pi_123-all",
            "cordee-refund-pi_123-all",
            "cordee-refund-pi_456-500",
        ]
    finally:
        fake.close()


@pytest.mark.django_db
def test_provider_failure_is_recorded_and_raised(employee_a, associations):
    provider = StripeProvider(secret_key="sk_test_x", api_base="http://127.0.0.1:9")
    with pytest.raises(PaymentProviderError):
        start_card_donation(
            donor=employee_a,
            association_id=associations[0].pk,
            amount_cents=1000,
            provider=provider,
        )
    assert PaymentAttempt.objects.get().status == PaymentAttempt.Status.FAILED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_same_event_ten_times_concurrently_gives_one_donation(paid_attempt):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    payload = succeeded_event(paid_attempt, "evt_concurrent")
    barrier = threading.Barrier(10)
    statuses = []

    def post():
        try:
            barrier.wait()
            statuses.append(deliver(Client(), payload).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 10
    assert Donation.objects.count() == 1 and Match.objects.count() == 1
    assert StripeEvent.objects.count() == 1
