"""The calendar: months, quarters and each company's fiscal year, read in the company's time zone.

A month is held as the date of its first day. Days and months are those of the company's clock:
a gift made at 23:30 on 31 December in Paris (22:30 UTC) belongs to December there, and a gift
made at 00:30 on 1 January in Paris (23:30 UTC on 31 December) belongs to January.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone

if TYPE_CHECKING:
    from portal.models import Company


def month_of(day: dt.date) -> dt.date:
    """The month containing `day` (its first day)."""
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month `count` months after the month of `month` (negative: before)."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def local_date(moment: dt.datetime, time_zone: str) -> dt.date:
    """The calendar day of the aware `moment` on a clock in `time_zone`."""
    return moment.astimezone(ZoneInfo(time_zone)).date()


def company_date(company: Company, moment: dt.datetime) -> dt.date:
    """The day of `moment` in the company's time zone."""
    return local_date(moment, company.time_zone)


def company_today(company: Company) -> dt.date:
    """Today in the company's time zone."""
    return company_date(company, timezone.now())


def start_of_day(day: dt.date, time_zone: str) -> dt.datetime:
    """Midnight at the start of `day` in `time_zone`, as an aware datetime."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(time_zone))


def fiscal_year_of(day: dt.date, *, start_month: int = 1) -> int:
    """The fiscal year containing `day`, named after the calendar year it starts in."""
    return day.year if day.month >= start_month else day.year - 1


def fiscal_year_start(year: int, *, start_month: int = 1) -> dt.date:
    return dt.date(year, start_month, 1)


def fiscal_quarter_start(year: int, quarter: int, *, start_month: int = 1) -> dt.date:
    """First day of quarter 1-4 of fiscal `year` (ValueError for another quarter)."""
    if not 1 <= quarter <= 4:
        raise ValueError("quarter must be 1 to 4")
    return add_months(fiscal_year_start(year, start_month=start_month), 3 * (quarter - 1))


def fiscal_year_bounds(company: Company, moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The company's fiscal year containing `moment`, as aware datetimes [start, end)."""
    month = company.fiscal_year_start_month
    year = fiscal_year_of(company_date(company, moment), start_month=month)
    start = fiscal_year_start(year, start_month=month)
    return (
        start_of_day(start, company.time_zone),
        start_of_day(add_months(start, 12), company.time_zone),
    )


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday of `year` in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (h + m - 7 * ((a + 11 * h + 19 * m) // 433) + 90) // 25
    p = (h + m - 7 * ((a + 11 * h + 19 * m) // 433) + 33 * n + 19) % 32
    return dt.date(year, n, p)


def french_public_holidays(year: int) -> frozenset[dt.date]:
    """The eleven public holidays of metropolitan France (Code du travail, art. L3133-1)."""
    easter = easter_sunday(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    movable = [easter + dt.timedelta(days=n) for n in (1, 39, 50)]  # Monday, Ascension, Whit
    return frozenset([dt.date(year, m, d) for m, d in fixed] + movable)


def is_french_public_holiday(day: dt.date) -> bool:
    return day in french_public_holidays(day.year)
