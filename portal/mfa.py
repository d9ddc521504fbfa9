"""Second factor for privileged roles: CSR, payroll officers, executives and platform admins.

A privileged person who signed in with a password must have used their second factor (allauth's
TOTP, a recovery code or a passkey) in this session before the Wagtail admin, the Django admin or
a money screen answers; a sign-in through the company's identity provider (SSO) counts as the
company's own second factor. allauth records how the session was authenticated
(`allauth.account.authentication`): the middleware reads those records. Without an
authenticator the person is sent to set one up; with one, to confirm it (re-authentication).
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.tenancy import profile_of

# Authentication methods (as allauth records them) that satisfy the second-factor rule.
SECOND_FACTOR_METHODS = frozenset({"mfa", "socialaccount"})
# Authenticator types that are a second factor of their own (recovery codes only back them up).
FACTOR_TYPES = ("totp", "webauthn")


def is_privileged(user) -> bool:
    """Whether the user holds a role that must sign in with a second factor."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    profile = profile_of(user)
    return bool(
        profile and (profile.is_csr_officer or profile.is_payroll_officer or profile.is_executive)
    )


def has_authenticator(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type__in=FACTOR_TYPES).exists()


def session_methods(request: HttpRequest) -> set[str]:
    """How this session's user authenticated: 'password', 'mfa', 'socialaccount'…"""
    return {record.get("method") for record in get_authentication_records(request, request.user)}


def has_second_factor(request: HttpRequest) -> bool:
    """Whether the session signed in through SSO or used a second factor."""
    return bool(session_methods(request) & SECOND_FACTOR_METHODS)


def second_factor_status(request: HttpRequest) -> dict:
    """What the profile page says about the second factor of this session and account."""
    methods = session_methods(request)
    return {
        "required": is_privileged(request.user),
        "enrolled": has_authenticator(request.user),
        "sso_session": "socialaccount" in methods,
        "used_this_session": bool(methods & SECOND_FACTOR_METHODS),
    }


def is_protected(request: HttpRequest, view_func) -> bool:
    """Admin areas by path, money and CSR screens by the module of their view."""
    path = request.path_info
    if any(path.startswith(prefix) for prefix in settings.CORDEE_MFA_PROTECTED_PATHS):
        return True
    module = getattr(view_func, "__module__", "") or ""
    return module in settings.CORDEE_MFA_PROTECTED_VIEW_MODULES


def refusal(request: HttpRequest) -> HttpResponseRedirect:
    """Where a privileged session without a second factor goes instead."""
    next_url = request.get_full_path() if request.method == "GET" else request.path
    if has_authenticator(request.user):
        target = reverse("mfa_reauthenticate")
        messages.info(
            request,
            _("Your role requires your second factor: enter a code from your authenticator app."),
        )
    else:
        target = reverse("mfa_activate_totp")
        messages.warning(
            request,
            _(
                "Your role gives access to money and people's data: set up two-factor "
                "authentication with an authenticator app to continue."
            ),
        )
    return HttpResponseRedirect(f"{target}?{urlencode({'next': next_url})}")


class PrivilegedSecondFactorMiddleware:
    """Refuses privileged sessions without a second factor on admin and money screens."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not is_protected(request, view_func):
            return None
        if not is_privileged(request.user) or has_second_factor(request):
            return None
        return refusal(request)


def record_enrolment(request: HttpRequest | None, user, authenticator) -> None:
    """A new TOTP or passkey was proven with a code: the session has used its second factor.

    Connected to allauth's `authenticator_added`, so a privileged person sent to enrol goes
    back to work without being asked for a second code at once.
    """
    from allauth.account.internal.flows.login import record_authentication

    if request is None or authenticator.type not in FACTOR_TYPES:
        return
    if getattr(request, "user", None) != user:
        return
    record_authentication(
        request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True
    )
