"""After the session: reminders before it, attendance and hours after it, the survey invitation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from missions.exceptions import (
    GracePeriodOver,
    IllegalTransition,
    InvalidHours,
    NotAllowed,
    SessionNotOver,
)
from missions.models import Enrolment, EnrolmentStatus
from missions.services import notifications
from portal.models import EmployeeProfile

Status = EnrolmentStatus


def grace_period() -> dt.timedelta:
    """How long after a session its attendance stays open to corrections."""
    return dt.timedelta(days=getattr(settings, "CORDEE_ATTENDANCE_GRACE_DAYS", 3))


def reminder_lead() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "CORDEE_REMINDER_LEAD_HOURS", 24))


def send_session_reminders(*, now: dt.datetime | None = None) -> list[int]:
    """Remind confirmed participants of sessions starting within a day; never twice.

    The conditional UPDATE is the idempotency guard: two beat runs (or two workers) racing on
    the same enrolment update it once, and only the winner queues the e-mail.
    """
    now = now or timezone.now()
    due = Enrolment.objects.filter(
        status=Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        session__start__gt=now,
        session__start__lte=now + reminder_lead(),
    ).values_list("pk", flat=True)
    reminded = []
    for enrolment_id in due:
        with transaction.atomic():
            won = Enrolment.objects.filter(pk=enrolment_id, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if won:
                notifications.enqueue(enrolment_id=enrolment_id, kind="reminder")
                reminded.append(enrolment_id)
    return reminded


def _parse_hours(value, *, limit: Decimal) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidHours from None
    if not hours.is_finite() or hours < 0 or hours > limit:
        raise InvalidHours
    return hours


def _attend(enrolment: Enrolment, *, actor, now: dt.datetime, hours=None) -> None:
    enrolment.hours = hours if hours is not None else enrolment.hours
    if enrolment.hours is None:
        enrolment.hours = enrolment.session.duration_hours
    enrolment.attendance_recorded_at = now
    enrolment.transition_to(Status.ATTENDED, actor=actor)
    # The survey is offered once, on the first time the attendance is recorded.
    if enrolment.survey_sent_at is None:
        Enrolment.objects.filter(pk=enrolment.pk).update(survey_sent_at=now)
        enrolment.survey_sent_at = now
        notifications.enqueue(enrolment_id=enrolment.pk, kind="survey")


def record_attendance_after_grace(*, now: dt.datetime | None = None) -> list[int]:
    """Confirmed seats of sessions over for longer than the grace period become attended."""
    now = now or timezone.now()
    due = Enrolment.objects.filter(
        status=Status.CONFIRMED, session__end__lte=now - grace_period()
    ).values_list("pk", flat=True)
    recorded = []
    for enrolment_id in due:
        with transaction.atomic():
            enrolment = (
                Enrolment.objects.select_for_update(of=("self",))
                .select_related("session")
                .get(pk=enrolment_id)
            )
            if enrolment.status != Status.CONFIRMED:
                continue
            _attend(enrolment, actor=None, now=now)
            recorded.append(enrolment_id)
    return recorded


def _officer_enrolment(officer: EmployeeProfile, enrolment_id: int) -> Enrolment:
    """An enrolment of the officer's own company, locked; another company's is NotAllowed."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("session", "employee")
        .filter(pk=enrolment_id, employee__company_id=officer.company_id)
        .first()
    )
    if enrolment is None or not officer.is_csr_officer:
        raise NotAllowed
    return enrolment


def mark_attendance(
    *,
    officer: EmployeeProfile,
    enrolment_ids: list[int],
    attended: bool,
    now: dt.datetime | None = None,
) -> list[int]:
    """A CSR officer marks attended or no-show in bulk (all or nothing)."""
    now = now or timezone.now()
    marked = []
    with transaction.atomic():
        for enrolment_id in dict.fromkeys(enrolment_ids):
            enrolment = _officer_enrolment(officer, enrolment_id)
            if enrolment.session.start > now:
                raise SessionNotOver
            target = Status.ATTENDED if attended else Status.NO_SHOW
            if enrolment.status == target:
                continue
            if not Enrolment.can_transition(enrolment.status, target):
                raise IllegalTransition(enrolment.status, target)
            if attended:
                _attend(enrolment, actor=officer, now=now)
            else:
                enrolment.attendance_recorded_at = now
                enrolment.transition_to(Status.NO_SHOW, actor=officer)
            marked.append(enrolment_id)
    return marked


def set_hours_by_officer(
    *, officer: EmployeeProfile, enrolment_id: int, hours, now: dt.datetime | None = None
) -> Enrolment:
    now = now or timezone.now()
    with transaction.atomic():
        enrolment = _officer_enrolment(officer, enrolment_id)
        if enrolment.session.start > now:
            raise SessionNotOver
        if enrolment.status not in (Status.CONFIRMED, Status.ATTENDED):
            raise IllegalTransition(enrolment.status, enrolment.status)
        enrolment.hours = _parse_hours(hours, limit=enrolment.session.duration_hours)
        enrolment.save(update_fields=["hours", "updated_at"])
        return enrolment


def correct_own_hours(
    *, employee: EmployeeProfile, enrolment_id: int, hours, now: dt.datetime | None = None
) -> Enrolment:
    """The employee corrects their hours, from the session's end until the grace period ends."""
    now = now or timezone.now()
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("session")
            .filter(pk=enrolment_id, employee=employee)
            .first()
        )
        if enrolment is None:
            raise NotAllowed
        if enrolment.status not in (Status.CONFIRMED, Status.ATTENDED):
            raise IllegalTransition(enrolment.status, enrolment.status)
        if enrolment.session.start > now:
            raise SessionNotOver
        if now > enrolment.session.end + grace_period():
            raise GracePeriodOver
        enrolment.hours = _parse_hours(hours, limit=enrolment.session.duration_hours)
        enrolment.hours_corrected_by_employee = True
        enrolment.save(update_fields=["hours", "hours_corrected_by_employee", "updated_at"])
        return enrolment


@dataclass(frozen=True)
class AttendanceMark:
    """What an association says of one volunteer: came (hours; blank = the session's) or not."""

    enrolment_id: int
    attended: bool
    hours: str | None = None


def confirm_attendance_by_association(
    *,
    user,
    association_id: int,
    session_id: int,
    marks: list[AttendanceMark],
    now: dt.datetime | None = None,
) -> list[int]:
    """An association member confirms who came to one of its sessions (all or nothing).

    The same transitions as the CSR officer's marking (survey, hours), with the platform as the
    event's actor and the member recorded on the enrolment, which the CSR team's roster shows.
    """
    from missions.models import AssociationMembership

    now = now or timezone.now()
    confirmed = []
    with transaction.atomic():
        if not AssociationMembership.objects.filter(
            user=user, association_id=association_id, is_active=True
        ).exists():
            raise NotAllowed
        for mark in {m.enrolment_id: m for m in marks}.values():
            enrolment = (
                Enrolment.objects.select_for_update(of=("self",))
                .select_related("session")
                .filter(
                    pk=mark.enrolment_id,
                    session_id=session_id,
                    session__mission__association_id=association_id,
                )
                .first()
            )
            if enrolment is None:
                raise NotAllowed
            if enrolment.session.start > now:
                raise SessionNotOver
            target = Status.ATTENDED if mark.attended else Status.NO_SHOW
            if enrolment.status != target and not Enrolment.can_transition(
                enrolment.status, target
            ):
                raise IllegalTransition(enrolment.status, target)
            hours = None
            if mark.attended and mark.hours not in (None, ""):
                hours = _parse_hours(mark.hours, limit=enrolment.session.duration_hours)
            enrolment.association_confirmed_at = now
            enrolment.association_confirmed_by = user
            if enrolment.status != target:
                if mark.attended:
                    _attend(enrolment, actor=None, now=now, hours=hours)
                else:
                    enrolment.attendance_recorded_at = now
                    enrolment.transition_to(Status.NO_SHOW, actor=None, note="association")
            else:
                if hours is not None:
                    enrolment.hours = hours
                enrolment.save()
            confirmed.append(enrolment.pk)
    return confirmed


# Statuses a bulk attendance line may start from: a seat that was (or should have been) used.
ROSTER_STATUSES = (Status.CONFIRMED, Status.ATTENDED, Status.NO_SHOW)


def record_roster(
    *,
    officer: EmployeeProfile,
    session_id: int,
    lines: dict[int, tuple[bool, object]],
    now: dt.datetime | None = None,
) -> list[int]:
    """Confirm or correct a whole roster at once: `lines` maps an enrolment id to
    (attended, hours); hours are ignored for a no-show and default to the session's length.

    All or nothing: every line is checked, and if any is refused `RosterNotSaved` says which
    and why, and nothing is written (the e-mails of the lines already done go with the rollback).
    Returns the ids of the enrolments that changed.
    """
    from missions.exceptions import EngagementError, RosterNotSaved

    now = now or timezone.now()
    changed: list[int] = []
    errors: dict[int, str] = {}
    with transaction.atomic():
        for enrolment_id, (attended, hours) in lines.items():
            try:
                if _record_line(officer, session_id, enrolment_id, attended, hours, now):
                    changed.append(enrolment_id)
            except EngagementError as error:
                # Checks come before writes in a line, so a refused line wrote nothing itself.
                errors[enrolment_id] = error.message
        if errors:
            raise RosterNotSaved(errors)
    return changed


def _record_line(officer, session_id: int, enrolment_id: int, attended: bool, hours, now) -> bool:
    enrolment = _officer_enrolment(officer, enrolment_id)
    if enrolment.session_id != session_id:
        raise NotAllowed
    if enrolment.session.start > now:
        raise SessionNotOver
    if enrolment.status not in ROSTER_STATUSES:
        raise IllegalTransition(enrolment.status, Status.ATTENDED if attended else Status.NO_SHOW)
    if not attended:
        if enrolment.status == Status.NO_SHOW:
            return False
        enrolment.attendance_recorded_at = now
        enrolment.transition_to(Status.NO_SHOW, actor=officer)
        return True
    limit = enrolment.session.duration_hours
    value = limit if hours in (None, "") else _parse_hours(hours, limit=limit)
    if enrolment.status == Status.ATTENDED:
        if enrolment.hours == value:
            return False
        enrolment.hours = value
        enrolment.save(update_fields=["hours", "updated_at"])
        return True
    _attend(enrolment, actor=officer, now=now, hours=value)
    return True
