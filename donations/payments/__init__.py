"""Payments behind one interface: `get_provider()` picks Stripe when configured, else the dummy."""

from __future__ import annotations

from django.conf import settings

from donations.payments.base import PaymentProvider


def get_provider() -> PaymentProvider:
    if settings.STRIPE_SECRET_KEY:
        from donations.payments.stripe_provider import StripeProvider

        return StripeProvider(
            secret_key=settings.STRIPE_SECRET_KEY,
            publishable_key=settings.STRIPE_PUBLISHABLE_KEY,
            webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
            api_base=settings.STRIPE_API_BASE or None,
        )
    from donations.payments.dummy import DummyProvider

    return DummyProvider()
