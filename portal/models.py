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
from portal.storage import private_storage

CURRENCY_VALIDATOR = RegexValidator(r"^[A-Z]{3}$", _("An ISO 4217 code such as EUR."))
DOMAIN_VALIDATOR = RegexValidator(
    r"^(?=.{3,253}$)([a-z0-9-]+\.)+[a-z]{2,}$", _("A lower-case domain such as example.com.")
)


class Company(models.Model):
    """An employer: a tenant of the platform, with its engagement rules."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="EUR",
        validators=[CURRENCY_VALIDATOR],
        help_text=_("Three-letter ISO code (EUR): gifts, payroll and reports are kept in it."),
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year start month"),
        help_text=_("Quotas, budgets and reports count years from this month."),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Paris",
        help_text=_("An IANA name such as Europe/Paris: days and months are read on this clock."),
    )
    yearly_quota_days = models.DecimalField(
        _("yearly work-time quota (days)"),
        help_text=_("Work days each employee may give to missions on work time each fiscal year."),
        max_digits=5,
        decimal_places=1,
        default=Decimal("2.0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    hours_per_day = models.DecimalField(
        _("hours per work day"),
        help_text=_(
            "Turns the quota in days into hours; a longer session counts at most this per day."
        ),
        max_digits=4,
        decimal_places=2,
        default=Decimal("7.00"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))],
    )
    approval_required = models.BooleanField(
        _("work-time missions need manager approval"),
        default=True,
        help_text=_(
            "On: a manager approves each work-time enrolment before the seat is confirmed."
        ),
    )
    hourly_valuation_cents = models.BigIntegerField(
        _("hourly valuation of skills sponsorship (cents)"),
        help_text=_(
            "In cents of the company's currency, per hour: values skills sponsorship in reports."
        ),
        default=5000,
        validators=[MinValueValidator(0)],
    )
    brand_colour = models.CharField(
        _("brand colour"),
        help_text=_(
            "The colour of buttons and links for your people; made darker if needed so "
            "that white text on it stays readable."
        ),
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
    leaver_retention_months = models.PositiveSmallIntegerField(
        _("leavers' data kept (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_(
            "How long after their leave date a leaver's personal data is kept before it is "
            "erased. Blank: the platform's default."
        ),
    )
    # The company as the associations' receipts name it (Cerfa 16216: name, legal form, SIREN).
    legal_name = models.CharField(
        _("legal name"),
        max_length=200,
        blank=True,
        help_text=_("As registered (Kbis), printed on the associations' receipts to the company."),
    )
    legal_form = models.CharField(
        _("legal form"),
        max_length=60,
        blank=True,
        help_text=_("SA, SAS, SARL…: the company receipts (Cerfa 16216) need it."),
    )
    siren = models.CharField(
        _("SIREN"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^\d{9}$")],
        help_text=_("Nine digits; the company receipts (Cerfa 16216) need it."),
    )
    registered_address = models.CharField(
        _("registered office address"),
        max_length=300,
        blank=True,
        help_text=_("The head office's full address, as printed on the company receipts."),
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
        Company,
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="sign_on",
        help_text=_("The company whose people sign in through this provider."),
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
    employee_number = models.CharField(
        _("employee number"),
        max_length=40,
        blank=True,
        help_text=_("The payroll identifier: payroll files match people on it."),
    )
    department = models.CharField(_("department"), max_length=120, blank=True)
    site = models.CharField(_("site"), max_length=120, blank=True)
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text=_("Approves this person's work-time enrolments when approval is needed."),
    )
    is_csr_officer = models.BooleanField(
        _("CSR officer"),
        default=False,
        help_text=_(
            "Runs the programme: missions, rules, enrolments, giving and the admin of this company."
        ),
    )
    is_executive = models.BooleanField(
        _("executive"),
        default=False,
        help_text=_("Sees the impact dashboard and downloads the impact report."),
    )
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
    hire_date = models.DateField(
        _("hire date"),
        null=True,
        blank=True,
        help_text=_("The first day of employment; blank if unknown."),
    )
    leave_date = models.DateField(
        _("leave date"),
        null=True,
        blank=True,
        help_text=_("The last day of employment; the person leaves the programme after it."),
    )
    # The day the daily task handed the leaver's affairs over (approvals to the CSR team);
    # cleared on re-hire. Keeps that task idempotent.
    departure_applied_on = models.DateField(null=True, blank=True, editable=False)
    # What the person chose to receive by e-mail beyond what a step of theirs needs: decisions,
    # receipts, pledge records and payroll notices are always sent.
    notify_reminders = models.BooleanField(
        _("session reminders and feedback requests"), default=True
    )
    notify_approval_requests = models.BooleanField(
        _("approval requests from my reports"),
        default=True,
        help_text=_("Requests always wait in the approvals list; this only stops the e-mails."),
    )
    notify_campaign_news = models.BooleanField(_("campaign news from my CSR team"), default=True)
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

    # Listings (the admin's People) name the column after this, not "Display name".
    display_name.fget.short_description = _("name")

    def employed_on(self, day) -> bool:
        """Whether the person was on the payroll on `day` (no dates: always)."""
        if self.hire_date and day < self.hire_date:
            return False
        return not (self.leave_date and day > self.leave_date)

    @property
    def is_manager(self) -> bool:
        """A manager is anyone with at least one report (not a stored role)."""
        # Loaded with the user by portal.accounts.backends on every request: no extra query.
        user = self._state.fields_cache.get("user")
        known = getattr(user, "cordee_is_manager", None)
        if known is not None:
            return known
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


class PeopleImport(models.Model):
    """One HR file uploaded by a CSR officer: the file, its hash, and what confirming it did.

    The row is the audit trail of the import (who, when, which file, the counts); the file stays
    in private storage so that the confirmed file is byte for byte the previewed one.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        APPLYING = "applying", _("Being imported")
        CONFIRMED = "confirmed", _("Confirmed")
        FAILED = "failed", _("Refused at import")

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="people_imports"
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to="people-imports/")
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # joiners, movers, leavers, unchanged, absent, lines: as previewed, then as applied
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # The preview the officer confirmed; the worker applies the file only if it still matches.
    confirm_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    apply_requested_at = models.DateTimeField(_("import requested at"), null=True, blank=True)
    error = models.TextField(_("why the import was refused"), blank=True)

    class Meta:
        verbose_name = _("people import")
        verbose_name_plural = _("people imports")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="people_import_confirmed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.file_name}"


class CachedRestrictionsMixin:
    """Skip the two queries of the view-restriction check while no page has a restriction."""

    def get_view_restrictions(self):
        from wagtail.models import PageViewRestriction

        from portal.page_cache import any_view_restriction

        if not any_view_restriction():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class HomePage(CachedRestrictionsMixin, Page):
    """The portal's landing page: a welcome and the next missions open to the visitor."""

    def route(self, request, path_components):
        """Find the page of a URL in one query on `url_path` instead of one per level.

        Same answer as Wagtail's walk down the tree (tests/portal/test_page_routing.py compares
        them), as long as no page type overrides `route` (a test checks that too); a URL that is
        not a page (a 404) still takes the walk.
        """
        if not path_components:
            return super().route(request, path_components)
        url_path = self.url_path + "/".join(path_components) + "/"
        page = Page.objects.filter(url_path=url_path).specific().first()
        if page is None:
            return super().route(request, path_components)
        return page.route(request, [])

    intro = models.CharField(_("intro"), max_length=300, blank=True)
    body = RichTextField(_("body"), blank=True)
    intro = models.CharField(
        _("intro"),
        max_length=300,
        blank=True,
        help_text=_("The welcome line under the title of the home page."),
    )
    body = RichTextField(
        _("body"),
        blank=True,
        help_text=_("Text shown below the welcome, above the next missions."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        """Signed in with a profile: the personal home's panels; else the public home."""
        from portal.home import home_panels
        from portal.tenancy import profile_of

        context = super().get_context(request, *args, **kwargs)
        profile = profile_of(request.user)
        context["home_panels"] = (
            home_panels(request=request, profile=profile) if profile is not None else None
        )
        return context


class PersonalDataExport(models.Model):
    """A zip of everything Cordée holds on one person, for that person only, for a few days."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    profile = models.ForeignKey(
        EmployeeProfile,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="data_exports",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(
        _("file"), upload_to="privacy/exports/", storage=private_storage, blank=True
    )
    tables = models.JSONField(_("rows per table"), default=dict, blank=True, editable=False)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("personal data export")
        verbose_name_plural = _("personal data exports")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="ready") | Q(ready_at__isnull=False),
                name="data_export_ready_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} · {self.requested_at:%Y-%m-%d}"

    def filename(self) -> str:
        return f"cordee-personal-data-{self.profile_id}-{self.requested_at:%Y%m%d}.zip"


class PrivacyAuditEntry(models.Model):
    """Who exported or erased whose personal data, and when; it outlives the erasure.

    It points at the profile, which erasure pseudonymises but never deletes, and keeps the
    pseudonym in `subject_label`, never a name or an e-mail.
    """

    class Action(models.TextChoices):
        EXPORT_REQUESTED = "export_requested", _("Export requested")
        EXPORT_DOWNLOADED = "export_downloaded", _("Export downloaded")
        ERASURE = "erasure", _("Erasure")
        ERASURE_REFUSED = "erasure_refused", _("Erasure refused")

    class Reason(models.TextChoices):
        SELF = "self", _("At the person's request")
        LEAVER = "leaver", _("Leaver, by the company")
        RETENTION = "retention", _("End of the retention period")

    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Blank for an account without an employee profile (an association member)."),
    )
    # An association member has no profile: their entries point at the (pseudonymised) account.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The account concerned when the person has no employee profile."),
    )
    subject = models.ForeignKey(
        EmployeeProfile,
        verbose_name=_("person"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="privacy_audit",
    )
    subject_label = models.CharField(_("person (pseudonym)"), max_length=80)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Blank when the platform acted (retention)."),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("privacy audit entry")
        verbose_name_plural = _("privacy audit log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.subject_label}"


class PayGrade(models.Model):
    """A salary band set by the CSR officer: how many companies value skills sponsorship."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="pay_grades"
    )
    name = models.CharField(_("name"), max_length=80)
    monthly_gross_cents = models.BigIntegerField(
        _("monthly gross salary (cents)"),
        help_text=_("The band's average gross salary for a full-time month."),
    )
    employer_contributions_percent = models.DecimalField(
        _("employer contributions (% of gross)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("45.00"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        verbose_name = _("pay grade")
        verbose_name_plural = _("pay grades")
        ordering = ["company", "name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="pay_grade_name_once"),
            models.CheckConstraint(
                condition=Q(monthly_gross_cents__gt=0), name="pay_grade_salary_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EmployeePay(models.Model):
    """A person's own pay from a date on (from the payroll CSV upload), over their grade."""

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Salary file")
        GRADE = "grade", _("Pay grade")
        MANUAL = "manual", _("Entered by hand")

    profile = models.ForeignKey(
        EmployeeProfile, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="pay"
    )
    valid_from = models.DateField(_("applies from"))
    grade = models.ForeignKey(
        PayGrade,
        verbose_name=_("pay grade"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Either a grade or the person's own salary and contributions."),
    )
    monthly_gross_cents = models.BigIntegerField(
        _("monthly gross salary (cents)"), null=True, blank=True
    )
    monthly_employer_contributions_cents = models.BigIntegerField(
        _("monthly employer contributions (cents)"), null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # Who set this row (an assignment to a grade, or the salary file's uploader): salary data is
    # sensitive, so every row says where it came from.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    upload = models.ForeignKey(
        "SalaryUpload",
        verbose_name=_("salary file"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rows",
    )

    class Meta:
        verbose_name = _("employee pay")
        verbose_name_plural = _("employee pay")
        ordering = ["profile", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "valid_from"], name="employee_pay_once"),
            models.CheckConstraint(
                condition=(
                    Q(grade__isnull=False, monthly_gross_cents__isnull=True)
                    | Q(
                        grade__isnull=True,
                        monthly_gross_cents__gt=0,
                        monthly_employer_contributions_cents__gte=0,
                    )
                ),
                name="employee_pay_grade_or_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile} · {self.valid_from:%Y-%m-%d}"


class SalaryUpload(models.Model):
    """One salary file applied by a CSR or payroll officer: the audit of who uploaded what.

    The file itself is not kept (salaries are sensitive); its hash, name and counts are, and the
    `EmployeePay` rows it wrote point back here.
    """

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="salary_uploads"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    lines = models.PositiveIntegerField(_("lines"), default=0)
    created = models.PositiveIntegerField(_("rows added"), default=0)
    replaced = models.PositiveIntegerField(_("rows replaced"), default=0)

    class Meta:
        verbose_name = _("salary file")
        verbose_name_plural = _("salary files")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.company} · {self.file_name}"


from portal.fiscal import FiscalParameter  # noqa: E402,F401  (the model lives beside its rules)
