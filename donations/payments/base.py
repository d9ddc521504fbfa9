"""The payment provider contract; every provider implements it, nothing else speaks to one."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterator

from donations.payments.types import (
    DisputeState,
    PaymentIntentResult,
    PaymentRequest,
    PaymentState,
    ProviderEvent,
)


class PaymentProvider(ABC):
    """A card payment gateway.

    - Amounts are integer cents of an ISO currency, never floats.
    - Creating calls carry the caller's idempotency key, stored by the caller *before* the call,
      so a retry after a timeout cannot charge twice.
    - Failures raise `donations.exceptions.PaymentProviderError`; a webhook that cannot be
      verified raises `donations.exceptions.InvalidWebhook`.
    - The browser's return never proves a payment: money moves only after `retrieve_payment`.
    """

    name: str = "base"
    #: The URL of the provider's browser script (None: no card form) and the public key.
    js_url: str | None = None
    publishable_key: str = ""
    #: True for a provider without real money (the demo's): a payment is "paid" by a button.
    simulated: bool = False

    @abstractmethod
    def create_payment(self, request: PaymentRequest) -> PaymentIntentResult:
        """Create the payment the browser will confirm; same key → same payment."""

    @abstractmethod
    def retrieve_payment(self, external_id: str) -> PaymentState:
        """The payment as the provider sees it now, refunds included."""

    def retrieve_dispute(self, external_id: str) -> DisputeState:
        """A chargeback as the provider sees it now (providers without disputes raise)."""
        from donations.exceptions import PaymentProviderError

        raise PaymentProviderError(f"{self.name} has no disputes")

    @abstractmethod
    def refund(self, external_id: str, *, amount_cents: int | None = None) -> None:
        """Refund all (or part) of a succeeded payment; the webhook records the effect."""

    @abstractmethod
    def parse_webhook(self, payload: bytes, signature_header: str) -> ProviderEvent:
        """Verify the signature and timestamp, then read the event; InvalidWebhook otherwise."""

    def succeeded_payments(self, *, since: dt.datetime) -> Iterator[PaymentState]:
        """Payments of Cordée that succeeded at the provider since `since` (for reconciling).

        Providers that keep no record of their own (the dummy) have nothing to list.
        """
        return iter(())
