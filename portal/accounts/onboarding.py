"""Writes for onboarding companies from the admin: a new tenant and the domains it signs up with."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import Company, CompanyDomain
from portal.services import create_company


class DomainTaken(Exception):
    """An e-mail domain already belongs to another company (sign-up would be ambiguous)."""

    def __init__(self, domain: str) -> None:
        super().__init__(
            _("The domain %(domain)s already belongs to another company.") % {"domain": domain}
        )
        self.domain = domain


# Slugs a company cannot take: a company's sign-on SocialApp has its slug as provider_id, and
# allauth looks apps up by "provider = X or provider_id = X", so a company slugged "saml" (or
# "openid_connect") would be confused with every company's SAML (or OIDC) sign-on.
RESERVED_SLUGS = frozenset({"saml", "openid_connect"})


def check_slug(slug: str) -> None:
    """Raise a ValidationError keyed "slug" if `slug` is reserved."""
    if (slug or "").strip().lower() in RESERVED_SLUGS:
        raise ValidationError(
            {
                "slug": _(
                    "“%(slug)s” is reserved by the single sign-on: choose another short name."
                )
                % {"slug": slug}
            }
        )


def normalise_domains(domains: list[str]) -> list[str]:
    """Lower-case, stripped, without duplicates, in the given order."""
    seen: dict[str, None] = {}
    for domain in domains:
        cleaned = domain.strip().lower().lstrip("@")
        if cleaned:
            seen.setdefault(cleaned, None)
    return list(seen)


def taken_domains(*, domains: list[str], company: Company | None = None) -> list[str]:
    """The domains of `domains` owned by a company other than `company`."""
    owned = CompanyDomain.objects.filter(domain__in=domains)
    if company is not None:
        owned = owned.exclude(company=company)
    return sorted(owned.values_list("domain", flat=True))


@transaction.atomic
def onboard_company(*, name: str, slug: str, domains: list[str], **fields) -> Company:
    """Create a tenant through portal.services.create_company so every app provisions it."""
    check_slug(slug)
    domains = normalise_domains(domains)
    if taken := taken_domains(domains=domains):
        raise DomainTaken(taken[0])
    return create_company(name=name, slug=slug, domains=domains, **fields)


@transaction.atomic
def set_company_domains(*, company: Company, domains: list[str]) -> None:
    """Make `domains` exactly the company's sign-up domains (existing users keep their place)."""
    domains = normalise_domains(domains)
    # Lock the company row so two admins editing domains at once cannot interleave.
    Company.objects.select_for_update().get(pk=company.pk)
    if taken := taken_domains(domains=domains, company=company):
        raise DomainTaken(taken[0])
    company.domains.exclude(domain__in=domains).delete()
    existing = set(company.domains.values_list("domain", flat=True))
    for domain in domains:
        if domain not in existing:
            CompanyDomain.objects.create(company=company, domain=domain)
