"""Giving: round-up pledges, payroll runs, donations, matching, card payments and the money trail.

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
    diff = models.JSONField(_("difference with the previous run"), default=dict, blank=True)
    total_net_pay_cents = models.BigIntegerField(_("total net pay (cents)"), default=0)
    total_deduction_cents = models.BigIntegerField(_("total deductions (cents)"), default=0)
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

    run = models.ForeignKey(
        PayrollRun, verbose_name=_("payroll run"), on_delete=models.CASCADE, related_name="lines"
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


class Donation(models.Model):
    """Money given to an association; its external reference makes each one unique."""

    class Source(models.TextChoices):
        PAYROLL = "payroll", _("Payroll round-up")
        CARD = "card", _("Card")
        ADJUSTMENT = "adjustment", _("Payroll adjustment")

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", _("Succeeded")
        REFUNDED = "refunded", _("Refunded")

    donor = models.ForeignKey(
        "portal.EmployeeProfile",
        verbose_name=_("donor"),
        on_delete=models.PROTECT,
        related_name="donations",
    )
    company = models.ForeignKey(
        "portal.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    association = models.ForeignKey(
        "missions.AssociationPage",
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    currency = models.CharField(_("currency"), max_length=3, validators=[CURRENCY_VALIDATOR])
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUCCEEDED
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    external_reference = models.CharField(_("external reference"), max_length=120, unique=True)
    payroll_line = models.ForeignKey(
        PayrollLine,
        verbose_name=_("payroll line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
    )
    payment = models.ForeignKey(
        "PaymentAttempt",
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
    )
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            # Adjustments correct a confirmed run and may be negative; real gifts never are.
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0) | Q(source="adjustment", amount_cents__lt=0),
                name="donation_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(source__in=["payroll", "card", "adjustment"]),
                name="donation_source_known",
            ),
            models.CheckConstraint(
                condition=Q(status="succeeded") | Q(status="refunded", refunded_at__isnull=False),
                name="donation_refund_dated",
            ),
            models.CheckConstraint(
                condition=~Q(source="card") | Q(payment__isnull=False),
                name="donation_card_has_payment",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "occurred_at"]),
            models.Index(fields=["donor", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.donor} → {self.association}: {self.amount_cents}"


class MatchingPolicy(models.Model):
    """A company's matching rules for one period; its row is the budget lock."""

    company = models.ForeignKey(
        "portal.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="matching_policies",
    )
    ratio_numerator = models.PositiveIntegerField(_("ratio numerator"), default=1)
    ratio_denominator = models.PositiveIntegerField(_("ratio denominator"), default=1)
    employee_yearly_cap_cents = models.BigIntegerField(_("per-employee cap (cents)"))
    yearly_budget_cents = models.BigIntegerField(_("budget (cents)"))
    # Maintained under select_for_update of this row, and bounded by the budget in the database.
    spent_cents = models.BigIntegerField(_("matched so far (cents)"), default=0, editable=False)
    match_payroll = models.BooleanField(_("matches payroll round-up"), default=True)
    match_card = models.BooleanField(_("matches card donations"), default=True)
    causes = models.ManyToManyField(
        "missions.Cause", verbose_name=_("eligible causes"), blank=True, related_name="+"
    )
    associations = models.ManyToManyField(
        "missions.AssociationPage",
        verbose_name=_("eligible associations"),
        blank=True,
        related_name="+",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end (exclusive)"))
    currency = models.CharField(_("currency"), max_length=3, validators=[CURRENCY_VALIDATOR])

    class Meta:
        verbose_name = _("matching policy")
        verbose_name_plural = _("matching policies")
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "period_start"], name="matching_policy_one_per_start"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")), name="matching_period_valid"
            ),
            models.CheckConstraint(
                condition=Q(ratio_numerator__gt=0, ratio_denominator__gt=0),
                name="matching_ratio_positive",
            ),
            models.CheckConstraint(
                condition=Q(employee_yearly_cap_cents__gte=0, yearly_budget_cents__gte=0),
                name="matching_limits_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(spent_cents__gte=0, spent_cents__lte=F("yearly_budget_cents")),
                name="matching_spent_within_budget",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.period_start} to {self.period_end}"

    def ratio_display(self) -> str:
        return f"{self.ratio_numerator}:{self.ratio_denominator}"


class Match(models.Model):
    """The company's matching gift for one donation; reversed when that donation is refunded."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Matched")
        REVERSED = "reversed", _("Reversed")

    donation = models.OneToOneField(
        Donation, verbose_name=_("donation"), on_delete=models.PROTECT, related_name="match"
    )
    policy = models.ForeignKey(
        MatchingPolicy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="matches"
    )
    company = models.ForeignKey(
        "portal.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    employee = models.ForeignKey(
        "portal.EmployeeProfile",
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="matches",
    )
    association = models.ForeignKey(
        "missions.AssociationPage",
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    currency = models.CharField(_("currency"), max_length=3, validators=[CURRENCY_VALIDATOR])
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    is_partial = models.BooleanField(_("partial match"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="match_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="active") | Q(status="reversed", reversed_at__isnull=False),
                name="match_reversal_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.donation_id}: {self.amount_cents}"


class PaymentAttempt(models.Model):
    """A card payment asked of the provider; its idempotency key is stored before the call."""

    class Status(models.TextChoices):
        CREATED = "created", _("Created")
        PENDING = "pending", _("Awaiting the card")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        REFUNDED = "refunded", _("Refunded")

    company = models.ForeignKey(
        "portal.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    donor = models.ForeignKey(
        "portal.EmployeeProfile",
        verbose_name=_("donor"),
        on_delete=models.PROTECT,
        related_name="payment_attempts",
    )
    association = models.ForeignKey(
        "missions.AssociationPage",
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount_cents = models.BigIntegerField(_("gift (cents)"))
    fee_cents = models.BigIntegerField(_("processing fees covered (cents)"), default=0)
    currency = models.CharField(_("currency"), max_length=3, validators=[CURRENCY_VALIDATOR])
    provider = models.CharField(_("provider"), max_length=20)
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    external_id = models.CharField(
        _("provider reference"), max_length=120, null=True, blank=True, unique=True
    )
    client_secret = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CREATED
    )
    failure_message = models.CharField(_("failure"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payment attempt")
        verbose_name_plural = _("payment attempts")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0, fee_cents__gte=0), name="payment_amounts_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idempotency_key} ({self.status})"

    @property
    def charged_cents(self) -> int:
        return self.amount_cents + self.fee_cents


class StripeEvent(models.Model):
    """A provider event already handled: stored in the transaction of its effect."""

    event_id = models.CharField(_("event id"), max_length=120, unique=True)
    type = models.CharField(_("type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=120, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("provider event")
        verbose_name_plural = _("provider events")

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


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
