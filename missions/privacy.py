"""What missions holds on a person: enrolments and their history, hours, feedback, approvals.

The missions contributor to `settings.CORDEE_PERSONAL_DATA` (see portal/privacy/contributors.py).
Erasure keeps the enrolments, hours and ratings (the company's engagement figures count them) and
removes the free texts; upcoming seats are given up so that the waitlist moves on.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from missions.models import (
    AssociationInvitation,
    AssociationMembership,
    AssociationProposal,
    CalendarFeed,
    CompanyFeedback,
    EmployeeSkill,
    Enrolment,
    EnrolmentEvent,
    Feedback,
    MissionSession,
    SelfReportedHours,
    SessionMessage,
    SessionSeries,
    VolunteerFeedback,
)
from missions.models.engagement import SEAT_HOLDING_STATUSES, EnrolmentStatus
from portal.models import EmployeeProfile


def _session_row(enrolment: Enrolment) -> dict:
    session = enrolment.session
    return {
        "mission": session.mission.title,
        "session_start": session.start,
        "session_end": session.end,
    }


def _messages_received(profile: EmployeeProfile) -> list[SessionMessage]:
    """Messages of the person's company to a session they were a participant of, naming them.

    The recipients are a JSON list of profile ids, which SQLite cannot search: the candidates
    (their company's messages to their sessions) are read and the list checked in Python.
    """
    candidates = (
        SessionMessage.objects.filter(
            company_id=profile.company_id,
            session_id__in=Enrolment.objects.filter(employee=profile).values("session_id"),
        )
        .select_related("session__mission")
        .order_by("created_at", "pk")
    )
    return [message for message in candidates if profile.pk in (message.recipient_ids or [])]


def _message_row(message: SessionMessage) -> dict:
    return {
        "mission": message.session.mission.title,
        "session_start": message.session.start,
        "subject": message.subject,
        "message": message.body,
        "written_at": message.created_at,
        "sent_at": message.sent_at,
    }


def export(profile: EmployeeProfile) -> dict[str, list[dict]]:
    enrolments = (
        Enrolment.objects.filter(employee=profile)
        .select_related("session__mission", "decided_by__user")
        .order_by("created_at", "pk")
    )
    events = (
        EnrolmentEvent.objects.filter(enrolment__employee=profile)
        .select_related("actor__user")
        .order_by("at", "pk")
    )
    feedback = (
        Feedback.objects.filter(enrolment__employee=profile)
        .select_related("enrolment__session__mission")
        .prefetch_related("skills_developed")
        .order_by("created_at", "pk")
    )
    decided = (
        Enrolment.objects.filter(decided_by=profile)
        .select_related("session__mission")
        .order_by("decided_at", "pk")
    )
    feed = CalendarFeed.objects.filter(employee=profile).first()
    # What associations said of the person (the association member who wrote it is not named).
    about_you = (
        VolunteerFeedback.objects.filter(enrolment__employee=profile)
        .select_related("enrolment__session__mission__association")
        .order_by("updated_at", "pk")
    )
    return {
        "enrolments": [
            {
                "id": row.pk,
                **_session_row(row),
                "status": row.status,
                "hours": row.hours,
                "work_time_hours": row.quota_hours,
                "hours_corrected_by_you": row.hours_corrected_by_employee,
                "decided_by": row.decided_by.display_name if row.decided_by else "",
                "decided_at": row.decided_at,
                "decision_reason": row.decision_reason,
                "attendance_confirmed_by_the_association_at": row.association_confirmed_at,
                "enrolled_at": row.created_at,
            }
            for row in enrolments
        ],
        "enrolment_history": [
            {
                "enrolment": event.enrolment_id,
                "at": event.at,
                "from": event.from_status,
                "to": event.to_status,
                "by": (
                    "you"
                    if event.actor_id == profile.pk
                    else (event.actor.display_name if event.actor else "Cordée")
                ),
                "note": event.note,
            }
            for event in events
        ],
        "feedback_given": [
            {
                "enrolment": row.enrolment_id,
                "mission": row.enrolment.session.mission.title,
                "satisfaction": row.satisfaction,
                "meaning": row.meaning,
                "skills_developed": ", ".join(s.name for s in row.skills_developed.all()),
                "other_skills": row.other_skills,
                "would_recommend": row.would_recommend,
                "comment": row.comment,
                "may_be_quoted": row.consent_to_quote,
                "given_at": row.created_at,
            }
            for row in feedback
        ],
        "association_feedback_received": [
            {
                "enrolment": row.enrolment_id,
                "association": row.enrolment.session.mission.association.title,
                "mission": row.enrolment.session.mission.title,
                "rating": row.rating,
                "comment": row.comment,
                "at": row.updated_at,
            }
            for row in about_you
        ],
        # As a manager: the decisions taken (the colleague concerned is not named: their data).
        "approvals_decided": [
            {
                "enrolment": row.pk,
                **_session_row(row),
                "decision": row.status,
                "decided_at": row.decided_at,
            }
            for row in decided
        ],
        "calendar_feed": (
            [{"created_at": feed.created_at, "active": True}] if feed is not None else []
        ),
        "skills_offered": [
            {"skill": name}
            for name in EmployeeSkill.objects.filter(employee=profile)
            .order_by("skill__name")
            .values_list("skill__name", flat=True)
        ],
        "self_reported_hours": [
            {
                "date": row.done_on,
                "association": row.association.title,
                "hours": row.hours,
                "what_you_did": row.description,
                "status": row.status,
                "refusal_reason": row.refusal_reason,
                "declared_at": row.created_at,
            }
            for row in SelfReportedHours.objects.filter(employee=profile)
            .select_related("association")
            .order_by("created_at", "pk")
        ],
        "association_proposals": [
            {
                "name": row.name,
                "identifier": row.identifier,
                "website": row.website,
                "reason": row.reason,
                "status": row.status,
                "decline_reason": row.decline_reason,
                "proposed_at": row.created_at,
            }
            for row in AssociationProposal.objects.filter(proposed_by=profile).order_by(
                "created_at", "pk"
            )
        ],
        # As a CSR officer: what they wrote to participants (the recipients are not named).
        "session_messages_written": [
            {
                **_message_row(message),
                "waitlisted_too": message.include_waitlisted,
                "recipients": message.recipient_count,
            }
            for message in SessionMessage.objects.filter(sent_by=profile)
            .select_related("session__mission")
            .order_by("created_at", "pk")
        ],
        # As a participant: what their CSR team wrote to them (the author is not named).
        "session_messages_received": [
            _message_row(message) for message in _messages_received(profile)
        ],
        "series_created": [
            {"series": row.pk, "mission": row.mission.title, "created_at": row.created_at}
            for row in SessionSeries.objects.filter(created_by=profile)
            .select_related("mission")
            .order_by("created_at", "pk")
        ],
    }


def _give_up_upcoming_seats(profile: EmployeeProfile) -> int:
    from missions.services.enrolment import promote_waitlisted

    now = timezone.now()
    upcoming = Enrolment.objects.filter(
        employee=profile,
        status__in=[*SEAT_HOLDING_STATUSES, EnrolmentStatus.WAITLISTED],
        session__start__gt=now,
    ).values_list("pk", "session_id")
    given_up = 0
    for enrolment_id, session_id in upcoming:
        session = MissionSession.objects.select_for_update().get(pk=session_id)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment_id)
        held_a_seat = enrolment.status in SEAT_HOLDING_STATUSES
        enrolment.approval_nonce = ""
        enrolment.transition_to(EnrolmentStatus.CANCELLED, note="")
        if held_a_seat:
            promote_waitlisted(session=session, now=now)
        given_up += 1
    return given_up


def _forget_recipient(profile: EmployeeProfile) -> int:
    """Drop the person's id from the recipients of their company's messages (the count stays:
    it is the message's history, and says nothing once the id is gone)."""
    touched = 0
    for message in _messages_received(profile):
        locked = SessionMessage.objects.select_for_update().get(pk=message.pk)
        locked.recipient_ids = [pk for pk in locked.recipient_ids if pk != profile.pk]
        locked.save(update_fields=["recipient_ids"])
        touched += 1
    return touched


def erase(profile: EmployeeProfile) -> dict[str, int]:
    return {
        # Messages an officer wrote are their company's communication to other people (kept
        # in the session's log); the author's link goes, the officer's name is not in the row.
        "session_messages_written": SessionMessage.objects.filter(sent_by=profile).update(
            sent_by=None
        ),
        "session_messages_received": _forget_recipient(profile),
        "seats_given_up": _give_up_upcoming_seats(profile),
        "feedback_texts": Feedback.objects.filter(enrolment__employee=profile).update(
            comment="", other_skills="", consent_to_quote=False
        ),
        "decision_reasons": Enrolment.objects.filter(employee=profile)
        .exclude(decision_reason="")
        .update(decision_reason=""),
        "association_feedback_texts": VolunteerFeedback.objects.filter(enrolment__employee=profile)
        .exclude(comment="")
        .update(comment=""),
        "history_notes": EnrolmentEvent.objects.filter(enrolment__employee=profile)
        .exclude(note="")
        .update(note=""),
        "calendar_feed": CalendarFeed.objects.filter(employee=profile).delete()[0],
        "skills_offered": EmployeeSkill.objects.filter(employee=profile).delete()[0],
        # Approved hours still count in the figures; what the person wrote goes.
        "self_reported_texts": SelfReportedHours.objects.filter(employee=profile).update(
            description=""
        ),
        "proposals": AssociationProposal.objects.filter(proposed_by=profile).update(
            proposed_by=None, reason=""
        ),
    }


# --- accounts without an employee profile: association members ----------------------------------


def holds_account(user) -> bool:
    """An association member's account (portal's account data pages ask every contributor)."""
    return AssociationMembership.objects.filter(user=user).exists()


def export_account(user) -> dict[str, list[dict]]:
    """What an association member did in the association workspace (the volunteers and the
    people they invited are not named: their data)."""
    return {
        "association_memberships": [
            {
                "association": row.association.title,
                "role": row.role,
                "active": row.is_active,
                "since": row.created_at,
            }
            for row in AssociationMembership.objects.filter(user=user)
            .select_related("association")
            .order_by("created_at", "pk")
        ],
        "invitations_accepted": [
            {
                "association": row.association.title,
                "email": row.email,
                "role": row.role,
                "sent_at": row.created_at,
                "accepted_at": row.accepted_at,
            }
            for row in AssociationInvitation.objects.filter(accepted_by=user)
            .select_related("association")
            .order_by("created_at", "pk")
        ],
        "invitations_sent": [
            {
                "association": row.association.title,
                "role": row.role,
                "sent_at": row.created_at,
                "accepted": row.accepted_at is not None,
                "revoked": row.revoked_at is not None,
            }
            for row in AssociationInvitation.objects.filter(invited_by=user)
            .select_related("association")
            .order_by("created_at", "pk")
        ],
        "volunteer_feedback_written": [
            {
                "mission": row.enrolment.session.mission.title,
                "session_start": row.enrolment.session.start,
                "rating": row.rating,
                "comment": row.comment,
                "at": row.updated_at,
            }
            for row in VolunteerFeedback.objects.filter(author=user)
            .select_related("enrolment__session__mission")
            .order_by("updated_at", "pk")
        ],
        "company_feedback_written": [
            {
                "company": row.company.name,
                "mission": row.mission.title,
                "session_start": row.session.start if row.session_id else None,
                "rating": row.rating,
                "comment": row.comment,
                "at": row.updated_at,
            }
            for row in CompanyFeedback.objects.filter(author=user)
            .select_related("company", "mission", "session")
            .order_by("updated_at", "pk")
        ],
        "attendance_confirmed": [
            {
                "mission": row.session.mission.title,
                "session_start": row.session.start,
                "confirmed_at": row.association_confirmed_at,
            }
            for row in Enrolment.objects.filter(association_confirmed_by=user)
            .select_related("session__mission")
            .order_by("association_confirmed_at", "pk")
        ],
        "hours_decided": [
            {
                "association": row.association.title,
                "date": row.done_on,
                "hours": row.hours,
                "status": row.status,
                "decided_at": row.decided_at,
            }
            for row in SelfReportedHours.objects.filter(decided_by=user)
            .select_related("association")
            .order_by("decided_at", "pk")
        ],
    }


def erase_account(user) -> dict[str, int]:
    """Access rights go; what the member wrote for the association stays, without the author.

    Feedback on volunteers and companies was written in the association's name and is part of
    the volunteers' and companies' records (they see it): it is kept, unlinked from the author.
    Attendance confirmations and hours decisions are the proof behind skills sponsorship gifts
    and engagement figures: they keep their link to the (pseudonymised) account.
    """
    from portal.privacy.people import erased_email_of

    return {
        "association_memberships": AssociationMembership.objects.filter(user=user).delete()[0],
        # The invitations they accepted, and any other still sent to their address, hold it.
        "invitation_emails": AssociationInvitation.objects.filter(
            Q(accepted_by=user) | (Q(email__iexact=user.email) if user.email else Q(pk=None))
        )
        .exclude(email=erased_email_of(user))
        .update(email=erased_email_of(user)),
        "invitations_revoked": AssociationInvitation.objects.filter(
            email=erased_email_of(user), accepted_at=None, revoked_at=None
        ).update(revoked_at=timezone.now()),
        "volunteer_feedback_authors": VolunteerFeedback.objects.filter(author=user).update(
            author=None
        ),
        "company_feedback_authors": CompanyFeedback.objects.filter(author=user).update(author=None),
    }


# Fields pointing to a person, and free texts, that the tables above cover (see contributors.py).
PERSON_FIELDS = {
    "missions.Enrolment.employee": "enrolments",
    "missions.Enrolment.decision_reason": "enrolments",
    "missions.Enrolment.decided_by": "approvals_decided",
    "missions.Enrolment.association_confirmed_by": "attendance_confirmed",
    "missions.EnrolmentEvent.note": "enrolment_history",
    "missions.Feedback.comment": "feedback_given",
    "missions.Feedback.other_skills": "feedback_given",
    "missions.VolunteerFeedback.author": "volunteer_feedback_written",
    "missions.VolunteerFeedback.comment": "volunteer_feedback_written",
    "missions.CompanyFeedback.author": "company_feedback_written",
    "missions.CompanyFeedback.comment": "company_feedback_written",
    "missions.CalendarFeed.employee": "calendar_feed",
    "missions.EmployeeSkill.employee": "skills_offered",
    "missions.SelfReportedHours.employee": "self_reported_hours",
    "missions.SelfReportedHours.description": "self_reported_hours",
    "missions.SelfReportedHours.refusal_reason": "self_reported_hours",
    "missions.SelfReportedHours.decided_by": "hours_decided",
    "missions.AssociationProposal.proposed_by": "association_proposals",
    "missions.AssociationProposal.name": "association_proposals",
    "missions.AssociationProposal.reason": "association_proposals",
    "missions.AssociationProposal.decline_reason": "association_proposals",
    "missions.SessionSeries.created_by": "series_created",
    "missions.SessionMessage.sent_by": "session_messages_written",
    "missions.SessionMessage.body": "session_messages_written",
    "missions.SessionMessage.recipient_ids": "session_messages_received",
    "missions.AssociationMembership.user": "association_memberships",
    "missions.AssociationInvitation.accepted_by": "invitations_accepted",
    "missions.AssociationInvitation.invited_by": "invitations_sent",
}
NOT_EXPORTED = {
    "missions.EnrolmentEvent.actor": (
        "who changed someone's enrolment: that volunteer's history (exported to them); a "
        "manager's decisions are in approvals_decided"
    ),
    "missions.AssociationProposal.decided_by": (
        "who decided on someone's proposal: the proposer's record (status and reason exported)"
    ),
    "missions.AssociationMembership.invited_by": (
        "who invited a member: the member's record; the inviter's act is in invitations_sent"
    ),
    # Free texts written by an organisation, not a person's words about themselves.
    "missions.Cause.description": "published content",
    "missions.Cause.description_en": "published content",
    "missions.AssociationIndexPage.intro": "published content",
    "missions.AssociationPage.summary": "published content",
    "missions.AssociationPage.description": "published content",
    "missions.AssociationPage.address": "the association's data",
    "missions.MissionIndexPage.intro": "published content",
    "missions.MissionPage.summary": "published content",
    "missions.MissionPage.description": "published content",
    "missions.MissionPage.address": "the mission's place",
    "missions.MissionSession.place": "the session's place",
    "missions.MissionSession.cancellation_reason": "why a session was cancelled (to everyone)",
}
