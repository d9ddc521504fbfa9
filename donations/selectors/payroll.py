"""Reads of a payroll run before it is confirmed: staleness and what confirming will do."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum

from donations.exceptions import FileError
from donations.models import PayrollLine, PayrollRun, Pledge
from portal.models import EmployeeProfile

# How many missing pledgers the confirmation page lists (the CSV has them all).
MISSING_SHOWN = 20
# How many errors of a refused file the page lists (the CSV has them all).
ERRORS_SHOWN = 50


@dataclass(frozen=True)
class FileErrorsSummary:
    """A refused file's errors for the page: the first ones, and how many of each kind."""

    total: int
    first: list
    per_field: list[tuple[str, int]]


def file_errors_summary(errors: list) -> FileErrorsSummary:
    counts: dict[str, list] = {}
    for error in errors:
        counts.setdefault(error.field, [error.field_label, 0])[1] += 1
    per_field = sorted(((label, n) for label, n in counts.values()), key=lambda x: -x[1])
    return FileErrorsSummary(total=len(errors), first=errors[:ERRORS_SHOWN], per_field=per_field)


# Longer than this, the page's list of lines to exclude becomes "the lines of the refused file".
EXCLUDE_TEXT_LIMIT = 2000
REFUSED_LINES = "refused"


def line_ranges(lines) -> str:
    """`[3, 4, 5, 9]` → `3-5,9`: a file's line numbers, short enough for a page."""
    parts: list[str] = []
    ordered = sorted(set(lines))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ",".join(parts)


def lines_to_exclude_text(errors: list) -> str:
    """What the upload form carries to exclude a refused file's lines on the next try."""
    text = line_ranges(e.line for e in errors)
    return text if len(text) <= EXCLUDE_TEXT_LIMIT else REFUSED_LINES


def refused_lines(run: PayrollRun) -> set[int]:
    """The lines of the run's last refused file (read back from its error report)."""
    if not run.error_report:
        return set()
    with run.error_report.open("rb") as handle:
        # Written in the French spreadsheet dialect (record_file_errors): BOM and `;`.
        rows = csv.reader((line.decode("utf-8-sig") for line in handle), delimiter=";")
        next(rows, None)
        return {int(row[0]) for row in rows if row and row[0].isdigit()}


def stored_refusal(run: PayrollRun) -> tuple[FileErrorsSummary | None, bool, str]:
    """The refusal a task recorded for a large file: (summary, excludable, lines to exclude)."""
    stored = run.refused_file or {}
    if not stored.get("total"):
        return None, False, ""
    first = [FileError(line, label, message) for line, label, message in stored["first"]]
    summary = FileErrorsSummary(
        total=stored["total"],
        first=first,
        per_field=[(label, n) for label, n in stored["per_field"]],
    )
    lines = line_ranges(e.line for e in first) if stored["total"] <= len(first) else REFUSED_LINES
    return summary, bool(stored.get("excludable")), lines


def missing_confirm_percent() -> int:
    """Above this share of pledgers missing from the file, the officer types the month."""
    return getattr(settings, "CORDEE_PAYROLL_MISSING_CONFIRM_PERCENT", 10)


def _month_pledges(run: PayrollRun) -> QuerySet[Pledge]:
    """Pledges that apply to the run's month (as compute_payroll_run reads them)."""
    return Pledge.objects.filter(company_id=run.company_id, start_month__lte=run.month).filter(
        Q(end_month__isnull=True) | Q(end_month__gt=run.month)
    )


def pledgers_without_number(run: PayrollRun) -> QuerySet[EmployeeProfile]:
    """People pledging for the run's month whom no payroll file can match (no employee number)."""
    return (
        EmployeeProfile.objects.filter(
            pk__in=_month_pledges(run).values("employee_id"), employee_number=""
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def stale_pledges(run: PayrollRun) -> QuerySet[Pledge]:
    """Pledges saved since the run's preview was computed that may change its deductions.

    A pledge stopped or replaced since then no longer applies to the month but did when the
    preview was read, so every pledge of the company started by the month counts.
    """
    if run.status == PayrollRun.Status.CONFIRMED or run.pledges_read_at is None:
        return Pledge.objects.none()
    return Pledge.objects.filter(
        company_id=run.company_id,
        start_month__lte=run.month,
        updated_at__gt=run.pledges_read_at,
    )


def is_stale(run: PayrollRun) -> bool:
    return stale_pledges(run).exists()


def stale_run_ids(runs) -> set[int]:
    """Which of these runs (a list, e.g. a company's runs page) are stale."""
    return {run.pk for run in runs if is_stale(run)}


def stale_run_for(profile: EmployeeProfile) -> PayrollRun | None:
    """The company's unconfirmed run this employee's changed pledge makes stale, if any."""
    runs = PayrollRun.objects.filter(
        company_id=profile.company_id, pledges_read_at__isnull=False
    ).exclude(status=PayrollRun.Status.CONFIRMED)
    for run in runs.order_by("month"):
        if stale_pledges(run).filter(employee=profile).exists():
            return run
    return None


def missing_pledgers(run: PayrollRun) -> QuerySet[EmployeeProfile]:
    """Employees with a pledge for the month who are not in the run's file (all of them)."""
    in_file = PayrollLine.objects.filter(run=run).values("employee_id")
    return (
        EmployeeProfile.objects.filter(pk__in=_month_pledges(run).values("employee_id"))
        .exclude(pk__in=in_file)
        .select_related("user")
        .order_by("employee_number", "pk")
    )


@dataclass(frozen=True)
class ConfirmationSummary:
    """What confirming the run will write, in the figures the confirmation page states."""

    run: PayrollRun
    people_deducted: int
    total_deducted_cents: int
    total_matched_cents: int
    pledgers: int
    missing_count: int
    missing_first: list[EmployeeProfile] = field(default_factory=list)
    excluded_lines: str = ""
    without_number: int = 0
    stale: bool = False

    @property
    def missing_percent(self) -> float:
        return 100 * self.missing_count / self.pledgers if self.pledgers else 0.0

    @property
    def must_type_month(self) -> bool:
        """Many pledgers missing (a partial file?): a checkbox is too easy to tick."""
        return self.missing_percent > missing_confirm_percent()

    @property
    def figures(self) -> str:
        """The stated figures in one token, to check they are still the ones confirmed."""
        read_at = self.run.pledges_read_at.isoformat() if self.run.pledges_read_at else ""
        return (
            f"{self.people_deducted}:{self.total_deducted_cents}:{self.total_matched_cents}:"
            f"{self.missing_count}:{read_at}"
        )

    @property
    def month_text(self) -> str:
        return f"{self.run.month:%Y-%m}"


def confirmation_summary(run: PayrollRun, *, matched_cents: int) -> ConfirmationSummary:
    """The summary of a run about to be confirmed; `matched_cents` from the matching estimate."""
    deducted = run.lines.filter(deduction_cents__gt=0, pledge__isnull=False).aggregate(
        people=Count("employee_id", distinct=True), total=Sum("deduction_cents")
    )
    missing = missing_pledgers(run)
    pledgers = _month_pledges(run).values("employee_id").distinct().count()
    return ConfirmationSummary(
        run=run,
        people_deducted=deducted["people"] or 0,
        total_deducted_cents=deducted["total"] or 0,
        total_matched_cents=matched_cents,
        pledgers=pledgers,
        missing_count=missing.count(),
        missing_first=list(missing[:MISSING_SHOWN]),
        excluded_lines=line_ranges(run.excluded_lines or []),
        without_number=_month_pledges(run).filter(employee__employee_number="").count(),
        stale=is_stale(run),
    )


def missing_pledgers_rows(run: PayrollRun):
    """Every pledger missing from the run's file, header first, for portal.csv_export."""
    yield ["employee_number", "name", "email"]
    for p in missing_pledgers(run).iterator(chunk_size=2000):
        yield [p.employee_number, p.display_name, p.user.email]
