"""A real OpenID Connect provider for the tests: django-oauth-toolkit's, the demo provider's
pages (portal.demo_idp), served by pytest-django's live server on 127.0.0.1.

`OIDCProvider.sign_in(client, email)` drives a whole authorization-code flow: Cordée's sign-in
POST, the provider's authorization endpoint and sign-in page (over real HTTP with `requests`),
then Cordée's callback, which exchanges the code at the provider's token endpoint, fetches its
keys and userinfo, and signs the person in.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from oauth2_provider.models import get_application_model

from portal.accounts.sign_on import configure_oidc_sign_on
from portal.demo_idp.directory import CLAIM_MAPPING

CLIENT_SECRET = "horizon-client-secret"


def rsa_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def provider_settings(settings, *, people: list[dict], key: str | None = None) -> None:
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_RSA_PRIVATE_KEY": key or rsa_private_key_pem(),
    }
    settings.CORDEE_DEMO_IDP_PEOPLE = people
    settings.CORDEE_DEMO_IDP_TOKEN_OVERRIDES = {}


@dataclasses.dataclass
class OIDCProvider:
    issuer: str
    client_id: str

    def register(self, company, *, callback_base: str = "http://testserver", **sign_on_fields):
        """The company's client at the provider and its sign-on in Cordée."""
        callback = f"{callback_base}/accounts/oidc/{company.slug}/login/callback/"
        get_application_model().objects.create(
            name=company.name,
            client_id=self.client_id,
            client_secret=CLIENT_SECRET,
            client_type="confidential",
            authorization_grant_type="authorization-code",
            redirect_uris=callback,
            algorithm="RS256",
            skip_authorization=True,
        )
        fields = {
            "server_url": self.issuer,
            "client_id": self.client_id,
            "secret": CLIENT_SECRET,
            "label": company.name,
            "claim_mapping": CLAIM_MAPPING,
        }
        fields.update(sign_on_fields)
        return configure_oidc_sign_on(company, **fields)

    def authorize(self, client, provider_id: str):
        """Cordée's sign-in POST: returns the provider's authorization URL it redirects to."""
        response = client.post(f"/accounts/oidc/{provider_id}/login/")
        assert response.status_code == 302, response.content[:500]
        return response["Location"]

    def sign_in(self, client, email: str, *, provider_id: str = "horizon"):
        """The whole flow; returns Cordée's answer to the callback."""
        authorize = self.authorize(client, provider_id)
        callback = self.consent(authorize, email)
        parts = urlsplit(callback)
        return client.get(f"{parts.path}?{parts.query}")

    def consent(self, authorize: str, email: str) -> str:
        """At the provider: sign in as `email`; returns the callback URL it redirects to."""
        # requests' cookie jar drops cookies of a bare "localhost": talk to the provider by IP.
        authorize = authorize.replace("://localhost:", "://127.0.0.1:")
        with requests.Session() as browser:
            response = browser.get(authorize, allow_redirects=False, timeout=10)
            assert response.status_code == 302, response.text[:500]
            sign_in_page = urljoin(authorize, response.headers["Location"])
            browser.get(sign_in_page, timeout=10).raise_for_status()
            _plain_http_cookies(browser)
            next_url = parse_qs(urlsplit(sign_in_page).query)["next"][0]
            response = browser.post(
                sign_in_page,
                data={
                    "email": email,
                    "next": next_url,
                    "csrfmiddlewaretoken": browser.cookies["csrftoken"],
                },
                allow_redirects=False,
                timeout=10,
            )
            assert response.status_code == 302, response.text[:500]
            _plain_http_cookies(browser)
            response = browser.get(
                urljoin(sign_in_page, response.headers["Location"]),
                allow_redirects=False,
                timeout=10,
            )
            assert response.status_code == 302, response.text[:500]
            return response.headers["Location"]


def _plain_http_cookies(browser) -> None:
    # With DEBUG off (tests) cookies are Secure; the live server speaks plain HTTP.
    for cookie in browser.cookies:
        cookie.secure = False
