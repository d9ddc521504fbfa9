"""The set-based payroll run on PostgreSQL (donations/services/payroll_sql.py) against the ORM path.

The same run goes through both paths from the same starting state (the ORM path's writes rolled
back), and every line, donation, match, the policy's spent budget, the preview's diff, the
confirmation's match estimate and the audit entry must be equal.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from donations.models import AuditEntry, Donation, Match, MatchingPolicy, PayrollLine, PayrollRun
from donations.services import payroll_sql
from donations.services.payroll import (
    confirm_payroll_run,
    confirmation_of,
    export_deductions,
    import_net_pay,
    open_payroll_run,
)
from donations.services.pledges import (
    PledgeTerms,
    change_pledge,
    set_round_up_associations,
    stop_pledge,
)
from missions.models import Cause
from tests.donations.conftest import MONTH, pledge_for
from tests.factories import make_association, make_employee

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

NEXT = dt.date(2026, 4, 1)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the set-based payroll path is PostgreSQL's (SQLite runs the ORM path)")


class _Rollback(Exception):
    pass


@pytest.fixture
def world(company_a, site_tree):
    """Forty employees with every rule, caps, splits of 1 to 3 shares, zero and odd net pays,
    pledgers missing from the file, non-pledgers in it, matches already used under the policy,
    a 3:2 ratio, a per-employee cap and a budget that runs out within the run, and an
    association outside the policy's causes."""
    cause = Cause.objects.create(name="Solidarity", slug="solidarity-sql")
    associations = [make_association(title=f"Asso SQL {i}", slug=f"asso-sql-{i}") for i in range(4)]
    for a in associations[:3]:
        a.causes.add(cause)
        a.save()  # a page's causes are saved with the page
    set_round_up_associations(company=company_a, association_ids=[a.pk for a in associations])
    policy = MatchingPolicy.objects.create(
        company=company_a,
        ratio_numerator=3,
        ratio_denominator=2,
        employee_yearly_cap_cents=1_500,
        yearly_budget_cents=9_000,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2027, 1, 1),
        currency="EUR",
    )
    policy.causes.add(cause)
    rules = [
        ("cents", None, None),
        ("round_5", None, None),
        ("round_10", None, 250),
        ("fixed", 1_234, None),
        ("fixed", 5_000, 777),
        ("round_10", None, None),
    ]
    splits = [(100,), (50, 50), (33, 33, 34), (70, 30), (34, 33, 33), (1, 99)]
    people = []
    for i in range(40):
        number = f"S{(i * 17) % 40:03d}"  # file order differs from employee-number order
        employee = make_employee(company_a, employee_number=number)
        people.append(employee)
        if i % 9 == 8:
            continue  # no pledge: a line with nothing to deduct
        rule, fixed, cap = rules[i % len(rules)]
        split = splits[i % len(splits)]
        shares = [associations[(i + k) % 4] for k in range(len(split))]
        pledge_for(employee, shares, rule=rule, split=split, fixed=fixed, cap=cap)
    # Matches already counted under the policy for two employees (cap partly used).
    for employee, cents in ((people[0], 1_400), (people[1], 1_500)):
        donation = Donation.objects.create(
            donor=employee,
            company=company_a,
            association=associations[0],
            amount_cents=cents,
            currency="EUR",
            source=Donation.Source.PAYROLL,
            occurred_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
            external_reference=f"old:{employee.pk}",
        )
        Match.objects.create(
            donation=donation,
            policy=policy,
            company=company_a,
            employee=employee,
            association=associations[0],
            amount_cents=cents,
            currency="EUR",
        )
    policy.spent_cents = 2_900
    policy.save()
    lines = ["matricule;net_a_payer"]
    for i, employee in enumerate(people):
        if i in (5, 23):
            continue  # pledgers missing from the file
        cents = [0, 199_999, 250_001, 180_000, 123_456, 99][i % 6] + i
        lines.append(f"{employee.employee_number};{cents // 100},{cents % 100:02d}")
    return {
        "company": company_a,
        "policy": policy,
        "people": people,
        "file": "\n".join(lines).encode(),
    }


def _snapshot(run: PayrollRun) -> dict:
    run = PayrollRun.objects.get(pk=run.pk)
    number = dict(run.lines.values_list("pk", "employee_number"))
    donations = {
        (number[d.payroll_line_id], d.association_id): (
            d.donor_id,
            d.company_id,
            d.amount_cents,
            d.currency,
            d.source,
            d.status,
            d.occurred_at,
            d.external_reference == f"payroll:{d.payroll_line_id}:{d.association_id}",
            d.refunded_cents,
            d.payment_id,
            d.created_at is not None,
        )
        for d in Donation.objects.filter(payroll_line__run=run)
    }
    matches = {
        (number[m.donation.payroll_line_id], m.association_id): (
            m.policy_id,
            m.company_id,
            m.employee_id,
            m.donation.donor_id,
            m.amount_cents,
            m.currency,
            m.status,
            m.is_partial,
            m.reversed_cents,
        )
        for m in Match.objects.filter(donation__payroll_line__run=run).select_related("donation")
    }
    audit = AuditEntry.objects.filter(
        action="payroll.confirmed", object_id=str(run.pk)
    ).values_list("data", flat=True)
    return {
        "lines": sorted(
            run.lines.values_list(
                "employee_number", "employee_id", "net_pay_cents", "deduction_cents", "pledge_id"
            )
        ),
        "totals": (run.total_net_pay_cents, run.total_deduction_cents, run.progress_done),
        "diff": run.diff,
        "status": run.status,
        "donations": donations,
        "matches": matches,
        "spent": MatchingPolicy.objects.get(company=run.company).spent_cents,
        "audit": list(audit),
    }


def _run_month(company, data, month, *, sql: bool, settings) -> tuple[dict, int, int, int]:
    settings.CORDEE_PAYROLL_SQL = sql
    assert payroll_sql.enabled() is sql
    run = open_payroll_run(company=company, month=month)
    import_net_pay(run=run, data=data)
    preview = _snapshot(run)
    estimate = confirmation_of(run).total_matched_cents
    export_deductions(run=run)
    written = confirm_payroll_run(run=run)
    again = confirm_payroll_run(run=run)
    return {"preview": preview, "confirmed": _snapshot(run)}, estimate, written, again


def _both_paths(company, data, month, settings):
    results = {}
    for sql in (False, True):
        try:
            with transaction.atomic():
                results[sql] = _run_month(company, data, month, sql=sql, settings=settings)
                if not sql:
                    raise _Rollback  # the SQL path starts from the same state
        except _Rollback:
            pass
    return results[False], results[True]


def test_set_based_run_writes_exactly_what_the_orm_path_writes(world, settings):
    orm, sql = _both_paths(world["company"], world["file"], MONTH, settings)
    (orm_rows, orm_estimate, orm_written, orm_again) = orm
    (sql_rows, sql_estimate, sql_written, sql_again) = sql
    confirmed = sql_rows["confirmed"]
    # The world exercises what it claims: partial matches, the cap, the budget, zero lines.
    assert confirmed["donations"] and confirmed["matches"]
    assert any(m[7] for m in confirmed["matches"].values()), "no partial match"
    assert len(confirmed["matches"]) < len(confirmed["donations"])
    assert confirmed["spent"] == world["policy"].yearly_budget_cents  # the budget ran out
    assert any(d == 0 for _n, _e, _net, d, p in confirmed["lines"] if p)
    assert confirmed["diff"]["missing"]["count"] == 2
    assert sql_rows == orm_rows
    assert (sql_estimate, sql_written, sql_again) == (orm_estimate, orm_written, orm_again)
    assert sql_estimate == sum(m[4] for m in confirmed["matches"].values())
    assert sql_written == len(confirmed["donations"]) + len(confirmed["matches"])
    assert sql_again == 0


def _not_in_force(policy):
    policy.period_end = MONTH
    policy.save()


def _no_payroll(policy):
    policy.match_payroll = False
    policy.save()


def _half_for_two_associations(policy):
    policy.ratio_numerator, policy.ratio_denominator = 1, 2
    policy.yearly_budget_cents = 10**9
    policy.save()
    policy.causes.clear()
    policy.associations.set(_round_up(policy.company)[1:3])


@pytest.mark.parametrize(
    "change", [_not_in_force, _no_payroll, _half_for_two_associations], ids=lambda f: f.__name__
)
def test_policies_that_match_nothing_or_part_agree_too(world, settings, change):
    change(world["policy"])
    orm, sql = _both_paths(world["company"], world["file"], MONTH, settings)
    assert sql == orm
    matches = sql[0]["confirmed"]["matches"]
    if change is _half_for_two_associations:
        associations = {a.pk for a in _round_up(world["company"])[1:3]}
        assert matches and {key[1] for key in matches} == associations
    else:
        assert not matches and sql[1] == 0  # no match, and none estimated


def test_the_next_month_diff_and_matches_agree_too(world, settings):
    # A first month confirmed (set-based), then pledges stopped, changed and new: the second
    # month's preview diff (new, changed, stopped, missing) and its matches under what the
    # first month already used are the same through both paths.
    company = world["company"]
    settings.CORDEE_PAYROLL_SQL = True
    run = open_payroll_run(company=company, month=MONTH)
    import_net_pay(run=run, data=world["file"])
    export_deductions(run=run)
    confirm_payroll_run(run=run)
    policy = world["policy"]
    policy.yearly_budget_cents = 40_000
    policy.save()
    pledged = list(
        PayrollLine.objects.filter(run=run, pledge__isnull=False).select_related("employee")
    )
    stop_pledge(profile=pledged[0].employee, today=NEXT)
    stop_pledge(profile=pledged[1].employee, today=NEXT)
    change_pledge(
        profile=pledged[2].employee,
        terms=PledgeTerms(
            rule="fixed",
            allocations={_round_up(company)[0].pk: 100},
            fixed_amount_cents=300,
            start_month=NEXT,
        ),
        consent=True,
        today=NEXT,
    )
    pledge_for(world["people"][8], _round_up(company)[:2], split=(50, 50), start=NEXT)  # new
    orm, sql = _both_paths(company, world["file"], NEXT, settings)
    diff = sql[0]["preview"]["diff"]
    assert diff["previous_month"] == MONTH.isoformat()
    assert diff["changed"]["count"] == 1 and diff["stopped"]["count"] == 2
    assert diff["new"]["count"] == 1 and diff["missing"]["count"] == 2
    assert sql == orm


def _round_up(company):
    from donations.models import RoundUpAssociation

    return [
        r.association for r in RoundUpAssociation.objects.filter(company=company).order_by("pk")
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_confirms_at_once_write_the_run_once(world):
    run = open_payroll_run(company=world["company"], month=MONTH)
    import_net_pay(run=run, data=world["file"])
    export_deductions(run=run)
    barrier = threading.Barrier(2)
    written: list[int] = []

    def confirm():
        try:
            barrier.wait()
            written.append(confirm_payroll_run(run=run))
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    donations = Donation.objects.filter(payroll_line__run=run).count()
    matches = Match.objects.filter(donation__payroll_line__run=run).count()
    assert sorted(written) == [0, donations + matches] and donations and matches
    policy = MatchingPolicy.objects.get(pk=world["policy"].pk)
    assert policy.spent_cents == 2_900 + sum(
        Match.objects.filter(donation__payroll_line__run=run).values_list("amount_cents", flat=True)
    )
    assert AuditEntry.objects.filter(action="payroll.confirmed", object_id=str(run.pk)).count() == 1
