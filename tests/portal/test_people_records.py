"""portal.people.records.apply_person: the one write for SSO, SCIM and HR file people."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError

from portal.models import EmployeeProfile
from portal.people.records import PersonRecord, apply_person
from portal.people.signals import person_left, person_returned
from tests.factories import CompanyFactory, make_employee

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return CompanyFactory(domains=["acme.example"])


def test_creates_a_verified_person_with_manager(company):
    boss = apply_person(
        company, PersonRecord(email="Boss@acme.example", employee_number="B1"), source="test"
    )
    applied = apply_person(
        company,
        PersonRecord(
            email="ann@acme.example",
            first_name="Ann",
            last_name="Lee",
            employee_number="E1",
            department="Sales",
            site="Lyon",
            hire_date=datetime.date(2024, 1, 2),
            manager_employee_number="B1",
        ),
        source="test",
    )
    profile = applied.profile
    assert applied.created and boss.created
    assert boss.profile.user.email == "boss@acme.example"
    assert profile.manager == boss.profile
    assert profile.user.get_full_name() == "Ann Lee"
    assert not profile.user.has_usable_password()
    assert EmailAddress.objects.get(user=profile.user).verified


def test_update_reports_changes_and_finds_person_by_number(company):
    apply_person(company, PersonRecord(email="ann@acme.example", employee_number="E1"), source="t")
    applied = apply_person(
        company,
        PersonRecord(email="ann.lee@acme.example", employee_number="E1", site="Nantes"),
        source="t",
    )
    assert not applied.created
    assert applied.changes["email"] == ("ann@acme.example", "ann.lee@acme.example")
    assert applied.changes["site"] == ("", "Nantes")
    assert EmployeeProfile.objects.filter(company=company).count() == 1
    assert EmailAddress.objects.get(user=applied.profile.user, primary=True).email == (
        "ann.lee@acme.example"
    )


def test_refuses_an_email_of_another_domain_and_writes_nothing(company):
    other = CompanyFactory(domains=["other.example"])
    make_employee(other, email="bob@other.example")
    with pytest.raises(ValidationError) as error:
        apply_person(company, PersonRecord(email="bob@other.example"), source="t")
    assert "email" in error.value.message_dict
    assert not EmployeeProfile.objects.filter(company=company).exists()


def test_unknown_manager_and_own_manager_are_refused(company):
    with pytest.raises(ValidationError) as error:
        apply_person(
            company,
            PersonRecord(email="a@acme.example", employee_number="E1", manager_employee_number="X"),
            source="t",
        )
    assert "manager_employee_number" in error.value.message_dict
    with pytest.raises(ValidationError):
        apply_person(
            company,
            PersonRecord(
                email="a@acme.example", employee_number="E1", manager_employee_number="E1"
            ),
            source="t",
        )


def test_leave_and_return_are_announced(company):
    heard = []

    def on_left(sender, profile, leave_date, source, **kwargs):
        heard.append(("left", leave_date, source))

    def on_returned(sender, profile, source, **kwargs):
        heard.append(("returned", source))

    person_left.connect(on_left)
    person_returned.connect(on_returned)
    try:
        record = PersonRecord(email="a@acme.example", leave_date=datetime.date(2026, 12, 31))
        apply_person(company, record, source="hr_file")
        apply_person(company, record, source="hr_file")  # unchanged: not announced twice
        apply_person(
            company, PersonRecord(email="a@acme.example", clear_leave_date=True), source="scim"
        )
    finally:
        person_left.disconnect(on_left)
        person_returned.disconnect(on_returned)
    assert heard == [("left", datetime.date(2026, 12, 31), "hr_file"), ("returned", "scim")]


def test_leave_before_hire_is_refused(company):
    with pytest.raises(ValidationError) as error:
        apply_person(
            company,
            PersonRecord(
                email="a@acme.example",
                hire_date=datetime.date(2026, 5, 1),
                leave_date=datetime.date(2026, 4, 1),
            ),
            source="t",
        )
    assert "leave_date" in error.value.message_dict
