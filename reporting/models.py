"""Archived impact reports: the metrics snapshot and the PDF of one company and period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.storage import private_storage


def report_upload_to(report: ImpactReport, filename: str) -> str:
    return f"reports/{report.company_id}/{report.pk}/{filename}"


class ImpactReport(models.Model):
    """One requested report; once `ready` it is archived and never changes."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class Language(models.TextChoices):
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")

    company = models.ForeignKey(
        "portal.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="impact_reports",
    )
    period_kind = models.CharField(_("period kind"), max_length=10)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end (exclusive)"))
    period_year = models.PositiveIntegerField(_("period year"), null=True, blank=True)
    period_number = models.PositiveSmallIntegerField(_("quarter or month"), null=True, blank=True)
    # Set when the period was not over at the request: the report covers period_start to
    # period_end (the day after the request) of a period that ends at period_planned_end.
    period_planned_end = models.DateField(
        _("end of the whole period (exclusive), when partial"), null=True, blank=True
    )
    # Entered by the CSR officer with the request (LBG/B4SI: part of the company contribution);
    # null when none was entered.
    management_costs_cents = models.PositiveBigIntegerField(
        _("management costs (cents)"), null=True, blank=True
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    metrics = models.JSONField(_("metrics snapshot"), null=True, blank=True, editable=False)
    # Private: never under MEDIA_ROOT; only the download view (role and company checked) reads it.
    pdf = models.FileField(
        _("PDF"), upload_to=report_upload_to, storage=private_storage, blank=True, editable=False
    )
    checksum = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True, editable=False)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("impact report")
        verbose_name_plural = _("impact reports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")),
                name="impact_report_period_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "running", "ready", "failed"]),
                name="impact_report_status_known",
            ),
            # An archived report always holds its snapshot, its file and its checksum.
            models.CheckConstraint(
                condition=~Q(status="ready")
                | (Q(metrics__isnull=False, finished_at__isnull=False) & ~Q(checksum="")),
                name="impact_report_ready_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="impact_report_progress_max_100"
            ),
            models.CheckConstraint(
                condition=Q(period_planned_end__isnull=True)
                | Q(period_planned_end__gte=models.F("period_end")),
                name="impact_report_partial_period_within",
            ),
        ]
        indexes = [models.Index(fields=["company", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.company} · {self.period_start} to {self.period_end} ({self.status})"

    @property
    def period(self):
        from reporting.periods import Period

        return Period(
            kind=self.period_kind,
            start=self.period_start,
            end=self.period_end,
            year=self.period_year,
            number=self.period_number,
            planned_end=self.period_planned_end,
        )

    @property
    def is_partial(self) -> bool:
        return self.period_planned_end is not None

    @property
    def management_costs_text(self) -> str:
        from portal.money import format_money

        return format_money(self.management_costs_cents or 0, self.company.currency)

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_in_progress(self) -> bool:
        return self.status in {self.Status.PENDING, self.Status.RUNNING}

    def filename(self) -> str:
        return f"impact-{self.company.slug}-{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}.pdf"


class FeedbackReadMark(models.Model):
    """When a CSR officer last marked their company's feedback as read (their to-do's "feedback
    to read" counts what came after, within the last 30 days)."""

    profile = models.OneToOneField(
        "portal.EmployeeProfile",
        verbose_name=_("CSR officer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    read_at = models.DateTimeField(_("feedback read up to"))

    class Meta:
        verbose_name = _("feedback read mark")
        verbose_name_plural = _("feedback read marks")

    def __str__(self) -> str:
        return f"{self.profile_id} · {self.read_at:%Y-%m-%d %H:%M}"


# --------------------------------------------------------------------------------------------
# Aggregates the impact figures read instead of the raw gifts, matches and enrolments
# (reporting/aggregates.py builds and reads them; database triggers keep them fresh).


class FigureMonth(models.Model):
    """A version counter per company and month, bumped by database triggers (migration
    0006) whenever a gift, a match or an attended enrolment of that month changes, whatever
    code path writes it (ORM, bulk or raw SQL). The trigger cannot read the company's time zone
    on SQLite, so it bumps the months of the instant shifted by -14 h and +14 h: the local month
    is always one of them.

    No foreign-key constraint in the database: the triggers may write a row while a company's
    rows are being deleted in any order (a flush, a raw clean-up), and a constraint would then
    fail the whole transaction. A row left behind only costs a rebuild of an empty month."""

    company = models.ForeignKey(
        "portal.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    version = models.BigIntegerField(
        _("version"), default=0, help_text=_("Bumped by every change of the month's rows.")
    )

    class Meta:
        verbose_name = _("figure month")
        verbose_name_plural = _("figure months")
        constraints = [
            models.UniqueConstraint(fields=["company", "month"], name="figure_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.month:%Y-%m} v{self.version}"


class FigureBucket(models.Model):
    """The aggregated rows of one company over a span of days [start, end) inside one month:
    a whole month, or the partial edge of a period (built on demand)."""

    company = models.ForeignKey(
        "portal.Company", verbose_name=_("company"), on_delete=models.CASCADE, related_name="+"
    )
    start = models.DateField(_("start"), help_text=_("First day covered."))
    end = models.DateField(_("end (exclusive)"), help_text=_("Day after the last day covered."))
    built_version = models.BigIntegerField(
        _("built version"), help_text=_("The month's version the rows were built from.")
    )
    built_at = models.DateTimeField(_("built at"), auto_now=True)

    class Meta:
        verbose_name = _("figure bucket")
        verbose_name_plural = _("figure buckets")
        constraints = [
            models.UniqueConstraint(fields=["company", "start", "end"], name="figure_bucket_unique")
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.start}..{self.end}"

    @property
    def is_whole_month(self) -> bool:
        return self.start.day == 1 and self.end.day == 1 and self.end > self.start


def _bucket_field():
    return models.ForeignKey(
        FigureBucket, verbose_name=_("bucket"), on_delete=models.CASCADE, related_name="+"
    )


def _loose_key(model: str, label):
    """A key to another table without a database constraint: the rows are rebuilt from raw
    ones, never the reverse."""
    return models.ForeignKey(
        model,
        verbose_name=label,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )


class GiftFigures(models.Model):
    """Counted gifts of one donor in one bucket (amounts net of refunds)."""

    bucket = _bucket_field()
    donor = _loose_key("portal.EmployeeProfile", _("donor"))
    kept_cents = models.BigIntegerField(_("kept (cents)"), help_text=_("Gifts net of refunds."))
    payroll_cents = models.BigIntegerField(
        _("payroll (cents)"), help_text=_("Payroll round-up and adjustments, net.")
    )
    card_cents = models.BigIntegerField(_("card (cents)"), help_text=_("Card gifts, net."))
    payroll_gifts = models.IntegerField(
        _("payroll gifts"), help_text=_("Number of payroll gifts and adjustments.")
    )

    class Meta:
        verbose_name = _("gift figures")
        verbose_name_plural = _("gift figures")

    def __str__(self) -> str:
        return f"{self.bucket_id}: donor {self.donor_id}"


class AssociationFigures(models.Model):
    """Counted gifts or active matches to one association in one bucket (one row for gifts,
    one for matches)."""

    bucket = _bucket_field()
    association = _loose_key("missions.AssociationPage", _("association"))
    gifts = models.IntegerField(_("gifts"), help_text=_("Number of counted gifts."))
    gifts_cents = models.BigIntegerField(_("gifts (cents)"), help_text=_("Gifts, net."))
    matches_cents = models.BigIntegerField(
        _("matches (cents)"), help_text=_("Active matches, net of reversals.")
    )

    class Meta:
        verbose_name = _("association figures")
        verbose_name_plural = _("association figures")

    def __str__(self) -> str:
        return f"{self.bucket_id}: association {self.association_id}"


class VolunteerFigures(models.Model):
    """Attended hours of one employee on one mission in one bucket."""

    bucket = _bucket_field()
    employee = _loose_key("portal.EmployeeProfile", _("employee"))
    mission = _loose_key("missions.MissionPage", _("mission"))
    centihours = models.BigIntegerField(_("hours (hundredths)"), help_text=_("Attended hours."))

    class Meta:
        verbose_name = _("volunteer figures")
        verbose_name_plural = _("volunteer figures")

    def __str__(self) -> str:
        return f"{self.bucket_id}: {self.employee_id} on {self.mission_id}"


class MissionFigures(models.Model):
    """Sessions of one mission attended by the company's employees in one bucket."""

    bucket = _bucket_field()
    mission = _loose_key("missions.MissionPage", _("mission"))
    sessions = models.IntegerField(_("sessions"), help_text=_("Distinct sessions attended."))
    centihours = models.BigIntegerField(
        _("hours (hundredths)"), default=0, help_text=_("Attended hours.")
    )

    class Meta:
        verbose_name = _("mission figures")
        verbose_name_plural = _("mission figures")

    def __str__(self) -> str:
        return f"{self.bucket_id}: mission {self.mission_id}"
