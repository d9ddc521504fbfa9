"""Impact report at scale, at two sizes: 100k and 1M donations (20k and 200k attended enrolments).

For each size (its own company of the bench data set, so both coexist), in one run:
- the data phase from the raw rows (company_metrics(raw=True), the computation before the
  figure aggregates), then the first aggregated read, which builds the aggregates of any month
  written since (the bench's bulk rows: every month the first time), and the read after one
  gift changed (one month rebuilt);
- the whole report (data + HTML + WeasyPrint) in a fresh process: data phase, render, total and
  the process's peak RSS (getrusage ru_maxrss, the whole process, not only the Python heap);
- WeasyPrint alone on the very same HTML in another fresh process: its time and peak RSS.
Then how each figure grows from the small size to the large one (exponent = log(t2/t1) /
log(n2/n1): 1 is linear), and the goals of issue 15 for the large size.

BENCH_REPORT_DONATIONS and BENCH_REPORT_ENROLMENTS set the large size (defaults 1,000,000 and
200,000); the small one is a tenth. bench-1 holds the large size, bench-2 the small one; their
rows are made once, later runs reuse them.
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import os
import random
import resource
import tempfile
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection, transaction

YEAR = 2025
SEED = 5150
PARIS = ZoneInfo("Europe/Paris")


def _sizes() -> list[tuple[str, int, int]]:
    """(company slug, donations, enrolments), small size first."""
    donations = int(os.environ.get("BENCH_REPORT_DONATIONS", 1_000_000))
    enrolments = int(os.environ.get("BENCH_REPORT_ENROLMENTS", 200_000))
    return [("bench-2", donations // 10, enrolments // 10), ("bench-1", donations, enrolments)]


def _copy(table: str, columns: list[str], rows) -> None:
    """PostgreSQL COPY (fast path), else a plain executemany (SQLite)."""
    if connection.vendor == "postgresql":
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608 - fixed names
    batch = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) == 10_000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _ensure_rows(company, donations: int, enrolments: int) -> None:
    from donations.models import Donation, MatchingPolicy
    from missions.models import (
        AssociationPage,
        Enrolment,
        EnrolmentStatus,
        MissionPage,
        MissionSession,
    )
    from portal.models import EmployeeProfile

    rng = random.Random(SEED)
    employees = list(EmployeeProfile.objects.filter(company=company).values_list("pk", flat=True))
    start, end = dt.datetime(YEAR, 1, 1, tzinfo=PARIS), dt.datetime(YEAR + 1, 1, 1, tzinfo=PARIS)
    have = Enrolment.objects.filter(
        employee__company=company,
        status=EnrolmentStatus.ATTENDED,
        session__start__gte=start,
        session__start__lt=end,
    ).count()
    if have < enrolments:
        t = time.perf_counter()
        per_session = min(50, len(employees))
        missions = list(
            MissionPage.objects.filter(company=company).values_list("pk", flat=True)[:400]
        ) or list(MissionPage.objects.values_list("pk", flat=True)[:400])
        needed = (enrolments - have + per_session - 1) // per_session
        sessions = []
        for i in range(needed):
            begin = start + dt.timedelta(days=rng.randrange(360), hours=9)
            sessions.append(
                MissionSession(
                    mission_id=missions[i % len(missions)],
                    start=begin,
                    end=begin + dt.timedelta(hours=rng.choice([3, 4, 7])),
                    seats=per_session,
                    sort_order=1000 + i,
                )
            )
        with transaction.atomic():
            sessions = MissionSession.objects.bulk_create(sessions, batch_size=5000)
            rows = []
            for session in sessions:
                hours = (session.end - session.start).total_seconds() / 3600
                for pk in rng.sample(employees, per_session):
                    rows.append(
                        Enrolment(
                            employee_id=pk,
                            session_id=session.pk,
                            status=EnrolmentStatus.ATTENDED,
                            hours=Decimal(str(hours)),
                        )
                    )
            Enrolment.objects.bulk_create(rows, batch_size=10_000)
        print(f"[bench]   {len(rows):,} attended enrolments: {time.perf_counter() - t:.1f} s")

    have = Donation.objects.filter(company=company, occurred_at__gte=start, occurred_at__lt=end)
    have = have.count()
    if have < donations:
        t = time.perf_counter()
        associations = list(AssociationPage.objects.values_list("pk", flat=True)[:200])
        # bench-1 keeps the references of the first runs (one size), so its rows are reused.
        prefix = "bench-report-" if company.slug == "bench-1" else f"bench-report-{company.slug}-"
        policy, _ = MatchingPolicy.objects.get_or_create(
            company=company,
            period_start=dt.date(YEAR, 1, 1),
            defaults={
                "period_end": dt.date(YEAR + 1, 1, 1),
                "employee_yearly_cap_cents": 10**9,
                "yearly_budget_cents": 10**12,
                "currency": "EUR",
            },
        )
        now = dt.datetime.now(tz=dt.UTC)
        plan = [
            (
                rng.choice(employees),
                rng.choice(associations),
                rng.randint(1, 99) if i % 10 else rng.randint(1000, 10000),
                start + dt.timedelta(seconds=rng.randrange(365 * 86400)),
            )
            for i in range(donations - have)
        ]
        with transaction.atomic():
            _copy(
                "donations_donation",
                [
                    "donor_id",
                    "company_id",
                    "association_id",
                    "amount_cents",
                    "currency",
                    "source",
                    "status",
                    "occurred_at",
                    "external_reference",
                    "created_at",
                    "refunded_cents",
                ],
                (
                    (
                        donor,
                        company.pk,
                        association,
                        amount,
                        "EUR",
                        "payroll",
                        "succeeded",
                        when,
                        f"{prefix}{have + i}",
                        now,
                        0,
                    )
                    for i, (donor, association, amount, when) in enumerate(plan)
                ),
            )
            # Half of the gifts are matched 1:1.
            donation_ids = list(
                Donation.objects.filter(company=company, external_reference__startswith=prefix)
                .order_by("pk")
                .values_list("pk", "donor_id", "association_id", "amount_cents")[have:]
            )
            _copy(
                "donations_match",
                [
                    "donation_id",
                    "policy_id",
                    "company_id",
                    "employee_id",
                    "association_id",
                    "amount_cents",
                    "currency",
                    "status",
                    "is_partial",
                    "created_at",
                    "reversed_cents",
                ],
                (
                    (
                        pk,
                        policy.pk,
                        company.pk,
                        donor,
                        association,
                        amount,
                        "EUR",
                        "active",
                        False,
                        now,
                        0,
                    )
                    for pk, donor, association, amount in donation_ids[::2]
                ),
            )
        print(f"[bench]   {donations - have:,} donations: {time.perf_counter() - t:.1f} s")


def _child(conn, kind: str, slug: str, html_path: str) -> None:
    """Runs in a fresh (spawned) process: the whole report, or WeasyPrint alone on saved HTML;
    sends its timings and the process's peak RSS."""
    import django

    django.setup()
    from django.utils import translation

    from portal.models import Company
    from reporting.periods import year_period
    from reporting.selectors.metrics import company_metrics
    from reporting.services import render_report_html, write_pdf

    result: dict = {}
    with translation.override("fr"):
        # Warm WeasyPrint's font caches first, so neither measured render pays for them.
        write_pdf("<p>DejaVu Sans, Liberation Sans</p>")
        if kind == "report":
            company = Company.objects.get(slug=slug)
            t0 = time.perf_counter()
            metrics = company_metrics(company=company, period=year_period(YEAR))
            t1 = time.perf_counter()
            html = render_report_html(company=company, metrics=metrics)
            pdf, pages = write_pdf(html)
            t2 = time.perf_counter()
            with open(html_path, "w", encoding="utf-8") as out:
                out.write(html)
            k = metrics["kpis"]
            result.update(
                data=t1 - t0,
                render=t2 - t1,
                pages=pages,
                pdf_kib=len(pdf) / 1024,
                html_kib=len(html) / 1024,
                headcount=k["headcount"],
                hours=k["hours"],
                volunteers=k["volunteers"],
                donations=k["donations_cents"],
                matches=k["matches_cents"],
            )
        else:
            with open(html_path, encoding="utf-8") as source:
                html = source.read()
            t0 = time.perf_counter()
            pdf, _pages = write_pdf(html)
            result["alone"] = time.perf_counter() - t0
            assert pdf[:4] == b"%PDF"
    # ru_maxrss of a spawned child also counts the forked parent's pages before the exec (Linux
    # keeps the high-water mark across execve): every child showed the bench parent's 241 MiB.
    # VmHWM is the high-water mark of this process's own memory since its exec.
    result["ru_maxrss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["rss_mib"] = _vm_hwm_mib()
    conn.send(result)
    conn.close()


def _vm_hwm_mib() -> float:
    """Peak resident set size of this process (Linux /proc), in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _in_fresh_process(kind: str, slug: str, html_path: str) -> dict:
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(child, kind, slug, html_path))
    process.start()
    result = parent.recv()
    process.join()
    return result


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def _measure(slug: str, donations: int, enrolments: int) -> dict:
    from django.db.models import F

    from donations.models import Donation
    from portal.models import Company
    from reporting.models import FigureBucket
    from reporting.periods import year_period
    from reporting.selectors.metrics import company_metrics

    company = Company.objects.get(slug=slug)
    _ensure_rows(company, donations, enrolments)
    if connection.vendor == "postgresql":
        # Fresh bulk rows: give the planner their statistics before measuring.
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE donations_donation, donations_match, missions_enrolment,"
                " missions_missionsession, portal_employeeprofile, reporting_giftfigures,"
                " reporting_associationfigures, reporting_volunteerfigures,"
                " reporting_missionfigures, reporting_figurebucket, reporting_figuremonth"
            )
    period = year_period(YEAR)
    out = {"n": donations, "enrolments": enrolments}
    out["raw"] = _timed(lambda: company_metrics(company=company, period=period, raw=True))
    from django.utils import timezone

    started = timezone.now()
    out["first"] = _timed(lambda: company_metrics(company=company, period=period))
    out["built"] = FigureBucket.objects.filter(company=company, built_at__gte=started).count()
    # One gift changes (a refund would): its month is rebuilt by the next read.
    one = Donation.objects.filter(company=company, occurred_at__year=YEAR).order_by("pk")[:1]
    Donation.objects.filter(pk__in=list(one.values_list("pk", flat=True))).update(
        amount_cents=F("amount_cents")
    )
    out["one_month"] = _timed(lambda: company_metrics(company=company, period=period))
    with tempfile.NamedTemporaryFile(suffix=".html", delete=False) as handle:
        html_path = handle.name
    try:
        out.update(_in_fresh_process("report", slug, html_path))
        alone = _in_fresh_process("alone", slug, html_path)
    finally:
        os.unlink(html_path)
    out["alone"], out["alone_rss_mib"] = alone["alone"], alone["rss_mib"]
    out["alone_ru_maxrss_mib"] = alone["ru_maxrss_mib"]
    out["total"] = out["data"] + out["render"]
    return out


def _exponent(small: float, large: float, n_small: int, n_large: int) -> float:
    if small <= 0 or large <= 0:
        return float("nan")
    return math.log(large / small) / math.log(n_large / n_small)


def run() -> None:
    from bench.dataset import ensure_dataset

    ensure_dataset()
    results = [_measure(*size) for size in _sizes()]
    for r in results:
        print(
            f"  {r['n']:,} donations, {r['enrolments']:,} attended enrolments "
            f"({r['headcount']:,} employees, {YEAR}): {r['hours']:,.0f} h by {r['volunteers']:,}"
            f" volunteers, {r['donations'] / 100:,.0f} EUR given, {r['matches'] / 100:,.0f} EUR"
            f" matched; PDF {r['pages']} pages, {r['pdf_kib']:,.0f} KiB, HTML"
            f" {r['html_kib']:,.0f} KiB"
        )
        print(f"    data phase from raw rows (before)           {r['raw']:8.2f} s")
        print(f"    first read, building {r['built']:3d} bucket(s)          {r['first']:8.2f} s")
        print(f"    read after one gift changed (1 month)       {r['one_month']:8.2f} s")
        print("    fresh process, whole report:")
        print(f"      data phase (aggregates)                   {r['data']:8.2f} s")
        print(f"      render (HTML + WeasyPrint)                {r['render']:8.2f} s")
        print(f"      total                                     {r['total']:8.2f} s")
        print(f"      peak RSS of the process (VmHWM)           {r['rss_mib']:8.1f} MiB")
        print(f"      (ru_maxrss, with the parent's pre-exec)   {r['ru_maxrss_mib']:8.1f} MiB")
        print("    fresh process, WeasyPrint alone on the same HTML:")
        print(f"      time                                      {r['alone']:8.2f} s")
        print(f"      peak RSS of the process (VmHWM)           {r['alone_rss_mib']:8.1f} MiB")
        print(f"    data phase / total                          {r['data'] / r['total']:8.1%}")
        print(f"    ratio total / WeasyPrint alone              {r['total'] / r['alone']:8.2f} x")
        speedup = r["raw"] / max(r["data"], 1e-9)
        print(f"    ratio raw data phase / aggregated           {speedup:8.1f} x")
    small, large = results[0], results[-1]
    print(
        f"  growth from {small['n']:,} to {large['n']:,} donations"
        " (exponent: 1 = linear, above 1 = faster than linear):"
    )
    for key, label in (
        ("raw", "data phase from raw rows"),
        ("data", "data phase from aggregates"),
        ("render", "render"),
        ("total", "total"),
        ("alone", "WeasyPrint alone"),
        ("rss_mib", "peak RSS"),
    ):
        exponent = _exponent(small[key], large[key], small["n"], large["n"])
        unit = "MiB" if key == "rss_mib" else "s"
        print(
            f"    {label:28s} {small[key]:8.2f} {unit} -> {large[key]:8.2f} {unit}"
            f"   exponent {exponent:5.2f}{'  FASTER THAN LINEAR' if exponent > 1.1 else ''}"
        )
    share = large["data"] / large["total"]
    ratio = large["total"] / large["alone"]
    rss_mb = large["rss_mib"] * 1024 * 1024 / 1e6
    print(
        f"  GOAL data phase <= 10 % of total: {'met' if share <= 0.10 else 'not met'} ({share:.1%})"
    )
    print(
        f"  GOAL total <= 1.5x WeasyPrint alone: {'met' if ratio <= 1.5 else 'not met'}"
        f" ({ratio:.2f} x)"
    )
    print(f"  GOAL peak RSS <= 300 MB: {'met' if rss_mb <= 300 else 'not met'} ({rss_mb:.0f} MB)")
