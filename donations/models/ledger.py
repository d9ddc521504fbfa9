"""What the company enters for its mécénat ledger: turnover and tax due per fiscal year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CompanyFiscalYear(models.Model):
    """One fiscal year's turnover (for the cap) and tax due (for the reduction's carry-forward).

    Both are entered by a CSR officer or an executive; blank means "not entered yet", and the
    ledger says what it assumed instead (the fixed cap; the whole reduction used).
    """

    company = models.ForeignKey(
        "portal.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="fiscal_years",
    )
    year = models.PositiveSmallIntegerField(
        _("fiscal year"), help_text=_("Named after the calendar year it starts in.")
    )
    turnover_cents = models.BigIntegerField(
        _("turnover excluding tax (cents)"), null=True, blank=True
    )
    tax_due_cents = models.BigIntegerField(
        _("corporate tax due before the reduction (cents)"), null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("company fiscal year")
        verbose_name_plural = _("company fiscal years")
        ordering = ["company", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["company", "year"], name="company_fiscal_year_once"),
            models.CheckConstraint(
                condition=Q(turnover_cents__isnull=True) | Q(turnover_cents__gte=0),
                name="company_fiscal_year_turnover_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(tax_due_cents__isnull=True) | Q(tax_due_cents__gte=0),
                name="company_fiscal_year_tax_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.year}"
