"""Chargebacks: signed dispute events, the dispute re-read from a local fake of Stripe's API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from donations.models import (
    AuditEntry,
    Dispute,
    Donation,
    Match,
    MatchingPolicy,
    PaymentAttempt,
    Refund,
    StripeEvent,
)
from donations.selectors import money_by_association_month
from donations.services.matching import match_donation
from donations.services.reconcile import reconcile
from tests.donations.stripe_fakes import DisputeFake, event_payload, sign
from tests.factories import PASSWORD, make_employee

SECRET = "whsec_test_disputes"
WHEN = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)


@pytest.fixture
def stripe_api(settings):
    fake = DisputeFake()
    settings.STRIPE_SECRET_KEY = "sk_test_cordee"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.STRIPE_API_BASE = fake.url
    yield fake
    fake.close()


@pytest.fixture
def gift(db, employee_a, associations):
    """A recorded 100 € card gift of Alpha, matched 1:1 (80 € left in the employee's cap)."""
    MatchingPolicy.objects.create(
        company=employee_a.company,
        employee_yearly_cap_cents=8_000,
        yearly_budget_cents=1_000_000,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2027, 1, 1),
        currency="EUR",
    )
    attempt = PaymentAttempt.objects.create(
        company=employee_a.company,
        donor=employee_a,
        association=associations[0],
        amount_cents=10_000,
        currency="EUR",
        provider="stripe",
        idempotency_key="cordee-dispute-test",
        external_id="pi_disputed1",
        status=PaymentAttempt.Status.SUCCEEDED,
    )
    donation = Donation.objects.create(
        donor=employee_a,
        company=employee_a.company,
        association=associations[0],
        amount_cents=10_000,
        currency="EUR",
        source=Donation.Source.CARD,
        occurred_at=WHEN,
        external_reference="pi_disputed1",
        payment=attempt,
    )
    match_donation(donation)
    return donation


def dispute_event(event_id: str, event_type: str, status: str = "needs_response") -> bytes:
    # The body's status is a hint only: what counts is the fake's answer (Stripe's).
    return event_payload(
        event_id,
        event_type,
        {"id": "dp_1", "object": "dispute", "status": status, "payment_intent": "pi_disputed1"},
    )


def deliver(payload: bytes):
    return Client(raise_request_exception=True).post(
        reverse("donations:payment_webhook"),
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, SECRET),
    )


def at_stripe(fake: DisputeFake, status: str, amount: int = 10_000) -> None:
    fake.disputes["dp_1"] = {
        "amount": amount,
        "currency": "eur",
        "status": status,
        "reason": "fraudulent",
        "payment_intent": "pi_disputed1",
        "charge": "ch_1",
    }


def owed(company) -> tuple[int, int, int]:
    _months, totals = money_by_association_month(company)
    if not totals:
        return (0, 0, 0)
    [total] = totals
    return (total.collected_cents, total.matched_cents, total.owed_cents)


@pytest.mark.django_db
def test_an_open_dispute_holds_gift_and_match_out_of_what_is_owed(
    stripe_api, gift, csr_a, django_capture_on_commit_callbacks
):
    assert owed(gift.company) == (10_000, 8_000, 18_000)
    at_stripe(stripe_api, "needs_response")
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(dispute_event("evt_d1", "charge.dispute.created")).content == b"opened"
    assert stripe_api.reads == ["dp_1"]
    assert owed(gift.company) == (0, 0, 0)
    dispute = Dispute.objects.get()
    assert (dispute.status, dispute.amount_cents, dispute.donation_id) == ("open", 10_000, gift.pk)
    assert AuditEntry.objects.filter(action="dispute.opened", object_id=str(dispute.pk)).exists()
    [message] = mail.outbox
    assert message.to == ["csr@alpha.example"] and "est contesté" in message.subject
    officer = Client()
    officer.login(email="csr@alpha.example", password=PASSWORD)
    page = officer.get(reverse("donations:rules_refunds")).content.decode()
    assert f'data-dispute="{dispute.pk}"' in page and "contesté" in page
    trail = officer.get(reverse("donations:finance")).content.decode().replace("\u202f", " ")
    assert "100,00 € donnés et 80,00 € abondés" in trail.replace("\xa0", " ")


@pytest.mark.django_db
def test_another_companys_officer_sees_no_dispute_of_alpha(stripe_api, gift, csr_b):
    at_stripe(stripe_api, "needs_response")
    deliver(dispute_event("evt_d1", "charge.dispute.created"))
    officer = Client()
    officer.login(email="csr@beta.example", password=PASSWORD)
    assert "data-dispute=" not in officer.get(reverse("donations:rules_refunds")).content.decode()
    assert "data-refunds=" not in officer.get(reverse("donations:finance")).content.decode()


@pytest.mark.django_db
def test_the_officer_is_told_in_their_own_language(
    stripe_api, gift, django_capture_on_commit_callbacks
):
    make_employee(gift.company, email="en@alpha.example", is_csr_officer=True, language="en")
    at_stripe(stripe_api, "needs_response")
    with django_capture_on_commit_callbacks(execute=True):
        deliver(dispute_event("evt_d1", "charge.dispute.created"))
    [message] = mail.outbox
    assert message.to == ["en@alpha.example"] and message.subject.endswith("is disputed")


@pytest.mark.django_db
def test_a_lost_dispute_reverses_gift_and_match(stripe_api, gift):
    at_stripe(stripe_api, "needs_response")
    deliver(dispute_event("evt_d1", "charge.dispute.created"))
    at_stripe(stripe_api, "needs_response")
    assert deliver(dispute_event("evt_d2", "charge.dispute.funds_withdrawn")).content == (
        b"funds_withdrawn"
    )
    assert Dispute.objects.get().funds_withdrawn
    at_stripe(stripe_api, "lost")
    assert deliver(dispute_event("evt_d3", "charge.dispute.closed", "lost")).content == b"lost"
    gift.refresh_from_db()
    match = Match.objects.get(donation=gift)
    assert (gift.status, gift.refunded_cents) == ("refunded", 10_000)
    assert (match.status, match.reversed_cents) == ("reversed", 8_000)
    [refund] = Refund.objects.all()
    assert (refund.kind, refund.external_id) == ("chargeback", "dp_1")
    assert owed(gift.company) == (0, 0, 0)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "dispute.opened",
        "dispute.funds_withdrawn",
        "dispute.lost",
        "match.reversed",
    } <= actions
    assert AuditEntry.objects.filter(action="dispute.updated").exists()  # needs_response → lost
    assert reconcile() == []


@pytest.mark.django_db
def test_a_partly_lost_dispute_reverses_the_match_pro_rata(stripe_api, gift):
    at_stripe(stripe_api, "lost", amount=2_500)
    assert deliver(dispute_event("evt_d1", "charge.dispute.closed")).content == b"lost"
    gift.refresh_from_db()
    assert (gift.status, gift.refunded_cents) == ("succeeded", 2_500)
    assert Match.objects.get(donation=gift).reversed_cents == 2_000
    assert owed(gift.company) == (7_500, 6_000, 13_500)


@pytest.mark.django_db
def test_a_won_dispute_restores_the_gift(stripe_api, gift):
    at_stripe(stripe_api, "needs_response")
    deliver(dispute_event("evt_d1", "charge.dispute.created"))
    deliver(dispute_event("evt_d2", "charge.dispute.funds_withdrawn"))
    assert deliver(dispute_event("evt_d3", "charge.dispute.funds_reinstated")).content == (
        b"funds_reinstated"
    )
    at_stripe(stripe_api, "won")
    assert deliver(dispute_event("evt_d4", "charge.dispute.closed", "won")).content == b"won"
    dispute = Dispute.objects.get()
    assert (dispute.status, dispute.funds_withdrawn) == ("won", False) and dispute.closed_at
    assert owed(gift.company) == (10_000, 8_000, 18_000)
    assert not Refund.objects.exists()
    assert AuditEntry.objects.filter(action="dispute.won").count() == 1


@pytest.mark.django_db
def test_the_event_body_is_not_believed(stripe_api, gift):
    at_stripe(stripe_api, "under_review")
    # The body says lost; Stripe says the dispute is still under review: nothing is reversed.
    assert deliver(dispute_event("evt_d1", "charge.dispute.closed", "lost")).content == b"opened"
    gift.refresh_from_db()
    assert gift.refunded_cents == 0 and Dispute.objects.get().status == "open"


@pytest.mark.django_db
def test_dispute_events_apply_once(stripe_api, gift):
    at_stripe(stripe_api, "lost")
    assert deliver(dispute_event("evt_d1", "charge.dispute.closed")).content == b"lost"
    assert deliver(dispute_event("evt_d1", "charge.dispute.closed")).content == b"duplicate"
    assert deliver(dispute_event("evt_d2", "charge.dispute.closed")).content == b"unchanged"
    assert Refund.objects.count() == 1 and Dispute.objects.count() == 1
    gift.refresh_from_db()
    assert gift.refunded_cents == 10_000


@pytest.mark.django_db
def test_a_dispute_on_a_payment_not_ours_is_acknowledged(stripe_api, db):
    stripe_api.disputes["dp_1"] = {
        "amount": 500,
        "currency": "eur",
        "status": "needs_response",
        "payment_intent": "pi_someone_else",
    }
    assert deliver(dispute_event("evt_d1", "charge.dispute.created")).content == b"unknown"
    assert StripeEvent.objects.filter(event_id="evt_d1").exists()
    assert not Dispute.objects.exists()


@pytest.mark.django_db
def test_a_dispute_stripe_cannot_find_is_retried_later_and_stores_nothing(stripe_api, gift):
    response = deliver(dispute_event("evt_d1", "charge.dispute.created"))
    assert response.status_code == 503
    assert not StripeEvent.objects.exists() and not Dispute.objects.exists()
