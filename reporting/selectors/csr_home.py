"""The CSR officer's home and Wagtail dashboard: a to-do built from small providers, key figures.

A provider is a function `(context) -> list[TodoItem]`; `TODO_PROVIDERS` lists them in the order
the to-do shows them. A feature adds its line by appending one provider (and nothing else):
`todo_for` runs them all, and the home page and the admin dashboard both show the result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from donations.selectors import giving as giving_reads
from donations.selectors import leave_days as leave_reads
from missions.selectors import community as community_reads
from missions.selectors import csr as csr_reads
from portal.calendar import company_today
from portal.models import EmployeeProfile
from reporting.models import FeedbackReadMark
from reporting.periods import parse_period
from reporting.presentation import kpi_tiles
from reporting.selectors.metrics import company_metrics


@dataclass(frozen=True)
class TodoContext:
    officer: EmployeeProfile
    now: dt.datetime
    today: dt.date


@dataclass(frozen=True)
class TodoItem:
    key: str
    text: str
    url: str
    count: int = 0
    done: bool = False  # shown as "all clear" rather than as something to do


def _sessions_url(**params) -> str:
    return reverse("missions:csr_sessions") + "?" + urlencode(params)


def approvals_waiting(ctx: TodoContext) -> list[TodoItem]:
    n = csr_reads.approvals_waiting(ctx.officer).count()
    if not n:
        return []
    text = ngettext(
        "%(n)d request waits for a decision.", "%(n)d requests wait for a decision.", n
    ) % {"n": n}
    return [TodoItem("approvals", text, reverse("missions:approvals"), n)]


def free_seats_soon(ctx: TodoContext) -> list[TodoItem]:
    sessions = csr_reads.officer_sessions(ctx.officer)
    n = csr_reads.free_seats_soon(sessions, ctx.now).count()
    if not n:
        return []
    text = ngettext(
        "%(n)d session in the next two weeks still has free seats.",
        "%(n)d sessions in the next two weeks still have free seats.",
        n,
    ) % {"n": n}
    return [TodoItem("free_seats", text, _sessions_url(period="soon", free_seats="on"), n)]


def attendance_missing(ctx: TodoContext) -> list[TodoItem]:
    sessions = csr_reads.officer_sessions(ctx.officer)
    n = csr_reads.attendance_missing(sessions, ctx.now).count()
    if not n:
        return []
    text = ngettext(
        "%(n)d past session needs its attendance recorded.",
        "%(n)d past sessions need their attendance recorded.",
        n,
    ) % {"n": n}
    return [TodoItem("attendance", text, _sessions_url(attendance_missing="on"), n)]


def no_shows(ctx: TodoContext) -> list[TodoItem]:
    sessions = csr_reads.officer_sessions(ctx.officer)
    rows = csr_reads.with_recent_no_shows(sessions, ctx.now).values_list(
        "company_no_show", flat=True
    )
    n = sum(rows)
    if not n:
        return []
    text = ngettext(
        "%(n)d no-show in the last 30 days to follow up.",
        "%(n)d no-shows in the last 30 days to follow up.",
        n,
    ) % {"n": n}
    return [TodoItem("no_shows", text, _sessions_url(period="past", no_shows="on"), n)]


def feedback_since(ctx: TodoContext) -> dt.datetime:
    """Unread feedback: since the officer last marked it read, and at most 30 days back."""
    floor = ctx.now - csr_reads.RECENT
    mark = FeedbackReadMark.objects.filter(profile=ctx.officer).values_list("read_at", flat=True)
    read_at = mark.first()
    return max(floor, read_at) if read_at else floor


def feedback_to_read(ctx: TodoContext) -> list[TodoItem]:
    n = csr_reads.recent_feedback(ctx.officer, since=feedback_since(ctx)).count()
    if not n:
        return []
    text = ngettext(
        "%(n)d new piece of feedback to read.", "%(n)d new pieces of feedback to read.", n
    ) % {"n": n}
    return [TodoItem("feedback", text, reverse("csr:home") + "#feedback", n)]


def payroll_run_of_the_month(ctx: TodoContext) -> list[TodoItem]:
    company = ctx.officer.company
    month = ctx.today.replace(day=1)
    run = giving_reads.runs_of(company).filter(month=month).first()
    if run is None:
        next_month = (month + dt.timedelta(days=32)).replace(day=1)
        if not giving_reads.pledges_in_force(
            company=company, start=month, end=next_month - dt.timedelta(days=1)
        ).exists():
            return []
        return [
            TodoItem(
                "payroll",
                _("This month's payroll round-up is not started yet."),
                reverse("donations:payroll_runs"),
            )
        ]
    url = reverse("donations:payroll_run", args=[run.pk])
    if run.status == run.Status.CONFIRMED:
        text = _("This month's payroll round-up is confirmed.")
        return [TodoItem("payroll", text, url, done=True)]
    text = _("This month's payroll round-up is in progress: %(status)s.") % {
        "status": run.get_status_display().lower()
    }
    return [TodoItem("payroll", text, url)]


def leave_days_to_decide(ctx: TodoContext) -> list[TodoItem]:
    n = leave_reads.leave_requests_waiting(ctx.officer.company)
    if not n:
        return []
    text = ngettext(
        "%(n)d leave-day offer waits for a decision.",
        "%(n)d leave-day offers wait for a decision.",
        n,
    ) % {"n": n}
    return [TodoItem("leave_days", text, reverse("donations:leave_requests"), n)]


def hours_to_approve(ctx: TodoContext) -> list[TodoItem]:
    n = community_reads.pending_self_reported(ctx.officer.company).count()
    if not n:
        return []
    text = ngettext(
        "%(n)d declaration of volunteering hours waits for approval.",
        "%(n)d declarations of volunteering hours wait for approval.",
        n,
    ) % {"n": n}
    return [TodoItem("self_reported", text, reverse("missions:csr_self_reported"), n)]


def associations_proposed(ctx: TodoContext) -> list[TodoItem]:
    n = community_reads.pending_proposals(ctx.officer.company).count()
    if not n:
        return []
    text = ngettext(
        "%(n)d association proposed by an employee waits for vetting.",
        "%(n)d associations proposed by employees wait for vetting.",
        n,
    ) % {"n": n}
    return [TodoItem("proposals", text, reverse("missions:csr_proposals"), n)]


TODO_PROVIDERS: list[Callable[[TodoContext], list[TodoItem]]] = [
    approvals_waiting,
    free_seats_soon,
    attendance_missing,
    no_shows,
    feedback_to_read,
    payroll_run_of_the_month,
    leave_days_to_decide,
    hours_to_approve,
    associations_proposed,
]


def todo_for(officer: EmployeeProfile, *, now: dt.datetime | None = None) -> list[TodoItem]:
    now = now or timezone.now()
    ctx = TodoContext(officer=officer, now=now, today=company_today(officer.company))
    items: list[TodoItem] = []
    for provider in TODO_PROVIDERS:
        items += provider(ctx)
    return items


def unread_feedback(officer: EmployeeProfile, *, now: dt.datetime | None = None, limit: int = 5):
    now = now or timezone.now()
    ctx = TodoContext(officer=officer, now=now, today=company_today(officer.company))
    return list(csr_reads.recent_feedback(officer, since=feedback_since(ctx))[:limit])


def key_figures(officer: EmployeeProfile, *, count: int = 4):
    """The first tiles of the impact dashboard, for the current fiscal year to date."""
    company = officer.company
    period = parse_period(
        {}, fiscal_start_month=company.fiscal_year_start_month, today=company_today(company)
    )
    metrics = company_metrics(company=company, period=period)
    return period, kpi_tiles(metrics)[:count]


@dataclass(frozen=True)
class Tool:
    label: str
    url: str
    description: str


def tools() -> list[tuple[str, list[Tool]]]:
    """Every tool a CSR officer uses, grouped, in the order of the programme's year."""
    return [
        (
            _("Catalogue"),
            [
                Tool(
                    _("Associations and missions"),
                    reverse("wagtailadmin_explore_root"),
                    _("Publish associations, missions and their sessions (administration)."),
                ),
                Tool(
                    _("Company rules"),
                    reverse("company_rules:index"),
                    _("Work-time quota, approval, hourly valuation (administration)."),
                ),
            ],
        ),
        (
            _("Engagement"),
            [
                Tool(
                    _("Sessions"),
                    reverse("missions:csr_sessions"),
                    _("Dates, seats, waitlists, fill rates; attendance and messages."),
                ),
                Tool(
                    _("Enrolments by mission"),
                    reverse("missions:csr_missions"),
                    _("Each mission's sessions and rosters, CSV exports."),
                ),
                Tool(
                    _("Requests to approve"),
                    reverse("missions:approvals"),
                    _("Work-time requests left to the CSR team."),
                ),
                Tool(
                    _("Hours to approve"),
                    reverse("missions:csr_self_reported"),
                    _("Volunteering hours employees declared on their own."),
                ),
                Tool(
                    _("Associations proposed by employees"),
                    reverse("missions:csr_proposals"),
                    _("Vet them into the catalogue or decline with a reason."),
                ),
            ],
        ),
        (
            _("Giving"),
            [
                Tool(
                    _("Payroll round-up"),
                    reverse("donations:payroll_runs"),
                    _("Import net pay, export deductions, confirm the month."),
                ),
                Tool(
                    _("Matching rules"),
                    reverse("donations:rules_policies"),
                    _("Ratios, caps and budgets of the company's matching."),
                ),
                Tool(
                    _("Volunteer grants"),
                    reverse("donations:grant_policy"),
                    _("Euros per hours volunteered, within a budget and a cap per person."),
                ),
                Tool(
                    _("Staff votes"),
                    reverse("donations:vote_manage"),
                    _("Let employees share a budget between associations."),
                ),
                Tool(
                    _("Campaigns"),
                    reverse("donations:campaigns"),
                    _("Giving and volunteering campaigns: dates, goal, match, launch e-mail."),
                ),
                Tool(
                    _("Leave-day offers"),
                    reverse("donations:leave_requests"),
                    _("Accept or refuse the days employees give to associations."),
                ),
                Tool(
                    _("Finance"),
                    reverse("donations:finance"),
                    _("What is owed to associations, and disbursements."),
                ),
                Tool(
                    _("Mécénat ledger"),
                    reverse("donations:ledger"),
                    _("The company's gifts, cap, reduction and carry-forwards (form 2069-RCI)."),
                ),
                Tool(
                    _("Company tax receipts"),
                    reverse("donations:company_receipts"),
                    _("The associations' receipts for the company's gifts (Cerfa 16216)."),
                ),
            ],
        ),
        (
            _("People"),
            [
                Tool(
                    _("HR import"),
                    reverse("people_import"),
                    _("Update employees from the HR file."),
                ),
                Tool(
                    _("Pay grades and salaries"),
                    reverse("pay_data"),
                    _("What an hour of each person costs, for skills sponsorship and leave days."),
                ),
                Tool(
                    _("People"),
                    reverse("people:index"),
                    _("Employees and their roles (administration)."),
                ),
                Tool(
                    _("Leavers' data"),
                    reverse("portal:leavers"),
                    _("Erase the data of people who left."),
                ),
            ],
        ),
        (
            _("Impact"),
            [
                Tool(
                    _("Impact dashboard"),
                    reverse("reporting:dashboard"),
                    _("Figures, charts, CSV exports and the PDF report."),
                ),
            ],
        ),
    ]
