"""Domain exceptions of engagement: every refusal a service can give, with a message for people."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import localize
from django.utils.translation import gettext as _

__all__ = [
    "AfterLeaveDate",
    "AlreadyCancelled",
    "AlreadyDecided",
    "AlreadyEnrolled",
    "ApprovalExpired",
    "CutoffPassed",
    "EngagementError",
    "FeedbackNotOpen",
    "GracePeriodOver",
    "IllegalTransition",
    "InvalidApprovalLink",
    "InvalidContribution",
    "InvalidHours",
    "InvalidInvitation",
    "InvitationRefused",
    "LastAdministrator",
    "LeftCompany",
    "NoRecipients",
    "NotAllowed",
    "NotVisible",
    "QuotaExceeded",
    "RosterNotSaved",
    "SessionCancelled",
    "SessionFull",
    "SessionNotOver",
    "SessionPast",
    "TooManyMessages",
]


class EngagementError(Exception):
    """Base of the refusals; `message` is what the person is told."""

    def __init__(self, message: str | None = None):
        self.message = message or self.default_message()
        super().__init__(self.message)

    def default_message(self) -> str:
        return _("This action is not possible.")


class IllegalTransition(EngagementError):
    """An enrolment was asked to move between two states the transition table does not link."""

    def __init__(self, from_status: str | None, to_status: str):
        self.from_status, self.to_status = from_status, to_status
        super().__init__()

    def default_message(self) -> str:
        return _("This enrolment cannot go from “%(from)s” to “%(to)s”.") % {
            "from": self.from_status or "-",
            "to": self.to_status,
        }


class SessionFull(EngagementError):
    """No seat left. Not an error when the caller chose to join the waitlist instead."""

    def default_message(self) -> str:
        return _("This session is full. You can join its waitlist.")


class QuotaExceeded(EngagementError):
    def __init__(self, *, hours_left: Decimal, days_left: Decimal, hours_needed: Decimal):
        self.hours_left, self.days_left, self.hours_needed = hours_left, days_left, hours_needed
        super().__init__()

    def default_message(self) -> str:
        return _(
            "This session needs %(needed)s hours of work time but only %(left)s hours "
            "(%(days)s days) are left in your yearly quota."
        ) % {
            # "7,00" in French: the message is read in the reader's language, decimals too.
            "needed": localize(self.hours_needed),
            "left": localize(self.hours_left),
            "days": localize(self.days_left),
        }


class CutoffPassed(EngagementError):
    def default_message(self) -> str:
        return _("The cancellation cut-off for this session has passed; contact your CSR team.")


class AlreadyEnrolled(EngagementError):
    def __init__(self, enrolment=None):
        self.enrolment = enrolment
        super().__init__()

    def default_message(self) -> str:
        return _("You are already enrolled in this session.")


class NotVisible(EngagementError):
    """The mission is not open to the employee's company (views answer 404)."""

    def default_message(self) -> str:
        return _("This mission is not open to your company.")


class SessionPast(EngagementError):
    def default_message(self) -> str:
        return _("This session has already started.")


class ApprovalExpired(EngagementError):
    def default_message(self) -> str:
        return _("This request has expired: its seat was released.")


class AlreadyDecided(EngagementError):
    def default_message(self) -> str:
        return _("This request has already been decided.")


class LeftCompany(EngagementError):
    """The person has left the company: during the grace period nothing new can be started."""

    def default_message(self) -> str:
        return _("You have left the company: nothing new can be started.")


class AfterLeaveDate(EngagementError):
    """The session starts after the person's last day in the company."""

    def __init__(self, leave_date):
        self.leave_date = leave_date
        super().__init__()

    def default_message(self) -> str:
        from django.utils.formats import date_format

        return _("This session is after your last day in the company (%(date)s).") % {
            "date": date_format(self.leave_date)
        }


class NotAllowed(EngagementError):
    """The person may not act on this enrolment (not their report, not their company)."""

    def default_message(self) -> str:
        return _("You cannot act on this request.")


class InvalidApprovalLink(EngagementError):
    def default_message(self) -> str:
        return _("This link is invalid, has expired or has already been used.")


class GracePeriodOver(EngagementError):
    def default_message(self) -> str:
        return _("Hours can no longer be corrected: ask your CSR team.")


class SessionNotOver(EngagementError):
    def default_message(self) -> str:
        return _("Attendance can only be recorded once the session has started.")


class InvalidHours(EngagementError):
    def default_message(self) -> str:
        return _("Hours must be between 0 and the length of the session.")


class FeedbackNotOpen(EngagementError):
    def default_message(self) -> str:
        return _("Feedback opens once your attendance is recorded, and is given once.")


class SessionCancelled(EngagementError):
    def default_message(self) -> str:
        return _("This session has been cancelled.")


class AlreadyCancelled(EngagementError):
    def default_message(self) -> str:
        return _("This session is already cancelled.")


class InvalidInvitation(EngagementError):
    """An association invitation link that is forged, expired, used or revoked."""

    def default_message(self) -> str:
        return _(
            "This invitation link is invalid, has expired or has already been used: ask the "
            "association for a new one."
        )


class InvitationRefused(EngagementError):
    """An address that cannot be invited to act for an association (the message says why)."""


class LastAdministrator(EngagementError):
    def default_message(self) -> str:
        return _("An association keeps at least one other active administrator: invite one first.")


class NoRecipients(EngagementError):
    def default_message(self) -> str:
        return _(
            "Nobody from your company is enrolled in this session: there is no one to write to."
        )


class TooManyMessages(EngagementError):
    """The per-session daily limit of messages to participants is reached."""

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__()

    def default_message(self) -> str:
        return _(
            "At most %(n)d messages a day can be sent to the participants of a session; "
            "try again tomorrow."
        ) % {"n": self.limit}


class RosterNotSaved(EngagementError):
    """Some lines of a bulk attendance were refused: nothing was saved.

    `errors` maps each refused enrolment id to the reason.
    """

    def __init__(self, errors: dict[int, str]):
        self.errors = errors
        super().__init__()

    def default_message(self) -> str:
        return _("Nothing was saved: correct the lines marked below.")


class InvalidContribution(EngagementError):
    """Self-reported hours or an association proposal that breaks a rule; `field` names where."""

    def __init__(self, message: str, *, field: str | None = None):
        self.field = field
        super().__init__(message)
