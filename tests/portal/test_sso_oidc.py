"""Company sign-on through a real OpenID Connect provider on 127.0.0.1 (django-oauth-toolkit in
pytest-django's live server): discovery, authorization code + PKCE, a signed RS256 ID token with
the login's nonce, its issuer and audience checked; the company's domains enforced."""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from oauth2_provider.models import get_grant_model

from portal.models import EmployeeProfile
from tests.factories import CompanyFactory, make_employee
from tests.oidc_idp import OIDCProvider, provider_settings

User = get_user_model()
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

INES = {
    "email": "ines.martin@horizon.example",
    "given_name": "Inès",
    "family_name": "Martin",
    "employee_id": "HZN-00042",
    "department": "Finance",
    "office": "Lyon Part-Dieu",
    "manager_id": "HZN-00001",
    "locale": "fr-FR",
}
INTRUDER = {"email": "paul@lumen.example", "given_name": "Paul", "family_name": "Roux"}


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def horizon(site_tree):
    return CompanyFactory(name="Groupe Horizon", slug="horizon", domains=["horizon.example"])


@pytest.fixture
def lumen(site_tree):
    return CompanyFactory(name="Atelier Lumen", slug="lumen", domains=["lumen.example"])


@pytest.fixture
def provider(live_server, settings, horizon):
    provider_settings(settings, people=[INES, INTRUDER])
    idp = OIDCProvider(issuer=f"{live_server.url}/demo-idp", client_id="cordee-horizon")
    make_employee(horizon, email="boss@horizon.example", employee_number="HZN-00001")
    idp.sign_on = idp.register(horizon)
    return idp


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_discovery_document_is_served_by_the_provider(provider):
    import requests

    config = requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=10).json()
    assert config["issuer"] == provider.issuer
    assert "RS256" in config["id_token_signing_alg_values_supported"]
    assert "S256" in config["code_challenge_methods_supported"]


def test_first_sign_in_creates_the_employee_from_the_claims(client, provider, horizon):
    authorize = provider.authorize(client, "horizon")
    query = parse_qs(urlsplit(authorize).query)
    # Authorization code with PKCE (S256) and a nonce, for Cordée's client id.
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["cordee-horizon"]
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert len(query["nonce"][0]) >= 32
    assert set(query["scope"][0].split()) >= {"openid", "email", "profile"}

    response = client.get(_path(provider.consent(authorize, INES["email"])))
    assert response.status_code == 302, response.content[:800]
    user = signed_in_user(client)
    assert user is not None and user.email == INES["email"]
    assert (user.first_name, user.last_name) == ("Inès", "Martin")
    assert not user.has_usable_password()
    profile = EmployeeProfile.objects.get(user=user)
    assert profile.company == horizon
    assert profile.employee_number == "HZN-00042"
    assert (profile.department, profile.site) == ("Finance", "Lyon Part-Dieu")
    # (The language claim is mapped, test_sso_adapter; on sign-in the browser's language, here
    # English, is remembered over it.)
    assert profile.manager.user.email == "boss@horizon.example"
    assert user.emailaddress_set.get(primary=True).verified
    account = SocialAccount.objects.get(user=user)
    assert account.provider == "horizon"
    # The code was issued with the PKCE challenge and has been used up.
    assert not get_grant_model().objects.exists()


def test_a_second_sign_in_updates_the_person_and_keeps_one_account(client, provider, settings):
    assert provider.sign_in(client, INES["email"]).status_code == 302
    client.logout()
    settings.CORDEE_DEMO_IDP_PEOPLE = [{**INES, "department": "Marketing", "office": "Nantes"}]
    assert provider.sign_in(client, INES["email"]).status_code == 302
    user = signed_in_user(client)
    assert user.profile.department == "Marketing" and user.profile.site == "Nantes"
    assert User.objects.filter(email=INES["email"]).count() == 1
    assert SocialAccount.objects.filter(user=user).count() == 1


def test_an_existing_password_account_of_the_company_is_connected(client, provider, horizon):
    existing = make_employee(horizon, email=INES["email"])
    assert provider.sign_in(client, INES["email"]).status_code == 302
    assert signed_in_user(client) == existing.user
    assert SocialAccount.objects.get().user == existing.user


def test_an_email_of_another_companys_domain_is_refused(client, provider, lumen):
    response = provider.sign_in(client, INTRUDER["email"])
    assert response.status_code == 403
    assert b"not an address of Groupe Horizon" in response.content
    assert signed_in_user(client) is None
    assert not User.objects.filter(email=INTRUDER["email"]).exists()
    assert not SocialAccount.objects.exists()


def test_an_existing_user_of_another_company_is_refused(client, provider, horizon, lumen):
    # A Lumen employee whose address is at Horizon's domain (a takeover, a typo in an import).
    other = make_employee(lumen, email=INES["email"])
    response = provider.sign_in(client, INES["email"])
    assert response.status_code == 403
    assert b"another company" in response.content
    assert signed_in_user(client) is None
    other.refresh_from_db()
    assert other.company == lumen and other.employee_number != "HZN-00042"
    assert not SocialAccount.objects.exists()


def test_wrong_audience_is_refused(client, provider, settings):
    settings.CORDEE_DEMO_IDP_TOKEN_OVERRIDES = {"aud": "another-relying-party"}
    response = provider.sign_in(client, INES["email"])
    assert response.status_code == 401
    assert b"Third-Party Login Failure" in response.content
    assert signed_in_user(client) is None
    assert not User.objects.filter(email=INES["email"]).exists()


def test_wrong_issuer_in_the_token_is_refused(client, provider, settings):
    settings.CORDEE_DEMO_IDP_TOKEN_OVERRIDES = {"iss": "http://evil.example/idp"}
    assert provider.sign_in(client, INES["email"]).status_code == 401
    assert signed_in_user(client) is None
    assert not User.objects.filter(email=INES["email"]).exists()


def test_a_provider_claiming_another_issuer_is_refused(client, provider, settings):
    # The discovery document (and tokens) say another issuer than the configured server URL.
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_ISS_ENDPOINT": "http://login.other-company.example",
    }
    response = client.post("/accounts/oidc/horizon/login/")
    assert response.status_code == 401
    assert b"Third-Party Login Failure" in response.content
    assert signed_in_user(client) is None


def test_an_unreachable_provider_is_a_clear_failure_not_a_500(client, provider):
    app = provider.sign_on.social_app
    app.settings["server_url"] = "http://127.0.0.1:9/idp"
    app.save()
    response = client.post("/accounts/oidc/horizon/login/")
    assert response.status_code == 401
    assert b"Third-Party Login Failure" in response.content


def test_a_token_signed_with_another_key_is_refused(client, provider, settings):
    # The keys Cordée fetches hold another key under the provider's key id: the ID token's
    # signature does not verify.
    from jwcrypto.jwk import JWK

    from tests.oidc_idp import rsa_private_key_pem

    real = JWK.from_pem(settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"].encode())
    forged = JWK.from_pem(rsa_private_key_pem().encode())
    keys = {
        "keys": [
            {
                **forged.export_public(as_dict=True),
                "kid": real.thumbprint(),
                "alg": "RS256",
                "use": "sig",
            }
        ]
    }
    with json_server(keys) as jwks_url:
        app = provider.sign_on.social_app
        app.settings["openid_configuration_overrides"] = {"jwks_uri": jwks_url}
        app.save()
        assert provider.sign_in(client, INES["email"]).status_code == 401
    assert signed_in_user(client) is None
    assert not User.objects.filter(email=INES["email"]).exists()


@contextlib.contextmanager
def json_server(document: dict):
    body = json.dumps(document).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/jwks.json"
    finally:
        server.shutdown()
        server.server_close()


def test_a_replayed_callback_is_refused(client, provider):
    authorize = provider.authorize(client, "horizon")
    callback = provider.consent(authorize, INES["email"])
    assert client.get(_path(callback)).status_code == 302
    client.logout()
    assert client.get(_path(callback)).status_code == 401
    assert signed_in_user(client) is None


def test_a_company_without_sign_on_has_no_oidc_login(client, provider, lumen):
    assert client.post("/accounts/oidc/lumen/login/").status_code == 404


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_a_company_sign_on_counts_as_the_second_factor_of_a_csr_officer(client, provider, horizon):
    """A privileged person signed in by the company's provider reaches the admin without TOTP:
    the company's own sign-on is the second factor (portal.mfa); a password session is not."""
    officer = make_employee(horizon, email=INES["email"], is_csr_officer=True)
    assert provider.sign_in(client, INES["email"]).status_code == 302
    assert signed_in_user(client) == officer.user
    response = client.get("/admin/")
    assert response.status_code == 200, response.get("Location")


def test_the_same_officer_with_a_password_session_is_sent_to_set_up_a_second_factor(
    client, horizon, force_login_without_second_factor
):
    officer = make_employee(horizon, email=INES["email"], is_csr_officer=True)
    force_login_without_second_factor(client, officer.user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/accounts/2fa/" in response["Location"]
