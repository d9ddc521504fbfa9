"""Disbursements: batches of what a company owes each association, then marked paid."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.exceptions import GivingError
from donations.models import Disbursement, DisbursementBatch
from donations.selectors import money_by_association_month
from donations.services.audit import log_action
from portal.csv_export import FRENCH_SPREADSHEET, CsvDialect, csv_text
from portal.models import Company


class NothingToDisburse(GivingError):
    pass


class BatchAlreadyPaid(GivingError):
    pass


@transaction.atomic
def create_disbursement_batch(
    *, company: Company, period_end: dt.date, actor=None
) -> DisbursementBatch:
    """One line per association for what gifts and matches before `period_end` still owe."""
    # The company row serialises batch creation so two officers cannot disburse twice.
    Company.objects.select_for_update().get(pk=company.pk)
    _months, totals = money_by_association_month(company, before=period_end)
    lines = []
    for total in totals:
        # Every batch counts, paid or not: what is already in a batch is not owed again.
        owed = total.owed_cents - total.in_unpaid_batches_cents
        if owed > 0:
            lines.append((total.association_id, owed))
    if not lines:
        raise NothingToDisburse(_("Nothing is owed for this period."))
    batch = DisbursementBatch.objects.create(
        company=company,
        period_end=period_end,
        currency=company.currency,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    Disbursement.objects.bulk_create(
        Disbursement(batch=batch, association_id=aid, amount_cents=cents) for aid, cents in lines
    )
    log_action(
        action="disbursement.created",
        obj=batch,
        actor=actor,
        company=company,
        data={"lines": len(lines), "total_cents": sum(c for _aid, c in lines)},
    )
    return batch


@transaction.atomic
def mark_batch_paid(*, batch: DisbursementBatch, reference: str, actor=None) -> DisbursementBatch:
    batch = DisbursementBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.paid_at:
        raise BatchAlreadyPaid(_("This batch is already marked paid."))
    if not reference.strip():
        raise GivingError(_("A payment reference is needed."))
    batch.reference = reference.strip()[:120]
    batch.paid_at = timezone.now()
    batch.save(update_fields=["reference", "paid_at"])
    log_action(
        action="disbursement.paid",
        obj=batch,
        actor=actor,
        company=batch.company,
        data={"reference": batch.reference},
    )
    return batch


def finance_csv(company: Company, *, dialect: CsvDialect = FRENCH_SPREADSHEET) -> str:
    """Per association and month, then per association: collected, matched, paid and owed."""
    months, totals = money_by_association_month(company)
    rows: list[list] = [
        [
            _("Month"),
            _("Association"),
            _("Collected (cents)"),
            _("Matched (cents)"),
            _("Paid (cents)"),
            _("Owed (cents)"),
            _("Currency"),
        ]
    ]
    rows += [
        [
            f"{row.month:%Y-%m}",
            row.association,
            row.collected_cents,
            row.matched_cents,
            row.paid_cents,
            row.owed_cents,
            company.currency,
        ]
        for row in months
    ]
    rows.append([])
    rows.append(
        [
            _("Association"),
            _("Collected (cents)"),
            _("Matched (cents)"),
            _("Paid (cents)"),
            _("Owed (cents)"),
            _("Currency"),
        ]
    )
    rows += [
        [
            total.association,
            total.collected_cents,
            total.matched_cents,
            total.paid_cents,
            total.owed_cents,
            company.currency,
        ]
        for total in totals
    ]
    return csv_text(rows, dialect)


class DisbursementNotPaid(GivingError):
    pass


@transaction.atomic
def confirm_disbursement_received(
    *, user, association_id: int, disbursement_id: int
) -> Disbursement:
    """An association member confirms that a paid disbursement reached the association.

    Once only (the row is locked; a second confirmation is refused), and audited in the
    paying company's log, which its finance page shows.
    """
    from missions.selectors.association_access import membership

    if membership(user, association_id) is None:
        raise PermissionError("not a member of this association")
    disbursement = (
        Disbursement.objects.select_for_update(of=("self",))
        .select_related("batch__company")
        .filter(pk=disbursement_id, association_id=association_id)
        .first()
    )
    if disbursement is None:
        raise PermissionError("no such disbursement for this association")
    if disbursement.batch.paid_at is None:
        raise DisbursementNotPaid(_("This payment is not marked paid by the company yet."))
    if disbursement.received_at is not None:
        raise BatchAlreadyPaid(_("This payment was already confirmed as received."))
    disbursement.received_at = timezone.now()
    disbursement.received_by = user
    disbursement.save(update_fields=["received_at", "received_by"])
    log_action(
        action="disbursement.received",
        obj=disbursement,
        actor=user,
        company=disbursement.batch.company,
        data={
            "association_id": association_id,
            "amount_cents": disbursement.amount_cents,
            "batch_id": disbursement.batch_id,
        },
    )
    return disbursement
