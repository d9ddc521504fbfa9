"""Tax receipts (Cerfa 11580 for employees, 16216 for companies), issued by Cordée or uploaded.

Only the association issues a receipt. Either it delegates the issuing to Cordée (its signatory,
its signature image, its numbering: one gap-free sequence per association and year, counted in
`ReceiptCounter`), or it uploads its own PDFs. A receipt is never edited: a correction cancels it
(with a reason) and issues a new one, with a new number, that names the one it replaces.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.models import CURRENCY_VALIDATOR
from portal.storage import private_storage

# The text an association admin accepts to let Cordée issue receipts in its name. A new wording
# gets a new version; the accepted version is stored with who accepted it and when.
DELEGATION_TEXT_VERSION = "2026-11"


class ReceiptSettings(models.Model):
    """How one association's receipts are produced, and what they print about it."""

    class Mode(models.TextChoices):
        CORDEE = "cordee", _("Cordée issues receipts in the association's name")
        OWN = "own", _("The association uploads its own receipts")

    association = models.OneToOneField(
        "missions.AssociationPage",
        verbose_name=_("association"),
        on_delete=models.CASCADE,
        related_name="receipt_settings",
    )
    mode = models.CharField(_("receipt mode"), max_length=8, choices=Mode.choices, default="own")
    signatory_name = models.CharField(_("signatory's name"), max_length=120, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=120, blank=True)
    signature = models.FileField(
        _("signature image"),
        upload_to="receipts/signatures/",
        storage=private_storage,
        blank=True,
    )
    # Cerfa 11580 asks for the beneficiary's object and legal quality.
    object = models.CharField(_("object of the association"), max_length=300, blank=True)
    legal_quality = models.CharField(
        _("legal quality"),
        max_length=200,
        blank=True,
        default="Association loi 1901 reconnue d'intérêt général",
    )
    # CGI art. 978 (IFI) applies to gifts to a few kinds of bodies (recognised foundations...).
    eligible_ifi = models.BooleanField(_("gifts also eligible under art. 978 (IFI)"), default=False)
    delegation_accepted_at = models.DateTimeField(_("delegation accepted at"), null=True)
    delegation_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delegation_text_version = models.CharField(max_length=20, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("receipt settings")
        verbose_name_plural = _("receipt settings")

    def __str__(self) -> str:
        return f"{self.association_id}: {self.mode}"

    @property
    def can_issue(self) -> bool:
        """Cordée may issue: delegated, accepted, with a signatory and a signature."""
        return bool(
            self.mode == self.Mode.CORDEE
            and self.delegation_accepted_at
            and self.signatory_name
            and self.signature
        )


class ReceiptCounter(models.Model):
    """The last number given in one association's sequence for one year (the numbering lock)."""

    association = models.ForeignKey(
        "missions.AssociationPage", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["association", "year"], name="receipt_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.association_id}/{self.year}: {self.last_number}"


class TaxReceipt(models.Model):
    class Kind(models.TextChoices):
        EMPLOYEE = "employee", _("Individual (Cerfa 11580*05)")
        COMPANY = "company", _("Company (Cerfa 16216*02)")

    class Origin(models.TextChoices):
        ISSUED = "issued", _("Issued by Cordée")
        UPLOADED = "uploaded", _("Uploaded by the association")

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        CANCELLED = "cancelled", _("Cancelled")

    association = models.ForeignKey(
        "missions.AssociationPage",
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices)
    # The sequence year (the year of the gifts for a yearly receipt) and the number in it;
    # uploaded receipts carry the association's own reference instead.
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    own_reference = models.CharField(_("association's reference"), max_length=60, blank=True)
    company = models.ForeignKey(
        "portal.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    # The employee for an individual receipt; empty for a company receipt.
    donor = models.ForeignKey(
        "portal.EmployeeProfile",
        verbose_name=_("donor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tax_receipts",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end (inclusive)"))
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    currency = models.CharField(_("currency"), max_length=3, validators=[CURRENCY_VALIDATOR])
    # What the PDF printed (donor and beneficiary as they were, the split by payment method or
    # nature): the receipt stays what it was even if the profile or the page changes later.
    content = models.JSONField(_("content"), default=dict, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="receipts/pdf/", storage=private_storage)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ISSUED
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=250, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("tax receipt")
        verbose_name_plural = _("tax receipts")
        ordering = ["-year", "-number", "-id"]
        indexes = [models.Index(fields=["association", "year"])]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "year", "number"], name="receipt_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(origin="issued", number__isnull=False)
                | Q(origin="uploaded", number__isnull=True),
                name="receipt_numbered_when_issued",
            ),
            models.CheckConstraint(
                condition=Q(kind="employee", donor__isnull=False)
                | Q(kind="company", donor__isnull=True),
                name="receipt_donor_matches_kind",
            ),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="receipt_amount_positive"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="receipt_period_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="issued")
                | (~Q(cancelled_reason="") & Q(cancelled_at__isnull=False)),
                name="receipt_cancel_has_reason",
            ),
            # One live yearly receipt per employee, association and year.
            models.UniqueConstraint(
                fields=["association", "donor", "year"],
                condition=Q(kind="employee", status="issued"),
                name="receipt_one_live_per_donor_year",
            ),
            models.UniqueConstraint(
                fields=["association", "company", "period_start", "period_end"],
                condition=Q(kind="company", status="issued"),
                name="receipt_one_live_per_company_period",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The number as printed: `2025-000012`, or the association's own reference."""
        if self.number is None:
            return self.own_reference or f"#{self.pk}"
        return f"{self.year}-{self.number:06d}"

    @property
    def filename(self) -> str:
        return f"recu-fiscal-{self.reference}.pdf".replace("/", "-").replace(" ", "-")


class DonorAddress(models.Model):
    """The postal address an employee gives for their tax receipts (Cerfa asks for it)."""

    profile = models.OneToOneField(
        "portal.EmployeeProfile",
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="receipt_address",
    )
    street = models.CharField(_("street address"), max_length=255)
    postcode = models.CharField(_("postcode"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=60, default="France")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("receipt address")
        verbose_name_plural = _("receipt addresses")

    def __str__(self) -> str:
        return self.one_line

    @property
    def one_line(self) -> str:
        return f"{self.street}, {self.postcode} {self.city}, {self.country}"
