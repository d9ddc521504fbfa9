"""What portal holds on a person (account, profile, addresses, sign-ons, MFA, privacy log).

The portal's contributor to `settings.CORDEE_PERSONAL_DATA`; erased last, after the apps, since
their erasure still reads the profile's company and user.
"""

from __future__ import annotations

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.utils import timezone

from portal.calendar import company_today
from portal.models import EmployeePay, EmployeeProfile, PrivacyAuditEntry

# Keys of an SSO account's claims that are credentials, never exported.
SECRET_CLAIM_WORDS = ("token", "secret", "password", "code", "nonce", "assertion")


def pseudonym_of(profile: EmployeeProfile) -> str:
    return f"Former employee #{profile.pk}"


def account_pseudonym_of(user) -> str:
    """An account without an employee profile (an association member)."""
    return f"Former member #{user.pk}"


def erased_email_of(user) -> str:
    """Unique and non-routable: `.invalid` is reserved, no mail can ever be delivered there."""
    return f"erased-{user.pk}@erased.invalid"


def _claims(extra_data) -> object:
    if isinstance(extra_data, dict):
        return {
            key: _claims(value)
            for key, value in extra_data.items()
            if not any(word in str(key).lower() for word in SECRET_CLAIM_WORDS)
        }
    if isinstance(extra_data, list):
        return [_claims(value) for value in extra_data]
    return extra_data


def _account_tables(user) -> dict[str, list[dict]]:
    """The sign-in side of any account: addresses, single sign-on, MFA (no secret ever)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    return {
        "email_addresses": [
            {"email": row.email, "verified": row.verified, "primary": row.primary}
            for row in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "sso_accounts": [
            {
                "provider": account.provider,
                "uid": account.uid,
                "last_sign_in_at": account.last_login,
                "linked_at": account.date_joined,
                "claims": _claims(account.extra_data),
            }
            for account in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
        # The kind and dates only: the secrets and key material stay out of any file.
        "mfa_methods": [
            {"kind": row.type, "created_at": row.created_at, "last_used_at": row.last_used_at}
            for row in Authenticator.objects.filter(user=user).order_by("pk")
        ],
    }


def _pay(profile: EmployeeProfile) -> list[dict]:
    """The person's own pay rows (the salary file's figures, or the grade they were put in)."""
    return [
        {
            "applies_from": row.valid_from,
            "pay_grade": row.grade.name if row.grade_id else "",
            "monthly_gross_cents": (
                row.grade.monthly_gross_cents if row.grade_id else row.monthly_gross_cents
            ),
            "employer_contributions_percent": (
                row.grade.employer_contributions_percent if row.grade_id else None
            ),
            "monthly_employer_contributions_cents": row.monthly_employer_contributions_cents,
            "currency": profile.company.currency,
            "source": row.source,
            "recorded_at": row.created_at,
        }
        for row in EmployeePay.objects.filter(profile=profile)
        .select_related("grade")
        .order_by("valid_from", "pk")
    ]


def export(profile: EmployeeProfile) -> dict[str, list[dict]]:
    user = profile.user
    manager = profile.manager
    return {
        "profile": [
            {
                "id": profile.pk,
                "company": profile.company.name,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "employee_number": profile.employee_number,
                "department": profile.department,
                "site": profile.site,
                "manager": manager.display_name if manager else "",
                "roles": ", ".join(profile.roles),
                "language": profile.language,
                "hire_date": profile.hire_date,
                "leave_date": profile.leave_date,
                "email_reminders_and_feedback_requests": profile.notify_reminders,
                "email_approval_requests": profile.notify_approval_requests,
                "email_campaign_news": profile.notify_campaign_news,
                "account_active": user.is_active,
                "joined_at": user.date_joined,
                "last_sign_in_at": user.last_login,
                "created_at": profile.created_at,
                "updated_at": profile.updated_at,
            }
        ],
        **_account_tables(user),
        "pay": _pay(profile),
        "privacy_log": [
            {
                "at": entry.at,
                "action": entry.action,
                "reason": entry.reason,
                "by_yourself": entry.actor_id == user.pk,
            }
            for entry in PrivacyAuditEntry.objects.filter(subject=profile).order_by("at", "pk")
        ],
    }


def export_account(user) -> dict[str, list[dict]]:
    """An account without an employee profile (an association member): its own tables."""
    return {
        "account": [
            {
                "id": user.pk,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "account_active": user.is_active,
                "joined_at": user.date_joined,
                "last_sign_in_at": user.last_login,
            }
        ],
        **_account_tables(user),
        "privacy_log": [
            {
                "at": entry.at,
                "action": entry.action,
                "reason": entry.reason,
                "by_yourself": entry.actor_id == user.pk,
            }
            for entry in PrivacyAuditEntry.objects.filter(account=user).order_by("at", "pk")
        ],
    }


def _sessions_of(user) -> list[str]:
    """Keys of the user's live sessions (database sessions are opaque: each is decoded)."""
    keys = []
    user_id = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == user_id:
            keys.append(session.session_key)
    return keys


def _rename_in_logs(model, object_id: int, label: str) -> int:
    """Wagtail's and Django's admin logs name the object edited: they get the pseudonym."""
    from wagtail.models import ModelLogEntry

    content_type = ContentType.objects.get_for_model(model)
    touched = ModelLogEntry.objects.filter(
        content_type=content_type, object_id=str(object_id)
    ).update(label=label, data={})
    touched += LogEntry.objects.filter(content_type=content_type, object_id=str(object_id)).update(
        object_repr=label, change_message=""
    )
    return touched


def _erase_account(user, *, label: str, first_name: str, last_name: str) -> dict[str, int]:
    """Sign-in methods, sessions and admin preferences go; the user row is pseudonymised."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount
    from wagtail.users.models import UserProfile

    counts = {
        "email_addresses": EmailAddress.objects.filter(user=user).delete()[0],
        "sso_accounts": SocialAccount.objects.filter(user=user).delete()[0],
        "mfa_methods": Authenticator.objects.filter(user=user).delete()[0],
        "sessions": Session.objects.filter(pk__in=_sessions_of(user)).delete()[0],
        "admin_preferences": UserProfile.objects.filter(user=user).delete()[0],
        "log_labels": _rename_in_logs(type(user), user.pk, label),
    }
    user.first_name = first_name
    user.last_name = last_name
    user.email = erased_email_of(user)
    user.username = f"erased-{user.pk}"
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    return counts


def erase(profile: EmployeeProfile) -> dict[str, int]:
    user = profile.user
    label = pseudonym_of(profile)
    counts = _erase_account(
        user, label=label, first_name="Former employee", last_name=f"#{profile.pk}"
    )
    counts["log_labels"] += _rename_in_logs(EmployeeProfile, profile.pk, label)
    # The pay rows are erased by donations.privacy, which knows the tax records built on them.
    # The payroll lines keep the employee number the payroll needed. A leaver's profile lets it
    # go; someone still employed keeps it, or the next net-pay file, which still lists them,
    # would be refused for an unknown employee (their line now finds no pledge: no deduction).
    # Department, site and employment dates stay: the figures of past periods count them.
    if profile.leave_date is not None and profile.leave_date < company_today(profile.company):
        profile.employee_number = ""
    profile.manager = None
    profile.language = ""
    profile.is_csr_officer = profile.is_executive = profile.is_payroll_officer = False
    profile.save()
    counts["profile"] = 1
    return counts


def erase_account(user) -> dict[str, int]:
    """An account without an employee profile (an association member); erased last."""
    counts = _erase_account(
        user, label=account_pseudonym_of(user), first_name="Former member", last_name=f"#{user.pk}"
    )
    counts["account"] = 1
    return counts


# Fields pointing to a person, and free texts, that the tables above cover (see contributors.py).
PERSON_FIELDS = {
    "portal.EmployeeProfile.user": "profile",
    "portal.EmployeeProfile.manager": "profile",
    "portal.EmployeePay.profile": "pay",
    "portal.PrivacyAuditEntry.subject": "privacy_log",
    "portal.PrivacyAuditEntry.account": "privacy_log",
}
NOT_EXPORTED = {
    # Officers' acts on other people's data: provenance the company keeps (who changed whose
    # data); exporting them to the officer would disclose their colleagues' data.
    "portal.PeopleImport.uploaded_by": "an officer's HR file upload: the company's records",
    "portal.PeopleImport.confirmed_by": "an officer's HR file confirmation: company records",
    "portal.EmployeePay.created_by": "who set a colleague's pay: that colleague's salary row",
    "portal.SalaryUpload.uploaded_by": "who uploaded the salary file: colleagues' salaries",
    "portal.PrivacyAuditEntry.actor": (
        "who exported or erased someone's data (audit kept by law); the person's own entries "
        "are in privacy_log, with by_yourself"
    ),
    "portal.PersonalDataExport.profile": (
        "the export files themselves: listed on /profile/data/, deleted at expiry and on erasure"
    ),
    # Free texts that are not a person's words.
    "portal.PeopleImport.error": "a technical error message",
    "portal.PeopleImport.file_name": "the HR file's name (technical)",
    "portal.SalaryUpload.file_name": "the salary file's name (technical)",
    "portal.SeenSamlAssertion.assertion_id": "an identity provider's assertion id (replay guard)",
    "portal.Company.registered_address": "the company's data",
    "portal.CompanyDomain.domain": "the company's data",
    "portal.HomePage.intro": "published web content",
    "portal.HomePage.body": "published web content",
    "portal.FiscalParameter.note": "a note on a legal rule",
}
