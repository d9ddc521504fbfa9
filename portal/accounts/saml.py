"""SAML 2.0 sign-in per company, on django-allauth's SAML provider (python3-saml, xmlsec).

Each company with a SAML identity provider has one allauth `SocialApp` (provider "saml",
client_id and provider_id = the company's slug), linked by `CompanySignOn`. Its URLs are
allauth's: `/accounts/saml/<slug>/login/`, `acs/`, `sls/` and `metadata/` (the SP metadata
the company's IT department loads into Entra ID, Okta or Keycloak).

`CompanySAMLProvider` replaces allauth's provider class (settings.SOCIALACCOUNT_PROVIDERS) so
that, whatever is stored in the SocialApp's settings:
- the assertion must be signed by the IdP's certificate (unsigned, tampered or re-signed
  assertions are refused), in strict mode (audience, recipient, destination, time window),
  with deprecated algorithms (SHA-1) refused;
- IdP-initiated sign-in is refused unless the company's configuration allows it;
- the SP entity id (the audience) is fixed by BASE_URL, not by the request's host;
- an assertion signs someone in once: its ID is kept until it expires, and a replay is refused;
- the SAML attributes (lists) become the flat claims dict the SSO adapter maps
  (`saml_claims`), so OpenID Connect and SAML share the same mapping and checks.
"""

from __future__ import annotations

import copy
import datetime
import logging
from typing import Any
from urllib.parse import urljoin

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

logger = logging.getLogger(__name__)

PROVIDER_ID = "saml"
# Without a NotOnOrAfter in the assertion, its ID is kept this long.
DEFAULT_REPLAY_WINDOW = datetime.timedelta(hours=8)

# Settings no configuration can weaken (keys of allauth's SocialApp.settings["advanced"]).
ENFORCED_SECURITY = {
    "strict": True,
    "want_assertion_signed": True,
    "reject_deprecated_algorithm": True,
}


def sp_entity_id(slug: str) -> str:
    """The service provider's entity id (the audience IdPs write): the company's metadata URL."""
    path = reverse("saml_metadata", kwargs={"organization_slug": slug})
    return urljoin(settings.BASE_URL.rstrip("/") + "/", path.lstrip("/"))


def hardened_settings(app_settings: dict | None, slug: str) -> dict:
    """The SocialApp's SAML settings with the platform's security floor applied."""
    config = copy.deepcopy(app_settings or {})
    advanced = config.setdefault("advanced", {})
    advanced.update(ENFORCED_SECURITY)
    # IdP-initiated sign-in (no AuthnRequest, no InResponseTo) only when explicitly allowed.
    advanced["reject_idp_initiated_sso"] = advanced.get("reject_idp_initiated_sso") is not False
    config.setdefault("sp", {})["entity_id"] = sp_entity_id(slug)
    return config


def saml_claims(
    attributes: dict[str, list[Any]], *, name_id: str | None = None, mapped: dict | None = None
) -> dict[str, str]:
    """Flatten SAML attributes ({name: [values]}) into the flat claims dict of the SSO adapter.

    Each attribute gives its first non-empty value, as a stripped string (a profile field holds
    one value); empty attributes are left out. `name_id` is kept as "name_id", and the fields
    allauth's attribute mapping found (email, first_name, last_name) under their own names.
    """
    claims: dict[str, str] = {}
    for name, values in (attributes or {}).items():
        if not isinstance(values, list | tuple):
            values = [values]
        for value in values:
            text = "" if value is None else str(value).strip()
            if text:
                claims[str(name)] = text
                break
    if name_id:
        claims["name_id"] = str(name_id).strip()
    for key, value in (mapped or {}).items():
        if isinstance(value, str) and value.strip():
            claims[key] = value.strip()
    return claims


class AssertionReplayed(Exception):
    pass


def remember_assertion(app, assertion_id: str, not_on_or_after: datetime.datetime) -> None:
    """Record that `assertion_id` was used; raise AssertionReplayed if it already was."""
    from portal.models import SeenSamlAssertion

    now = timezone.now()
    SeenSamlAssertion.objects.filter(not_on_or_after__lt=now).delete()
    try:
        with transaction.atomic():
            SeenSamlAssertion.objects.create(
                social_app=app, assertion_id=assertion_id, not_on_or_after=not_on_or_after
            )
    except IntegrityError as error:
        raise AssertionReplayed(assertion_id) from error


class CompanySAMLProvider(SAMLProvider):
    """allauth's SAML provider with the platform's security floor and a replay cache."""

    def __init__(self, request, app=None) -> None:
        if app is not None:
            # A copy: the security floor applies to this sign-in, the stored row is unchanged.
            app = copy.copy(app)
            app.settings = hardened_settings(app.settings, app.client_id)
        super().__init__(request, app=app)

    def extract_extra_data(self, data) -> dict[str, str]:
        return saml_claims(
            data.get_attributes(), name_id=data.get_nameid(), mapped=self._extract(data)
        )

    def sociallogin_from_response(self, request, response):
        assertion_id = response.get_last_assertion_id()
        expires = response.get_last_assertion_not_on_or_after()
        if expires:
            not_on_or_after = datetime.datetime.fromtimestamp(expires, tz=datetime.UTC)
        else:
            not_on_or_after = timezone.now() + DEFAULT_REPLAY_WINDOW
        if not assertion_id:
            logger.error("SAML assertion without an ID refused (%s)", self.app.client_id)
            raise ImmediateHttpResponse(render_authentication_error(request, self))
        try:
            remember_assertion(self.app, assertion_id, not_on_or_after)
        except AssertionReplayed:
            logger.error(
                "Replayed SAML assertion %s refused (%s)", assertion_id, self.app.client_id
            )
            raise ImmediateHttpResponse(
                render_authentication_error(
                    request,
                    self,
                    extra_context={
                        "saml_errors": ["replayed_assertion"],
                        "saml_last_error_reason": "This assertion was already used.",
                    },
                )
            ) from None
        return super().sociallogin_from_response(request, response)
