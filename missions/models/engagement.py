"""Engagement: enrolments and their life cycle, feedback, calendar feeds and session series."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from missions.exceptions import IllegalTransition
from missions.models.catalogue import MissionPage, MissionSession, Skill


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
    # The association's word on attendance (its workspace), shown to the company's CSR team.
    association_confirmed_at = models.DateTimeField(
        _("attendance confirmed by the association at"), null=True, blank=True
    )
    association_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attendance confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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
