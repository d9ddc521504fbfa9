"""Money at the edge: integer cents to text in the reader's locale (Babel), and back."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from django.utils import translation

DEFAULT_LOCALE = "fr_FR"


def _babel_locale(locale: str | None) -> str:
    code = locale or translation.get_language() or DEFAULT_LOCALE
    code = code.replace("-", "_")
    return {"fr": "fr_FR", "en": "en_GB"}.get(code, code)


def cents_to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def format_money(cents: int, currency: str, *, locale: str | None = None) -> str:
    """`234567, "EUR"` → `2 345,67 €` in French, `€2,345.67` in English."""
    return format_currency(cents_to_decimal(cents), currency, locale=_babel_locale(locale))


def format_amount(cents: int, *, locale: str | None = None) -> str:
    """The number alone, two decimals, in the locale's notation."""
    return format_decimal(cents_to_decimal(cents), format="#,##0.00", locale=_babel_locale(locale))


def cents_from_decimal(value: Decimal) -> int:
    """Euros as a Decimal (from a form) to cents; refuses fractions of a cent."""
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValueError("more than two decimals")
    return int(cents)
