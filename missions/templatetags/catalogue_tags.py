"""Template tags that bring catalogue data to pages outside the missions app (home, layout)."""

from __future__ import annotations

from django import template
from wagtail.models import Site

from missions.models import AssociationIndexPage, MissionIndexPage
from missions.selectors import catalogue as selectors
from portal import page_cache

register = template.Library()

_INDEX_CACHE_ATTR = "_cordee_catalogue_indexes"


@register.simple_tag(takes_context=True)
def upcoming_missions(context, limit: int = 6):
    """The next missions the visitor may see (the home page cannot import missions itself)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return list(selectors.upcoming_missions(user=user, limit=limit))


@register.simple_tag
def catalogue_causes():
    return selectors.catalogue_causes()


def _site_key(request) -> str:
    site = Site.find_for_request(request) if request is not None else None
    return str(site.pk) if site else "-"


def _index_urls(request) -> dict:
    missions = MissionIndexPage.objects.live().first()
    associations = AssociationIndexPage.objects.live().first()
    return {
        "missions_url": missions.get_url(request) if missions else "",
        "associations_url": associations.get_url(request) if associations else "",
    }


@register.simple_tag(takes_context=True)
def catalogue_indexes(context) -> dict:
    """URLs of the mission and association indexes (for navigation), looked up once per request."""
    request = context.get("request")
    cached = getattr(request, _INDEX_CACHE_ATTR, None)
    if cached is not None:
        return cached
    indexes = page_cache.cached(
        f"catalogue-indexes:{_site_key(request)}", lambda: _index_urls(request)
    )
    if request is not None:
        setattr(request, _INDEX_CACHE_ATTR, indexes)
    return indexes


@register.simple_tag(takes_context=True)
def association_workspace_url(context) -> str:
    """The workspace's URL for an association member (none for a company's people)."""
    from django.urls import reverse

    from missions.selectors.association_access import associations_of
    from portal.tenancy import profile_of

    request = context.get("request")
    user = getattr(request, "user", None)
    if profile_of(user) is not None or not associations_of(user).exists():
        return ""
    return reverse("missions:association_workspace")
