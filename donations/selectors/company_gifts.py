"""Reads of the company's own gifts (`CompanyGift`) for other apps: totals over a period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Sum

from donations.models import CompanyGift
from portal.models import Company

# Skills sponsorship gifts: the report values the hours itself, so it leaves these out.
SKILLS_GIFT_KIND = CompanyGift.Kind.SKILLS_SPONSORSHIP.value


def company_gifts_total_cents(
    *, company: Company, start: dt.date, end: dt.date, exclude_kinds: Iterable[str] = ()
) -> int:
    """Active company gifts given in [start, end) (grants, votes, leave days…), in cents."""
    total = (
        CompanyGift.objects.filter(
            company=company,
            status=CompanyGift.Status.ACTIVE,
            given_on__gte=start,
            given_on__lt=end,
        )
        .exclude(kind__in=list(exclude_kinds))
        .aggregate(total=Sum("amount_cents"))["total"]
    )
    return total or 0
