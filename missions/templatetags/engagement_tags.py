"""Template tags of engagement: the visitor's own enrolment in a session (mission page)."""

from __future__ import annotations

from django import template

from missions.models import Enrolment
from portal.tenancy import profile_of

register = template.Library()

_CACHE_ATTR = "_cordee_my_enrolments"


@register.simple_tag(takes_context=True)
def my_enrolment(context, session):
    """The signed-in employee's enrolment in `session`, or None (one query per page)."""
    request = context.get("request")
    profile = profile_of(getattr(request, "user", None))
    if profile is None:
        return None
    cache = getattr(request, _CACHE_ATTR, None)
    if cache is None:
        mission_id = session.mission_id
        cache = {
            e.session_id: e
            for e in Enrolment.objects.filter(employee=profile, session__mission_id=mission_id)
        }
        setattr(request, _CACHE_ATTR, cache)
    return cache.get(session.pk)
