"""One person as the company's systems describe them, and the one write that applies it.

SSO claims, SCIM resources and HR file lines all become a `PersonRecord`; `apply_person` is the
only code that creates or updates a user and profile from them, so the rules (the e-mail must be
at one of the company's domains, employee numbers are unique per company, a manager is found by
employee number in the same company, a leave date is announced to the apps) hold for all three.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import Company, EmployeeProfile
from portal.people.signals import person_left, person_returned
from portal.services import email_domain

# Profile fields a record may set; None means "the source does not say" (left as it is).
PROFILE_FIELDS = ("employee_number", "department", "site", "language", "hire_date", "leave_date")
USER_FIELDS = ("first_name", "last_name")


@dataclasses.dataclass
class PersonRecord:
    email: str
    first_name: str | None = None
    last_name: str | None = None
    employee_number: str | None = None
    department: str | None = None
    site: str | None = None
    language: str | None = None
    hire_date: datetime.date | None = None
    leave_date: datetime.date | None = None
    # None: unknown; "": no manager; otherwise the manager's employee number in the company.
    manager_employee_number: str | None = None
    # Or the manager by the id Cordée gave them (SCIM refers to people by that id): a manager
    # provisioned without an employee number is still found.
    manager_id: int | None = None
    # Whether the record explicitly clears the leave date (a re-hire), as SCIM active=true does.
    clear_leave_date: bool = False


@dataclasses.dataclass
class AppliedPerson:
    profile: EmployeeProfile
    created: bool
    # field name -> (old, new), for previews and the audit log
    changes: dict[str, tuple[object, object]]


def company_owns_email(company: Company, email: str) -> bool:
    return company.domains.filter(domain=email_domain(email)).exists()


@transaction.atomic
def apply_person(company: Company, record: PersonRecord, *, source: str) -> AppliedPerson:
    """Create or update the person of `record` in `company` and return what changed.

    Finds the person by employee number first (so an e-mail change follows the person), then
    by e-mail. Raises ValidationError, naming the field, when the e-mail is not at one of the
    company's domains, belongs to someone of another company, or the manager is unknown.
    """
    email = record.email.strip().lower()
    if not company_owns_email(company, email):
        raise ValidationError(
            {
                "email": _("%(email)s is not at one of %(company)s's domains.")
                % {"email": email, "company": company.name}
            }
        )
    User = get_user_model()
    profile = None
    if record.employee_number:
        profile = (
            EmployeeProfile.objects.select_for_update()
            .select_related("user")
            .filter(company=company, employee_number=record.employee_number)
            .first()
        )
    user = profile.user if profile else User.objects.filter(email__iexact=email).first()
    if profile is None and user is not None:
        profile = (
            EmployeeProfile.objects.select_for_update().select_related("user").filter(user=user)
        ).first()
        if profile is not None and profile.company_id != company.pk:
            raise ValidationError(
                {"email": _("%(email)s belongs to another company.") % {"email": email}}
            )
    changes: dict[str, tuple[object, object]] = {}
    created = False
    if user is None:
        user = User(username=_free_username(email), email=email)
        user.set_unusable_password()
        created = True
    if user.email.lower() != email:
        changes["email"] = (user.email, email)
        user.email = email
    for field in USER_FIELDS:
        value = getattr(record, field)
        if value is not None and getattr(user, field) != value:
            changes[field] = (getattr(user, field), value)
            setattr(user, field, value)
    user.save()
    _sync_primary_address(user)
    if profile is None:
        profile = EmployeeProfile(user=user, company=company)
        created = True
    old_leave = profile.leave_date
    for field in PROFILE_FIELDS:
        value = getattr(record, field)
        if value is not None and getattr(profile, field) != value:
            changes[field] = (getattr(profile, field), value)
            setattr(profile, field, value)
    if record.clear_leave_date and profile.leave_date is not None:
        changes["leave_date"] = (profile.leave_date, None)
        profile.leave_date = None
    if record.manager_id is not None:
        manager = _manager_by_id(company, record.manager_id, profile)
        if manager != profile.manager:
            changes["manager"] = (profile.manager, manager)
            profile.manager = manager
    elif record.manager_employee_number is not None:
        manager = _manager(company, record.manager_employee_number, profile)
        if manager != profile.manager:
            changes["manager"] = (profile.manager, manager)
            profile.manager = manager
    profile.full_clean(exclude=["user", "company", "manager"], validate_constraints=False)
    if profile.hire_date and profile.leave_date and profile.leave_date < profile.hire_date:
        raise ValidationError({"leave_date": _("The leave date is before the hire date.")})
    clash = EmployeeProfile.objects.filter(
        company=company, employee_number=profile.employee_number
    ).exclude(pk=profile.pk)
    if profile.employee_number and clash.exists():
        raise ValidationError(
            {
                "employee_number": _("The employee number %(number)s is already someone else's.")
                % {"number": profile.employee_number}
            }
        )
    profile.save()
    if created:
        from portal.services import sync_admin_access

        sync_admin_access(profile)
    announce_leave_date_change(profile, old_leave, source=source)
    return AppliedPerson(profile=profile, created=created, changes=changes)


def announce_leave_date_change(
    profile: EmployeeProfile, old_leave: datetime.date | None, *, source: str
) -> None:
    """Tell the apps about a leave date recorded, moved or cleared (a re-hire)."""
    if profile.leave_date and profile.leave_date != old_leave:
        person_left.send(
            sender=EmployeeProfile, profile=profile, leave_date=profile.leave_date, source=source
        )
    elif old_leave and profile.leave_date is None:
        person_returned.send(sender=EmployeeProfile, profile=profile, source=source)


def _sync_primary_address(user) -> None:
    """The company's system vouches for the address: it is the verified primary one."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(primary=False)
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])


def _manager_by_id(company: Company, pk: int, profile: EmployeeProfile) -> EmployeeProfile:
    if profile.pk is not None and pk == profile.pk:
        raise ValidationError({"manager_id": _("A person cannot be their own manager.")})
    manager = EmployeeProfile.objects.filter(company=company, pk=pk).first()
    if manager is None:
        raise ValidationError(
            {
                "manager_id": _("No employee of %(company)s has the id %(id)s.")
                % {"company": company.name, "id": pk}
            }
        )
    return manager


def _manager(company: Company, number: str, profile: EmployeeProfile) -> EmployeeProfile | None:
    if not number:
        return None
    if number == profile.employee_number:
        raise ValidationError(
            {"manager_employee_number": _("A person cannot be their own manager.")}
        )
    manager = EmployeeProfile.objects.filter(company=company, employee_number=number).first()
    if manager is None:
        raise ValidationError(
            {
                "manager_employee_number": _(
                    "No employee of %(company)s has the number %(number)s."
                )
                % {"company": company.name, "number": number}
            }
        )
    return manager


def _free_username(email: str) -> str:
    User = get_user_model()
    base = email[:140]
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate
