"""Who may see which mission: open missions to everyone, private ones to their company only."""

from __future__ import annotations

from django.db.models import Q

from portal.tenancy import company_of


def company_missions_filter(company_id: int | None) -> Q:
    """A filter on MissionPage for what a company's people may see (None: open missions only)."""
    q = Q(visibility="all")
    if company_id is not None:
        q |= Q(company_id=company_id)
    return q


def visible_missions_filter(user) -> Q:
    """A filter on MissionPage for what this user may see (anonymous: open missions only)."""
    company = company_of(user)
    return company_missions_filter(company.pk if company else None)


def mission_visible_to(mission, user) -> bool:
    company = company_of(user)
    return visible_to_company(mission, company.pk if company else None)


def visible_to_company(mission, company_id: int | None) -> bool:
    """The same rule as company_missions_filter, for a mission already loaded."""
    return mission.visibility == "all" or (
        company_id is not None and mission.company_id == company_id
    )
