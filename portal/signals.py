"""Signal receivers of the portal, connected in PortalConfig.ready()."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation

from portal.mail import remember_language


@receiver(user_logged_in, dispatch_uid="portal.remember_language")
def remember_language_at_sign_in(sender, request, user, **kwargs) -> None:
    """The language the person signs in with is the one to write to them in."""
    language = getattr(request, "LANGUAGE_CODE", "") or translation.get_language() or ""
    remember_language(user, language)
