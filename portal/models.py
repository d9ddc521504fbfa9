"""Tenancy and people: companies, their e-mail domains, employee profiles and roles, home page."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from portal.inputs import single_line_errors

CURRENCY_VALIDATOR = RegexValidator(r"^[A-Z]{3}$", _("An ISO 4217 code such as EUR."))
DOMAIN_VALIDATOR = RegexValidator(
    r"^(?=.{3,253}$)([a-z0-9-]+\.)+[a-z]{2,}$", _("A lower-case domain such as example.com.")
)


class Company(models.Model):
    """An employer: a tenant of the platform, with its engagement rules."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", validators=[CURRENCY_VALIDATOR]
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year start month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    yearly_quota_days = models.DecimalField(
        _("yearly work-time quota (days)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("2.0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    hours_per_day = models.DecimalField(
        _("hours per work day"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("7.00"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))],
    )
    approval_required = models.BooleanField(
        _("work-time missions need manager approval"), default=True
    )
    hourly_valuation_cents = models.BigIntegerField(
        _("hourly valuation of skills sponsorship (cents)"),
        default=5000,
        validators=[MinValueValidator(0)],
    )
    brand_colour = models.CharField(
        _("brand colour"),
        max_length=7,
        default="#1f5f8b",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour such as #1f5f8b."))],
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    csr_group = models.OneToOneField(
        Group,
        verbose_name=_("CSR officers' group"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="csr_company",
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        verbose_name=_("images and documents collection"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="company",
    )
    directory_source = models.CharField(
        _("people directory"),
        max_length=10,
        choices=[
            ("manual", _("Entered in Cordée")),
            ("hr_file", _("HR file import")),
            ("scim", _("SCIM provisioning")),
        ],
        default="manual",
        help_text=_(
            "Where employee numbers, managers, departments, sites and employment dates come from. "
            "When they come from the HR system, employees cannot change them in Cordée."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_year_start_month__gte=1, fiscal_year_start_month__lte=12),
                name="company_fiscal_month_valid",
            ),
            models.CheckConstraint(
                condition=Q(hourly_valuation_cents__gte=0), name="company_valuation_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        # The name is shown in e-mails and their headers.
        if errors := single_line_errors(self, "name"):
            raise ValidationError(errors)

    @property
    def yearly_quota_hours(self) -> Decimal:
        return self.yearly_quota_days * self.hours_per_day


class CompanyRules(Company):
    """The engagement rules of a company, as its CSR officers edit them (a proxy of Company).

    Its own model so that the admin gives it its own permission policy: officers change their
    company's rules here, while the Companies admin (names, domains) stays with platform admins.
    """

    class Meta:
        proxy = True
        verbose_name = _("company rules")
        verbose_name_plural = _("company rules")


class CompanyDomain(models.Model):
    """An e-mail domain whose verified addresses belong to one company."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="domains"
    )
    domain = models.CharField(
        _("e-mail domain"), max_length=253, unique=True, validators=[DOMAIN_VALIDATOR]
    )

    class Meta:
        verbose_name = _("e-mail domain")
        verbose_name_plural = _("e-mail domains")
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs) -> None:
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)


class CompanySignOn(models.Model):
    """A company's own identity provider (OpenID Connect or SAML 2.0), as an allauth SocialApp.

    People whose e-mail domain belongs to the company are sent to this provider from the
    sign-in page; a login through it is accepted only for an e-mail of one of the company's
    domains, so another company's provider can never sign someone into this company.
    """

    company = models.OneToOneField(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="sign_on"
    )
    social_app = models.OneToOneField(
        "socialaccount.SocialApp",
        verbose_name=_("provider configuration"),
        on_delete=models.PROTECT,
        related_name="company_sign_on",
    )
    label = models.CharField(
        _("button label"),
        max_length=120,
        help_text=_('Shown as "Continue with …" on the sign-in page, e.g. the company\'s name.'),
    )
    password_sign_in = models.BooleanField(
        _("passwords allowed"),
        default=True,
        help_text=_("Off: the company's people sign in only through their identity provider."),
    )
    claim_mapping = models.JSONField(
        _("attribute mapping"),
        default=dict,
        blank=True,
        help_text=_(
            "Which claim or SAML attribute holds each profile field: first_name, last_name, "
            "employee_number, department, site, manager_employee_number, language."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("company sign-on")
        verbose_name_plural = _("company sign-ons")

    def __str__(self) -> str:
        return self.label


class SeenSamlAssertion(models.Model):
    """A SAML assertion already used to sign someone in, kept until it expires.

    An assertion is good for one sign-in: its ID is recorded when it is accepted, and the same
    assertion posted again (a replay, e.g. from a browser history or a captured request) is
    refused while it would otherwise still be valid.
    """

    social_app = models.ForeignKey(
        "socialaccount.SocialApp", on_delete=models.CASCADE, related_name="+"
    )
    assertion_id = models.CharField(max_length=256)
    not_on_or_after = models.DateTimeField(db_index=True)
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["social_app", "assertion_id"], name="saml_assertion_used_once"
            )
        ]

    def __str__(self) -> str:
        return self.assertion_id


class EmployeeProfile(models.Model):
    """A person's place in their company: payroll id, team, manager and roles."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="employees"
    )
    employee_number = models.CharField(_("employee number"), max_length=40, blank=True)
    department = models.CharField(_("department"), max_length=120, blank=True)
    site = models.CharField(_("site"), max_length=120, blank=True)
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    is_csr_officer = models.BooleanField(_("CSR officer"), default=False)
    is_executive = models.BooleanField(_("executive"), default=False)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The language of the e-mails sent to this person: the one they last chose."),
    )
    is_payroll_officer = models.BooleanField(
        _("payroll officer"),
        default=False,
        help_text=_("Runs the monthly payroll round-up and the money trail, without CSR rights."),
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    leave_date = models.DateField(
        _("leave date"),
        null=True,
        blank=True,
        help_text=_("The last day of employment; the person leaves the programme after it."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("employee profile")
        verbose_name_plural = _("employee profiles")
        ordering = ["user__last_name", "user__first_name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "employee_number"],
                condition=~Q(employee_number=""),
                name="profile_employee_number_unique_per_company",
            ),
            models.CheckConstraint(
                condition=~Q(manager=models.F("pk")), name="profile_not_own_manager"
            ),
            models.CheckConstraint(
                condition=Q(hire_date__isnull=True)
                | Q(leave_date__isnull=True)
                | Q(leave_date__gte=models.F("hire_date")),
                name="profile_leaves_after_hire",
            ),
        ]
        indexes = [models.Index(fields=["company", "department"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.email

    def employed_on(self, day) -> bool:
        """Whether the person was on the payroll on `day` (no dates: always)."""
        if self.hire_date and day < self.hire_date:
            return False
        return not (self.leave_date and day > self.leave_date)

    @property
    def is_manager(self) -> bool:
        """A manager is anyone with at least one report (not a stored role)."""
        return self.reports.exists()

    @property
    def roles(self) -> list[str]:
        roles = ["employee"]
        if self.is_csr_officer:
            roles.append("csr_officer")
        if self.is_executive:
            roles.append("executive")
        if self.is_payroll_officer:
            roles.append("payroll_officer")
        if self.is_manager:
            roles.append("manager")
        return roles


class HomePage(Page):
    """The portal's landing page: a welcome and the next missions open to the visitor."""

    intro = models.CharField(_("intro"), max_length=300, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
