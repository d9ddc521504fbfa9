"""Forms of the missions app: the catalogue's search and filters, and engagement's forms."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import formats
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from missions.models import AssociationPage, Cause, MissionKind, SessionSeries, Skill
from missions.selectors.catalogue import MissionFilters, sorted_by_name
from missions.services.series import MAX_SESSIONS
from missions.services.sessions import REASON_MAX_LENGTH
from portal.inputs import validate_date_in_range

REMOTE = "remote"
SORT_DATE = "date"
SORT_RELEVANCE = "relevance"


class MissionFilterForm(forms.Form):
    """Search and filters of the mission list; every field is optional and lives in the URL."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"placeholder": _("Mission, association, skill…")}),
    )
    cause = forms.ModelChoiceField(
        label=_("Cause"),
        queryset=Cause.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All causes"),
    )
    skill = forms.ModelChoiceField(
        label=_("Skill"),
        queryset=Skill.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All skills"),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    where = forms.ChoiceField(label=_("Where"), required=False)
    seats = forms.BooleanField(label=_("Only missions with seats left"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(SORT_DATE, _("Next date")), (SORT_RELEVANCE, _("Relevance"))],
    )

    field_order = ["q", "cause", "skill", "kind", "where", "date_from", "date_to", "seats", "sort"]

    def __init__(self, *args, cities=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *MissionKind.choices]
        # Validation still goes through each field's queryset; only the display order changes.
        for name, empty in (("cause", _("All causes")), ("skill", _("All skills"))):
            field = self.fields[name]
            field.choices = [("", empty)] + [
                (item.slug, item.name) for item in sorted_by_name(field.queryset)
            ]
        self.fields["where"].choices = [
            ("", _("Anywhere")),
            (REMOTE, _("Remote")),
            (_("Cities"), [(city, city) for city in cities]),
        ]

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The end of the range comes before its start."))
        return cleaned

    def to_filters(self) -> MissionFilters:
        """The filters the visitor asked for; a field that does not validate is ignored."""
        self.is_valid()
        data = self.cleaned_data
        query = (data.get("q") or "").strip()
        where = data.get("where") or ""
        sort = data.get("sort") or (SORT_RELEVANCE if query else SORT_DATE)
        return MissionFilters(
            query=query,
            cause=data.get("cause"),
            skill=data.get("skill"),
            kind=data.get("kind") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            city="" if where == REMOTE else where,
            remote_only=where == REMOTE,
            seats_left_only=bool(data.get("seats")),
            sort=sort,
        )

    def active_filters(self) -> list[dict]:
        """The filters in force, each with its label and the URL parameters that remove it."""
        if not self.is_valid() and not hasattr(self, "cleaned_data"):
            return []
        data = self.cleaned_data
        chips = []

        def chip(label: str, *params: str) -> None:
            chips.append({"label": label, "remove": dict.fromkeys((*params, "page"))})

        if data.get("cause"):
            chip(f"{gettext('Cause')}: {data['cause'].name}", "cause")
        if data.get("skill"):
            chip(f"{gettext('Skill')}: {data['skill'].name}", "skill")
        if data.get("kind"):
            chip(str(dict(MissionKind.choices)[data["kind"]]), "kind")
        if data.get("where"):
            chip(gettext("Remote") if data["where"] == REMOTE else data["where"], "where")
        if data.get("date_from"):
            day = formats.date_format(data["date_from"], "SHORT_DATE_FORMAT")
            chip(gettext("From %(day)s") % {"day": day}, "date_from")
        if data.get("date_to"):
            day = formats.date_format(data["date_to"], "SHORT_DATE_FORMAT")
            chip(gettext("Until %(day)s") % {"day": day}, "date_to")
        if data.get("seats"):
            chip(gettext("Seats left"), "seats")
        return chips


# --- Engagement ------------------------------------------------------------------------------


class HoursForm(forms.Form):
    hours = forms.DecimalField(
        label=gettext_lazy("Hours"), min_value=0, max_digits=6, decimal_places=2
    )


class FeedbackForm(forms.Form):
    SCALE = [(i, str(i)) for i in range(1, 6)]

    satisfaction = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with this session? (1 to 5)"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    meaning = forms.TypedChoiceField(
        label=gettext_lazy("How meaningful was it to you? (1 to 5)"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    skills = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Skills you developed"),
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_skills = forms.CharField(
        label=gettext_lazy("Other skills"), max_length=300, required=False
    )
    would_recommend = forms.BooleanField(
        label=gettext_lazy("I would recommend this mission to a colleague"), required=False
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"), widget=forms.Textarea, max_length=3000, required=False
    )
    consent_to_quote = forms.BooleanField(
        label=gettext_lazy("My comment may be quoted in impact reports"), required=False
    )


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional, sent to the employee)"),
        max_length=500,
        required=False,
    )


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason, told to every participant"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SeriesForm(forms.Form):
    first_start = forms.DateTimeField(
        label=gettext_lazy("First session starts"),
        validators=[validate_date_in_range],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    duration_hours = forms.DecimalField(
        label=gettext_lazy("Length (hours)"), min_value=0.5, max_value=24 * 14, decimal_places=2
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("Repeat"), choices=SessionSeries.Frequency.choices
    )
    interval = forms.IntegerField(label=gettext_lazy("Every"), min_value=1, max_value=12)
    count = forms.IntegerField(
        label=gettext_lazy("Number of sessions"), min_value=1, max_value=MAX_SESSIONS
    )
    seats = forms.IntegerField(label=gettext_lazy("Seats"), min_value=1, max_value=10000)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=255, required=False)


# The association workspace ----------------------------------------------------------------------

RATING_CHOICES = [(str(n), str(n)) for n in range(5, 0, -1)]


class InviteMemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            ("member", _("Member (rosters and attendance)")),
            ("admin", _("Administrator (invites others, receipts, signature)")),
        ],
        initial="member",
    )


class AdminInviteForm(InviteMemberForm):
    """The platform admin's invitation, from the Wagtail admin: any approved association."""

    association = forms.ModelChoiceField(label=_("Association"), queryset=None)

    field_order = ["association", "email", "role"]

    def __init__(self, *args, **kwargs):
        from missions.models import AssociationPage

        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = AssociationPage.objects.order_by("title")


class AcceptInvitationForm(forms.Form):
    """A new association account: names and a password (checked by Django's validators)."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.password_validation import validate_password

        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            user = get_user_model()(
                email=self.email,
                username=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class VolunteerFeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How did it go with this volunteer? (5 = very well)"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("A word for their CSR team (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CompanyFeedbackForm(forms.Form):
    company = forms.TypedChoiceField(label=_("Company"), coerce=int, choices=())
    rating = forms.TypedChoiceField(
        label=_("How was working with this company? (5 = very well)"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, companies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].choices = [(c.pk, c.name) for c in companies]


def attendance_marks(data, enrolment_ids) -> list:
    """The roster form's choices: `presence-<id>` (attended / no_show / blank = unchanged) and
    `hours-<id>`; an enrolment left blank is not part of the confirmation."""
    from missions.services.attendance import AttendanceMark

    marks = []
    for enrolment_id in enrolment_ids:
        presence = data.get(f"presence-{enrolment_id}", "")
        if presence not in ("attended", "no_show"):
            continue
        hours = (data.get(f"hours-{enrolment_id}") or "").strip()[:12] or None
        marks.append(
            AttendanceMark(enrolment_id=enrolment_id, attended=presence == "attended", hours=hours)
        )
    return marks


class SessionListForm(forms.Form):
    """Filters and sort of the CSR officer's sessions list (GET); bad values fall back to all."""

    PERIODS = [
        ("", gettext_lazy("All dates")),
        ("upcoming", gettext_lazy("Upcoming")),
        ("soon", gettext_lazy("Next two weeks")),
        ("past", gettext_lazy("Past")),
    ]
    SORTS = [
        ("start", gettext_lazy("Date, earliest first")),
        ("-start", gettext_lazy("Date, latest first")),
        ("fill", gettext_lazy("Fill rate, lowest first")),
        ("-fill", gettext_lazy("Fill rate, highest first")),
        ("mission", gettext_lazy("Mission")),
    ]

    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=PERIODS, required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Mission kind"),
        choices=[("", gettext_lazy("All kinds")), *MissionKind.choices],
        required=False,
    )
    association = forms.TypedChoiceField(
        label=gettext_lazy("Association"), coerce=int, empty_value=None, required=False
    )
    free_seats = forms.BooleanField(label=gettext_lazy("With free seats"), required=False)
    attendance_missing = forms.BooleanField(
        label=gettext_lazy("Attendance missing"), required=False
    )
    no_shows = forms.BooleanField(
        label=gettext_lazy("No-shows in the last 30 days"), required=False
    )
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), choices=SORTS, required=False)

    def __init__(self, *args, associations: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].choices = [("", gettext_lazy("All associations")), *associations]

    def filters(self):
        from missions.selectors.csr import SessionFilters

        if not self.is_valid():
            return SessionFilters()
        data = self.cleaned_data
        return SessionFilters(
            period=data["period"],
            kind=data["kind"],
            association_id=data["association"],
            free_seats=data["free_seats"],
            attendance_missing=data["attendance_missing"],
            no_shows=data["no_shows"],
            sort=data["sort"] or "start",
        )


class SessionMessageForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=150)
    body = forms.CharField(
        label=gettext_lazy("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8})
    )
    include_waitlisted = forms.BooleanField(
        label=gettext_lazy("Also write to the people on the waitlist"), required=False
    )

    def clean_subject(self) -> str:
        subject = " ".join(self.cleaned_data["subject"].split())
        if not subject:
            raise forms.ValidationError(gettext("Write a subject."))
        return subject


class RosterLineForm(forms.Form):
    """One line of the bulk attendance: did they come, and for how long."""

    ATTENDED, NO_SHOW = "attended", "no_show"

    enrolment = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    outcome = forms.ChoiceField(
        label=gettext_lazy("Attendance"),
        choices=[(ATTENDED, gettext_lazy("Attended")), (NO_SHOW, gettext_lazy("No-show"))],
        widget=forms.RadioSelect,
    )
    hours = forms.DecimalField(
        label=gettext_lazy("Hours"),
        min_value=0,
        max_digits=6,
        decimal_places=2,
        required=False,
        localize=True,
    )


RosterFormSet = forms.formset_factory(RosterLineForm, extra=0, max_num=500, validate_max=True)


class EmployeeSkillsForm(forms.Form):
    skills = forms.TypedMultipleChoiceField(
        label=_("The skills I can offer"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, skills=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = [(s.pk, s.name) for s in skills]


class HoursField(forms.DecimalField):
    """Hours typed with a comma or a dot, whatever the page's language."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class SelfReportedHoursForm(forms.Form):
    """Hours done on one's own with an association (the service checks the rules)."""

    association = forms.ModelChoiceField(
        label=gettext_lazy("Association"), queryset=AssociationPage.objects.none()
    )
    done_on = forms.DateField(
        label=gettext_lazy("Date"),
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    hours = HoursField(
        label=gettext_lazy("Hours"),
        min_value=Decimal("0.25"),
        max_value=Decimal(16),
        max_digits=4,
        decimal_places=2,
        help_text=gettext_lazy("Between a quarter of an hour and 16 hours."),
    )
    description = forms.CharField(
        label=gettext_lazy("What you did"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = AssociationPage.objects.accepting_gifts().order_by(
            "title"
        )


class ContributionDecisionForm(forms.Form):
    """Bulk decision on self-reported hours: the ids are read from the list's checkboxes."""

    decision = forms.ChoiceField(
        choices=[("approve", gettext_lazy("Approve")), ("refuse", gettext_lazy("Refuse"))]
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for refusing (for every selected line without its own)"),
        max_length=300,
        required=False,
    )


class ProposalForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the association"), max_length=200)
    identifier_kind = forms.ChoiceField(
        label=gettext_lazy("Identifier"),
        choices=[("rna", gettext_lazy("RNA number")), ("siren", gettext_lazy("SIREN number"))],
    )
    identifier = forms.CharField(
        label=gettext_lazy("Number"),
        max_length=20,
        help_text=gettext_lazy("RNA: W followed by 9 digits. SIREN: 9 digits."),
    )
    website = forms.URLField(label=gettext_lazy("Website (optional)"), required=False)
    reason = forms.CharField(
        label=gettext_lazy("Why this association?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ProposalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", gettext_lazy("Accept")), ("decline", gettext_lazy("Decline"))]
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for declining (sent to the employee)"),
        max_length=300,
        required=False,
    )
