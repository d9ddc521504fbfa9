"""Round-up pledges and monthly payroll runs (net pay imported, deductions exported).

Every amount is an integer number of cents plus an ISO currency; every invariant that a
database can hold is a constraint here, the others (allocations summing to 100) are checked
by the services and by `manage.py reconcile`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.models import CURRENCY_VALIDATOR
from portal.storage import private_storage

# The text an employee agrees to; a new wording gets a new version so consents stay provable.
CONSENT_TEXT_VERSION = "2026-01"


class GivingSettings(models.Model):
    """A company's bounds for fixed monthly pledges (default 1 to 100 a month)."""

    company = models.OneToOneField(
        "portal.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="giving_settings",
    )
    fixed_min_cents = models.BigIntegerField(_("minimum fixed amount (cents)"), default=100)
    fixed_max_cents = models.BigIntegerField(_("maximum fixed amount (cents)"), default=10000)
    # The officer's choice when a net-pay file has two candidate columns for one field
    # (e.g. "Salaire net" and "Net à payer"): {"net_pay": "netapayer"} (normalised headers).
    payroll_columns = models.JSONField(_("net-pay file columns"), default=dict, blank=True)

    class Meta:
        verbose_name = _("giving settings")
        verbose_name_plural = _("giving settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(fixed_min_cents__gt=0, fixed_max_cents__gte=F("fixed_min_cents")),
                name="giving_settings_bounds_valid",
            )
        ]

    def __str__(self) -> str:
        return str(self.company)


class RoundUpAssociation(models.Model):
    """An association a company opens to its employees' payroll round-up."""

    company = models.ForeignKey(
        "portal.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="round_up_associations",
    )
    association = models.ForeignKey(
        "missions.AssociationPage",
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("round-up association")
        verbose_name_plural = _("round-up associations")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "association"], name="round_up_association_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.association}"


class Pledge(models.Model):
    """An employee's monthly payroll round-up; a change ends this row and starts a new one."""

    class Rule(models.TextChoices):
        CENTS = "cents", _("The cents of my net pay")
        ROUND_5 = "round_5", _("Round up to the next 5")
        ROUND_10 = "round_10", _("Round up to the next 10")
        FIXED = "fixed", _("A fixed amount")

    employee = models.ForeignKey(
        "portal.EmployeeProfile",
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="pledges",
    )
    company = models.ForeignKey(
        "portal.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    rule = models.CharField(_("rule"), max_length=10, choices=Rule.choices)
    fixed_amount_cents = models.BigIntegerField(_("fixed amount (cents)"), null=True, blank=True)
    monthly_cap_cents = models.BigIntegerField(_("monthly cap (cents)"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, validators=[CURRENCY_VALIDATOR])
    start_month = models.DateField(_("first month"))
    # Exclusive: the first month this pledge no longer applies to (null: open-ended).
    end_month = models.DateField(_("ends before month"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    replaced_by = models.OneToOneField(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )
    consent_text_version = models.CharField(_("consent text version"), max_length=20)
    consented_at = models.DateTimeField(_("consented at"))
    created_at = models.DateTimeField(auto_now_add=True)
    # A draft payroll run computed before this instant is stale (see PayrollRun.pledges_read_at);
    # services that save with update_fields name it too.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-start_month", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(rule="fixed", fixed_amount_cents__isnull=False, fixed_amount_cents__gt=0)
                )
                | (~Q(rule="fixed") & Q(fixed_amount_cents__isnull=True)),
                name="pledge_fixed_amount_iff_fixed_rule",
            ),
            models.CheckConstraint(
                condition=Q(rule__in=["cents", "round_5", "round_10", "fixed"]),
                name="pledge_rule_known",
            ),
            models.CheckConstraint(
                condition=Q(monthly_cap_cents__isnull=True) | Q(monthly_cap_cents__gt=0),
                name="pledge_cap_positive",
            ),
            models.CheckConstraint(
                condition=Q(end_month__isnull=True) | Q(end_month__gte=F("start_month")),
                name="pledge_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(consent_text_version=""), name="pledge_consent_recorded"
            ),
            # One open-ended pledge per employee: a change closes the old one first.
            models.UniqueConstraint(
                fields=["employee"],
                condition=Q(end_month__isnull=True),
                name="pledge_one_open_per_employee",
            ),
        ]
        indexes = [models.Index(fields=["company", "start_month"])]

    def __str__(self) -> str:
        return f"{self.employee} · {self.get_rule_display()}"

    def applies_to(self, month: dt.date) -> bool:
        return self.start_month <= month and (self.end_month is None or month < self.end_month)


class PledgeAllocation(models.Model):
    """The share of a pledge going to one association (a pledge's shares sum to 100)."""

    pledge = models.ForeignKey(
        Pledge, verbose_name=_("pledge"), on_delete=models.CASCADE, related_name="allocations"
    )
    association = models.ForeignKey(
        "missions.AssociationPage",
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    percent = models.PositiveSmallIntegerField(_("percent"))

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["-percent", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "association"], name="allocation_once_per_association"
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=1, percent__lte=100), name="allocation_percent_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.percent} % · {self.association}"


class PayrollRun(models.Model):
    """A company's round-up for one month: net pay in, deductions out, then confirmed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COMPUTING = "computing", _("Computing")
        PREVIEWED = "previewed", _("Previewed")
        EXPORTED = "exported", _("Exported")
        CONFIRMED = "confirmed", _("Confirmed")

    company = models.ForeignKey(
        "portal.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="payroll_runs",
    )
    month = models.DateField(_("month"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[CURRENCY_VALIDATOR])
    source_filename = models.CharField(_("net-pay file"), max_length=255, blank=True)
    excluded_lines = models.JSONField(_("excluded file lines"), default=list, blank=True)
    # Every error of the last refused file, as CSV (the page shows only the first ones).
    error_report = models.FileField(
        _("errors of the last refused file"),
        upload_to="payroll/errors/",
        storage=private_storage,
        blank=True,
    )
    # A large net-pay file waits here while the task parses it; what the task refused, for the
    # page: {"total": n, "per_field": [[label, n]], "first": [[line, field, message]]}.
    pending_file = models.FileField(
        _("net-pay file being read"),
        upload_to="payroll/uploads/",
        storage=private_storage,
        blank=True,
    )
    refused_file = models.JSONField(_("last refused file"), default=dict, blank=True)
    diff = models.JSONField(_("difference with the previous run"), default=dict, blank=True)
    total_net_pay_cents = models.BigIntegerField(_("total net pay (cents)"), default=0)
    total_deduction_cents = models.BigIntegerField(_("total deductions (cents)"), default=0)
    # When the pledges behind the preview were read: a pledge of the month saved after it makes
    # the preview stale (selectors.payroll.stale_pledges), to recompute before export or confirm.
    pledges_read_at = models.DateTimeField(_("pledges read at"), null=True, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # The employees' notes of a confirmed run go out in chunks of lines; a retried task resumes
    # after the last line already sent instead of writing to everyone again.
    notified_through_line = models.BigIntegerField(default=0, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), null=True, blank=True)
    exported_at = models.DateTimeField(_("exported at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payroll run")
        verbose_name_plural = _("payroll runs")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["company", "month"], name="payroll_run_one_per_month"),
            models.CheckConstraint(
                condition=Q(
                    status__in=["draft", "computing", "previewed", "exported", "confirmed"]
                ),
                name="payroll_run_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="payroll_run_confirmed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(total_deduction_cents__gte=0, total_net_pay_cents__gte=0),
                name="payroll_run_totals_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.month:%Y-%m}"

    @property
    def is_locked(self) -> bool:
        """Exported or confirmed runs no longer take a new file."""
        return self.status in {self.Status.EXPORTED, self.Status.CONFIRMED}


class PayrollLine(models.Model):
    """One employee's net pay in a run and the deduction computed from their pledge."""

    # No index of its own: payroll_line_once (run, employee) serves every lookup by run.
    run = models.ForeignKey(
        PayrollRun,
        verbose_name=_("payroll run"),
        on_delete=models.CASCADE,
        related_name="lines",
        db_index=False,
    )
    employee = models.ForeignKey(
        "portal.EmployeeProfile",
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    employee_number = models.CharField(_("employee number"), max_length=40)
    net_pay_cents = models.BigIntegerField(_("net pay (cents)"))
    deduction_cents = models.BigIntegerField(_("deduction (cents)"), default=0)
    pledge = models.ForeignKey(
        Pledge,
        verbose_name=_("pledge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payroll_lines",
    )

    class Meta:
        verbose_name = _("payroll line")
        verbose_name_plural = _("payroll lines")
        ordering = ["employee_number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "employee"], name="payroll_line_once"),
            models.CheckConstraint(
                condition=Q(net_pay_cents__gte=0, deduction_cents__gte=0),
                name="payroll_line_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(deduction_cents__lte=F("net_pay_cents")),
                name="payroll_line_deduction_within_pay",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_number}: {self.deduction_cents}"
