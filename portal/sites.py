"""The site's domain and name, as e-mails and allauth show them, from BASE_URL and settings.

Django's sites framework starts with "example.com"; allauth greets people with the site's name
and builds links with its domain. After every migration the Site row is set from `BASE_URL`
and `CORDEE_SITE_NAME`, so no deployment ever shows the placeholder.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def site_domain() -> str:
    """The host (and port, if any) of BASE_URL."""
    return urlsplit(settings.BASE_URL).netloc or "localhost"


def sync_site(*, using: str = "default") -> None:
    from django.contrib.sites.models import Site

    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": site_domain(), "name": settings.CORDEE_SITE_NAME},
    )
    Site.objects.clear_cache()
