"""What the impact figures count, as giving's own selectors: gifts, matches, pledges in force."""

from __future__ import annotations

import datetime as dt

import pytest

from donations.models import Donation, Pledge
from donations.selectors.giving import (
    CARD_GIFTS,
    PAYROLL_GIFTS,
    active_matches_of_gifts,
    counted_gifts,
    pledges_in_force,
)
from donations.services.matching import match_donation, reverse_match
from tests.donations.conftest import MONTH, pledge_for
from tests.donations.helpers import card_donation, make_donation

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
END = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)


def test_counted_gifts_are_the_companys_succeeded_gifts_in_the_period(
    company_a, employee_a, employee_b, associations
):
    restos = associations[0]
    kept = make_donation(employee_a, restos, 1_000, when=START)
    make_donation(employee_a, restos, 2_000, when=END)  # the end is exclusive
    make_donation(
        employee_a,
        restos,
        3_000,
        when=START,
        status=Donation.Status.REFUNDED,
        refunded_at=START,
        refunded_cents=3_000,
    )
    make_donation(employee_b, restos, 4_000, when=START)  # another company
    assert list(counted_gifts(company=company_a, start=START, end=END)) == [kept]


def test_payroll_gifts_include_adjustments_and_card_gifts_are_apart(employee_a, associations):
    restos = associations[0]
    payroll = make_donation(employee_a, restos, 1_000, source="payroll")
    adjustment = make_donation(employee_a, restos, -200, source="adjustment")
    card = card_donation(employee_a, restos, 500)
    gifts = Donation.objects.all()
    assert set(gifts.filter(PAYROLL_GIFTS)) == {payroll, adjustment}
    assert list(gifts.filter(CARD_GIFTS)) == [card]


def test_reversed_matches_are_not_counted(company_a, employee_a, associations, policy_a):
    restos = associations[0]
    kept = match_donation(make_donation(employee_a, restos, 1_000, when=START))
    refunded = make_donation(employee_a, restos, 500, when=START)
    match_donation(refunded)
    reverse_match(donation=refunded)
    gifts = counted_gifts(company=company_a, start=START, end=END)
    assert list(active_matches_of_gifts(gifts=gifts)) == [kept]


def test_pledges_in_force_overlap_the_period_by_at_least_one_month(
    company_a, employee_a, round_up_a
):
    pledge = pledge_for(employee_a, round_up_a)  # from March 2026, open-ended
    assert list(pledges_in_force(company=company_a, start=MONTH, end=dt.date(2026, 4, 1))) == [
        pledge
    ]
    assert not pledges_in_force(company=company_a, start=dt.date(2026, 1, 1), end=MONTH).exists()
    Pledge.objects.filter(pk=pledge.pk).update(end_month=dt.date(2026, 5, 1))
    assert not pledges_in_force(
        company=company_a, start=dt.date(2026, 5, 1), end=dt.date(2026, 6, 1)
    ).exists()
    assert pledges_in_force(
        company=company_a, start=dt.date(2026, 4, 1), end=dt.date(2026, 6, 1)
    ).exists()
