"""Monthly payroll round-up: import net pay, compute deductions, preview, export, confirm."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from itertools import chain

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.exceptions import (
    FileError,
    InvalidAdjustment,
    InvalidPayrollFile,
    PayrollRunLocked,
    PayrollRunNotReady,
    PayrollRunStale,
)
from donations.models import Donation, PayrollLine, PayrollRun, PledgeAllocation
from donations.selectors.payroll import (
    ConfirmationSummary,
    confirmation_summary,
    file_errors_summary,
    is_stale,
)
from donations.services import notifications, payroll_sql
from donations.services.audit import log_action
from donations.services.bulk import insert_rows
from donations.services.matching import estimate_match_cents, match_donations, run_match_policy
from donations.services.payroll_csv import parse_net_pay_file
from donations.services.pledges import (
    active_pledges_for_month,
    compute_deduction,
    giving_settings,
    split_by_allocations,
)
from portal.calendar import add_months, month_of
from portal.csv_export import FRENCH_SPREADSHEET, PAYROLL_SOFTWARE, csv_text
from portal.models import Company, EmployeeProfile

BATCH = 1000
DIFF_LIST_LIMIT = 200


def async_parse_bytes() -> int:
    """Net-pay files larger than this are read by a Celery task, not in the request."""
    return getattr(settings, "CORDEE_PAYROLL_ASYNC_PARSE_BYTES", 1_000_000)


def async_threshold() -> int:
    """Runs with more lines than this are computed by a Celery task."""
    return getattr(settings, "CORDEE_PAYROLL_ASYNC_THRESHOLD", 2000)


def open_payroll_run(*, company: Company, month: dt.date) -> PayrollRun:
    run, _created = PayrollRun.objects.get_or_create(
        company=company, month=month_of(month), defaults={"currency": company.currency}
    )
    return run


@dataclass(frozen=True)
class ImportResult:
    run: PayrollRun
    lines: int
    queued: bool


def import_net_pay(
    *,
    run: PayrollRun,
    data: bytes,
    filename: str = "",
    excluded_lines: set[int] | frozenset[int] = frozenset(),
    column_choices: dict[str, str] | None = None,
    actor=None,
    on_progress=None,
) -> ImportResult:
    """Replace a draft or previewed run's net pay with a clean file, then compute it.

    Raises PayrollRunLocked first when the run is exported or confirmed (a stale tab), then
    InvalidPayrollFile (nothing written) unless every error is on an excluded line, or
    AmbiguousPayrollColumns when two columns fit one field and the company chose neither.
    `column_choices` (field -> normalised header) is the officer's choice, remembered for the
    company before the file is read.
    """
    if PayrollRun.objects.get(pk=run.pk).is_locked:
        raise PayrollRunLocked(_("This run is exported or confirmed; it no longer changes."))
    choices = remember_column_choices(company=run.company, choices=column_choices or {})
    employees = dict(
        EmployeeProfile.objects.filter(company_id=run.company_id)
        .exclude(employee_number="")
        .values_list("employee_number", "id")
    )
    rows = parse_net_pay_file(
        data,
        known_employee_numbers=set(employees),
        excluded_lines=set(excluded_lines),
        column_choices=choices,
        on_progress=on_progress,
    )
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().get(pk=run.pk)
        if run.is_locked:
            raise PayrollRunLocked(_("This run is exported or confirmed; it no longer changes."))
        previous = run.lines.all()
        previous._raw_delete(previous.db)  # a draft's lines: no donation names them yet
        if payroll_sql.enabled():  # tuples straight into COPY: no 100k model instances
            payroll_sql.insert_lines(
                run,
                (
                    (employees[row.employee_number], row.employee_number, row.net_pay_cents)
                    for row in rows
                ),
            )
        else:
            insert_rows(
                PayrollLine,
                [
                    PayrollLine(
                        run=run,
                        employee_id=employees[row.employee_number],
                        employee_number=row.employee_number,
                        net_pay_cents=row.net_pay_cents,
                    )
                    for row in rows
                ],
            )
        run.source_filename = filename[:255]
        run.refused_file = {}
        run.excluded_lines = sorted(excluded_lines)
        run.uploaded_at = timezone.now()
        run.progress_done, run.progress_total = 0, len(rows)
        queued = len(rows) > async_threshold()
        run.status = PayrollRun.Status.COMPUTING if queued else PayrollRun.Status.DRAFT
        run.save()
        log_action(
            action="payroll.imported",
            obj=run,
            actor=actor,
            company=run.company,
            data={"lines": len(rows), "excluded_lines": sorted(excluded_lines)},
        )
        if queued:
            from donations.tasks import compute_payroll_run_task

            run_id = run.pk
            transaction.on_commit(lambda: compute_payroll_run_task.delay(run_id))
    if not queued:
        compute_payroll_run(run_id=run.pk)
        run.refresh_from_db()
    return ImportResult(run=run, lines=len(rows), queued=queued)


def receive_net_pay_file(
    *,
    run: PayrollRun,
    data: bytes,
    filename: str = "",
    excluded_lines: set[int] | frozenset[int] = frozenset(),
    column_choices: dict[str, str] | None = None,
    actor=None,
) -> ImportResult:
    """An uploaded file: imported now when small, else stored and read by a task (the page
    follows its progress). Same refusals as import_net_pay for what is known at once."""
    if len(data) <= async_parse_bytes():
        return import_net_pay(
            run=run,
            data=data,
            filename=filename,
            excluded_lines=excluded_lines,
            column_choices=column_choices,
            actor=actor,
        )
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().get(pk=run.pk)
        if run.is_locked:
            raise PayrollRunLocked(_("This run is exported or confirmed; it no longer changes."))
        if run.pending_file:
            run.pending_file.delete(save=False)
        run.pending_file.save(f"run-{run.pk}.csv", ContentFile(data), save=False)
        run.status = PayrollRun.Status.COMPUTING
        run.progress_done, run.progress_total = 0, data.count(b"\n")
        run.refused_file = {}
        run.save(
            update_fields=[
                "pending_file",
                "status",
                "progress_done",
                "progress_total",
                "refused_file",
            ]
        )
        from donations.tasks import import_net_pay_task

        args = (run.pk, filename[:255], sorted(excluded_lines), dict(column_choices or {}))
        actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        transaction.on_commit(lambda: import_net_pay_task.delay(*args, actor_id=actor_id))
    return ImportResult(run=run, lines=0, queued=True)


def import_pending_file(
    *,
    run_id: int,
    filename: str,
    excluded_lines: list[int],
    column_choices: dict[str, str],
    actor=None,
) -> PayrollRun:
    """The task's half of receive_net_pay_file: read the stored file, import or record why not.

    Idempotent: a run without a pending file (already read) is left as it is.
    """
    run = PayrollRun.objects.get(pk=run_id)
    if not run.pending_file or run.is_locked:
        return run
    with run.pending_file.open("rb") as handle:
        data = handle.read()
    try:
        import_net_pay(
            run=run,
            data=data,
            filename=filename,
            excluded_lines=set(excluded_lines),
            column_choices=column_choices,
            actor=actor,
            on_progress=lambda n: PayrollRun.objects.filter(pk=run.pk).update(progress_done=n),
        )
    except InvalidPayrollFile as exc:
        record_file_errors(run=run, errors=exc.errors)
        summary = file_errors_summary(exc.errors)
        previous = PayrollRun.Status.PREVIEWED if run.lines.exists() else PayrollRun.Status.DRAFT
        PayrollRun.objects.filter(pk=run.pk).update(
            status=previous,
            refused_file={
                "total": summary.total,
                "per_field": [[str(label), n] for label, n in summary.per_field],
                "first": [[e.line, str(e.field_label), str(e.message)] for e in summary.first],
                "excludable": exc.excludable,
            },
        )
    except PayrollRunLocked:
        pass
    run.refresh_from_db()
    run.pending_file.delete(save=True)
    return run


def compute_payroll_run(*, run_id: int) -> PayrollRun:
    """Deduction per line from the pledge that applies to the month; totals and diff. Idempotent."""
    run = PayrollRun.objects.select_related("company").get(pk=run_id)
    if run.is_locked:
        return run
    if payroll_sql.enabled():
        return _compute_set_based(run)
    # Read before the pledges: a pledge saved while this runs makes the preview stale.
    read_at = timezone.now()
    # Plain tuples: a 100k-employee company would otherwise build 100k model instances.
    pledges = {
        employee_id: (pk, rule, fixed, cap)
        for employee_id, pk, rule, fixed, cap in active_pledges_for_month(
            run.company, run.month
        ).values_list("employee_id", "pk", "rule", "fixed_amount_cents", "monthly_cap_cents")
    }
    line_ids = list(run.lines.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(line_ids), BATCH):
        chunk = []
        for pk, employee_id, number, net, old_deduction, old_pledge in PayrollLine.objects.filter(
            pk__in=line_ids[start : start + BATCH]
        ).values_list(
            "pk", "employee_id", "employee_number", "net_pay_cents", "deduction_cents", "pledge_id"
        ):
            done += 1
            pledge = pledges.get(employee_id)
            deduction = (
                compute_deduction(
                    rule=pledge[1],
                    net_pay_cents=net,
                    fixed_amount_cents=pledge[2],
                    cap_cents=pledge[3],
                )
                if pledge
                else 0
            )
            pledge_id = pledge[0] if pledge else None
            if (deduction, pledge_id) == (old_deduction, old_pledge):
                continue  # A fresh import's non-pledgers (most lines) are already right.
            chunk.append(
                PayrollLine(
                    pk=pk,
                    run_id=run.pk,
                    employee_id=employee_id,
                    employee_number=number,
                    net_pay_cents=net,
                    deduction_cents=deduction,
                    pledge_id=pledge_id,
                )
            )
        # Rewriting the changed lines beats bulk_update, whose CASE per row grows quadratically;
        # nothing references lines before the run is confirmed, and the ids are kept. A plain
        # DELETE: the ORM's would load every line to look for donations (PROTECT) first, and the
        # database's foreign key still refuses to drop a line that a donation names.
        if chunk:
            with transaction.atomic():
                stale = PayrollLine.objects.filter(pk__in=[line.pk for line in chunk])
                stale._raw_delete(stale.db)
                insert_rows(PayrollLine, chunk)
        PayrollRun.objects.filter(pk=run.pk).update(progress_done=done)
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().get(pk=run.pk)
        if run.is_locked:
            return run
        totals = run.lines.aggregate(net=Sum("net_pay_cents"), deduction=Sum("deduction_cents"))
        run.total_net_pay_cents = totals["net"] or 0
        run.total_deduction_cents = totals["deduction"] or 0
        run.diff = payroll_diff(run, pledges)
        run.pledges_read_at = read_at
        run.progress_done = done
        run.status = PayrollRun.Status.PREVIEWED
        run.save()
    return run


def _compute_set_based(run: PayrollRun) -> PayrollRun:
    """compute_payroll_run on PostgreSQL: one UPDATE of the changed lines, totals and the diff
    read by the database, under the run's lock (so in one transaction)."""
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().select_related("company").get(pk=run.pk)
        if run.is_locked:
            return run
        # Read before the pledges: a pledge saved while this runs makes the preview stale.
        read_at = timezone.now()
        done, _written = payroll_sql.compute_lines(run)
        totals = run.lines.aggregate(net=Sum("net_pay_cents"), deduction=Sum("deduction_cents"))
        run.total_net_pay_cents = totals["net"] or 0
        run.total_deduction_cents = totals["deduction"] or 0
        run.diff = payroll_sql.payroll_diff(run, previous=_previous_run(run), limit=DIFF_LIST_LIMIT)
        run.pledges_read_at = read_at
        run.progress_done = done
        run.status = PayrollRun.Status.PREVIEWED
        run.save()
    return run


def _previous_run(run: PayrollRun) -> PayrollRun | None:
    return (
        PayrollRun.objects.filter(company_id=run.company_id, month__lt=run.month)
        .order_by("-month")
        .first()
    )


def payroll_diff(run: PayrollRun, pledges: dict[int, tuple]) -> dict:
    """New, changed, stopped pledges against the previous run; pledgers missing from the file."""
    previous = _previous_run(run)
    before = (
        dict(previous.lines.filter(pledge__isnull=False).values_list("employee_id", "pledge_id"))
        if previous
        else {}
    )
    pairs = list(run.lines.values_list("employee_id", "pledge_id"))  # one read of the run
    in_file = {employee for employee, _pledge in pairs}
    now = {employee: pledge for employee, pledge in pairs if pledge}
    new = [e for e in now if e not in before]
    changed = [e for e, p in now.items() if e in before and before[e] != p]
    stopped = [e for e in before if e not in now and e in in_file]
    missing = [e for e in pledges if e not in in_file]
    numbers = dict(
        EmployeeProfile.objects.filter(
            pk__in=[*new, *changed, *stopped, *missing][:4000]
        ).values_list("pk", "employee_number")
    )

    def listed(ids: list[int]) -> dict:
        return {
            "count": len(ids),
            "employees": sorted(numbers.get(i, "?") for i in ids[:DIFF_LIST_LIMIT]),
        }

    return {
        "previous_month": previous.month.isoformat() if previous else None,
        "new": listed(new),
        "changed": listed(changed),
        "stopped": listed(stopped),
        "missing": listed(missing),
    }


def export_deductions(*, run: PayrollRun, actor=None) -> str:
    """The deduction file for the payroll software (`;`, comma decimals); marks the run exported."""
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().get(pk=run.pk)
        if run.status in (PayrollRun.Status.DRAFT, PayrollRun.Status.COMPUTING):
            raise PayrollRunNotReady(_("Upload the net-pay file and wait for the preview first."))
        if run.status == PayrollRun.Status.PREVIEWED and is_stale(run):
            raise PayrollRunStale(
                _("A pledge changed since this preview was computed: recompute first.")
            )
        if run.status == PayrollRun.Status.PREVIEWED:
            run.status = PayrollRun.Status.EXPORTED
            run.exported_at = timezone.now()
            run.save(update_fields=["status", "exported_at"])
            log_action(action="payroll.exported", obj=run, actor=actor, company=run.company)
    label = f"Arrondi solidaire {run.month:%m/%Y}"
    lines = (
        run.lines.filter(deduction_cents__gt=0)
        .order_by("employee_number")
        .values_list("employee_number", "deduction_cents")
        .iterator(chunk_size=BATCH)
    )
    # Read by payroll software: the layout never follows the reader's language.
    rows = ([number, f"{cents // 100},{cents % 100:02d}", label] for number, cents in lines)
    return csv_text(chain([["employee_number", "amount", "label"]], rows), PAYROLL_SOFTWARE)


def _occurred_at(month: dt.date) -> dt.datetime:
    """Payday: the run month's last day, or now for a run confirmed within its own month."""
    last_day = add_months(month, 1) - dt.timedelta(days=1)
    payday = dt.datetime.combine(last_day, dt.time(12, 0), tzinfo=dt.UTC)
    return min(payday, timezone.now())


def _run_donations(run: PayrollRun) -> list[Donation]:
    """The unsaved donations a run's lines become, split by each pledge's allocations."""
    occurred_at = _occurred_at(run.month)
    # The run's order (payroll_sql follows it): caps and the budget are spent in this order.
    lines = list(
        run.lines.filter(deduction_cents__gt=0, pledge__isnull=False)
        .order_by("employee_number", "pk")
        .values_list("pk", "employee_id", "pledge_id", "deduction_cents")
    )
    # Same order as Pledge.allocations (largest share first), so remainders land alike.
    shares: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pledge_id, association_id, percent in (
        PledgeAllocation.objects.filter(pledge__payroll_lines__run=run)
        .distinct()
        .order_by("pledge_id", "-percent", "id")
        .values_list("pledge_id", "association_id", "percent")
    ):
        shares[pledge_id].append((association_id, percent))
    donations: list[Donation] = []
    for line_id, employee_id, pledge_id, deduction in lines:
        for association_id, cents in split_by_allocations(deduction, shares[pledge_id]):
            donations.append(
                Donation(
                    donor_id=employee_id,
                    company_id=run.company_id,
                    association_id=association_id,
                    amount_cents=cents,
                    currency=run.currency,
                    source=Donation.Source.PAYROLL,
                    status=Donation.Status.SUCCEEDED,
                    occurred_at=occurred_at,
                    external_reference=f"payroll:{line_id}:{association_id}",
                    payroll_line_id=line_id,
                )
            )
    return donations


def confirmation_of(run: PayrollRun) -> ConfirmationSummary:
    """What confirming the run will do (people, totals, the match estimate, who is missing)."""
    run = PayrollRun.objects.select_related("company").get(pk=run.pk)
    if payroll_sql.enabled():
        found = run_match_policy(
            company_id=run.company_id,
            occurred_at=_occurred_at(run.month),
            currency=run.currency,
            association_ids=payroll_sql.run_association_ids(run),
        )
        matched = payroll_sql.estimate_matches(run, *found) if found and found[1] else 0
        return confirmation_summary(run, matched_cents=matched)
    return confirmation_summary(run, matched_cents=estimate_match_cents(_run_donations(run)))


def recompute_payroll_run(*, run: PayrollRun, actor=None) -> PayrollRun:
    """Compute a run again from the net pay already imported (pledges changed; no re-upload).

    An exported run goes back to previewed: its deduction file is out of date, export it again.
    """
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().get(pk=run.pk)
        if run.status == PayrollRun.Status.CONFIRMED:
            raise PayrollRunLocked(_("This run is confirmed; it no longer changes."))
        if run.status == PayrollRun.Status.DRAFT and not run.uploaded_at:
            raise PayrollRunNotReady(_("Upload the net-pay file first."))
        queued = run.progress_total > async_threshold()
        run.status = PayrollRun.Status.COMPUTING if queued else PayrollRun.Status.DRAFT
        run.exported_at = None
        run.progress_done = 0
        run.save(update_fields=["status", "exported_at", "progress_done"])
        log_action(action="payroll.recomputed", obj=run, actor=actor, company=run.company)
        if queued:
            from donations.tasks import compute_payroll_run_task

            run_id = run.pk
            transaction.on_commit(lambda: compute_payroll_run_task.delay(run_id))
    if not queued:
        compute_payroll_run(run_id=run.pk)
    run.refresh_from_db()
    return run


def record_file_errors(*, run: PayrollRun, errors: list[FileError]) -> None:
    """Keep every error of a refused file as a CSV the officer downloads (replaces the last)."""
    # One dialect whatever the language: the refused lines are read back from this file.
    rows = ((e.line, str(e.field_label), str(e.message)) for e in errors)
    text = csv_text(chain([["line", "field", "problem"]], rows), FRENCH_SPREADSHEET)
    run = PayrollRun.objects.get(pk=run.pk)
    if run.error_report:
        run.error_report.delete(save=False)
    run.error_report.save(f"run-{run.pk}-errors.csv", ContentFile(text.encode()), save=False)
    PayrollRun.objects.filter(pk=run.pk).update(error_report=run.error_report.name, refused_file={})


def remember_column_choices(*, company: Company, choices: dict[str, str]) -> dict[str, str]:
    """Store the officer's column choices for the company; returns every choice it holds."""
    row = giving_settings(company)
    wanted = {k: v for k, v in choices.items() if k in {"employee_number", "net_pay"} and v}
    if wanted and {**row.payroll_columns, **wanted} != row.payroll_columns:
        row.payroll_columns = {**row.payroll_columns, **wanted}
        row.save(update_fields=["payroll_columns"])
    return dict(row.payroll_columns)


def confirm_payroll_run(*, run: PayrollRun, actor=None) -> int:
    """Create the run's donations and matches in one transaction; returns the rows written.

    A confirmed run is never changed: confirming it again writes nothing and returns 0.
    """
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().select_related("company").get(pk=run.pk)
        if run.status == PayrollRun.Status.CONFIRMED:
            return 0
        if run.status != PayrollRun.Status.EXPORTED:
            raise PayrollRunNotReady(_("Export the deduction file before confirming the run."))
        if is_stale(run):
            raise PayrollRunStale(
                _("A pledge changed since this preview was computed: recompute first.")
            )
        if payroll_sql.enabled():
            written, matched = _confirm_set_based(run)
        else:
            written, matched = _confirm_with_the_orm(run)
        run.status = PayrollRun.Status.CONFIRMED
        run.confirmed_at = timezone.now()
        run.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
        run.save(update_fields=["status", "confirmed_at", "confirmed_by"])
        log_action(
            action="payroll.confirmed",
            obj=run,
            actor=actor,
            company=run.company,
            data={"donations": written, "matches": matched},
        )
        if written:
            notifications.enqueue(kind="payroll_confirmed", object_id=run.pk)
    return written + matched


def _confirm_set_based(run: PayrollRun) -> tuple[int, int]:
    """The run's donations and matches by INSERT … SELECT (PostgreSQL), inside the caller's
    transaction and run lock. The policy row (the budget lock) is taken before the statement
    that writes both, as match_donations takes it before reading what the budget has left."""
    now = timezone.now()
    occurred_at = _occurred_at(run.month)
    found = run_match_policy(
        company_id=run.company_id,
        occurred_at=occurred_at,
        currency=run.currency,
        association_ids=payroll_sql.run_association_ids(run),
        lock=True,
    )
    if not found or not found[1]:
        return payroll_sql.insert_donations(run, occurred_at=occurred_at, now=now), 0
    policy, associations = found
    written, matched, cents = payroll_sql.insert_donations_and_matches(
        run, policy, associations, occurred_at=occurred_at, now=now
    )
    if cents:
        policy.spent_cents += cents
        policy.save(update_fields=["spent_cents"])
    return written, matched


def _confirm_with_the_orm(run: PayrollRun) -> tuple[int, int]:
    """The run's donations and matches as model instances (SQLite and other databases)."""
    donations = _run_donations(run)
    if not insert_rows(Donation, donations):
        # COPY (and some backends' bulk inserts) return no ids: read them back.
        refs = {d.external_reference: d for d in donations}
        for pk, ref in Donation.objects.filter(payroll_line__run=run).values_list(
            "pk", "external_reference"
        ):
            refs[ref].pk = pk
    matches = match_donations(donations)
    return len(donations), len(matches)


def add_adjustment(
    *,
    run: PayrollRun,
    employee: EmployeeProfile,
    association_id: int,
    amount_cents: int,
    reason: str,
    actor=None,
) -> Donation:
    """Correct a confirmed run with a new entry (positive or negative); the run stays as it was."""
    if employee.company_id != run.company_id:
        raise InvalidAdjustment(_("This employee is not in the run's company."))
    if amount_cents == 0:
        raise InvalidAdjustment(_("An adjustment cannot be zero."))
    if not reason.strip():
        raise InvalidAdjustment(_("Say why the run is corrected."))
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().select_related("company").get(pk=run.pk)
        if run.status != PayrollRun.Status.CONFIRMED:
            raise InvalidAdjustment(
                _("Only a confirmed run takes adjustments; edit the file instead.")
            )
        if amount_cents < 0:
            given = (
                Donation.objects.filter(
                    donor=employee,
                    association_id=association_id,
                    company_id=run.company_id,
                )
                .filter(Q(payroll_line__run=run) | Q(source=Donation.Source.ADJUSTMENT))
                .aggregate(total=Sum("amount_cents"))["total"]
                or 0
            )
            if given + amount_cents < 0:
                raise InvalidAdjustment(_("The correction would take back more than was given."))
        donation = Donation.objects.create(
            donor=employee,
            company_id=run.company_id,
            association_id=association_id,
            amount_cents=amount_cents,
            currency=run.currency,
            source=Donation.Source.ADJUSTMENT,
            occurred_at=timezone.now(),
            external_reference=f"adjustment:{run.pk}:{uuid.uuid4().hex}",
        )
        log_action(
            action="payroll.adjusted",
            obj=donation,
            actor=actor,
            company=run.company,
            data={"run": run.pk, "amount_cents": amount_cents, "reason": reason[:500]},
        )
    return donation


__all__ = [
    "InvalidPayrollFile",
    "add_adjustment",
    "compute_payroll_run",
    "confirm_payroll_run",
    "confirmation_of",
    "export_deductions",
    "import_net_pay",
    "import_pending_file",
    "open_payroll_run",
    "receive_net_pay_file",
    "recompute_payroll_run",
    "remember_column_choices",
]
