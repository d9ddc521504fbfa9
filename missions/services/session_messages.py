"""A CSR officer writes to the participants of a session: checked, logged, sent after commit."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from missions.exceptions import NoRecipients, NotAllowed, TooManyMessages
from missions.models import Enrolment, EnrolmentStatus, MissionSession, SessionMessage
from missions.selectors.engagement import visible_missions_for_company
from portal.mail import absolute, header_text, is_suppressed, language_of
from portal.models import EmployeeProfile

Status = EnrolmentStatus


def daily_limit() -> int:
    """How many messages one company may send to one session's participants in 24 hours."""
    return getattr(settings, "CORDEE_SESSION_MESSAGES_PER_DAY", 3)


def recipients(
    *, officer: EmployeeProfile, session: MissionSession, include_waitlisted: bool
) -> list[int]:
    """Profile ids of the officer's company's confirmed (and, if asked, waitlisted) people."""
    statuses = [Status.CONFIRMED, Status.ATTENDED]
    if include_waitlisted:
        statuses.append(Status.WAITLISTED)
    return list(
        Enrolment.objects.filter(
            session=session, employee__company_id=officer.company_id, status__in=statuses
        )
        .order_by("employee_id")
        .values_list("employee_id", flat=True)
    )


def message_participants(
    *,
    officer: EmployeeProfile,
    session_id: int,
    subject: str,
    body: str,
    include_waitlisted: bool = False,
    now: dt.datetime | None = None,
) -> SessionMessage:
    """Log the message and queue its sending once committed.

    This is a service e-mail about an enrolment the reader made, so it has no opt-out (like the
    reminder of a cancelled session); the daily limit keeps it from becoming a newsletter.
    """
    now = now or timezone.now()
    if not officer.is_csr_officer:
        raise NotAllowed
    with transaction.atomic():
        # The session row serialises two officers writing at once, so the limit holds.
        session = (
            MissionSession.objects.select_for_update()
            .filter(
                pk=session_id,
                mission__in=visible_missions_for_company(officer.company_id).values("pk"),
            )
            .first()
        )
        if session is None:
            raise NotAllowed
        sent_today = SessionMessage.objects.filter(
            session=session,
            company_id=officer.company_id,
            created_at__gt=now - dt.timedelta(days=1),
        ).count()
        if sent_today >= daily_limit():
            raise TooManyMessages(daily_limit())
        people = recipients(officer=officer, session=session, include_waitlisted=include_waitlisted)
        if not people:
            raise NoRecipients
        message = SessionMessage.objects.create(
            session=session,
            company_id=officer.company_id,
            sent_by=officer,
            subject=header_text(subject)[:150],
            body=body,
            include_waitlisted=include_waitlisted,
            recipient_ids=people,
            recipient_count=len(people),
        )
        if not is_suppressed():
            from missions import tasks

            transaction.on_commit(lambda: tasks.send_session_message.delay(message_id=message.pk))
    return message


def send(*, message_id: int, now: dt.datetime | None = None) -> int:
    """Send a logged message to each recipient in their language; once (idempotent)."""
    now = now or timezone.now()
    won = SessionMessage.objects.filter(pk=message_id, sent_at__isnull=True).update(sent_at=now)
    if not won:
        return 0
    message = SessionMessage.objects.select_related(
        "session__mission__association", "company", "sent_by__user"
    ).get(pk=message_id)
    people = EmployeeProfile.objects.filter(
        pk__in=message.recipient_ids, company_id=message.company_id, user__is_active=True
    ).select_related("user")
    context = {
        "message": message,
        "session": message.session,
        "mission": message.session.mission,
        "company": message.company,
        "engagements_url": absolute(reverse("missions:my_engagements")),
    }
    sent = 0
    for person in people:
        with translation.override(language_of(person)):
            text = render_to_string(
                "emails/missions/session_message.txt", {**context, "person": person}
            )
        subject = header_text(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + message.subject)
        reply_to = [message.sent_by.user.email] if message.sent_by_id else []
        sent += EmailMessage(subject, text, to=[person.user.email], reply_to=reply_to).send()
    return sent
