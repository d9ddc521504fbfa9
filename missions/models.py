"""The catalogue: causes, skills, SDGs, associations, missions and their sessions."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from missions.admin_forms import MissionPageForm
from missions.exceptions import IllegalTransition


class SustainableDevelopmentGoal(models.Model):
    """One of the 17 UN Sustainable Development Goals (seeded by a migration)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("sustainable development goal")
        verbose_name_plural = _("sustainable development goals")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"SDG {self.number} · {self.name}"


@register_snippet
class Cause(index.Indexed, ClusterableModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    sdgs = ParentalManyToManyField(
        SustainableDevelopmentGoal, verbose_name=_("UN SDGs served"), blank=True
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sdgs", widget=forms.CheckboxSelectMultiple),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("cause")
        verbose_name_plural = _("causes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@register_snippet
class Skill(index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AssociationIndexPage(Page):
    intro = RichTextField(_("intro"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["missions.AssociationPage"]
    max_count = 1

    class Meta:
        verbose_name = _("association index")

    def get_context(self, request, *args, **kwargs):
        from missions.selectors import associations_for_index

        context = super().get_context(request, *args, **kwargs)
        context["associations"] = associations_for_index()
        return context


class AssociationPageQuerySet(PageQuerySet):
    def accepting_gifts(self) -> AssociationPageQuerySet:
        """Published and approved by the platform: shown in the catalogue, open to gifts."""
        return self.live().filter(vetting_status=AssociationPage.Vetting.APPROVED)


class AssociationPage(Page):
    """A non-profit of the shared catalogue, vetted by the platform."""

    objects = PageManager.from_queryset(AssociationPageQuerySet)()

    class IdentifierKind(models.TextChoices):
        RNA = "rna", _("RNA (associations register)")
        SIREN = "siren", _("SIREN")

    class Vetting(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        SUSPENDED = "suspended", _("Suspended")

    legal_name = models.CharField(_("legal name"), max_length=200)
    identifier_kind = models.CharField(
        _("identifier kind"), max_length=5, choices=IdentifierKind.choices
    )
    identifier = models.CharField(_("identifier"), max_length=20)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = RichTextField(_("description"), blank=True)
    causes = ParentalManyToManyField(Cause, verbose_name=_("causes"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    tax_receipt_eligible = models.BooleanField(
        _("may issue tax receipts (general interest)"), default=False
    )
    helps_people_in_difficulty = models.BooleanField(
        _("helps people in difficulty (75 % tax reduction)"), default=False
    )
    vetting_status = models.CharField(
        _("vetting status"), max_length=10, choices=Vetting.choices, default=Vetting.PENDING
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("legal_name"),
                FieldRowPanel([FieldPanel("identifier_kind"), FieldPanel("identifier")]),
                FieldPanel("vetting_status"),
                FieldRowPanel(
                    [FieldPanel("tax_receipt_eligible"), FieldPanel("helps_people_in_difficulty")]
                ),
            ],
            heading=_("Identity"),
        ),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("causes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("logo"),
        FieldPanel("website"),
        MultiFieldPanel(
            [FieldPanel("address"), FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")])],
            heading=_("Place"),
        ),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_email"), FieldPanel("contact_phone")],
            heading=_("Contact"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("legal_name"),
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("city"),
    ]
    parent_page_types = ["missions.AssociationIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("association")
        verbose_name_plural = _("associations")
        constraints = [
            models.UniqueConstraint(
                fields=["identifier_kind", "identifier"], name="association_identifier_unique"
            )
        ]

    def clean(self) -> None:
        super().clean()
        self.identifier = (self.identifier or "").replace(" ", "").upper()
        if self.identifier_kind == self.IdentifierKind.RNA and not _is_rna(self.identifier):
            raise ValidationError(
                {"identifier": _("An RNA number is W followed by 9 digits (W123456789).")}
            )
        if self.identifier_kind == self.IdentifierKind.SIREN and not _is_siren(self.identifier):
            raise ValidationError({"identifier": _("A SIREN number is 9 digits.")})

    def get_context(self, request, *args, **kwargs):
        from missions.selectors import missions_of_association

        context = super().get_context(request, *args, **kwargs)
        context["missions"] = missions_of_association(association=self, user=request.user)
        context["sdgs"] = SustainableDevelopmentGoal.objects.filter(
            cause__in=self.causes.all()
        ).distinct()
        return context


def _is_rna(value: str) -> bool:
    return len(value) == 10 and value[0] == "W" and value[1:].isdigit()


def _is_siren(value: str) -> bool:
    return len(value) == 9 and value.isdigit()


class MissionIndexPage(Page):
    """The catalogue of missions: the searchable, filterable list."""

    intro = RichTextField(_("intro"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["missions.CompanyMissionsPage", "missions.MissionPage"]
    max_count = 1

    class Meta:
        verbose_name = _("mission index")

    def serve(self, request, *args, **kwargs):
        from missions.views import mission_list

        return mission_list(request, index_page=self)


class CompanyMissionsPage(Page):
    """A company's own part of the catalogue: its CSR officers publish missions here.

    Wagtail page permissions are granted on this subtree to the company's CSR group, so they
    edit and publish only their own company's missions.
    """

    company = models.OneToOneField(
        "portal.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="mission_section",
    )

    content_panels = [*Page.content_panels]
    parent_page_types = ["missions.MissionIndexPage"]
    subpage_types = ["missions.MissionPage"]

    class Meta:
        verbose_name = _("company missions section")

    def serve(self, request, *args, **kwargs):
        # The list lives on the index; a section is only a place in the tree.
        raise Http404

    def get_sitemap_urls(self, request=None):
        return []


class MissionKind(models.TextChoices):
    CITIZEN_DAY = "citizen_day", _("Citizen day")
    SKILLS_SPONSORSHIP = "skills", _("Skills sponsorship")
    VOLUNTEERING = "volunteering", _("Volunteering")
    SOLIDARITY_LEAVE = "solidarity_leave", _("Solidarity leave")


WORK_TIME_KINDS = {
    MissionKind.CITIZEN_DAY,
    MissionKind.SKILLS_SPONSORSHIP,
    MissionKind.SOLIDARITY_LEAVE,
}


class MissionPage(Page):
    """A way to help an association: what, where, for whom, and its dated sessions."""

    base_form_class = MissionPageForm

    class Visibility(models.TextChoices):
        COMPANY = "company", _("Private to the company")
        ALL = "all", _("Open to all companies")

    association = models.ForeignKey(
        AssociationPage,
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="missions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MissionKind.choices)
    summary = models.CharField(_("summary"), max_length=300)
    description = RichTextField(_("description"), blank=True)
    causes = ParentalManyToManyField(Cause, verbose_name=_("causes"), blank=True)
    skills = ParentalManyToManyField(Skill, verbose_name=_("skills wanted"), blank=True)
    is_remote = models.BooleanField(_("remote"), default=False)
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    on_work_time = models.BooleanField(_("on work time"), default=True)
    needs_approval = models.BooleanField(_("needs manager approval"), default=False)
    cancellation_cutoff_hours = models.PositiveIntegerField(
        _("cancellation cut-off (hours before start)"), default=48
    )
    company = models.ForeignKey(
        "portal.Company",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="missions",
        help_text=_("The company that publishes it; blank for platform missions."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.COMPANY
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("association"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("visibility")]),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("causes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("skills", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [
                FieldPanel("is_remote"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
            ],
            heading=_("Place"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("on_work_time"), FieldPanel("needs_approval")]),
                FieldPanel("cancellation_cutoff_hours"),
            ],
            heading=_("Rules"),
        ),
        InlinePanel("sessions", heading=_("Sessions"), label=_("Session")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.SearchField("city"),
        index.RelatedFields("association", [index.SearchField("title")]),
        index.RelatedFields("causes", [index.SearchField("name")]),
        index.RelatedFields("skills", [index.SearchField("name")]),
        index.FilterField("kind"),
        index.FilterField("company"),
        index.FilterField("visibility"),
        index.FilterField("is_remote"),
    ]
    parent_page_types = ["missions.MissionIndexPage", "missions.CompanyMissionsPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        constraints = [
            models.CheckConstraint(
                condition=Q(company__isnull=False) | Q(visibility="all"),
                name="mission_platform_missions_are_open",
            )
        ]

    @property
    def is_work_time(self) -> bool:
        return self.on_work_time and self.kind in WORK_TIME_KINDS

    def save(self, *args, **kwargs):
        # A mission placed in a company's section always belongs to that company; one
        # published by the platform (outside any section) is open to all.
        section = self._section()
        if section is not None:
            self.company_id = section.company_id
        if self.company_id is None:
            self.visibility = self.Visibility.ALL
        return super().save(*args, **kwargs)

    def _section(self) -> CompanyMissionsPage | None:
        if not self.path or self.depth <= 1:
            return None
        parent_path = self.path[: -self.steplen]
        return CompanyMissionsPage.objects.filter(path=parent_path).first()

    def is_visible_to(self, user) -> bool:
        from missions.visibility import mission_visible_to

        return mission_visible_to(self, user)

    def serve(self, request, *args, **kwargs):
        if not self.is_visible_to(request.user):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        # Only missions open to everyone are advertised to crawlers.
        if self.visibility != self.Visibility.ALL:
            return []
        return super().get_sitemap_urls(request)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sessions"] = self.upcoming_sessions()
        context["share_url"] = request.build_absolute_uri(self.url)
        return context

    def upcoming_sessions(self):
        return (
            self.sessions.filter(start__gte=timezone.now())
            .not_cancelled()
            .with_seats_left()
            .order_by("start")
        )


class MissionSessionQuerySet(models.QuerySet):
    def not_cancelled(self):
        return self.filter(cancelled_at__isnull=True)

    def with_seats_left(self):
        """Annotate `seats_taken` and `seats_left` (confirmed and pending seats count)."""
        from missions.selectors import annotate_seats

        return annotate_seats(self)


class MissionSession(Orderable):
    """One dated occurrence of a mission, with a limited number of seats."""

    mission = ParentalKey(
        MissionPage, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="sessions"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    place = models.CharField(
        _("place"), max_length=255, blank=True, help_text=_("Blank: the mission's address.")
    )
    seats = models.PositiveIntegerField(_("seats"), default=10)
    series = models.ForeignKey(
        "missions.SessionSeries",
        verbose_name=_("series"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    # Set once by a CSR officer (missions.services.sessions.cancel_session), never undone.
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    cancellation_reason = models.CharField(
        _("cancellation reason"), max_length=300, blank=True, editable=False
    )

    objects = MissionSessionQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldRowPanel([FieldPanel("place"), FieldPanel("seats")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="session_has_seats"),
        ]
        indexes = [models.Index(fields=["start"])]

    def __str__(self) -> str:
        return f"{self.mission.title} · {timezone.localtime(self.start):%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("A session ends after it starts.")})

    def save(self, *args, **kwargs):
        # Wagtail rewrites a mission's sessions from the revision it publishes, which may predate
        # a cancellation: a cancelled session stays cancelled whatever an older copy says.
        if self.pk is not None and self.cancelled_at is None:
            cancelled = (
                type(self)
                .objects.filter(pk=self.pk, cancelled_at__isnull=False)
                .values_list("cancelled_at", "cancellation_reason")
                .first()
            )
            if cancelled is not None:
                self.cancelled_at, self.cancellation_reason = cancelled
        return super().save(*args, **kwargs)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def duration_hours(self):
        from decimal import Decimal

        return (Decimal((self.end - self.start).total_seconds()) / Decimal(3600)).quantize(
            Decimal("0.01")
        )


class EnrolmentStatus(models.TextChoices):
    PENDING_APPROVAL = "pending", _("Pending approval")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Approval expired")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("No-show")


# Statuses that hold a seat of the session.
SEAT_HOLDING_STATUSES = (EnrolmentStatus.PENDING_APPROVAL, EnrolmentStatus.CONFIRMED)
# Statuses whose work time counts against the yearly quota (a pending request reserves it).
QUOTA_STATUSES = (
    EnrolmentStatus.PENDING_APPROVAL,
    EnrolmentStatus.CONFIRMED,
    EnrolmentStatus.ATTENDED,
)
# Statuses from which the same employee may enrol again in the same session (the row is reused,
# since one employee has at most one enrolment per session).
REOPENABLE_STATUSES = (EnrolmentStatus.CANCELLED, EnrolmentStatus.EXPIRED)


class Enrolment(models.Model):
    """An employee's place (or place in line) in one session."""

    Status = EnrolmentStatus

    # The one place where the enrolment life cycle is declared: from -> allowed next states.
    # None is "no enrolment yet".
    TRANSITIONS: dict[str | None, frozenset[str]] = {
        None: frozenset({Status.PENDING_APPROVAL, Status.CONFIRMED, Status.WAITLISTED}),
        Status.PENDING_APPROVAL: frozenset(
            {Status.CONFIRMED, Status.DECLINED, Status.CANCELLED, Status.EXPIRED}
        ),
        Status.WAITLISTED: frozenset(
            {Status.PENDING_APPROVAL, Status.CONFIRMED, Status.CANCELLED, Status.EXPIRED}
        ),
        Status.CONFIRMED: frozenset({Status.CANCELLED, Status.ATTENDED, Status.NO_SHOW}),
        # A CSR officer may correct attendance either way.
        Status.ATTENDED: frozenset({Status.NO_SHOW}),
        Status.NO_SHOW: frozenset({Status.ATTENDED}),
        Status.CANCELLED: frozenset({Status.PENDING_APPROVAL, Status.CONFIRMED, Status.WAITLISTED}),
        Status.EXPIRED: frozenset({Status.PENDING_APPROVAL, Status.CONFIRMED, Status.WAITLISTED}),
        Status.DECLINED: frozenset(),
    }

    employee = models.ForeignKey(
        "portal.EmployeeProfile",
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    session = models.ForeignKey(
        MissionSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=EnrolmentStatus.choices, db_index=True
    )
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2, null=True, blank=True)
    quota_hours = models.DecimalField(
        _("work-time hours counted against the quota"),
        max_digits=6,
        decimal_places=2,
        default=0,
        help_text=_("Zero for missions outside work time."),
    )
    decided_by = models.ForeignKey(
        "portal.EmployeeProfile",
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=500, blank=True)
    approval_deadline = models.DateTimeField(
        _("approval deadline"), null=True, blank=True, db_index=True
    )
    # Part of every signed approval link; rotated when a decision is taken so that a link can be
    # used once only.
    approval_nonce = models.CharField(_("approval link nonce"), max_length=32, blank=True)
    waitlisted_at = models.DateTimeField(_("waitlisted at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(
        _("attendance recorded at"), null=True, blank=True
    )
    hours_corrected_by_employee = models.BooleanField(
        _("hours corrected by the employee"), default=False
    )
    survey_sent_at = models.DateTimeField(_("survey sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "session"], name="enrolment_one_per_employee_and_session"
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0), name="enrolment_hours_positive"
            ),
            models.CheckConstraint(
                condition=Q(quota_hours__gte=0), name="enrolment_quota_hours_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status="pending") | Q(approval_deadline__isnull=False),
                name="enrolment_pending_has_deadline",
            ),
        ]
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self) -> str:
        return f"{self.employee} · {self.session} · {self.get_status_display()}"

    @classmethod
    def can_transition(cls, from_status: str | None, to_status: str) -> bool:
        return to_status in cls.TRANSITIONS.get(from_status, frozenset())

    def transition_to(self, to_status: str, *, actor=None, note: str = "") -> EnrolmentEvent:
        """Move to `to_status` (raising IllegalTransition if the table forbids it) and log it.

        Saves the enrolment; callers hold the session lock and run inside a transaction.
        """
        from_status = self.status or None
        if self.pk is None:
            from_status = None
        if not self.can_transition(from_status, to_status):
            raise IllegalTransition(from_status, to_status)
        self.status = to_status
        if to_status != EnrolmentStatus.PENDING_APPROVAL:
            self.approval_deadline = None
        self.save()
        return EnrolmentEvent.objects.create(
            enrolment=self,
            actor=actor,
            from_status=from_status or "",
            to_status=to_status,
            note=note[:500],
        )

    @property
    def cancellation_cutoff(self):
        return self.session.start - dt.timedelta(
            hours=self.session.mission.cancellation_cutoff_hours
        )

    @property
    def calendar_uid(self) -> str:
        """Stable across every invitation and cancellation of this enrolment."""
        return f"enrolment-{self.pk}@cordee"


class EnrolmentEvent(models.Model):
    """The audit trail of an enrolment: who moved it from which state to which, and when."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        "portal.EmployeeProfile",
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Blank when the platform acted (expiry, promotion, attendance)."),
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=EnrolmentStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=EnrolmentStatus.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enrolment event")
        verbose_name_plural = _("enrolment events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.from_status or '-'} -> {self.to_status}"


class Feedback(models.Model):
    """What an employee thought of a session they attended."""

    enrolment = models.OneToOneField(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="feedback"
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    meaning = models.PositiveSmallIntegerField(
        _("meaning found (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    skills_developed = models.ManyToManyField(
        Skill, verbose_name=_("skills developed"), blank=True, related_name="+"
    )
    other_skills = models.CharField(_("other skills developed"), max_length=300, blank=True)
    would_recommend = models.BooleanField(_("would recommend"))
    comment = models.TextField(_("comment"), blank=True, max_length=3000)
    consent_to_quote = models.BooleanField(_("may be quoted"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5),
                name="feedback_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(meaning__gte=1, meaning__lte=5), name="feedback_meaning_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.satisfaction}/5"


class CalendarFeed(models.Model):
    """An employee's private calendar feed; revoking it issues a new token."""

    employee = models.OneToOneField(
        "portal.EmployeeProfile",
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.employee} · calendar"


class SessionSeries(models.Model):
    """Sessions of a mission created in one go on a recurring rule."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every N weeks")
        MONTHLY = "monthly", _("Every N months")

    mission = models.ForeignKey(
        MissionPage, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="series"
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    interval = models.PositiveSmallIntegerField(
        _("interval"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    count = models.PositiveSmallIntegerField(
        _("number of sessions"), validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    first_start = models.DateTimeField(_("first start"))
    duration = models.DurationField(_("duration"))
    seats = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])
    created_by = models.ForeignKey(
        "portal.EmployeeProfile",
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("session series")
        verbose_name_plural = _("session series")
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="series_has_sessions"),
            models.CheckConstraint(condition=Q(interval__gte=1), name="series_interval_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.mission.title} · {self.count} sessions, {self.get_frequency_display()}"
