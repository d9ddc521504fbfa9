"""The money trail: what is disbursed to each association, and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import CURRENCY_VALIDATOR


class DisbursementBatch(models.Model):
    """Money paid (or to pay) by a company to associations, marked paid with a reference."""

    company = models.ForeignKey(
        "portal.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="disbursement_batches",
    )
    period_end = models.DateField(_("covers gifts before"))
    currency = models.CharField(_("currency"), max_length=3, validators=[CURRENCY_VALIDATOR])
    reference = models.CharField(_("payment reference"), max_length=120, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("disbursement batch")
        verbose_name_plural = _("disbursement batches")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(paid_at__isnull=True) | ~Q(reference=""),
                name="disbursement_paid_has_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.period_end}"


class Disbursement(models.Model):
    """One association's share of a batch."""

    batch = models.ForeignKey(
        DisbursementBatch,
        verbose_name=_("batch"),
        on_delete=models.CASCADE,
        related_name="disbursements",
    )
    association = models.ForeignKey(
        "missions.AssociationPage",
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    # The association's confirmation, from its workspace, that the money arrived.
    received_at = models.DateTimeField(_("receipt confirmed at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("receipt confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "association"], name="disbursement_once_per_batch"
            ),
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="disbursement_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.association}: {self.amount_cents}"


class AuditEntry(models.Model):
    """Who did what to the money, append-only (as pretix's log_action)."""

    company = models.ForeignKey(
        "portal.Company", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=60)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"
