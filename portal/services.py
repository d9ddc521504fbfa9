"""Writes for tenancy and people: companies, their domains, employee profiles and roles."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.module_loading import import_string

from portal.models import Company, CompanyDomain, EmployeeProfile

# What CSR officers may do in the Wagtail admin beyond their page section.
CSR_MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("portal", "view_employeeprofile"),
]
# Images and documents: collection permissions only (portal.media_collections); a model-wide
# image permission would open every company's collection.


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower()


def company_for_email(email: str) -> Company | None:
    """The company owning this e-mail's domain, or None."""
    return Company.objects.filter(domains__domain=email_domain(email)).select_related(None).first()


@transaction.atomic
def create_company(*, name: str, slug: str, domains: list[str], **fields) -> Company:
    """Create a tenant with its domains, its CSR group, and what each app provisions for it."""
    company = Company.objects.create(name=name, slug=slug, **fields)
    for domain in domains:
        CompanyDomain.objects.create(company=company, domain=domain)
    ensure_csr_group(company)
    for path in settings.CORDEE_COMPANY_PROVISIONERS:
        import_string(path)(company)
    return company


def ensure_csr_group(company: Company) -> Group:
    if company.csr_group_id:
        return company.csr_group
    group, _ = Group.objects.get_or_create(name=f"CSR officers · {company.slug}")
    for app_label, codename in CSR_MODEL_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    company.csr_group = group
    company.save(update_fields=["csr_group"])
    return group


def create_employee_profile(*, user, company: Company, **fields) -> EmployeeProfile:
    profile = EmployeeProfile.objects.create(user=user, company=company, **fields)
    sync_admin_access(profile)
    return profile


@transaction.atomic
def set_roles(
    *,
    profile: EmployeeProfile,
    csr_officer: bool | None = None,
    executive: bool | None = None,
    payroll_officer: bool | None = None,
) -> EmployeeProfile:
    """Grant or withdraw roles; CSR officers join their company's admin group."""
    if csr_officer is not None:
        profile.is_csr_officer = csr_officer
    if executive is not None:
        profile.is_executive = executive
    if payroll_officer is not None:
        profile.is_payroll_officer = payroll_officer
    profile.save(update_fields=["is_csr_officer", "is_executive", "is_payroll_officer"])
    sync_admin_access(profile)
    return profile


def sync_admin_access(profile: EmployeeProfile) -> None:
    group = ensure_csr_group(profile.company)
    if profile.is_csr_officer:
        profile.user.groups.add(group)
    else:
        profile.user.groups.remove(group)


def create_employee(
    *,
    company: Company,
    email: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    verified: bool = True,
    **profile_fields,
) -> EmployeeProfile:
    """Create a user, their verified e-mail and profile in one go (demo data, imports, tests)."""
    from allauth.account.models import EmailAddress

    user_model = get_user_model()
    user = user_model(username=email.lower()[:150], email=email.lower())
    user.first_name, user.last_name = first_name, last_name
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    csr = profile_fields.pop("is_csr_officer", False)
    executive = profile_fields.pop("is_executive", False)
    payroll = profile_fields.pop("is_payroll_officer", False)
    profile = create_employee_profile(user=user, company=company, **profile_fields)
    if csr or executive or payroll:
        set_roles(profile=profile, csr_officer=csr, executive=executive, payroll_officer=payroll)
    return profile
