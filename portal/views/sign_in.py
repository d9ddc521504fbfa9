"""The e-mail-first sign-in page's first step.

People of a company with its own identity provider get "Continue with <company>" (a POST to the
provider's login URL); everyone else gets allauth's password step with the address filled in.
The answer depends only on the address's domain, which companies publish anyway: it never says
whether an account exists (ACCOUNT_PREVENT_ENUMERATION).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods

from portal.accounts.login_form import SIGN_IN_EMAIL_SESSION_KEY
from portal.accounts.sign_on import sign_on_for_email


class EmailStepForm(forms.Form):
    email = forms.EmailField(max_length=254)


def _next_url(request: HttpRequest) -> str:
    value = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _login_url(next_url: str, **params) -> str:
    if next_url:
        params["next"] = next_url
    url = reverse("account_login")
    return f"{url}?{urlencode(params)}" if params else url


@require_http_methods(["GET", "POST"])
def sign_in_email(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.method == "GET":
        # "Use another address": back to the first step.
        request.session.pop(SIGN_IN_EMAIL_SESSION_KEY, None)
        return redirect(_login_url(next_url))
    form = EmailStepForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "account/login.html",
            {"email_form": form, "redirect_field_value": next_url, "email_step": True},
            status=400,
        )
    email = form.cleaned_data["email"].strip().lower()
    request.session[SIGN_IN_EMAIL_SESSION_KEY] = email
    sign_on = sign_on_for_email(email)
    if sign_on is not None and request.POST.get("password") != "1":
        provider = sign_on.social_app.get_provider(request)
        response = render(
            request,
            "account/login_sso.html",
            {
                "sign_on": sign_on,
                "email": email,
                "provider_login_url": provider.get_login_url(request),
                "redirect_field_value": next_url,
            },
        )
        # The button's POST is redirected to the provider: the page's form-action allows it.
        response._csp_config = {
            **settings.SECURE_CSP,
            "form-action": [CSP.SELF, *provider_origins(sign_on)],
        }
        return response
    return redirect(_login_url(next_url))


def provider_origins(sign_on) -> list[str]:
    """Where the provider's sign-in may live: the issuer's origin, and its authorization
    endpoint's when the discovery document was already read (allauth caches nothing: the
    settings may name it as an override)."""
    urls = [sign_on.social_app.settings.get("server_url", "")]
    overrides = sign_on.social_app.settings.get("openid_configuration_overrides") or {}
    urls.append(overrides.get("authorization_endpoint", ""))
    origins = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in {"http", "https"} and parts.netloc:
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in origins:
                origins.append(origin)
    return origins
