"""System checks for what settings alone cannot guarantee."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from portal.storage import is_within


@checks.register(checks.Tags.security)
def private_media_outside_public_media(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Private files must not sit where a web server publishing MEDIA_ROOT would reach them."""
    private, public = settings.PRIVATE_MEDIA_ROOT, settings.MEDIA_ROOT
    if is_within(private, public) or is_within(public, private):
        return [
            checks.Error(
                f"PRIVATE_MEDIA_ROOT ({private}) and MEDIA_ROOT ({public}) overlap.",
                hint="Give private files a folder of their own, outside MEDIA_ROOT.",
                id="portal.E001",
            )
        ]
    return []


@checks.register(checks.Tags.security)
def demo_identity_provider_only_in_demo(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The demo identity provider signs anyone of its list in: never with production settings."""
    if getattr(settings, "CORDEE_DEMO_IDP", False) and not (settings.DEBUG or settings.TESTING):
        return [
            checks.Error(
                "The demo identity provider (CORDEE_DEMO_IDP) is on with DEBUG off.",
                hint="Unset CORDEE_DEMO_IDP: it lets anyone sign in as a demo person.",
                id="portal.E002",
            )
        ]
    return []
