"""OpenID Connect for company sign-on: allauth's provider, made stricter.

allauth's `openid_connect` provider trusts the ID token it fetched over TLS without checking its
signature, sends no nonce and takes the issuer from whatever the discovery document says. A
company's provider is configured by a CSR officer, so this subclass (SOCIALACCOUNT_PROVIDERS
"openid_connect" "provider_class") does what the specification allows relying parties to do:

- PKCE (S256) on every authorization request;
- a random nonce per login, kept in allauth's state and required back in the ID token;
- the ID token's RS256/ES256 signature verified against the provider's published keys, its
  audience (the client id), expiry and issuer checked;
- the discovery document's issuer must be the configured server URL (a document claiming to be
  another issuer is refused).

The URL names and paths stay allauth's (`openid_connect_login`, `/accounts/oidc/<id>/login/`).
"""

from __future__ import annotations

import logging

from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.utils.crypto import constant_time_compare, get_random_string

logger = logging.getLogger(__name__)
NONCE_LENGTH = 32


def normalized_issuer(url: str) -> str:
    return url.split("/.well-known/", 1)[0].rstrip("/")


class CompanyOIDCAdapter(OpenIDConnectOAuth2Adapter):
    # Set by the callback view from allauth's state: the nonce sent with this login.
    expected_nonce: str | None = None

    @property
    def openid_config(self):
        config = super().openid_config
        configured = normalized_issuer(self.get_provider().app.settings.get("server_url", ""))
        if normalized_issuer(str(config.get("issuer", ""))) != configured:
            raise OAuth2Error(
                f"The discovery document's issuer {config.get('issuer')!r} is not the configured "
                f"server URL {configured!r}."
            )
        return config

    def _decode_id_token(self, app, id_token: str) -> dict:
        data = jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )
        nonce = data.get("nonce")
        if (
            not self.expected_nonce
            or not nonce
            or not constant_time_compare(nonce, self.expected_nonce)
        ):
            raise OAuth2Error("The ID token's nonce is not the one sent with this login.")
        return data

    def complete_login(self, request, app, token, **kwargs):
        if not kwargs["response"].get("id_token"):
            raise OAuth2Error("The provider sent no ID token.")
        return super().complete_login(request, app, token, **kwargs)


class CompanyOIDCProvider(OpenIDConnectProvider):
    # allauth builds the provider's URLs from this package's urls.py.
    package = "portal.accounts.oidc"
    oauth2_adapter_class = CompanyOIDCAdapter
    pkce_enabled_default = True

    def get_pkce_params(self) -> dict:
        from allauth.socialaccount.providers.oauth2.utils import generate_code_challenge

        return generate_code_challenge()

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = get_random_string(NONCE_LENGTH)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params["nonce"] = nonce
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )


class CompanyOIDCCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        if state:
            self.adapter.expected_nonce = state.get("nonce")
        return state, response


def login(request, provider_id):
    from allauth.socialaccount.helpers import render_authentication_error
    from allauth.socialaccount.models import SocialApp
    from django.http import Http404
    from requests import RequestException

    adapter = CompanyOIDCAdapter(request, provider_id)
    try:
        return OAuth2LoginView.adapter_view(adapter)(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    except (OAuth2Error, RequestException) as error:
        # The provider is down, or its discovery document is not the configured issuer's.
        logger.warning("OIDC sign-in with %s failed: %s", provider_id, error)
        return render_authentication_error(request, adapter.get_provider(), exception=error)


def callback(request, provider_id):
    from allauth.socialaccount.models import SocialApp
    from django.http import Http404

    try:
        return CompanyOIDCCallbackView.adapter_view(CompanyOIDCAdapter(request, provider_id))(
            request
        )
    except SocialApp.DoesNotExist:
        raise Http404 from None
