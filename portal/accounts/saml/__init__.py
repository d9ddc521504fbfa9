"""SAML 2.0 sign-in per company, on django-allauth's SAML provider (python3-saml, xmlsec).

Each company with a SAML identity provider has one allauth `SocialApp` (provider "saml",
client_id and provider_id = the company's slug), linked by `CompanySignOn`. Its URLs are
allauth's (`urls.py` here wraps its views): `/accounts/saml/<slug>/login/`, `acs/`, `sls/` and
`metadata/` (the SP metadata the company's IT department loads into Entra ID, Okta or Keycloak).

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
import ipaddress
import logging
import socket
from typing import Any
from urllib.parse import urljoin, urlsplit

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from onelogin.saml2.constants import OneLogin_Saml2_Constants

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
    # The SP's own URLs come from the request's host, which ALLOWED_HOSTS has vetted: an
    # intranet's single-label host is no reason for a 500 (python3-saml refuses them otherwise).
    advanced["allow_single_label_domains"] = True
    config.setdefault("sp", {})["entity_id"] = sp_entity_id(slug)
    return config


def saml_claims(
    attributes: dict[str, list[Any]], *, name_id: str | None = None, mapped: dict | None = None
) -> dict[str, str]:
    """Flatten SAML attributes ({name: [values]}) into the flat claims dict of the SSO adapter.

    Each attribute gives its first non-empty value, as a stripped string (a profile field holds
    one value); empty attributes are left out. `name_id` is kept as "name_id", and the fields
    allauth's attribute mapping found as "email", "given_name" and "family_name" (the OpenID
    Connect names, which the SSO adapter reads when the company's mapping names none).
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
    # What allauth's attribute mapping found, under the OpenID Connect claim names the SSO
    # adapter reads by default.
    for key, claim in (
        ("email", "email"),
        ("first_name", "given_name"),
        ("last_name", "family_name"),
    ):
        value = (mapped or {}).get(key)
        if isinstance(value, str) and value.strip():
            claims[claim] = value.strip()
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

    # allauth mounts the provider's URLs from `<package>.urls`: ours wrap allauth's SAML views.
    package = "portal.accounts.saml"

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
            # python3-saml accepts an assertion up to its NotOnOrAfter plus the clock drift.
            not_on_or_after = datetime.datetime.fromtimestamp(
                expires, tz=datetime.UTC
            ) + datetime.timedelta(seconds=OneLogin_Saml2_Constants.ALLOWED_CLOCK_DRIFT)
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


# Where allauth looks for the e-mail, names and stable id when the company's mapping says
# nothing: the names Entra ID, Okta and Keycloak send by default, then the LDAP OIDs.
DEFAULT_ATTRIBUTES = {
    "email": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "urn:oid:0.9.2342.19200300.100.1.3",
        "email",
    ],
    "first_name": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "urn:oid:2.5.4.42",
        "firstName",
    ],
    "last_name": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "urn:oid:2.5.4.4",
        "lastName",
    ],
}


class InvalidSamlConfiguration(ValueError):
    """A SAML setting that cannot work; `field` names the form field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def normalise_certificate(text: str) -> str:
    """The IdP's signing certificate as base64 (PEM armour and spaces removed); checked."""
    import base64

    from cryptography import x509

    body = "".join(
        line.strip() for line in (text or "").splitlines() if "CERTIFICATE" not in line
    ).replace(" ", "")
    try:
        x509.load_der_x509_certificate(base64.b64decode(body, validate=True))
    except ValueError as error:
        raise InvalidSamlConfiguration(
            "x509cert",
            _(
                "This is not an X.509 certificate (paste the IdP's signing certificate, "
                "in PEM or base64)."
            ),
        ) from error
    return body


def idp_from_metadata_xml(xml: str) -> dict[str, str]:
    """entity_id, sso_url and x509cert read from the IdP's metadata XML."""
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

    try:
        idp = OneLogin_Saml2_IdPMetadataParser.parse(xml.encode())["idp"]
    except Exception as error:  # lxml and python3-saml raise many kinds
        raise InvalidSamlConfiguration(
            "metadata_xml",
            _("The IdP metadata could not be read: %(error)s") % {"error": error},
        ) from error
    cert = idp.get("x509cert") or (idp.get("x509certMulti", {}).get("signing") or [""])[0]
    sso_url = idp.get("singleSignOnService", {}).get("url", "")
    if not (idp.get("entityId") and sso_url and cert):
        raise InvalidSamlConfiguration(
            "metadata_xml",
            _(
                "The IdP metadata needs an entity id, a single sign-on URL (HTTP-Redirect) and "
                "a signing certificate."
            ),
        )
    return {"entity_id": idp["entityId"], "sso_url": sso_url, "x509cert": cert}


def fetch_idp_metadata(idp: dict) -> dict:
    """Read the IdP's metadata from its URL now (not cached): its entity id must be there."""
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

    try:
        found = OneLogin_Saml2_IdPMetadataParser.parse_remote(
            idp["metadata_url"], entity_id=idp["entity_id"], timeout=5
        ).get("idp")
    except Exception as error:  # network, HTTP and XML errors of many kinds
        raise InvalidSamlConfiguration(
            "metadata_url",
            _("The IdP metadata could not be read from this URL: %(error)s") % {"error": error},
        ) from error
    if not found or not found.get("singleSignOnService", {}).get("url"):
        raise InvalidSamlConfiguration(
            "entity_id",
            _("The metadata at this URL describes no IdP with this entity id."),
        )
    return found


def _not_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )


def check_public_address(url: str) -> None:
    """Refuse a metadata URL whose host is, or resolves to, a non-public address.

    The server fetches this URL (now and every 4 hours): a CSR officer must not make it read
    the platform's internal network (cloud metadata, admin consoles). Allowed with
    CORDEE_SSO_ALLOW_PRIVATE_METADATA (an intranet IdP, the tests' IdP on 127.0.0.1).
    """
    if getattr(settings, "CORDEE_SSO_ALLOW_PRIVATE_METADATA", False):
        return
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise InvalidSamlConfiguration("metadata_url", _("This URL has no host."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port)}
    except (OSError, ValueError, UnicodeError) as error:
        raise InvalidSamlConfiguration(
            "metadata_url",
            _("The host %(host)s could not be resolved.") % {"host": host},
        ) from error
    if not addresses or any(_not_public(address) for address in addresses):
        raise InvalidSamlConfiguration(
            "metadata_url",
            _(
                "The host %(host)s is a private, loopback, link-local or reserved address: "
                "the IdP metadata URL must be reachable on the internet."
            )
            % {"host": host},
        )


def saml_app_settings(
    *,
    entity_id: str = "",
    sso_url: str = "",
    x509cert: str = "",
    metadata_url: str = "",
    metadata_xml: str = "",
    claim_mapping: dict | None = None,
    allow_idp_initiated: bool = False,
) -> dict:
    """The SocialApp settings of a company's SAML IdP, from what its IT department gives.

    Either the metadata URL (with the IdP's entity id; allauth fetches it and caches it for
    4 hours), the metadata XML, or the entity id, SSO URL and signing certificate.
    """
    if metadata_xml.strip():
        idp = idp_from_metadata_xml(metadata_xml)
    elif metadata_url:
        if not metadata_url.startswith("https://") and not (settings.DEBUG or settings.TESTING):
            raise InvalidSamlConfiguration(
                "metadata_url", _("The IdP metadata URL must be an https:// address.")
            )
        check_public_address(metadata_url)
        if not entity_id:
            raise InvalidSamlConfiguration(
                "entity_id", _("With a metadata URL, give the IdP's entity id too.")
            )
        idp = {"entity_id": entity_id, "metadata_url": metadata_url}
    else:
        for field, value in (("entity_id", entity_id), ("sso_url", sso_url)):
            if not value:
                raise InvalidSamlConfiguration(
                    field, _("Needed unless the IdP's metadata (URL or XML) is given.")
                )
        idp = {"entity_id": entity_id, "sso_url": sso_url}
    if "x509cert" in idp or "metadata_url" not in idp:
        idp["x509cert"] = normalise_certificate(idp.get("x509cert") or x509cert)
    mapping = {key: list(names) for key, names in DEFAULT_ATTRIBUTES.items()}
    for key in mapping:
        chosen = (claim_mapping or {}).get(key)
        if chosen:
            mapping[key] = [chosen, *mapping[key]]
    return {
        "idp": idp,
        "attribute_mapping": mapping,
        "advanced": {**ENFORCED_SECURITY, "reject_idp_initiated_sso": not allow_idp_initiated},
    }


@transaction.atomic
def configure_saml_sign_on(
    company,
    *,
    label: str,
    app_settings: dict,
    claim_mapping: dict | None = None,
    password_sign_in: bool = True,
):
    """Create or update the company's SAML sign-on: its SocialApp and CompanySignOn.

    One SocialApp per company, provider "saml", client_id and provider_id the company's slug
    (its URLs are /accounts/saml/<slug>/...). `app_settings` comes from `saml_app_settings`.
    """
    from allauth.socialaccount.models import SocialApp
    from django.contrib.sites.models import Site

    from portal.models import CompanySignOn

    sign_on = CompanySignOn.objects.select_related("social_app").filter(company=company).first()
    app = sign_on.social_app if sign_on else SocialApp()
    app.provider = PROVIDER_ID
    app.provider_id = company.slug
    app.client_id = company.slug
    app.name = label
    app.settings = app_settings
    app.secret = ""  # a company switching from OpenID Connect: its client secret goes
    app.save()
    app.sites.add(Site.objects.get_current())
    if sign_on is None:
        sign_on = CompanySignOn(company=company, social_app=app)
    sign_on.label = label
    sign_on.claim_mapping = dict(claim_mapping or {})
    sign_on.password_sign_in = password_sign_in
    sign_on.full_clean()
    sign_on.save()
    return sign_on
