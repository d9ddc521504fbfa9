"""Salary data for skills-sponsorship valuation: pay grades, assignments and the salary file.

The salary file is a CSV as payroll software exports it: one line per person with the employee
number or e-mail, the monthly gross salary, the monthly employer contributions and the date the
figures apply from (headers in French or English, `;` `,` or tab, UTF-8, amounts as `3 250,00`
or `3250.00`, dates DD/MM/YYYY or ISO). Every problem is reported by line and field and a file
with one error writes nothing (as the HR file import). Each applied file is recorded as a
`SalaryUpload` (who, when, its hash and counts); the pay rows it wrote point back to it.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.inputs import has_control_characters
from portal.models import Company, EmployeePay, EmployeeProfile, PayGrade, SalaryUpload
from portal.people.hr_file import InvalidHRFile, LineError, _key, decode, parse_date

MAX_LINES = 100_000
# A month's gross salary or contributions above this is a typing error (100 M€).
MAX_AMOUNT_CENTS = 10_000_000_000

FIELD_LABELS = {
    "employee_number": gettext_lazy("employee number"),
    "email": gettext_lazy("e-mail"),
    "monthly_gross": gettext_lazy("monthly gross salary"),
    "monthly_contributions": gettext_lazy("monthly employer contributions"),
    "valid_from": gettext_lazy("applies from"),
}
HEADER_ALIASES = {
    "employee_number": [
        "matricule",
        "matricule salarie",
        "numero salarie",
        "employee number",
        "employee_number",
        "employee id",
    ],
    "email": ["email", "e-mail", "mail", "courriel", "adresse email", "work email"],
    "monthly_gross": [
        "salaire brut",
        "salaire brut mensuel",
        "brut mensuel",
        "brut",
        "monthly gross",
        "monthly gross salary",
        "gross salary",
        "gross",
    ],
    "monthly_contributions": [
        "charges patronales",
        "cotisations patronales",
        "charges patronales mensuelles",
        "cotisations patronales mensuelles",
        "employer contributions",
        "monthly employer contributions",
        "contributions",
    ],
    "valid_from": [
        "date d effet",
        "date effet",
        "a partir du",
        "applicable au",
        "valid from",
        "valid_from",
        "applies from",
        "effective date",
    ],
}
_ALIASES = {_key(alias): field for field, names in HEADER_ALIASES.items() for alias in names}


class InvalidSalaryFile(InvalidHRFile):
    """The file cannot be applied: a file-wide message, and the line errors if any."""

    def __init__(self, message: str, errors: list[LineError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclasses.dataclass
class SalaryLine:
    line: int
    employee_number: str
    email: str
    gross_cents: int
    contributions_cents: int
    valid_from: dt.date
    profile: EmployeeProfile | None = None


def parse_euros(value: str) -> int:
    """`3 250,00`, `3250.5`, `3 250 €` → cents; anything else raises ValidationError."""
    text = re.sub(r"[\s\u00a0\u202f€]", "", value)
    if text.count(",") == 1 and "." in text:  # 3.250,00 (dots as thousands)
        text = text.replace(".", "")
    text = text.replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            _("“%(value)s” is not an amount: write it like 3250,00.") % {"value": value}
        ) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError(_("An amount is a positive number."))
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValidationError(_("At most two decimals."))
    if cents > MAX_AMOUNT_CENTS:
        raise ValidationError(_("This amount is too large for a month."))
    return int(cents)


def _delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def parse(data: bytes) -> tuple[list[SalaryLine], list[LineError]]:
    """Read the file; file-wide problems raise InvalidSalaryFile, line problems are listed."""
    try:
        text = decode(data)
    except InvalidHRFile as error:
        raise InvalidSalaryFile(error.message) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidSalaryFile(_("The file is empty.")) from None
    columns: dict[int, str] = {}
    for index, name in enumerate(header):
        field = _ALIASES.get(_key(name))
        if field is None:
            continue
        if field in columns.values():
            raise InvalidSalaryFile(
                _("Two columns mean the same thing (%(field)s): keep one.")
                % {"field": FIELD_LABELS[field]}
            )
        columns[index] = field
    found = set(columns.values())
    missing = [
        str(FIELD_LABELS[f])
        for f in ("monthly_gross", "monthly_contributions", "valid_from")
        if f not in found
    ]
    if not found & {"employee_number", "email"}:
        missing.insert(0, f"{FIELD_LABELS['employee_number']} / {FIELD_LABELS['email']}")
    if missing:
        raise InvalidSalaryFile(
            _(
                "The header line (line 1) lacks the column(s) %(missing)s. Expected names, in "
                "French or English: Matricule (or E-mail), Salaire brut mensuel, Charges "
                "patronales mensuelles, Date d'effet."
            )
            % {"missing": ", ".join(missing)}
        )
    lines: list[SalaryLine] = []
    errors: list[LineError] = []
    try:
        for cells in reader:
            if reader.line_num > MAX_LINES + 1:
                raise InvalidSalaryFile(
                    _("The file has more than %(max)s lines: split it.") % {"max": MAX_LINES}
                )
            if not any(cell.strip() for cell in cells):
                continue
            line = _line(reader.line_num, cells, columns, errors)
            if line is not None:
                lines.append(line)
    except csv.Error as error:
        raise InvalidSalaryFile(
            _("Line %(line)s cannot be read: %(error)s.")
            % {"line": reader.line_num, "error": error}
        ) from None
    return lines, errors


def _line(
    number: int, cells: list[str], columns: dict[int, str], errors: list
) -> SalaryLine | None:
    values: dict[str, str] = {}
    before = len(errors)
    for index, field in columns.items():
        value = cells[index].strip() if index < len(cells) else ""
        if has_control_characters(value) or len(value) > 254:
            errors.append(LineError(number, field, _("This cell cannot be read.")))
            continue
        values[field] = value
    if not values.get("employee_number") and not values.get("email"):
        field = "employee_number" if "employee_number" in values else "email"
        errors.append(LineError(number, field, _("Give the employee number or the e-mail.")))
    amounts: dict[str, int] = {}
    for field in ("monthly_gross", "monthly_contributions"):
        if not values.get(field):
            errors.append(LineError(number, field, _("This cell is empty.")))
            continue
        try:
            amounts[field] = parse_euros(values[field])
        except ValidationError as error:
            errors.append(LineError(number, field, " ".join(error.messages)))
    if amounts.get("monthly_gross") == 0:
        errors.append(LineError(number, "monthly_gross", _("A salary is more than zero.")))
    valid_from = None
    if not values.get("valid_from"):
        errors.append(LineError(number, "valid_from", _("This cell is empty.")))
    else:
        try:
            valid_from = parse_date(values["valid_from"])
        except ValidationError as error:
            errors.append(LineError(number, "valid_from", " ".join(error.messages)))
    if len(errors) > before:
        return None
    return SalaryLine(
        line=number,
        employee_number=values.get("employee_number", ""),
        email=values.get("email", "").lower(),
        gross_cents=amounts["monthly_gross"],
        contributions_cents=amounts["monthly_contributions"],
        valid_from=valid_from,
    )


def _resolve(company: Company, lines: list[SalaryLine], errors: list[LineError]) -> None:
    """Find each line's person in the company (by employee number, else e-mail)."""
    people = EmployeeProfile.objects.filter(company=company).annotate(mail=Lower("user__email"))
    by_number = {p.employee_number: p for p in people if p.employee_number}
    by_email = {p.mail: p for p in people}
    seen: dict[tuple[int, dt.date], int] = {}
    for line in lines:
        profile = by_number.get(line.employee_number) if line.employee_number else None
        if profile is None and line.email:
            profile = by_email.get(line.email)
        if profile is None:
            field = "employee_number" if line.employee_number else "email"
            errors.append(
                LineError(
                    line.line,
                    field,
                    _("“%(value)s” is nobody in this company.")
                    % {"value": line.employee_number or line.email},
                )
            )
            continue
        key = (profile.pk, line.valid_from)
        if key in seen:
            errors.append(
                LineError(
                    line.line,
                    "valid_from",
                    _("Line %(other)s already gives this person's pay from this date.")
                    % {"other": seen[key]},
                )
            )
            continue
        seen[key] = line.line
        line.profile = profile


def apply_salary_file(*, company: Company, user, name: str, data: bytes) -> SalaryUpload:
    """Check the whole file, then write every line in one transaction (or nothing)."""
    lines, errors = parse(data)
    _resolve(company, lines, errors)
    if errors:
        raise InvalidSalaryFile(
            _("The file has %(count)s error(s); nothing was written.") % {"count": len(errors)},
            sorted(errors, key=lambda e: e.line),
        )
    if not lines:
        raise InvalidSalaryFile(_("The file has no line after its header."))
    with transaction.atomic():
        upload = SalaryUpload.objects.create(
            company=company,
            file_name=name[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
            lines=len(lines),
        )
        created = replaced = 0
        for line in lines:
            _row, was_created = EmployeePay.objects.update_or_create(
                profile=line.profile,
                valid_from=line.valid_from,
                defaults={
                    "grade": None,
                    "monthly_gross_cents": line.gross_cents,
                    "monthly_employer_contributions_cents": line.contributions_cents,
                    "source": EmployeePay.Source.UPLOAD,
                    "created_by": upload.uploaded_by,
                    "upload": upload,
                },
            )
            created += was_created
            replaced += not was_created
        upload.created, upload.replaced = created, replaced
        upload.save(update_fields=["created", "replaced"])
    return upload


class GradeNameTaken(ValueError):
    pass


def save_pay_grade(
    *,
    company: Company,
    name: str,
    monthly_gross_cents: int,
    employer_contributions_percent: Decimal,
    grade: PayGrade | None = None,
) -> PayGrade:
    """Create a grade, or change one of the company's (its assignments follow the new figures)."""
    grade = grade or PayGrade(company=company)
    if grade.company_id != company.pk:
        raise PayGrade.DoesNotExist
    grade.name = name
    grade.monthly_gross_cents = monthly_gross_cents
    grade.employer_contributions_percent = employer_contributions_percent
    try:
        with transaction.atomic():
            grade.save()
    except IntegrityError:
        raise GradeNameTaken(name) from None
    return grade


class UnknownPerson(LookupError):
    pass


def find_person(company: Company, reference: str) -> EmployeeProfile:
    """The company's person with this employee number or e-mail (UnknownPerson otherwise)."""
    reference = reference.strip()
    profile = (
        EmployeeProfile.objects.filter(company=company, employee_number=reference).first()
        or EmployeeProfile.objects.filter(company=company, user__email__iexact=reference).first()
    )
    if profile is None or not reference:
        raise UnknownPerson(reference)
    return profile


@transaction.atomic
def assign_grade(
    *, profile: EmployeeProfile, grade: PayGrade, valid_from: dt.date, actor=None
) -> EmployeePay:
    """Put the person in `grade` from `valid_from` (replacing what that day had)."""
    if grade.company_id != profile.company_id:
        raise PayGrade.DoesNotExist
    row, _created = EmployeePay.objects.update_or_create(
        profile=profile,
        valid_from=valid_from,
        defaults={
            "grade": grade,
            "monthly_gross_cents": None,
            "monthly_employer_contributions_cents": None,
            "source": EmployeePay.Source.GRADE,
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
            "upload": None,
        },
    )
    return row
