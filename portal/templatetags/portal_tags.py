"""Template helpers of the layout that belong to no single app."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

from portal import inputs

register = template.Library()


@register.simple_tag
def url_if_exists(name: str, *args, **kwargs) -> str:
    """The URL named `name`, or "" while the app that serves it is not installed yet.

    Lets the layout link to pages of other apps (My engagements, giving) without breaking
    when they are absent.
    """
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


@register.filter
def single_line(value) -> str:
    """`value` without line breaks or control characters: for e-mail subject lines."""
    return inputs.single_line(str(value or ""))


@register.filter
def fiscal_value(parameter) -> str:
    """A fiscal rule's value in its unit ("66 %", "2 000,00 €", "3"): a `Rule` or a row."""
    from django.utils.formats import number_format

    from portal.fiscal import UNITS, Unit
    from portal.money import format_money

    if parameter is None:
        return ""
    unit = UNITS.get(parameter.key)
    value = parameter.value
    if unit == Unit.CENTS:
        return format_money(int(value), "EUR")
    if unit == Unit.PERCENT:
        return f"{number_format(value.normalize(), use_l10n=True)} %"
    return number_format(value.normalize(), use_l10n=True)


@register.filter
def fiscal_label(parameter) -> str:
    """What a fiscal rule is, for a `Rule` or a `FiscalParameter` row."""
    from portal.fiscal import FiscalKey

    if parameter is None or parameter.key not in FiscalKey.values:
        return ""
    return str(FiscalKey(parameter.key).label)
