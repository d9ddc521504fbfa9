"""E-mails about enrolments: queued after commit, rendered from the enrolment's current state."""

from __future__ import annotations

from email.message import MIMEPart

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from missions.models import Enrolment, EnrolmentStatus
from portal.mail import (  # noqa: F401 - suppressed is used by callers
    absolute,
    is_suppressed,
    language_of,
    subject_and_body,
    suppressed,
)

# Each kind is a template under templates/emails/missions/: its first line is the subject.
KINDS = {
    "confirmed",
    "pending",
    "waitlisted",
    "promoted",
    "approval_request",
    "approved",
    "declined",
    "expired",
    "cancelled",
    "session_cancelled",
    "reminder",
    "survey",
}
# Kinds the recipient may turn off on their profile page (the profile field that says so);
# every other kind answers a step of theirs or decides something and is always sent.
OPTIONAL_KINDS = {
    "reminder": "notify_reminders",
    "survey": "notify_reminders",
    "approval_request": "notify_approval_requests",
}
# Kinds whose message carries the calendar invitation (or its cancellation).
INVITATION_KINDS = {"confirmed", "approved", "promoted"}


def enqueue(*, enrolment_id: int, kind: str) -> None:
    """Send the e-mail once the current transaction commits (never for a rolled-back change)."""
    if kind not in KINDS:
        raise ValueError(kind)
    if is_suppressed():
        return
    from missions import tasks

    transaction.on_commit(
        lambda: tasks.send_enrolment_email.delay(enrolment_id=enrolment_id, kind=kind)
    )


def send(*, enrolment_id: int, kind: str) -> int:
    """Render and send one kind of message; returns how many e-mails left."""
    from missions import calendar
    from missions.services.approval_links import approval_links

    enrolment = (
        Enrolment.objects.select_related(
            "employee__user",
            "employee__company",
            "session__mission__association",
            "decided_by__user",
        )
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None:
        return 0
    mission = enrolment.session.mission
    context = {
        "enrolment": enrolment,
        "employee": enrolment.employee,
        "session": enrolment.session,
        "mission": mission,
        "mission_url": absolute(mission.url or "/"),
        "detail_url": absolute(reverse("missions:enrolment", args=[enrolment.pk])),
        "engagements_url": absolute(reverse("missions:my_engagements")),
        "feedback_url": absolute(reverse("missions:feedback", args=[enrolment.pk])),
    }
    if kind == "approval_request":
        if enrolment.status != EnrolmentStatus.PENDING_APPROVAL:
            return 0
        sent = 0
        for approver, links in approval_links(enrolment):
            context.update(
                approver=approver,
                approve_url=absolute(links["approve"]),
                decline_url=absolute(links["decline"]),
                approvals_url=absolute(reverse("missions:approvals")),
            )
            sent += _send(kind, approver, context)
        return sent
    attachments = []
    if kind in INVITATION_KINDS and enrolment.status == EnrolmentStatus.CONFIRMED:
        attachments.append(("invitation.ics", calendar.enrolment_invitation(enrolment), "REQUEST"))
    had_a_seat = False
    if kind == "session_cancelled":
        event = _session_cancellation(enrolment)
        if event is None:
            return 0  # not (or no longer) cancelled with its session: nothing to tell
        context["cancelled_by"] = event.actor
        # Someone on the waitlist had nothing in their calendar: only a seat gets the CANCEL.
        had_a_seat = event.from_status in (
            EnrolmentStatus.CONFIRMED,
            EnrolmentStatus.PENDING_APPROVAL,
        )
        context["had_a_seat"] = had_a_seat
    if kind == "cancelled" or had_a_seat:
        attachments.append(
            (
                "cancellation.ics",
                calendar.enrolment_invitation(enrolment, cancel=True),
                "CANCEL",
            )
        )
    return _send(kind, enrolment.employee, context, attachments)


def _session_cancellation(enrolment: Enrolment):
    """The event that cancelled this enrolment with its session, if it is still the last one."""
    if enrolment.status != EnrolmentStatus.CANCELLED or enrolment.session.cancelled_at is None:
        return None
    last = enrolment.events.select_related("actor__user").order_by("-at", "-pk").first()
    if last is None or last.to_status != EnrolmentStatus.CANCELLED:
        return None
    return last


def _invitation_part(name: str, content: bytes, method: str) -> MIMEPart:
    """An iMIP attachment (RFC 6047): mail clients show it as an invitation only when the
    Content-Type carries the same METHOD as the calendar inside."""
    part = MIMEPart()
    part.set_content(
        content.decode(),
        subtype="calendar",
        params={"method": method},
        disposition="attachment",
        filename=name,
    )
    return part


def _send(kind: str, recipient, context: dict, attachments=()) -> int:
    """One message to one employee, written in their language, unless they turned it off."""
    if (preference := OPTIONAL_KINDS.get(kind)) and not getattr(recipient, preference):
        return 0
    with translation.override(language_of(recipient)):
        text = render_to_string(f"emails/missions/{kind}.txt", context)
    subject, body = subject_and_body(text)
    message = EmailMultiAlternatives(subject, body, to=[recipient.user.email])
    for name, content, method in attachments:
        message.attach(_invitation_part(name, content, method))
    return message.send()
