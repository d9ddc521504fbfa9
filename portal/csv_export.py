"""The one CSV writer: every cell through the formula guard, in the reader's spreadsheet dialect."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from django.http import HttpResponse
from django.utils.functional import Promise

# OWASP "CSV injection": a cell starting with one of these is read as a formula by spreadsheet
# software (a tab or carriage return is skipped, then the next character decides).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


@dataclass(frozen=True)
class CsvDialect:
    """How a file is laid out for its reader."""

    delimiter: str
    decimal_separator: str
    bom: bool  # Excel reads UTF-8 only after a byte-order mark
    lineterminator: str = "\r\n"


# What a spreadsheet expects in each language: a French Excel splits on `;` and reads `7,5`.
ENGLISH_SPREADSHEET = CsvDialect(delimiter=",", decimal_separator=".", bom=True)
FRENCH_SPREADSHEET = CsvDialect(delimiter=";", decimal_separator=",", bom=True)
# Files read by software (the payroll deduction file): a fixed layout whatever the reader speaks.
PAYROLL_SOFTWARE = CsvDialect(delimiter=";", decimal_separator=",", bom=False)


def spreadsheet_dialect(language_code: str | None) -> CsvDialect:
    """The dialect of a spreadsheet opened by someone reading `language_code` (e.g. "fr-fr")."""
    language = (language_code or "").split("-")[0].lower()
    return FRENCH_SPREADSHEET if language == "fr" else ENGLISH_SPREADSHEET


def guard_text(value: str) -> str:
    """A text cell a spreadsheet shows as text: a leading formula trigger is quoted away."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def cell(value: Any, dialect: CsvDialect) -> str:
    """One value as the text of its cell; numbers stay numbers, every text is guarded."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal | float):
        return str(value).replace(".", dialect.decimal_separator)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Promise):  # a lazy translation, e.g. a header
        value = str(value)
    return guard_text(str(value))


def write_rows(out: _Writable, rows: Iterable[Sequence[Any]], dialect: CsvDialect) -> None:
    """Write `rows` (the header is just the first row) to `out`, every cell through `cell()`."""
    if dialect.bom:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=dialect.delimiter, lineterminator=dialect.lineterminator)
    for row in rows:
        writer.writerow([cell(value, dialect) for value in row])


def csv_text(rows: Iterable[Sequence[Any]], dialect: CsvDialect) -> str:
    """The whole file as text (BOM included when the dialect has one)."""
    out = io.StringIO()
    write_rows(out, rows, dialect)
    return out.getvalue()


def csv_response(
    rows: Iterable[Sequence[Any]], *, filename: str, dialect: CsvDialect
) -> HttpResponse:
    """A download of `rows` as `filename`, written in `dialect`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_rows(response, rows, dialect)
    return response
