"""The enrolment race against the production topology: 200 signed-in employees of a demo company,
each on the enrol page of `make serve` (PostgreSQL + Redis, DEBUG off), post "enrol, or put me on
the waitlist if it is full" for the same session of 20 seats at the same instant, each from its
own HTTP connection.

Prints the settle time (from the release to the last answer), the answers' latencies, and what
the database holds afterwards, and a GOAL line against RACE_GOAL_S (default 2 s). Exit status 1
unless exactly 20 are enrolled, 180 waitlisted and every request answered with the redirect to
the enrolment (the time is a figure to read, not a pass mark). RACE_ATTEMPTS and RACE_SEATS
change the sizes; the topology's own settings (WEB_CONCURRENCY, DATABASE_CONN_MAX_AGE, ...)
come from the environment as for `make serve`.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import threading
import time
from collections import Counter

from tools.topology import (
    Browser,
    TopologyFailure,
    django_setup,
    form_on,
    free_port,
    seeded_database,
    serving,
)
from tools.topology import log as _log

ATTEMPTS = int(os.environ.get("RACE_ATTEMPTS", 200))
SEATS = int(os.environ.get("RACE_SEATS", 20))
GOAL_S = float(os.environ.get("RACE_GOAL_S", 2.0))
COMPANY = "lumen"  # the demo company that signs in with passwords (the other uses SSO)


def log(message: str) -> None:
    _log("race", message)


def prepare() -> tuple[int, list[tuple[str, str]]]:
    """ATTEMPTS employees of the company, each with a signed-in session, and a fresh session of
    SEATS seats outside work time (no quota, no approval) visible to them."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from missions.models import MissionKind
    from portal.models import Company, EmployeeProfile
    from tests.factories import make_mission

    company = Company.objects.get(slug=COMPANY)
    domain = company.domains.values_list("domain", flat=True).first()
    user_model = get_user_model()
    emails = [f"race{i}@{domain}" for i in range(ATTEMPTS)]
    users = user_model.objects.bulk_create(
        user_model(username=email, email=email) for email in emails
    )
    EmployeeProfile.objects.bulk_create(EmployeeProfile(user=u, company=company) for u in users)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
    )
    mission = make_mission(
        company=company,
        sessions=1,
        seats=SEATS,
        kind=MissionKind.VOLUNTEERING,
        on_work_time=False,
        start=timezone.now() + dt.timedelta(days=30),
        slug=f"race-{time.time_ns()}",
    )
    return mission.sessions.get().pk, [(u.email, _signed_in_session(u)) for u in users]


def _signed_in_session(user) -> str:
    """A session as a sign-in leaves it (this process has the server's SECRET_KEY): signing 200
    people in through the pages would meet the sign-in rate limit, which is not under test."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "portal.accounts.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _cpu_seconds_by_role(root_pid: int) -> dict[str, float]:
    """User + system CPU seconds so far of the topology's processes by role, of PostgreSQL's
    (every backend on the machine) and of this client."""
    import contextlib

    import psutil

    from tools.loadtest import _role

    root = psutil.Process(root_pid)
    out: dict[str, float] = {}
    for process in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            role = _role(process.cmdline())
            out[role] = out.get(role, 0.0) + times.user + times.system
    for process in psutil.process_iter(["name"]):
        if process.info["name"] in ("postgres", "postmaster"):
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                out["postgresql"] = out.get("postgresql", 0.0) + times.user + times.system
    times = psutil.Process().cpu_times()
    out["this client"] = times.user + times.system
    return out


def race(topology, session_id: int, emails: list[tuple[str, str]]) -> bool:
    from django.conf import settings

    from missions.models import Enrolment

    log(f"{len(emails)} employees signed in; each opens the enrol page")
    started = time.perf_counter()
    browsers, forms = [], []
    for email, cookie in emails:
        browser = Browser(topology.base)
        browser.cookies[settings.SESSION_COOKIE_NAME] = cookie
        status, url, page = browser.get(f"/engagement/sessions/{session_id}/enrol/")
        if status != 200 or "/accounts/" in url:
            raise TopologyFailure(f"{email}: the enrol page answered {status} at {url}")
        browsers.append(browser)
        action, fields = form_on(page, f"/sessions/{session_id}/enrol/")
        fields["waitlist"] = "1"  # "put me on the waitlist if it is full"
        forms.append((action, fields))
    log(f"on the enrol page in {time.perf_counter() - started:.0f} s")

    cpu_before = _cpu_seconds_by_role(topology.process.pid)
    barrier = threading.Barrier(len(browsers) + 1)
    answers: list[tuple[int, str, float, float]] = []
    lock = threading.Lock()

    def attempt(browser, form):
        action, fields = form
        barrier.wait(timeout=120)
        sent = time.perf_counter()
        status, location, _page = browser.post(action, fields, follow=False)
        with lock:
            answers.append((status, location, sent, time.perf_counter()))

    threads = [
        threading.Thread(target=attempt, args=(b, f)) for b, f in zip(browsers, forms, strict=True)
    ]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=120)
    released = time.perf_counter()
    for thread in threads:
        thread.join()
    time.sleep(2)  # the worker's e-mails of the last enrolments
    cpu = _cpu_seconds_by_role(topology.process.pid)
    cpu = {role: cpu[role] - cpu_before.get(role, 0.0) for role in cpu}
    settled = max(done for _s, _l, _sent, done in answers) - released
    latencies = sorted(done - sent for _s, _l, sent, done in answers)
    statuses = Counter(status for status, _l, _s, _d in answers)
    bad = [
        (s, loc) for s, loc, _s, _d in answers if s != 302 or "/engagement/enrolments/" not in loc
    ]
    held = Counter(Enrolment.objects.filter(session_id=session_id).values_list("status", flat=True))
    conn_max_age = os.environ.get("DATABASE_CONN_MAX_AGE", "the make serve default")
    log(
        f"{len(answers)} concurrent enrolments on {SEATS} seats through make serve "
        f"(WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY', 'default')}, "
        f"DATABASE_CONN_MAX_AGE={conn_max_age}): settled in {settled:.2f} s"
    )
    log(
        f"  answers: {dict(statuses)}; latency p50 {1000 * statistics.median(latencies):.0f} ms, "
        f"p95 {1000 * latencies[int(0.95 * (len(latencies) - 1))]:.0f} ms, "
        f"max {1000 * latencies[-1]:.0f} ms"
    )
    log(f"  database: {dict(held)}")
    log(
        "  CPU seconds used meanwhile (2 s more for the e-mails): "
        + ", ".join(f"{role} {seconds:.1f}" for role, seconds in sorted(cpu.items()))
    )
    for status, location in bad[:3]:
        log(f"  unexpected answer: {status} {location}")
    exact = (
        held.get("confirmed", 0) == SEATS
        and held.get("waitlisted", 0) == len(emails) - SEATS
        and sum(held.values()) == len(emails)
        and not bad
    )
    met = exact and settled <= GOAL_S
    print(
        f"GOAL {'met' if met else 'not met'}: exactly {SEATS} enrolled, "
        f"{len(emails) - SEATS} waitlisted, every answer the redirect to the enrolment, "
        f"settled <= {GOAL_S:g} s: {'exact' if exact else 'NOT EXACT'}, {settled:.2f} s",
        flush=True,
    )
    return exact


def run() -> int:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    redis_url = os.environ.get("RACE_REDIS_URL", "redis://127.0.0.1:6379/13")
    smtp_port = free_port()
    smtp = Controller(Sink(), hostname="127.0.0.1", port=smtp_port)  # the workers' e-mails
    smtp.start()
    log("creating, migrating and seeding a database")
    secret_key = os.urandom(32).hex()
    os.environ["SECRET_KEY"] = secret_key  # the server's: the sessions made here are valid there
    with seeded_database("cordee_race", scale="small") as database_url:
        django_setup(database_url)
        session_id, emails = prepare()
        from django.db import connections

        connections.close_all()
        env = {
            "SECRET_KEY": secret_key,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        }
        with serving(database_url, name="race", redis_url=redis_url, extra_env=env) as topology:
            log(f"make serve answers on {topology.base}")
            exact = race(topology, session_id, emails)
            connections.close_all()
            log("stopping")
    smtp.stop()
    return 0 if exact else 1


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    try:
        return run()
    except TopologyFailure as failure:
        log(f"FAILED: {failure}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
