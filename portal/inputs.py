"""Bounds on what visitors may type or put in a URL: single-line texts, dates and ids in range.

Odd input must answer a form error, a 400 or a 404, never a 500: Python's dates stop at years
1 and 9999 (and an aware datetime near them overflows once moved to UTC), database integers at
2**63 - 1, PostgreSQL text at the first NUL byte and e-mail headers at the first line break.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Years a date typed in Cordée may fall in: wide enough for any real mission, gift or report,
# far enough from Python's limits that adding a year or a time zone never overflows.
MIN_YEAR = 1900
MAX_YEAR = 2199
# The largest primary key a database holds (BigAutoField): anything above names nothing.
MAX_ID = 2**63 - 1

# Line breaks, tabs and every other control character (C0, DEL, C1), plus the Unicode line and
# paragraph separators that mail clients and Python's str.splitlines() also break on.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_RUNS = re.compile(r"(?:\s|[\x00-\x1f\x7f-\x9f\u2028\u2029])+")


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value or ""))


def single_line(value: str) -> str:
    """`value` on one line: line breaks and control characters become one space each run."""
    return _CONTROL_RUNS.sub(" ", value or "").strip()


def validate_single_line(value: str) -> None:
    """A title or name ends up in e-mail subjects and headers: it must hold on one line."""
    if has_control_characters(value):
        raise ValidationError(
            _("Write this on a single line, without line breaks or tabs."), code="single_line"
        )


def single_line_errors(instance, *field_names: str) -> dict[str, ValidationError]:
    """The errors of a model's `field_names` that are not single-line, for its clean()."""
    errors = {}
    for name in field_names:
        try:
            validate_single_line(getattr(instance, name, "") or "")
        except ValidationError as error:
            errors[name] = error
    return errors


def year_in_range(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def validate_date_in_range(value: dt.date | dt.datetime | None) -> None:
    """Reject dates Cordée cannot compute with (year 1, year 9999…), with a clear message."""
    if value is None:
        return
    if not year_in_range(value.year):
        raise ValidationError(
            _("Enter a date between the years %(min)d and %(max)d."),
            code="date_out_of_range",
            params={"min": MIN_YEAR, "max": MAX_YEAR},
        )


def id_in_range(value: int) -> bool:
    return 1 <= value <= MAX_ID


def parse_id(value) -> int | None:
    """An object id from a query string or a form, or None if it cannot name any object."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if id_in_range(number) else None
