"""The mission list's server time and query count at 10k missions, next to a bare page."""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.dataset import BARE_SLUG, bench_email, ensure_dataset
from portal.models import EmployeeProfile


@dataclass
class Timing:
    label: str
    url: str
    status: int
    median_ms: float
    p90_ms: float
    min_ms: float
    queries: int
    size_kb: float


def measure(client: Client, label: str, url: str, *, requests: int, warmup: int = 3) -> Timing:
    """Median of `requests` full requests through the Django stack (the test Client)."""
    for _ in range(warmup):
        response = client.get(url)
    connection.queries_log.clear()  # a full log (it keeps 9,000) would count nothing
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return Timing(
        label=label,
        url=url,
        status=response.status_code,
        median_ms=statistics.median(times),
        p90_ms=times[min(len(times) - 1, int(len(times) * 0.9))],
        min_ms=times[0],
        queries=len(queries),
        size_kb=len(response.content) / 1024,
    )


def run() -> None:
    counts = ensure_dataset()
    print("[bench] data set: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    requests = int(os.environ.get("BENCH_REQUESTS", 20))
    profile = EmployeeProfile.objects.select_related("user", "company").get(
        user__email=bench_email(1)
    )
    client = Client()
    client.force_login(profile.user)
    from missions.models import AssociationPage

    bare = AssociationPage.objects.get(slug=BARE_SLUG)
    filtered = "/missions/?q=nettoyage&kind=citizen_day&seats=on"
    timings = [
        measure(client, "mission list, first page", "/missions/", requests=requests),
        measure(client, "mission list, page 20", "/missions/?page=20", requests=requests),
        measure(client, "mission list, search + filters", filtered, requests=requests),
        measure(client, "bare Wagtail page (same base)", bare.url, requests=requests),
    ]
    print(
        f"[bench] signed in as {profile.user.email} ({profile.company.name}); "
        f"{requests} timed requests per URL after 3 warm-ups; {connection.vendor}"
    )
    print(
        f"{'':34} {'median ms':>10} {'p90 ms':>8} {'min ms':>8} {'queries':>8} "
        f"{'KiB':>6} {'status':>6}  url"
    )
    for t in timings:
        print(
            f"{t.label:34} {t.median_ms:10.1f} {t.p90_ms:8.1f} {t.min_ms:8.1f} {t.queries:8d} "
            f"{t.size_kb:6.1f} {t.status:6d}  {t.url}"
        )
    base = timings[-1].median_ms
    for t in timings[:-1]:
        print(f"RATIO {t.label} / bare page: {t.median_ms / base:.1f}x")
    broken = [t for t in timings if t.status != 200]
    if broken:
        print(
            "[bench] WARNING: non-200 answers: " + ", ".join(f"{t.url} {t.status}" for t in broken)
        )
