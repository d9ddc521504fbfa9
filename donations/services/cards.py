"""Card donations: start a payment (key stored first), and apply provider events to money."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.exceptions import InvalidCardDonation, PaymentProviderError
from donations.models import Donation, PaymentAttempt, Refund, StripeEvent
from donations.payments import get_provider
from donations.payments.base import PaymentProvider
from donations.payments.types import PaymentRequest, PaymentState, ProviderEvent, RefundState
from donations.services import notifications, refunds
from donations.services.audit import log_action
from donations.services.matching import match_donation
from portal.models import EmployeeProfile
from portal.people.departures import has_left, leaver_message

MIN_CARD_CENTS = 100
MAX_CARD_CENTS = 1_000_000


def processing_fee_cents(amount_cents: int) -> int:
    """What covering the fees adds: the card rate of the settings (1.5 % + 0.25), rounded up."""
    rate = settings.CORDEE_CARD_FEE_BASIS_POINTS
    return -(-amount_cents * rate // 10_000) + settings.CORDEE_CARD_FEE_FIXED_CENTS


def start_card_donation(
    *,
    donor: EmployeeProfile,
    association_id: int,
    amount_cents: int,
    cover_fees: bool = False,
    provider: PaymentProvider | None = None,
) -> PaymentAttempt:
    """Store the attempt with its idempotency key, then ask the provider for a payment."""
    from missions.models import AssociationPage

    if has_left(donor):
        raise InvalidCardDonation(leaver_message(donor))
    if not MIN_CARD_CENTS <= amount_cents <= MAX_CARD_CENTS:
        raise InvalidCardDonation(_("The amount must be between 1 and 10,000."))
    association = AssociationPage.objects.accepting_gifts().filter(pk=association_id).first()
    if association is None:
        raise InvalidCardDonation(_("This association does not take donations."))
    provider = provider or get_provider()
    # Committed before the call: a crash after it leaves a key to retry with, never a double charge.
    attempt = PaymentAttempt.objects.create(
        company=donor.company,
        donor=donor,
        association=association,
        amount_cents=amount_cents,
        fee_cents=processing_fee_cents(amount_cents) if cover_fees else 0,
        currency=donor.company.currency,
        provider=provider.name,
        idempotency_key=f"cordee-{uuid.uuid4().hex}",
    )
    return submit_payment(attempt=attempt, provider=provider)


def submit_payment(
    *, attempt: PaymentAttempt, provider: PaymentProvider | None = None
) -> PaymentAttempt:
    """(Re)send a stored attempt to the provider with its own key: safe to call again."""
    provider = provider or get_provider()
    request = PaymentRequest(
        amount_cents=attempt.charged_cents,
        currency=attempt.currency,
        idempotency_key=attempt.idempotency_key,
        metadata={
            "cordee_attempt": str(attempt.pk),
            "donor": str(attempt.donor_id),
            "association": str(attempt.association_id),
            "company": str(attempt.company_id),
        },
    )
    try:
        result = provider.create_payment(request)
    except PaymentProviderError as exc:
        attempt.status = PaymentAttempt.Status.FAILED
        attempt.failure_message = str(exc)[:255]
        attempt.save(update_fields=["status", "failure_message", "updated_at"])
        raise
    attempt.external_id = result.external_id
    attempt.client_secret = result.client_secret
    attempt.status = PaymentAttempt.Status.PENDING
    attempt.save(update_fields=["external_id", "client_secret", "status", "updated_at"])
    return attempt


PAYMENT_EVENTS = {
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "charge.succeeded",
    "charge.failed",
    "charge.refunded",
    "charge.refund.updated",
    "refund.created",
    "refund.updated",
}
DISPUTE_EVENTS = {
    "charge.dispute.created",
    "charge.dispute.updated",
    "charge.dispute.funds_withdrawn",
    "charge.dispute.funds_reinstated",
    "charge.dispute.closed",
}


def handle_provider_event(event: ProviderEvent, *, provider: PaymentProvider | None = None) -> str:
    """Apply one verified event exactly once; returns what happened (for logs and tests).

    The event id row is inserted in the same transaction as the effect: a duplicate delivery,
    even a concurrent one, waits on the unique index and then finds it taken.
    """
    provider = provider or get_provider()
    if StripeEvent.objects.filter(event_id=event.id).exists():
        return "duplicate"
    if event.type in DISPUTE_EVENTS and event.object_id:
        return _handle_dispute_event(event, provider=provider)
    attempt = None
    state = None
    if event.type in PAYMENT_EVENTS and event.payment_id:
        attempt = PaymentAttempt.objects.filter(external_id=event.payment_id).first()
        if attempt is not None:
            # The event body is only a hint: money moves on what the provider says now.
            state = provider.retrieve_payment(event.payment_id)
    try:
        with transaction.atomic():
            StripeEvent.objects.create(
                event_id=event.id, type=event.type[:80], object_id=event.object_id[:120]
            )
            if attempt is None or state is None:
                return "ignored"
            return _apply_state(attempt_id=attempt.pk, state=state)
    except IntegrityError:
        if StripeEvent.objects.filter(event_id=event.id).exists():
            return "duplicate"
        raise


def _handle_dispute_event(event: ProviderEvent, *, provider: PaymentProvider) -> str:
    # Like payments, the dispute is re-read: the event body is only a hint.
    dispute = provider.retrieve_dispute(event.object_id)
    try:
        with transaction.atomic():
            StripeEvent.objects.create(
                event_id=event.id, type=event.type[:80], object_id=event.object_id[:120]
            )
            return refunds.apply_dispute(state=dispute, event_type=event.type)
    except IntegrityError:
        if StripeEvent.objects.filter(event_id=event.id).exists():
            return "duplicate"
        raise


def _provider_refunds(state: PaymentState, donation: Donation) -> list[RefundState]:
    """The provider's refunds; a provider that lists none but a total gets one row per total."""
    if state.refunds or state.refunded_cents <= 0:
        return list(state.refunds)
    recorded = sum(
        donation.refunds.filter(kind=Refund.Kind.REFUND).values_list("amount_cents", flat=True)
    )
    if state.refunded_cents <= recorded:
        return []
    return [
        RefundState(
            f"{state.external_id}:refunded:{state.refunded_cents}",
            state.refunded_cents - recorded,
        )
    ]


def _apply_state(*, attempt_id: int, state: PaymentState) -> str:
    attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt_id)
    if state.amount_cents != attempt.charged_cents or state.currency != attempt.currency:
        log_action(
            action="payment.mismatch",
            obj=attempt,
            company=attempt.company,
            data={"amount_cents": state.amount_cents, "currency": state.currency},
        )
        return "mismatch"
    donation = Donation.objects.filter(external_reference=state.external_id).first()
    if state.status == PaymentState.SUCCEEDED:
        outcome = "unchanged"
        if donation is None:
            donation = Donation.objects.create(
                donor_id=attempt.donor_id,
                company_id=attempt.company_id,
                association_id=attempt.association_id,
                amount_cents=attempt.amount_cents,
                currency=attempt.currency,
                source=Donation.Source.CARD,
                occurred_at=timezone.now(),
                external_reference=state.external_id,
                payment=attempt,
            )
            match_donation(donation)
            log_action(action="donation.card_recorded", obj=donation, company=attempt.company)
            outcome = "recorded"
            notifications.enqueue(kind="card_succeeded", object_id=attempt.pk)
        new_status = PaymentAttempt.Status.SUCCEEDED
        newly = refunds.apply_refunds(donation=donation, refunds=_provider_refunds(state, donation))
        if newly:
            outcome = "refunded"
            notifications.enqueue(kind="card_refunded", object_id=attempt.pk, amount_cents=newly)
        if state.refunded_cents >= attempt.charged_cents:
            new_status = PaymentAttempt.Status.REFUNDED
        if attempt.status != new_status:
            attempt.status = new_status
            attempt.save(update_fields=["status", "updated_at"])
        return outcome
    if state.status == PaymentState.FAILED and donation is None:
        if attempt.status != PaymentAttempt.Status.FAILED:  # a repeated failure says nothing new
            notifications.enqueue(kind="card_failed", object_id=attempt.pk)
        attempt.status = PaymentAttempt.Status.FAILED
        attempt.failure_message = state.failure_message[:255]
        attempt.save(update_fields=["status", "failure_message", "updated_at"])
        return "failed"
    return "pending"


def pay_simulated(*, attempt: PaymentAttempt, provider: PaymentProvider | None = None) -> str:
    """The demo's "pay" button: the provider's own success event, through the webhook path."""
    provider = provider or get_provider()
    if not provider.simulated:
        raise InvalidCardDonation(_("Real payments go through the card form."))
    if attempt.status != PaymentAttempt.Status.PENDING or not attempt.external_id:
        return "unchanged"
    return handle_provider_event(provider.succeeded_event(attempt.external_id), provider=provider)


def sync_payment(*, external_id: str, provider: PaymentProvider | None = None) -> str:
    """Apply what the provider says of one payment now, as its webhook would have.

    For payments whose webhook never arrived (found by `reconcile`); safe to run again.
    """
    provider = provider or get_provider()
    attempt = PaymentAttempt.objects.filter(external_id=external_id).first()
    if attempt is None:
        return "unknown"
    state = provider.retrieve_payment(external_id)
    with transaction.atomic():
        outcome = _apply_state(attempt_id=attempt.pk, state=state)
        log_action(
            action="payment.synced", obj=attempt, company=attempt.company, data={"outcome": outcome}
        )
    return outcome


def refund_card_donation(
    *,
    donation: Donation,
    amount_cents: int | None = None,
    actor=None,
    provider: PaymentProvider | None = None,
) -> None:
    """Ask the provider to refund all (or `amount_cents`) of the charge; the webhook applies it.

    A simulated provider (the demo's) has no webhook: its refund is applied at once, through
    the same function the webhook calls.
    """
    if donation.source != Donation.Source.CARD or donation.payment is None:
        raise InvalidCardDonation(_("Only card donations are refunded through the provider."))
    payment = donation.payment
    refunded = sum(donation.refunds.values_list("amount_cents", flat=True))
    left = payment.charged_cents - refunded
    if amount_cents is not None and not 0 < amount_cents <= left:
        raise InvalidCardDonation(
            _("The amount to refund must be positive and at most what is left.")
        )
    provider = provider or get_provider()
    # "All" after a partial refund is what is left, named: its idempotency key differs from the
    # earlier refund's, and a double click still makes one refund.
    provider.refund(
        payment.external_id, amount_cents=amount_cents if refunded == 0 else (amount_cents or left)
    )
    log_action(
        action="donation.refund_requested",
        obj=donation,
        actor=actor,
        company=donation.company,
        data={"amount_cents": amount_cents if amount_cents is not None else left},
    )
    if provider.simulated:
        amount = amount_cents if amount_cents is not None else left
        state = PaymentState(
            payment.external_id,
            PaymentState.SUCCEEDED,
            payment.charged_cents,
            payment.currency,
            refunded_cents=refunded + amount,
            refunds=(
                *(RefundState(r.external_id, r.amount_cents) for r in donation.refunds.all()),
                RefundState(f"{payment.external_id}:refund:{refunded + amount}", amount),
            ),
        )
        with transaction.atomic():
            _apply_state(attempt_id=payment.pk, state=state)


__all__ = [
    "handle_provider_event",
    "pay_simulated",
    "refund_card_donation",
    "start_card_donation",
    "sync_payment",
]
