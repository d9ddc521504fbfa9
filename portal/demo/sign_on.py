"""Demo single sign-on: Groupe Horizon signs in through the demo identity provider.

The provider (portal.demo_idp) runs in the same server at another host name, so that its session
is not Cordée's: with BASE_URL http://127.0.0.1:8000, it is http://localhost:8000/demo-idp.
Passwords stay allowed for Horizon, so the demo accounts of the README keep working.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import transaction

from portal.accounts.sign_on import configure_oidc_sign_on
from portal.demo_idp.directory import CLAIM_MAPPING, DEMO_COMPANY
from portal.models import Company

CLIENT_ID = "cordee-demo-horizon"
CLIENT_SECRET = "cordee-demo-horizon-secret"  # noqa: S105 - the demo provider's published secret


def demo_idp_issuer() -> str:
    """The demo provider's issuer: BASE_URL with 127.0.0.1 and localhost swapped."""
    parts = urlsplit(settings.BASE_URL)
    host = parts.hostname or "127.0.0.1"
    other = "localhost" if host != "localhost" else "127.0.0.1"
    netloc = other + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, "/demo-idp", "", ""))


@transaction.atomic
def seed() -> None:
    if not getattr(settings, "CORDEE_DEMO_IDP", False):
        return
    company = Company.objects.filter(slug=DEMO_COMPANY).first()
    if company is None:
        return
    from oauth2_provider.models import get_application_model

    callback = f"{settings.BASE_URL.rstrip('/')}/accounts/oidc/{company.slug}/login/callback/"
    Application = get_application_model()
    app = Application.objects.filter(client_id=CLIENT_ID).first()
    if app is None:
        Application.objects.create(
            name=f"Cordée ({company.name})",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            client_type="confidential",
            authorization_grant_type="authorization-code",
            redirect_uris=callback,
            algorithm="RS256",
            skip_authorization=True,
        )
    elif app.redirect_uris != callback:
        app.redirect_uris = callback
        app.save(update_fields=["redirect_uris"])
    configure_oidc_sign_on(
        company,
        server_url=demo_idp_issuer(),
        client_id=CLIENT_ID,
        secret=CLIENT_SECRET,
        label=company.name,
        password_sign_in=True,
        claim_mapping=CLAIM_MAPPING,
    )
