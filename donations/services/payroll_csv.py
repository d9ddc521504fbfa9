"""The net-pay file from the payroll software: parse, check line by line, never write.

Format (docs in templates/donations/payroll_run_detail.html): a header line then one line per
employee, columns `employee_number` and `net_pay` (aliases: matricule, net, net_a_payer…),
separated by `;` or `,`; UTF-8 with or without BOM; decimals with a comma or a dot
(`2 345,67`, `2345.67`; with `,` as separator a comma decimal must be quoted).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from donations.exceptions import (
    AmbiguousPayrollColumns,
    FileError,
    InvalidPayrollFile,
    interpolate_lazy,
)

NUMBER_ALIASES = {"employeenumber", "employee", "employeeid", "matricule", "payrollid", "number"}
PAY_ALIASES = {"netpay", "net", "netapayer", "salairenet", "netpaycents", "montantnet"}
AMOUNT_RE = re.compile(r"^(\d{1,10})(?:\.(\d{1,2}))?$")
MAX_LINES = 500_000
PROGRESS_EVERY = 10_000  # lines read between two progress reports of a task


@dataclass(frozen=True)
class NetPayRow:
    line: int
    employee_number: str
    net_pay_cents: int


@dataclass
class ParsedNetPay:
    rows: list[NetPayRow] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)


def _norm_header(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.strip().lower().replace("à", "a"))


def parse_amount(text: str) -> int:
    """`2 345,67` / `2345.67` / `2.345,67` → 234567; ValueError with the (translatable) reason
    otherwise."""
    value = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not value:
        raise ValueError(pgettext_lazy("net-pay file", "empty"))
    if value.startswith("-"):
        raise ValueError(pgettext_lazy("net-pay file", "negative"))
    if "," in value:
        # French notation: the dots, if any, group thousands.
        value = value.replace(".", "").replace(",", ".")
    match = AMOUNT_RE.match(value)
    if not match:
        raise ValueError(pgettext_lazy("net-pay file", "not a number"))
    euros, cents = match.group(1), (match.group(2) or "").ljust(2, "0")
    return int(euros) * 100 + int(cents)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidPayrollFile(
            [FileError(line, "encoding", _("not UTF-8 (export the file as UTF-8)"))],
            excludable=False,
        ) from None


def parse_net_pay_file(
    data: bytes,
    *,
    known_employee_numbers: set[str] | None = None,
    excluded_lines: set[int] | frozenset[int] = frozenset(),
    column_choices: dict[str, str] | None = None,
    on_progress=None,
) -> list[NetPayRow]:
    """The clean rows, or InvalidPayrollFile listing every error (lines excluded are skipped).

    `column_choices` maps a field (employee_number, net_pay) to the normalised header chosen
    when several columns fit it; without a choice that applies, AmbiguousPayrollColumns.
    """
    text = _decode(data)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InvalidPayrollFile([FileError(line, "file", _("binary content"))], excludable=False)
    lines = text.splitlines()
    header_index = next((i for i, raw in enumerate(lines) if raw.strip()), None)
    if header_index is None:
        raise InvalidPayrollFile([FileError(1, "header", _("the file is empty"))], excludable=False)
    header_line = lines[header_index]
    delimiter = (
        ";" if header_line.count(";") >= header_line.count(",") and ";" in header_line else ","
    )
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        parsed = _read(
            reader, known_employee_numbers, excluded_lines, column_choices or {}, on_progress
        )
    except csv.Error as exc:
        line = getattr(reader, "line_num", 0) or 1
        # The reason is Python's csv module's own (English) text.
        message = interpolate_lazy(_("unreadable CSV (%(reason)s)"), {"reason": str(exc)})
        raise InvalidPayrollFile([FileError(line, "file", message)], excludable=False) from None
    if parsed.errors:
        raise InvalidPayrollFile(parsed.errors)
    return parsed.rows


def _column(
    raw_header: list[str], field_name: str, aliases: set[str], chosen: str | None, line: int
) -> int | None:
    """The one column that fits a field; refuses to guess between two unless one was chosen."""
    header = [_norm_header(c) for c in raw_header]
    candidates = [i for i, h in enumerate(header) if h in aliases]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    for i in candidates:
        if header[i] == chosen:
            return i
    raise AmbiguousPayrollColumns(
        field=field_name,
        columns=[raw_header[i].strip() for i in candidates],
        keys=[header[i] for i in candidates],
        line=line,
    )


def _read(
    reader,
    known: set[str] | None,
    excluded: set[int] | frozenset[int],
    choices: dict[str, str],
    on_progress=None,
) -> ParsedNetPay:
    result = ParsedNetPay()
    raw_header: list[str] = []
    header_line = 1
    for raw in reader:
        if not any(cell.strip() for cell in raw):
            continue
        raw_header = raw
        header_line = reader.line_num
        break
    header = [_norm_header(c) for c in raw_header] or None
    number_col = _column(
        raw_header, "employee_number", NUMBER_ALIASES, choices.get("employee_number"), header_line
    )
    pay_col = _column(raw_header, "net_pay", PAY_ALIASES, choices.get("net_pay"), header_line)
    missing = []
    if number_col is None:
        missing.append(FileError(1, "employee_number", _("missing column")))
    if pay_col is None:
        missing.append(FileError(1, "net_pay", _("missing column")))
    if missing:
        raise InvalidPayrollFile(missing, excludable=False)
    seen: dict[str, int] = {}
    width = len(header)
    for raw in reader:
        line = reader.line_num
        if on_progress and line % PROGRESS_EVERY == 0:
            on_progress(line)
        if line > MAX_LINES + header_line:
            message = interpolate_lazy(_("more than %(limit)s lines"), {"limit": MAX_LINES})
            raise InvalidPayrollFile([FileError(line, "file", message)], excludable=False)
        if not any(cell.strip() for cell in raw):
            continue
        if line in excluded:
            continue
        errors = []
        if len(raw) != width:
            message = interpolate_lazy(
                ngettext_lazy(
                    "%(count)s field instead of %(expected)s",
                    "%(count)s fields instead of %(expected)s",
                    len(raw),
                ),
                {"count": len(raw), "expected": width},
            )
            errors.append(FileError(line, "row", message))
            result.errors.extend(errors)
            continue
        number = raw[number_col].strip()
        if not number:
            errors.append(
                FileError(line, "employee_number", pgettext_lazy("net-pay file", "empty"))
            )
        elif len(number) > 40:
            message = interpolate_lazy(_("longer than %(limit)s characters"), {"limit": 40})
            errors.append(FileError(line, "employee_number", message))
        elif number in seen:
            message = interpolate_lazy(_("duplicate of line %(line)s"), {"line": seen[number]})
            errors.append(FileError(line, "employee_number", message))
        elif known is not None and number not in known:
            errors.append(FileError(line, "employee_number", _("unknown employee")))
        try:
            cents = parse_amount(raw[pay_col])
        except ValueError as exc:
            # parse_amount's reason is lazy: kept as it is, it is shown in the reader's language.
            errors.append(FileError(line, "net_pay", exc.args[0] if exc.args else str(exc)))
            cents = None
        if number and number not in seen:
            seen[number] = line
        if errors:
            result.errors.extend(errors)
        else:
            result.rows.append(NetPayRow(line, number, cents))
    return result
