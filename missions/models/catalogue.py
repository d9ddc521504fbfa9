"""The catalogue: causes, skills, SDGs, associations, missions (Wagtail pages) and sessions.

Pages build their lists from the QuerySet methods below (bakerydemo style); no model imports a
view, a form or a selector. The mission list, which needs the filter form, is served by the
view named in `MissionIndexPage.list_view`, resolved only when a request comes.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from portal.admin_labels import LabelledInlinePanel
from portal.inputs import single_line_errors, validate_date_in_range
from portal.models import CachedRestrictionsMixin

# The UN's names of the goals, stored in English (migration 0003) and translated by gettext.
SDG_NAMES = [
    gettext_noop("No poverty"),
    gettext_noop("Zero hunger"),
    gettext_noop("Good health and well-being"),
    gettext_noop("Quality education"),
    gettext_noop("Gender equality"),
    gettext_noop("Clean water and sanitation"),
    gettext_noop("Affordable and clean energy"),
    gettext_noop("Decent work and economic growth"),
    gettext_noop("Industry, innovation and infrastructure"),
    gettext_noop("Reduced inequalities"),
    gettext_noop("Sustainable cities and communities"),
    gettext_noop("Responsible consumption and production"),
    gettext_noop("Climate action"),
    gettext_noop("Life below water"),
    gettext_noop("Life on land"),
    gettext_noop("Peace, justice and strong institutions"),
    gettext_noop("Partnerships for the goals"),
]


def in_language(french: str, english: str) -> str:
    """A catalogue name in the reader's language: the English one when it is set and English
    is active, else the French one (the catalogue is written in French first)."""
    if english and (translation.get_language() or "").startswith("en"):
        return english
    return french


class SustainableDevelopmentGoal(models.Model):
    """One of the 17 UN Sustainable Development Goals (seeded by a migration)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=120, help_text=_("The UN's name, in English."))

    class Meta:
        verbose_name = _("sustainable development goal")
        verbose_name_plural = _("sustainable development goals")
        ordering = ["number"]

    def __str__(self) -> str:
        return _("SDG %(n)s · %(name)s") % {"n": self.number, "name": self.localized_name}

    @property
    def localized_name(self) -> str:
        return translation.gettext(self.name)


class Cause(index.Indexed, ClusterableModel):
    name = models.CharField(
        _("name (French)"),
        max_length=100,
        unique=True,
        help_text=_("As employees read it in French, e.g. “Aide alimentaire”."),
    )
    name_en = models.CharField(
        _("name (English)"),
        max_length=100,
        blank=True,
        help_text=_("Shown to people who read Cordée in English; blank: the French name."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("The cause's name in the address of the filtered mission list."),
    )
    description = models.TextField(
        _("description (French)"),
        blank=True,
        help_text=_("One sentence shown under the cause on the home page."),
    )
    description_en = models.TextField(
        _("description (English)"),
        blank=True,
        help_text=_("The same sentence in English; blank: the French one."),
    )
    sdgs = ParentalManyToManyField(
        SustainableDevelopmentGoal,
        verbose_name=_("UN SDGs served"),
        blank=True,
        help_text=_("Hours and gifts for this cause count toward these goals in the report."),
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("name_en")]),
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("description"), FieldPanel("description_en")]),
        FieldPanel("sdgs", widget=forms.CheckboxSelectMultiple),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("name_en"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        verbose_name = _("cause")
        verbose_name_plural = _("causes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        return in_language(self.name, self.name_en)

    @property
    def localized_description(self) -> str:
        return in_language(self.description, self.description_en)


class Skill(index.Indexed, models.Model):
    name = models.CharField(
        _("name (French)"),
        max_length=100,
        unique=True,
        help_text=_("As employees read it in French, e.g. “Comptabilité et finance”."),
    )
    name_en = models.CharField(
        _("name (English)"),
        max_length=100,
        blank=True,
        help_text=_("Shown to people who read Cordée in English; blank: the French name."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("The skill's name in the address of the filtered mission list."),
    )

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("name_en")]), FieldPanel("slug")]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("name_en"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        return in_language(self.name, self.name_en)


class AssociationIndexPage(CachedRestrictionsMixin, Page):
    intro = RichTextField(
        _("intro"),
        blank=True,
        help_text=_("A few words above the list; blank: a standard sentence."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["missions.AssociationPage"]
    max_count = 1

    class Meta:
        verbose_name = _("association index")
        verbose_name_plural = _("association indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["associations"] = (
            AssociationPage.objects.accepting_gifts()
            .prefetch_related("causes")
            .select_related("logo")
            .order_by("title")
        )
        return context


class AssociationPageQuerySet(PageQuerySet):
    def accepting_gifts(self) -> AssociationPageQuerySet:
        """Published and approved by the platform: shown in the catalogue, open to gifts."""
        return self.live().filter(vetting_status=AssociationPage.Vetting.APPROVED)


class AssociationPage(CachedRestrictionsMixin, Page):
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
        _("identifier kind"),
        max_length=5,
        choices=IdentifierKind.choices,
        help_text=_(
            "RNA for an association registered at the prefecture, SIREN for one with a company "
            "number."
        ),
    )
    identifier = models.CharField(
        _("identifier"),
        max_length=20,
        help_text=_(
            "The RNA (W followed by 9 digits) or SIREN (9 digits) number; spaces are ignored."
        ),
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences shown on the association's card in the catalogue."),
    )
    description = RichTextField(_("description"), blank=True)
    causes = ParentalManyToManyField(
        Cause,
        verbose_name=_("causes"),
        blank=True,
        help_text=_("The causes it serves: the catalogue filters and the impact report use them."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    website = models.URLField(
        _("website"),
        blank=True,
        help_text=_("The association's own site, starting with https://."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    tax_receipt_eligible = models.BooleanField(
        _("may issue tax receipts (general interest)"),
        default=False,
        help_text=_(
            "On when the association is of general interest (CGI art. 200 and 238 bis): gifts "
            "then carry a tax reduction."
        ),
    )
    helps_people_in_difficulty = models.BooleanField(
        _("helps people in difficulty (75 % tax reduction)"),
        default=False,
        help_text=_(
            "On for associations giving free meals, care or housing to people in difficulty (CGI "
            "art. 200, 1 ter): 75 % up to the yearly ceiling."
        ),
    )
    vetting_status = models.CharField(
        _("vetting status"),
        max_length=10,
        choices=Vetting.choices,
        default=Vetting.PENDING,
        help_text=_("Only approved associations are shown in the catalogue and may receive gifts."),
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
        # The title reaches e-mail subjects (card gifts): one line, as every header.
        if errors := single_line_errors(self, "title", "legal_name"):
            raise ValidationError(errors)
        self.identifier = (self.identifier or "").replace(" ", "").upper()
        if self.identifier_kind == self.IdentifierKind.RNA and not _is_rna(self.identifier):
            raise ValidationError(
                {"identifier": _("An RNA number is W followed by 9 digits (W123456789).")}
            )
        if self.identifier_kind == self.IdentifierKind.SIREN and not _is_siren(self.identifier):
            raise ValidationError({"identifier": _("A SIREN number is 9 digits.")})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The association's missions this visitor may see, soonest session first.
        context["missions"] = (
            MissionPage.objects.live()
            .filter(association=self)
            .visible_to(request.user)
            .with_next_session()
            .select_related("association")
            .order_by(models.F("next_start").asc(nulls_last=True), "title")
        )
        context["sdgs"] = SustainableDevelopmentGoal.objects.filter(
            cause__in=self.causes.all()
        ).distinct()
        return context


def _is_rna(value: str) -> bool:
    return len(value) == 10 and value[0] == "W" and value[1:].isdigit()


def _is_siren(value: str) -> bool:
    return len(value) == 9 and value.isdigit()


class MissionIndexPage(CachedRestrictionsMixin, Page):
    """The catalogue of missions: the searchable, filterable list."""

    intro = RichTextField(
        _("intro"),
        blank=True,
        help_text=_("A few words above the list; blank: a standard sentence."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["missions.CompanyMissionsPage", "missions.MissionPage"]
    max_count = 1

    class Meta:
        verbose_name = _("mission index")
        verbose_name_plural = _("mission indexes")

    # The list needs the filter form and the search: a view serves it. It is named, not
    # imported, so that models never import views (the view imports the models).
    list_view = "missions.views.catalogue.mission_list"

    def serve(self, request, *args, **kwargs):
        return import_string(self.list_view)(request, index_page=self)


class CompanyMissionsPage(CachedRestrictionsMixin, Page):
    """A company's own part of the catalogue: its CSR officers publish missions here.

    Wagtail page permissions are granted on this subtree to the company's CSR group, so they
    edit and publish only their own company's missions.
    """

    company = models.OneToOneField(
        "portal.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="mission_section",
        help_text=_("The company whose CSR officers publish the missions of this section."),
    )

    content_panels = [*Page.content_panels]
    parent_page_types = ["missions.MissionIndexPage"]
    subpage_types = ["missions.MissionPage"]

    class Meta:
        verbose_name = _("company missions section")
        verbose_name_plural = _("company missions sections")

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


class MissionPageQuerySet(PageQuerySet):
    def visible_to(self, user):
        """The missions this user may see (anonymous: open missions only)."""
        from missions.visibility import visible_missions_filter

        return self.filter(visible_missions_filter(user))

    def with_next_session(self, sessions=None):
        """Annotate `next_start`, `next_end` and `next_seats_left` from the first of `sessions`
        (default: the sessions still to come and not cancelled).

        One correlated subquery per value, so a page of cards costs one query whatever its size.
        """
        if sessions is None:
            sessions = MissionSession.objects.not_cancelled().filter(start__gte=timezone.now())
        first = sessions.filter(mission=models.OuterRef("pk")).with_seats_left()
        first = first.order_by("start", "pk")
        return self.annotate(
            next_start=models.Subquery(first.values("start")[:1]),
            next_end=models.Subquery(first.values("end")[:1]),
            next_seats_left=models.Subquery(
                first.values("seats_left")[:1], output_field=models.IntegerField()
            ),
        )


class MissionPage(CachedRestrictionsMixin, Page):
    """A way to help an association: what, where, for whom, and its dated sessions."""

    # base_form_class (the editor's form: sessions with enrolments cannot be removed) is set by
    # MissionsConfig.ready: a model never imports an admin form.

    objects = PageManager.from_queryset(MissionPageQuerySet)()

    class Visibility(models.TextChoices):
        COMPANY = "company", _("Private to the company")
        ALL = "all", _("Open to all companies")

    association = models.ForeignKey(
        AssociationPage,
        verbose_name=_("association"),
        on_delete=models.PROTECT,
        related_name="missions",
        help_text=_("The association the mission helps, from the vetted catalogue."),
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=MissionKind.choices,
        help_text=_(
            "Citizen days, skills sponsorship and solidarity leave are on work time and count "
            "against the quota; volunteering is on personal time."
        ),
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences shown on the mission's card and in e-mails."),
    )
    description = RichTextField(_("description"), blank=True)
    causes = ParentalManyToManyField(
        Cause,
        verbose_name=_("causes"),
        blank=True,
        help_text=_(
            "The causes it serves: employees filter missions by cause and the report counts "
            "hours by cause."
        ),
    )
    skills = ParentalManyToManyField(
        Skill,
        verbose_name=_("skills wanted"),
        blank=True,
        help_text=_("The skills that help: employees filter missions by skill."),
    )
    is_remote = models.BooleanField(
        _("remote"),
        default=False,
        help_text=_("On when it is done from home or the office, without going to a place."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    on_work_time = models.BooleanField(
        _("on work time"),
        default=True,
        help_text=_(
            "On: the hours count against the employee's yearly quota (citizen days, skills "
            "sponsorship, solidarity leave)."
        ),
    )
    needs_approval = models.BooleanField(
        _("needs manager approval"),
        default=False,
        help_text=_(
            "On: each enrolment waits for the manager's approval, even if the company does not "
            "ask it for every mission."
        ),
    )
    cancellation_cutoff_hours = models.PositiveIntegerField(
        _("cancellation cut-off (hours before start)"),
        default=48,
        help_text=_("Employees may cancel up to this many hours before a session starts."),
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
        _("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.COMPANY,
        help_text=_(
            "Private: only your company's people see it. Open: every company's people may enrol."
        ),
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
        LabelledInlinePanel(
            "sessions", heading=_("Sessions"), label=_("Session"), add_label=_("Add a session")
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("description"),
        index.SearchField("city"),
        index.RelatedFields("association", [index.SearchField("title")]),
        index.RelatedFields("causes", [index.SearchField("name"), index.SearchField("name_en")]),
        index.RelatedFields("skills", [index.SearchField("name"), index.SearchField("name_en")]),
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

    def clean(self) -> None:
        super().clean()
        # The title is the subject of every enrolment e-mail: a line break there would break them.
        if errors := single_line_errors(self, "title"):
            raise ValidationError(errors)

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
        # A draft preview or an old revision shows sessions that may not exist yet: no
        # enrol buttons (nor a share link to a page that may not be live).
        context["is_preview"] = bool(getattr(request, "is_preview", False))
        context["share_url"] = request.build_absolute_uri(self.url or "/")
        # Share buttons only for missions open to everyone: a company-private mission's link
        # leads strangers to a 404, and its title is the company's business.
        context["shareable"] = not context["is_preview"] and self.visibility == self.Visibility.ALL
        return context

    def upcoming_sessions(self):
        sessions = self.sessions.all()
        if not isinstance(sessions, models.QuerySet):
            # A preview or a revision: the sessions are the edited ones, held in memory.
            return _upcoming_in_memory(list(sessions))
        return (
            sessions.filter(start__gte=timezone.now())
            .not_cancelled()
            .with_seats_left()
            .order_by("start")
        )


def _upcoming_in_memory(sessions: list[MissionSession]) -> list[MissionSession]:
    """Upcoming sessions of a draft, with the seats taken in the saved ones (none in new ones)."""
    now = timezone.now()
    upcoming = sorted(
        (s for s in sessions if s.start and s.end and s.start >= now and s.cancelled_at is None),
        key=lambda s: s.start,
    )
    saved = MissionSession.objects.filter(pk__in=[s.pk for s in upcoming if s.pk]).with_seats_left()
    taken = dict(saved.values_list("pk", "seats_taken"))
    for session in upcoming:
        session.seats_taken = taken.get(session.pk, 0)
        session.seats_left = max((session.seats or 0) - session.seats_taken, 0)
    return upcoming


class MissionSessionQuerySet(models.QuerySet):
    def not_cancelled(self):
        return self.filter(cancelled_at__isnull=True)

    def with_seats_left(self):
        """Annotate `seats_taken` and `seats_left` (confirmed and pending seats count), in SQL."""
        from missions.models.engagement import SEAT_HOLDING_STATUSES, Enrolment

        taken = (
            Enrolment.objects.filter(
                session=models.OuterRef("pk"), status__in=SEAT_HOLDING_STATUSES
            )
            .order_by()
            .values("session")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        zero = models.Value(0)
        return self.annotate(
            seats_taken=Coalesce(models.Subquery(taken, output_field=models.IntegerField()), zero)
        ).annotate(seats_left=Greatest(models.F("seats") - models.F("seats_taken"), zero))


class MissionSession(Orderable):
    """One dated occurrence of a mission, with a limited number of seats."""

    mission = ParentalKey(
        MissionPage, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="sessions"
    )
    start = models.DateTimeField(
        _("start"),
        help_text=_("Day and time the session starts, in the company's time zone."),
    )
    end = models.DateTimeField(
        _("end"),
        help_text=_(
            "Day and time it ends; a session over several days counts at most one work day per day."
        ),
    )
    place = models.CharField(
        _("place"), max_length=255, blank=True, help_text=_("Blank: the mission's address.")
    )
    seats = models.PositiveIntegerField(
        _("seats"),
        default=10,
        help_text=_("How many people may enrol; the next ones join the waiting list."),
    )
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
        errors = single_line_errors(self, "place")
        for name in ("start", "end"):
            try:
                validate_date_in_range(getattr(self, name))
            except ValidationError as error:
                errors[name] = error
        if errors:
            raise ValidationError(errors)
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
