"""The mécénat ledger, checked against hand-computed cases of CGI art. 238 bis (FISCAL.md)."""

import datetime as dt

import pytest
from django.db import connection

from donations.models import CompanyGift, Donation, Match, MatchingPolicy
from donations.selectors.ledger import company_ledger, ledger_history
from donations.services.company_gifts import cancel_company_gift, record_company_gift
from donations.services.ledger import set_fiscal_year_figures
from tests.factories import CompanyFactory, make_association, make_employee

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_tree")]

EURO = 100


@pytest.fixture
def company():
    return CompanyFactory(fiscal_year_start_month=1)


@pytest.fixture
def association():
    return make_association(helps_people_in_difficulty=False)


@pytest.fixture
def helping():
    return make_association(helps_people_in_difficulty=True)


def _gift(company, association, euros, on, kind="grant", **fields):
    n = CompanyGift.objects.count() + 1
    return record_company_gift(
        company=company,
        association=association,
        kind=kind,
        amount_cents=euros * EURO,
        given_on=on,
        source_reference=f"test:{n}",
        **fields,
    )


def _figures(company, year, turnover=None, tax_due=None):
    set_fiscal_year_figures(
        company=company,
        year=year,
        turnover_cents=None if turnover is None else turnover * EURO,
        tax_due_cents=None if tax_due is None else tax_due * EURO,
    )


def _match(company, association, euros, at, reversed_euros=0):
    donor = make_employee(company)
    n = Donation.objects.count() + 1
    donation = Donation.objects.create(
        donor=donor,
        company=company,
        association=association,
        amount_cents=euros * EURO,
        currency="EUR",
        source="adjustment",  # no card payment or payroll line needed
        occurred_at=at,
        external_reference=f"test-donation-{n}",
    )
    policy = MatchingPolicy.objects.filter(company=company).first() or (
        MatchingPolicy.objects.create(
            company=company,
            ratio_numerator=1,
            ratio_denominator=1,
            employee_yearly_cap_cents=10**9,
            yearly_budget_cents=10**11,
            period_start=dt.date(2020, 1, 1),
            period_end=dt.date(2030, 1, 1),
            currency="EUR",
        )
    )
    return Match.objects.create(
        donation=donation,
        policy=policy,
        company=company,
        employee=donor,
        association=association,
        amount_cents=euros * EURO,
        currency="EUR",
        reversed_cents=reversed_euros * EURO,
    )


def test_below_the_cap_every_gift_is_retained_at_60_percent(company, association):
    _gift(company, association, 12_000, dt.date(2026, 3, 1))
    ledger = company_ledger(company, 2026)
    p = ledger.position
    # No turnover: the cap is the fixed 20,000 €.
    assert p.cap_cents == 20_000 * EURO and not p.cap_from_turnover
    assert p.retained_cents == 12_000 * EURO and p.excess_cents == 0
    assert p.reduction_cents == 7_200 * EURO
    assert [r.key for r in ledger.rules][:3] == [
        "company_rate",
        "company_rate_above_threshold",
        "company_rate_threshold",
    ]
    assert all(r.reference for r in ledger.rules)


def test_the_cap_binds_and_the_excess_is_used_over_two_later_years_first_in_first_out(
    company, association
):
    # Turnover 10 M€: cap = max(20,000, 5 ‰ x 10,000,000 = 50,000) = 50,000 €.
    for year in (2024, 2025, 2026):
        _figures(company, year, turnover=10_000_000)
    _gift(company, association, 80_000, dt.date(2024, 6, 1))  # 30,000 € above the cap
    _gift(company, association, 35_000, dt.date(2025, 6, 1))  # room 15,000 €
    _gift(company, association, 30_000, dt.date(2026, 6, 1))  # room 20,000 €, 15,000 € left
    y2024, y2025, y2026 = ledger_history(company, 2026)
    assert (y2024.cap_cents, y2024.retained_cents, y2024.excess_cents) == (
        50_000 * EURO,
        50_000 * EURO,
        30_000 * EURO,
    )
    assert y2024.reduction_cents == 30_000 * EURO
    assert y2025.excess_used_cents == 15_000 * EURO
    assert [(i.from_year, i.cents) for i in y2025.excess_used] == [(2024, 15_000 * EURO)]
    assert y2025.reduction_cents == 30_000 * EURO  # 60 % x (35,000 + 15,000)
    assert y2025.excess_balance_cents == 15_000 * EURO
    assert y2026.excess_used_cents == 15_000 * EURO
    assert y2026.base_cents == 45_000 * EURO
    assert y2026.reduction_cents == 27_000 * EURO
    assert y2026.excess_balance_cents == 0


def test_a_year_s_own_gifts_go_before_carried_excess_and_the_oldest_excess_first(
    company, association
):
    _gift(company, association, 25_000, dt.date(2023, 2, 1))  # excess 5,000 (2023)
    _gift(company, association, 23_000, dt.date(2024, 2, 1))  # excess 3,000 (2024)
    _gift(company, association, 14_000, dt.date(2025, 2, 1))  # room 6,000
    *_, y2025 = ledger_history(company, 2025)
    assert [(i.from_year, i.cents) for i in y2025.excess_used] == [
        (2023, 5_000 * EURO),
        (2024, 1_000 * EURO),
    ]
    assert [(i.from_year, i.cents) for i in y2025.excess_balance] == [(2024, 2_000 * EURO)]


def test_excess_unused_after_five_years_is_lost(company, association):
    _gift(company, association, 30_000, dt.date(2020, 5, 1))  # excess 10,000 €
    for year in range(2021, 2026):
        _gift(company, association, 20_000, dt.date(year, 5, 1))  # no room left
    history = ledger_history(company, 2026)
    by_year = {p.year: p for p in history}
    assert by_year[2024].excess_balance_cents == 10_000 * EURO
    assert by_year[2025].excess_expired_cents == 10_000 * EURO
    assert by_year[2025].excess_balance_cents == 0
    assert by_year[2026].excess_used_cents == 0


def test_a_company_crossing_2_million_pays_40_percent_above(company, association):
    # Turnover 1,000 M€: cap 5 M€; gifts 3 M€ = 2 M€ at 60 % + 1 M€ at 40 %.
    _figures(company, 2026, turnover=1_000_000_000)
    _gift(company, association, 3_000_000, dt.date(2026, 9, 1))
    p = company_ledger(company, 2026).position
    assert p.cap_cents == 5_000_000 * EURO
    assert p.base_full_rate_cents == 2_000_000 * EURO
    assert p.base_reduced_rate_cents == 1_000_000 * EURO
    assert p.reduction_cents == (1_200_000 + 400_000) * EURO


def test_gifts_to_a_body_helping_people_in_difficulty_stay_at_60_percent_above_2_million(
    company, association, helping
):
    _figures(company, 2026, turnover=1_000_000_000)
    _gift(company, helping, 2_500_000, dt.date(2026, 4, 1))
    _gift(company, association, 500_000, dt.date(2026, 4, 2))
    p = company_ledger(company, 2026).position
    assert p.helping_cents == 2_500_000 * EURO
    # Helping: 60 % of 2.5 M€ (outside the threshold); the rest: 60 % of 0.5 M€.
    assert p.reduction_helping_cents == 1_500_000 * EURO
    assert p.reduction_full_rate_cents == 300_000 * EURO
    assert p.reduction_reduced_rate_cents == 0
    assert p.reduction_cents == 1_800_000 * EURO


def test_a_reduction_above_the_tax_due_carries_forward_and_is_used_first(company, association):
    _figures(company, 2024, tax_due=10_000)
    _figures(company, 2025, tax_due=40_000)
    _gift(company, association, 20_000, dt.date(2024, 3, 1))  # reduction 12,000
    _gift(company, association, 20_000, dt.date(2025, 3, 1))  # reduction 12,000
    y2024, y2025 = ledger_history(company, 2025)
    assert y2024.reduction_used_cents == 10_000 * EURO
    assert y2024.reduction_balance_cents == 2_000 * EURO
    # 2025: the 2,000 € carried first, then all of the year's 12,000 € (tax 40,000 €).
    assert [(i.from_year, i.cents) for i in y2025.reduction_carry_used] == [(2024, 2_000 * EURO)]
    assert y2025.reduction_of_year_used_cents == 12_000 * EURO
    assert y2025.reduction_balance_cents == 0


def test_without_a_tax_due_the_reduction_is_assumed_used(company, association):
    _gift(company, association, 10_000, dt.date(2026, 3, 1))
    p = company_ledger(company, 2026).position
    assert p.tax_due_cents is None and p.reduction_used_cents == p.reduction_cents == 6_000 * EURO


def test_matching_counts_what_is_kept_on_the_gift_s_local_date_and_cancelled_gifts_do_not(
    company, association
):
    # 23:30 UTC on 31 Dec 2025 is 00:30 on 1 Jan 2026 in Paris: a gift of fiscal year 2026.
    _match(company, association, 300, dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC))
    _match(company, association, 200, dt.datetime(2026, 5, 1, 10, tzinfo=dt.UTC), reversed_euros=50)
    cancelled = _gift(company, association, 999, dt.date(2026, 5, 2))
    cancel_company_gift(gift=cancelled, reason="Wrong association")
    _gift(company, association, 1_000, dt.date(2026, 5, 3), kind="skills")
    ledger = company_ledger(company, 2026)
    assert ledger.position.gifts_cents == (300 + 150 + 1_000) * EURO
    kinds = {k.kind: (k.cash_cents, k.in_kind_cents, k.count) for k in ledger.by_kind}
    assert kinds == {"matching": (450 * EURO, 0, 2), "skills": (0, 1_000 * EURO, 1)}
    assert company_ledger(company, 2025).position.gifts_cents == 0


def test_beneficiaries_are_listed_with_amounts_and_dates(company, association, helping):
    _gift(company, association, 8_000, dt.date(2026, 2, 1))
    _gift(company, association, 3_000, dt.date(2026, 7, 1), kind="skills")
    _gift(company, helping, 500, dt.date(2026, 3, 1))
    ledger = company_ledger(company, 2026)
    assert ledger.beneficiaries_required  # 11,500 € > 10,000 €
    first, second = ledger.beneficiaries
    assert (first.association_id, first.cash_cents, first.in_kind_cents, first.count) == (
        association.pk,
        8_000 * EURO,
        3_000 * EURO,
        2,
    )
    assert (first.first_on, first.last_on) == (dt.date(2026, 2, 1), dt.date(2026, 7, 1))
    assert second.helps_people_in_difficulty and second.total_cents == 500 * EURO


def test_a_fiscal_year_starting_in_april_takes_april_to_march(association):
    company = CompanyFactory(fiscal_year_start_month=4)
    _gift(company, association, 1_000, dt.date(2026, 3, 31))
    _gift(company, association, 2_000, dt.date(2026, 4, 1))
    assert company_ledger(company, 2025).position.gifts_cents == 1_000 * EURO
    p = company_ledger(company, 2026).position
    assert (p.start, p.end, p.gifts_cents) == (
        dt.date(2026, 4, 1),
        dt.date(2027, 3, 31),
        2_000 * EURO,
    )


def test_the_ledger_total_matches_an_independent_sql_query(company, association, helping):
    other = CompanyFactory()
    _gift(other, association, 7_777, dt.date(2026, 5, 1))
    _match(company, association, 120, dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC))
    _match(company, helping, 80, dt.datetime(2026, 8, 1, 12, tzinfo=dt.UTC), reversed_euros=30)
    _gift(company, association, 4_321, dt.date(2026, 6, 30))
    _gift(company, helping, 1_234, dt.date(2026, 12, 31), kind="leave_day")
    _gift(company, association, 99, dt.date(2027, 1, 1))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT
              (SELECT COALESCE(SUM(m.amount_cents - m.reversed_cents), 0)
                 FROM donations_match m JOIN donations_donation d ON d.id = m.donation_id
                WHERE m.company_id = %s AND m.status = 'active'
                  AND d.occurred_at >= %s AND d.occurred_at < %s)
            + (SELECT COALESCE(SUM(g.amount_cents), 0) FROM donations_companygift g
                WHERE g.company_id = %s AND g.status = 'active'
                  AND g.given_on >= %s AND g.given_on <= %s)
            """,
            [
                company.pk,
                dt.datetime(2025, 12, 31, 23, tzinfo=dt.UTC),  # 1 Jan 2026, 00:00 in Paris
                dt.datetime(2026, 12, 31, 23, tzinfo=dt.UTC),
                company.pk,
                dt.date(2026, 1, 1),
                dt.date(2026, 12, 31),
            ],
        )
        (expected,) = cursor.fetchone()
    ledger = company_ledger(company, 2026)
    assert ledger.position.gifts_cents == expected == (120 + 50 + 4_321 + 1_234) * EURO
    assert sum(b.total_cents for b in ledger.beneficiaries) == expected
    assert ledger.cash_cents + ledger.in_kind_cents == expected


def test_the_ledger_reads_a_fixed_number_of_queries_whatever_the_gifts(
    company, association, django_assert_max_num_queries
):
    for i in range(30):
        _gift(company, association, 100 + i, dt.date(2026, 1 + i % 12, 1))
        _match(company, association, 10, dt.datetime(2026, 1 + i % 12, 3, tzinfo=dt.UTC))
    with django_assert_max_num_queries(20):
        company_ledger(company, 2026)


def test_gifts_of_years_before_the_rules_table_do_not_stop_later_ledgers(company, association):
    _gift(company, association, 500, dt.date(2018, 5, 1))  # no 40 % rule before 2020
    _gift(company, association, 1_000, dt.date(2026, 5, 1))
    assert company_ledger(company, 2026).position.gifts_cents == 1_000 * EURO
