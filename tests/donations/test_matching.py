"""Matching: ratio, per-employee cap, budget (partial matches), eligibility, reversal, locks."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from donations.models import Match, MatchingPolicy
from donations.services.matching import match_donation, match_donations, reverse_match
from tests.donations.helpers import make_donation
from tests.factories import CauseFactory, make_employee

pytestmark = pytest.mark.django_db


def test_one_to_one_doubles_the_gift(employee_a, associations, policy_a):
    match = match_donation(make_donation(employee_a, associations[0], 1000))
    assert match.amount_cents == 1000 and not match.is_partial


@pytest.mark.parametrize(("num", "den", "expected"), [(2, 1, 2000), (1, 2, 500)])
def test_ratio_is_a_fraction(employee_a, associations, policy_a, num, den, expected):
    policy_a.ratio_numerator, policy_a.ratio_denominator = num, den
    policy_a.save()
    assert match_donation(make_donation(employee_a, associations[0], 1000)).amount_cents == expected


def test_employee_cap_gives_a_partial_match_then_none(employee_a, associations, policy_a):
    policy_a.employee_yearly_cap_cents = 1500
    policy_a.save()
    first = match_donation(make_donation(employee_a, associations[0], 1000))
    second = match_donation(make_donation(employee_a, associations[0], 1000))
    third = match_donation(make_donation(employee_a, associations[0], 1000))
    assert (first.amount_cents, second.amount_cents, second.is_partial) == (1000, 500, True)
    assert third is None


def test_budget_is_shared_by_employees(company_a, associations, policy_a):
    policy_a.yearly_budget_cents = 1200
    policy_a.save()
    e1, e2 = make_employee(company_a), make_employee(company_a)
    matches = match_donations(
        [make_donation(e1, associations[0], 1000), make_donation(e2, associations[0], 1000)]
    )
    assert [m.amount_cents for m in matches] == [1000, 200]
    policy_a.refresh_from_db()
    assert policy_a.spent_cents == 1200


def test_ineligible_source_and_association_are_not_matched(employee_a, associations, policy_a):
    policy_a.match_card = False
    policy_a.save()
    policy_a.associations.set([associations[1]])
    assert (
        match_donation(make_donation(employee_a, associations[1], 100, source="adjustment")) is None
    )
    assert match_donation(make_donation(employee_a, associations[0], 1000)) is None
    assert match_donation(make_donation(employee_a, associations[1], 1000)).amount_cents == 1000


def test_cause_filter(employee_a, associations, policy_a):
    cause = CauseFactory()
    associations[0].causes.set([cause])
    associations[0].save()
    policy_a.causes.set([cause])
    assert match_donation(make_donation(employee_a, associations[1], 1000)) is None
    assert match_donation(make_donation(employee_a, associations[0], 1000)) is not None


def test_donation_outside_the_period_is_not_matched(employee_a, associations, policy_a):
    when = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    assert match_donation(make_donation(employee_a, associations[0], 1000, when=when)) is None


def test_matching_twice_creates_one_match(employee_a, associations, policy_a):
    donation = make_donation(employee_a, associations[0], 1000)
    match_donation(donation)
    assert match_donation(donation) is None
    assert Match.objects.count() == 1


def test_reversal_frees_budget_and_cap(employee_a, associations, policy_a):
    donation = make_donation(employee_a, associations[0], 1000)
    match_donation(donation)
    match = reverse_match(donation=donation)
    assert match.status == Match.Status.REVERSED and match.reversed_at
    policy_a.refresh_from_db()
    assert policy_a.spent_cents == 0
    assert reverse_match(donation=donation).status == Match.Status.REVERSED
    policy_a.refresh_from_db()
    assert policy_a.spent_cents == 0


def test_database_refuses_spending_above_budget(policy_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchingPolicy.objects.filter(pk=policy_a.pk).update(
            spent_cents=policy_a.yearly_budget_cents + 1
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_confirmations_never_exceed_the_budget(company_a, associations, policy_a):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    policy_a.yearly_budget_cents = 5000
    policy_a.save()
    donors = [make_employee(company_a) for _ in range(8)]
    donations = [make_donation(d, associations[0], 1000) for d in donors]
    barrier = threading.Barrier(len(donations))

    def confirm(donation):
        try:
            barrier.wait()
            match_donation(donation)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(d,)) for d in donations]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    policy_a.refresh_from_db()
    total = sum(Match.objects.values_list("amount_cents", flat=True))
    assert total == policy_a.spent_cents == 5000


def test_a_period_shortened_meanwhile_is_read_again_under_the_lock(
    monkeypatch, employee_a, associations, policy_a
):
    # The policy was looked up before an officer ended it on 1 March; the gift is of 31 March.
    stale = MatchingPolicy.objects.get(pk=policy_a.pk)
    MatchingPolicy.objects.filter(pk=policy_a.pk).update(period_end=dt.date(2026, 3, 1))
    monkeypatch.setattr("donations.services.matching.policy_for", lambda donation, **_: stale)
    assert match_donations([make_donation(employee_a, associations[0], 1000)]) == []
    assert not Match.objects.exists()


def test_a_gift_belongs_to_the_policy_of_its_day_in_the_companys_zone(
    company_a, employee_a, associations, policy_a
):
    """New Year's Eve in New York is already 1 January in UTC and in Paris."""
    company_a.time_zone = "America/New_York"
    company_a.save(update_fields=["time_zone"])
    next_year = MatchingPolicy.objects.create(
        company=company_a,
        ratio_numerator=1,
        ratio_denominator=2,
        employee_yearly_cap_cents=50_000,
        yearly_budget_cents=1_000_000,
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2028, 1, 1),
        currency="EUR",
    )
    eve = dt.datetime(2027, 1, 1, 2, tzinfo=dt.UTC)  # 21:00 on 31 December in New York
    match = match_donation(make_donation(employee_a, associations[0], 1_000, when=eve))
    assert match.policy == policy_a and match.amount_cents == 1_000
    morning = dt.datetime(2027, 1, 1, 6, tzinfo=dt.UTC)  # 01:00 on 1 January in New York
    match = match_donation(make_donation(employee_a, associations[0], 1_000, when=morning))
    assert match.policy == next_year and match.amount_cents == 500
