"""Who may see which mission: open missions to everyone, private ones to their company only."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from portal.tenancy import company_of


def visible_missions_filter(user) -> Q:
    """A filter on MissionPage for what this user may see (anonymous: open missions only)."""
    q = Q(visibility="all")
    company = company_of(user)
    if company is not None:
        q |= Q(company_id=company.pk)
    return q


def visible_missions(queryset: QuerySet, user) -> QuerySet:
    return queryset.filter(visible_missions_filter(user))


def mission_visible_to(mission, user) -> bool:
    if mission.visibility == "all":
        return True
    company = company_of(user)
    return company is not None and mission.company_id == company.pk
