"""The mission list's server time and query count at 10k missions, next to a bare page, and how
its time grows from 1k to 10k missions (BENCH_GROWTH=0 skips that part)."""

from __future__ import annotations

import math
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


QUERY_GOAL = 3  # at most the bare page's queries + 3
RATIO_GOAL = 2.0  # median at most twice the bare page's
SMALL_SHARE = 10  # the growth run keeps one mission in ten live: 1k of the 10k


def measure_all(
    client: Client, urls: list[tuple[str, str]], *, requests: int, budget_s: float, warmup: int = 2
) -> list[Timing]:
    """Medians of up to `requests` full requests through the Django stack (the test Client).

    The URLs are timed in turns (one request of each, then again), so that the load of a
    shared machine weighs on all of them alike and their ratios hold. A URL stops being sampled
    once `budget_s` is spent on it (after at least 3 samples).
    """
    counts, statuses, sizes = {}, {}, {}
    for _, url in urls:
        for _ in range(warmup):
            client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        # Read now: every request starts by emptying the connection's query log.
        counts[url], statuses[url] = len(queries), response.status_code
        sizes[url] = len(response.content) / 1024
    times: dict[str, list[float]] = {url: [] for _, url in urls}
    spent = dict.fromkeys(times, 0.0)
    for _ in range(requests):
        for _, url in urls:
            if len(times[url]) >= 3 and spent[url] >= budget_s:
                continue
            started = time.perf_counter()
            client.get(url)
            times[url].append((time.perf_counter() - started) * 1000)
            spent[url] += times[url][-1] / 1000
    timings = []
    for label, url in urls:
        samples = sorted(times[url])
        timings.append(
            Timing(
                label=label,
                url=url,
                status=statuses[url],
                median_ms=statistics.median(samples),
                p90_ms=samples[min(len(samples) - 1, int(len(samples) * 0.9))],
                min_ms=samples[0],
                samples=len(samples),
                queries=counts[url],
                size_kb=sizes[url],
            )
        )
    return timings


def _print_table(timings: list[Timing]) -> None:
    print(
        f"{'':34} {'median ms':>10} {'p90 ms':>8} {'min ms':>8} {'n':>3} {'queries':>8} "
        f"{'KiB':>6} {'status':>6}  url"
    )
    for t in timings:
        print(
            f"{t.label:34} {t.median_ms:10.1f} {t.p90_ms:8.1f} {t.min_ms:8.1f} {t.samples:3d} "
            f"{t.queries:8d} {t.size_kb:6.1f} {t.status:6d}  {t.url}"
        )


def _live_missions() -> int:
    from missions.models import MissionPage

    return MissionPage.objects.live().count()


def _set_share_live(share: int | None) -> None:
    """Keep one mission in `share` live (None: all of them), then refresh the statistics.

    The growth run measures the same catalogue at two sizes in one process, against the same
    bare page: the other missions are unpublished in bulk, then published again. No signal
    runs on a bulk update, so the page-tree cache is bumped here.
    """
    from wagtail.models import Page

    from missions.models import MissionPage
    from portal import page_cache

    missions = Page.objects.filter(pk__in=MissionPage.objects.values("pk"))
    missions.filter(live=False).update(live=True)
    if share:
        keep = MissionPage.objects.order_by("pk").values_list("pk", flat=True)[::share]
        missions.exclude(pk__in=list(keep)).update(live=False)
    page_cache.bump()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE wagtailcore_page")


def growth(client, urls, big: list[Timing], *, requests: int, budget_s: float) -> None:
    """The catalogue at about 1k live missions next to the 10k just measured: time and exponent."""
    big_n = _live_missions()
    try:
        _set_share_live(SMALL_SHARE)
        small_n = _live_missions()
        small = measure_all(client, urls, requests=requests, budget_s=budget_s)
    finally:
        _set_share_live(None)
    print(
        f"\n[bench] growth: the same URLs with {small_n:,} live missions (one in "
        f"{SMALL_SHARE}, the others unpublished for the run) and with {big_n:,}; "
        "exponent = log(t_big / t_small) / log(n_big / n_small): 1 grows linearly, 0 not at all"
    )
    print(f"{'':34} {f'{small_n:,} ms':>10} {f'{big_n:,} ms':>10} {'exponent':>9}")
    worst = -math.inf
    for s, b in zip(small, big, strict=True):
        exponent = math.log(b.median_ms / s.median_ms) / math.log(big_n / small_n)
        if s is not small[-1]:
            worst = max(worst, exponent)
        print(f"{s.label:34} {s.median_ms:10.1f} {b.median_ms:10.1f} {exponent:9.2f}")
    print(
        f"GOAL {'met' if worst < 1 else 'not met'}: no catalogue URL grows faster than "
        f"linearly with the number of missions (largest exponent {worst:.2f})"
    )


def run() -> None:
    counts = ensure_dataset()
    _set_share_live(None)  # a growth run cut short would have left missions unpublished
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
    timings = measure_all(client, urls, requests=requests, budget_s=budget)
    print(
        f"[bench] signed in as {profile.user.email} ({profile.company.name}); "
        f"up to {requests} timed requests or {budget:.0f} s per URL, in turns, after 2 "
        f"warm-ups and 1 counted request; {connection.vendor}"
    )
    _print_table(timings)
    base = timings[-1]
    for t in timings[:-1]:
        print(f"RATIO {t.label} / bare page: {t.median_ms / base.median_ms:.1f}x")
    for t in timings[:-1]:
        ok = t.queries <= base.queries + QUERY_GOAL and t.median_ms <= RATIO_GOAL * base.median_ms
        print(
            f"GOAL {'met' if ok else 'not met'}: {t.label}: {t.queries} queries "
            f"(<= {base.queries} + {QUERY_GOAL}), {t.median_ms / base.median_ms:.1f}x the bare "
            f"page (<= {RATIO_GOAL:.0f}x)"
        )
    broken = [t for t in timings if t.status != 200]
    if broken:
        print(
            "[bench] WARNING: non-200 answers: " + ", ".join(f"{t.url} {t.status}" for t in broken)
        )
    if os.environ.get("BENCH_GROWTH", "1") != "0":
        growth(client, urls, timings, requests=requests, budget_s=budget)
