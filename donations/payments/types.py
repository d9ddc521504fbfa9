"""The data crossing the payment interface: plain dataclasses, amounts in cents."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PaymentRequest:
    amount_cents: int
    currency: str
    idempotency_key: str
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentIntentResult:
    external_id: str
    client_secret: str
    status: str


@dataclass(frozen=True)
class PaymentState:
    """What the provider says about a payment now (re-read before money moves)."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    PENDING = "pending"

    external_id: str
    status: str  # succeeded | failed | pending
    amount_cents: int
    currency: str
    refunded_cents: int = 0
    metadata: dict[str, str] = field(default_factory=dict)
    failure_message: str = ""


@dataclass(frozen=True)
class ProviderEvent:
    """A verified webhook event, reduced to what giving needs."""

    id: str
    type: str
    object_type: str
    object_id: str
    payment_id: str | None  # the payment intent it concerns, if any
