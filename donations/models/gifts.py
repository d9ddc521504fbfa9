"""Gifts: donations (payroll or card), card payment attempts, Stripe events, and matching."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from donations.models.payroll import PayrollLine
from portal.models import CURRENCY_VALIDATOR


class Donation(models.Model):
    """Money given to an association; its external reference makes each one unique."""

    class Source(models.TextChoices):
        PAYROLL = "payroll", _("Payroll round-up")
        CARD = "card", _("Card")
        ADJUSTMENT = "adjustment", _("Payroll adjustment")

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", _("Succeeded")
        REFUNDED = "refunded", _("Refunded")

    # No single-column index on donor or company: the (donor, occurred_at) and (company,
    # occurred_at) indexes below serve every lookup by either, and each index is written once
    # per gift of a 100,000-line payroll run.
    donor = models.ForeignKey(
        "portal.EmployeeProfile",
        verbose_name=_("donor"),
        on_delete=models.PROTECT,
        related_name="donations",
        db_index=False,
    )
    company = models.ForeignKey(
        "portal.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
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
    # Unique through Meta.constraints, not unique=True: on PostgreSQL that would add a second,
    # LIKE-pattern index that no query uses.
    external_reference = models.CharField(_("external reference"), max_length=120)
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
        db_index=False,  # a partial index below: payroll gifts (most rows) have no payment
    )
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    # The sum of the gift parts of its refunds; "refunded" once it reaches the whole gift.
    refunded_cents = models.BigIntegerField(_("refunded (cents)"), default=0, editable=False)
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
            # Partly refunded gifts stay "succeeded" for what is left; "refunded" means all.
            models.CheckConstraint(
                condition=Q(status="succeeded", refunded_cents=0)
                | Q(status="succeeded", refunded_cents__gt=0, refunded_cents__lt=F("amount_cents"))
                | Q(status="refunded", refunded_cents=F("amount_cents")),
                name="donation_refunded_within_amount",
            ),
            models.UniqueConstraint(
                fields=["external_reference"], name="donation_external_reference_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["company", "occurred_at"]),
            models.Index(fields=["donor", "occurred_at"]),
            models.Index(
                fields=["payment"],
                condition=Q(payment__isnull=False),
                name="donation_payment_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.donor} → {self.association}: {self.amount_cents}"

    @property
    def kept_cents(self) -> int:
        """What the association keeps of the gift once refunds are taken off."""
        return self.amount_cents - self.refunded_cents


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
    # Exactly one of the two: the standing policy, or the campaign that overrode it.
    policy = models.ForeignKey(
        MatchingPolicy,
        verbose_name=_("policy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matches",
    )
    campaign = models.ForeignKey(
        "Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matches",
        db_index=False,  # a partial index below: most matches follow the standing policy
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
    # Reversed pro rata of the gift refunded; "reversed" once it reaches the whole match.
    reversed_cents = models.BigIntegerField(_("reversed (cents)"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="match_amount_positive"),
            models.CheckConstraint(
                condition=Q(policy__isnull=False, campaign__isnull=True)
                | Q(policy__isnull=True, campaign__isnull=False),
                name="match_policy_or_campaign",
            ),
            models.CheckConstraint(
                condition=Q(status="active") | Q(status="reversed", reversed_at__isnull=False),
                name="match_reversal_dated",
            ),
            models.CheckConstraint(
                condition=Q(
                    status="active", reversed_cents__gte=0, reversed_cents__lt=F("amount_cents")
                )
                | Q(status="reversed", reversed_cents=F("amount_cents")),
                name="match_reversed_within_amount",
            ),
        ]
        indexes = [
            models.Index(
                fields=["campaign"],
                condition=Q(campaign__isnull=False),
                name="match_campaign_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.donation_id}: {self.amount_cents}"

    @property
    def kept_cents(self) -> int:
        return self.amount_cents - self.reversed_cents


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
