"""Payroll round-up at scale: compute, export and confirm N pledges, next to a COPY of N rows.

The figure is the ratio of the whole run (import + compute + export + confirm) to a PostgreSQL
COPY of the rows it writes (lines + donations + matches); a second confirm must write 0 rows.
Two floors are printed: a COPY of as many rows into a temporary table (no index, no key, no
WAL: the issue's goal is 10x this one), and a COPY of the very same rows into their own tables,
with their indexes, checks and foreign keys (what writing these rows costs in this schema, with
the share of the foreign key checks, which PostgreSQL runs row by row).
It runs at N/10 then N pledges (BENCH_PAYROLL_PLEDGES sets N, default 100,000) and prints the
time at each size, the growth exponent, and the peak Python memory (tracemalloc) of the compute
and of the confirm at each size: flat when nothing is loaded row by row. BENCH_PAYROLL_PATH=orm
runs the ORM path (SQLite's) on PostgreSQL instead of the set-based one, for comparison.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import time
import tracemalloc

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

BENCH_SLUG = "bench-payroll"


def _ensure_people(count: int, slug: str = BENCH_SLUG):
    from donations.models import MatchingPolicy, Pledge, PledgeAllocation
    from donations.services.pledges import set_round_up_associations
    from missions.services.catalogue import ensure_site_tree
    from portal.models import Company, EmployeeProfile
    from portal.services import create_company
    from tests.factories import make_association

    ensure_site_tree()
    domain = f"{slug}.example"
    company = Company.objects.filter(slug=slug).first()
    if company is None:
        company = create_company(name=f"Bench Payroll {count:,}", slug=slug, domains=[domain])
    have = EmployeeProfile.objects.filter(company=company).count()
    if have < count:
        started = time.perf_counter()
        user_model = get_user_model()
        unusable = make_password(None)
        users = [
            user_model(
                username=f"bp{i}@{domain}",
                email=f"bp{i}@{domain}",
                password=unusable,
            )
            for i in range(have, count)
        ]
        user_model.objects.bulk_create(users, batch_size=5000)
        users = user_model.objects.filter(email__endswith=f"@{domain}").exclude(
            profile__isnull=False
        )
        EmployeeProfile.objects.bulk_create(
            (
                EmployeeProfile(user=u, company=company, employee_number=f"P{u.pk:08d}")
                for u in users
            ),
            batch_size=5000,
        )
        print(
            f"[bench] created {count - have:,} employees in {time.perf_counter() - started:.0f} s"
        )
    from missions.models import AssociationPage

    associations = list(AssociationPage.objects.filter(slug__startswith="bench-payroll-assoc"))
    if len(associations) < 2:
        associations = [
            make_association(title=f"Bench payroll {i}", slug=f"bench-payroll-assoc-{i}")
            for i in range(2)
        ]
    if not company.round_up_associations.exists():
        set_round_up_associations(company=company, association_ids=[a.pk for a in associations])
    MatchingPolicy.objects.get_or_create(
        company=company,
        period_start=dt.date(2000, 1, 1),
        defaults={
            "period_end": dt.date(2100, 1, 1),
            "employee_yearly_cap_cents": 10**9,
            "yearly_budget_cents": 10**15,
            "currency": company.currency,
        },
    )
    pledged = Pledge.objects.filter(company=company).values_list("employee_id", flat=True)
    missing = list(
        EmployeeProfile.objects.filter(company=company)
        .exclude(pk__in=pledged)
        .values_list("pk", flat=True)
    )
    if missing:
        now = dt.datetime.now(dt.UTC)
        created = Pledge.objects.bulk_create(
            (
                Pledge(
                    employee_id=pk,
                    company=company,
                    rule="cents",
                    currency=company.currency,
                    start_month=dt.date(2000, 1, 1),
                    consent_text_version="bench",
                    consented_at=now,
                )
                for pk in missing
            ),
            batch_size=5000,
        )
        PledgeAllocation.objects.bulk_create(
            (
                PledgeAllocation(pledge=p, association=associations[p.pk % 2], percent=100)
                for p in created
            ),
            batch_size=5000,
        )
    return company


def _copy_rows(count: int) -> float | None:
    """A PostgreSQL COPY of `count` rows of the same shape as payroll lines (None on SQLite)."""
    if connection.vendor != "postgresql":
        return None
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_copy (employee_number text, net_pay bigint, deduction bigint)"
            " ON COMMIT DROP"
        )
        with cursor.cursor.copy(
            "COPY bench_copy (employee_number, net_pay, deduction) FROM STDIN"
        ) as copy:
            for i in range(count):
                copy.write_row((f"P{i:08d}", 250_000 + i % 10_000, i % 100))
    return time.perf_counter() - started


class _RolledBack(Exception):
    pass


def _copy_into_tables(run_pk: int) -> tuple[float, float] | None:
    """COPY the very rows a confirmed run wrote, again, into their own tables (lines, donations,
    matches), with every index, check and foreign key, then roll back: the floor of writing
    these rows durably in this schema. Deferred foreign keys are checked before the clock stops
    (SET CONSTRAINTS ALL IMMEDIATE), as a commit would. Returns (seconds, of which the foreign
    key checks), None on SQLite."""
    if connection.vendor != "postgresql":
        return None
    from donations.models import PayrollRun

    run = PayrollRun.objects.get(pk=run_pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, employee_id, employee_number, net_pay_cents, deduction_cents, pledge_id"
            " FROM donations_payrollline WHERE run_id = %s ORDER BY id",
            [run_pk],
        )
        lines = cursor.fetchall()
        cursor.execute(
            "SELECT d.donor_id, d.company_id, d.association_id, d.amount_cents, d.currency,"
            " d.source, d.status, d.occurred_at, d.created_at, d.payroll_line_id, m.policy_id,"
            " m.amount_cents, m.currency, m.status, m.is_partial"
            " FROM donations_donation d JOIN donations_payrollline l ON l.id = d.payroll_line_id"
            " LEFT JOIN donations_match m ON m.donation_id = d.id"
            " WHERE l.run_id = %s ORDER BY d.id",
            [run_pk],
        )
        gifts = cursor.fetchall()

    def new_ids(cursor, table: str, count: int) -> list[int]:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]

    elapsed = checks = 0.0
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            # A run of its own for the copied lines (payroll_line_once is per run).
            copy_run = PayrollRun.objects.create(
                company_id=run.company_id, month=dt.date(1900, 1, 1), currency=run.currency
            )
            line_ids = dict(
                zip(
                    (line[0] for line in lines),
                    new_ids(cursor, "donations_payrollline", len(lines)),
                    strict=True,
                )
            )
            with cursor.cursor.copy(
                "COPY donations_payrollline (id, run_id, employee_id, employee_number,"
                " net_pay_cents, deduction_cents, pledge_id) FROM STDIN"
            ) as copy:
                for line in lines:
                    copy.write_row((line_ids[line[0]], copy_run.pk, *line[1:]))
            ids = new_ids(cursor, "donations_donation", len(gifts))
            with cursor.cursor.copy(
                "COPY donations_donation (id, donor_id, company_id, association_id, amount_cents,"
                " currency, source, status, occurred_at, created_at, payroll_line_id,"
                " external_reference, refunded_cents) FROM STDIN"
            ) as copy:
                for pk, gift in zip(ids, gifts, strict=True):
                    copy.write_row((pk, *gift[:9], line_ids[gift[9]], f"bench-copy:{pk}", 0))
            with cursor.cursor.copy(
                "COPY donations_match (donation_id, company_id, employee_id, association_id,"
                " policy_id, amount_cents, currency, status, is_partial, reversed_cents,"
                " created_at) FROM STDIN"
            ) as copy:
                for pk, gift in zip(ids, gifts, strict=True):
                    if gift[10] is not None:
                        copy.write_row((pk, gift[1], gift[0], gift[2], *gift[10:15], 0, gift[8]))
            checks_started = time.perf_counter()
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            elapsed = time.perf_counter() - started
            checks = time.perf_counter() - checks_started
            raise _RolledBack
    except _RolledBack:
        pass
    return elapsed, checks


def _peak(fn):
    """(result, peak bytes Python allocated while fn ran) by tracemalloc."""
    tracemalloc.start()
    try:
        result = fn()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _one_run(company, numbers: list[str]) -> dict:
    """Import + compute, export, confirm one month of `numbers`; times, rows, peak memory."""
    from donations.models import Donation, Match, PayrollRun
    from donations.services.notifications import suppressed
    from donations.services.payroll import (
        compute_payroll_run,
        confirm_payroll_run,
        export_deductions,
        import_net_pay,
        open_payroll_run,
    )
    from portal.calendar import add_months

    month = add_months(dt.date(2001, 1, 1), PayrollRun.objects.filter(company=company).count())
    buf = io.StringIO()
    buf.write("matricule;net_a_payer\n")
    for i, number in enumerate(numbers):
        cents = 180_000 + (i * 7919) % 300_000
        buf.write(f"{number};{cents // 100},{cents % 100:02d}\n")
    data = buf.getvalue().encode()

    run_row = open_payroll_run(company=company, month=month)
    t0 = time.perf_counter()
    import_net_pay(run=run_row, data=data, filename="bench.csv")
    t1 = time.perf_counter()
    # The compute's memory, untimed: the same compute again (pledges and net pay unchanged).
    _run, compute_peak = _peak(lambda: compute_payroll_run(run_id=run_row.pk))
    t2 = time.perf_counter()
    exported = export_deductions(run=run_row)
    t3 = time.perf_counter()
    with suppressed():  # the run's e-mails are not what is timed
        written, confirm_peak = _peak(lambda: confirm_payroll_run(run=run_row))
    t4 = time.perf_counter()
    rows_before = Donation.objects.count() + Match.objects.count()
    second = confirm_payroll_run(run=run_row)
    rows_after = Donation.objects.count() + Match.objects.count()
    return {
        "run": run_row.pk,
        "month": month,
        "lines": run_row.lines.count(),
        "import": t1 - t0,
        "export": t3 - t2,
        "exported": exported.count(chr(10)) - 1,
        "confirm": t4 - t3,
        "whole": (t1 - t0) + (t4 - t2),
        "written": written,
        "second": second,
        "unchanged": rows_after == rows_before,
        "compute_peak": compute_peak,
        "confirm_peak": confirm_peak,
    }


def run() -> None:
    from portal.models import EmployeeProfile

    count = int(os.environ.get("BENCH_PAYROLL_PLEDGES", 100_000))
    small = max(count // 10, 1)
    settings.CORDEE_PAYROLL_ASYNC_THRESHOLD = 10**9  # compute inline: we time it
    from donations.services import payroll_sql

    # BENCH_PAYROLL_PATH=orm measures the ORM path on PostgreSQL too (the figures before).
    settings.CORDEE_PAYROLL_SQL = os.environ.get("BENCH_PAYROLL_PATH", "sql") != "orm"
    path = "set-based SQL" if payroll_sql.enabled() else "ORM"
    results = {}
    for size in (small, count):
        # One company per size: every pledger of the company is in the month's file.
        company = _ensure_people(size, BENCH_SLUG if size == count else f"{BENCH_SLUG}-{size}")
        numbers = list(
            EmployeeProfile.objects.filter(company=company).values_list(
                "employee_number", flat=True
            )[:size]
        )
        r = results[size] = _one_run(company, numbers)
        rows = r["lines"] + r["written"]
        print(f"[bench] {size:,} pledges, {connection.vendor} ({path}), month {r['month']:%Y-%m}")
        print(f"  import + compute (parse, {r['lines']:,} lines) {r['import']:8.2f} s")
        print(f"  export ({r['exported']:,} deduction lines)     {r['export']:8.2f} s")
        print(f"  confirm ({r['written']:,} rows: donations + matches) {r['confirm']:8.2f} s")
        print(f"  whole run                                  {r['whole']:8.2f} s")
        print(
            f"  peak Python memory (tracemalloc): compute {r['compute_peak'] / 2**20:6.1f} MiB,"
            f" confirm {r['confirm_peak'] / 2**20:6.1f} MiB"
        )
        copy_s = _copy_rows(rows)
        if copy_s is not None:
            print(
                f"  PostgreSQL COPY of the {rows:,} rows it writes (lines + gifts + matches)"
                f" {copy_s:6.2f} s"
            )
            print(f"  ratio run / COPY                            {r['whole'] / copy_s:8.1f} x")
            tables_s, checks_s = _copy_into_tables(r["run"])
            print(
                f"  COPY of the same rows into their own tables (indexes, checks, foreign keys)"
                f" {tables_s:6.2f} s, of which foreign key checks {checks_s:.2f} s"
            )
            print(f"  ratio run / COPY into the tables            {r['whole'] / tables_s:8.1f} x")
            met = "met" if r["whole"] <= 10 * copy_s else "NOT met"
            print(f"  GOAL whole run <= 10x the COPY into a temporary table: {met}")
        else:
            print("  PostgreSQL COPY: not measured on SQLite (set DATABASE_URL to PostgreSQL)")
        print(
            f"  rows written by a second confirm: {r['second']} (rows in tables unchanged: "
            f"{r['unchanged']})"
        )
    a, b = results[small], results[count]
    if count > small:
        growth = math.log(b["whole"] / a["whole"]) / math.log(count / small)
        print(
            f"[bench] {small:,} -> {count:,} pledges: whole run {a['whole']:.2f} s -> "
            f"{b['whole']:.2f} s, growth exponent {growth:.2f} (1.00 = linear); peak memory "
            f"compute {a['compute_peak'] / 2**20:.1f} -> {b['compute_peak'] / 2**20:.1f} MiB, "
            f"confirm {a['confirm_peak'] / 2**20:.1f} -> {b['confirm_peak'] / 2**20:.1f} MiB"
        )
