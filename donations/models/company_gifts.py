"""The company's own gifts beyond matching: skills sponsorship, leave days, grants, vote shares.

Matching stays in `Match` (it follows one employee gift). Every other gift the company makes to
an association is one `CompanyGift`, whatever feature produced it, so the mécénat ledger, the
company receipts (Cerfa 16216), the disbursements and the report read one table. A gift is
never edited: a mistake is cancelled (with a reason) and a new gift recorded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import CURRENCY_VALIDATOR


class CompanyGift(models.Model):
    class Kind(models.TextChoices):
        SKILLS_SPONSORSHIP = "skills", _("Skills sponsorship")
        LEAVE_DAY = "leave_day", _("Leave-day donation")
        VOLUNTEER_GRANT = "grant", _("Volunteer grant")
        VOTE_SHARE = "vote", _("Staff vote share")
        CAMPAIGN = "campaign", _("Campaign gift")
        OTHER = "other", _("Other gift")

    class Nature(models.TextChoices):
        CASH = "cash", _("Cash")
        IN_KIND = "in_kind", _("In kind (services)")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Given")
        CANCELLED = "cancelled", _("Cancelled")

    company = models.ForeignKey(
        "portal.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="company_gifts",
    )
    association = models.ForeignKey(
        "missions.AssociationPage",
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    nature = models.CharField(_("nature"), max_length=8, choices=Nature.choices)
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    currency = models.CharField(_("currency"), max_length=3, validators=[CURRENCY_VALIDATOR])
    given_on = models.DateField(_("date of the gift"))
    # The employee whose time, leave day or vote the gift comes from, when there is one.
    employee = models.ForeignKey(
        "portal.EmployeeProfile",
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=250, blank=True)
    # What produced the gift ("leave:42", "grant:7:2026"): recording it twice is a no-op.
    source_reference = models.CharField(_("source"), max_length=120, unique=True)
    # How the amount was computed: the rules and the pay data it used, for the ledger and audit.
    valuation = models.JSONField(_("valuation"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=250, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("company gift")
        verbose_name_plural = _("company gifts")
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["company", "given_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="company_gift_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(status="active") | ~Q(cancelled_reason=""),
                name="company_gift_cancel_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.association_id} · {self.amount_cents}"
