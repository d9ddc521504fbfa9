"""The company's own gifts: recorded once, cancelled never edited, owed to the association."""

import datetime as dt

import pytest

from donations.exceptions import GivingError
from donations.models import AuditEntry, CompanyGift
from donations.selectors import money_by_association_month
from donations.services.company_gifts import cancel_company_gift, record_company_gift
from tests.factories import CompanyFactory, make_association, make_employee

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_tree")]


def _gift(company, association, **fields):
    values = {
        "company": company,
        "association": association,
        "kind": CompanyGift.Kind.LEAVE_DAY,
        "amount_cents": 18_000,
        "given_on": dt.date(2026, 3, 10),
        "source_reference": "leave:1",
    }
    values.update(fields)
    return record_company_gift(**values)


def test_recording_twice_with_the_same_source_returns_the_first_gift():
    company, association = CompanyFactory(), make_association()
    first = _gift(company, association)
    again = _gift(company, association, amount_cents=99_999)
    assert again.pk == first.pk and again.amount_cents == 18_000
    assert CompanyGift.objects.count() == 1
    assert AuditEntry.objects.filter(action="company_gift.recorded").count() == 1


def test_skills_sponsorship_is_in_kind_and_the_rest_cash_by_default():
    company, association = CompanyFactory(), make_association()
    skills = _gift(company, association, kind="skills", source_reference="skills:1")
    leave = _gift(company, association)
    assert (skills.nature, leave.nature) == ("in_kind", "cash")


def test_a_zero_gift_is_refused_and_cancelling_needs_a_reason():
    company, association = CompanyFactory(), make_association()
    with pytest.raises(GivingError):
        _gift(company, association, amount_cents=0)
    gift = _gift(company, association)
    with pytest.raises(GivingError):
        cancel_company_gift(gift=gift, reason="  ")
    cancelled = cancel_company_gift(gift=gift, reason="Wrong association")
    assert cancelled.status == "cancelled" and cancelled.cancelled_reason == "Wrong association"


def test_cash_gifts_are_owed_to_the_association_and_in_kind_or_cancelled_ones_are_not():
    company, association = CompanyFactory(), make_association()
    person = make_employee(company)
    _gift(company, association, employee=person)
    _gift(company, association, kind="skills", source_reference="skills:1", amount_cents=50_000)
    cancelled = _gift(company, association, source_reference="leave:2", amount_cents=7_000)
    cancel_company_gift(gift=cancelled, reason="Refused by HR")
    months, totals = money_by_association_month(company)
    (total,) = totals
    assert (total.company_gifts_cents, total.owed_cents) == (18_000, 18_000)
    assert months[0].month == dt.date(2026, 3, 1)
    _months, before = money_by_association_month(company, before=dt.date(2026, 3, 10))
    assert before == []
