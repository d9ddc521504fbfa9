"""Leave-day donation (loi 2024-344, L3142-131, D3142-82): an employee's offer of rest days.

The employee offers up to N working days a year (a dated fiscal parameter) to an eligible
association; the CSR or payroll officer ("HR") accepts or refuses. On acceptance each day is
valued at the employee's pay for a day on that date, the amount becomes a `CompanyGift` of kind
`leave_day` (so it joins the next disbursement), and the month's payroll export lists the days
to remove from the employee's leave balance.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LeaveDayRequest(models.Model):
    class Kind(models.TextChoices):
        RTT = "rtt", _("RTT (reduced working time day)")
        TIME_SAVINGS = "cet", _("Day on the time-savings account (CET)")
        PAID_LEAVE = "paid_leave", _("Paid leave beyond the 24th working day")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for HR")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    company = models.ForeignKey(
        "portal.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    employee = models.ForeignKey(
        "portal.EmployeeProfile",
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="leave_day_requests",
    )
    association = models.ForeignKey(
        "missions.AssociationPage",
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    days = models.PositiveSmallIntegerField(_("working days"))
    kind = models.CharField(_("kind of days"), max_length=12, choices=Kind.choices)
    # The calendar year the days count against (the year of the request, in the company's zone).
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The day the employer accepted (company's time zone): the day the pay is valued on, and
    # the month of the payroll export that takes the days off the leave balance.
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    refusal_reason = models.CharField(_("reason for refusing"), max_length=250, blank=True)
    day_pay_cents = models.BigIntegerField(_("pay for one day (cents)"), null=True, blank=True)
    amount_cents = models.BigIntegerField(_("amount given (cents)"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    gift = models.OneToOneField(
        "donations.CompanyGift",
        verbose_name=_("company gift"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leave_request",
    )

    class Meta:
        verbose_name = _("leave-day donation")
        verbose_name_plural = _("leave-day donations")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["company", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1), name="leave_request_days_positive"),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="leave_request_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted")
                | Q(amount_cents__gt=0, decided_on__isnull=False, gift__isnull=False),
                name="leave_request_accepted_is_valued",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} · {self.days} · {self.get_kind_display()}"
