"""Small builders for giving tests."""

from __future__ import annotations

import datetime as dt
import uuid

from donations.models import Donation

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
