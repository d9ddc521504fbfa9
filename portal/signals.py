"""Signal receivers of the portal, connected in PortalConfig.ready()."""

from __future__ import annotations

from allauth.mfa.signals import authenticator_added
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.utils import translation

from portal.mail import remember_language
from portal.mfa import record_enrolment
from portal.sites import sync_site


@receiver(user_logged_in, dispatch_uid="portal.remember_language")
def remember_language_at_sign_in(sender, request, user, **kwargs) -> None:
    """The language the person signs in with is the one to write to them in."""
    language = getattr(request, "LANGUAGE_CODE", "") or translation.get_language() or ""
    remember_language(user, language)


@receiver(authenticator_added, dispatch_uid="portal.second_factor_enrolled")
def second_factor_enrolled(sender, request, user, authenticator, **kwargs) -> None:
    record_enrolment(request, user, authenticator)


@receiver(post_migrate, dispatch_uid="portal.sync_site")
def sync_site_after_migrate(sender, using, **kwargs) -> None:
    if sender.name == "portal":
        sync_site(using=using)
