"""Odd input answers 400 or 404, never 500: NUL bytes, ids and years out of range."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from portal.converters import IdConverter, YearConverter
from portal.inputs import (
    MAX_ID,
    parse_id,
    single_line,
    validate_date_in_range,
    validate_single_line,
)
from tests.factories import make_employee

pytestmark = pytest.mark.django_db


@pytest.fixture
def plain_client():
    """A client that answers 500 instead of raising, as a browser would see it."""
    return Client(raise_request_exception=False)


# ---- NUL bytes ---------------------------------------------------------------------------


def test_nul_byte_in_the_calendar_token_answers_404_signed_out_and_in(plain_client, employee_a):
    assert plain_client.get("/engagement/calendar/%00.ics").status_code == 404
    plain_client.force_login(employee_a.user)
    assert plain_client.get("/engagement/calendar/%00.ics").status_code == 404
    assert plain_client.get("/engagement/calendar/abc%00def.ics").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/missions/?q=%00",
        "/missions/?q=garden%00",
        "/missions/?city=%00",
        "/associations/?q=a%00b",
        "/admin/api/main/pages/?search=%00",
        "/admin/pages/search/?q=%00",
        "/admin/snippets/missions/cause/?q=%00",
        "/admin/people/?q=%00",
        "/impact/?kind=custom&start=%00",
        "/giving/?%00=1",
    ],
)
def test_nul_byte_in_a_query_string_answers_400(plain_client, csr_a, url):
    plain_client.force_login(csr_a.user)
    assert plain_client.get(url).status_code == 400


def test_nul_byte_in_a_posted_form_answers_400_and_changes_nothing(plain_client, employee_a):
    plain_client.force_login(employee_a.user)
    response = plain_client.post(reverse("set_language"), {"language": "en\x00", "next": "/"})
    assert response.status_code == 400
    employee_a.refresh_from_db()
    assert employee_a.language != "en\x00"


def test_clean_query_strings_and_forms_still_pass(plain_client, employee_a):
    plain_client.force_login(employee_a.user)
    assert plain_client.get("/missions/?q=jardin").status_code == 200
    response = plain_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302


def test_cookie_with_a_nul_byte_is_ignored(plain_client, employee_a, site_tree):
    # The session key would be looked up in the database, where PostgreSQL refuses NUL.
    plain_client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    response = plain_client.get("/engagement/")
    assert response.status_code == 302 and "login" in response["Location"]


# ---- ids and years in URLs ---------------------------------------------------------------


@pytest.mark.parametrize(
    "year", ["0", "0000", "0001", "1899", "2200", "9999", "10000", "2147483648"]
)
def test_statement_of_a_year_out_of_range_answers_404(plain_client, employee_a, year):
    plain_client.force_login(employee_a.user)
    assert plain_client.get(f"/giving/statement/{year}/").status_code == 404


def test_statement_of_a_real_year_still_answers(plain_client, employee_a):
    plain_client.force_login(employee_a.user)
    assert plain_client.get(reverse("donations:statement", args=[2026])).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/giving/payroll/0/",
        "/giving/payroll/9223372036854775808/",
        "/giving/payroll/99999999999999999999999999/",
        "/engagement/enrolments/0/",
        "/engagement/enrolments/9223372036854775807/",
        "/engagement/csr/sessions/99999999999999999999/roster.csv",
        "/impact/reports/18446744073709551616/download/",
    ],
)
def test_ids_out_of_range_answer_404(plain_client, company_a, url):
    officer = make_employee(company_a, is_csr_officer=True, is_payroll_officer=True)
    plain_client.force_login(officer.user)
    assert plain_client.get(url).status_code == 404


def test_id_converter_accepts_every_database_id_and_nothing_else():
    converter = IdConverter()
    assert converter.to_python("1") == 1
    assert converter.to_python(str(MAX_ID)) == MAX_ID
    for value in ("0", str(MAX_ID + 1)):
        with pytest.raises(ValueError):
            converter.to_python(value)
    assert converter.to_url(42) == "42"


def test_year_converter_keeps_years_cordee_can_compute_with():
    converter = YearConverter()
    assert converter.to_python("2026") == 2026
    for value in ("0000", "0001", "9999"):
        with pytest.raises(ValueError):
            converter.to_python(value)
    assert converter.to_url(2026) == "2026"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("0", None),
        ("-3", None),
        ("1e3", None),
        ("٣", None),  # a Unicode digit that int() would accept
        (str(MAX_ID + 1), None),
        ("9" * 40, None),
        (None, None),
    ],
)
def test_parse_id(value, expected):
    assert parse_id(value) == expected


# ---- texts and dates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Garden\r\nBcc: x@evil.example",
        "Garden\nday",
        "Garden\rday",
        "Tab\there",
        "A\u2028B",
        "N\x00",
    ],
)
def test_multi_line_text_is_refused_and_collapsed(text):
    with pytest.raises(ValidationError):
        validate_single_line(text)
    collapsed = single_line(text)
    assert "\n" not in collapsed and "\r" not in collapsed and "\x00" not in collapsed
    assert collapsed.splitlines() == [collapsed]


def test_single_line_text_passes_unchanged():
    validate_single_line("Journée « jardin » à Lyon, 2026")
    assert single_line("  Journée  jardin ") == "Journée jardin"


@pytest.mark.parametrize(
    "value", [dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.datetime(1899, 12, 31, tzinfo=dt.UTC)]
)
def test_dates_out_of_range_are_refused_with_a_clear_error(value):
    with pytest.raises(ValidationError) as error:
        validate_date_in_range(value)
    assert error.value.code == "date_out_of_range"


def test_dates_in_range_pass():
    validate_date_in_range(dt.date(2026, 11, 29))
    validate_date_in_range(None)


def test_nul_byte_in_a_url_encoded_form_answers_400(plain_client, employee_a):
    plain_client.force_login(employee_a.user)
    response = plain_client.post(
        reverse("set_language"),
        "language=en%00&next=/",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400


def test_input_errors_are_translated():
    from django.utils import translation

    with translation.override("fr"):
        with pytest.raises(ValidationError) as error:
            validate_date_in_range(dt.date(1, 1, 1))
        assert "entre les années 1900 et 2199" in error.value.messages[0]
        with pytest.raises(ValidationError) as error:
            validate_single_line("a\nb")
        assert "une seule ligne" in error.value.messages[0]


# ---- numbers beyond any database id --------------------------------------------------------

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/admin/api/main/pages/?offset={HUGE}",  # "bigint out of range" on PostgreSQL before
        f"/admin/api/main/pages/?offset=-{HUGE}",
        f"/admin/api/main/images/?limit={HUGE}",
        f"/admin/pages/?p={HUGE}",
        f"/admin/images/?collection_id={HUGE}",
        f"/missions/?page={HUGE}",
        f"/giving/give/?association={HUGE}",
    ],
)
def test_query_parameter_beyond_any_id_answers_400(plain_client, csr_a, url):
    plain_client.force_login(csr_a.user)
    assert plain_client.get(url).status_code == 400


@pytest.mark.parametrize("url", [f"/admin/pages/{HUGE}/", f"/admin/api/main/pages/{HUGE}/"])
def test_path_segment_beyond_any_id_answers_404(plain_client, csr_a, url):
    plain_client.force_login(csr_a.user)
    assert plain_client.get(url).status_code == 404


def test_search_terms_may_be_long_numbers(plain_client, employee_a):
    plain_client.force_login(employee_a.user)
    assert plain_client.get(f"/missions/?q={HUGE}").status_code == 200


def test_largest_id_still_reaches_the_view(plain_client, csr_a):
    plain_client.force_login(csr_a.user)
    assert plain_client.get(f"/admin/api/main/pages/?offset={MAX_ID}").status_code == 200
