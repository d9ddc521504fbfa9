"""Periods that are not over: cut at today, compared like with like, and said so.

The autouse clock of tests/conftest.py is Tuesday 17 November 2026, 10:00 in Paris.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reporting import services
from reporting.models import ImpactReport
from reporting.periods import (
    FuturePeriod,
    Period,
    custom_period,
    month_period,
    parse_period,
    quarter_period,
    year_period,
)
from reporting.selectors.metrics import company_metrics
from tests.factories import PASSWORD, make_employee

TODAY = dt.date(2026, 11, 17)


def d(*args) -> dt.date:
    return dt.date(*args)


# --------------------------------------------------------------------------------------------
# Period.as_of and the comparison period (no database)


def test_a_period_ending_yesterday_is_complete():
    period = custom_period(d(2026, 11, 1), d(2026, 11, 17))  # last day: 16 November
    assert period.as_of(TODAY) == period
    assert not period.as_of(TODAY).is_partial


def test_a_period_ending_today_is_still_partial():
    period = custom_period(d(2026, 11, 1), d(2026, 11, 18))  # last day: today
    cut = period.as_of(TODAY)
    assert cut.is_partial
    assert (cut.start, cut.end, cut.planned_end) == (
        d(2026, 11, 1),
        d(2026, 11, 18),
        d(2026, 11, 18),
    )
    # Compared with the whole previous period, which is over.
    assert cut.previous() == custom_period(d(2026, 10, 15), d(2026, 11, 1))
    # The next day it is complete.
    assert not period.as_of(d(2026, 11, 18)).is_partial


def test_a_period_ending_tomorrow_stops_at_today():
    period = custom_period(d(2026, 11, 1), d(2026, 11, 19))  # last day: tomorrow
    cut = period.as_of(TODAY)
    assert cut.is_partial and cut.last_day == TODAY and cut.planned_end == d(2026, 11, 19)
    assert cut.whole == period


def test_a_period_that_has_not_started_is_refused():
    with pytest.raises(FuturePeriod):
        year_period(2027).as_of(TODAY)
    with pytest.raises(FuturePeriod):
        parse_period(
            {"kind": "month", "year": "2026", "month": "12"}, fiscal_start_month=1, today=TODAY
        )
    # Starting today is fine: one day of data.
    assert custom_period(TODAY, d(2026, 12, 1)).as_of(TODAY).days == 1


def test_a_year_to_date_is_compared_with_the_same_dates_a_year_earlier():
    cut = parse_period({"kind": "year", "year": "2026"}, fiscal_start_month=1, today=TODAY)
    assert (cut.start, cut.last_day, cut.planned_end) == (d(2026, 1, 1), TODAY, d(2027, 1, 1))
    previous = cut.previous()
    assert (previous.start, previous.last_day) == (d(2025, 1, 1), d(2025, 11, 17))
    assert previous.is_partial and previous.whole == year_period(2025)
    assert previous.days == cut.days == 321
    # A past year is whole and compared with the whole year before.
    past = parse_period({"kind": "year", "year": "2025"}, fiscal_start_month=1, today=TODAY)
    assert past == year_period(2025) and past.previous() == year_period(2024)


def test_leap_years_compare_the_same_calendar_dates():
    # 29 February 2024 maps to 28 February 2023 ...
    cut = year_period(2024).as_of(d(2024, 2, 29))
    assert cut.previous().last_day == d(2023, 2, 28)
    # ... and 28 February 2025 to 28 February 2024 (the 29th comes after the span).
    cut = year_period(2025).as_of(d(2025, 2, 28))
    assert (cut.previous().start, cut.previous().last_day) == (d(2024, 1, 1), d(2024, 2, 28))


def test_a_fiscal_year_starting_in_april():
    cut = parse_period({"kind": "year", "year": "2026"}, fiscal_start_month=4, today=TODAY)
    assert (cut.start, cut.last_day, cut.planned_end) == (d(2026, 4, 1), TODAY, d(2027, 4, 1))
    assert cut.label == "Fiscal year 2026/2027"
    previous = cut.previous(fiscal_start_month=4)
    assert (previous.start, previous.last_day) == (d(2025, 4, 1), d(2025, 11, 17))
    # The default (no parameters) is the current fiscal year, cut at today.
    default = parse_period({}, fiscal_start_month=4, today=TODAY)
    assert default == cut
    # Fiscal quarter 3 (October to December) to date.
    q3 = quarter_period(2026, 3, fiscal_start_month=4).as_of(TODAY)
    assert (q3.start, q3.last_day) == (d(2026, 10, 1), TODAY)
    before = q3.previous(fiscal_start_month=4)
    assert (before.start, before.last_day) == (d(2026, 7, 1), d(2026, 8, 17))


def test_a_month_to_date_is_clamped_to_a_shorter_previous_month():
    cut = month_period(2026, 3).as_of(d(2026, 3, 30))
    previous = cut.previous()
    assert (previous.start, previous.last_day) == (d(2026, 2, 1), d(2026, 2, 28))
    assert not previous.is_partial  # February is over and wholly covered
    assert month_period(2026, 11).as_of(TODAY).previous().last_day == d(2026, 10, 17)


def test_partial_custom_dates_compare_the_same_number_of_days():
    cut = custom_period(d(2026, 11, 1), d(2026, 12, 1)).as_of(TODAY)  # 17 of 30 days
    previous = cut.previous()
    assert previous.days == cut.days == 17
    assert (previous.start, previous.whole.end) == (d(2026, 10, 2), d(2026, 11, 1))


def test_a_partial_period_survives_the_snapshot():
    cut = year_period(2026).as_of(TODAY)
    assert Period.from_dict(cut.as_dict()) == cut
    # Snapshots archived before partial periods existed read as whole periods.
    old = {"kind": "year", "start": "2025-01-01", "end": "2026-01-01", "year": 2025}
    assert not Period.from_dict(old).is_partial


# --------------------------------------------------------------------------------------------
# Figures, page and PDF


@pytest.fixture
def executive(impact_data):
    profile = make_employee(impact_data.company, email="ceo@alpha.example", is_executive=True)
    return profile


@pytest.fixture
def year_to_date(impact_data):
    """Gifts this year to date, the same span last year, and after that span last year."""
    from tests.reporting.conftest import paris

    e1, x = impact_data.employees[0], impact_data.associations["x"]
    impact_data.give(e1, x, 10_000, paris(2026, 3, 1, 12))
    impact_data.give(e1, x, 5_000, paris(2025, 11, 17, 20))  # the last day of last year's span
    impact_data.give(e1, x, 90_000, paris(2025, 11, 18, 9))  # after it: not compared
    return impact_data


@pytest.mark.django_db
def test_a_partial_year_is_compared_with_the_same_span_of_last_year(year_to_date):
    period = year_period(2026).as_of(TODAY)
    m = company_metrics(company=year_to_date.company, period=period)
    assert m["kpis"]["donations_cents"] == 999 + 10_000  # the fixture's 1 January gift too
    # 1 Jan-17 Nov 2025: the fixture's gifts of January, February and April and the
    # 17 November one, not the 18 November one nor the one of 31 December.
    assert m["previous"]["donations_cents"] == 67 + 45 + 5_000 + 5_000
    assert m["changes"]["donations_cents"] == round((10_999 - 10_112) / 10_112, 4)
    assert [row["month"] for row in m["by_month"]][-1] == "2026-11"


@pytest.mark.django_db
@pytest.mark.usefixtures("on_the_default_day")
def test_the_dashboard_says_the_period_is_partial(client, year_to_date, executive):
    client.login(username=executive.user.username, password=PASSWORD)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("reporting:dashboard")).content.decode()  # current year
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert (
        "Partial period: figures from Jan. 1, 2026 to Nov. 17, 2026, the period ends on "
        "Dec. 31, 2026. Compared with the same span of the previous period, Jan. 1, 2025 "
        "to Nov. 17, 2025." in text
    )
    whole = client.get(reverse("reporting:dashboard"), {"year": "2025"}).content.decode()
    assert "Partial period" not in whole and "Figures for 2025, compared with 2024." in whole


@pytest.mark.django_db
def test_a_future_period_cannot_be_requested(client, year_to_date, executive):
    client.login(username=executive.user.username, password=PASSWORD)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        reverse("reporting:request_report"),
        {"kind": "year", "year": "2027", "language": "en"},
        follow=True,
    )
    assert "This period has not started yet" in response.content.decode()
    assert not ImpactReport.objects.exists()


@pytest.mark.django_db
def test_negative_management_costs_are_refused(client, year_to_date, executive):
    client.login(username=executive.user.username, password=PASSWORD)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        reverse("reporting:request_report"),
        {"kind": "year", "year": "2025", "language": "en", "management_costs": "-5"},
        follow=True,
    )
    assert "greater than or equal to 0" in response.content.decode()
    assert not ImpactReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("on_the_default_day")
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_partial_period_is_archived_labelled_partial(
    client,
    settings,
    tmp_path,
    year_to_date,
    executive,
    django_capture_on_commit_callbacks,
    language,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.login(username=executive.user.username, password=PASSWORD)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reporting:request_report"),
            {"kind": "year", "year": "2026", "language": language, "management_costs": "1000"},
        )
    report = ImpactReport.objects.get()
    assert report.is_partial and report.status == "ready"
    assert (report.period_end, report.period_planned_end) == (d(2026, 11, 18), d(2027, 1, 1))
    assert report.management_costs_cents == 100_000
    assert report.metrics["previous_period"]["end"] == "2025-11-18"
    with report.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    expected = {
        "en": "Partial period: figures from Jan. 1, 2026 to Nov. 17, 2026, the period ends "
        "on Dec. 31, 2026. Compared with the same span of the previous period, Jan. 1, "
        "2025 to Nov. 17, 2025.",
        "fr": "Période partielle : chiffres du 1 janvier 2026 au 17 novembre 2026, la période se "
        "termine le 31 décembre 2026. Comparés à la même portion de la période précédente, du "
        "1 janvier 2025 au 17 novembre 2025.",
    }[language]
    assert expected in text
    detail = client.get(reverse("reporting:report", args=[report.pk])).content.decode()
    assert {"en": "Partial period", "fr": "Période partielle"}[language] in detail
    listing = client.get(reverse("reporting:dashboard")).content.decode()
    assert {"en": "partial, to 11/17/2026", "fr": "partiel, au 17/11/2026"}[language] in listing


@pytest.mark.django_db
def test_a_report_of_a_finished_period_is_not_partial(year_to_date):
    report = services.request_report(
        company=year_to_date.company,
        period=parse_period({"year": "2025"}, fiscal_start_month=1, today=TODAY),
        language="en",
        requested_by=None,
    )
    assert not report.is_partial and report.period == year_period(2025)
