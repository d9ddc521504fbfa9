"""Small builders for giving tests."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from donations.models import Donation, MatchingPolicy

WHEN = dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC)


def make_donation(donor, association, amount_cents, *, source="payroll", when=WHEN, **fields):
    return Donation.objects.create(
        donor=donor,
        company=donor.company,
        association=association,
        amount_cents=amount_cents,
        currency=donor.company.currency,
        source=source,
        occurred_at=when,
        external_reference=f"test:{uuid.uuid4().hex}",
        **fields,
    )


def this_year_policy(company) -> MatchingPolicy:
    """1:1 matching over the current calendar year, generous enough never to run out in a test."""
    year = timezone.localdate().year
    return MatchingPolicy.objects.create(
        company=company,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year + 1, 1, 1),
        employee_yearly_cap_cents=100_000,
        yearly_budget_cents=1_000_000,
        currency=company.currency,
    )


def confirm_form(run, **fields) -> dict:
    """What the confirmation page posts: the figures it stated, and the officer's answer."""
    from donations.services.payroll import confirmation_of

    return {"figures": confirmation_of(run).figures, **fields}
