"""Reading the HR export (CSV as French HR software writes it) into `PersonRecord` lines.

Rules: `;` separator (`,` and tab are recognised too), UTF-8 with or without a BOM; any other
encoding is refused as a whole with a message saying how to re-save the file. Headers may be
French or English ("Matricule" or "employee_number"); dates are DD/MM/YYYY or ISO. Every problem
is reported by line (the file's own line number, the header being line 1) and field, and a file
with one error is never applied.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.inputs import has_control_characters, validate_date_in_range
from portal.people.records import PersonRecord

MAX_LINES = 100_000

FIELD_LABELS = {
    "employee_number": gettext_lazy("employee number"),
    "email": gettext_lazy("e-mail"),
    "first_name": gettext_lazy("first name"),
    "last_name": gettext_lazy("last name"),
    "manager_employee_number": gettext_lazy("manager's employee number"),
    "department": gettext_lazy("department"),
    "site": gettext_lazy("site"),
    "hire_date": gettext_lazy("hire date"),
    "leave_date": gettext_lazy("leave date"),
    "language": gettext_lazy("language"),
    "file": gettext_lazy("file"),
}

# Header names, compared without case, accents, spaces or punctuation.
HEADER_ALIASES = {
    "employee_number": [
        "matricule",
        "matricule salarie",
        "numero salarie",
        "n salarie",
        "no salarie",
        "id salarie",
        "employee number",
        "employee_number",
        "employee id",
        "employeeid",
    ],
    "email": [
        "email",
        "e-mail",
        "mail",
        "courriel",
        "adresse email",
        "adresse e-mail",
        "email professionnel",
        "e-mail professionnel",
        "work email",
    ],
    "first_name": ["prenom", "first name", "first_name", "firstname", "given name"],
    "last_name": [
        "nom",
        "nom de famille",
        "last name",
        "last_name",
        "lastname",
        "surname",
        "family name",
    ],
    "manager_employee_number": [
        "matricule manager",
        "matricule du manager",
        "matricule responsable",
        "matricule n+1",
        "manager",
        "responsable",
        "manager employee number",
        "manager_employee_number",
        "manager id",
    ],
    "department": ["service", "departement", "direction", "department"],
    "site": ["site", "etablissement", "lieu de travail", "location", "office"],
    "hire_date": [
        "date d'entree",
        "date entree",
        "date d'embauche",
        "date embauche",
        "hire date",
        "hire_date",
        "start date",
    ],
    "leave_date": [
        "date de sortie",
        "date sortie",
        "date de depart",
        "date depart",
        "leave date",
        "leave_date",
        "end date",
    ],
    "language": ["langue", "language", "lang"],
}
REQUIRED = ("employee_number", "email")
MAX_LENGTHS = {
    "employee_number": 40,
    "manager_employee_number": 40,
    "first_name": 150,
    "last_name": 150,
    "department": 120,
    "site": 120,
    "email": 254,
}
LANGUAGE_ALIASES = {
    "francais": "fr",
    "french": "fr",
    "fr-fr": "fr",
    "fr_fr": "fr",
    "anglais": "en",
    "english": "en",
    "en-gb": "en",
    "en-us": "en",
    "en_gb": "en",
    "en_us": "en",
}


class InvalidHRFile(Exception):
    """The file as a whole cannot be read (encoding, no header, missing columns, too long)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclasses.dataclass
class LineError:
    line: int
    field: str
    message: str

    @property
    def field_label(self) -> str:
        return str(FIELD_LABELS.get(self.field, self.field))


@dataclasses.dataclass
class HRLine:
    line: int
    record: PersonRecord
    # Columns present in the file (None in the record then means an empty cell, not "unknown").
    leave_date_column: bool = False


@dataclasses.dataclass
class ParsedFile:
    lines: list[HRLine]
    errors: list[LineError]
    columns: list[str]


def _key(header: str) -> str:
    # Apostrophes (straight or typographic, U+2019) count as spaces: "Date d\u2019entrée".
    text = re.sub("[\u2019`']", " ", header.lower())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[\s_.°-]+", " ", text).strip()


_ALIASES = {_key(alias): field for field, names in HEADER_ALIASES.items() for alias in names}


def decode(data: bytes) -> str:
    """UTF-8 text of the file (BOM removed), or InvalidHRFile naming the fix."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InvalidHRFile(
            _(
                "The file is not in UTF-8 (line %(line)s has a character in another encoding, "
                "probably Windows-1252/Latin-1 as Excel writes “CSV (separator: semicolon)”). "
                "Re-save it as “CSV UTF-8 (comma delimited)” in Excel, or choose the UTF-8 "
                "character set in LibreOffice's export dialog, and upload it again."
            )
            % {"line": line}
        ) from None


def _delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def parse_date(value: str) -> dt.date:
    value = value.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            day = dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar day, no time
        except ValueError:
            continue
        validate_date_in_range(day)
        return day
    raise ValidationError(
        _("“%(value)s” is not a date: write DD/MM/YYYY, e.g. 31/12/2026.") % {"value": value}
    )


def parse_language(value: str) -> str:
    code = value.strip().lower()
    code = LANGUAGE_ALIASES.get(_key(code).replace(" ", "-"), code)
    known = {code for code, _name in settings.LANGUAGES}
    if code not in known:
        raise ValidationError(
            _("“%(value)s” is not a language of Cordée (%(known)s).")
            % {"value": value, "known": ", ".join(sorted(known))}
        )
    return code


def parse(data: bytes) -> ParsedFile:
    """Read the file; file-wide problems raise InvalidHRFile, line problems are listed."""
    text = decode(data)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidHRFile(_("The file is empty.")) from None
    columns: dict[int, str] = {}
    unknown: list[str] = []
    for index, name in enumerate(header):
        field = _ALIASES.get(_key(name))
        if field is None:
            if name.strip():
                unknown.append(name.strip())
            continue
        if field in columns.values():
            raise InvalidHRFile(
                _("Two columns mean the same thing (%(field)s): keep one.")
                % {"field": FIELD_LABELS[field]}
            )
        columns[index] = field
    missing = [FIELD_LABELS[f] for f in REQUIRED if f not in columns.values()]
    if missing:
        raise InvalidHRFile(
            _(
                "The header line (line 1) lacks the column(s) %(missing)s. Expected names, in "
                "French or English: Matricule, E-mail, Prénom, Nom, Matricule manager, Service, "
                "Site, Date d'entrée, Date de sortie, Langue."
            )
            % {"missing": ", ".join(str(m) for m in missing)}
        )
    lines: list[HRLine] = []
    errors: list[LineError] = []
    try:
        for cells in reader:
            if reader.line_num > MAX_LINES + 1:
                raise InvalidHRFile(
                    _("The file has more than %(max)s lines: split it.") % {"max": MAX_LINES}
                )
            if not any(cell.strip() for cell in cells):
                continue
            line, line_errors = _line(reader.line_num, cells, columns)
            errors.extend(line_errors)
            if line is not None:
                lines.append(line)
    except csv.Error as error:
        raise InvalidHRFile(
            _("Line %(line)s cannot be read: %(error)s.")
            % {"line": reader.line_num, "error": error}
        ) from None
    return ParsedFile(lines=lines, errors=errors, columns=sorted(columns.values()))


def _line(number: int, cells: list[str], columns: dict[int, str]) -> tuple[HRLine | None, list]:
    errors: list[LineError] = []
    values: dict[str, str] = {}
    for index, field in columns.items():
        value = cells[index].strip() if index < len(cells) else ""
        if has_control_characters(value):
            errors.append(LineError(number, field, _("Control characters are not allowed.")))
            continue
        if field in MAX_LENGTHS and len(value) > MAX_LENGTHS[field]:
            errors.append(
                LineError(
                    number,
                    field,
                    _("At most %(max)s characters.") % {"max": MAX_LENGTHS[field]},
                )
            )
            continue
        values[field] = value
    record = PersonRecord(email=values.get("email", "").lower())
    for field in REQUIRED:
        if field in values and not values[field]:
            errors.append(LineError(number, field, _("This cell is empty.")))
    if record.email:
        try:
            validate_email(record.email)
        except ValidationError:
            errors.append(
                LineError(
                    number,
                    "email",
                    _("“%(value)s” is not an e-mail address.") % {"value": record.email},
                )
            )
    record.employee_number = values.get("employee_number") or None
    for field in ("first_name", "last_name"):
        if values.get(field):
            setattr(record, field, values[field])
    for field in ("department", "site", "manager_employee_number"):
        if field in values:
            setattr(record, field, values[field])
    for field in ("hire_date", "leave_date"):
        if values.get(field):
            try:
                setattr(record, field, parse_date(values[field]))
            except ValidationError as error:
                errors.append(LineError(number, field, " ".join(error.messages)))
    if record.hire_date and record.leave_date and record.leave_date < record.hire_date:
        errors.append(LineError(number, "leave_date", _("The leave date is before the hire date.")))
    if values.get("language"):
        try:
            record.language = parse_language(values["language"])
        except ValidationError as error:
            errors.append(LineError(number, "language", " ".join(error.messages)))
    if record.manager_employee_number and record.manager_employee_number == record.employee_number:
        errors.append(
            LineError(number, "manager_employee_number", _("A person cannot be their own manager."))
        )
    line = HRLine(line=number, record=record, leave_date_column="leave_date" in values)
    if "leave_date" in values and not values["leave_date"]:
        # An empty leave date in a file that has the column: the person works here (a re-hire
        # clears an old leave date).
        record.clear_leave_date = True
    return line, errors
