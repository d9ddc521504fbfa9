"""Enrolment figures: 200 concurrent attempts on 20 seats, and enrolment throughput vs a bare POST.

Run with `python -m bench enrolment` (PostgreSQL through DATABASE_URL for the concurrency part;
on SQLite only the throughput part runs, since SQLite serialises writers anyway).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections import Counter

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


def concurrent_settle(company, people) -> None:
    from missions.models import Enrolment
    from missions.services import notifications
    from missions.services.enrolment import enrol

    (session,) = _sessions(company, count=1, seats=SEATS)
    barrier = threading.Barrier(ATTEMPTS)
    gate = threading.BoundedSemaphore(MAX_CONNECTIONS)
    errors: list[Exception] = []
    finished: list[float] = []

    def attempt(person):
        try:
            barrier.wait(timeout=60)
            with gate, notifications.suppressed():
                try:
                    enrol(employee=person, session_id=session.pk, waitlist_if_full=True)
                    finished.append(time.perf_counter())
                finally:
                    connection.close()
        except Exception as error:  # counted and printed: the figure must say "no error"
            errors.append(error)

    threads = [threading.Thread(target=attempt, args=(p,)) for p in people[:ATTEMPTS]]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    settled = time.perf_counter() - started
    connections.close_all()
    statuses = Counter(Enrolment.objects.filter(session=session).values_list("status", flat=True))
    print(
        f"[bench] {ATTEMPTS} concurrent attempts on {SEATS} seats settled in {settled:.2f} s "
        f"(at most {MAX_CONNECTIONS} connections at once): {dict(statuses)}, "
        f"{len(errors)} error(s)"
    )
    for error in errors[:3]:
        print(f"[bench]   error: {error!r}")


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
        concurrent_settle(company, people)
    else:
        print("[bench] concurrent settle: skipped on SQLite (needs PostgreSQL row locks)")
    throughput(company, people, requests=int(os.environ.get("BENCH_ENROL_REQUESTS", 100)))
