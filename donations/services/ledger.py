"""Writes of the mécénat ledger: the turnover and tax due a company enters per fiscal year."""

from __future__ import annotations

from django.db import transaction

from donations.models import CompanyFiscalYear
from donations.services.audit import log_action
from portal.models import Company


@transaction.atomic
def set_fiscal_year_figures(
    *,
    company: Company,
    year: int,
    turnover_cents: int | None,
    tax_due_cents: int | None,
    actor=None,
) -> CompanyFiscalYear:
    """Record (or correct) the year's turnover and tax due; the audit log keeps the old values."""
    row, _created = CompanyFiscalYear.objects.select_for_update().get_or_create(
        company=company, year=year
    )
    before = {"turnover_cents": row.turnover_cents, "tax_due_cents": row.tax_due_cents}
    row.turnover_cents = turnover_cents
    row.tax_due_cents = tax_due_cents
    row.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    row.save()
    log_action(
        action="ledger.figures_set",
        obj=row,
        actor=actor,
        company=company,
        data={
            "year": year,
            "before": before,
            "turnover_cents": turnover_cents,
            "tax_due_cents": tax_due_cents,
        },
    )
    return row
