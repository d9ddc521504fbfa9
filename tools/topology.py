"""The production topology for scripts: a database of its own, `make serve`, an HTTP client.

Used by the smoke test (`tools/serve_smoke.py`) and the load test (`tools/loadtest.py`).
"""

from __future__ import annotations

import contextlib
import html.parser
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PASSWORD = "cordee-demo-2026"


class TopologyFailure(Exception):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(name: str, message: str) -> None:
    print(f"[{name} {time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TopologyFailure(f"waited {seconds} s for {what}")
        time.sleep(0.5)


# --- a PostgreSQL database of its own, seeded with the demo data ---


def _pg_args() -> list[str]:
    return [
        "-h",
        os.environ.get("PGHOST", "127.0.0.1"),
        "-p",
        os.environ.get("PGPORT", "5432"),
        "-U",
        os.environ.get("PGUSER", "postgres"),
    ]


@contextlib.contextmanager
def seeded_database(prefix: str, *, scale: str) -> Iterator[str]:
    """Create a database, migrate and seed it (demo data at `scale`); drop it afterwards."""
    database = f"{prefix}_{os.getpid()}_{int(time.time())}"
    host, port, user = (_pg_args()[i] for i in (1, 3, 5))
    url = f"postgres://{user}@{host}:{port}/{database}"
    subprocess.run(["createdb", *_pg_args(), database], check=True)
    try:
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true", "CORDEE_DEMO_SCALE": scale}
        env.pop("REDIS_URL", None)
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT
        )
        subprocess.run(
            [PYTHON, "manage.py", "seed_demo"],
            env=env,
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        yield url
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        subprocess.run(["dropdb", "--if-exists", *_pg_args(), database], check=False)


# --- make serve ---


@dataclass
class Topology:
    base: str
    process: subprocess.Popen
    metrics_token: str
    log_path: Path


@contextlib.contextmanager
def serving(
    database_url: str, *, name: str, redis_url: str, extra_env: dict | None = None
) -> Iterator[Topology]:
    """`make serve` with every production setting, until the block ends (then SIGTERM)."""
    var = ROOT / "var" / name
    var.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    metrics_token = secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BASE_URL": base.replace("http://", "https://"),
        "CSRF_TRUSTED_ORIGINS": base.replace("http://", "https://"),
        "PORT": str(port),
        "CORDEE_METRICS_TOKEN": metrics_token,
        "CELERY_BEAT_SCHEDULE_FILE": str(var / "celerybeat-schedule"),
        **(extra_env or {}),
    }
    log_path = var / "serve.log"
    with open(log_path, "w") as serve_log:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=serve_log,
            stderr=subprocess.STDOUT,
        )
    topology = Topology(base=base, process=process, metrics_token=metrics_token, log_path=log_path)
    try:
        _wait_until_up(topology)
        yield topology
    finally:
        stop(process)


def _wait_until_up(topology: Topology, seconds: float = 240) -> None:
    browser = Browser(topology.base)
    deadline = time.monotonic() + seconds
    while True:
        if topology.process.poll() is not None:
            raise TopologyFailure(
                f"make serve exited with {topology.process.returncode}: see {topology.log_path}"
            )
        with contextlib.suppress(OSError):
            if browser.get("/health/live/")[0] == 200:
                return
        if time.monotonic() > deadline:
            raise TopologyFailure(f"the site did not answer within {seconds} s")
        time.sleep(1)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the whole process group (honcho, gunicorn, Celery), then make sure it is gone."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise TopologyFailure("the topology did not stop within 30 s of SIGTERM") from None
    time.sleep(1)
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return
    os.killpg(process.pid, signal.SIGKILL)
    raise TopologyFailure("processes of the topology were left running after it stopped")


# --- HTTP with a cookie jar that keeps Secure cookies (the load balancer terminates TLS) ---


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirect)

    def request(
        self, method: str, path: str, data: dict | None = None, *, headers=None, follow=True
    ):
        """(status, final URL, body); with follow=False a redirect is returned as it came, its
        Location in place of the URL."""
        url = path if path.startswith("http") else self.base + path
        for _hop in range(10):
            body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
            request = urllib.request.Request(url, data=body, method=method)
            request.add_header("X-Forwarded-Proto", "https")
            request.add_header("Accept-Language", "fr")
            for key, value in (headers or {}).items():
                request.add_header(key, value)
            if self.cookies:
                request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            if method == "POST":
                request.add_header("Referer", self.base.replace("http://", "https://") + "/")
                request.add_header("Origin", self.base.replace("http://", "https://"))
            try:
                response = self.opener.open(request, timeout=60)
                status, answer, content = response.status, response.headers, response.read()
            except urllib.error.HTTPError as error:
                status, answer, content = error.code, error.headers, error.read()
            for value in answer.get_all("Set-Cookie") or []:
                cookie, _, rest = value.partition("=")
                self.cookies[cookie.strip()] = rest.split(";", 1)[0]
            if status in (301, 302, 303, 307, 308):
                if not follow:
                    return status, answer["Location"], content
                url = urllib.parse.urljoin(url, answer["Location"]).replace("https://", "http://")
                if status in (301, 302, 303):
                    method, data = "GET", None
                continue
            return status, url, content
        raise TopologyFailure(f"too many redirects from {path}")

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs):
        return self.request("POST", path, data, **kwargs)


class _FormParser(html.parser.HTMLParser):
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
    parser = _FormParser()
    parser.feed(page.decode("utf-8", "replace"))
    for action, fields in parser.forms:
        if action_contains in action:
            return action, fields
    actions = [action for action, _fields in parser.forms]
    raise TopologyFailure(f"no form posting to …{action_contains}… on the page (forms: {actions})")


def sign_in(browser: Browser, email: str, totp_secret: str | None = None) -> None:
    """The e-mail step, allauth's password form, and the second-factor step when there is one."""
    status, url, page = browser.get("/accounts/login/")
    if status != 200:
        raise TopologyFailure(f"sign-in page answered {status}")
    if b"/accounts/sign-in/" in page:
        # Step 1 of the e-mail-first sign-in; a company with passwords goes on to step 2.
        action, fields = form_on(page, "/accounts/sign-in/")
        fields["email"] = email
        status, url, page = browser.post(action, fields)
    action, fields = form_on(page, "/accounts/login/")
    fields.update(login=email, password=PASSWORD)
    status, url, page = browser.post(action or "/accounts/login/", fields)
    if "/accounts/2fa/authenticate" in url:
        if not totp_secret:
            raise TopologyFailure(f"{email} is asked for a second factor we lack")
        action, fields = form_on(page, "2fa/authenticate")
        fields["code"] = totp_now(totp_secret)
        status, url, page = browser.post(action or url, fields)
    if status != 200 or "/accounts/login" in url:
        raise TopologyFailure(f"sign-in of {email} failed: {status} at {url}")


def totp_now(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


# --- reading the database the topology writes ---


def django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["DEBUG"] = "true"  # this process only reads; the served topology has DEBUG off
    import django

    django.setup()


def totp_secret_of(email: str) -> str | None:
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.filter(
        user__email=email, type=Authenticator.Type.TOTP
    ).first()
    if authenticator is None:
        return None
    return get_adapter().decrypt(authenticator.data["secret"])
