"""Partial refunds of card gifts: amounts from Stripe (localstripe), pro-rata match reversal."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import stripe
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from donations.models import AuditEntry, Donation, Match, MatchingPolicy, PaymentAttempt, Refund
from donations.payments import get_provider
from donations.selectors import money_by_association_month, summary_of
from donations.services.cards import refund_card_donation, start_card_donation, sync_payment
from donations.services.matching import pro_rata_reversal_cents
from donations.services.reconcile import reconcile
from donations.services.statements import yearly_statement
from tests.donations.stripe_fakes import event_payload, sign, use_localstripe
from tests.factories import PASSWORD

pytestmark = pytest.mark.filterwarnings("ignore:Bare functions are deprecated:DeprecationWarning")
SECRET = "whsec_test_refunds"


def test_pro_rata_reversal_is_floored_and_reaches_the_whole_match_at_the_end():
    assert pro_rata_reversal_cents(match_cents=1250, gift_cents=2500, refunded_cents=333) == 166
    assert pro_rata_reversal_cents(match_cents=999, gift_cents=1000, refunded_cents=1) == 0
    assert pro_rata_reversal_cents(match_cents=999, gift_cents=1000, refunded_cents=1000) == 999
    assert pro_rata_reversal_cents(match_cents=999, gift_cents=1000, refunded_cents=5000) == 999
    assert pro_rata_reversal_cents(match_cents=999, gift_cents=1000, refunded_cents=0) == 0


@pytest.mark.parametrize("steps", [[1] * 7, [3, 3, 1], [2, 5], [6, 1], [7]])
def test_reversals_refund_by_refund_never_exceed_the_match(steps):
    match, gift, refunded, reversed_total = 1001, 7, 0, 0
    for step in steps:
        refunded += step
        target = pro_rata_reversal_cents(
            match_cents=match, gift_cents=gift, refunded_cents=refunded
        )
        assert target >= reversed_total and target * gift <= match * refunded
        reversed_total = target
    assert reversed_total == match


@pytest.fixture
def localstripe(settings):
    return use_localstripe(settings, SECRET)


@pytest.fixture
def wide_policy(company_a):
    """1:2 matching over a period wide enough that no test depends on today's date."""
    return MatchingPolicy.objects.create(
        company=company_a,
        ratio_numerator=1,
        ratio_denominator=2,
        employee_yearly_cap_cents=500_000,
        yearly_budget_cents=1_000_000,
        period_start=dt.date(2000, 1, 1),
        period_end=dt.date(2100, 1, 1),
        currency="EUR",
    )


def spaced(html: str) -> str:
    """French amounts use no-break spaces: compare them as plain spaces."""
    return html.replace("\u202f", " ").replace("\xa0", " ")


def deliver(payload: bytes):
    return Client(raise_request_exception=True).post(
        reverse("donations:payment_webhook"),
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, SECRET),
    )


def refunded_event(attempt: PaymentAttempt, event_id: str) -> bytes:
    return event_payload(
        event_id,
        "charge.refunded",
        {"id": "ch_any", "object": "charge", "payment_intent": attempt.external_id},
    )


@pytest.fixture
def gift(db, localstripe, employee_a, associations, wide_policy):
    """A 100 € card gift paid at localstripe and recorded by its webhook (matched 50 €)."""
    attempt = start_card_donation(
        donor=employee_a, association_id=associations[0].pk, amount_cents=10_000
    )
    sdk = stripe.StripeClient("sk_test_cordee", base_addresses={"api": localstripe.url})
    sdk.v1.payment_intents.update(attempt.external_id, params={"payment_method": "pm_card_visa"})
    sdk.v1.payment_intents.confirm(attempt.external_id)
    succeeded = event_payload(
        "evt_paid",
        "payment_intent.succeeded",
        {"id": attempt.external_id, "object": "payment_intent"},
    )
    assert deliver(succeeded).content == b"recorded"
    donation = Donation.objects.get(payment=attempt)
    assert donation.match.amount_cents == 5_000
    return donation


@pytest.mark.django_db
def test_partial_refund_keeps_the_rest_counted_and_reverses_the_match_pro_rata(gift, wide_policy):
    refund_card_donation(donation=gift, amount_cents=1_000)
    assert deliver(refunded_event(gift.payment, "evt_r1")).content == b"refunded"
    gift.refresh_from_db()
    assert (gift.status, gift.refunded_cents, gift.kept_cents) == ("succeeded", 1_000, 9_000)
    match = Match.objects.get(donation=gift)
    assert (match.status, match.reversed_cents) == ("active", 500)
    wide_policy.refresh_from_db()
    assert wide_policy.spent_cents == 4_500
    [refund] = Refund.objects.filter(donation=gift)
    assert refund.external_id.startswith("re_") and refund.amount_cents == 1_000
    assert refund.match_reversed_cents == 500
    assert summary_of(gift.donor).given_cents == 9_000
    _months, [total] = money_by_association_month(gift.company)
    assert (total.collected_cents, total.matched_cents, total.owed_cents) == (9_000, 4_500, 13_500)
    assert AuditEntry.objects.filter(action="donation.partly_refunded").count() == 1
    assert reconcile(provider=get_provider()) == []


@pytest.mark.django_db
def test_the_same_refund_delivered_again_or_by_another_event_applies_once(gift, wide_policy):
    refund_card_donation(donation=gift, amount_cents=1_000)
    assert deliver(refunded_event(gift.payment, "evt_r1")).content == b"refunded"
    assert deliver(refunded_event(gift.payment, "evt_r1")).content == b"duplicate"
    assert deliver(refunded_event(gift.payment, "evt_r1_bis")).content == b"unchanged"
    assert sync_payment(external_id=gift.payment.external_id) == "unchanged"
    gift.refresh_from_db()
    assert gift.refunded_cents == 1_000 and Refund.objects.count() == 1
    wide_policy.refresh_from_db()
    assert wide_policy.spent_cents == 4_500


@pytest.mark.django_db
def test_refunds_that_add_up_to_the_gift_refund_it_and_reverse_the_whole_match(gift, wide_policy):
    for n, cents in enumerate([333, 3_333, 6_334]):
        refund_card_donation(donation=gift, amount_cents=cents)
        deliver(refunded_event(gift.payment, f"evt_r{n}"))
    gift.refresh_from_db()
    assert (gift.status, gift.refunded_cents) == ("refunded", 10_000)
    match = Match.objects.get(donation=gift)
    assert (match.status, match.reversed_cents) == ("reversed", 5_000)
    assert sum(Refund.objects.values_list("match_reversed_cents", flat=True)) == 5_000
    # floor(5000 * 333 / 10000) = 166, then floor(5000 * 3666 / 10000) = 1833: 1667 more.
    assert list(Refund.objects.values_list("match_reversed_cents", flat=True)) == [
        166,
        1_667,
        3_167,
    ]
    wide_policy.refresh_from_db()
    gift.payment.refresh_from_db()
    assert wide_policy.spent_cents == 0 and gift.payment.status == "refunded"
    assert reconcile(provider=get_provider()) == []


@pytest.mark.django_db
def test_refund_above_what_is_left_is_refused_before_asking_stripe(gift):
    from donations.exceptions import InvalidCardDonation

    refund_card_donation(donation=gift, amount_cents=9_000)
    deliver(refunded_event(gift.payment, "evt_r1"))
    gift.refresh_from_db()
    with pytest.raises(InvalidCardDonation):
        refund_card_donation(donation=gift, amount_cents=1_001)
    with pytest.raises(InvalidCardDonation):
        refund_card_donation(donation=gift, amount_cents=0)


@pytest.mark.django_db
def test_reconcile_notices_a_refund_stripe_made_that_was_not_recorded(gift, localstripe):
    sdk = stripe.StripeClient("sk_test_cordee", base_addresses={"api": localstripe.url})
    sdk.v1.refunds.create(params={"payment_intent": gift.payment.external_id, "amount": 1_000})
    problems = reconcile(provider=get_provider())
    assert [p.check for p in problems] == ["refund"]
    assert "refunded 1000 cents but 0 are recorded" in problems[0].detail
    assert sync_payment(external_id=gift.payment.external_id) == "refunded"
    assert reconcile(provider=get_provider()) == []


@pytest.mark.django_db
def test_reconcile_notices_a_refunded_amount_that_does_not_add_up(gift):
    Donation.objects.filter(pk=gift.pk).update(refunded_cents=700)
    assert "refund" in {p.check for p in reconcile()}


@pytest.mark.django_db
def test_database_refuses_a_refund_above_the_gift_and_a_reused_reference(gift):
    with pytest.raises(IntegrityError), transaction.atomic():
        Donation.objects.filter(pk=gift.pk).update(refunded_cents=10_001)
    with pytest.raises(IntegrityError), transaction.atomic():
        Donation.objects.filter(pk=gift.pk).update(refunded_cents=10_000)  # still "succeeded"
    with pytest.raises(IntegrityError), transaction.atomic():
        Match.objects.filter(donation=gift).update(reversed_cents=5_001)
    Refund.objects.create(
        donation=gift, company=gift.company, external_id="re_x", amount_cents=1, gift_cents=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Refund.objects.create(
            donation=gift, company=gift.company, external_id="re_x", amount_cents=1, gift_cents=1
        )


@pytest.mark.django_db
def test_partial_refund_is_shown_on_the_giving_page_statement_and_refund_list(gift, csr_a):
    refund_card_donation(donation=gift, amount_cents=1_000)
    deliver(refunded_event(gift.payment, "evt_r1"))
    employee = Client()
    employee.login(email="ana@alpha.example", password=PASSWORD)
    page = spaced(employee.get(reverse("donations:home")).content.decode())
    assert "remboursé 10,00 € sur 100,00 €" in page
    officer = Client()
    officer.login(email="csr@alpha.example", password=PASSWORD)
    listing = spaced(officer.get(reverse("donations:rules_refunds")).content.decode())
    assert "remboursé 10,00 € sur 100,00 €" in listing and "5,00 € annulé" in listing
    trail = spaced(officer.get(reverse("donations:finance")).content.decode())
    assert "remboursé 10,00 € sur 100,00 €" in trail
    statement = yearly_statement(profile=gift.donor, year=gift.occurred_at.year)
    [line] = statement.lines
    assert (line.card_cents, line.refunded_cents, line.matched_cents) == (9_000, 1_000, 4_500)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_refund_told_by_six_events_at_once_is_recorded_once(gift, wide_policy):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    refund_card_donation(donation=gift, amount_cents=1_000)
    barrier = threading.Barrier(6)
    statuses = []

    def post(n: int):
        try:
            barrier.wait()
            statuses.append(deliver(refunded_event(gift.payment, f"evt_c{n}")).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 6
    gift.refresh_from_db()
    wide_policy.refresh_from_db()
    assert (gift.refunded_cents, Refund.objects.count()) == (1_000, 1)
    assert wide_policy.spent_cents == 4_500


@pytest.mark.django_db
def test_donor_is_told_of_a_partial_refund_and_the_part_of_the_match_reversed(
    gift, django_capture_on_commit_callbacks
):
    from django.core import mail

    refund_card_donation(donation=gift, amount_cents=1_000)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(refunded_event(gift.payment, "evt_r1"))
    [message] = mail.outbox
    body = spaced(message.body)
    assert "10,00 €" in body and "5,00 € de l'abondement de 50,00 €" in body
