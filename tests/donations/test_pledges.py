"""Pledge rules and lifecycle: deductions, shares, bounds, consent, change and stop."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from donations.exceptions import InvalidPledge
from donations.models import PayrollRun, Pledge
from donations.services.pledges import (
    PledgeTerms,
    change_pledge,
    compute_deduction,
    create_pledge,
    next_open_month,
    split_by_allocations,
    stop_pledge,
)
from tests.donations.conftest import BEFORE_MONTH, MONTH, pledge_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("rule", "net", "fixed", "cap", "expected"),
    [
        ("cents", 234567, None, None, 67),
        ("cents", 234500, None, None, 0),
        ("round_5", 234567, None, None, 433),
        ("round_5", 235000, None, None, 0),
        ("round_10", 234567, None, None, 433),
        ("round_10", 235167, None, None, 833),
        ("round_5", 235167, None, None, 333),
        ("fixed", 234567, 1500, None, 1500),
        ("round_10", 234567, None, 300, 300),
        ("fixed", 1000, 1500, None, 1000),  # never more than the pay itself
        ("cents", 0, None, None, 0),
    ],
)
def test_compute_deduction_applies_rule_cap_and_pay(rule, net, fixed, cap, expected):
    assert (
        compute_deduction(rule=rule, net_pay_cents=net, fixed_amount_cents=fixed, cap_cents=cap)
        == expected
    )


def test_split_by_allocations_sums_exactly_with_largest_remainder():
    parts = split_by_allocations(67, [(1, 33), (2, 33), (3, 34)])
    assert sum(c for _, c in parts) == 67
    assert dict(parts) == {1: 22, 2: 22, 3: 23}


def test_split_drops_zero_parts():
    assert split_by_allocations(1, [(1, 50), (2, 50)]) == [(1, 1)]


def test_create_pledge_records_consent_version_and_date(employee_a, round_up_a):
    pledge = pledge_for(employee_a, round_up_a, split=(60, 40))
    assert pledge.consent_text_version and pledge.consented_at
    assert sorted(a.percent for a in pledge.allocations.all()) == [40, 60]
    assert pledge.start_month == MONTH


def test_pledge_without_consent_is_refused(employee_a, round_up_a):
    terms = PledgeTerms(rule="cents", allocations={round_up_a[0].pk: 100})
    with pytest.raises(InvalidPledge):
        create_pledge(profile=employee_a, terms=terms, consent=False)
    assert not Pledge.objects.exists()


def test_shares_must_sum_to_100(employee_a, round_up_a):
    with pytest.raises(InvalidPledge, match="100"):
        pledge_for(employee_a, round_up_a, split=(60, 30))


def test_association_not_open_to_round_up_is_refused(employee_a, company_a, site_tree):
    from tests.factories import make_association

    closed = make_association()
    with pytest.raises(InvalidPledge):
        pledge_for(employee_a, [closed])


def test_fixed_amount_outside_company_bounds_is_refused(employee_a, round_up_a):
    with pytest.raises(InvalidPledge, match="bounds"):
        pledge_for(employee_a, round_up_a, rule="fixed", fixed=50)
    with pytest.raises(InvalidPledge, match="bounds"):
        pledge_for(employee_a, round_up_a, rule="fixed", fixed=10_001)
    assert (
        pledge_for(employee_a, round_up_a, rule="fixed", fixed=10_000).fixed_amount_cents == 10_000
    )


def test_second_open_pledge_is_refused(employee_a, round_up_a):
    pledge_for(employee_a, round_up_a)
    with pytest.raises(InvalidPledge):
        pledge_for(employee_a, round_up_a)


def test_database_refuses_two_open_pledges(employee_a, round_up_a):
    pledge = pledge_for(employee_a, round_up_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.create(
            employee=employee_a,
            company=employee_a.company,
            rule="cents",
            currency="EUR",
            start_month=MONTH,
            consent_text_version="x",
            consented_at=pledge.consented_at,
        )


def test_database_refuses_fixed_rule_without_amount(employee_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.create(
            employee=employee_a,
            company=employee_a.company,
            rule="fixed",
            currency="EUR",
            start_month=MONTH,
            consent_text_version="x",
            consented_at="2026-01-01T00:00Z",
        )


def test_change_applies_from_first_run_not_exported(employee_a, company_a, round_up_a):
    old = pledge_for(employee_a, round_up_a, start=MONTH)
    PayrollRun.objects.create(company=company_a, month=MONTH, currency="EUR", status="exported")
    new = change_pledge(
        profile=employee_a,
        terms=PledgeTerms(rule="round_10", allocations={round_up_a[1].pk: 100}),
        consent=True,
        today=dt.date(2026, 3, 20),
    )
    old.refresh_from_db()
    assert new.start_month == dt.date(2026, 4, 1)
    assert old.end_month == dt.date(2026, 4, 1)
    assert old.replaced_by == new
    assert old.applies_to(MONTH) and not old.applies_to(new.start_month)


def test_stop_ends_pledge_at_next_open_month(employee_a, round_up_a):
    pledge_for(employee_a, round_up_a, start=MONTH)
    stopped = stop_pledge(profile=employee_a, today=dt.date(2026, 5, 3))
    assert stopped.end_month == dt.date(2026, 5, 1)
    assert stopped.stopped_at is not None


def test_stop_without_pledge_is_refused(employee_a):
    with pytest.raises(InvalidPledge):
        stop_pledge(profile=employee_a, today=BEFORE_MONTH)


def test_the_next_open_month_is_the_companys_month(company_a, clock):
    clock.move_to(dt.datetime(2026, 12, 1, 3, tzinfo=dt.UTC))  # 22:00 on 30 November in New York
    company_a.time_zone = "America/New_York"
    assert next_open_month(company_a) == dt.date(2026, 11, 1)
    company_a.time_zone = "Europe/Paris"
    assert next_open_month(company_a) == dt.date(2026, 12, 1)
