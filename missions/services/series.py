"""Recurring sessions: a CSR officer creates a whole series of a mission's sessions in one go."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction

from missions.exceptions import NotAllowed
from missions.models import MissionPage, MissionSession, SessionSeries
from portal.models import EmployeeProfile

MAX_SESSIONS = 52


def _add_months(moment: dt.datetime, months: int) -> dt.datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, pycalendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def series_starts(
    *, first_start: dt.datetime, frequency: str, interval: int, count: int, time_zone: str
) -> list[dt.datetime]:
    """The starts of a series, keeping the local wall-clock time across DST changes."""
    tz = ZoneInfo(time_zone)
    local = first_start.astimezone(tz)
    starts = []
    for i in range(count):
        if frequency == SessionSeries.Frequency.WEEKLY:
            naive = local.replace(tzinfo=None) + dt.timedelta(weeks=interval * i)
        else:
            naive = _add_months(local.replace(tzinfo=None), interval * i)
        starts.append(naive.replace(tzinfo=tz))
    return starts


@transaction.atomic
def create_series(
    *,
    officer: EmployeeProfile,
    mission_id: int,
    first_start: dt.datetime,
    duration: dt.timedelta,
    frequency: str,
    interval: int,
    count: int,
    seats: int,
    place: str = "",
) -> SessionSeries:
    """Create `count` sessions every `interval` weeks or months, from `first_start`.

    Only the mission's own company's CSR officers may (platform missions are run by the
    platform). The mission's latest revision is refreshed so that the next publish in Wagtail,
    which rewrites the sessions from the revision, keeps the new ones.
    """
    mission = MissionPage.objects.select_for_update().filter(pk=mission_id).first()
    if mission is None or not officer.is_csr_officer or mission.company_id != officer.company_id:
        raise NotAllowed
    if not (1 <= count <= MAX_SESSIONS) or interval < 1 or seats < 1:
        raise ValueError("count, interval and seats must be positive (count at most 52)")
    if duration <= dt.timedelta(0):
        raise ValueError("a session lasts some time")
    series = SessionSeries.objects.create(
        mission=mission,
        frequency=frequency,
        interval=interval,
        count=count,
        first_start=first_start,
        duration=duration,
        seats=seats,
        created_by=officer,
    )
    created = []
    for start in series_starts(
        first_start=first_start,
        frequency=frequency,
        interval=interval,
        count=count,
        time_zone=officer.company.time_zone,
    ):
        session = MissionSession.objects.create(
            mission=mission,
            start=start,
            end=start + duration,
            seats=seats,
            place=place,
            series=series,
        )
        created.append(session)
    _keep_in_latest_revision(mission, created, user=officer.user)
    return series


def _keep_in_latest_revision(mission: MissionPage, created: list[MissionSession], *, user) -> None:
    """Wagtail rewrites a page's sessions from the revision it publishes: add the new sessions
    to the latest revision (the draft, if there is one, keeping its other changes)."""
    if mission.has_unpublished_changes:
        draft = mission.get_latest_revision_as_object()
        known = {s.pk for s in draft.sessions.all()}
        draft.sessions = [*draft.sessions.all(), *(s for s in created if s.pk not in known)]
        draft.save_revision(user=user, log_action=False, clean=False)
        return
    fresh = MissionPage.objects.get(pk=mission.pk)
    revision = fresh.save_revision(user=user, log_action=False)
    if fresh.live:
        revision.publish(user=user, log_action=False)
