"""The dated fiscal parameters and the pay valuation built on them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portal.fiscal import FiscalKey, FiscalParameter, MissingFiscalRule, rule, rules_between
from portal.models import EmployeePay, PayGrade
from portal.people.pay import day_pay_cents, monthly_cost, skills_valuation_cents
from tests.factories import CompanyFactory, make_employee

pytestmark = pytest.mark.django_db


def test_the_75_ceiling_follows_the_gift_date_either_side_of_14_october_2025():
    before = rule(FiscalKey.INDIVIDUAL_HELPING_CEILING, dt.date(2025, 10, 13))
    after = rule(FiscalKey.INDIVIDUAL_HELPING_CEILING, dt.date(2025, 10, 14))
    assert (before.cents, after.cents) == (100_000, 200_000)
    assert "2025-127" in before.reference
    assert after.is_verified is False


def test_a_year_that_saw_a_change_names_both_values():
    both = rules_between(
        FiscalKey.INDIVIDUAL_HELPING_CEILING, dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    )
    assert [r.cents for r in both] == [100_000, 200_000]
    only_new = rules_between(
        FiscalKey.INDIVIDUAL_HELPING_CEILING, dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    )
    assert [r.cents for r in only_new] == [200_000]


def test_a_day_before_any_value_raises():
    with pytest.raises(MissingFiscalRule):
        rule(FiscalKey.PSS_MONTHLY, dt.date(2001, 1, 1))


def test_rates_apply_half_up_to_the_cent():
    rate = rule(FiscalKey.INDIVIDUAL_RATE, dt.date(2026, 5, 1))
    assert rate.apply_rate(1_001) == 661  # 660.66 -> 661
    assert rate.apply_rate(75) == 50  # 49.5 -> 50


def test_a_percentage_above_100_or_a_fractional_amount_is_refused():
    with pytest.raises(ValidationError):
        FiscalParameter(
            key=FiscalKey.COMPANY_RATE, valid_from=dt.date(2030, 1, 1), value=Decimal(120)
        ).full_clean()
    with pytest.raises(ValidationError):
        FiscalParameter(
            key=FiscalKey.PSS_MONTHLY,
            valid_from=dt.date(2030, 1, 1),
            value=Decimal("1.5"),
            reference="x",
        ).full_clean()


def test_salary_above_three_pss_is_capped_and_contributions_follow():
    company = CompanyFactory()
    person = make_employee(company)
    EmployeePay.objects.create(
        profile=person,
        valid_from=dt.date(2026, 1, 1),
        monthly_gross_cents=1_500_000,
        monthly_employer_contributions_cents=600_000,
        source=EmployeePay.Source.UPLOAD,
    )
    cost = monthly_cost(person, dt.date(2026, 3, 2))
    # 3 x 4,005 EUR = 12,015 EUR retained of 15,000; contributions 6,000 x 12,015 / 15,000.
    assert cost.retained_gross_cents == 1_201_500
    assert cost.retained_contributions_cents == 480_600
    assert cost.is_capped
    # 7 hours of a 151.67-hour month.
    assert skills_valuation_cents(person, hours=Decimal(7), on=dt.date(2026, 3, 2)) == round(
        (1_201_500 + 480_600) * 7 / Decimal("151.67")
    )
    # A 2025 day uses the 2025 PSS (3,925 EUR).
    assert monthly_cost(person, dt.date(2025, 12, 31)) is None  # no pay data yet in 2025


def test_a_grade_values_contributions_at_its_rate_and_a_day_at_a_21_67th_of_the_month():
    company = CompanyFactory()
    person = make_employee(company)
    grade = PayGrade.objects.create(
        company=company,
        name="Cadre",
        monthly_gross_cents=433_400,
        employer_contributions_percent=45,
    )
    EmployeePay.objects.create(
        profile=person, valid_from=dt.date(2026, 1, 1), grade=grade, source="grade"
    )
    cost = monthly_cost(person, dt.date(2026, 6, 1))
    assert (cost.gross_cents, cost.contributions_cents, cost.is_capped) == (433_400, 195_030, False)
    assert day_pay_cents(person, dt.date(2026, 6, 1)) == 20_000  # 4,334 / 21.67 = 200.00


def test_without_pay_data_the_company_flat_rate_still_values_hours():
    company = CompanyFactory(hourly_valuation_cents=6_500)
    person = make_employee(company)
    assert skills_valuation_cents(person, hours=Decimal("7.5"), on=dt.date(2026, 6, 1)) == 48_750
    assert day_pay_cents(person, dt.date(2026, 6, 1)) is None
