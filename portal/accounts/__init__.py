"""django-allauth adapter: sign-up only for e-mail domains that belong to a company, and address
changes only within the person's own company."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.utils.translation import gettext as _

from portal.accounts.addresses import AddressOutsideCompany, check_new_address
from portal.services import company_for_email, create_employee_profile


class CompanyAccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            # A signed-in person adding or changing an address (allauth's e-mail page): it stays
            # within their company, whose domain placed them there at sign-up.
            try:
                check_new_address(user=user, email=email)
            except AddressOutsideCompany as refusal:
                raise forms.ValidationError(str(refusal), code="outside_company") from refusal
            return email
        if company_for_email(email) is None:
            raise forms.ValidationError(
                _(
                    "Sign-up is open to employees of the companies on Cordée. "
                    "Use your work e-mail address; if it is refused, ask your CSR team to "
                    "add your company's e-mail domain."
                ),
                code="unknown_company_domain",
            )
        return email

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            company = company_for_email(user.email)
            if company is not None:
                create_employee_profile(user=user, company=company)
        return user
