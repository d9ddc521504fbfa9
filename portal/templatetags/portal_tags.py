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
