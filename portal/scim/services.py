"""SCIM writes: tokens (create, revoke, authenticate) and people (create, replace, patch,
deactivate), each person write through `portal.people.records.apply_person`.

Raises scim2-models' SCIMException subclasses (the views turn them into SCIM error bodies).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from scim2_models import (
    Address,
    Context,
    InvalidValueException,
    Meta,
    Name,
    NotFoundException,
    PatchOp,
    UniquenessException,
)

from portal.calendar import company_today
from portal.inputs import parse_id
from portal.models import Company, EmployeeProfile
from portal.people.records import PersonRecord, apply_person, company_owns_email
from portal.scim.models import ScimAccount, ScimToken
from portal.scim.resources import POLICY, Employment, Enterprise, Person, PersonManager

TOKEN_PREFIX = "cordee_scim_"  # noqa: S105 (a label, not a secret)
SOURCE = "scim"

# ---------------------------------------------------------------------------------------------
# Tokens


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(*, company: Company, label: str, created_by=None) -> tuple[ScimToken, str]:
    """A new token for `company` and its secret, which is shown once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ScimToken.objects.create(
        company=company,
        label=label.strip() or "SCIM",
        token_hash=_hash(raw),
        prefix=raw[: len(TOKEN_PREFIX) + 4],
        created_by=created_by,
    )
    return token, raw


def revoke_token(*, token: ScimToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def authenticate(raw: str) -> ScimToken | None:
    """The live token `raw` is, with its use recorded; a first use turns the company to SCIM."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ScimToken.objects.select_related("company")
        .filter(token_hash=_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    if token.company.directory_source != "scim":
        Company.objects.filter(pk=token.company_id).update(directory_source="scim")
        token.company.directory_source = "scim"
    return token


# ---------------------------------------------------------------------------------------------
# People as SCIM resources


def people_of(company: Company):
    return EmployeeProfile.objects.filter(company=company).select_related(
        "user", "company", "manager__user", "scim_account"
    )


def find_person(company: Company, scim_id: str) -> EmployeeProfile:
    pk = parse_id(scim_id)
    profile = people_of(company).filter(pk=pk).first() if pk else None
    if profile is None:
        raise NotFoundException(detail=_("No person has the id %(id)s.") % {"id": scim_id[:40]})
    return profile


def _account(profile: EmployeeProfile) -> ScimAccount | None:
    try:
        return profile.scim_account
    except ScimAccount.DoesNotExist:
        return None


def is_active(profile: EmployeeProfile) -> bool:
    """Active until the leave date has passed (a leave date of today is a deactivation)."""
    return profile.leave_date is None or profile.leave_date > company_today(profile.company)


def to_resource(profile: EmployeeProfile, *, location: str = "") -> Person:
    account = _account(profile)
    user = profile.user
    enterprise = Enterprise(
        employee_number=profile.employee_number or None,
        department=profile.department or None,
        manager=PersonManager(value=str(profile.manager_id), display_name=str(profile.manager))
        if profile.manager_id
        else None,
    )
    employment = Employment(hire_date=profile.hire_date, leave_date=profile.leave_date)
    return Person(
        id=str(profile.pk),
        external_id=(account.external_id or None) if account else None,
        user_name=(account.user_name if account and account.user_name else user.email),
        name=Name(
            given_name=user.first_name or None,
            family_name=user.last_name or None,
            formatted=user.get_full_name() or None,
        ),
        display_name=user.get_full_name() or None,
        preferred_language=profile.language or None,
        active=is_active(profile),
        emails=[{"value": user.email, "type": "work", "primary": True}],
        addresses=[Address(type="work", locality=profile.site)] if profile.site else None,
        Enterprise=enterprise,
        Employment=employment,
        meta=Meta(
            resource_type="User",
            created=profile.created_at,
            last_modified=profile.updated_at,
            location=location or None,
        ),
    )


def _email_of(resource: Person) -> str:
    emails = [e for e in resource.emails or [] if e.value]
    chosen = (
        next((e for e in emails if e.primary), None)
        or next((e for e in emails if str(e.type or "") == "work"), None)
        or (emails[0] if emails else None)
    )
    email = chosen.value if chosen else (resource.user_name or "")
    if "@" not in email:
        raise InvalidValueException(
            detail=_("userName or emails must hold the person's work e-mail address.")
        )
    return email.strip()


def _language_of(resource: Person) -> str | None:
    for value in (resource.preferred_language, resource.locale):
        code = str(value or "").replace("_", "-").split("-")[0].lower()
        if code in dict(settings.LANGUAGES):
            return code
    return None


def _site_of(resource: Person) -> str | None:
    addresses = [a for a in resource.addresses or [] if a.locality]
    work = next((a for a in addresses if str(a.type or "") == "work"), None)
    chosen = work or (addresses[0] if addresses else None)
    return chosen.locality if chosen else None


def _manager_of(company: Company, resource: Person) -> tuple[str | None, int | None]:
    """(manager_employee_number, manager_id) for the record: "" clears, an id names the manager."""
    enterprise = resource[Enterprise]
    if enterprise is None:
        return None, None
    if enterprise.manager is None or not enterprise.manager.value:
        return "", None
    value = enterprise.manager.value
    pk = parse_id(value)
    manager = EmployeeProfile.objects.filter(company=company, pk=pk).first() if pk else None
    if manager is None:
        raise InvalidValueException(
            detail=_("manager: no person of %(company)s has the id %(id)s.")
            % {"company": company.name, "id": value[:40]}
        )
    # By id: a manager provisioned without an employeeNumber is found all the same.
    return None, manager.pk


def record_of(company: Company, resource: Person, profile: EmployeeProfile | None) -> PersonRecord:
    """The PersonRecord a resource describes; active=false is a leaver, true a (re-)hire."""
    enterprise = resource[Enterprise]
    employment = resource[Employment]
    leave_date: datetime.date | None = employment.leave_date if employment else None
    current_leave = profile.leave_date if profile else None
    clear_leave_date = False
    if resource.active is False:
        leave_date = leave_date or current_leave or company_today(company)
    elif resource.active is None:
        pass  # not said: only an explicit leaveDate changes the leave date
    elif current_leave is not None and (
        leave_date is None or (leave_date == current_leave and not is_active(profile))
    ):
        clear_leave_date = True  # active again (or never said otherwise): a re-hire
        leave_date = None
    elif leave_date is not None and leave_date <= company_today(company) and resource.active:
        raise InvalidValueException(
            detail=_("active is true but the leaveDate %(date)s has passed.")
            % {"date": leave_date.isoformat()}
        )
    name = resource.name
    manager_number, manager_id = _manager_of(company, resource)
    return PersonRecord(
        email=_email_of(resource),
        first_name=name.given_name if name and name.given_name is not None else None,
        last_name=name.family_name if name and name.family_name is not None else None,
        employee_number=(enterprise.employee_number or None) if enterprise else None,
        department=(enterprise.department or None) if enterprise else None,
        site=_site_of(resource),
        language=_language_of(resource),
        hire_date=employment.hire_date if employment else None,
        leave_date=leave_date,
        manager_employee_number=manager_number,
        manager_id=manager_id,
        clear_leave_date=clear_leave_date,
    )


def _apply(company: Company, resource: Person, profile: EmployeeProfile | None) -> EmployeeProfile:
    record = record_of(company, resource, profile)
    if profile is not None:
        _check_identity(company, record, profile)
        _follow_new_email(company, record, profile)
    try:
        applied = apply_person(company, record, source=SOURCE)
    except ValidationError as error:
        messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        detail = "; ".join(
            f"{field}: {msg}" if field and field != "__all__" else msg
            for field, msgs in messages.items()
            for msg in msgs
        )
        if "employee_number" in messages or "belongs to another" in detail:
            raise UniquenessException(detail=detail) from None
        raise InvalidValueException(detail=detail) from None
    if profile is not None and applied.profile.pk != profile.pk:
        # The employee number named someone else: SCIM ids never merge two people.
        raise UniquenessException(
            detail=_("The employee number %(number)s is already someone else's.")
            % {"number": record.employee_number}
        )
    ScimAccount.objects.update_or_create(
        profile=applied.profile,
        defaults={
            "user_name": (resource.user_name or "")[:254],
            "external_id": (resource.external_id or "")[:254],
        },
    )
    return people_of(company).get(pk=applied.profile.pk)


def _check_identity(company: Company, record: PersonRecord, profile: EmployeeProfile) -> None:
    """A PUT or PATCH never gives a person another's employee number or e-mail address."""
    from django.contrib.auth import get_user_model

    if not company_owns_email(company, record.email.strip()):
        return  # apply_person refuses it, without saying whether it exists elsewhere
    others = people_of(company).exclude(pk=profile.pk)
    if record.employee_number and others.filter(employee_number=record.employee_number).exists():
        raise UniquenessException(
            detail=_("The employee number %(number)s is already someone else's.")
            % {"number": record.employee_number}
        )
    from allauth.account.models import EmailAddress

    email = record.email.strip()
    email_taken = (
        get_user_model().objects.filter(email__iexact=email).exclude(pk=profile.user_id).exists()
        or EmailAddress.objects.filter(email__iexact=email).exclude(user=profile.user_id).exists()
    )
    if email_taken:
        raise UniquenessException(
            detail=_("The e-mail address %(email)s is already someone else's.") % {"email": email}
        )


def _follow_new_email(company: Company, record: PersonRecord, profile: EmployeeProfile) -> None:
    """apply_person finds a person by employee number, then by e-mail: a new address of someone
    whose number is unknown or changes too would look like a new person. The SCIM id says who
    it is, so the user's address moves first (apply_person then verifies it and makes it the
    primary one)."""
    from django.contrib.auth import get_user_model

    email = record.email.strip().lower()
    if profile.user.email.lower() != email and company_owns_email(company, email):
        get_user_model().objects.filter(pk=profile.user_id).update(email=email)


def _clash(company: Company, resource: Person) -> None:
    """POST of someone who exists already: 409, the IdP then matches them with a filter.

    An address outside the company's domains is refused first, as invalid: whether it exists
    elsewhere is none of this company's business.
    """
    email = _email_of(resource).lower()
    if not company_owns_email(company, email):
        raise InvalidValueException(
            detail=_("%(email)s is not at one of %(company)s's domains.")
            % {"email": email, "company": company.name}
        )
    user_name = (resource.user_name or "").lower()
    people = people_of(company)
    enterprise = resource[Enterprise]
    from allauth.account.models import EmailAddress

    if (
        EmailAddress.objects.filter(email__iexact=email)
        .exclude(user__profile__company=company)
        .exists()
    ):
        raise UniquenessException(detail=_("This e-mail address is already someone else's."))
    if (
        people.filter(user__email__iexact=email).exists()
        or (user_name and people.filter(user__email__iexact=user_name).exists())
        or (user_name and people.filter(scim_account__user_name__iexact=user_name).exists())
        or (
            enterprise
            and enterprise.employee_number
            and people.filter(employee_number=enterprise.employee_number).exists()
        )
    ):
        raise UniquenessException(
            detail=_("A person with this userName, e-mail or employeeNumber already exists.")
        )


@transaction.atomic
def create_person(company: Company, payload: dict) -> EmployeeProfile:
    resource = Person.model_validate(payload, scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    _clash(company, resource)
    return _apply(company, resource, None)


@transaction.atomic
def replace_person(company: Company, profile: EmployeeProfile, payload: dict) -> EmployeeProfile:
    resource = Person.model_validate(payload, scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
    profile = _locked(company, profile)
    return _apply(company, resource, profile)


@transaction.atomic
def patch_person(company: Company, profile: EmployeeProfile, payload: dict) -> EmployeeProfile:
    patch = PatchOp[Person].model_validate(
        _entra_compatible(payload), scim_ctx=Context.RESOURCE_PATCH_REQUEST
    )
    profile = _locked(company, profile)
    resource = to_resource(profile)
    patch.patch(resource, POLICY)
    return _apply(company, resource, profile)


@transaction.atomic
def deactivate_person(company: Company, profile: EmployeeProfile) -> EmployeeProfile:
    """DELETE: the person leaves (today, unless they already have a leave date); money records
    and the account stay."""
    profile = _locked(company, profile)
    resource = to_resource(profile)
    resource.active = False
    return _apply(company, resource, profile)


def _locked(company: Company, profile: EmployeeProfile) -> EmployeeProfile:
    return people_of(company).select_for_update(of=("self",)).get(pk=profile.pk)


def _entra_compatible(payload):
    """Entra ID sends the manager as a bare id string (or a list of one object)."""
    if not isinstance(payload, dict):
        return payload
    operations = payload.get("Operations")
    if not isinstance(operations, list):
        return payload
    fixed = []
    for operation in operations:
        if isinstance(operation, dict):
            path = str(operation.get("path") or "")
            value = operation.get("value")
            if path.lower().endswith(":manager"):
                if isinstance(value, list) and len(value) == 1:
                    value = value[0]
                if isinstance(value, str):
                    value = {"value": value} if value else None
                operation = {**operation, "value": value}
                if value is None or str(operation.get("op", "")).lower() == "remove":
                    operation = {"op": "remove", "path": path}  # a manager removal, value or not
        fixed.append(operation)
    return {**payload, "Operations": fixed}
