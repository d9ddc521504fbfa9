"""Money given back on a card gift: partial or full refunds, and chargebacks (disputes)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from donations.models.gifts import Donation
from portal.models import CURRENCY_VALIDATOR


class Refund(models.Model):
    """One refund of a card payment (or one lost dispute), applied once by its provider id.

    `amount_cents` is what the provider gave back (the gift and any fee the donor covered);
    `gift_cents` is the part of it taken from the gift (the gift first, the covered fee last);
    `match_reversed_cents` is what this refund took back from the company's match.
    """

    class Kind(models.TextChoices):
        REFUND = "refund", _("Refund")
        CHARGEBACK = "chargeback", _("Lost dispute")

    donation = models.ForeignKey(
        Donation, verbose_name=_("donation"), on_delete=models.PROTECT, related_name="refunds"
    )
    company = models.ForeignKey(
        "portal.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REFUND)
    external_id = models.CharField(_("provider reference"), max_length=120, unique=True)
    amount_cents = models.BigIntegerField(_("amount refunded (cents)"))
    gift_cents = models.BigIntegerField(_("taken from the gift (cents)"))
    match_reversed_cents = models.BigIntegerField(_("match reversed (cents)"), default=0)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0, gift_cents__gte=0, match_reversed_cents__gte=0)
                & Q(gift_cents__lte=models.F("amount_cents")),
                name="refund_amounts_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["refund", "chargeback"]), name="refund_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_id}: {self.amount_cents}"


class Dispute(models.Model):
    """A chargeback: while open the gift and its match are held out of what is owed."""

    class Status(models.TextChoices):
        OPEN = "open", _("Disputed")
        WON = "won", _("Dispute won")
        LOST = "lost", _("Dispute lost")

    donation = models.ForeignKey(
        Donation, verbose_name=_("donation"), on_delete=models.PROTECT, related_name="disputes"
    )
    company = models.ForeignKey(
        "portal.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    external_id = models.CharField(_("provider reference"), max_length=120, unique=True)
    amount_cents = models.BigIntegerField(_("amount disputed (cents)"))
    currency = models.CharField(_("currency"), max_length=3, validators=[CURRENCY_VALIDATOR])
    reason = models.CharField(_("reason"), max_length=80, blank=True)
    provider_status = models.CharField(_("provider status"), max_length=40, blank=True)
    funds_withdrawn = models.BooleanField(_("funds withdrawn"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="dispute_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status__in=["won", "lost"], closed_at__isnull=False),
                name="dispute_closed_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} ({self.status})"
