"""Writes for a company's sign-on: its OpenID Connect provider as an allauth SocialApp."""

from __future__ import annotations

from allauth.socialaccount.models import SocialApp
from django.contrib.sites.models import Site
from django.db import transaction

from portal.models import Company, CompanySignOn

OIDC = "openid_connect"


@transaction.atomic
def configure_oidc_sign_on(
    company: Company,
    *,
    server_url: str,
    client_id: str,
    secret: str | None,
    label: str,
    password_sign_in: bool = True,
    claim_mapping: dict | None = None,
) -> CompanySignOn:
    """Create or update the company's OpenID Connect sign-on.

    One SocialApp per company, its provider_id the company's slug (the sign-in URL is
    /accounts/oidc/<slug>/login/). `secret` None keeps the stored one (the admin form never shows
    it back).
    """
    sign_on = CompanySignOn.objects.select_related("social_app").filter(company=company).first()
    app = sign_on.social_app if sign_on else SocialApp(provider=OIDC, provider_id=company.slug)
    # A company switching from SAML starts from clean settings (no stale IdP keys).
    settings = dict(app.settings or {}) if app.provider == OIDC else {}
    app.provider = OIDC
    app.provider_id = app.provider_id or company.slug
    app.name = label
    app.client_id = client_id.strip()
    if secret is not None:
        app.secret = secret
    settings["server_url"] = server_url.strip()
    app.settings = settings
    app.save()
    # allauth lists only the apps of the current site.
    app.sites.add(Site.objects.get_current())
    if sign_on is None:
        sign_on = CompanySignOn(company=company, social_app=app)
    sign_on.label = label
    sign_on.password_sign_in = password_sign_in
    sign_on.claim_mapping = dict(claim_mapping or {})
    sign_on.save()
    return sign_on


def sign_on_for_email(email: str) -> CompanySignOn | None:
    """The sign-on of the company owning this e-mail's domain, if it has one."""
    from portal.services import email_domain

    return (
        CompanySignOn.objects.select_related("social_app", "company")
        .filter(company__domains__domain=email_domain(email))
        .first()
    )
