"""Helpers shared by the engagement tests (plain functions, not fixtures)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from missions.models import MissionKind, MissionSession
from tests.factories import make_employee, make_mission


def session_of(mission) -> MissionSession:
    return mission.sessions.order_by("start").first()


def open_session(company, *, seats: int = 10, approval: bool = False, **fields) -> MissionSession:
    """A session of a private mission of `company`, approval as asked (company-wide rule off)."""
    if company.approval_required != approval:
        company.approval_required = approval
        company.save(update_fields=["approval_required"])
    mission = make_mission(company=company, seats=seats, **fields)
    return session_of(mission)


def volunteering_session(company, **fields) -> MissionSession:
    """A mission outside work time: no quota, no approval."""
    return open_session(company, kind=MissionKind.VOLUNTEERING, on_work_time=False, **fields)


def past_session(company, *, days_ago: int = 1, **fields) -> MissionSession:
    """A session that already happened (created in the future, then moved back in time)."""
    session = open_session(company, **fields)
    start = timezone.now() - dt.timedelta(days=days_ago)
    MissionSession.objects.filter(pk=session.pk).update(
        start=start, end=start + dt.timedelta(hours=7)
    )
    session.refresh_from_db()
    return session


def colleague(company, **fields):
    return make_employee(company, **fields)


def attachment_names(message) -> list[str]:
    return [part.get_filename() for part in message.attachments]


def attachment(message, name: str):
    """The MIME part of an e-mail's attachment called `name`."""
    return next(part for part in message.attachments if part.get_filename() == name)
