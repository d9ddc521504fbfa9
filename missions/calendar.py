"""iCalendar invitations (one per enrolment, stable UID) and each employee's private feed."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from missions.models import Enrolment, EnrolmentStatus
from portal.mail import absolute

PRODID = "-//Cordée//Engagement//EN"


def _calendar(method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    return cal


def _location(enrolment: Enrolment) -> str:
    session, mission = enrolment.session, enrolment.session.mission
    if session.place:
        return session.place
    if mission.is_remote:
        return "Remote"
    return ", ".join(p for p in [mission.address, mission.postcode, mission.city] if p)


def _event(enrolment: Enrolment, *, cancelled: bool = False) -> Event:
    session, mission = enrolment.session, enrolment.session.mission
    event = Event()
    event.add("uid", enrolment.calendar_uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.start)
    event.add("dtend", session.end)
    event.add("summary", f"{mission.title} · {mission.association.title}")
    event.add("location", _location(enrolment))
    url = absolute(mission.url or "/")
    event.add("description", f"{mission.summary}\n{url}")
    event.add("url", url)
    # Calendar clients apply an update only if its SEQUENCE grew; every logged transition grows it.
    sequence = getattr(enrolment, "event_count", None)
    event.add("sequence", enrolment.events.count() if sequence is None else sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{_from_address()}")
    organizer.params["cn"] = vText("Cordée")
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{enrolment.employee.user.email}")
    attendee.params["cn"] = vText(enrolment.employee.display_name)
    attendee.params["partstat"] = vText("DECLINED" if cancelled else "ACCEPTED")
    event.add("attendee", attendee)
    return event


def _from_address() -> str:
    value = settings.DEFAULT_FROM_EMAIL
    return value.split("<", 1)[1].rstrip(">") if "<" in value else value


def enrolment_invitation(enrolment: Enrolment, *, cancel: bool = False) -> bytes:
    """The .ics sent with a confirmation (METHOD:REQUEST) or a cancellation (METHOD:CANCEL)."""
    cal = _calendar("CANCEL" if cancel else "REQUEST")
    cal.add_component(_event(enrolment, cancelled=cancel))
    return cal.to_ical()


def employee_feed(employee) -> bytes:
    """The employee's confirmed (and attended) sessions, for a calendar subscription."""
    cal = _calendar()
    cal.add("x-wr-calname", "Cordée")
    enrolments = (
        Enrolment.objects.filter(
            employee=employee,
            status__in=[EnrolmentStatus.CONFIRMED, EnrolmentStatus.ATTENDED],
        )
        .select_related("session__mission__association", "employee__user")
        .annotate(event_count=Count("events"))
        .order_by("session__start")
    )
    for enrolment in enrolments:
        cal.add_component(_event(enrolment))
    return cal.to_ical()
