"""django-allauth adapter: sign-up only for e-mail domains that belong to a company, and address
changes only within the person's own company."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from portal.accounts.addresses import AddressOutsideCompany, check_new_address
from portal.services import company_for_email, create_employee_profile


def passwords_refused(email: str | None) -> str | None:
    """Why a password may not be used for this address (its company signs in only through its
    own identity provider), or None. Depends on the domain only, never on whether an account
    exists."""
    from portal.accounts.sign_on import sign_on_for_email

    if not email or "@" not in email:
        return None
    sign_on = sign_on_for_email(email)
    if sign_on is None or sign_on.password_sign_in:
        return None
    return _(
        "%(company)s signs its people in with its own account, not a Cordée password: "
        "enter your e-mail address on the sign-in page and choose \u201cContinue with "
        "%(label)s\u201d."
    ) % {"company": sign_on.company.name, "label": sign_on.label}


def acts_for_an_association(email: str) -> bool:
    """Whether the address is an active association member's (their password reset works)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            email__iexact=email,
            association_memberships__is_active=True,
            profile__isnull=True,
        )
        .exists()
    )


def association_workspace_url(user) -> str | None:
    """Where an association member without a company lands after signing in, else None.

    Portal names no app: the workspace is found by its URL name and the reverse relation.
    """
    if user is None or not user.is_authenticated or hasattr(user, "profile"):
        return None
    if not user.association_memberships.filter(is_active=True).exists():
        return None
    try:
        return reverse("missions:association_workspace")
    except NoReverseMatch:
        return None


class CompanyAccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        return association_workspace_url(request.user) or super().get_login_redirect_url(request)

    def pre_authenticate(self, request, **credentials) -> None:
        # Password sign-in (allauth's login form) for a company whose passwords are off.
        refusal = passwords_refused(credentials.get("email") or credentials.get("username"))
        if refusal:
            raise forms.ValidationError(refusal, code="passwords_off")
        super().pre_authenticate(request, **credentials)

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
        # Sign-up with a password and password reset, for a company whose passwords are off.
        refusal = passwords_refused(email)
        if refusal:
            raise forms.ValidationError(refusal, code="passwords_off")
        if company_for_email(email) is None and not acts_for_an_association(email):
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
