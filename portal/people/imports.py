"""The HR file import: upload, preview (a diff against the directory), confirm in one transaction.

The preview reads the whole directory of the company in a few queries, whatever the file's size;
confirming re-reads the stored file (its SHA-256 must match), recomputes the preview and applies
it only if it is still the one the officer read (same fingerprint) and has no error. Each changed
line goes through `apply_person`, in two passes so that a manager may be a joiner of a later line.
People absent from the file are never removed: the preview counts them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal.calendar import company_today
from portal.models import Company, EmployeeProfile, PeopleImport
from portal.people import hr_file
from portal.people.hr_file import FIELD_LABELS, HRLine, InvalidHRFile, LineError
from portal.people.records import PersonRecord, apply_person
from portal.services import email_domain

SOURCE = "hr_file"
STALE_PREVIEW = gettext_noop(
    "The directory changed since this preview (another import or an edit): "
    "read the updated preview below and confirm again."
)
IN_CHUNK = 2000  # SQLite and PostgreSQL both take this many parameters in an IN list


class ImportRefused(Exception):
    """Confirming is refused: the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclasses.dataclass
class Change:
    field: str
    old: object
    new: object

    @property
    def label(self) -> str:
        return str(FIELD_LABELS.get(self.field, self.field))


@dataclasses.dataclass
class PlannedLine:
    hr_line: HRLine
    profile_id: int | None
    name: str
    changes: list[Change]
    # The manager is a joiner of this file: set in the second pass, once they exist.
    manager_in_second_pass: bool = False

    @property
    def line(self) -> int:
        return self.hr_line.line


@dataclasses.dataclass
class Preview:
    joiners: list[PlannedLine]
    movers: list[PlannedLine]
    leavers: list[PlannedLine]
    unchanged: int
    absent: int
    absent_sample: list[str]
    errors: list[LineError]
    lines: int

    @property
    def changed(self) -> list[PlannedLine]:
        return sorted(self.joiners + self.movers + self.leavers, key=lambda p: p.line)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "lines": self.lines,
            "joiners": len(self.joiners),
            "movers": len(self.movers),
            "leavers": len(self.leavers),
            "unchanged": self.unchanged,
            "absent": self.absent,
            "errors": len(self.errors),
        }

    @property
    def fingerprint(self) -> str:
        """What confirming would write; another value later means the preview went stale."""
        body = [
            [p.line, p.profile_id, [[c.field, str(c.old), str(c.new)] for c in p.changes]]
            for p in self.changed
        ]
        payload = json.dumps([body, self.counts], sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()


# ---------------------------------------------------------------------------- upload


@transaction.atomic
def upload(*, company: Company, user, name: str, data: bytes) -> PeopleImport:
    """Keep the uploaded file (private storage) with its hash; it is previewed from there."""
    digest = hashlib.sha256(data).hexdigest()
    row = PeopleImport(company=company, uploaded_by=user, file_name=name[:255], sha256=digest)
    row.file.save(f"{company.slug}-{digest[:16]}.csv", ContentFile(data), save=False)
    row.save()
    return row


def stored_bytes(row: PeopleImport) -> bytes:
    with row.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise ImportRefused(_("The stored file changed since it was uploaded: upload it again."))
    return data


# ---------------------------------------------------------------------------- preview


def preview_file(company: Company, data: bytes, *, today: dt.date | None = None) -> Preview:
    """Parse and compare with the directory; raises InvalidHRFile for an unreadable file."""
    return build_preview(company, hr_file.parse(data), today=today)


def build_preview(
    company: Company, parsed: hr_file.ParsedFile, *, today: dt.date | None = None
) -> Preview:
    today = today or company_today(company)
    errors = list(parsed.errors)
    bad_lines = {error.line for error in errors}
    domains = set(company.domains.values_list("domain", flat=True))
    people = list(
        EmployeeProfile.objects.filter(company=company).values(
            "pk",
            "employee_number",
            "user_id",
            "user__email",
            "user__first_name",
            "user__last_name",
            "department",
            "site",
            "language",
            "hire_date",
            "leave_date",
            "manager__employee_number",
        )
    )
    by_number = {p["employee_number"]: p for p in people if p["employee_number"]}
    by_email = {p["user__email"].lower(): p for p in people}
    outside = _emails_outside(company, [line.record.email for line in parsed.lines], by_email)

    seen_numbers: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    resolved: dict[int, dict | None] = {}
    for hr_line in parsed.lines:
        record, number = hr_line.record, hr_line.line

        def error(field: str, message: str, number=number) -> None:
            errors.append(LineError(number, field, message))
            bad_lines.add(number)

        if record.employee_number:
            if record.employee_number in seen_numbers:
                error(
                    "employee_number",
                    _("The employee number %(value)s is also on line %(other)s.")
                    % {
                        "value": record.employee_number,
                        "other": seen_numbers[record.employee_number],
                    },
                )
            seen_numbers.setdefault(record.employee_number, number)
        if record.email:
            if record.email in seen_emails:
                error(
                    "email",
                    _("The e-mail %(value)s is also on line %(other)s.")
                    % {"value": record.email, "other": seen_emails[record.email]},
                )
            seen_emails.setdefault(record.email, number)
            if email_domain(record.email) not in domains:
                error(
                    "email",
                    _("%(email)s is not at one of %(company)s's domains (%(domains)s).")
                    % {
                        "email": record.email,
                        "company": company.name,
                        "domains": ", ".join(sorted(domains)),
                    },
                )
        profile = by_number.get(record.employee_number or "") or by_email.get(record.email)
        resolved[number] = profile
        if record.email in outside:
            error("email", _("%(email)s belongs to another company.") % {"email": record.email})
        else:
            owner = by_email.get(record.email)
            if profile is not None and owner is not None and owner["pk"] != profile["pk"]:
                error(
                    "email",
                    _("%(email)s is already the address of employee number %(number)s.")
                    % {"email": record.email, "number": owner["employee_number"] or "—"},
                )
        if profile is not None and not record.clear_leave_date:
            hire = record.hire_date or profile["hire_date"]
            leave = record.leave_date or profile["leave_date"]
            if hire and leave and leave < hire and number not in bad_lines:
                error("leave_date", _("The leave date is before the hire date."))

    _check_managers(parsed.lines, by_number, seen_numbers, bad_lines, errors)

    joiners, movers, leavers = [], [], []
    unchanged = 0
    for hr_line in parsed.lines:
        if hr_line.line in bad_lines:
            continue
        profile = resolved[hr_line.line]
        record = hr_line.record
        manager = record.manager_employee_number
        second_pass = bool(manager) and manager not in by_number
        if profile is None:
            name = " ".join(filter(None, [record.first_name, record.last_name])) or record.email
            joiners.append(PlannedLine(hr_line, None, name, _record_changes(record), second_pass))
            continue
        changes = _diff(profile, record)
        if not changes:
            unchanged += 1
            continue
        name = (
            " ".join(filter(None, [profile["user__first_name"], profile["user__last_name"]]))
            or profile["user__email"]
        )
        planned = PlannedLine(hr_line, profile["pk"], name, changes, second_pass)
        if any(c.field == "leave_date" and c.new is not None for c in changes):
            leavers.append(planned)
        else:
            movers.append(planned)

    matched = {p["pk"] for p in resolved.values() if p is not None}
    absent_people = [
        p
        for p in people
        if p["pk"] not in matched and (p["leave_date"] is None or p["leave_date"] >= today)
    ]
    errors.sort(key=lambda e: (e.line, e.field))
    return Preview(
        joiners=joiners,
        movers=movers,
        leavers=leavers,
        unchanged=unchanged,
        absent=len(absent_people),
        absent_sample=[
            " ".join(filter(None, [p["user__first_name"], p["user__last_name"]]))
            or p["user__email"]
            for p in absent_people[:20]
        ],
        errors=errors,
        lines=len(parsed.lines),
    )


def _emails_outside(company: Company, emails: list[str], by_email: dict) -> set[str]:
    """Addresses of the file that belong to someone of another company."""
    wanted = [email for email in set(emails) if email and email not in by_email]
    found: set[str] = set()
    User = get_user_model()
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[start : start + IN_CHUNK]
        found.update(
            email.lower()
            for email in User.objects.filter(email__in=chunk, profile__isnull=False)
            .exclude(profile__company=company)
            .values_list("email", flat=True)
        )
    return found


def _check_managers(lines, by_number, file_numbers, bad_lines, errors) -> None:
    """Unknown managers, and cycles in the hierarchy as it would be after the import."""
    boss = {number: p["manager__employee_number"] for number, p in by_number.items()}
    line_of: dict[str, int] = {}
    for hr_line in lines:
        record = hr_line.record
        if not record.employee_number:
            continue
        line_of.setdefault(record.employee_number, hr_line.line)
        manager = record.manager_employee_number
        if manager is None:
            continue
        if manager and manager not in by_number and manager not in file_numbers:
            errors.append(
                LineError(
                    hr_line.line,
                    "manager_employee_number",
                    _("No employee has the number %(number)s, in the file or in Cordée.")
                    % {"number": manager},
                )
            )
            bad_lines.add(hr_line.line)
            continue
        boss[record.employee_number] = manager or None
    # Follow each chain once (white/grey/black colouring): linear in the number of people.
    state: dict[str, int] = {}
    for start in line_of:
        path: list[str] = []
        node = start
        while node and state.get(node, 0) == 0:
            state[node] = 1
            path.append(node)
            node = boss.get(node)
        if node and state.get(node) == 1:
            cycle = path[path.index(node) :]
            chain = " → ".join([*cycle, node])
            for member in cycle:
                if member in line_of:
                    errors.append(
                        LineError(
                            line_of[member],
                            "manager_employee_number",
                            _("The managers form a cycle: %(chain)s.") % {"chain": chain},
                        )
                    )
                    bad_lines.add(line_of[member])
        for member in path:
            state[member] = 2


def _record_changes(record: PersonRecord) -> list[Change]:
    fields = (
        "employee_number",
        "email",
        "first_name",
        "last_name",
        "department",
        "site",
        "manager_employee_number",
        "hire_date",
        "leave_date",
        "language",
    )
    return [
        Change(field, None, getattr(record, field))
        for field in fields
        if getattr(record, field) not in (None, "")
    ]


def _diff(profile: dict, record: PersonRecord) -> list[Change]:
    """What apply_person would change, field by field, as (field, old, new)."""
    current = {
        "email": profile["user__email"].lower(),
        "first_name": profile["user__first_name"],
        "last_name": profile["user__last_name"],
        "employee_number": profile["employee_number"],
        "department": profile["department"],
        "site": profile["site"],
        "language": profile["language"],
        "hire_date": profile["hire_date"],
        "leave_date": profile["leave_date"],
        "manager_employee_number": profile["manager__employee_number"] or "",
    }
    changes = []
    for field, old in current.items():
        new = getattr(record, field)
        if new is not None and new != old:
            changes.append(Change(field, old, new))
    if record.clear_leave_date and profile["leave_date"] is not None:
        changes.append(Change("leave_date", profile["leave_date"], None))
    return changes


# ---------------------------------------------------------------------------- confirm


PROGRESS_KEY = "people-import:{pk}:progress"


def progress_of(row: PeopleImport) -> tuple[int, int] | None:
    """(lines applied, lines to apply) while the worker imports the file, else None."""
    return cache.get(PROGRESS_KEY.format(pk=row.pk))


def request_confirmation(*, row: PeopleImport, user, fingerprint: str) -> PeopleImport:
    """Check the confirmed preview now, then let a worker apply the file (large files take
    minutes: nine queries a changed person); the preview page follows its progress."""
    with transaction.atomic():
        row = PeopleImport.objects.select_for_update().select_related("company").get(pk=row.pk)
        if row.status == PeopleImport.Status.CONFIRMED:
            raise ImportRefused(_("This file was already imported."))
        if row.status == PeopleImport.Status.APPLYING:
            raise ImportRefused(_("This file is being imported."))
        try:
            preview = preview_file(row.company, stored_bytes(row))
        except InvalidHRFile as error:
            raise ImportRefused(error.message) from None
        if preview.errors:
            raise ImportRefused(_("The file still has errors: correct them and upload it again."))
        if preview.fingerprint != fingerprint:
            raise ImportRefused(_(STALE_PREVIEW))
        row.status = PeopleImport.Status.APPLYING
        row.confirm_fingerprint = fingerprint
        row.confirmed_by = user if getattr(user, "is_authenticated", False) else None
        row.apply_requested_at = timezone.now()
        row.error = ""
        row.save(
            update_fields=[
                "status",
                "confirm_fingerprint",
                "confirmed_by",
                "apply_requested_at",
                "error",
            ]
        )
        cache.set(PROGRESS_KEY.format(pk=row.pk), (0, len(preview.changed)), 24 * 3600)
        from portal.tasks import apply_people_import

        transaction.on_commit(lambda: apply_people_import.delay(import_id=row.pk))
    return row


def apply_requested(*, import_id: int) -> PeopleImport | None:
    """The worker's side: apply a requested import, or record why it was refused. Idempotent."""
    row = PeopleImport.objects.filter(pk=import_id).select_related("confirmed_by").first()
    if row is None or row.status != PeopleImport.Status.APPLYING:
        return row
    try:
        confirm(row=row, user=row.confirmed_by, fingerprint=row.confirm_fingerprint)
    except ImportRefused as refused:
        PeopleImport.objects.filter(pk=row.pk).update(
            status=PeopleImport.Status.FAILED, error=refused.message
        )
    except Exception as error:
        PeopleImport.objects.filter(pk=row.pk).update(
            status=PeopleImport.Status.FAILED, error=f"{type(error).__name__}: {error}"[:500]
        )
        raise
    finally:
        cache.delete(PROGRESS_KEY.format(pk=row.pk))
    row.refresh_from_db()
    return row


def confirm(*, row: PeopleImport, user, fingerprint: str) -> Preview:
    """Apply the previewed file in one transaction, or refuse and write nothing."""
    with transaction.atomic():
        Company.objects.select_for_update().get(pk=row.company_id)  # one import at a time
        row = PeopleImport.objects.select_for_update().select_related("company").get(pk=row.pk)
        if row.status == PeopleImport.Status.CONFIRMED:
            raise ImportRefused(_("This file was already imported."))
        company = row.company
        try:
            preview = preview_file(company, stored_bytes(row))
        except InvalidHRFile as error:
            raise ImportRefused(error.message) from None
        if preview.errors:
            raise ImportRefused(_("The file still has errors: correct them and upload it again."))
        if preview.fingerprint != fingerprint:
            raise ImportRefused(_(STALE_PREVIEW))
        second_pass: list[PlannedLine] = []
        progress_key = PROGRESS_KEY.format(pk=row.pk)
        total = len(preview.changed)
        for done, planned in enumerate(preview.changed, start=1):
            record = dataclasses.replace(planned.hr_line.record)
            if planned.manager_in_second_pass:
                record.manager_employee_number = None
                second_pass.append(planned)
            _apply(company, record, planned.line)
            if done % 50 == 0:
                # In the cache, not the row: the row's transaction is not committed yet.
                cache.set(progress_key, (done, total), 24 * 3600)
        for planned in second_pass:
            record = planned.hr_line.record
            _apply(
                company,
                PersonRecord(
                    email=record.email,
                    employee_number=record.employee_number,
                    manager_employee_number=record.manager_employee_number,
                ),
                planned.line,
            )
        row.status = PeopleImport.Status.CONFIRMED
        row.confirmed_by = user if getattr(user, "is_authenticated", False) else None
        row.confirmed_at = timezone.now()
        row.counts = preview.counts
        row.save(update_fields=["status", "confirmed_by", "confirmed_at", "counts"])
    return preview


def _apply(company: Company, record: PersonRecord, line: int) -> None:
    try:
        apply_person(company, record, source=SOURCE)
    except ValidationError as error:
        # The preview checks what apply_person checks; this is the last word if they disagree.
        detail = "; ".join(
            f"{FIELD_LABELS.get(field, field)}: {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        )
        raise ImportRefused(
            _("Line %(line)s: %(detail)s") % {"line": line, "detail": detail}
        ) from None
