"""The calendar: months, quarters and fiscal years in the company's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from portal.calendar import (
    add_months,
    company_date,
    company_today,
    fiscal_quarter_start,
    fiscal_year_bounds,
    fiscal_year_of,
    local_date,
    month_of,
    start_of_day,
)

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("month", "count", "expected"),
    [
        (dt.date(2026, 12, 1), 1, dt.date(2027, 1, 1)),
        (dt.date(2027, 1, 1), -1, dt.date(2026, 12, 1)),
        (dt.date(2026, 3, 1), -15, dt.date(2024, 12, 1)),
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 1)),
        (dt.date(2026, 5, 1), 0, dt.date(2026, 5, 1)),
    ],
)
def test_add_months_crosses_years_both_ways(month, count, expected):
    assert add_months(month, count) == expected


def test_month_of_is_its_first_day():
    assert month_of(dt.date(2026, 12, 31)) == dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2026, 8, 31), 2025),
        (dt.date(2026, 9, 1), 2026),
        (dt.date(2026, 12, 31), 2026),
        (dt.date(2027, 1, 1), 2026),
        (dt.date(2027, 8, 31), 2026),
    ],
)
def test_a_fiscal_year_starting_in_september_is_named_after_its_first_year(day, year):
    assert fiscal_year_of(day, start_month=9) == year


def test_fiscal_quarters_follow_the_fiscal_year():
    assert fiscal_quarter_start(2026, 1, start_month=9) == dt.date(2026, 9, 1)
    assert fiscal_quarter_start(2026, 2, start_month=9) == dt.date(2026, 12, 1)
    assert fiscal_quarter_start(2026, 3, start_month=9) == dt.date(2027, 3, 1)
    assert fiscal_quarter_start(2026, 4) == dt.date(2026, 10, 1)
    with pytest.raises(ValueError, match="quarter"):
        fiscal_quarter_start(2026, 5)


def test_the_last_half_hour_of_the_year_in_paris_is_still_december_there():
    # 23:30 on 31 December in Paris is 22:30 UTC; 00:30 on 1 January in Paris is still
    # 31 December in UTC: the day is the company's, never UTC's.
    before = dt.datetime(2026, 12, 31, 23, 30, tzinfo=PARIS)
    after = dt.datetime(2027, 1, 1, 0, 30, tzinfo=PARIS)
    assert before.astimezone(dt.UTC).date() == dt.date(2026, 12, 31)
    assert after.astimezone(dt.UTC).date() == dt.date(2026, 12, 31)
    assert local_date(before, "Europe/Paris") == dt.date(2026, 12, 31)
    assert local_date(after, "Europe/Paris") == dt.date(2027, 1, 1)


def test_start_of_day_is_midnight_on_the_zones_clock():
    assert start_of_day(dt.date(2027, 1, 1), "Europe/Paris") == dt.datetime(
        2026, 12, 31, 23, tzinfo=dt.UTC
    )


@pytest.mark.django_db
def test_fiscal_year_bounds_follow_the_companys_zone(company_a):
    company_a.time_zone = "Europe/Paris"
    company_a.fiscal_year_start_month = 1
    new_year_in_paris = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    start, end = fiscal_year_bounds(company_a, new_year_in_paris)
    assert start == dt.datetime(2027, 1, 1, tzinfo=PARIS)
    assert end == dt.datetime(2028, 1, 1, tzinfo=PARIS)
    start, _ = fiscal_year_bounds(company_a, new_year_in_paris - dt.timedelta(hours=1))
    assert start == dt.datetime(2026, 1, 1, tzinfo=PARIS)


@pytest.mark.django_db
def test_fiscal_year_starting_in_september_in_new_york(company_a):
    company_a.time_zone = "America/New_York"
    company_a.fiscal_year_start_month = 9
    new_york = ZoneInfo("America/New_York")
    # 1 September 02:00 UTC is still 31 August in New York: last day of fiscal 2025.
    start, end = fiscal_year_bounds(company_a, dt.datetime(2026, 9, 1, 2, tzinfo=dt.UTC))
    assert (start, end) == (
        dt.datetime(2025, 9, 1, tzinfo=new_york),
        dt.datetime(2026, 9, 1, tzinfo=new_york),
    )
    assert company_date(company_a, dt.datetime(2026, 9, 1, 5, tzinfo=dt.UTC)) == dt.date(2026, 9, 1)


@pytest.mark.django_db
def test_today_is_the_companys_today(company_a, clock):
    clock.move_to(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC))
    company_a.time_zone = "Europe/Paris"
    assert company_today(company_a) == dt.date(2027, 1, 1)
    company_a.time_zone = "America/New_York"
    assert company_today(company_a) == dt.date(2026, 12, 31)
