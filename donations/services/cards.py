"""Card donations: start a payment (key stored first), and apply provider events to money."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.exceptions import InvalidCardDonation, PaymentProviderError
from donations.models import Donation, PaymentAttempt, StripeEvent
from donations.payments import get_provider
from donations.payments.base import PaymentProvider
from donations.payments.types import PaymentRequest, PaymentState, ProviderEvent
from donations.services import notifications
from donations.services.audit import log_action
from donations.services.matching import match_donation, reverse_match
from portal.models import EmployeeProfile

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


def handle_provider_event(event: ProviderEvent, *, provider: PaymentProvider | None = None) -> str:
    """Apply one verified event exactly once; returns what happened (for logs and tests).

    The event id row is inserted in the same transaction as the effect: a duplicate delivery,
    even a concurrent one, waits on the unique index and then finds it taken.
    """
    provider = provider or get_provider()
    if StripeEvent.objects.filter(event_id=event.id).exists():
        return "duplicate"
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
        if state.refunded_cents > 0 and donation.status != Donation.Status.REFUNDED:
            # A partial refund reverses the whole match: the gift is no longer what was matched.
            donation.status = Donation.Status.REFUNDED
            donation.refunded_at = timezone.now()
            donation.save(update_fields=["status", "refunded_at"])
            reverse_match(donation=donation)
            log_action(
                action="donation.refunded",
                obj=donation,
                company=attempt.company,
                data={"refunded_cents": state.refunded_cents},
            )
            outcome = "refunded"
            notifications.enqueue(
                kind="card_refunded", object_id=attempt.pk, amount_cents=state.refunded_cents
            )
        if state.refunded_cents > 0:
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
    *, donation: Donation, actor=None, provider: PaymentProvider | None = None
) -> None:
    """Ask the provider to refund; the webhook that follows reverses the match.

    A simulated provider (the demo's) has no webhook: its refund is applied at once, through
    the same function the webhook calls.
    """
    if donation.source != Donation.Source.CARD or donation.payment is None:
        raise InvalidCardDonation(_("Only card donations are refunded through the provider."))
    provider = provider or get_provider()
    payment = donation.payment
    provider.refund(payment.external_id)
    log_action(
        action="donation.refund_requested", obj=donation, actor=actor, company=donation.company
    )
    if provider.simulated:
        state = PaymentState(
            payment.external_id,
            PaymentState.SUCCEEDED,
            payment.charged_cents,
            payment.currency,
            refunded_cents=payment.charged_cents,
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
