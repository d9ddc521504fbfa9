"""portal.people.hr_file: reading the HR export as French HR software writes it."""

import datetime as dt

import pytest
from django.utils import translation

from portal.people.hr_file import InvalidHRFile, parse


@pytest.fixture(autouse=True)
def _english():
    """Messages are translated; these tests read the English source."""
    with translation.override("en"):
        yield


FRENCH = (
    "Matricule;E-mail;Prénom;Nom;Matricule manager;Service;Site;"
    "Date d\u2019entrée;Date de sortie;Langue\n"
    "E1;Zoe.Durand@acme.example;Zoé;Durand;;Direction;Lyon;01/02/2020;;Français\n"
    "E2;leo@acme.example;Léo;Martin;E1;Ventes;Paris;2021-03-15;31/12/2026;en\n"
)


def test_french_headers_bom_and_dates():
    parsed = parse(b"\xef\xbb\xbf" + FRENCH.encode())
    assert parsed.errors == []
    first, second = (line.record for line in parsed.lines)
    assert [line.line for line in parsed.lines] == [2, 3]
    assert first.email == "zoe.durand@acme.example"
    assert first.first_name == "Zoé" and first.hire_date == dt.date(2020, 2, 1)
    assert first.manager_employee_number == "" and first.language == "fr"
    assert first.clear_leave_date and first.leave_date is None
    assert second.manager_employee_number == "E1"
    assert second.hire_date == dt.date(2021, 3, 15) and second.leave_date == dt.date(2026, 12, 31)
    assert second.language == "en"


def test_same_file_without_bom_and_english_headers_with_commas():
    english = (
        "employee_number,email,first_name,last_name,manager_employee_number,department\r\n"
        "E1,ann@acme.example,Ann,Lee,,Sales\r\n"
    )
    parsed = parse(english.encode())
    assert parsed.errors == []
    record = parsed.lines[0].record
    assert (record.employee_number, record.department, record.last_name) == ("E1", "Sales", "Lee")
    # No leave-date column: the file says nothing about it.
    assert record.leave_date is None and not record.clear_leave_date


def test_cp1252_is_refused_with_how_to_resave():
    with pytest.raises(InvalidHRFile) as refused:
        parse(FRENCH.encode("cp1252"))
    assert "UTF-8" in refused.value.message and "line 1" in refused.value.message
    assert "Re-save" in refused.value.message


def test_missing_required_column_is_a_file_error():
    with pytest.raises(InvalidHRFile, match="employee number"):
        parse(b"E-mail;Nom\nann@acme.example;Lee\n")


def test_errors_by_line_and_field():
    data = (
        "Matricule;E-mail;Date d'entrée;Date de sortie;Langue;Matricule manager\n"
        "E1;not-an-email;31/02/2020;;fr;\n"
        ";bob@acme.example;01/01/2020;01/01/2019;xx;\n"
        "E3;cy@acme.example;;;;E3\n"
    ).encode()
    errors = {(e.line, e.field) for e in parse(data).errors}
    assert errors == {
        (2, "email"),
        (2, "hire_date"),
        (3, "employee_number"),
        (3, "leave_date"),
        (3, "language"),
        (4, "manager_employee_number"),
    }


def test_blank_lines_are_skipped_and_line_numbers_kept():
    parsed = parse(b"Matricule;E-mail\n\nE1;a@acme.example\n;\nE2;b@acme.example\n")
    assert [line.line for line in parsed.lines] == [3, 5]
