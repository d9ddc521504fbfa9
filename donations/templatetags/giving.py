"""Money in templates: `{{ cents|money:currency }}` in the reader's locale."""

from django import template

from portal.money import format_money

register = template.Library()


@register.filter
def money(cents, currency="EUR") -> str:
    if cents is None or cents == "":
        return ""
    return format_money(int(cents), currency or "EUR")
