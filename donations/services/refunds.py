"""Refunds and disputes of card gifts: each applied once by its provider id, matches pro rata.

A refund gives back part or all of what the card was charged. It is taken from the gift first
and from the fee the donor covered last, so `Donation.refunded_cents` never passes the gift. The
company's match is reversed in proportion to the gift refunded, rounded down, on the running
total (see `matching.pro_rata_reversal_cents`): never more than the match, all of it exactly
when the whole gift is refunded.

A dispute (chargeback) holds the gift and its match out of what is owed to the association while
it is open; lost, it is recorded as a refund of the disputed amount (kind "chargeback"); won, the
hold is lifted and nothing else changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from donations.models import Dispute, Donation, Match, Refund
from donations.payments.types import DisputeState, RefundState
from donations.services import notifications
from donations.services.audit import log_action
from donations.services.matching import pro_rata_reversal_cents, reverse_match_to


def apply_refunds(*, donation: Donation, refunds: Iterable[RefundState], actor=None) -> int:
    """Record every succeeded provider refund not recorded yet; returns the cents newly refunded.

    Runs inside the caller's transaction (or its own): the donation row is locked, so two
    deliveries of the same refund serialise and the second finds it recorded.
    """
    added = 0
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        known = set(donation.refunds.values_list("external_id", flat=True))
        for refund in refunds:
            if refund.status != "succeeded" or refund.amount_cents <= 0:
                continue
            if refund.external_id in known:
                continue
            _record(
                donation=donation,
                external_id=refund.external_id,
                amount_cents=refund.amount_cents,
                kind=Refund.Kind.REFUND,
                actor=actor,
            )
            known.add(refund.external_id)
            added += refund.amount_cents
    return added


def _record(
    *, donation: Donation, external_id: str, amount_cents: int, kind: str, actor=None
) -> Refund:
    """One refund on a locked donation: gift part, status, the match's pro-rata reversal."""
    gift_part = min(amount_cents, donation.amount_cents - donation.refunded_cents)
    now = timezone.now()
    donation.refunded_cents += gift_part
    fields = ["refunded_cents"]
    if donation.refunded_cents == donation.amount_cents and donation.status != "refunded":
        donation.status = Donation.Status.REFUNDED
        donation.refunded_at = now
        fields += ["status", "refunded_at"]
    donation.save(update_fields=fields)
    match = Match.objects.filter(donation=donation).only("amount_cents").first()
    reversed_delta = 0
    if match is not None:
        target = pro_rata_reversal_cents(
            match_cents=match.amount_cents,
            gift_cents=donation.amount_cents,
            refunded_cents=donation.refunded_cents,
        )
        reversed_delta = reverse_match_to(donation=donation, reversed_cents=target, when=now)
    refund = Refund.objects.create(
        donation=donation,
        company_id=donation.company_id,
        kind=kind,
        external_id=external_id,
        amount_cents=amount_cents,
        gift_cents=gift_part,
        match_reversed_cents=reversed_delta,
    )
    log_action(
        action="donation.refunded" if donation.status == "refunded" else "donation.partly_refunded",
        obj=donation,
        actor=actor,
        company=donation.company,
        data={
            "refund": external_id,
            "kind": kind,
            "amount_cents": amount_cents,
            "gift_cents": gift_part,
            "refunded_cents": donation.refunded_cents,
            "match_reversed_cents": reversed_delta,
        },
    )
    return refund


def apply_dispute(*, state: DisputeState, event_type: str = "") -> str:
    """Bring our record of a chargeback to what the provider says now; safe to repeat.

    Returns what happened: "unknown" (not one of our payments), "opened", "won", "lost",
    "funds_withdrawn", "funds_reinstated", "unchanged" or "mismatch".
    """
    donation = (
        Donation.objects.filter(external_reference=state.payment_id, source=Donation.Source.CARD)
        .only("pk")
        .first()
        if state.payment_id
        else None
    )
    if donation is None:
        return "unknown"
    with transaction.atomic():
        donation = Donation.objects.select_for_update().get(pk=donation.pk)
        if state.currency != donation.currency:
            log_action(
                action="dispute.mismatch",
                obj=donation,
                company=donation.company,
                data={"dispute": state.external_id, "currency": state.currency},
            )
            return "mismatch"
        dispute = Dispute.objects.filter(external_id=state.external_id).first()
        outcome = "unchanged"
        if dispute is None:
            dispute = Dispute.objects.create(
                donation=donation,
                company_id=donation.company_id,
                external_id=state.external_id,
                amount_cents=state.amount_cents,
                currency=state.currency,
                reason=state.reason,
                provider_status=state.status,
            )
            _audit(dispute, "dispute.opened")
            outcome = "opened"
            notifications.enqueue(kind="dispute_opened", object_id=dispute.pk)
        withdrawn = {
            "charge.dispute.funds_withdrawn": True,
            "charge.dispute.funds_reinstated": False,
        }.get(event_type)
        if withdrawn is not None and dispute.funds_withdrawn != withdrawn:
            dispute.funds_withdrawn = withdrawn
            dispute.save(update_fields=["funds_withdrawn"])
            _audit(dispute, "dispute.funds_withdrawn" if withdrawn else "dispute.funds_reinstated")
            if outcome == "unchanged":
                outcome = "funds_withdrawn" if withdrawn else "funds_reinstated"
        if dispute.provider_status != state.status:
            dispute.provider_status = state.status
            dispute.save(update_fields=["provider_status"])
            _audit(dispute, "dispute.updated")
        closed_as = state.closed_as
        if dispute.status == Dispute.Status.OPEN and closed_as is not None:
            dispute.status = closed_as
            dispute.closed_at = timezone.now()
            dispute.save(update_fields=["status", "closed_at"])
            if closed_as == Dispute.Status.LOST:
                _record(
                    donation=donation,
                    external_id=dispute.external_id,
                    amount_cents=dispute.amount_cents,
                    kind=Refund.Kind.CHARGEBACK,
                )
            _audit(dispute, f"dispute.{closed_as}")
            outcome = closed_as
            notifications.enqueue(kind="dispute_closed", object_id=dispute.pk)
    return outcome


def _audit(dispute: Dispute, action: str) -> None:
    log_action(
        action=action,
        obj=dispute,
        company=dispute.company,
        data={
            "donation": dispute.donation_id,
            "amount_cents": dispute.amount_cents,
            "provider_status": dispute.provider_status,
        },
    )
