"""Reporting periods: a fiscal year, quarter, month or custom dates, and the one before it."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from portal.calendar import (
    add_months,
    fiscal_quarter_start,
    fiscal_year_of,
    fiscal_year_start,
    start_of_day,
)
from portal.inputs import year_in_range


class InvalidPeriod(ValueError):
    """A period that cannot exist (end before start, unknown kind, month 13...)."""


class FuturePeriod(InvalidPeriod):
    """A period that has not started yet: there is nothing to report on."""


KINDS = ("year", "quarter", "month", "custom")


@dataclass(frozen=True)
class Period:
    """A half-open range of calendar days [start, end) read in the company's time zone.

    `year` is the fiscal year that *starts* in that calendar year (a company whose year starts
    in April has fiscal 2026 = April 2026 to March 2027); quarters are fiscal quarters.
    """

    kind: str
    start: dt.date
    end: dt.date  # exclusive
    year: int | None = None
    number: int | None = None  # quarter 1-4 or month 1-12
    planned_end: dt.date | None = None  # exclusive; set only while the period is not over

    @property
    def is_partial(self) -> bool:
        return self.planned_end is not None

    @property
    def whole(self) -> Period:
        """The whole period, as it will be once finished."""
        if not self.is_partial:
            return self
        return replace(self, end=self.planned_end, planned_end=None)

    def as_of(self, today: dt.date) -> Period:
        """The part of the period with data on `today` (itself when the period is over).

        A period is over once its last day has passed: a period ending today is still partial,
        with data up to today. A period that has not started raises FuturePeriod.
        """
        whole = self.whole
        if today < whole.start:
            raise FuturePeriod("the period has not started")
        if today >= whole.end:
            return whole
        return replace(whole, end=today + dt.timedelta(days=1), planned_end=whole.end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def bounds(self, tz: str) -> tuple[dt.datetime, dt.datetime]:
        """Aware datetimes of the start and end, midnight in the company's zone."""
        return start_of_day(self.start, tz), start_of_day(self.end, tz)

    def months(self) -> list[dt.date]:
        """First day of each calendar month the period touches, in order."""
        months, cursor = [], self.start.replace(day=1)
        while cursor < self.end:
            months.append(cursor)
            cursor = add_months(cursor, 1)
        return months

    def previous(self, *, fiscal_start_month: int = 1) -> Period:
        """The period of the same kind just before (custom: the same number of days).

        For a partial period, the same part of the previous period, so that like is compared
        with like: a year, quarter or month to date against the same calendar span of the one
        before (1 Jan-17 Nov 2026 against 1 Jan-17 Nov 2025; a 29 February maps to the 28th),
        custom dates against the same number of days.
        """
        if not self.is_partial:
            return self._previous_whole(fiscal_start_month)
        before = self.whole._previous_whole(fiscal_start_month)
        if self.kind == "custom":
            last = before.start + dt.timedelta(days=self.days - 1)
        else:
            months = (self.start.year - before.start.year) * 12 + (
                self.start.month - before.start.month
            )
            last = shift_months(self.last_day, -months)
        if last >= before.last_day:  # the span reaches the end: the whole previous period
            return before
        return replace(before, end=last + dt.timedelta(days=1), planned_end=before.end)

    def _previous_whole(self, fiscal_start_month: int) -> Period:
        if self.kind == "year":
            return year_period(self.year - 1, fiscal_start_month=fiscal_start_month)
        if self.kind == "quarter":
            year, quarter = (self.year, self.number - 1) if self.number > 1 else (self.year - 1, 4)
            return quarter_period(year, quarter, fiscal_start_month=fiscal_start_month)
        if self.kind == "month":
            first = add_months(self.start, -1)
            return month_period(first.year, first.month)
        return custom_period(self.start - dt.timedelta(days=self.days), self.start)

    @property
    def label(self) -> str:
        if self.kind == "year":
            if self.start.month == 1:
                return str(self.year)
            return _("Fiscal year %(start)s/%(end)s") % {
                "start": self.start.year,
                "end": self.whole.last_day.year,
            }
        if self.kind == "quarter":
            return _("Q%(q)s %(year)s") % {"q": self.number, "year": self.year}
        if self.kind == "month":
            from django.utils.formats import date_format

            return date_format(self.start, "F Y")
        from django.utils.formats import date_format

        return _("%(start)s to %(end)s") % {
            "start": date_format(self.start, "SHORT_DATE_FORMAT"),
            "end": date_format(self.whole.last_day, "SHORT_DATE_FORMAT"),
        }

    @property
    def span_label(self) -> str:
        """The days the figures cover: "1 January 2026 to 17 November 2026"."""
        from django.utils.formats import date_format

        return _("%(start)s to %(end)s") % {
            "start": date_format(self.start, "DATE_FORMAT"),
            "end": date_format(self.last_day, "DATE_FORMAT"),
        }

    @property
    def short_label(self) -> str:
        """The label, with the day the data stops at when partial ("2026 to 17 November 2026")."""
        if not self.is_partial:
            return self.label
        from django.utils.formats import date_format

        return _("%(period)s to %(date)s") % {
            "period": self.label,
            "date": date_format(self.last_day, "DATE_FORMAT"),
        }

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "year": self.year,
            "number": self.number,
            "planned_end": self.planned_end.isoformat() if self.planned_end else None,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Period:
        return cls(
            kind=data["kind"],
            start=dt.date.fromisoformat(data["start"]),
            end=dt.date.fromisoformat(data["end"]),
            year=data.get("year"),
            number=data.get("number"),
            planned_end=(
                dt.date.fromisoformat(data["planned_end"]) if data.get("planned_end") else None
            ),
        )


def shift_months(day: dt.date, count: int) -> dt.date:
    """The same day `count` months later (earlier if negative), clamped to the month's end."""
    first = add_months(day, count)
    return first.replace(day=min(day.day, calendar.monthrange(first.year, first.month)[1]))


def year_period(year: int, *, fiscal_start_month: int = 1) -> Period:
    start = fiscal_year_start(year, start_month=fiscal_start_month)
    return Period("year", start, add_months(start, 12), year=year)


def quarter_period(year: int, quarter: int, *, fiscal_start_month: int = 1) -> Period:
    if not 1 <= quarter <= 4:
        raise InvalidPeriod("quarter must be 1 to 4")
    start = fiscal_quarter_start(year, quarter, start_month=fiscal_start_month)
    return Period("quarter", start, add_months(start, 3), year=year, number=quarter)


def month_period(year: int, month: int) -> Period:
    if not 1 <= month <= 12:
        raise InvalidPeriod("month must be 1 to 12")
    start = dt.date(year, month, 1)
    return Period("month", start, add_months(start, 1), year=year, number=month)


def custom_period(start: dt.date, end: dt.date) -> Period:
    """Custom dates; `end` is exclusive here (callers holding an inclusive last day add one)."""
    if end <= start:
        raise InvalidPeriod("the period must end after it starts")
    if (end - start).days > 366 * 5:
        raise InvalidPeriod("a custom period is at most five years long")
    return Period("custom", start, end)


def current_fiscal_year(today: dt.date, *, fiscal_start_month: int = 1) -> int:
    return fiscal_year_of(today, start_month=fiscal_start_month)


def parse_period(params, *, fiscal_start_month: int, today: dt.date) -> Period:
    """Build a period from GET-like parameters; raises InvalidPeriod on nonsense.

    kind=year&year=2026 · kind=quarter&year=2026&quarter=2 · kind=month&year=2026&month=3 ·
    kind=custom&start=2026-01-01&end=2026-06-30 (end inclusive, as a person types it).
    Missing parameters fall back to the current fiscal year. The period is cut at `today`
    when it is not over (see Period.as_of); one that has not started raises FuturePeriod.
    """
    return _parse_whole(params, fiscal_start_month=fiscal_start_month, today=today).as_of(today)


def _parse_whole(params, *, fiscal_start_month: int, today: dt.date) -> Period:
    kind = params.get("kind") or "year"
    if kind not in KINDS:
        raise InvalidPeriod("unknown period kind")
    try:
        default_year = current_fiscal_year(today, fiscal_start_month=fiscal_start_month)
        year = int(params.get("year") or default_year)
        if not 2000 <= year <= 2100:
            raise InvalidPeriod("year out of range")
        if kind == "year":
            return year_period(year, fiscal_start_month=fiscal_start_month)
        if kind == "quarter":
            return quarter_period(
                year, int(params.get("quarter") or 1), fiscal_start_month=fiscal_start_month
            )
        if kind == "month":
            return month_period(year, int(params.get("month") or today.month))
        start = dt.date.fromisoformat(params.get("start") or "")
        last = dt.date.fromisoformat(params.get("end") or "")
        if not (year_in_range(start.year) and year_in_range(last.year)):
            raise InvalidPeriod("date out of range")
        return custom_period(start, last + dt.timedelta(days=1))
    except (TypeError, ValueError, OverflowError) as exc:
        if isinstance(exc, InvalidPeriod):
            raise
        raise InvalidPeriod(str(exc)) from exc
