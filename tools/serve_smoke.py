"""Smoke test of the production topology: `make serve` on PostgreSQL and Redis, driven over HTTP.

1. creates a database of its own on PostgreSQL (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432,
   postgres) and seeds the demo data into it (small scale);
2. starts an SMTP sink (aiosmtpd) and `make serve` (gunicorn, Celery worker and beat, DEBUG off,
   every production setting: HTTPS is announced by the X-Forwarded-Proto header a load balancer
   would send); waits for /health/ to pass, Celery worker included;
3. signs an employee in and enrols her in an open session, and checks the enrolment in the
   database and the confirmation e-mail that the worker sent;
4. signs an executive in and requests an impact report, which the Celery worker builds; downloads
   the PDF; checks that /metrics/ is hidden without the token and counts the requests with it;
5. stops the topology (SIGTERM to the process group, nothing may be left) and drops the database.

Exit status 0 when every step passed; the first failure is printed with what was seen.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import urllib.request

from tools.topology import (
    Browser,
    TopologyFailure,
    django_setup,
    form_on,
    free_port,
    seeded_database,
    serving,
    sign_in,
    totp_secret_of,
    wait_for,
)
from tools.topology import log as _log

EMPLOYEE = "employee@lumen.example"
EXECUTIVE = "executive@lumen.example"
REPORT_SECONDS = 240


def log(message: str) -> None:
    _log("serve-smoke", message)


def open_session_for(email: str) -> int:
    from django.utils import timezone

    from missions.models import MissionSession
    from portal.models import EmployeeProfile

    profile = EmployeeProfile.objects.get(user__email=email)
    sessions = MissionSession.objects.filter(
        mission__company=profile.company, start__gt=timezone.now()
    ).order_by("start")
    for session in sessions[:200]:
        if not session.enrolments.filter(employee=profile).exists():
            return session.pk
    raise TopologyFailure(f"no future session open to {email} in the demo data")


def run() -> None:
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received: list = []

    class Sink(Message):
        def handle_message(self, message):
            received.append(message)

    smtp_port = free_port()
    smtp = Controller(Sink(), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    redis_url = os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/14")
    try:
        log("creating, migrating and seeding a database")
        with (
            seeded_database("cordee_smoke", scale="small") as database_url,
            serving(
                database_url,
                name="smoke",
                redis_url=redis_url,
                extra_env={"EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}"},
            ) as topology,
        ):
            log(f"make serve answers on {topology.base}")
            check(topology, received, database_url)
            log("stopping")
    finally:
        smtp.stop()
    log("stopped; database dropped")


def check(topology, received: list, database_url: str) -> None:
    browser = Browser(topology.base)
    wait_for(
        lambda: browser.get("/health/?format=json")[0] == 200,
        120,
        "/health/ to pass (database, cache, Redis, storages, Celery worker ping)",
    )
    log("health: " + browser.get("/health/?format=json")[2].decode())

    django_setup(database_url)
    from missions.models import Enrolment
    from reporting.models import ImpactReport

    # An employee enrols; the confirmation e-mail goes out through the worker.
    sign_in(browser, EMPLOYEE, totp_secret_of(EMPLOYEE))
    log(f"signed in as {EMPLOYEE}")
    session_id = open_session_for(EMPLOYEE)
    status, url, page = browser.get(f"/engagement/sessions/{session_id}/enrol/")
    action, fields = form_on(page, f"/sessions/{session_id}/enrol/")
    mails_before = len(received)
    status, url, page = browser.post(action, fields)
    enrolment = Enrolment.objects.filter(
        employee__user__email=EMPLOYEE, session_id=session_id
    ).first()
    if enrolment is None:
        raise TopologyFailure(f"enrolling answered {status} at {url} but wrote no enrolment")
    log(f"enrolled: enrolment {enrolment.pk} is {enrolment.status}")
    wait_for(lambda: len(received) > mails_before, 60, "the enrolment e-mail from the worker")
    log(f"e-mail received by the SMTP sink: {received[-1]['Subject']!r}")

    # An executive has the worker build an impact report.
    executive = Browser(topology.base)
    sign_in(executive, EXECUTIVE, totp_secret_of(EXECUTIVE))
    log(f"signed in as {EXECUTIVE}")
    status, url, page = executive.get("/impact/")
    if status != 200:
        raise TopologyFailure(f"the dashboard answered {status}")
    action, fields = form_on(page, "/impact/reports/")
    status, url, page = executive.post(action, fields)
    match = re.search(r"/impact/reports/(\d+)/", url)
    if not match:
        raise TopologyFailure(f"requesting a report landed on {url} ({status})")
    report_id = int(match.group(1))
    wait_for(
        lambda: not ImpactReport.objects.get(pk=report_id).is_in_progress,
        REPORT_SECONDS,
        "the worker to build the impact report",
    )
    report = ImpactReport.objects.get(pk=report_id)
    status, url, pdf = executive.get(f"/impact/reports/{report_id}/download/")
    if status != 200 or not pdf.startswith(b"%PDF"):
        raise TopologyFailure(f"report {report_id} is {report.status}; download answered {status}")
    log(f"impact report {report_id} built by the worker: {len(pdf)} bytes of PDF")

    # Metrics: hidden without the token, counted across gunicorn's workers with it.
    if browser.get("/metrics/")[0] != 404:
        raise TopologyFailure("/metrics/ answered without the scraper's token")
    request = urllib.request.Request(f"{topology.base}/metrics/")
    request.add_header("Authorization", f"Bearer {topology.metrics_token}")
    request.add_header("X-Forwarded-Proto", "https")
    text = urllib.request.urlopen(request, timeout=30).read().decode()
    if 'view="missions:enrol"' not in text:
        raise TopologyFailure("the metrics do not count the enrolment request")
    log("metrics: hidden without the token; the enrolment request is counted")


def main() -> int:
    try:
        run()
    except TopologyFailure as failure:
        log(f"FAILED: {failure}")
        return 1
    log("passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
