"""A provider that always succeeds, with no network: demo data and development without Stripe."""

from __future__ import annotations

from donations.exceptions import InvalidWebhook
from donations.payments.base import PaymentProvider
from donations.payments.types import (
    PaymentIntentResult,
    PaymentRequest,
    PaymentState,
    ProviderEvent,
)


class DummyProvider(PaymentProvider):
    """Stateless: the payment id carries its amount and currency, so retrieval needs no store."""

    name = "dummy"
    simulated = True

    def create_payment(self, request: PaymentRequest) -> PaymentIntentResult:
        external_id = f"dummy_{request.idempotency_key}_{request.amount_cents}_{request.currency}"
        return PaymentIntentResult(external_id, f"{external_id}_secret", "pending")

    def retrieve_payment(self, external_id: str) -> PaymentState:
        try:
            _, _key, amount, currency = external_id.rsplit("_", 3)
            return PaymentState(external_id, PaymentState.SUCCEEDED, int(amount), currency)
        except ValueError:
            return PaymentState(
                external_id, PaymentState.FAILED, 0, "EUR", failure_message="unknown"
            )

    def refund(self, external_id: str, *, amount_cents: int | None = None) -> None:
        return None

    def parse_webhook(self, payload: bytes, signature_header: str) -> ProviderEvent:
        # The dummy never receives webhooks from outside: refuse them all.
        raise InvalidWebhook("the dummy provider takes no webhooks")

    @staticmethod
    def succeeded_event(external_id: str) -> ProviderEvent:
        """The event the demo seeder feeds to the webhook service, as Stripe would send it."""
        return ProviderEvent(
            id=f"evt_{external_id}",
            type="payment_intent.succeeded",
            object_type="payment_intent",
            object_id=external_id,
            payment_id=external_id,
        )
