"""The writes of personal data: building an export, erasing a person, purging leavers."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import tempfile
import zipfile
from calendar import monthrange
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.calendar import add_months, company_today
from portal.csv_export import spreadsheet_dialect, write_rows
from portal.models import Company, EmployeeProfile, PersonalDataExport, PrivacyAuditEntry
from portal.privacy import contributors
from portal.privacy.people import account_pseudonym_of, pseudonym_of
from portal.storage import private_storage

logger = logging.getLogger(__name__)
Action = PrivacyAuditEntry.Action
Reason = PrivacyAuditEntry.Reason


class ErasureRefused(Exception):
    """The person cannot be erased now; `reasons` say why, in sentences for people."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class NotAllowed(Exception):
    """The actor may not erase this person (not a leaver, another company, not an officer)."""


# --- export ------------------------------------------------------------------------------------


def export_days() -> int:
    return settings.CORDEE_PERSONAL_DATA_EXPORT_DAYS


def request_export(*, profile: EmployeeProfile, actor) -> PersonalDataExport:
    """Queue the person's export (built by a task; inline without a broker) and log it."""
    from portal.tasks import build_personal_data_export

    with transaction.atomic():
        export = PersonalDataExport.objects.create(
            profile=profile, expires_at=timezone.now() + dt.timedelta(days=export_days())
        )
        _log(profile, actor=actor, action=Action.EXPORT_REQUESTED, details={"export": export.pk})
        transaction.on_commit(lambda: build_personal_data_export.delay(export_id=export.pk))
    return export


def _columns(rows: list[dict]) -> list[str]:
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns)


def _cell(value):
    # Nested values (SSO claims) go to the CSV as JSON text; the JSON file keeps their shape.
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    return value


def write_export_zip(out, *, profile: EmployeeProfile, tables: dict[str, list[dict]]) -> None:
    """One JSON file with everything, and one CSV per table in the person's spreadsheet dialect."""
    _write_zip(
        out,
        head={"person": profile.pk, "company": profile.company.name},
        tables=tables,
        language=profile.language or settings.LANGUAGE_CODE,
    )


def _write_zip(out, *, head: dict, tables: dict[str, list[dict]], language: str) -> None:
    dialect = spreadsheet_dialect(language)
    document = {"generated_at": timezone.now(), **head, "tables": tables}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "personal-data.json",
            json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        for name, rows in tables.items():
            columns = _columns(rows)
            text = io.StringIO()
            lines = ([_cell(row.get(column)) for column in columns] for row in rows)
            write_rows(text, [columns, *lines] if columns else [], dialect)
            archive.writestr(f"{name}.csv", text.getvalue())


def build_export(*, export_id: int) -> PersonalDataExport | None:
    """Build the zip of a pending export into private storage; idempotent (a ready one stays)."""
    with transaction.atomic():
        export = (
            PersonalDataExport.objects.select_for_update()
            .select_related("profile__user", "profile__company")
            .filter(pk=export_id)
            .first()
        )
        if export is None or export.status != PersonalDataExport.Status.PENDING:
            return export
        profile = export.profile
        try:
            tables = contributors.export_tables(profile)
            with tempfile.TemporaryFile() as spool:
                write_export_zip(spool, profile=profile, tables=tables)
                spool.seek(0)
                export.file.save(export.filename(), File(spool), save=False)
        except Exception:
            logger.exception("Personal data export %s failed", export_id)
            export.status = PersonalDataExport.Status.FAILED
            export.save(update_fields=["status"])
            return export
        export.tables = {name: len(rows) for name, rows in tables.items()}
        export.status = PersonalDataExport.Status.READY
        export.ready_at = timezone.now()
        export.save(update_fields=["tables", "status", "ready_at", "file"])
    return export


def record_download(*, export: PersonalDataExport, actor) -> None:
    _log(
        export.profile, actor=actor, action=Action.EXPORT_DOWNLOADED, details={"export": export.pk}
    )


def delete_expired_exports(*, now: dt.datetime | None = None) -> int:
    """Remove exports past their expiry, files first (the rows hold nothing personal)."""
    now = now or timezone.now()
    expired = list(PersonalDataExport.objects.filter(expires_at__lte=now))
    for export in expired:
        _delete_file(export)
    PersonalDataExport.objects.filter(pk__in=[e.pk for e in expired]).delete()
    return len(expired)


def _delete_file(export: PersonalDataExport) -> None:
    if export.file:
        private_storage().delete(export.file.name)


# --- erasure -----------------------------------------------------------------------------------


def erasure_of(profile: EmployeeProfile) -> PrivacyAuditEntry | None:
    return PrivacyAuditEntry.objects.filter(subject=profile, action=Action.ERASURE).first()


def is_leaver(profile: EmployeeProfile, *, today: dt.date | None = None) -> bool:
    today = today or company_today(profile.company)
    return profile.leave_date is not None and profile.leave_date < today


def check_may_erase(*, actor, profile: EmployeeProfile) -> str:
    """The reason the actor erases `profile` (self or leaver), or NotAllowed."""
    if actor is not None and actor.pk == profile.user_id:
        return Reason.SELF
    actor_profile = getattr(actor, "profile", None) if actor is not None else None
    officer = actor_profile is not None and (
        actor_profile.is_csr_officer and actor_profile.company_id == profile.company_id
    )
    if not (officer or getattr(actor, "is_superuser", False)):
        raise NotAllowed
    if not is_leaver(profile):
        raise NotAllowed
    return Reason.LEAVER


def erase_person(*, profile: EmployeeProfile, actor, reason: str) -> PrivacyAuditEntry:
    """Pseudonymise the person everywhere, keeping money and tax records; idempotent.

    Refused (ErasureRefused, with the reasons) while money is in flight for them; the refusal is
    logged too. The caller has checked who may ask (`check_may_erase`, the password).
    """
    with transaction.atomic():
        profile = (
            EmployeeProfile.objects.select_for_update()
            .select_related("user", "company")
            .get(pk=profile.pk)
        )
        if done := erasure_of(profile):
            return done
        reasons = contributors.erasure_blockers(profile)
        if not reasons:
            exports = list(profile.data_exports.all())
            counts = contributors.erase_everywhere(profile)
            profile.data_exports.all().delete()
            entry = _log(profile, actor=actor, action=Action.ERASURE, reason=reason, details=counts)
            transaction.on_commit(lambda: [_delete_file(export) for export in exports])
            return entry
    _log(
        profile,
        actor=actor,
        action=Action.ERASURE_REFUSED,
        reason=reason,
        details={"reasons": reasons},
    )
    raise ErasureRefused(reasons)


def _log(
    profile: EmployeeProfile, *, actor, action: str, reason: str = "", details: dict | None = None
) -> PrivacyAuditEntry:
    return PrivacyAuditEntry.objects.create(
        company=profile.company,
        subject=profile,
        subject_label=pseudonym_of(profile),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        reason=reason,
        details=details or {},
    )


# --- accounts without an employee profile (association members) --------------------------------


def has_profile(user) -> bool:
    return EmployeeProfile.objects.filter(user=user).exists()


def account_erasure_of(user) -> PrivacyAuditEntry | None:
    return PrivacyAuditEntry.objects.filter(
        account=user, subject__isnull=True, action=Action.ERASURE
    ).first()


def account_export_zip(*, user, language: str) -> bytes:
    """The account's tables as a zip, built at once (a few rows; no stored file to expire).

    Only for an account without an employee profile (its owner asks; NotAllowed otherwise).
    """
    if has_profile(user):
        raise NotAllowed
    tables = contributors.export_account_tables(user)
    buffer = io.BytesIO()
    _write_zip(buffer, head={"account": user.pk}, tables=tables, language=language)
    _log_account(
        user,
        actor=user,
        action=Action.EXPORT_DOWNLOADED,
        details={name: len(rows) for name, rows in tables.items()},
    )
    return buffer.getvalue()


def erase_account(*, user, actor) -> PrivacyAuditEntry:
    """Pseudonymise an account without an employee profile, at its owner's request; idempotent.

    What the member did for an association (receipts, transfers confirmed, attendance) stays,
    linked to the pseudonymised account; the contributors' `erase_account` say what goes.
    """
    from django.contrib.auth import get_user_model

    if actor is None or actor.pk != user.pk or has_profile(user):
        raise NotAllowed
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if done := account_erasure_of(user):
            return done
        counts = contributors.erase_account_everywhere(user)
        return _log_account(
            user, actor=user, action=Action.ERASURE, reason=Reason.SELF, details=counts
        )


def _log_account(
    user, *, actor, action: str, reason: str = "", details: dict | None = None
) -> PrivacyAuditEntry:
    return PrivacyAuditEntry.objects.create(
        company=None,
        account=user,
        subject=None,
        subject_label=account_pseudonym_of(user),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        reason=reason,
        details=details or {},
    )


# --- retention ---------------------------------------------------------------------------------


def retention_months(company: Company) -> int:
    return company.leaver_retention_months or settings.CORDEE_LEAVER_RETENTION_MONTHS


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = add_months(day, months)
    return month.replace(day=min(day.day, monthrange(month.year, month.month)[1]))


@dataclass
class DueLeaver:
    profile: EmployeeProfile
    leave_date: dt.date
    purge_on: dt.date


@dataclass
class PurgeResult:
    erased: list[int] = field(default_factory=list)
    refused: dict[int, list[str]] = field(default_factory=dict)


def leavers_due(*, today: dt.date | None = None) -> list[DueLeaver]:
    """Leavers whose leave date is older than their company's retention period, not yet erased."""
    due = []
    # Without a subject (an account's erasure) the id is NULL, and NOT IN (…, NULL) is never true.
    erased = PrivacyAuditEntry.objects.filter(action=Action.ERASURE, subject__isnull=False).values(
        "subject_id"
    )
    for company in Company.objects.filter(employees__leave_date__isnull=False).distinct():
        day = today or company_today(company)
        months = retention_months(company)
        # A coarse filter in SQL (a few days' slack for months of unequal length), refined below.
        candidates = (
            EmployeeProfile.objects.filter(
                company=company, leave_date__lte=months_after(day, -months) + dt.timedelta(days=4)
            )
            .exclude(Q(pk__in=erased))
            .select_related("user", "company")
            .order_by("leave_date", "pk")
        )
        for profile in candidates:
            purge_on = months_after(profile.leave_date, months)
            if purge_on <= day:
                due.append(
                    DueLeaver(profile=profile, leave_date=profile.leave_date, purge_on=purge_on)
                )
    return due


def purge_expired_leavers(*, today: dt.date | None = None) -> PurgeResult:
    """Erase every leaver past the retention period; one refused (money in flight) waits."""
    result = PurgeResult()
    for leaver in leavers_due(today=today):
        try:
            erase_person(profile=leaver.profile, actor=None, reason=Reason.RETENTION)
        except ErasureRefused as refused:
            result.refused[leaver.profile.pk] = refused.reasons
            continue
        result.erased.append(leaver.profile.pk)
    return result
