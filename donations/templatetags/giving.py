"""Money in templates: `{{ cents|money:currency }}` in the reader's locale."""

from django import template

from portal.money import format_money

register = template.Library()


@register.filter
def money(cents, currency="EUR") -> str:
    if cents is None or cents == "":
        return ""
    return format_money(int(cents), currency or "EUR")


@register.filter
def bp_percent(basis_points) -> str:
    """Basis points as a percentage in the reader's notation: 150 → "1,5" in French."""
    from decimal import Decimal

    from django.utils.formats import number_format

    return number_format(Decimal(int(basis_points)) / 100, decimal_pos=None)
