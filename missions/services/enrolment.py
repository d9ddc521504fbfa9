"""Enrolment rules: seats, waitlist, yearly work-time quota, manager approval, cancellation."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from missions.exceptions import (
    AfterLeaveDate,
    AlreadyDecided,
    AlreadyEnrolled,
    ApprovalExpired,
    CutoffPassed,
    IllegalTransition,
    InvalidApprovalLink,
    LeftCompany,
    NotAllowed,
    NotVisible,
    QuotaExceeded,
    SessionCancelled,
    SessionFull,
    SessionPast,
)
from missions.models import (
    QUOTA_STATUSES,
    REOPENABLE_STATUSES,
    SEAT_HOLDING_STATUSES,
    Enrolment,
    EnrolmentStatus,
    MissionPage,
    MissionSession,
)
from missions.services import notifications
from missions.visibility import visible_to_company
from portal.calendar import company_date, company_today, fiscal_year_bounds, start_of_day
from portal.models import Company, EmployeeProfile
from portal.people.departures import has_left, leaver_message

Status = EnrolmentStatus

# The seat guard. Only the concurrency test's control run switches it off, to prove that
# without the row lock the same test oversells.
SEAT_LOCKING = True

TWO_PLACES = Decimal("0.01")


def approval_window() -> dt.timedelta:
    """How long a pending request holds its seat before it expires."""
    return dt.timedelta(hours=getattr(settings, "CORDEE_APPROVAL_WINDOW_HOURS", 72))


# ---------------------------------------------------------------------------- quota


@dataclass(frozen=True)
class Quota:
    """The work-time quota of one employee over one fiscal year, in hours and days."""

    fiscal_year_start: dt.datetime
    fiscal_year_end: dt.datetime
    total_hours: Decimal
    used_hours: Decimal
    hours_per_day: Decimal

    @property
    def left_hours(self) -> Decimal:
        return max(self.total_hours - self.used_hours, Decimal(0)).quantize(TWO_PLACES)

    @property
    def used_days(self) -> Decimal:
        return _days(self.used_hours, self.hours_per_day)

    @property
    def left_days(self) -> Decimal:
        return _days(self.left_hours, self.hours_per_day)

    @property
    def total_days(self) -> Decimal:
        return _days(self.total_hours, self.hours_per_day)


def _days(hours: Decimal, per_day: Decimal) -> Decimal:
    return (hours / per_day).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def quota_of(*, employee: EmployeeProfile, moment: dt.datetime | None = None) -> Quota:
    company = employee.company
    start, end = fiscal_year_bounds(company, moment or timezone.now())
    used = Enrolment.objects.filter(
        employee=employee,
        status__in=QUOTA_STATUSES,
        quota_hours__gt=0,
        session__start__gte=start,
        session__start__lt=end,
    ).aggregate(used=Sum(Coalesce("hours", "quota_hours")))["used"] or Decimal(0)
    return Quota(
        fiscal_year_start=start,
        fiscal_year_end=end,
        total_hours=company.yearly_quota_hours,
        used_hours=Decimal(used).quantize(TWO_PLACES),
        hours_per_day=company.hours_per_day,
    )


def work_time_hours(*, session: MissionSession, mission: MissionPage, company: Company) -> Decimal:
    """Work time a session takes: its length, at most a work day per calendar day it spans."""
    if not mission.is_work_time:
        return Decimal(0)
    days = (company_date(company, session.end) - company_date(company, session.start)).days + 1
    return min(session.duration_hours, company.hours_per_day * days).quantize(TWO_PLACES)


def _check_quota(*, employee: EmployeeProfile, session: MissionSession, hours: Decimal) -> None:
    if hours <= 0:
        return
    quota = quota_of(employee=employee, moment=session.start)
    if quota.used_hours + hours > quota.total_hours:
        raise QuotaExceeded(
            hours_left=quota.left_hours, days_left=quota.left_days, hours_needed=hours
        )


# ---------------------------------------------------------------------------- approval


def needs_approval(*, mission: MissionPage, company: Company) -> bool:
    """A mission may ask for approval itself; the company's rule covers work-time missions."""
    return mission.needs_approval or (company.approval_required and mission.is_work_time)


def manager_in_post(employee: EmployeeProfile) -> EmployeeProfile | None:
    """The employee's manager, unless that manager has left (then the CSR team decides)."""
    if employee.manager_id is None or has_left(employee.manager):
        return None
    return employee.manager


def approvers_of(employee: EmployeeProfile) -> list[EmployeeProfile]:
    """Who decides this employee's requests: their manager in post, or else the CSR officers."""
    if manager := manager_in_post(employee):
        return [manager]
    return list(
        EmployeeProfile.objects.filter(company_id=employee.company_id, is_csr_officer=True)
        .select_related("user")
        .order_by("pk")
    )


def may_decide(*, approver: EmployeeProfile, employee: EmployeeProfile) -> bool:
    if approver.company_id != employee.company_id or has_left(approver):
        return False
    if manager_in_post(employee):
        return employee.manager_id == approver.pk
    return approver.is_csr_officer


def _end_of_day(employee: EmployeeProfile, day: dt.date) -> dt.datetime:
    """The first instant after `day` in the employee's company's time zone."""
    return start_of_day(day + dt.timedelta(days=1), employee.company.time_zone)


def _approval_deadline(session: MissionSession, now: dt.datetime) -> dt.datetime:
    return min(now + approval_window(), session.start)


# ---------------------------------------------------------------------------- enrol


def _lock_session(session_id: int, *, lock: bool) -> MissionSession:
    qs = MissionSession.objects.all()
    if lock:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=session_id)
    except MissionSession.DoesNotExist:
        raise NotVisible from None


def _session_with_mission(session_id: int, employee: EmployeeProfile) -> MissionSession:
    """The session and its mission in one read, without a lock; NotVisible if either is not
    there for this employee."""
    try:
        session = MissionSession.objects.select_related("mission").get(pk=session_id)
    except MissionSession.DoesNotExist:
        raise NotVisible from None
    mission = session.mission
    if not (mission.live and visible_to_company(mission, employee.company_id)):
        raise NotVisible
    return session


def seats_taken(session: MissionSession) -> int:
    return Enrolment.objects.filter(session=session, status__in=SEAT_HOLDING_STATUSES).count()


def _lock_session_and_count(session: MissionSession) -> tuple[MissionSession, int]:
    """Lock the session row, read again what a CSR officer may change (dates, seats,
    cancellation), and count the seats taken; returns a copy of `session` with the locked
    values, and the count.

    The count is a statement of its own that runs once the lock is granted: under READ
    COMMITTED it takes a fresh snapshot, so it sees every enrolment the previous holder
    committed. On PostgreSQL both statements travel in one round trip (psycopg's pipeline
    mode), which keeps the lock one round trip shorter."""
    lock = (
        MissionSession.objects.select_for_update()
        .filter(pk=session.pk)
        .values_list("start", "end", "cancelled_at", "seats")
        .query.get_compiler(connection=connection)
    )
    lock_sql, lock_params = lock.as_sql()
    count_sql, count_params = (
        Enrolment.objects.filter(session_id=session.pk, status__in=SEAT_HOLDING_STATUSES)
        .values_list("pk")
        .query.sql_with_params()
    )
    count_sql = f"SELECT COUNT(*) FROM ({count_sql}) seats"  # noqa: S608 - compiled by the ORM
    # Inside enrol()'s transaction: the connection is open.
    pipeline = (
        connection.connection.pipeline
        if connection.vendor == "postgresql"
        else contextlib.nullcontext
    )
    # A pipeline reports a failed statement when it syncs (a fetch or its end): Django's error
    # classes wrap the whole block.
    with (
        connection.wrap_database_errors,
        pipeline(),
        connection.cursor() as lock_cursor,
        connection.cursor() as count_cursor,
    ):
        lock_cursor.execute(lock_sql, lock_params)
        count_cursor.execute(count_sql, count_params)
        row = lock_cursor.fetchone()
        taken = count_cursor.fetchone()[0]
    if row is None:
        raise NotVisible
    converters = lock.get_converters([column for column, _sql, _alias in lock.select])
    if converters:  # the database's values as the ORM gives them (aware datetimes)
        (row,) = lock.apply_converters([row], converters)
    locked = copy.copy(session)
    locked.start, locked.end, locked.cancelled_at, locked.seats = row
    return locked, taken


def _check_session_open(session: MissionSession, employee: EmployeeProfile, now) -> None:
    if session.cancelled_at is not None:
        raise SessionCancelled
    if session.start <= now:
        raise SessionPast
    if employee.leave_date and session.start >= _end_of_day(employee, employee.leave_date):
        raise AfterLeaveDate(employee.leave_date)


def enrol(
    *,
    employee: EmployeeProfile,
    session_id: int,
    waitlist_if_full: bool = False,
    lock: bool | None = None,
    now: dt.datetime | None = None,
) -> Enrolment:
    """Enrol `employee` in a session: a seat (confirmed or pending approval) or the waitlist.

    The employee row is locked first, so that one employee's concurrent requests cannot
    together exceed the yearly quota nor enrol twice; everything else that does not depend on
    the seats (visibility, dates, an earlier enrolment, the quota, approval) is read and
    checked before the session row is locked. The session lock is the critical section every
    concurrent request for the session queues on: it holds the seat count, the insert of the
    enrolment and its audit event, and the commit, and nothing else. The e-mails leave after
    the commit (`notifications.enqueue` uses on_commit).

    Raises NotVisible, SessionCancelled, SessionPast, AlreadyEnrolled, QuotaExceeded, and
    SessionFull unless `waitlist_if_full` (then the employee joins the waitlist).
    """
    lock = SEAT_LOCKING if lock is None else lock
    now = now or timezone.now()
    with transaction.atomic():
        if lock:
            employee = (
                EmployeeProfile.objects.select_for_update(of=("self",))
                .select_related("company", "manager")
                .get(pk=employee.pk)
            )
        if has_left(employee):
            raise LeftCompany(leaver_message(employee))
        # Before the session lock: reads that concurrent enrolments of others cannot change.
        session = _session_with_mission(session_id, employee)
        mission = session.mission
        _check_session_open(session, employee, now)
        existing = Enrolment.objects.filter(employee=employee, session_id=session_id).first()
        if existing is not None and existing.status not in REOPENABLE_STATUSES:
            raise AlreadyEnrolled(existing)
        company = employee.company
        hours = work_time_hours(session=session, mission=mission, company=company)
        _check_quota(employee=employee, session=session, hours=hours)
        approval = needs_approval(mission=mission, company=company)

        # The critical section: from the session lock to the commit.
        if lock:
            locked, taken = _lock_session_and_count(session)
            # A CSR officer may have cancelled, moved or resized it meanwhile: the locked row
            # is the truth. The checks run again on it (no query), and the quota if it moved.
            _check_session_open(locked, employee, now)
            if (locked.start, locked.end) != (session.start, session.end):
                hours = work_time_hours(session=locked, mission=mission, company=company)
                _check_quota(employee=employee, session=locked, hours=hours)
            session = locked
        else:
            taken = seats_taken(session)
        if taken >= session.seats:
            if not waitlist_if_full:
                raise SessionFull
            target = Status.WAITLISTED
        elif approval:
            target = Status.PENDING_APPROVAL
        else:
            target = Status.CONFIRMED

        enrolment = existing or Enrolment(employee=employee, session=session)
        enrolment.quota_hours = hours
        enrolment.decided_by, enrolment.decided_at, enrolment.decision_reason = None, None, ""
        _prepare(enrolment, target, session=session, now=now)
        try:
            # Without the employee lock (control runs) or across two tabs, the unique
            # constraint is the last word on "one enrolment per employee and session". No
            # savepoint of its own: the error leaves this atomic block, which rolls back.
            enrolment.transition_to(target, actor=employee)
        except IntegrityError:
            raise AlreadyEnrolled(None) from None
        _notify_new_status(enrolment)
        return enrolment


def _prepare(
    enrolment: Enrolment, target: str, *, session: MissionSession, now: dt.datetime
) -> None:
    """Set the fields that go with entering `target` (deadline, nonce, waitlist position)."""
    if target == Status.PENDING_APPROVAL:
        enrolment.approval_deadline = _approval_deadline(session, now)
        enrolment.approval_nonce = secrets.token_hex(16)
    if target == Status.WAITLISTED:
        enrolment.waitlisted_at = now


def _notify_new_status(enrolment: Enrolment) -> None:
    kind = {
        Status.CONFIRMED: "confirmed",
        Status.PENDING_APPROVAL: "pending",
        Status.WAITLISTED: "waitlisted",
    }[enrolment.status]
    notifications.enqueue(enrolment_id=enrolment.pk, kind=kind)
    if enrolment.status == Status.PENDING_APPROVAL:
        notifications.enqueue(enrolment_id=enrolment.pk, kind="approval_request")


# ---------------------------------------------------------------------------- cancel


def cancel(
    *,
    employee: EmployeeProfile,
    enrolment_id: int,
    now: dt.datetime | None = None,
    leaving: bool = False,
) -> Enrolment:
    """The employee gives up their seat or waitlist place; the first waitlisted moves up.

    A seat (confirmed or pending) can be given up until the mission's cut-off; a waitlist place
    until the session starts. `leaving`: the person leaves the company, the cut-off does not
    apply (the seat is freed whatever the notice).
    """
    now = now or timezone.now()
    with transaction.atomic():
        session_id = (
            Enrolment.objects.filter(pk=enrolment_id, employee=employee)
            .values_list("session_id", flat=True)
            .first()
        )
        if session_id is None:
            raise NotVisible
        session = _lock_session(session_id, lock=True)
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("session__mission")
            .get(pk=enrolment_id)
        )
        previous = enrolment.status
        if previous not in (*SEAT_HOLDING_STATUSES, Status.WAITLISTED):
            raise IllegalTransition(previous, Status.CANCELLED)
        if session.start <= now:
            raise SessionPast
        cutoff_passed = now > enrolment.cancellation_cutoff
        if previous in SEAT_HOLDING_STATUSES and cutoff_passed and not leaving:
            raise CutoffPassed
        enrolment.approval_nonce = ""
        enrolment.transition_to(
            Status.CANCELLED,
            actor=employee,
            note="the person leaves the company" if leaving else "",
        )
        if previous == Status.CONFIRMED:
            notifications.enqueue(enrolment_id=enrolment.pk, kind="cancelled")
        if previous in SEAT_HOLDING_STATUSES:
            promote_waitlisted(session=session, now=now)
        return enrolment


def may_cancel(enrolment: Enrolment, now: dt.datetime | None = None) -> bool:
    """Whether cancel() would accept it now: a seat until the cut-off, a waitlist place until
    the session starts."""
    now = now or timezone.now()
    if enrolment.status not in (*SEAT_HOLDING_STATUSES, Status.WAITLISTED):
        return False
    if enrolment.session.start <= now:
        return False
    return enrolment.status == Status.WAITLISTED or now <= enrolment.cancellation_cutoff


def _lock_employee_unless_busy(employee_id: int) -> bool:
    """Take the employee's row lock, as enrol() does before checking the quota, without waiting.

    enrol() locks the employee, then the session; promotion already holds a session, so waiting
    for an employee could deadlock. A locked row means that person is enrolling right now: they
    are passed over this time rather than risk spending their quota twice.
    """
    return bool(
        EmployeeProfile.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=employee_id)
        .values_list("pk", flat=True)
    )


def promote_waitlisted(*, session: MissionSession, now: dt.datetime | None = None) -> list[int]:
    """Give free seats to the waitlist in order; the caller holds the session row lock.

    Someone whose quota no longer allows the session is passed over and stays waitlisted, and so
    is someone whose own row is locked by an enrolment of theirs in progress.
    Returns the promoted enrolment ids.
    """
    now = now or timezone.now()
    if session.start <= now or session.cancelled_at is not None:
        return []
    free = session.seats - seats_taken(session)
    promoted: list[int] = []
    if free <= 0:
        return promoted
    mission = MissionPage.objects.select_related("company").get(pk=session.mission_id)
    waiting = (
        Enrolment.objects.select_for_update(of=("self",))
        .filter(session=session, status=Status.WAITLISTED)
        .select_related("employee__company")
        .order_by("waitlisted_at", "pk")
    )
    for enrolment in waiting:
        if free <= 0:
            break
        if SEAT_LOCKING and not _lock_employee_unless_busy(enrolment.employee_id):
            continue  # enrolling elsewhere this very moment: the next free seat asks again
        try:
            _check_quota(employee=enrolment.employee, session=session, hours=enrolment.quota_hours)
        except QuotaExceeded:
            continue
        target = (
            Status.PENDING_APPROVAL
            if needs_approval(mission=mission, company=enrolment.employee.company)
            else Status.CONFIRMED
        )
        _prepare(enrolment, target, session=session, now=now)
        enrolment.transition_to(target, note="promoted from the waitlist")
        notifications.enqueue(enrolment_id=enrolment.pk, kind="promoted")
        if target == Status.PENDING_APPROVAL:
            notifications.enqueue(enrolment_id=enrolment.pk, kind="approval_request")
        promoted.append(enrolment.pk)
        free -= 1
    return promoted


# ---------------------------------------------------------------------------- decide


def decide(
    *,
    approver: EmployeeProfile,
    enrolment_id: int,
    approve: bool,
    reason: str = "",
    now: dt.datetime | None = None,
    link_nonce: str | None = None,
) -> Enrolment:
    """A manager (or, for someone without a manager, a CSR officer) approves or declines.

    Raises NotAllowed (not their report / not their company), AlreadyDecided, ApprovalExpired.
    """
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            Enrolment.objects.filter(pk=enrolment_id)
            .values_list("session_id", "employee_id")
            .first()
        )
        if row is None:
            raise NotAllowed
        session = _lock_session(row[0], lock=True)
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("employee__company", "employee__manager")
            .get(pk=enrolment_id)
        )
        if not may_decide(approver=approver, employee=enrolment.employee):
            raise NotAllowed
        if link_nonce is not None and link_nonce != enrolment.approval_nonce:
            # Checked again under the lock: two clicks on one link decide once.
            raise InvalidApprovalLink
        if enrolment.status != Status.PENDING_APPROVAL:
            if enrolment.status == Status.EXPIRED:
                raise ApprovalExpired
            raise AlreadyDecided
        if enrolment.approval_deadline <= now:
            raise ApprovalExpired
        enrolment.decided_by, enrolment.decided_at = approver, now
        enrolment.decision_reason = reason.strip()[:500]
        enrolment.approval_nonce = ""
        if approve:
            enrolment.transition_to(Status.CONFIRMED, actor=approver, note=reason)
            notifications.enqueue(enrolment_id=enrolment.pk, kind="approved")
        else:
            enrolment.transition_to(Status.DECLINED, actor=approver, note=reason)
            notifications.enqueue(enrolment_id=enrolment.pk, kind="declined")
            promote_waitlisted(session=session, now=now)
        return enrolment


@dataclass
class BulkResult:
    done: list[int]
    refused: dict[int, str]


def decide_many(
    *,
    approver: EmployeeProfile,
    enrolment_ids: list[int],
    approve: bool,
    reason: str = "",
    now: dt.datetime | None = None,
) -> BulkResult:
    """Decide several requests; each is its own transaction so one refusal spoils no other."""
    from missions.exceptions import EngagementError

    result = BulkResult(done=[], refused={})
    for enrolment_id in dict.fromkeys(enrolment_ids):
        try:
            decide(
                approver=approver,
                enrolment_id=enrolment_id,
                approve=approve,
                reason=reason,
                now=now,
            )
        except EngagementError as error:
            result.refused[enrolment_id] = error.message
        else:
            result.done.append(enrolment_id)
    return result


def pending_for(approver: EmployeeProfile):
    """Pending requests this person may decide, oldest first."""
    if has_left(approver):
        return Enrolment.objects.none()
    today = company_today(approver.company)
    mine = Q(employee__manager=approver)
    if approver.is_csr_officer:
        # Reports of no one, or of a manager who has left: the CSR team decides.
        mine |= Q(employee__company_id=approver.company_id) & (
            Q(employee__manager__isnull=True) | Q(employee__manager__leave_date__lt=today)
        )
    return (
        Enrolment.objects.filter(mine, status=Status.PENDING_APPROVAL)
        .filter(employee__company_id=approver.company_id)
        .select_related("employee__user", "session__mission__association")
        .order_by("approval_deadline", "pk")
    )


def expire_overdue_requests(*, now: dt.datetime | None = None) -> list[int]:
    """Pending requests past their deadline release their seat (idempotent)."""
    now = now or timezone.now()
    expired: list[int] = []
    overdue = Enrolment.objects.filter(
        status=Status.PENDING_APPROVAL, approval_deadline__lte=now
    ).values_list("pk", "session_id")
    for enrolment_id, session_id in overdue:
        with transaction.atomic():
            session = _lock_session(session_id, lock=True)
            enrolment = Enrolment.objects.select_for_update().get(pk=enrolment_id)
            if enrolment.status != Status.PENDING_APPROVAL or enrolment.approval_deadline > now:
                continue  # decided meanwhile
            enrolment.approval_nonce = ""
            enrolment.transition_to(Status.EXPIRED, note="approval deadline passed")
            notifications.enqueue(enrolment_id=enrolment.pk, kind="expired")
            promote_waitlisted(session=session, now=now)
            expired.append(enrolment_id)
    return expired
