"""Recording and cancelling the company's own gifts (see `donations.models.company_gifts`)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.exceptions import GivingError
from donations.models import CompanyGift
from donations.services.audit import log_action
from portal.models import Company


@transaction.atomic
def record_company_gift(
    *,
    company: Company,
    association,
    kind: str,
    amount_cents: int,
    given_on: dt.date,
    source_reference: str,
    nature: str | None = None,
    employee=None,
    description: str = "",
    valuation: dict | None = None,
    actor=None,
) -> CompanyGift:
    """Record one gift; the same `source_reference` twice returns the first (retries are safe)."""
    if amount_cents <= 0:
        raise GivingError(_("A gift is a positive amount."))
    existing = CompanyGift.objects.filter(source_reference=source_reference).first()
    if existing is not None:
        return existing
    if nature is None:
        in_kind = kind == CompanyGift.Kind.SKILLS_SPONSORSHIP
        nature = CompanyGift.Nature.IN_KIND if in_kind else CompanyGift.Nature.CASH
    try:
        with transaction.atomic():
            gift = CompanyGift.objects.create(
                company=company,
                association=association,
                kind=kind,
                nature=nature,
                amount_cents=amount_cents,
                currency=company.currency,
                given_on=given_on,
                employee=employee,
                description=description[:250],
                source_reference=source_reference,
                valuation=valuation or {},
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:
        # A concurrent retry won the race on the unique source reference.
        return CompanyGift.objects.get(source_reference=source_reference)
    log_action(
        action="company_gift.recorded",
        obj=gift,
        actor=actor,
        company=company,
        data={"kind": kind, "amount_cents": amount_cents, "association": association.pk},
    )
    return gift


@transaction.atomic
def cancel_company_gift(*, gift: CompanyGift, reason: str, actor=None) -> CompanyGift:
    """Cancel a gift (never edit it); cancelling twice is a no-op."""
    gift = CompanyGift.objects.select_for_update().get(pk=gift.pk)
    if gift.status == CompanyGift.Status.CANCELLED:
        return gift
    if not reason.strip():
        raise GivingError(_("Say why the gift is cancelled."))
    gift.status = CompanyGift.Status.CANCELLED
    gift.cancelled_reason = reason.strip()[:250]
    gift.cancelled_at = timezone.now()
    gift.save(update_fields=["status", "cancelled_reason", "cancelled_at"])
    log_action(
        action="company_gift.cancelled",
        obj=gift,
        actor=actor,
        company=gift.company,
        data={"reason": gift.cancelled_reason},
    )
    return gift
