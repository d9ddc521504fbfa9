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
class RefundState:
    """One refund of a payment at the provider (only succeeded ones move money)."""

    external_id: str
    amount_cents: int
    status: str = "succeeded"


@dataclass(frozen=True)
class DisputeState:
    """A chargeback as the provider sees it now; `status` is the provider's own word."""

    external_id: str
    payment_id: str | None
    amount_cents: int
    currency: str
    status: str  # warning_needs_response, needs_response, under_review, won, lost…
    reason: str = ""

    @property
    def closed_as(self) -> str | None:
        """ "won", "lost" or None while the dispute is open."""
        if self.status in ("won", "warning_closed"):
            return "won"
        if self.status == "lost":
            return "lost"
        return None


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
    #: Each refund with its provider reference; `refunded_cents` is their succeeded total.
    refunds: tuple[RefundState, ...] = ()
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
