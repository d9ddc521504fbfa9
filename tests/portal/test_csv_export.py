"""The one CSV writer: formula guard on every cell, and the reader's spreadsheet dialect."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from portal.csv_export import (
    ENGLISH_SPREADSHEET,
    FRENCH_SPREADSHEET,
    PAYROLL_SOFTWARE,
    csv_response,
    csv_text,
    spreadsheet_dialect,
)


def read_back(text: str, delimiter: str) -> list[list[str]]:
    """What a spreadsheet set to `delimiter` reads (the BOM belongs to the encoding)."""
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter))


@pytest.mark.parametrize(
    "dangerous",
    ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"],
)
def test_a_text_starting_like_a_formula_is_quoted_as_text(dangerous):
    [[cell]] = read_back(csv_text([[dangerous]], FRENCH_SPREADSHEET), ";")
    assert cell == "'" + dangerous


def test_numbers_stay_numbers_in_each_dialect():
    row = [-1_250, Decimal("-7.50"), 2.5, None, True]
    assert read_back(csv_text([row], FRENCH_SPREADSHEET), ";") == [
        ["-1250", "-7,50", "2,5", "", "1"]
    ]
    assert read_back(csv_text([row], ENGLISH_SPREADSHEET), ",") == [
        ["-1250", "-7.50", "2.5", "", "1"]
    ]


def test_a_number_written_as_text_is_guarded_like_any_text():
    # An employee number "-12" is an identifier, not a number: it must stay as typed.
    assert read_back(csv_text([["-12"]], FRENCH_SPREADSHEET), ";") == [["'-12"]]


def test_french_file_has_a_bom_semicolons_and_accents_intact():
    text = csv_text(
        [["Association", "Ville"], ["Les Restos du Cœur", "Saint-Étienne; Loire"]],
        FRENCH_SPREADSHEET,
    )
    data = text.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    assert text.splitlines()[0] == "\ufeffAssociation;Ville"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Association", "Ville"], ["Les Restos du Cœur", "Saint-Étienne; Loire"]]


def test_english_file_keeps_commas_and_decimal_points():
    text = csv_text([["Hours"], [Decimal("3.5")]], ENGLISH_SPREADSHEET)
    assert text == "\ufeffHours\r\n3.5\r\n"


def test_payroll_software_file_has_no_bom():
    assert csv_text([["E001", "0,67"]], PAYROLL_SOFTWARE) == "E001;0,67\r\n"


@pytest.mark.parametrize(
    ("language", "dialect"),
    [
        ("fr", FRENCH_SPREADSHEET),
        ("fr-ca", FRENCH_SPREADSHEET),
        ("en", ENGLISH_SPREADSHEET),
        ("", ENGLISH_SPREADSHEET),
        (None, ENGLISH_SPREADSHEET),
    ],
)
def test_dialect_follows_the_readers_language(language, dialect):
    assert spreadsheet_dialect(language) == dialect


def test_headers_are_translated_into_the_active_language():
    header = [gettext_lazy("Hours")]
    with translation.override("fr"):
        assert read_back(csv_text([header], FRENCH_SPREADSHEET), ";") == [["Heures"]]
    with translation.override("en"):
        assert read_back(csv_text([header], ENGLISH_SPREADSHEET), ",") == [["Hours"]]


def test_dates_are_written_in_iso_format():
    when = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert read_back(csv_text([[when, when.date()]], FRENCH_SPREADSHEET), ";") == [
        ["2026-12-31T23:30:00+00:00", "2026-12-31"]
    ]


def test_response_is_an_attachment_in_utf8():
    response = csv_response([["=1"]], filename="x.csv", dialect=FRENCH_SPREADSHEET)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response.content == "\ufeff'=1\r\n".encode()
