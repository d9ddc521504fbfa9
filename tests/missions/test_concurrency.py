"""Seats and quota under real concurrency on PostgreSQL: many connections racing for one session.

Each attempt runs in its own thread, hence its own database connection (Django connections are
per thread). A barrier releases them together; `seats_taken` and `quota_of` are wrapped to
pause after reading, which widens the read-then-write window so that a missing lock shows.
The control runs switch the guard off and must oversell: that proves the test can fail.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from missions.exceptions import QuotaExceeded
from missions.models import Enrolment, EnrolmentStatus, MissionKind
from missions.services import enrolment as enrolment_service
from portal.models import EmployeeProfile
from tests.missions.engagement_helpers import open_session

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
S = EnrolmentStatus

ATTEMPTS = 200
SEATS = 20
# PostgreSQL allows 100 connections by default, shared with other test runs on the machine:
# at most this many attempts hold a connection at once (all 200 threads still race).
MAX_CONNECTIONS = 40
RACE_PAUSE = 0.02


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SQLite serialises writers anyway)")


@pytest.fixture
def slow_reads(monkeypatch):
    """Pause after counting seats and summing quota, as a busy database would."""
    count_seats, read_quota = enrolment_service.seats_taken, enrolment_service.quota_of

    def seats_taken(session):
        taken = count_seats(session)
        time.sleep(RACE_PAUSE)
        return taken

    def quota_of(**kwargs):
        quota = read_quota(**kwargs)
        time.sleep(RACE_PAUSE)
        return quota

    monkeypatch.setattr(enrolment_service, "seats_taken", seats_taken)
    monkeypatch.setattr(enrolment_service, "quota_of", quota_of)


def _employees(company, n: int) -> list[EmployeeProfile]:
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"racer{i}@alpha.example", email=f"racer{i}@alpha.example")
        for i in range(n)
    )
    return EmployeeProfile.objects.bulk_create(
        EmployeeProfile(user=user, company=company) for user in users
    )


def _race(attempts):
    """Run each callable in its own thread, released together; return results and errors."""
    barrier = threading.Barrier(len(attempts))
    gate = threading.BoundedSemaphore(MAX_CONNECTIONS)
    results, errors = [], []

    def run(attempt):
        try:
            barrier.wait(timeout=60)
            with gate:
                try:
                    results.append(attempt())
                finally:
                    connection.close()  # this thread's own connection
        except Exception as error:  # collected: the test asserts there is none
            errors.append(error)

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    connections.close_all()
    return results, errors


def _seat_race(company_a, *, lock: bool):
    company_a.approval_required = False
    company_a.save()
    session = open_session(company_a, seats=SEATS, kind=MissionKind.VOLUNTEERING)
    people = _employees(company_a, ATTEMPTS)

    def attempt_for(person):
        return lambda: (
            enrolment_service.enrol(
                employee=person, session_id=session.pk, waitlist_if_full=True, lock=lock
            ).status
        )

    _, errors = _race([attempt_for(p) for p in people])
    statuses = Counter(Enrolment.objects.filter(session=session).values_list("status", flat=True))
    return statuses, errors


def test_200_concurrent_attempts_fill_20_seats_and_waitlist_the_rest(company_a, slow_reads):
    statuses, errors = _seat_race(company_a, lock=True)
    assert errors == []
    assert statuses == {S.CONFIRMED: SEATS, S.WAITLISTED: ATTEMPTS - SEATS}


def test_control_without_the_lock_oversells(company_a, slow_reads):
    statuses, errors = _seat_race(company_a, lock=False)
    assert errors == []
    assert statuses[S.CONFIRMED] > SEATS, statuses


def _quota_race(company_a, *, lock: bool):
    company_a.approval_required = False
    company_a.yearly_quota_days = Decimal("2")  # 14 h: two 7-hour citizen days
    company_a.save()
    sessions = [open_session(company_a) for _ in range(6)]
    (person,) = _employees(company_a, 1)

    def attempt_for(session):
        def attempt():
            try:
                return enrolment_service.enrol(
                    employee=person, session_id=session.pk, lock=lock
                ).status
            except QuotaExceeded:
                return "quota"

        return attempt

    results, errors = _race([attempt_for(s) for s in sessions])
    return person, Counter(results), errors


def test_concurrent_enrolments_of_one_employee_never_exceed_the_quota(company_a, slow_reads):
    person, results, errors = _quota_race(company_a, lock=True)
    assert errors == []
    assert results == {S.CONFIRMED: 2, "quota": 4}
    assert enrolment_service.quota_of(employee=person).used_hours == Decimal("14.00")


def test_control_without_the_lock_exceeds_the_quota(company_a, slow_reads):
    _, results, errors = _quota_race(company_a, lock=False)
    assert errors == []
    assert results[S.CONFIRMED] > 2, results


def _promotion_race(company_a, *, guard: bool, rounds: int = 1) -> tuple[list[Decimal], list]:
    """A waitlisted person enrols in another session while a seat frees up for them.

    Their quota covers one of the two days: the enrolment and the promotion must not both
    spend it. Returns the hours used after each round.
    """
    company_a.approval_required = False
    company_a.yearly_quota_days = Decimal("1")  # one 7-hour citizen day
    company_a.save()
    used, all_errors = [], []
    for round_ in range(rounds):
        full = open_session(company_a, seats=1)
        other = open_session(company_a)
        holder, waiter = _employees_named(company_a, f"r{round_}")
        seat = enrolment_service.enrol(employee=holder, session_id=full.pk)
        enrolment_service.enrol(employee=waiter, session_id=full.pk, waitlist_if_full=True)

        def enrol_elsewhere(waiter=waiter, other=other):
            try:
                return enrolment_service.enrol(
                    employee=waiter, session_id=other.pk, lock=guard
                ).status
            except QuotaExceeded:
                return "quota"

        def free_the_seat(holder=holder, seat=seat):
            return enrolment_service.cancel(employee=holder, enrolment_id=seat.pk).status

        _, errors = _race([enrol_elsewhere, free_the_seat])
        all_errors += errors
        used.append(enrolment_service.quota_of(employee=waiter).used_hours)
    return used, all_errors


def _employees_named(company, prefix: str) -> list[EmployeeProfile]:
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            username=f"{prefix}-{i}@alpha.example", email=f"{prefix}-{i}@alpha.example"
        )
        for i in range(2)
    )
    return EmployeeProfile.objects.bulk_create(
        EmployeeProfile(user=user, company=company) for user in users
    )


def test_a_promotion_and_an_enrolment_of_one_person_never_exceed_the_quota(company_a, slow_reads):
    used, errors = _promotion_race(company_a, guard=True, rounds=5)
    assert errors == []
    assert all(hours <= Decimal("7.00") for hours in used), used


def test_control_without_the_locks_promotes_beyond_the_quota(company_a, slow_reads, monkeypatch):
    monkeypatch.setattr(enrolment_service, "SEAT_LOCKING", False)
    used, errors = _promotion_race(company_a, guard=False, rounds=5)
    assert errors == []
    assert any(hours > Decimal("7.00") for hours in used), used
