"""Stripe PaymentIntents: the only module of Cordée that imports `stripe`."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator

import stripe
from django.conf import settings

from donations.exceptions import InvalidWebhook, PaymentProviderError
from donations.payments.base import PaymentProvider
from donations.payments.types import (
    DisputeState,
    PaymentIntentResult,
    PaymentRequest,
    PaymentState,
    ProviderEvent,
    RefundState,
)

WEBHOOK_TOLERANCE_SECONDS = 300
# Stripe's ids are short ASCII words; anything else (too long for the column, a NUL byte that
# PostgreSQL refuses in text) is refused before it reaches the database.
_ID = re.compile(r"[A-Za-z0-9_-]{1,120}")
_TYPE = re.compile(r"[a-z0-9_.]{1,80}")


def _checked(value: object, pattern: re.Pattern, what: str, *, allow_empty: bool = False) -> str:
    if allow_empty and value in (None, ""):
        return ""
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise InvalidWebhook(f"malformed {what}")
    return value


class StripeProvider(PaymentProvider):
    name = "stripe"

    def __init__(
        self,
        *,
        secret_key: str,
        publishable_key: str = "",
        webhook_secret: str = "",
        api_base: str | None = None,
    ):
        options = {"base_addresses": {"api": api_base}} if api_base else {}
        # Retries reuse the idempotency key, so a network error never charges twice.
        self.client = stripe.StripeClient(secret_key, max_network_retries=2, **options)
        self.publishable_key = publishable_key
        self.webhook_secret = webhook_secret
        self.js_url = getattr(settings, "STRIPE_JS_URL", "https://js.stripe.com/v3/")

    def create_payment(self, request: PaymentRequest) -> PaymentIntentResult:
        try:
            intent = self.client.v1.payment_intents.create(
                params={
                    "amount": request.amount_cents,
                    "currency": request.currency.lower(),
                    "payment_method_types": ["card"],
                    "metadata": dict(request.metadata),
                },
                options={"idempotency_key": request.idempotency_key},
            )
        except stripe.StripeError as exc:
            raise PaymentProviderError(str(exc.user_message or exc)) from exc
        return PaymentIntentResult(intent.id, intent.client_secret, intent.status)

    def retrieve_payment(self, external_id: str) -> PaymentState:
        try:
            intent = self.client.v1.payment_intents.retrieve(external_id).to_dict()
            charge = intent.get("latest_charge")
            if isinstance(charge, str):
                charge = self.client.v1.charges.retrieve(charge).to_dict()
            refunds = ()
            if charge:
                listed = self.client.v1.refunds.list(
                    params={"payment_intent": external_id, "limit": 100}
                )
                refunds = tuple(
                    RefundState(str(r.id), int(r.amount), str(r.status))
                    for r in listed.auto_paging_iter()
                )
        except stripe.StripeError as exc:
            raise PaymentProviderError(str(exc)) from exc
        refunded = int((charge or {}).get("amount_refunded") or 0)
        error = intent.get("last_payment_error") or {}
        status = {
            "succeeded": PaymentState.SUCCEEDED,
            "canceled": PaymentState.FAILED,
        }.get(intent["status"], PaymentState.PENDING)
        if intent["status"] == "requires_payment_method" and error:
            status = PaymentState.FAILED
        return PaymentState(
            external_id=intent["id"],
            status=status,
            amount_cents=int(intent["amount"]),
            currency=str(intent["currency"]).upper(),
            refunded_cents=refunded,
            refunds=refunds,
            metadata={k: str(v) for k, v in (intent.get("metadata") or {}).items()},
            failure_message=str(error.get("message") or ""),
        )

    def succeeded_payments(self, *, since: dt.datetime) -> Iterator[PaymentState]:
        """Stripe lists newest first: stop at the first payment older than `since`.

        Only intents that Cordée created (they carry `cordee_attempt` in their metadata) count;
        others on the same account belong to other software.
        """
        floor = int(since.timestamp())
        try:
            page = self.client.v1.payment_intents.list(params={"limit": 100})
            for intent in page.auto_paging_iter():
                if int(intent.created) < floor:
                    break
                metadata = intent.metadata.to_dict() if intent.metadata else {}
                if intent.status != "succeeded" or "cordee_attempt" not in metadata:
                    continue
                yield PaymentState(
                    external_id=intent.id,
                    status=PaymentState.SUCCEEDED,
                    amount_cents=int(intent.amount),
                    currency=str(intent.currency).upper(),
                    metadata={k: str(v) for k, v in metadata.items()},
                )
        except stripe.StripeError as exc:
            raise PaymentProviderError(str(exc)) from exc

    def retrieve_dispute(self, external_id: str) -> DisputeState:
        try:
            dispute = self.client.v1.disputes.retrieve(external_id).to_dict()
            payment_id = dispute.get("payment_intent")
            if not isinstance(payment_id, str) and isinstance(dispute.get("charge"), str):
                charge = self.client.v1.charges.retrieve(dispute["charge"]).to_dict()
                payment_id = charge.get("payment_intent")
        except stripe.StripeError as exc:
            raise PaymentProviderError(str(exc)) from exc
        return DisputeState(
            external_id=str(dispute["id"]),
            payment_id=payment_id if isinstance(payment_id, str) else None,
            amount_cents=int(dispute["amount"]),
            currency=str(dispute["currency"]).upper(),
            status=str(dispute["status"]),
            reason=str(dispute.get("reason") or "")[:80],
        )

    def refund(self, external_id: str, *, amount_cents: int | None = None) -> None:
        params: dict = {"payment_intent": external_id}
        if amount_cents is not None:
            params["amount"] = amount_cents
        # Asking twice (a double click, two officers) makes one refund, not an error or two.
        key = f"cordee-refund-{external_id}-{amount_cents if amount_cents is not None else 'all'}"
        try:
            self.client.v1.refunds.create(params=params, options={"idempotency_key": key})
        except stripe.StripeError as exc:
            raise PaymentProviderError(str(exc)) from exc

    def parse_webhook(self, payload: bytes, signature_header: str) -> ProviderEvent:
        if not self.webhook_secret:
            raise InvalidWebhook("no webhook secret configured")
        try:
            stripe.WebhookSignature.verify_header(
                payload.decode("utf-8"),
                signature_header,
                self.webhook_secret,
                WEBHOOK_TOLERANCE_SECONDS,
            )
            body = json.loads(payload)
            obj = body["data"]["object"]
            object_type = _checked(obj.get("object", ""), _TYPE, "object type", allow_empty=True)
            object_id = _checked(obj.get("id", ""), _ID, "object id", allow_empty=True)
            payment_id = None
            if object_type == "payment_intent":
                payment_id = object_id
            elif object_type in ("charge", "refund", "dispute") and isinstance(
                obj.get("payment_intent"), str
            ):
                payment_id = _checked(obj["payment_intent"], _ID, "payment id")
            return ProviderEvent(
                id=_checked(body["id"], _ID, "event id"),
                type=_checked(body["type"], _TYPE, "event type"),
                object_type=object_type,
                object_id=object_id,
                payment_id=payment_id,
            )
        except (
            stripe.SignatureVerificationError,
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            # A signed body nested thousands deep exhausts the parser's stack.
            RecursionError,
        ) as exc:
            raise InvalidWebhook(str(exc)) from exc
