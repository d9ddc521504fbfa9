"""Which e-mail addresses a signed-in person may change to: those of their own company."""

from __future__ import annotations

from django.utils.translation import gettext as _

from portal.services import email_domain
from portal.tenancy import company_of


class AddressOutsideCompany(Exception):
    """The address's domain is not one of the person's company's e-mail domains."""

    def __init__(self, *, email: str, domains: list[str]) -> None:
        super().__init__(
            _(
                "Your account belongs to your company: use an address of its e-mail domains "
                "(%(domains)s). To move to another company, sign up there with its address."
            )
            % {"domains": ", ".join(domains)}
        )
        self.email = email
        self.domains = domains


def check_new_address(*, user, email: str) -> None:
    """Refuse an address outside the company of `user`; people without one (platform admins)
    may use any address. Verifying the new address before it counts is allauth's part."""
    company = company_of(user)
    if company is None:
        return
    domains = list(company.domains.values_list("domain", flat=True))
    if email_domain(email) not in domains:
        raise AddressOutsideCompany(email=email, domains=domains)
