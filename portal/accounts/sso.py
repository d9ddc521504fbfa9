"""Single sign-on through a company's own identity provider (OpenID Connect or SAML 2.0).

`CompanySocialAccountAdapter` is allauth's SOCIALACCOUNT_ADAPTER. It is provider independent:
whatever the protocol, a login through a company's SocialApp is accepted only when

- that SocialApp is linked to a company by a `CompanySignOn`,
- the e-mail asserted by the provider is at one of *that* company's domains (an e-mail of company
  A never lands in company B, even if B's provider asserts it),
- the person is not already someone of another company.

Then the person is created or updated through `portal.people.apply_person(source="sso")` with
the claims mapped by the sign-on's `claim_mapping`, the social account is connected to them, and
they are signed in: no allauth sign-up form for SSO people, and the e-mail is verified (the
company's provider vouches for it).

Protocols hand their attributes over as a flat dict of claims (`flatten_claims`): OpenID Connect
merges the ID token and userinfo; SAML's attribute lists keep their first value.
"""

from __future__ import annotations

import logging

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal.models import CompanySignOn, EmployeeProfile
from portal.people.records import PersonRecord, apply_person, company_owns_email

logger = logging.getLogger(__name__)

# Profile fields a claim mapping may fill, and the standard OpenID Connect claims used when the
# mapping does not name one.
MAPPABLE_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "employee_number",
    "department",
    "site",
    "manager_employee_number",
    "language",
)
DEFAULT_CLAIMS = {
    "email": "email",
    "first_name": "given_name",
    "last_name": "family_name",
    "language": "locale",
}
LANGUAGES = ("fr", "en")


class SignOnRefused(Exception):
    """The provider's answer cannot sign anyone into Cordée; the message says why."""


def sign_on_for_app(app) -> CompanySignOn | None:
    """The company sign-on of an allauth SocialApp (None for an app no company owns)."""
    if app is None or app.pk is None:
        return None
    return CompanySignOn.objects.select_related("company").filter(social_app=app).first()


def sign_on_for_sociallogin(sociallogin) -> CompanySignOn | None:
    provider = sociallogin.provider
    app = getattr(provider, "app", None)
    sign_on = sign_on_for_app(app)
    if sign_on is None and sociallogin.account.provider:
        # The account's provider is the app's provider_id when it has one (one app per
        # company), else the provider's type.
        sign_on = (
            CompanySignOn.objects.select_related("company")
            .filter(social_app__provider_id=sociallogin.account.provider)
            .first()
        )
    return sign_on


def flatten_claims(extra_data) -> dict:
    """One flat dict of claims from what a provider stored in `SocialAccount.extra_data`.

    OpenID Connect stores {"id_token": {...}, "userinfo": {...}}: userinfo wins over the ID token.
    SAML stores attribute lists: the first value of each is kept.
    """
    if not isinstance(extra_data, dict):
        return {}
    if "id_token" in extra_data or "userinfo" in extra_data:
        claims = dict(extra_data.get("id_token") or {})
        claims.update(extra_data.get("userinfo") or {})
    else:
        claims = dict(extra_data)
    flat = {}
    for key, value in claims.items():
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        flat[key] = value
    return flat


def _claim(claims: dict, name: str):
    if name in claims:
        return claims[name]
    # Nested claims ("address.locality") for providers that group them.
    value = claims
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _text(value) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value).strip()


def claims_to_record(sign_on: CompanySignOn, claims: dict) -> PersonRecord:
    """The person described by the provider's claims, mapped by the sign-on's claim mapping.

    The mapping names, for each profile field, the claim (or SAML attribute) holding it; fields
    it does not name use the standard OpenID Connect claims (email, given_name, family_name,
    locale) when present, and are otherwise left as they are. Raises SignOnRefused without an
    e-mail.
    """
    mapping = {**DEFAULT_CLAIMS, **{k: v for k, v in (sign_on.claim_mapping or {}).items() if v}}
    values = {}
    for field in MAPPABLE_FIELDS:
        claim = mapping.get(field)
        if claim:
            values[field] = _text(_claim(claims, claim))
    email = (values.pop("email", None) or "").lower()
    if not email or "@" not in email:
        raise SignOnRefused(
            _("%(provider)s did not send an e-mail address: ask your IT team to release it.")
            % {"provider": sign_on.label}
        )
    language = values.pop("language", None)
    if language:
        language = language.replace("_", "-").split("-")[0].lower()
        values["language"] = language if language in LANGUAGES else None
    # An empty claim is "unknown" for names and numbers, but "no manager" for the manager.
    for field in ("first_name", "last_name", "employee_number", "department", "site"):
        if values.get(field) == "":
            values[field] = None
    return PersonRecord(email=email, **values)


def sign_in_person(sign_on: CompanySignOn, claims: dict, *, existing_user=None):
    """Create or update the person the provider vouches for, in the sign-on's company.

    Returns the user. Raises SignOnRefused (nothing written) when the e-mail is not at one of the
    company's domains, belongs to someone of another company, or the social account already
    belongs to a different person.
    """
    company = sign_on.company
    record = claims_to_record(sign_on, claims)
    if not company_owns_email(company, record.email):
        raise SignOnRefused(
            _(
                "%(email)s is not an address of %(company)s: %(provider)s cannot sign it in. "
                "Sign in with your own company's account."
            )
            % {"email": record.email, "company": company.name, "provider": sign_on.label}
        )
    if existing_user is not None:
        profile = EmployeeProfile.objects.filter(user=existing_user).first()
        if profile is None or profile.company_id != company.pk:
            raise SignOnRefused(_("This account belongs to another company."))
    try:
        with transaction.atomic():
            applied = apply_person(company, record, source="sso")
            user = applied.profile.user
            if existing_user is not None and user.pk != existing_user.pk:
                raise SignOnRefused(
                    _("%(email)s is already someone else's account at %(company)s.")
                    % {"email": record.email, "company": company.name}
                )
    except ValidationError as error:
        messages = [message for errors in error.message_dict.values() for message in errors]
        raise SignOnRefused(" ".join(messages)) from error
    return user


def refusal_response(request, message: str, status: int = 403):
    return render(request, "socialaccount/sso_refused.html", {"message": message}, status=status)


class CompanySocialAccountAdapter(DefaultSocialAccountAdapter):
    """allauth's social account adapter: company sign-on only, people created by apply_person."""

    def pre_social_login(self, request, sociallogin) -> None:
        sign_on = sign_on_for_sociallogin(sociallogin)
        if sign_on is None:
            logger.warning(
                "SSO refused: no company sign-on for provider %s", sociallogin.account.provider
            )
            raise ImmediateHttpResponse(
                refusal_response(request, _("This sign-in provider is not set up on Cordée."))
            )
        claims = flatten_claims(sociallogin.account.extra_data)
        existing = sociallogin.user if sociallogin.is_existing else None
        try:
            user = sign_in_person(sign_on, claims, existing_user=existing)
        except SignOnRefused as refusal:
            logger.warning("SSO refused for %s: %s", sign_on.company.slug, refusal)
            raise ImmediateHttpResponse(refusal_response(request, str(refusal))) from refusal
        sociallogin.user = user
        if not sociallogin.is_existing or sociallogin.account.pk is None:
            # First sign-in through this provider: connect it to the person (auto-signup, no
            # allauth sign-up form).
            sociallogin.save(request, connect=True)

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return True

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return True

    def is_email_verified(self, provider, email) -> bool:
        return True
