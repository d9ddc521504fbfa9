"""Smoke test of the production topology: `make serve` on PostgreSQL and Redis, driven over HTTP.

1. creates a database of its own on PostgreSQL (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432,
   postgres) and seeds the demo data into it (small scale);
2. starts an SMTP sink (aiosmtpd) and `make serve` (gunicorn, Celery worker and beat, DEBUG off,
   every production setting: HTTPS is announced by the X-Forwarded-Proto header a load balancer
   would send);
3. signs an employee in and enrols her in an open session, and checks the enrolment in the
   database and the confirmation e-mail that the worker sent;
4. signs an executive in and requests an impact report, which the Celery worker builds; downloads
   the PDF;
5. stops the topology (SIGTERM to the process group) and drops the database.

Exit status 0 when every step passed; the first failure is printed with what was seen.
"""

from __future__ import annotations

import html.parser
import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "cordee-demo-2026"
EMPLOYEE = "employee@lumen.example"
EXECUTIVE = "executive@lumen.example"
STARTUP_SECONDS = 180
REPORT_SECONDS = 240


class SmokeFailure(Exception):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(message: str) -> None:
    print(f"[serve-smoke {time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


# --- HTTP with a cookie jar that keeps Secure cookies (the load balancer terminates TLS) ---


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, method: str, path: str, data: dict | None = None, *, follow: bool = True):
        url = path if path.startswith("http") else self.base + path
        for _hop in range(10):
            body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
            request = urllib.request.Request(url, data=body, method=method)
            request.add_header("X-Forwarded-Proto", "https")
            request.add_header("Accept-Language", "fr")
            if self.cookies:
                request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            if method == "POST":
                request.add_header("Referer", self.base + "/")
                request.add_header("Origin", self.base.replace("http://", "https://"))
            try:
                response = self.opener.open(request, timeout=60)
                status, headers, content = response.status, response.headers, response.read()
            except urllib.error.HTTPError as error:
                status, headers, content = error.code, error.headers, error.read()
            for value in headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            if follow and status in (301, 302, 303, 307, 308):
                location = headers["Location"]
                url = urllib.parse.urljoin(url, location).replace("https://", "http://")
                if status in (301, 302, 303):
                    method, data = "GET", None
                continue
            return status, url, content
        raise SmokeFailure(f"too many redirects from {path}")

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, data: dict):
        return self.request("POST", path, data)


class FormParser(html.parser.HTMLParser):
    """The fields of every form of a page: [(action, {name: value})]."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("action") or "", {}))
        elif not self.forms:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button"):
                return
            self.forms[-1][1][attrs["name"]] = attrs.get("value") or ""
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
        elif tag == "option" and self._select:
            fields = self.forms[-1][1]
            if "selected" in attrs or self._select not in fields:
                fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_on(page: bytes, action_contains: str) -> tuple[str, dict[str, str]]:
    parser = FormParser()
    parser.feed(page.decode("utf-8", "replace"))
    for action, fields in parser.forms:
        if action_contains in action:
            return action, fields
    actions = [action for action, _fields in parser.forms]
    raise SmokeFailure(f"no form posting to …{action_contains}… on the page (forms: {actions})")


def sign_in(browser: Browser, email: str, totp_secret: str | None) -> None:
    status, url, page = browser.get("/accounts/login/")
    if status != 200:
        raise SmokeFailure(f"sign-in page answered {status}")
    action, fields = form_on(page, "/accounts/login/")
    fields.update(login=email, password=PASSWORD)
    status, url, page = browser.post(action or "/accounts/login/", fields)
    if "/accounts/2fa/authenticate" in url:
        if not totp_secret:
            raise SmokeFailure(f"{email} is asked for a second factor the smoke test lacks")
        action, fields = form_on(page, "2fa/authenticate")
        fields["code"] = totp_now(totp_secret)
        status, url, page = browser.post(action or url, fields)
    if status != 200 or "/accounts/login" in url:
        raise SmokeFailure(f"sign-in of {email} failed: {status} at {url}")
    log(f"signed in as {email}")


def totp_now(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import hotp_value, yield_counters

    counter = next(iter(yield_counters(int(time.time()))))
    return f"{hotp_value(secret, counter):06d}"


# --- the database side: ids to use, and what the requests left behind ---


def django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["DEBUG"] = "true"  # this process only reads; the served topology has DEBUG off
    import django

    django.setup()


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
    raise SmokeFailure(f"no future session open to {email} in the demo data")


def totp_secret_of(email: str) -> str | None:
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.filter(
        user__email=email, type=Authenticator.Type.TOTP
    ).first()
    if authenticator is None:
        return None
    from allauth.mfa.adapter import get_adapter

    return get_adapter().decrypt(authenticator.data["secret"])


# --- the run ---


def run() -> None:
    pg = {
        "host": os.environ.get("PGHOST", "127.0.0.1"),
        "port": os.environ.get("PGPORT", "5432"),
        "user": os.environ.get("PGUSER", "postgres"),
    }
    database = f"cordee_smoke_{os.getpid()}_{int(time.time())}"
    database_url = f"postgres://{pg['user']}@{pg['host']}:{pg['port']}/{database}"
    redis_url = os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/14")
    pg_args = ["-h", pg["host"], "-p", pg["port"], "-U", pg["user"]]
    subprocess.run(["createdb", *pg_args, database], check=True)
    server = None
    smtp = None
    try:
        seed_env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true"}
        seed_env["CORDEE_DEMO_SCALE"] = "small"
        seed_env.pop("REDIS_URL", None)
        log("migrating and seeding the demo data")
        python = str(ROOT / ".venv" / "bin" / "python")
        subprocess.run(
            [python, "manage.py", "migrate", "--noinput", "-v0"], env=seed_env, check=True, cwd=ROOT
        )
        subprocess.run(
            [python, "manage.py", "seed_demo"],
            env=seed_env,
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )

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

        metrics_token = secrets.token_urlsafe(24)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        var = Path(os.environ.get("SMOKE_VAR", ROOT / "var" / "smoke"))
        serve_env = {
            **os.environ,
            "DEBUG": "false",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1",
            "BASE_URL": base.replace("http://", "https://"),
            "CSRF_TRUSTED_ORIGINS": base.replace("http://", "https://"),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "PORT": str(port),
            "CORDEE_METRICS_TOKEN": metrics_token,
            "WEB_CONCURRENCY": "2",
            "WORKER_CONCURRENCY": "2",
            "CELERY_BEAT_SCHEDULE_FILE": str(var / "celerybeat-schedule"),
            "PRIVATE_MEDIA_ROOT": os.environ.get(
                "PRIVATE_MEDIA_ROOT", str(ROOT / "var" / "private")
            ),
        }
        var.mkdir(parents=True, exist_ok=True)
        log(f"starting make serve on {base}")
        with open(var / "serve.log", "w") as serve_log:
            server = subprocess.Popen(
                ["make", "--no-print-directory", "serve"],
                cwd=ROOT,
                env=serve_env,
                start_new_session=True,
                stdout=serve_log,
                stderr=subprocess.STDOUT,
            )
        browser = Browser(base)
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if server.poll() is not None:
                raise SmokeFailure(
                    f"make serve exited with {server.returncode}: see {var / 'serve.log'}"
                )
            try:
                status, _url, _page = browser.get("/")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SmokeFailure(f"the site did not answer within {STARTUP_SECONDS} s")
            time.sleep(1)
        log("the site answers")
        wait_for(
            lambda: browser.get("/health/?format=json")[0] == 200,
            120,
            "/health/ to pass (database, cache, Redis, storages, Celery worker ping)",
        )
        log("health: " + browser.get("/health/?format=json")[2].decode())

        django_setup(database_url)
        from donations.models import Donation  # noqa: F401 (apps loaded)
        from missions.models import Enrolment
        from reporting.models import ImpactReport

        # An employee enrols; the confirmation e-mail goes out through the worker.
        sign_in(browser, EMPLOYEE, totp_secret_of(EMPLOYEE))
        session_id = open_session_for(EMPLOYEE)
        status, url, page = browser.get(f"/engagement/sessions/{session_id}/enrol/")
        action, fields = form_on(page, f"/sessions/{session_id}/enrol/")
        mails_before = len(received)
        status, url, page = browser.post(action, fields)
        enrolment = Enrolment.objects.filter(
            employee__user__email=EMPLOYEE, session_id=session_id
        ).first()
        if enrolment is None:
            raise SmokeFailure(f"enrolling answered {status} at {url} but no enrolment was written")
        log(f"enrolled: enrolment {enrolment.pk} is {enrolment.status}")
        wait_for(lambda: len(received) > mails_before, 60, "the enrolment e-mail from the worker")
        log(f"e-mail received: {received[-1]['Subject']}")

        # An executive has the worker build an impact report.
        executive = Browser(base)
        sign_in(executive, EXECUTIVE, totp_secret_of(EXECUTIVE))
        status, url, page = executive.get("/impact/")
        if status != 200:
            raise SmokeFailure(f"the dashboard answered {status}")
        action, fields = form_on(page, "/impact/reports/")
        status, url, page = executive.post(action, fields)
        match = re.search(r"/impact/reports/(\d+)/", url)
        if not match:
            raise SmokeFailure(f"requesting a report landed on {url} ({status})")
        report_id = int(match.group(1))
        wait_for(
            lambda: not ImpactReport.objects.get(pk=report_id).is_in_progress,
            REPORT_SECONDS,
            "the worker to build the impact report",
        )
        report = ImpactReport.objects.get(pk=report_id)
        status, url, pdf = executive.get(f"/impact/reports/{report_id}/download/")
        if status != 200 or not pdf.startswith(b"%PDF"):
            raise SmokeFailure(f"report {report_id} is {report.status}; download answered {status}")
        log(f"impact report {report_id} built by the worker: {len(pdf)} bytes of PDF")

        # Metrics: hidden without the token, counted across gunicorn's workers with it.
        if browser.get("/metrics/")[0] != 404:
            raise SmokeFailure("/metrics/ answered without the scraper's token")
        request = urllib.request.Request(f"{base}/metrics/")
        request.add_header("Authorization", f"Bearer {metrics_token}")
        request.add_header("X-Forwarded-Proto", "https")
        text = urllib.request.urlopen(request, timeout=30).read().decode()
        if 'view="missions:enrol"' not in text:
            raise SmokeFailure("the metrics do not count the enrolment request")
        log("metrics: the enrolment and report requests are counted")
    finally:
        if server is not None:
            stop(server)
        if smtp is not None:
            smtp.stop()
        from django.db import connections

        connections.close_all()
        subprocess.run(["dropdb", "--if-exists", *pg_args, database], check=False)


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SmokeFailure(f"waited {seconds} s for {what}")
        time.sleep(0.5)


def stop(server: subprocess.Popen) -> None:
    """SIGTERM to the whole process group (honcho, gunicorn, Celery), then make sure it is gone."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        raise SmokeFailure("the topology did not stop within 30 s of SIGTERM") from None
    time.sleep(1)
    try:
        os.killpg(server.pid, 0)
    except ProcessLookupError:
        log("stopped")
        return
    os.killpg(server.pid, signal.SIGKILL)
    raise SmokeFailure("processes of the topology were left running after it stopped")


def main() -> int:
    try:
        run()
    except SmokeFailure as failure:
        log(f"FAILED: {failure}")
        return 1
    log("passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
