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
    samples: int
    queries: int
    size_kb: float


def measure(
    client: Client, label: str, url: str, *, requests: int, budget_s: float, warmup: int = 2
) -> Timing:
    """Median of up to `requests` full requests through the Django stack (the test Client).

    A slow page stops being sampled once `budget_s` is spent (after at least 3 samples), so
    the benchmark ends in minutes even when a page takes seconds.
    """
    for _ in range(warmup):
        client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Read now: every request starts by emptying the connection's query log.
    query_count = len(queries)
    times: list[float] = []
    spent = 0.0
    while len(times) < requests and (len(times) < 3 or spent < budget_s):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        spent += times[-1] / 1000
    times.sort()
    return Timing(
        label=label,
        url=url,
        status=response.status_code,
        median_ms=statistics.median(times),
        p90_ms=times[min(len(times) - 1, int(len(times) * 0.9))],
        min_ms=times[0],
        samples=len(times),
        queries=query_count,
        size_kb=len(response.content) / 1024,
    )


def run() -> None:
    counts = ensure_dataset()
    print("[bench] data set: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    requests = int(os.environ.get("BENCH_REQUESTS", 20))
    budget = float(os.environ.get("BENCH_SECONDS_PER_URL", 30))
    profile = EmployeeProfile.objects.select_related("user", "company").get(
        user__email=bench_email(1)
    )
    client = Client()
    client.force_login(profile.user)
    from missions.models import AssociationPage

    bare = AssociationPage.objects.get(slug=BARE_SLUG)
    urls = [
        ("mission list, first page", "/missions/"),
        ("mission list, page 20", "/missions/?page=20"),
        ("mission list, filters only", "/missions/?kind=citizen_day&where=Lyon&seats=on"),
        ("mission list, search only", "/missions/?q=nettoyage"),
        ("mission list, search + filters", "/missions/?q=nettoyage&kind=citizen_day&seats=on"),
        ("bare Wagtail page (same base)", bare.url),
    ]
    timings = [
        measure(client, label, url, requests=requests, budget_s=budget) for label, url in urls
    ]
    print(
        f"[bench] signed in as {profile.user.email} ({profile.company.name}); "
        f"up to {requests} timed requests or {budget:.0f} s per URL, after 2 warm-ups and "
        f"1 counted request; {connection.vendor}"
    )
    print(
        f"{'':34} {'median ms':>10} {'p90 ms':>8} {'min ms':>8} {'n':>3} {'queries':>8} "
        f"{'KiB':>6} {'status':>6}  url"
    )
    for t in timings:
        print(
            f"{t.label:34} {t.median_ms:10.1f} {t.p90_ms:8.1f} {t.min_ms:8.1f} {t.samples:3d} "
            f"{t.queries:8d} {t.size_kb:6.1f} {t.status:6d}  {t.url}"
        )
    base = timings[-1].median_ms
    for t in timings[:-1]:
        print(f"RATIO {t.label} / bare page: {t.median_ms / base:.1f}x")
    broken = [t for t in timings if t.status != 200]
    if broken:
        print(
            "[bench] WARNING: non-200 answers: " + ", ".join(f"{t.url} {t.status}" for t in broken)
        )
