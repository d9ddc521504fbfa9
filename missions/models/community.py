"""What employees bring themselves: hours done on their own, associations they propose."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Hours of one declaration: a quarter of an hour at least, a (long) day at most.
MIN_SELF_REPORTED_HOURS = Decimal("0.25")
MAX_SELF_REPORTED_HOURS = Decimal(16)


class SelfReportedHours(models.Model):
    """Hours an employee did on their own with an association, to be approved before they count."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    employee = models.ForeignKey(
        "portal.EmployeeProfile",
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="self_reported_hours",
    )
    association = models.ForeignKey(
        "missions.AssociationPage",
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    description = models.CharField(_("what you did"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # A CSR officer or a member of the association: both are users, association people have no
    # employee profile.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    refusal_reason = models.CharField(_("reason for refusing"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("self-reported hours")
        verbose_name_plural = _("self-reported hours")
        ordering = ["-done_on", "-id"]
        indexes = [
            models.Index(fields=["association", "status"]),
            models.Index(fields=["employee", "done_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=MIN_SELF_REPORTED_HOURS, hours__lte=MAX_SELF_REPORTED_HOURS),
                name="self_reported_hours_bounds",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="self_reported_hours_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} · {self.association_id} · {self.done_on} · {self.hours}"


class AssociationProposal(models.Model):
    """An association an employee would like in the catalogue, until a CSR officer decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        ACCEPTED = "accepted", _("Added to the catalogue")
        DECLINED = "declined", _("Declined")

    company = models.ForeignKey(
        "portal.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="association_proposals",
    )
    proposed_by = models.ForeignKey(
        "portal.EmployeeProfile",
        verbose_name=_("proposed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="association_proposals",
    )
    name = models.CharField(_("name"), max_length=200)
    identifier_kind = models.CharField(
        _("identifier kind"),
        max_length=5,
        choices=[("rna", _("RNA (associations register)")), ("siren", _("SIREN"))],
    )
    identifier = models.CharField(_("identifier"), max_length=20)
    website = models.URLField(_("website"), blank=True)
    reason = models.TextField(_("why this association"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
    # The catalogue page the proposal became (a new draft, or the association already there).
    association = models.ForeignKey(
        "missions.AssociationPage",
        verbose_name=_("association"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("association proposal")
        verbose_name_plural = _("association proposals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="association_proposal_decline_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name
