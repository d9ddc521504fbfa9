"""The corrected yearly statement: dated 75 % ceilings (both sides of 14 Oct 2025), the 20 %
income limit, the company's gifts kept apart and the rules named with their references.

Every figure is computed by hand in the comments, from FISCAL.md's rules as seeded.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from donations.models import CompanyGift
from donations.services.company_gifts import record_company_gift
from donations.services.matching import match_donation
from donations.services.statements import EligibleGift, estimate_from_gifts, yearly_statement
from tests.donations.helpers import make_donation

pytestmark = pytest.mark.django_db


def helping(day: str, euros: int) -> EligibleGift:
    return EligibleGift(on=dt.date.fromisoformat(day), cents=euros * 100, helping=True)


def other(day: str, euros: int) -> EligibleGift:
    return EligibleGift(on=dt.date.fromisoformat(day), cents=euros * 100, helping=False)


def estimate(*gifts, income=None):
    year = gifts[0].on.year
    return estimate_from_gifts(list(gifts), year=year, taxable_income_cents=income)


def test_a_gift_on_13_october_2025_has_the_1000_euro_ceiling():
    # 1,500 €: 1,000 € at 75 % (750 €) + 500 € at 66 % (330 €) = 1,080 €.
    result = estimate(helping("2025-10-13", 1_500))
    assert (result.eligible_75_cents, result.eligible_66_cents) == (100_000, 50_000)
    assert result.reduction_cents == 108_000
    [use] = result.ceilings
    assert (use.rule.cents, use.filled_cents) == (100_000, 100_000)


def test_a_gift_on_14_october_2025_has_the_2000_euro_ceiling():
    # 2,500 €: 2,000 € at 75 % (1,500 €) + 500 € at 66 % (330 €) = 1,830 €.
    result = estimate(helping("2025-10-14", 2_500))
    assert (result.eligible_75_cents, result.eligible_66_cents) == (200_000, 50_000)
    assert result.reduction_cents == 183_000
    [use] = result.ceilings
    assert use.rule.cents == 200_000 and not use.rule.is_verified


def test_gifts_either_side_of_14_october_2025_fill_a_running_total():
    # March: 1,200 € under the 1,000 € ceiling -> 1,000 € at 75 %, 200 € at 66 %.
    # November: 1,500 € under the 2,000 € ceiling, 1,000 € already used -> 1,000 € at 75 %,
    # 500 € at 66 %. June: 300 € to another body at 66 %.
    # 75 % of 2,000 € = 1,500 €; 66 % of (200 + 500 + 300) € = 660 €; total 2,160 €.
    result = estimate(
        helping("2025-03-10", 1_200), other("2025-06-01", 300), helping("2025-11-05", 1_500)
    )
    assert result.eligible_75_cents == 200_000
    assert result.eligible_66_cents == 100_000
    assert (result.reduction_75_cents, result.reduction_66_cents) == (150_000, 66_000)
    assert result.reduction_cents == 216_000
    assert [(u.rule.cents, u.filled_cents) for u in result.ceilings] == [
        (100_000, 100_000),
        (200_000, 100_000),
    ]
    assert result.ceiling_changed


def test_a_gift_before_the_change_only_uses_the_room_left_under_the_old_ceiling():
    # Feb 900 € (900 € at 75 %); Oct 1st 300 € (room 100 € under 1,000 €: 100 € at 75 %,
    # 200 € at 66 %); Dec 1,500 € (room 1,000 € under 2,000 €: 1,000 € at 75 %, 500 € at 66 %).
    # 75 % of 2,000 € = 1,500 €; 66 % of 700 € = 462 €; total 1,962 €.
    result = estimate(
        helping("2025-02-01", 900), helping("2025-10-01", 300), helping("2025-12-01", 1_500)
    )
    assert (result.eligible_75_cents, result.eligible_66_cents) == (200_000, 70_000)
    assert result.reduction_cents == 196_200


def test_in_2026_the_ceiling_is_2000_euros_and_the_income_limit_applies_to_66():
    # 2,500 € to a helping body: 2,000 € at 75 % (1,500 €), 500 € to the 66 % base, plus 1,000 €
    # to another body: 1,500 € at 66 %, within 20 % of 5,000 € = 1,000 € -> 660 €, 500 € carried.
    result = estimate(helping("2026-02-01", 2_500), other("2026-03-01", 1_000), income=500_000)
    assert result.eligible_75_cents == 200_000
    assert (result.eligible_66_cents, result.counted_66_cents) == (150_000, 100_000)
    assert result.carried_forward_cents == 50_000
    assert result.reduction_cents == 150_000 + 66_000


@pytest.fixture
def gifts_2025(employee_a, associations, policy_a):
    restos, forets = associations
    when = lambda day: dt.datetime.fromisoformat(f"{day}T12:00:00+00:00")  # noqa: E731
    make_donation(employee_a, restos, 120_000, when=when("2025-03-10"))
    make_donation(employee_a, forets, 30_000, when=when("2025-06-01"))
    late = make_donation(employee_a, restos, 150_000, when=when("2025-11-05"))
    return late


def test_statement_by_association_with_rates_and_company_gifts_apart(
    employee_a, associations, gifts_2025, policy_a
):
    forets = associations[1]
    policy_a.period_start, policy_a.period_end = dt.date(2025, 1, 1), dt.date(2026, 1, 1)
    policy_a.employee_yearly_cap_cents = 1_000_000
    policy_a.save()
    match_donation(gifts_2025)
    record_company_gift(
        company=employee_a.company,
        association=forets,
        kind=CompanyGift.Kind.LEAVE_DAY,
        amount_cents=15_000,
        given_on=dt.date(2025, 12, 1),
        employee=employee_a,
        source_reference="leave:test",
    )
    statement = yearly_statement(profile=employee_a, year=2025)
    by_name = {line.association: line for line in statement.lines}
    assert (by_name["Les Restos"].at_75_cents, by_name["Les Restos"].at_66_cents) == (
        200_000,
        70_000,
    )
    assert (by_name["Forêts Vives"].at_75_cents, by_name["Forêts Vives"].at_66_cents) == (0, 30_000)
    # The company's gifts are shown apart and never enter the employee's base.
    assert by_name["Les Restos"].matched_cents == 150_000
    assert by_name["Forêts Vives"].leave_day_cents == 15_000
    assert statement.given_cents == 300_000
    assert statement.company_cents == 165_000
    assert statement.estimate.reduction_cents == 216_000
    # Both ceilings of 2025 are named, with their references.
    ceilings = statement.rules_of("individual_helping_ceiling")
    assert [r.cents for r in ceilings] == [100_000, 200_000]
    assert "Loi de finances pour 2026" in ceilings[1].reference
    assert statement.carry_forward_rule.count == 5


def test_statement_page_names_the_rules_and_explains_the_income_limit(
    client, employee_a, gifts_2025
):
    client.force_login(employee_a.user)
    with translation.override("en"):
        page = client.get(
            reverse("donations:statement", args=[2025]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert "loi 2025-127 art. 6" in page
    assert "Loi de finances pour 2026" in page
    assert 'data-fiscal-rule="individual_carry_forward_years"' in page
    assert 'data-fiscal-rule="individual_income_limit"' in page
    assert "badge--warning" in page  # the 2,000 € ceiling is unverified
    entered = client.get(
        reverse("donations:statement", args=[2025]), {"taxable_income": "2000"}
    ).content.decode()
    # 20 % of 2,000 € = 400 € counted at 66 %; 1,000 € - 400 € = 600 € carried forward.
    assert "400,00" in entered or "400.00" in entered
    assert "600,00" in entered or "600.00" in entered
