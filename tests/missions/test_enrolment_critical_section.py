"""enrol() reads and checks what it can before the session lock; what the lock protects is read
again under it. Each test changes the session at the moment enrol() asks for the lock, as a
concurrent request committing just before would (on SQLite and PostgreSQL alike)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from missions.exceptions import QuotaExceeded, SessionCancelled
from missions.models import Enrolment, EnrolmentStatus, MissionKind, MissionSession
from missions.services import enrolment as enrolment_service
from tests.factories import make_employee
from tests.missions.engagement_helpers import open_session

pytestmark = pytest.mark.django_db
S = EnrolmentStatus


@pytest.fixture
def just_before_the_lock(monkeypatch):
    """Run `change(session_id)` when enrol() takes the session lock, right before it."""

    def install(change):
        original = enrolment_service._lock_session_and_count

        def lock_session(session):
            change(session.pk)
            return original(session)

        monkeypatch.setattr(enrolment_service, "_lock_session_and_count", lock_session)

    return install


def test_the_seats_are_counted_under_the_lock(company_a, just_before_the_lock):
    session = open_session(company_a, seats=1, kind=MissionKind.VOLUNTEERING, on_work_time=False)
    first, second = make_employee(company_a), make_employee(company_a)

    def someone_takes_the_last_seat(session_id):
        if not Enrolment.objects.filter(session_id=session_id).exists():
            Enrolment.objects.create(employee=first, session_id=session_id, status=S.CONFIRMED)

    just_before_the_lock(someone_takes_the_last_seat)
    enrolment = enrolment_service.enrol(
        employee=second, session_id=session.pk, waitlist_if_full=True
    )
    assert enrolment.status == S.WAITLISTED
    assert Enrolment.objects.filter(session=session, status=S.CONFIRMED).count() == 1


def test_a_session_cancelled_meanwhile_is_refused(company_a, just_before_the_lock):
    session = open_session(company_a, kind=MissionKind.VOLUNTEERING, on_work_time=False)
    person = make_employee(company_a)

    def cancel(session_id):
        MissionSession.objects.filter(pk=session_id).update(cancelled_at=timezone.now())

    just_before_the_lock(cancel)
    with pytest.raises(SessionCancelled):
        enrolment_service.enrol(employee=person, session_id=session.pk)
    assert not Enrolment.objects.filter(session=session).exists()


def test_a_session_lengthened_meanwhile_is_checked_against_the_quota(
    company_a, just_before_the_lock
):
    company_a.yearly_quota_days = Decimal("2")  # 14 hours
    company_a.save()
    person = make_employee(company_a)
    first = open_session(company_a)
    enrolment_service.enrol(employee=person, session_id=first.pk)  # 7 of the 14 hours
    second = open_session(company_a, start=first.start + dt.timedelta(days=14))

    def lengthen(session_id):
        # Two days instead of one: 14 hours of work time, beyond the 7 left.
        MissionSession.objects.filter(pk=session_id).update(end=second.end + dt.timedelta(days=1))

    just_before_the_lock(lengthen)
    with pytest.raises(QuotaExceeded):
        enrolment_service.enrol(employee=person, session_id=second.pk)
    assert not Enrolment.objects.filter(session=second).exists()


def _statement(sql: str) -> tuple[str, str]:
    """("SELECT", table read from) or ("INSERT", table written), quotes dropped."""
    words = sql.replace('"', "").split()
    verb = words[0].upper()
    if verb == "INSERT":
        return verb, words[2]
    return verb, words[words.index("FROM") + 1] if "FROM" in words else ""


def test_under_the_lock_only_the_count_the_insert_and_its_audit(company_a, monkeypatch):
    session = open_session(company_a, kind=MissionKind.VOLUNTEERING, on_work_time=False)
    person = make_employee(company_a)
    original, marks = enrolment_service._lock_session_and_count, []
    with CaptureQueriesContext(connection) as queries:

        def lock_session(session):
            marks.append(len(queries.captured_queries))
            locked = original(session)
            marks.append(len(queries.captured_queries))
            return locked

        monkeypatch.setattr(enrolment_service, "_lock_session_and_count", lock_session)
        enrolment_service.enrol(employee=person, session_id=session.pk)
    assert len(marks) == 2
    locking = [q["sql"] for q in queries.captured_queries[marks[0] : marks[1]]]
    assert len(locking) == 2, locking
    assert _statement(locking[0]) == ("SELECT", "missions_missionsession")  # FOR UPDATE on PG
    # The seats taken, counted once the lock is granted.
    assert locking[1].startswith("SELECT COUNT(*)") and '"missions_enrolment"' in locking[1]
    if connection.vendor == "postgresql":
        assert "FOR UPDATE" in queries.captured_queries[marks[0]]["sql"]
    under_the_lock = [
        _statement(q["sql"])
        for q in queries.captured_queries[marks[1] :]
        if not q["sql"].upper().startswith(("RELEASE SAVEPOINT", "COMMIT"))
    ]
    assert under_the_lock == [
        ("INSERT", "missions_enrolment"),
        ("INSERT", "missions_enrolmentevent"),
    ]
    assert Enrolment.objects.get(employee=person).status == S.CONFIRMED


def test_a_session_deleted_meanwhile_is_not_visible(company_a, just_before_the_lock):
    from missions.exceptions import NotVisible

    session = open_session(company_a, kind=MissionKind.VOLUNTEERING, on_work_time=False)
    person = make_employee(company_a)
    just_before_the_lock(lambda session_id: MissionSession.objects.filter(pk=session_id).delete())
    with pytest.raises(NotVisible):
        enrolment_service.enrol(employee=person, session_id=session.pk)
    assert not Enrolment.objects.exists()


def test_seats_reduced_meanwhile_send_the_next_one_to_the_waitlist(company_a, just_before_the_lock):
    session = open_session(company_a, seats=3, kind=MissionKind.VOLUNTEERING, on_work_time=False)
    first, second = make_employee(company_a), make_employee(company_a)
    enrolment_service.enrol(employee=first, session_id=session.pk)
    just_before_the_lock(
        lambda session_id: MissionSession.objects.filter(pk=session_id).update(seats=1)
    )
    enrolment = enrolment_service.enrol(
        employee=second, session_id=session.pk, waitlist_if_full=True
    )
    assert enrolment.status == S.WAITLISTED
