"""Reads of refunds and disputes: what the money trail shows beside the owed amounts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce

from donations.models import Dispute, Donation, Match
from donations.selectors.giving import open_dispute
from portal.models import Company


@dataclass(frozen=True)
class AssociationRefunds:
    """Per association: gifts before refunds, what was refunded, what a dispute holds back."""

    association_id: int
    association: str
    given_cents: int
    refunded_cents: int
    held_gift_cents: int
    held_match_cents: int


def refunds_by_association(company: Company) -> list[AssociationRefunds]:
    """Associations with a refunded or disputed gift ("refunded 10 € of 100 €", "held 90 €")."""
    touched = Donation.objects.filter(company=company).filter(
        Q(refunded_cents__gt=0) | Q(disputes__status=Dispute.Status.OPEN)
    )
    ids = set(touched.values_list("association_id", flat=True))
    if not ids:
        return []
    donations = Donation.objects.filter(company=company, association_id__in=ids)
    rows = (
        donations.annotate(disputed=open_dispute())
        .values("association_id", "association__title")
        .annotate(
            given=Sum("amount_cents"),
            refunded=Sum("refunded_cents"),
            held=Coalesce(Sum(F("amount_cents") - F("refunded_cents"), filter=Q(disputed=True)), 0),
        )
        .order_by("association__title")
    )
    held_matches = dict(
        Match.objects.filter(company=company, association_id__in=ids, status="active")
        .annotate(disputed=open_dispute("donation_id"))
        .filter(disputed=True)
        .values_list("association_id")
        .annotate(t=Sum(F("amount_cents") - F("reversed_cents")))
    )
    return [
        AssociationRefunds(
            r["association_id"],
            r["association__title"],
            r["given"],
            r["refunded"],
            r["held"],
            held_matches.get(r["association_id"], 0),
        )
        for r in rows
    ]
