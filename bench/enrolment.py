"""Enrolment figures: 200 concurrent attempts on 20 seats, and enrolment throughput vs a bare POST.

Run with `python -m bench enrolment` (PostgreSQL through DATABASE_URL for the concurrency part;
on SQLite only the throughput part runs, since SQLite serialises writers anyway).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import connection, connections
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal.tenancy import require_profile

SLUG = "bench-engagement"
DOMAIN = "bench-engagement.example"
ATTEMPTS, SEATS = 200, 20
MAX_CONNECTIONS = int(os.environ.get("BENCH_MAX_CONNECTIONS", 40))


@login_required
@require_POST
def trivial_post(request):
    """The reference: an authenticated POST doing nothing but find the profile."""
    require_profile(request.user)
    return HttpResponse("ok")


# This module is also the URLconf of the throughput run: the app's URLs plus the reference view.
urlpatterns = [
    path("bench/trivial-post/", trivial_post),
    path("", include("portal.urls")),
]


def _company():
    from missions.services.catalogue import ensure_site_tree
    from portal.models import Company
    from portal.services import create_company

    ensure_site_tree()
    company = Company.objects.filter(slug=SLUG).first()
    if company is None:
        company = create_company(
            name="Bench Engagement", slug=SLUG, domains=[DOMAIN], approval_required=False
        )
    return company


def _people(company, n: int):
    from portal.models import EmployeeProfile

    user_model = get_user_model()
    have = EmployeeProfile.objects.filter(company=company).count()
    if have < n:
        users = user_model.objects.bulk_create(
            user_model(username=f"p{i}@{DOMAIN}", email=f"p{i}@{DOMAIN}") for i in range(have, n)
        )
        EmployeeProfile.objects.bulk_create(EmployeeProfile(user=u, company=company) for u in users)
    return list(
        EmployeeProfile.objects.filter(company=company).select_related("user").order_by("pk")[:n]
    )


def _sessions(company, *, count: int, seats: int):
    """A fresh mission outside work time (no quota, no approval) with `count` sessions."""
    from missions.models import MissionKind
    from tests.factories import make_mission

    mission = make_mission(
        company=company,
        sessions=count,
        seats=seats,
        kind=MissionKind.VOLUNTEERING,
        on_work_time=False,
        start=timezone.now() + dt.timedelta(days=30),
        slug=f"bench-{time.time_ns()}",
    )
    return list(mission.sessions.order_by("start"))


SETTLE_GOAL_S = 2.0


@dataclass
class _Figures:
    connect_s: list[float] = field(default_factory=list)
    enrol_s: list[float] = field(default_factory=list)
    held_s: list[float] = field(default_factory=list)  # session lock to commit
    errors: list[str] = field(default_factory=list)

    def merge(self, other: _Figures) -> None:
        for name in ("connect_s", "enrol_s", "held_s", "errors"):
            getattr(self, name).extend(getattr(other, name))


_held = threading.local()


def _time_the_critical_section() -> None:
    """Wrap the session lock so each attempt knows when it got it (the commit ends it)."""
    from missions.services import enrolment

    original = enrolment._lock_session_and_count
    if getattr(original, "bench_timed", False):
        return

    def timed(session):
        locked = original(session)
        # The lock was granted inside the round trip that returned: its end is the nearest
        # instant measurable here (the figure errs short by at most the count's time).
        _held.locked_at = time.perf_counter()
        return locked

    timed.bench_timed = True
    enrolment._lock_session_and_count = timed


def _attempts(person_ids, session_id, figures: _Figures, *, persistent: bool) -> None:
    """Enrol each person in turn on this thread's (or process's) own connection."""
    from missions.services import notifications
    from missions.services.enrolment import enrol
    from portal.models import EmployeeProfile

    def connect():
        started = time.perf_counter()
        connection.ensure_connection()
        figures.connect_s.append(time.perf_counter() - started)

    for pk in person_ids:
        try:
            if not persistent:
                connect()
            started = time.perf_counter()
            _held.locked_at = None
            with notifications.suppressed():
                enrol(employee=EmployeeProfile(pk=pk), session_id=session_id, waitlist_if_full=True)
            done = time.perf_counter()
            figures.enrol_s.append(done - started)
            if _held.locked_at is not None:
                figures.held_s.append(done - _held.locked_at)
        except Exception as error:  # counted and printed: the figure must say "no error"
            figures.errors.append(repr(error))
        finally:
            if not persistent:
                connection.close()


def _run_threads(person_ids, session_id, *, persistent: bool) -> tuple[float, _Figures]:
    """ATTEMPTS threads released together; at most MAX_CONNECTIONS hold a connection.

    persistent: MAX_CONNECTIONS threads connected beforehand share the attempts instead.
    """
    figures = _Figures()
    lock = threading.Lock()
    if persistent:
        chunks = [person_ids[i::MAX_CONNECTIONS] for i in range(MAX_CONNECTIONS)]
    else:
        chunks = [[pk] for pk in person_ids]
    barrier = threading.Barrier(len(chunks) + 1)
    gate = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def run(chunk):
        mine = _Figures()
        try:
            if persistent:
                started = time.perf_counter()
                connection.ensure_connection()
                mine.connect_s.append(time.perf_counter() - started)
            barrier.wait(timeout=60)
            with gate:
                _attempts(chunk, session_id, mine, persistent=persistent)
        except Exception as error:
            mine.errors.append(repr(error))
        finally:
            connection.close()
            with lock:
                figures.merge(mine)

    threads = [threading.Thread(target=run, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, figures


def _process_main(chunk, session_id, barrier, results, persistent: bool) -> None:
    mine = _Figures()
    try:
        if persistent:
            started = time.perf_counter()
            connection.ensure_connection()
            mine.connect_s.append(time.perf_counter() - started)
        barrier.wait(timeout=60)
        _attempts(chunk, session_id, mine, persistent=persistent)
    except Exception as error:
        mine.errors.append(repr(error))
    finally:
        connection.close()
        results.put(mine)


def _run_processes(person_ids, session_id, *, persistent: bool) -> tuple[float, _Figures]:
    """MAX_CONNECTIONS processes (as web workers are), released together, share the attempts.

    Each holds one connection: opened beforehand (persistent) or per attempt.
    """
    import multiprocessing

    context = multiprocessing.get_context("fork")
    chunks = [person_ids[i::MAX_CONNECTIONS] for i in range(MAX_CONNECTIONS)]
    barrier = context.Barrier(len(chunks) + 1)
    results = context.Queue()
    connections.close_all()  # a child must not share the parent's socket
    processes = [
        context.Process(
            target=_process_main, args=(chunk, session_id, barrier, results, persistent)
        )
        for chunk in chunks
    ]
    for process in processes:
        process.start()
    barrier.wait(timeout=120)
    started = time.perf_counter()
    figures = _Figures()
    for _ in processes:
        figures.merge(results.get(timeout=300))
    settled = time.perf_counter() - started
    for process in processes:
        process.join()
    return settled, figures


def concurrent_settle(company, people, *, runner: str, persistent: bool) -> float:
    """ATTEMPTS attempts released together on one session of SEATS seats; the settle time."""
    from missions.models import Enrolment

    _time_the_critical_section()
    (session,) = _sessions(company, count=1, seats=SEATS)
    person_ids = [p.pk for p in people[:ATTEMPTS]]
    run = _run_processes if runner == "processes" else _run_threads
    settled, figures = run(person_ids, session.pk, persistent=persistent)
    connections.close_all()
    statuses = Counter(Enrolment.objects.filter(session=session).values_list("status", flat=True))
    mode = (
        f"{runner}, "
        + ("persistent connections" if persistent else "a fresh connection per attempt")
        + f", at most {MAX_CONNECTIONS} at once"
    )
    print(
        f"[bench] {ATTEMPTS} concurrent attempts on {SEATS} seats ({mode}): settled in "
        f"{settled:.2f} s: {dict(statuses)}, {len(figures.errors)} error(s)"
    )
    for error in figures.errors[:3]:
        print(f"[bench]   error: {error}")
    if figures.connect_s:
        print(
            f"[bench]   connection setup: {len(figures.connect_s)} connections, median "
            f"{1000 * statistics.median(figures.connect_s):.1f} ms (sum "
            f"{sum(figures.connect_s):.2f} s)"
        )
    if figures.enrol_s:
        print(
            f"[bench]   enrol(): median {1000 * statistics.median(figures.enrol_s):.1f} ms, max "
            f"{1000 * max(figures.enrol_s):.0f} ms (queueing on the session lock included)"
        )
    if figures.held_s:
        print(
            f"[bench]   critical section (session lock to commit): median "
            f"{1000 * statistics.median(figures.held_s):.2f} ms, sum {sum(figures.held_s):.2f} s"
            f" = {100 * sum(figures.held_s) / settled:.0f} % of the settle time"
        )
    ok = (
        statuses.get("confirmed", 0) == SEATS
        and statuses.get("waitlisted", 0) == ATTEMPTS - SEATS
        and not figures.errors
    )
    print(
        f"GOAL {'met' if ok and settled <= SETTLE_GOAL_S else 'not met'} ({mode}): exactly "
        f"{SEATS} enrolled, {ATTEMPTS - SEATS} waitlisted, 0 errors, settled <= "
        f"{SETTLE_GOAL_S:.0f} s: {settled:.2f} s"
    )
    return settled


def throughput(company, people, *, requests: int) -> None:
    """Sequential POSTs through the whole Django stack: enrolments in distinct sessions."""
    from missions.services import notifications

    sessions = _sessions(company, count=requests, seats=5)
    clients = []
    for person in people[:requests]:
        client = Client()
        client.force_login(person.user)
        clients.append(client)
    with override_settings(ROOT_URLCONF=__name__), notifications.suppressed():
        for client in clients[:3]:  # warm-up
            client.post("/bench/trivial-post/")
        # Interleaved, so that the load of a shared machine weighs on both alike.
        trivial = enrolling = 0.0
        for client, session in zip(clients, sessions, strict=True):
            started = time.perf_counter()
            assert client.post("/bench/trivial-post/").status_code == 200
            trivial += time.perf_counter() - started
            started = time.perf_counter()
            response = client.post(f"/engagement/sessions/{session.pk}/enrol/")
            enrolling += time.perf_counter() - started
            assert response.status_code == 302, response.status_code
    n = len(clients)
    print(
        f"[bench] throughput over {n} sequential requests ({connection.vendor}): "
        f"enrol {n / enrolling:.0f}/s ({1000 * enrolling / n:.1f} ms each) · "
        f"trivial authenticated POST {n / trivial:.0f}/s ({1000 * trivial / n:.1f} ms each) · "
        f"ratio {enrolling / trivial:.1f}x"
    )


def run() -> None:
    company = _company()
    people = _people(company, max(ATTEMPTS, 100))
    if connection.vendor == "postgresql":
        # The figure: threads of one process, each opening its own connection.
        concurrent_settle(company, people, runner="threads", persistent=False)
        # Production's shape: web worker processes, each with its own connection.
        concurrent_settle(company, people, runner="processes", persistent=False)
        concurrent_settle(company, people, runner="processes", persistent=True)
    else:
        print("[bench] concurrent settle: skipped on SQLite (needs PostgreSQL row locks)")
    throughput(company, people, requests=int(os.environ.get("BENCH_ENROL_REQUESTS", 100)))
