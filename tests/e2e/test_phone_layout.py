"""Layout on a phone and on a desktop: the giving table fits 375 px, titles clear the menu."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from donations.models import PayrollLine, PayrollRun
from tests.e2e.test_giving_journeys import sign_in
from tests.factories import make_employee

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def employee_with_deductions(company_a):
    employee = make_employee(
        company_a, email="eve@alpha.example", first_name="Eve", employee_number="E001"
    )
    for month in (1, 2, 3):
        run = PayrollRun.objects.create(
            company=company_a,
            month=dt.date(2026, month, 1),
            status=PayrollRun.Status.CONFIRMED,
            confirmed_at=timezone.now(),
            currency="EUR",
        )
        PayrollLine.objects.create(
            run=run,
            employee=employee,
            employee_number="E001",
            net_pay_cents=1_234_567,
            deduction_cents=433,
        )
    return employee


def overflow(page) -> int:
    """How many pixels the page is wider than the viewport (0: nothing to scroll sideways)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_giving_table_fits_a_phone(page, employee_with_deductions, axe_check):
    sign_in(page, "eve@alpha.example")
    page.set_viewport_size(PHONE)
    page.goto("/giving/")
    table = page.get_by_role("table")
    assert table.is_visible()
    assert overflow(page) == 0
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # Each amount sits on a line of its own, under its column's name.
    cell = page.locator("td[data-label='Deduction']").first
    assert cell.is_visible() and "4.33" in cell.inner_text()
    assert axe_check(page) == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_page_titles_clear_the_menu(page, employee_with_deductions, viewport):
    sign_in(page, "eve@alpha.example")
    page.set_viewport_size(viewport)
    for path in ("/engagement/", "/giving/"):
        page.goto(path)
        header = page.locator(".site-header").bounding_box()
        title = page.locator("h1").first.bounding_box()
        assert title["y"] - (header["y"] + header["height"]) >= 16, path
        assert overflow(page) == 0, path
