"""A CSR officer calls off a whole session: everyone in it is cancelled and told why."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from missions.exceptions import AlreadyCancelled, NotVisible, SessionPast
from missions.models import SEAT_HOLDING_STATUSES, Enrolment, EnrolmentStatus
from missions.services import notifications
from missions.services.enrolment import _lock_session
from portal.models import EmployeeProfile

Status = EnrolmentStatus

REASON_MAX_LENGTH = 300
# Every status that still expects the person at the session (a seat or a place in line).
AFFECTED_STATUSES = (*SEAT_HOLDING_STATUSES, Status.WAITLISTED)
EVENT_NOTE = "session cancelled"


def cancel_session(
    *,
    officer: EmployeeProfile,
    session_id: int,
    reason: str,
    now: dt.datetime | None = None,
) -> list[int]:
    """Cancel a session of the officer's company's own mission, with a reason people are told.

    Under the session row lock (as enrol() takes it, so no enrolment slips in meanwhile), every
    pending, confirmed and waitlisted enrolment moves to CANCELLED with the officer as actor,
    which gives its quota back; each person gets one e-mail once the transaction commits.

    Raises NotVisible (not a CSR officer of the mission's company, or no such session),
    SessionPast (already started), AlreadyCancelled (nothing changes, nothing is sent), and
    ValueError for an empty or too long reason. Returns the cancelled enrolment ids.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX_LENGTH:
        raise ValueError(f"a reason of 1 to {REASON_MAX_LENGTH} characters is required")
    with transaction.atomic():
        session = _lock_session(session_id, lock=True)
        owner_id = session.mission.company_id  # ParentalKey: the mission page row
        if not officer.is_csr_officer or owner_id is None or owner_id != officer.company_id:
            raise NotVisible
        if session.cancelled_at is not None:
            raise AlreadyCancelled
        if session.start <= now:
            raise SessionPast
        session.cancelled_at, session.cancellation_reason = now, reason
        session.save(update_fields=["cancelled_at", "cancellation_reason"])
        affected = (
            Enrolment.objects.select_for_update(of=("self",))
            .filter(session=session, status__in=AFFECTED_STATUSES)
            .order_by("pk")
        )
        cancelled: list[int] = []
        for enrolment in affected:
            enrolment.approval_nonce = ""  # approval links of a pending request die with it
            enrolment.transition_to(Status.CANCELLED, actor=officer, note=EVENT_NOTE)
            notifications.enqueue(enrolment_id=enrolment.pk, kind="session_cancelled")
            cancelled.append(enrolment.pk)
        return cancelled
