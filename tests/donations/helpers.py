"""Small builders for giving tests."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from donations.models import Donation, MatchingPolicy, PaymentAttempt

WHEN = dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC)


def make_donation(donor, association, amount_cents, *, source="payroll", when=WHEN, **fields):
    return Donation.objects.create(
        donor=donor,
        company=donor.company,
        association=association,
        amount_cents=amount_cents,
        currency=donor.company.currency,
        source=source,
        occurred_at=when,
        external_reference=f"test:{uuid.uuid4().hex}",
        **fields,
    )


def this_year_policy(company) -> MatchingPolicy:
    """1:1 matching over the current calendar year, generous enough never to run out in a test."""
    year = timezone.localdate().year
    return MatchingPolicy.objects.create(
        company=company,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year + 1, 1, 1),
        employee_yearly_cap_cents=100_000,
        yearly_budget_cents=1_000_000,
        currency=company.currency,
    )


def card_donation(donor, association, amount_cents, *, fee_cents=0, when=WHEN, provider=None):
    """A succeeded card gift, recorded as the webhook records it (attempt first)."""
    key = uuid.uuid4().hex
    attempt = PaymentAttempt.objects.create(
        company=donor.company,
        donor=donor,
        association=association,
        amount_cents=amount_cents,
        fee_cents=fee_cents,
        currency=donor.company.currency,
        provider="fake",
        idempotency_key=f"k-{key}",
        external_id=f"pi_{key}",
        status="succeeded",
    )
    if provider is not None:
        provider.amounts[attempt.external_id] = (attempt.charged_cents, attempt.currency)
    return Donation.objects.create(
        donor=donor,
        company=donor.company,
        association=association,
        amount_cents=amount_cents,
        currency=attempt.currency,
        source=Donation.Source.CARD,
        occurred_at=when,
        external_reference=attempt.external_id,  # as the webhook records it
        payment=attempt,
    )


def confirm_form(run, **fields) -> dict:
    """What the confirmation page posts: the figures it stated, and the officer's answer."""
    from donations.services.payroll import confirmation_of

    return {"figures": confirmation_of(run).figures, **fields}
