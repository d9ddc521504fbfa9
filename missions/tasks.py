"""Celery tasks of engagement: thin, idempotent wrappers that take ids and call a service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="missions.send_enrolment_email")
def send_enrolment_email(*, enrolment_id: int, kind: str) -> int:
    from missions.services import notifications

    return notifications.send(enrolment_id=enrolment_id, kind=kind)


@shared_task(name="missions.expire_overdue_requests")
def expire_overdue_requests() -> int:
    from missions.services import enrolment

    return len(enrolment.expire_overdue_requests())


@shared_task(name="missions.send_session_reminders")
def send_session_reminders() -> int:
    from missions.services import attendance

    return len(attendance.send_session_reminders())


@shared_task(name="missions.record_attendance_after_grace")
def record_attendance_after_grace() -> int:
    from missions.services import attendance

    return len(attendance.record_attendance_after_grace())


@shared_task(name="missions.send_association_invitation")
def send_association_invitation(*, invitation_id: int) -> int:
    from missions.services import association

    return association.send_invitation(invitation_id=invitation_id)


@shared_task(name="missions.send_session_message")
def send_session_message(*, message_id: int) -> int:
    from missions.services import session_messages

    return session_messages.send(message_id=message_id)


@shared_task(name="missions.send_proposal_email")
def send_proposal_email(*, proposal_id: int) -> int:
    from missions.services import community

    return community.send_proposal_decision(proposal_id=proposal_id)


@shared_task(name="missions.send_refused_hours_email")
def send_refused_hours_email(*, entry_ids: list[int]) -> int:
    from missions.services import community

    return community.send_refused_hours(entry_ids=entry_ids)
