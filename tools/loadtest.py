"""Load test: locust, headless, against `make serve` on PostgreSQL + Redis with the demo data.

100 simulated users (95 employees, 5 CSR officers and executives) for 5 minutes by default
(LOADTEST_USERS, LOADTEST_SECONDS); prints, per kind of request, the count, failures, throughput
and p50/p95/p99, then the CPU and peak memory of the server's processes (gunicorn, Celery worker
and beat) sampled every second. Exit status 1 on any failed request.
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import psutil

from tools.topology import (
    PASSWORD,
    ROOT,
    TopologyFailure,
    django_setup,
    free_port,
    seeded_database,
    serving,
)
from tools.topology import log as _log

USERS = int(os.environ.get("LOADTEST_USERS", 100))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", 300))
VAR = ROOT / "var" / "loadtest"


def log(message: str) -> None:
    _log("loadtest", message)


def prepare_accounts() -> dict:
    """Passwords for 95 employees, 5 deciders with their own TOTP; sessions and mission URLs."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from missions.models import MissionPage, MissionSession
    from portal.models import Company, EmployeeProfile
    from portal.services import set_roles

    hashed = make_password(PASSWORD)
    companies = list(Company.objects.order_by("pk"))
    employees, deciders = [], []
    with transaction.atomic():
        for company in companies:
            sessions = list(
                MissionSession.objects.filter(
                    mission__company=company, start__gt=timezone.now()
                ).values_list("pk", flat=True)[:300]
            )
            if not sessions:
                continue
            people = list(
                EmployeeProfile.objects.filter(company=company)
                .exclude(is_csr_officer=True)
                .exclude(is_executive=True)
                .exclude(is_payroll_officer=True)
                .select_related("user")[: 95 // len(companies) + 1]
            )
            for profile in people:
                profile.user.password = hashed
                profile.user.save(update_fields=["password"])
                missions = MissionPage.objects.live().visible_to(profile.user).order_by("?")[:40]
                employees.append(
                    {
                        "email": profile.user.email,
                        "sessions": sessions,
                        "missions": [page.url for page in missions],
                    }
                )
        extra = (
            EmployeeProfile.objects.exclude(user__email__in=[e["email"] for e in employees])
            .filter(is_csr_officer=False, is_executive=False, is_payroll_officer=False)
            .select_related("user")[:5]
        )
        for profile in extra:
            set_roles(profile=profile, executive=True)
            profile.user.password = hashed
            profile.user.save(update_fields=["password"])
            secret = generate_totp_secret()
            TOTP.activate(profile.user, secret)
            deciders.append({"email": profile.user.email, "totp": secret})
    return {"password": PASSWORD, "employees": employees[:95], "deciders": deciders}


class ProcessSampler(threading.Thread):
    """CPU and resident memory of every process of the topology, once a second."""

    def __init__(self, root_pid: int) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(root_pid)
        self.samples: list[dict[str, tuple[float, int]]] = []
        self.stopped = threading.Event()
        self.known: dict[int, psutil.Process] = {}

    def run(self) -> None:
        while not self.stopped.wait(1.0):
            by_role: dict[str, tuple[float, int]] = {}
            for process in [self.root, *self.root.children(recursive=True)]:
                process = self.known.setdefault(process.pid, process)
                with contextlib.suppress(psutil.Error):
                    role = _role(process.cmdline())
                    cpu = process.cpu_percent(None)
                    rss = process.memory_info().rss
                    total_cpu, total_rss = by_role.get(role, (0.0, 0))
                    by_role[role] = (total_cpu + cpu, total_rss + rss)
            self.samples.append(by_role)


def _role(cmdline: list[str]) -> str:
    line = " ".join(cmdline)
    if "gunicorn" in line:
        return "web (gunicorn)"
    if "celery" in line and " beat" in line:
        return "beat"
    if "celery" in line:
        return "worker (celery)"
    return "other (make, honcho)"


def run() -> int:
    VAR.mkdir(parents=True, exist_ok=True)
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    smtp_port = free_port()
    smtp = Controller(Sink(), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    try:
        log("creating, migrating and seeding a database (full demo scale)")
        with seeded_database("cordee_load", scale="full") as database_url:
            django_setup(database_url)
            data = prepare_accounts()
            data_path = VAR / "users.json"
            data_path.write_text(json.dumps(data))
            log(f"{len(data['employees'])} employees and {len(data['deciders'])} deciders")
            with serving(
                database_url,
                name="loadtest",
                redis_url=os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
                extra_env={
                    "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
                    "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "4"),
                    "LOG_LEVEL": "WARNING",
                    # As behind a real load balancer: one proxy, whose X-Forwarded-For names
                    # each user's own address (tools/locustfile.py), so per-IP sign-in limits
                    # count people as in production instead of the one loopback address.
                    "TRUSTED_PROXY_COUNT": "1",
                },
            ) as topology:
                log(f"make serve answers on {topology.base}; {USERS} users for {SECONDS} s")
                sampler = ProcessSampler(topology.process.pid)
                sampler.start()
                locust = subprocess.run(
                    [
                        str(ROOT / ".venv" / "bin" / "locust"),
                        "-f",
                        str(ROOT / "tools" / "locustfile.py"),
                        "--headless",
                        "--users",
                        str(USERS),
                        "--spawn-rate",
                        "10",
                        "--run-time",
                        f"{SECONDS}s",
                        "--host",
                        topology.base,
                        "--csv",
                        str(VAR / "locust"),
                        "--only-summary",
                        "--loglevel",
                        "WARNING",
                    ],
                    env={**os.environ, "LOADTEST_DATA": str(data_path), "PYTHONPATH": str(ROOT)},
                    cwd=ROOT,
                    check=False,
                )
                sampler.stopped.set()
                sampler.join()
            failures = print_results(VAR / "locust_stats.csv", sampler)
    finally:
        smtp.stop()
    if failures or locust.returncode not in (0, 1):
        log(f"FAILED: {failures} failed requests (locust exit {locust.returncode})")
        return 1
    log("passed: 0 failed requests")
    return 0


def print_results(stats_path: Path, sampler: ProcessSampler) -> int:
    rows = list(csv.DictReader(stats_path.open()))
    header = ["count", "fail", "req/s", "p50 ms", "p95 ms", "p99 ms"]
    print(
        f"\n{'request':28} "
        + " ".join(f"{h:>7}" for h in header[:2]).replace("   fail", " fail")
        + " "
        + " ".join(f"{h:>7}" for h in header[2:])
    )
    failures = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        print(
            f"{name:28} {row['Request Count']:>7} {row['Failure Count']:>5} "
            f"{float(row['Requests/s']):7.1f} {row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
        )
        if row["Name"] == "Aggregated":
            failures = int(row["Failure Count"])
    print(f"\n{'server process':24} {'CPU avg %':>9} {'CPU peak %':>10} {'RSS peak MiB':>12}")
    roles = sorted({role for sample in sampler.samples for role in sample})
    for role in roles:
        cpus = [sample[role][0] for sample in sampler.samples if role in sample]
        rss = [sample[role][1] for sample in sampler.samples if role in sample]
        print(
            f"{role:24} {sum(cpus) / max(len(cpus), 1):9.0f} {max(cpus, default=0):10.0f} "
            f"{max(rss, default=0) / 2**20:12.0f}"
        )
    print(f"(CPU: 100 % = one core; this machine has {psutil.cpu_count()} cores)")
    return failures


def main() -> int:
    try:
        return run()
    except TopologyFailure as failure:
        log(f"FAILED: {failure}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
