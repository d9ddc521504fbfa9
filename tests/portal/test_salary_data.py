"""Salary data: pay grades, assignments and the salary file, for CSR and payroll officers only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from portal.models import EmployeePay, PayGrade, SalaryUpload
from portal.people.salaries import InvalidSalaryFile, apply_salary_file, parse_euros
from tests.factories import make_employee

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def payroll_a(company_a):
    return make_employee(company_a, is_payroll_officer=True)


@pytest.fixture
def people(company_a):
    return {
        "alice": make_employee(company_a, email="alice@a.example", employee_number="A-1"),
        "bob": make_employee(company_a, email="bob@a.example", employee_number="A-2"),
    }


LATIN_1_FILE = (
    "Matricule;Brut;Charges patronales;Date d'effet\nA-1;3000;1350;01/01/2026 é\n".encode("latin-1")
)


def _file(text: str) -> bytes:
    return text.encode("utf-8")


def test_a_french_salary_file_writes_each_person_s_pay_and_records_who_uploaded_it(
    company_a, payroll_a, people
):
    data = _file(
        "Matricule;E-mail;Salaire brut mensuel;Charges patronales mensuelles;Date d'effet\n"
        "A-1;;3 250,00;1 462,50;01/01/2026\n"
        ";BOB@a.example;4000;1800,5;2026-03-01\n"
    )
    upload = apply_salary_file(company=company_a, user=payroll_a.user, name="paie.csv", data=data)
    assert (upload.lines, upload.created, upload.replaced) == (2, 2, 0)
    assert upload.uploaded_by == payroll_a.user and len(upload.sha256) == 64
    alice = EmployeePay.objects.get(profile=people["alice"])
    assert (alice.monthly_gross_cents, alice.monthly_employer_contributions_cents) == (
        325_000,
        146_250,
    )
    assert (alice.source, alice.upload, alice.created_by) == ("upload", upload, payroll_a.user)
    bob = EmployeePay.objects.get(profile=people["bob"])
    assert (
        bob.valid_from == dt.date(2026, 3, 1)
        and bob.monthly_employer_contributions_cents == 180_050
    )
    again = apply_salary_file(company=company_a, user=payroll_a.user, name="paie.csv", data=data)
    assert (again.created, again.replaced) == (0, 2)


def test_a_file_with_one_bad_line_writes_nothing_and_names_each_line_and_field(
    company_a, company_b, payroll_a, people
):
    outsider = make_employee(company_b, employee_number="B-1")
    data = _file(
        "employee_number,monthly gross,employer contributions,valid from\n"
        "A-1,3000,1350,01/01/2026\n"
        "A-2,abc,1350,01/01/2026\n"
        f"{outsider.employee_number},3000,1350,01/01/2026\n"
        "A-1,3100,1400,2026-01-01\n"
        "A-2,3000,,31/02/2026\n"
    )
    with pytest.raises(InvalidSalaryFile) as caught:
        apply_salary_file(company=company_a, user=payroll_a.user, name="pay.csv", data=data)
    found = [(e.line, e.field) for e in caught.value.errors]
    assert found == [
        (3, "monthly_gross"),
        (4, "employee_number"),  # a person of another company is nobody here
        (5, "valid_from"),  # the same person and date twice
        (6, "monthly_contributions"),
        (6, "valid_from"),
    ]
    assert "nothing was written" in caught.value.message
    assert not EmployeePay.objects.exists() and not SalaryUpload.objects.exists()


def test_a_file_without_the_needed_columns_or_in_latin_1_is_refused_as_a_whole(
    company_a, payroll_a
):
    with pytest.raises(InvalidSalaryFile, match="lacks the column"):
        apply_salary_file(
            company=company_a, user=payroll_a.user, name="x.csv", data=b"Matricule;Brut\nA-1;3000\n"
        )
    with pytest.raises(InvalidSalaryFile, match="UTF-8"):
        apply_salary_file(
            company=company_a,
            user=payroll_a.user,
            name="x.csv",
            data=LATIN_1_FILE,
        )


@pytest.mark.parametrize(
    ("text", "cents"), [("3 250,00", 325_000), ("3.250,5", 325_050), ("12", 1_200), ("0", 0)]
)
def test_amounts_are_read_in_french_or_english_notation(text, cents):
    assert parse_euros(text) == cents


def test_officers_create_and_edit_grades_and_assign_people(client, company_a, csr_a, people):
    client.force_login(csr_a.user)
    response = client.post(
        reverse("pay_grade_create"),
        {"name": "Cadre", "monthly_gross": "4000", "employer_contributions_percent": "45"},
    )
    assert response.status_code == 302
    grade = PayGrade.objects.get(company=company_a)
    assert grade.monthly_gross_cents == 400_000
    duplicate = client.post(
        reverse("pay_grade_create"),
        {"name": "Cadre", "monthly_gross": "1", "employer_contributions_percent": "45"},
    )
    assert duplicate.status_code == 400 and "name" in duplicate.context["grade_form"].errors
    edit = client.post(
        reverse("pay_grade_edit", args=[grade.pk]),
        {"name": "Cadre", "monthly_gross": "4200", "employer_contributions_percent": "42"},
    )
    assert edit.status_code == 302
    grade.refresh_from_db()
    assert (grade.monthly_gross_cents, grade.employer_contributions_percent) == (
        420_000,
        Decimal(42),
    )
    assigned = client.post(
        reverse("pay_assign"),
        {"person": "alice@a.example", "grade": grade.pk, "valid_from": "2026-01-01"},
    )
    assert assigned.status_code == 302
    row = EmployeePay.objects.get(profile=people["alice"])
    assert (row.grade, row.source, row.created_by) == (grade, "grade", csr_a.user)
    unknown = client.post(
        reverse("pay_assign"), {"person": "nobody", "grade": grade.pk, "valid_from": "2026-01-01"}
    )
    assert unknown.status_code == 400
    page = client.get(reverse("pay_data"))
    assert page.status_code == 200 and b"Cadre" in page.content


def test_the_upload_page_shows_line_errors_and_writes_nothing(client, payroll_a, people):
    client.force_login(payroll_a.user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile(
        "pay.csv", b"Matricule;Brut;Charges patronales;Date d'effet\nA-1;x;1;01/01/2026\n"
    )
    response = client.post(reverse("salary_upload"), {"file": bad})
    assert response.status_code == 400
    assert b"<td>2</td>" in response.content  # the line of the error
    assert not EmployeePay.objects.exists()
    good = SimpleUploadedFile(
        "pay.csv", b"Matricule;Brut;Charges patronales;Date d'effet\nA-1;3000;1350;01/01/2026\n"
    )
    assert client.post(reverse("salary_upload"), {"file": good}).status_code == 302
    assert SalaryUpload.objects.get().uploaded_by == payroll_a.user


def test_managers_employees_and_executives_never_see_salary_data(client, company_a, people):
    manager = make_employee(company_a)
    people["alice"].manager = manager
    people["alice"].save()
    executive = make_employee(company_a, is_executive=True)
    for profile in (manager, people["alice"], executive):
        client.force_login(profile.user)
        for url in (reverse("pay_data"), reverse("pay_assign"), reverse("salary_upload")):
            assert client.get(url).status_code in (404, 405)
        assert client.post(reverse("pay_assign"), {}).status_code == 404


def test_another_company_s_grade_is_a_404_and_cannot_be_assigned(
    client, company_a, company_b, csr_a, people
):
    theirs = PayGrade.objects.create(company=company_b, name="Theirs", monthly_gross_cents=1)
    client.force_login(csr_a.user)
    assert client.get(reverse("pay_grade_edit", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("pay_assign"),
        {"person": "alice@a.example", "grade": theirs.pk, "valid_from": "2026-01-01"},
    )
    assert response.status_code == 400
    assert not EmployeePay.objects.exists()
