# ruff: noqa: S608 (table names come from the models' meta, quoted; every value is a parameter)
"""The payroll run in set-based SQL on PostgreSQL: compute, split, match and write in the server.

The ORM path of `donations.services.payroll` and `matching` stays the reference (and the path on
SQLite); every statement here gives the same rows, which `tests/donations/test_payroll_sql.py`
checks line by line on PostgreSQL. Nothing here loads a line, a donation or a match into Python:
a 100,000-pledge run moves ids and amounts inside the database, so its memory stays flat.

The sequential rules become window functions over the run's order (employee number, line id,
share order, the order `_run_donations` produces):

- split_by_allocations: each share gets `amount * percent // 100`, and the cents left go one
  each to the shares with the largest remainders (ties: the share order).
- matching: with W the running sum of an employee's wanted matches and L what their cap leaves,
  the capped match is `min(W, L) - min(W - wanted, L)`; then with C the running sum of capped
  matches over the run and B what the budget leaves, the match is `min(C, B) - min(C - c, B)`.
  This is exactly `min(wanted, cap left, budget left)` applied donation after donation: once the
  budget is short, every later match is 0, so an employee's cap never sees a truncated match.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction

from donations.models import (
    Donation,
    Match,
    MatchingPolicy,
    PayrollLine,
    PayrollRun,
    Pledge,
    PledgeAllocation,
)
from portal.models import EmployeeProfile


@contextmanager
def _cursor():
    """A cursor in a transaction whose planner uses hash or merge joins only.

    The run's rows were written moments ago, before any ANALYZE: the planner expects a handful
    and picks nested loops, one of which rescans an aggregate per row (minutes at 100k rows).
    Hash joins are right at every size here; SET LOCAL ends with the transaction anyway.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")  # the run's sorts stay in memory
        yield cursor
        # Back to the defaults for the rest of the caller's transaction. On an error the
        # savepoint's rollback undoes both SETs (and a statement here would fail anyway).
        cursor.execute("SET LOCAL enable_nestloop TO DEFAULT")
        cursor.execute("SET LOCAL work_mem TO DEFAULT")


def enabled() -> bool:
    """The set-based path runs on PostgreSQL; other databases keep the ORM path, and so does
    PostgreSQL with CORDEE_PAYROLL_SQL = False (the equality test runs both paths on it)."""
    return connection.vendor == "postgresql" and getattr(settings, "CORDEE_PAYROLL_SQL", True)


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


LINE, PLEDGE, ALLOCATION = _t(PayrollLine), _t(Pledge), _t(PledgeAllocation)
DONATION, MATCH, PROFILE = _t(Donation), _t(Match), _t(EmployeeProfile)


# -- compute -----------------------------------------------------------------------------------

# Never the pledge of a person whose last day is before the month, whatever its end says (as
# donations.services.pledges.active_pledges_for_month on the ORM path).
_NOT_A_LEAVER = f"""AND NOT EXISTS (
        SELECT 1 FROM {PROFILE} leaver
        WHERE leaver.id = {PLEDGE}.employee_id AND leaver.leave_date < %(month)s
      )"""

# The pledge that applies to the month per employee: the ORM path keeps the last one of the
# queryset's order (-start_month, -id) in a dict, i.e. the earliest start, then the lowest id.
_MONTH_PLEDGES = f"""
    SELECT DISTINCT ON (employee_id) employee_id, id, rule, fixed_amount_cents, monthly_cap_cents,
           start_month
    FROM {PLEDGE}
    WHERE company_id = %(company)s AND start_month <= %(month)s
      AND (end_month IS NULL OR end_month > %(month)s)
      {_NOT_A_LEAVER}
    ORDER BY employee_id, start_month, id
"""

# compute_deduction in SQL: the rule's amount, never above the cap nor the net pay, never < 0.
_DEDUCTION = """
    CASE WHEN p.id IS NULL OR l.net_pay_cents <= 0 THEN 0
    ELSE GREATEST(0, LEAST(
        CASE p.rule
            WHEN 'cents' THEN l.net_pay_cents %% 100
            WHEN 'round_5' THEN (500 - l.net_pay_cents %% 500) %% 500
            WHEN 'round_10' THEN (1000 - l.net_pay_cents %% 1000) %% 1000
            WHEN 'fixed' THEN COALESCE(p.fixed_amount_cents, 0)
        END,
        p.monthly_cap_cents,  -- LEAST ignores NULL: no cap
        l.net_pay_cents))
    END
"""


def insert_lines(run: PayrollRun, rows) -> int:
    """Write an imported file's lines with their deductions already computed: the rows
    (employee id, employee number, net pay) are COPied into a temporary table, then one
    INSERT … SELECT joins them to the month's pledges. compute_lines then finds nothing to
    change, instead of rewriting every line it was just given."""
    params = {"company": run.company_id, "month": run.month, "run": run.pk}
    with _cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE payroll_import"
            " (employee_id bigint, employee_number text, net_pay_cents bigint) ON COMMIT DROP"
        )
        with cursor.cursor.copy(
            "COPY payroll_import (employee_id, employee_number, net_pay_cents) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"""
            WITH p AS ({_MONTH_PLEDGES})
            INSERT INTO {LINE} (run_id, employee_id, employee_number, net_pay_cents,
                                deduction_cents, pledge_id)
            SELECT %(run)s, l.employee_id, l.employee_number, l.net_pay_cents, {_DEDUCTION},
                   p.id
            FROM payroll_import l LEFT JOIN p ON p.employee_id = l.employee_id
            """,
            params,
        )
        written = cursor.rowcount
        cursor.execute("DROP TABLE payroll_import")
    return written


def compute_lines(run: PayrollRun) -> tuple[int, int]:
    """Set every line's deduction and pledge from the month's pledges in one UPDATE.

    Only lines whose (deduction, pledge) change are written, as the ORM path does; returns
    (lines in the run, lines rewritten).
    """
    params = {"company": run.company_id, "month": run.month, "run": run.pk}
    sql = f"""
        WITH p AS ({_MONTH_PLEDGES}),
        n AS (
            SELECT l.id, {_DEDUCTION} AS deduction, p.id AS pledge_id
            FROM {LINE} l LEFT JOIN p ON p.employee_id = l.employee_id
            WHERE l.run_id = %(run)s
        )
        UPDATE {LINE} AS t SET deduction_cents = n.deduction, pledge_id = n.pledge_id
        FROM n
        WHERE t.id = n.id
          AND (t.deduction_cents, t.pledge_id) IS DISTINCT FROM (n.deduction, n.pledge_id)
    """
    with _cursor() as cursor:
        cursor.execute(sql, params)
        written = cursor.rowcount
        cursor.execute(f"SELECT count(*) FROM {LINE} WHERE run_id = %s", [run.pk])
        (count,) = cursor.fetchone()
    return count, written


def payroll_diff(run: PayrollRun, *, previous: PayrollRun | None, limit: int) -> dict:
    """payroll.payroll_diff computed by the database: counts, and the first `limit` of each list
    in the same order as the ORM path (the run's line order, the pledges' order)."""
    params = {
        "company": run.company_id,
        "month": run.month,
        "run": run.pk,
        "previous": previous.pk if previous else None,
        "limit": limit,
    }
    now = f"SELECT employee_id, pledge_id, employee_number, id FROM {LINE} WHERE run_id = %(run)s"
    before = (
        f"SELECT employee_id, pledge_id, employee_number, id FROM {LINE}"
        " WHERE run_id = %(previous)s AND pledge_id IS NOT NULL"
    )
    lists = {
        # New and changed follow the run's lines; stopped the previous run's lines.
        "new": f"""
            SELECT n.employee_id, n.employee_number AS o1, n.id AS o2 FROM ({now}) n
            WHERE n.pledge_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM ({before}) b WHERE b.employee_id = n.employee_id)""",
        "changed": f"""
            SELECT n.employee_id, n.employee_number AS o1, n.id AS o2
            FROM ({now}) n JOIN ({before}) b ON b.employee_id = n.employee_id
            WHERE n.pledge_id IS NOT NULL AND b.pledge_id <> n.pledge_id""",
        "stopped": f"""
            SELECT b.employee_id, b.employee_number AS o1, b.id AS o2
            FROM ({before}) b JOIN ({now}) n ON n.employee_id = b.employee_id
            WHERE n.pledge_id IS NULL""",
        # Missing follows the first appearance of each employee in the pledges' order.
        "missing": f"""
            SELECT q.employee_id, q.o1, q.o2 FROM (
                SELECT DISTINCT ON (employee_id) employee_id, start_month AS o1, id AS o2
                FROM {PLEDGE}
                WHERE company_id = %(company)s AND start_month <= %(month)s
                  AND (end_month IS NULL OR end_month > %(month)s)
                  {_NOT_A_LEAVER}
                ORDER BY employee_id, start_month DESC, id DESC
            ) q
            WHERE NOT EXISTS (
                SELECT 1 FROM {LINE} l WHERE l.run_id = %(run)s AND l.employee_id = q.employee_id
            )""",
    }
    result: dict = {"previous_month": previous.month.isoformat() if previous else None}
    with _cursor() as cursor:
        for key, sql in lists.items():
            order = "o1 DESC, o2 DESC" if key == "missing" else "o1, o2"
            # One statement per list: the count over every row, then the first `limit` rows.
            cursor.execute(
                f"""SELECT f.total, COALESCE(pr.employee_number, '?') FROM (
                        SELECT employee_id, o1, o2, count(*) OVER () AS total
                        FROM ({sql}) x ORDER BY {order} LIMIT %(limit)s
                    ) f LEFT JOIN {PROFILE} pr ON pr.id = f.employee_id""",
                params,
            )
            rows = cursor.fetchall()
            result[key] = {
                "count": rows[0][0] if rows else 0,
                "employees": sorted(number for _total, number in rows),
            }
    return result


# -- donations and matches ---------------------------------------------------------------------

# The donations a run's lines become (split_by_allocations), one row per (line, share), with
# the order of `_run_donations`: employee number, line id, share index.
_SPLIT = f"""
    alloc AS (
        SELECT a.pledge_id, a.association_id, a.percent,
               row_number() OVER (PARTITION BY a.pledge_id ORDER BY a.percent DESC, a.id) AS idx
        FROM {ALLOCATION} a
        WHERE a.pledge_id IN (
            SELECT pledge_id FROM {LINE} WHERE run_id = %(run)s AND pledge_id IS NOT NULL
        )
    ),
    parts AS (
        SELECT l.id AS line_id, l.employee_id, l.employee_number, l.deduction_cents AS amount,
               al.association_id, al.idx,
               l.deduction_cents * al.percent / 100 AS base,
               l.deduction_cents * al.percent %% 100 AS rem
        FROM {LINE} l JOIN alloc al ON al.pledge_id = l.pledge_id
        WHERE l.run_id = %(run)s AND l.deduction_cents > 0 AND l.pledge_id IS NOT NULL
    ),
    ranked AS (
        SELECT parts.*,
               amount - SUM(base) OVER (PARTITION BY line_id) AS left_over,
               row_number() OVER (PARTITION BY line_id ORDER BY rem DESC, idx) AS rank
        FROM parts
    ),
    split AS (
        SELECT line_id, employee_id, employee_number, association_id, idx,
               base + CASE WHEN rank <= left_over THEN 1 ELSE 0 END AS cents
        FROM ranked
    )
"""

_ORDER = "employee_number, line_id, idx"


_INSERT_DONATIONS = f"""
    INSERT INTO {DONATION} (
        donor_id, company_id, association_id, amount_cents, currency, source, status,
        occurred_at, external_reference, payroll_line_id, payment_id, refunded_at,
        refunded_cents, created_at)
    SELECT employee_id, %(company)s, association_id, cents, %(currency)s, %(source)s,
           %(status)s, %(occurred_at)s,
           'payroll:' || line_id::text || ':' || association_id::text,
           line_id, NULL, NULL, 0, %(now)s
    FROM split WHERE cents > 0
    ORDER BY {_ORDER}
"""


def _donation_params(run: PayrollRun, occurred_at: dt.datetime, now: dt.datetime) -> dict:
    return {
        "run": run.pk,
        "company": run.company_id,
        "currency": run.currency,
        "source": Donation.Source.PAYROLL,
        "status": Donation.Status.SUCCEEDED,
        "occurred_at": occurred_at,
        "now": now,
    }


def insert_donations(run: PayrollRun, *, occurred_at: dt.datetime, now: dt.datetime) -> int:
    """INSERT … SELECT the run's donations (ids follow the run's order); returns how many.
    For a run that no policy matches; insert_donations_and_matches otherwise."""
    with _cursor() as cursor:
        cursor.execute(
            f"WITH {_SPLIT} {_INSERT_DONATIONS}", _donation_params(run, occurred_at, now)
        )
        return cursor.rowcount


def _matches_sql(*, saved: bool) -> str:
    """The matches of the run's donations under a locked policy, as CTEs ending in `final`.

    `saved`: the same statement inserts the donations (confirm) and matches them by their new
    ids, so the split is computed once and no donation is read back; else the split alone (the
    confirmation page's estimate).
    """
    if saved:
        # The donations inserted by this very statement, with their new ids.
        candidates = f"""
            ins_d AS ({_INSERT_DONATIONS} RETURNING id, payroll_line_id, association_id),
            cand AS (
                SELECT d.id AS donation_id, s.employee_id AS donor_id, s.association_id,
                       s.cents AS amount_cents, s.employee_number, s.line_id, s.idx
                FROM split s
                JOIN ins_d d
                  ON d.payroll_line_id = s.line_id AND d.association_id = s.association_id
                WHERE s.cents > 0
            )"""
    else:
        candidates = """
            cand AS (
                SELECT NULL::bigint AS donation_id, employee_id AS donor_id, association_id,
                       cents AS amount_cents, employee_number, line_id, idx
                FROM split WHERE cents > 0
            )"""
    return f"""
        WITH {_SPLIT}, {candidates},
        eligible AS (
            SELECT cand.*, amount_cents * %(num)s / %(den)s AS wanted
            FROM cand
            WHERE amount_cents > 0 AND association_id = ANY(%(associations)s)
        ),
        used AS (
            SELECT employee_id, SUM(amount_cents - reversed_cents) AS total
            FROM {MATCH}
            WHERE policy_id = %(policy)s AND status = %(active)s
            GROUP BY employee_id
        ),
        w AS (
            SELECT e.*,
                   GREATEST(%(cap)s - COALESCE(u.total, 0), 0) AS cap_left,
                   SUM(e.wanted) OVER (
                       PARTITION BY e.donor_id ORDER BY {_ORDER} ROWS UNBOUNDED PRECEDING
                   ) AS cum_wanted
            FROM eligible e LEFT JOIN used u ON u.employee_id = e.donor_id
        ),
        capped AS (
            SELECT w.*, LEAST(cum_wanted, cap_left) - LEAST(cum_wanted - wanted, cap_left) AS c
            FROM w
        ),
        running AS (
            SELECT capped.*, SUM(c) OVER (ORDER BY {_ORDER} ROWS UNBOUNDED PRECEDING) AS cum
            FROM capped
        ),
        final AS (
            SELECT running.*,
                   LEAST(cum, %(budget_left)s) - LEAST(cum - c, %(budget_left)s) AS amount
            FROM running
        )
    """


def _match_params(run: PayrollRun, policy: MatchingPolicy, associations: list[int]) -> dict:
    return {
        "run": run.pk,
        "policy": policy.pk,
        "num": policy.ratio_numerator,
        "den": policy.ratio_denominator,
        "cap": policy.employee_yearly_cap_cents,
        "budget_left": policy.yearly_budget_cents - policy.spent_cents,
        "associations": associations,
        "active": Match.Status.ACTIVE,
    }


def insert_donations_and_matches(
    run: PayrollRun,
    policy: MatchingPolicy,
    associations: list[int],
    *,
    occurred_at: dt.datetime,
    now: dt.datetime,
) -> tuple[int, int, int]:
    """One statement: the run's donations, then their matches under the policy (locked by the
    caller, before this runs); returns (donations, matches, matched cents)."""
    sql = (
        _matches_sql(saved=True)
        + f""",
        ins AS (
            INSERT INTO {MATCH} (
                donation_id, policy_id, company_id, employee_id, association_id, amount_cents,
                currency, status, is_partial, reversed_cents, created_at, reversed_at)
            SELECT donation_id, %(policy)s, %(company)s, donor_id, association_id, amount,
                   %(policy_currency)s, %(active)s, amount < wanted, 0, %(now)s, NULL
            FROM final WHERE amount > 0
            ORDER BY {_ORDER}
            RETURNING amount_cents
        )
        SELECT (SELECT count(*) FROM ins_d), count(*), COALESCE(SUM(amount_cents), 0) FROM ins
    """
    )
    params = {
        **_donation_params(run, occurred_at, now),
        **_match_params(run, policy, associations),
        "policy_currency": policy.currency,
    }
    with _cursor() as cursor:
        cursor.execute(sql, params)
        donations, matches, cents = cursor.fetchone()
    return int(donations), int(matches), int(cents)


def estimate_matches(run: PayrollRun, policy: MatchingPolicy, associations: list[int]) -> int:
    """What insert_matches would give the run's (unsaved) donations now, writing nothing."""
    sql = _matches_sql(saved=False) + "SELECT COALESCE(SUM(amount), 0) FROM final WHERE amount > 0"
    with _cursor() as cursor:
        cursor.execute(sql, _match_params(run, policy, associations))
        (cents,) = cursor.fetchone()
    return int(cents)


def run_association_ids(run: PayrollRun) -> set[int]:
    """The associations the run's donations go to (a handful: the pledges' shares)."""
    with _cursor() as cursor:
        cursor.execute(
            f"""SELECT DISTINCT a.association_id FROM {ALLOCATION} a
                WHERE a.pledge_id IN (
                    SELECT pledge_id FROM {LINE}
                    WHERE run_id = %s AND pledge_id IS NOT NULL AND deduction_cents > 0)""",
            [run.pk],
        )
        return {row[0] for row in cursor.fetchall()}
