"""The employee's own profile: what they may change themselves, and their e-mail choices.

With `directory_source == "manual"` the company has no HR feed, so the employee keeps their
name, employee number, department, site and language up to date. When the HR system (file
import or SCIM) or the identity provider feeds the directory, those fields are theirs: only the
language and e-mail preferences stay with the employee.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.models import EmployeeProfile

DIRECTORY_FIELDS = ("first_name", "last_name", "employee_number", "department", "site")
NOTIFICATION_FIELDS = ("notify_reminders", "notify_approval_requests", "notify_campaign_news")


def may_edit_directory_fields(profile: EmployeeProfile) -> bool:
    return profile.company.directory_source == "manual"


def employee_number_taken(profile: EmployeeProfile, number: str) -> bool:
    return (
        EmployeeProfile.objects.filter(company_id=profile.company_id, employee_number=number)
        .exclude(pk=profile.pk)
        .exists()
    )


@transaction.atomic
def update_own_profile(*, profile: EmployeeProfile, language: str, **directory) -> None:
    """Save what the employee typed; directory fields only when the company lets them.

    Raises ValidationError keyed by field (a number already used in the company, a directory
    field of a synced company) and writes nothing then.
    """
    unknown = set(directory) - set(DIRECTORY_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    if directory and not may_edit_directory_fields(profile):
        raise ValidationError(
            {
                field: _("This comes from your company's HR system and cannot be changed here.")
                for field in directory
            }
        )
    profile = EmployeeProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    number = directory.get("employee_number", profile.employee_number).strip()
    if number and employee_number_taken(profile, number):
        raise ValidationError(
            {
                "employee_number": _(
                    "The employee number %(number)s is already someone else's in your company: "
                    "check it on your payslip, or ask your HR or CSR team."
                )
                % {"number": number}
            }
        )
    user = profile.user
    user_fields = []
    for field in ("first_name", "last_name"):
        if field in directory:
            setattr(user, field, directory[field].strip())
            user_fields.append(field)
    if user_fields:
        user.full_clean(exclude=["password", "username", "email"])
        user.save(update_fields=user_fields)
    profile_fields = ["language", "updated_at"]
    profile.language = language
    for field in ("employee_number", "department", "site"):
        if field in directory:
            setattr(profile, field, directory[field].strip())
            profile_fields.append(field)
    try:
        with transaction.atomic():
            profile.save(update_fields=profile_fields)
    except IntegrityError:  # the same number saved by someone else meanwhile
        raise ValidationError(
            {"employee_number": _("This employee number is already someone else's.")}
        ) from None


def set_notification_preferences(*, profile: EmployeeProfile, **choices: bool) -> None:
    unknown = set(choices) - set(NOTIFICATION_FIELDS)
    if unknown:
        raise ValueError(sorted(unknown))
    for field, value in choices.items():
        setattr(profile, field, bool(value))
    profile.save(update_fields=[*choices, "updated_at"])
