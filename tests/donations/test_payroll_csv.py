"""The net-pay file parser: formats accepted, every error named by line and field."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.functional import Promise
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from donations.exceptions import FileError, InvalidPayrollFile
from donations.services.payroll_csv import parse_amount, parse_net_pay_file


def errors_of(data: bytes, **kwargs) -> list[FileError]:
    with pytest.raises(InvalidPayrollFile) as info:
        parse_net_pay_file(data, **kwargs)
    return info.value.errors


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("2345,67", 234567),
        ("2 345,67", 234567),
        ("2.345,67", 234567),
        ("2345.6", 234560),
        ("100", 10000),
        ("0", 0),
        ("1\u00a0000,5", 100050),
    ],
)
def test_parse_amount_accepts_french_and_dot_decimals(text, cents):
    assert parse_amount(text) == cents


@pytest.mark.parametrize(
    ("text", "reason"),
    [("-12", "negative"), ("abc", "not a number"), ("", "empty"), ("1,234", "not a number")],
)
def test_parse_amount_refuses_with_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_amount(text)


def test_semicolon_file_with_bom_and_comma_decimals():
    rows = parse_net_pay_file("\ufeffmatricule;net\nE1;2 345,67\n\nE2;100\n".encode())
    assert [(r.line, r.employee_number, r.net_pay_cents) for r in rows] == [
        (2, "E1", 234567),
        (4, "E2", 10000),
    ]


def test_comma_file_with_quoted_comma_decimals():
    rows = parse_net_pay_file(b'employee_number,net_pay\r\nE1,"12,50"\r\nE2,7.25\r\n')
    assert [r.net_pay_cents for r in rows] == [1250, 725]


def test_wrong_encoding_names_the_line():
    errors = errors_of("matricule;net\nE1;1\nÉlodie;2\n".encode("latin-1"))
    assert errors == [FileError(3, "encoding", "not UTF-8 (export the file as UTF-8)")]


def test_missing_columns_are_reported_on_the_header():
    errors = errors_of(b"name;salary\nE1;1\n")
    assert {(e.line, e.field) for e in errors} == {(1, "employee_number"), (1, "net_pay")}


def test_every_bad_line_is_reported_with_its_field():
    data = b"matricule;net\nE1;10\nE1;20\nE2;-5\nE3;abc\nE9;4\nE4\n;3\n"
    errors = errors_of(data, known_employee_numbers={"E1", "E2", "E3", "E4"})
    assert [(e.line, e.field) for e in errors] == [
        (3, "employee_number"),
        (4, "net_pay"),
        (5, "net_pay"),
        (6, "employee_number"),
        (7, "row"),
        (8, "employee_number"),
    ]
    assert "duplicate of line 2" in errors[0].message
    assert errors[3].message == "unknown employee"


def test_excluded_lines_are_skipped_and_the_rest_is_clean():
    data = b"matricule;net\nE1;10\nE2;-5\nE3;abc\n"
    rows = parse_net_pay_file(data, excluded_lines={3, 4})
    assert [r.employee_number for r in rows] == ["E1"]


def test_excluding_other_lines_does_not_hide_errors():
    data = b"matricule;net\nE1;10\nE2;-5\n"
    assert [e.line for e in errors_of(data, excluded_lines={2})] == [3]


def test_empty_file_is_reported():
    assert errors_of(b"") == [FileError(1, "header", "the file is empty")]


def test_messages_are_lazy_and_keep_line_and_field():
    with pytest.raises(InvalidPayrollFile) as info:
        parse_net_pay_file(b"matricule;net\nE1;10\nE1;-5\nE2\n")
    errors = info.value.errors
    assert all(isinstance(e.message, Promise) for e in errors)
    with translation.override("en"):
        assert [(e.line, e.field, str(e.message)) for e in errors] == [
            (3, "employee_number", "duplicate of line 2"),
            (3, "net_pay", "negative"),
            (4, "row", "1 field instead of 2"),
        ]
        assert str(errors[0]) == "line 3, employee number: duplicate of line 2"
        assert str(info.value) == "3 errors in the net-pay file"
        assert str(InvalidPayrollFile(errors[:1])) == "1 error in the net-pay file"


def test_messages_go_through_gettext_when_shown_and_translations_order_the_words(monkeypatch):
    errors = errors_of(b"matricule;net\nE1;10\nE1;20\nE2;1;2\n")
    # The errors exist before the catalogue changes: they are translated when shown, and the
    # named placeholders are filled after translating, wherever the translation puts them.
    catalogue = {
        "duplicate of line %(line)s": "la ligne %(line)s a déjà ce matricule",
        "%(count)s fields instead of %(expected)s": "%(expected)s champs attendus, %(count)s lus",
        "line %(line)s, %(field)s: %(message)s": "%(field)s, ligne %(line)s : %(message)s",
        "employee number": "matricule",
    }
    monkeypatch.setattr(translation._trans, "gettext", lambda m: catalogue.get(m, m))
    monkeypatch.setattr(
        translation._trans, "ngettext", lambda s, p, n: catalogue.get(p if n != 1 else s)
    )
    assert [(e.line, e.field, str(e.message)) for e in errors] == [
        (3, "employee_number", "la ligne 2 a déjà ce matricule"),
        (4, "row", "2 champs attendus, 3 lus"),
    ]
    assert str(errors[0]) == "matricule, ligne 3 : la ligne 2 a déjà ce matricule"


def test_errors_read_in_french():
    errors = errors_of(b"matricule;net\nE1;10\nE1;20\n")
    with translation.override("fr"):
        assert str(errors[0].message) == "doublon de la ligne 2"
        assert str(errors[0]) == "ligne 3, matricule : doublon de la ligne 2"


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.lists(
            st.lists(
                st.one_of(
                    st.text(max_size=12),
                    st.from_regex(r"-?[0-9 .,]{0,12}", fullmatch=True),
                    st.sampled_from(["E1", "E2", "matricule", "net", '"', "\x00", "é"]),
                ),
                max_size=4,
            ),
            max_size=8,
        ).map(lambda rows: "\n".join([";".join(r) for r in [["matricule", "net"], *rows]])),
    ),
    bom=st.booleans(),
)
def test_fuzz_parser_never_crashes_and_errors_name_line_and_field(data, bom):
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    if bom:
        raw = b"\xef\xbb\xbf" + raw
    try:
        rows = parse_net_pay_file(raw, known_employee_numbers={"E1", "E2"})
    except InvalidPayrollFile as exc:
        assert exc.errors
        for error in exc.errors:
            assert error.line >= 1 and error.field and error.message
    else:
        for row in rows:
            assert row.net_pay_cents >= 0 and row.employee_number in {"E1", "E2"}
