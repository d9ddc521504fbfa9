"""Covering the card fees: the rate comes from the settings, always rounded up to the cent."""

from __future__ import annotations

from donations.services.cards import processing_fee_cents


def test_default_rate_is_the_european_card_rate():
    # 1.5 % of 25 € is 37.5 cents, rounded up to 38, plus 25 cents.
    assert processing_fee_cents(2500) == 63
    assert processing_fee_cents(1000) == 40


def test_rate_follows_the_settings(settings):
    settings.CORDEE_CARD_FEE_BASIS_POINTS = 290
    settings.CORDEE_CARD_FEE_FIXED_CENTS = 30
    # 2.9 % of 10 € is 29 cents, plus 30.
    assert processing_fee_cents(1000) == 59
    # 2.9 % of 10.01 € is 29.029 cents: rounded up to 30, never down.
    assert processing_fee_cents(1001) == 60
