"""Giving fixtures: associations open to round-up, a matching policy, pledges, payroll files."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from donations.models import MatchingPolicy
from donations.services.pledges import PledgeTerms, create_pledge, set_round_up_associations
from tests.factories import make_association, make_employee, payroll_number_for

MONTH = dt.date(2026, 3, 1)
BEFORE_MONTH = dt.date(2026, 2, 15)


@pytest.fixture(autouse=True)
def _english_domain_messages():
    """Service messages are translated; tests that read them read the English source."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Refused files' error lists and large uploads are stored: never in the checkout."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def associations(site_tree):
    return [
        make_association(
            title="Les Restos", helps_people_in_difficulty=True, tax_receipt_eligible=True
        ),
        make_association(title="Forêts Vives", tax_receipt_eligible=True),
    ]


@pytest.fixture
def round_up_a(company_a, associations):
    set_round_up_associations(company=company_a, association_ids=[a.pk for a in associations])
    return associations


@pytest.fixture
def round_up_b(company_b, associations):
    set_round_up_associations(company=company_b, association_ids=[a.pk for a in associations])
    return associations


@pytest.fixture
def policy_a(company_a):
    return MatchingPolicy.objects.create(
        company=company_a,
        ratio_numerator=1,
        ratio_denominator=1,
        employee_yearly_cap_cents=50_000,
        yearly_budget_cents=1_000_000,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2027, 1, 1),
        currency="EUR",
    )


def pledge_for(
    profile, associations, *, rule="cents", split=(100,), fixed=None, cap=None, start=MONTH
):
    terms = PledgeTerms(
        rule=rule,
        allocations={a.pk: pct for a, pct in zip(associations, split, strict=False)},
        fixed_amount_cents=fixed,
        monthly_cap_cents=cap,
        start_month=start,
    )
    with payroll_number_for(profile):
        return create_pledge(profile=profile, terms=terms, consent=True, today=BEFORE_MONTH)


@pytest.fixture
def payroll_people(company_a, round_up_a):
    """Three employees of A with payroll numbers; two pledge."""
    e1 = make_employee(company_a, employee_number="E001", first_name="Eve")
    e2 = make_employee(company_a, employee_number="E002", first_name="Paul")
    e3 = make_employee(company_a, employee_number="E003", first_name="Zoé")
    pledge_for(e1, round_up_a, rule="cents", split=(50, 50))
    pledge_for(e2, round_up_a, rule="round_5")
    return e1, e2, e3


NET_PAY_FILE = "\ufeffmatricule;net_a_payer\nE001;2 345,67\nE002;1 999,10\nE003;3 000,00\n".encode()
