"""Template context shared by every page: who is signed in and for which company."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from portal.tenancy import profile_of


def tenancy(request: HttpRequest) -> dict:
    profile = profile_of(getattr(request, "user", None))
    company = profile.company if profile else None
    return {
        "current_profile": profile,
        "current_company": company,
        # The sign-in pages offer "Sign in with a passkey" (allauth's WebAuthn login).
        "passkey_login_enabled": getattr(settings, "MFA_PASSKEY_LOGIN_ENABLED", False),
        # The colour in the URL: a new colour is a new stylesheet for every browser cache.
        "brand_css_url": f"{reverse('brand_css')}?c={company.brand_colour.lstrip('#')}"
        if company
        else None,
    }
