"""Impact report at scale: 1M donations and 200k attended enrolments for one company.

Prints the data phase (the SQL aggregates), the render (HTML + WeasyPrint), the total and the
Python heap peak (tracemalloc), next to WeasyPrint rendering the same final HTML alone in the
same run; the ratio total / WeasyPrint-alone is the figure. BENCH_REPORT_DONATIONS and
BENCH_REPORT_ENROLMENTS set the sizes (defaults 1,000,000 and 200,000). Built on the shared
bench data set (bench/dataset.py): its first company gets the report's rows once, and later
runs reuse them.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import time
import tracemalloc
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection, transaction

YEAR = 2025
SEED = 5150
PARIS = ZoneInfo("Europe/Paris")


def _sizes() -> tuple[int, int]:
    return (
        int(os.environ.get("BENCH_REPORT_DONATIONS", 1_000_000)),
        int(os.environ.get("BENCH_REPORT_ENROLMENTS", 200_000)),
    )


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
                        f"bench-report-{have + i}",
                        now,
                    )
                    for i, (donor, association, amount, when) in enumerate(plan)
                ),
            )
            # Half of the gifts are matched 1:1.
            donation_ids = list(
                Donation.objects.filter(external_reference__startswith="bench-report-")
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
                    )
                    for pk, donor, association, amount in donation_ids[::2]
                ),
            )
        print(f"[bench]   {donations - have:,} donations: {time.perf_counter() - t:.1f} s")


def _peak(fn):
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        result = fn()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run() -> None:
    from django.utils import translation

    from bench.dataset import ensure_dataset
    from portal.models import Company
    from reporting.periods import year_period
    from reporting.selectors.metrics import company_metrics
    from reporting.services import render_report_html, write_pdf

    donations, enrolments = _sizes()
    ensure_dataset()
    company = Company.objects.get(slug="bench-1")
    _ensure_rows(company, donations, enrolments)
    if connection.vendor == "postgresql":
        # Fresh bulk rows: give the planner their statistics before measuring.
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE donations_donation, donations_match, missions_enrolment,"
                " missions_missionsession, portal_employeeprofile"
            )
    period = year_period(YEAR)

    with translation.override("fr"):
        # Warm WeasyPrint's font caches first, so neither measured render pays for them.
        write_pdf("<p>DejaVu Sans, Liberation Sans</p>")
        t0 = time.perf_counter()
        metrics = company_metrics(company=company, period=period)
        t1 = time.perf_counter()
        html = render_report_html(company=company, metrics=metrics)
        pdf, pages = write_pdf(html)
        t2 = time.perf_counter()
        # WeasyPrint alone on the very same final HTML.
        alone_pdf, _ = write_pdf(html)
        t3 = time.perf_counter()

        def whole():
            m = company_metrics(company=company, period=period)
            return write_pdf(render_report_html(company=company, metrics=m))

        _, whole_peak = _peak(whole)
        _, alone_peak = _peak(lambda: write_pdf(html))

    data_s, render_s, alone_s = t1 - t0, t2 - t1, t3 - t2
    total_s = data_s + render_s
    k = metrics["kpis"]
    mib = 1024 * 1024
    print(f"  company {company.name}: {k['headcount']:,} employees, {YEAR}")
    print(
        f"  attended hours {k['hours']:,.0f}, volunteers {k['volunteers']:,}, "
        f"donations {k['donations_cents'] / 100:,.0f} EUR, "
        f"matches {k['matches_cents'] / 100:,.0f} EUR"
    )
    print(f"  PDF: {pages} pages, {len(pdf) / 1024:,.0f} KiB, HTML {len(html) / 1024:,.0f} KiB")
    print(f"  data phase (SQL aggregates)                 {data_s:8.2f} s")
    print(f"  render (HTML + WeasyPrint)                  {render_s:8.2f} s")
    print(f"  total                                       {total_s:8.2f} s")
    print(f"  WeasyPrint alone, same HTML                 {alone_s:8.2f} s")
    print(f"  ratio total / WeasyPrint alone              {total_s / alone_s:8.2f} x")
    print(f"  peak Python heap, whole report              {whole_peak / mib:8.1f} MiB")
    print(f"  peak Python heap, WeasyPrint alone          {alone_peak / mib:8.1f} MiB")
    print(f"  memory ratio                                {whole_peak / alone_peak:8.2f} x")
    assert io.BytesIO(alone_pdf).read(4) == b"%PDF"
