"""Payroll runs: import, compute, preview diff, export, confirm (idempotent), adjustments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from donations.exceptions import (
    InvalidAdjustment,
    InvalidPayrollFile,
    PayrollRunLocked,
    PayrollRunNotReady,
)
from donations.models import Donation, Match, PayrollLine, PayrollRun
from donations.services.payroll import (
    add_adjustment,
    compute_payroll_run,
    confirm_payroll_run,
    export_deductions,
    import_net_pay,
    open_payroll_run,
)
from donations.services.pledges import stop_pledge
from portal.models import EmployeeProfile
from tests.donations.conftest import MONTH, NET_PAY_FILE, pledge_for
from tests.factories import make_employee

pytestmark = pytest.mark.django_db


def test_import_computes_deductions_and_totals(company_a, payroll_people):
    run = open_payroll_run(company=company_a, month=MONTH)
    result = import_net_pay(run=run, data=NET_PAY_FILE, filename="paie.csv")
    run = result.run
    assert run.status == PayrollRun.Status.PREVIEWED
    deductions = dict(run.lines.values_list("employee_number", "deduction_cents"))
    assert deductions == {"E001": 67, "E002": 90, "E003": 0}
    assert run.total_deduction_cents == 157
    assert run.diff["new"]["employees"] == ["E001", "E002"]


def test_bad_file_writes_nothing(company_a, payroll_people):
    run = open_payroll_run(company=company_a, month=MONTH)
    with pytest.raises(InvalidPayrollFile) as info:
        import_net_pay(run=run, data=b"matricule;net\nE001;10\nE999;5\nE002;-1\n")
    assert [(e.line, e.field) for e in info.value.errors] == [
        (3, "employee_number"),
        (4, "net_pay"),
    ]
    assert not PayrollLine.objects.exists()
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.DRAFT


def test_explicitly_excluded_lines_let_the_rest_in(company_a, payroll_people):
    run = open_payroll_run(company=company_a, month=MONTH)
    result = import_net_pay(
        run=run, data=b"matricule;net\nE001;10,01\nE999;5\n", excluded_lines={3}
    )
    assert result.lines == 1
    assert result.run.excluded_lines == [3]


def test_reupload_replaces_the_preview(company_a, payroll_people):
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    import_net_pay(run=run, data=b"matricule;net\nE001;10,50\n")
    assert list(run.lines.values_list("employee_number", "deduction_cents")) == [("E001", 50)]
    run.refresh_from_db()
    assert run.diff["missing"]["employees"] == ["E002"]


def test_employee_of_another_company_is_unknown(company_a, company_b, payroll_people):
    make_employee(company_b, employee_number="B001")
    run = open_payroll_run(company=company_a, month=MONTH)
    with pytest.raises(InvalidPayrollFile):
        import_net_pay(run=run, data=b"matricule;net\nB001;10\n")


def test_export_needs_a_preview(company_a):
    run = open_payroll_run(company=company_a, month=MONTH)
    with pytest.raises(PayrollRunNotReady):
        export_deductions(run=run)


def test_export_file_lists_deductions_with_comma_decimals(company_a, payroll_people):
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    text = export_deductions(run=run)
    assert text.splitlines() == [
        "employee_number;amount;label",
        "E001;0,67;Arrondi solidaire 03/2026",
        "E002;0,90;Arrondi solidaire 03/2026",
    ]
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.EXPORTED


def test_export_file_guards_employee_numbers_and_keeps_its_layout(company_a, payroll_people):
    EmployeeProfile.objects.filter(pk=payroll_people[0].pk).update(employee_number="=E001")
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE.replace(b"\nE001;", b"\n=E001;"))
    text = export_deductions(run=run)
    # Read by payroll software: no BOM, `;`, comma decimals, whatever the reader's language.
    assert text.splitlines() == [
        "employee_number;amount;label",
        "'=E001;0,67;Arrondi solidaire 03/2026",
        "E002;0,90;Arrondi solidaire 03/2026",
    ]


def test_exported_run_refuses_a_new_file(company_a, payroll_people):
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    export_deductions(run=run)
    with pytest.raises(PayrollRunLocked):
        import_net_pay(run=run, data=NET_PAY_FILE)


def test_confirm_needs_export(company_a, payroll_people):
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    with pytest.raises(PayrollRunNotReady):
        confirm_payroll_run(run=run)


def test_confirm_creates_donations_split_and_matched_once(company_a, payroll_people, policy_a):
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    export_deductions(run=run)
    written = confirm_payroll_run(run=run)
    donations = Donation.objects.filter(source="payroll")
    # E001 gives 67 split 50/50 (34 + 33), E002 gives 90 to one association; each is matched.
    assert sorted(donations.values_list("amount_cents", flat=True)) == [33, 34, 90]
    assert Match.objects.count() == 3
    assert written == 6
    assert confirm_payroll_run(run=run) == 0
    assert Donation.objects.count() == 3 and Match.objects.count() == 3
    policy_a.refresh_from_db()
    assert policy_a.spent_cents == 157


def test_one_run_per_company_and_month(company_a):
    open_payroll_run(company=company_a, month=MONTH)
    with pytest.raises(IntegrityError), transaction.atomic():
        PayrollRun.objects.create(company=company_a, month=MONTH, currency="EUR")


def test_preview_diff_shows_changed_and_stopped_pledges(company_a, payroll_people, round_up_a):
    e1, e2, _e3 = payroll_people
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    export_deductions(run=run)
    confirm_payroll_run(run=run)
    stop_pledge(profile=e2, today=dt.date(2026, 4, 2))
    from donations.services.pledges import PledgeTerms, change_pledge

    change_pledge(
        profile=e1,
        terms=PledgeTerms(rule="round_10", allocations={round_up_a[0].pk: 100}),
        consent=True,
        today=dt.date(2026, 4, 2),
    )
    april = open_payroll_run(company=company_a, month=dt.date(2026, 4, 1))
    april = import_net_pay(run=april, data=NET_PAY_FILE).run
    assert april.diff["changed"]["employees"] == ["E001"]
    assert april.diff["stopped"]["employees"] == ["E002"]
    assert dict(april.lines.values_list("employee_number", "deduction_cents"))["E001"] == 433


def test_adjustment_corrects_a_confirmed_run_without_changing_it(
    company_a, payroll_people, round_up_a
):
    e1 = payroll_people[0]
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    with pytest.raises(InvalidAdjustment):
        add_adjustment(
            run=run, employee=e1, association_id=round_up_a[0].pk, amount_cents=10, reason="x"
        )
    export_deductions(run=run)
    confirm_payroll_run(run=run)
    adjustment = add_adjustment(
        run=run,
        employee=e1,
        association_id=round_up_a[0].pk,
        amount_cents=-34,
        reason="pay corrected",
    )
    assert adjustment.source == Donation.Source.ADJUSTMENT
    with pytest.raises(InvalidAdjustment, match="more than"):
        add_adjustment(
            run=run, employee=e1, association_id=round_up_a[0].pk, amount_cents=-1, reason="again"
        )
    assert run.lines.count() == 3


def test_large_run_is_computed_by_the_task_with_progress(
    company_a, payroll_people, settings, django_capture_on_commit_callbacks
):
    settings.CORDEE_PAYROLL_ASYNC_THRESHOLD = 1
    run = open_payroll_run(company=company_a, month=MONTH)
    with django_capture_on_commit_callbacks(execute=True):
        result = import_net_pay(run=run, data=NET_PAY_FILE)
    assert result.queued
    run.refresh_from_db()
    # Celery runs eagerly in tests: the task ran on commit.
    assert run.status == PayrollRun.Status.PREVIEWED
    assert (run.progress_done, run.progress_total) == (3, 3)


def test_pledge_starting_later_does_not_apply(company_a, round_up_a):
    e = make_employee(company_a, employee_number="E010")
    pledge_for(e, round_up_a, start=dt.date(2026, 6, 1))
    run = import_net_pay(
        run=open_payroll_run(company=company_a, month=MONTH), data=b"matricule;net\nE010;10,55\n"
    ).run
    assert run.total_deduction_cents == 0


def test_confirm_with_bulk_copy_path_records_the_same(
    company_a, payroll_people, policy_a, monkeypatch
):
    # The path large runs take: COPY on PostgreSQL, one prepared INSERT run per row on SQLite.
    monkeypatch.setattr("donations.services.bulk.COPY_THRESHOLD", 1)
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    export_deductions(run=run)
    assert confirm_payroll_run(run=run) == 6
    donations = Donation.objects.filter(source="payroll")
    assert sorted(donations.values_list("amount_cents", flat=True)) == [33, 34, 90]
    assert all(d.created_at for d in donations)
    assert sorted(Match.objects.values_list("amount_cents", flat=True)) == [33, 34, 90]
    assert confirm_payroll_run(run=run) == 0


@pytest.mark.parametrize("bulk_threshold", [500, 1], ids=["bulk_create", "large_run_path"])
def test_recompute_rewrites_only_what_changed(
    company_a, payroll_people, monkeypatch, bulk_threshold
):
    monkeypatch.setattr("donations.services.bulk.COPY_THRESHOLD", bulk_threshold)
    _e1, e2, _e3 = payroll_people
    run = import_net_pay(
        run=open_payroll_run(company=company_a, month=MONTH), data=NET_PAY_FILE
    ).run
    ids = dict(run.lines.values_list("employee_number", "pk"))
    # The run is only previewed: stopping now takes E002 out of this month's deductions.
    stop_pledge(profile=e2, today=MONTH)
    run = compute_payroll_run(run_id=run.pk)
    lines = {
        n: (pk, d, p)
        for n, pk, d, p in run.lines.values_list(
            "employee_number", "pk", "deduction_cents", "pledge_id"
        )
    }
    assert lines["E002"] == (ids["E002"], 0, None)
    assert lines["E001"][:2] == (ids["E001"], 67) and lines["E001"][2] is not None
    assert lines["E003"] == (ids["E003"], 0, None)
    assert (run.total_deduction_cents, run.progress_done, run.progress_total) == (67, 3, 3)
    assert run.diff["missing"]["count"] == 0
