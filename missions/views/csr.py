"""Views of CSR officers: their missions, rosters, attendance, session cancellation and series."""

from __future__ import annotations

import datetime as dt
from itertools import chain

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from missions.exceptions import (
    EngagementError,
    NotAllowed,
    NotVisible,
    RosterNotSaved,
)
from missions.forms import (
    CancelSessionForm,
    RosterFormSet,
    RosterLineForm,
    SeriesForm,
    SessionListForm,
    SessionMessageForm,
)
from missions.models import MissionSession
from missions.selectors import association_workspace as association_reads
from missions.selectors import csr as csr_reads
from missions.selectors import engagement as engagement_reads
from missions.services import (
    attendance,
    series,
    session_messages,
)
from missions.services import sessions as sessions_service
from portal.csv_export import csv_response, spreadsheet_dialect
from portal.inputs import parse_id
from portal.tenancy import require_csr_officer

NS = "missions:"


@login_required
def csr_missions(request):
    officer = require_csr_officer(request.user)
    return render(
        request,
        "missions/engagement/csr_missions.html",
        {"missions": engagement_reads.officer_missions(officer)},
    )


def _officer_mission(request, mission_id: int):
    officer = require_csr_officer(request.user)
    mission = engagement_reads.officer_mission(officer, mission_id)
    if mission is None:
        raise Http404
    return officer, mission


@login_required
def csr_mission(request, mission_id: int):
    officer, mission = _officer_mission(request, mission_id)
    sessions = engagement_reads.sessions_overview(officer, mission)
    totals = {
        "attended": sum(s.n_attended for s in sessions),
        "no_show": sum(s.n_no_show for s in sessions),
    }
    totals["no_show_rate"] = engagement_reads.no_show_rate(totals["attended"], totals["no_show"])
    return render(
        request,
        "missions/engagement/csr_mission.html",
        {
            "mission": mission,
            "sessions": sessions,
            "totals": totals,
            "can_add_series": mission.company_id == officer.company_id,
        },
    )


CSV_HEADER = [
    gettext_lazy("Session start"),
    gettext_lazy("Employee"),
    gettext_lazy("E-mail"),
    gettext_lazy("Employee number"),
    gettext_lazy("Department"),
    gettext_lazy("Status"),
    gettext_lazy("Hours"),
    gettext_lazy("Decided by"),
    gettext_lazy("Decided at"),
]


def _csv_response(request, filename: str, enrolments) -> HttpResponse:
    rows = (
        [
            timezone.localtime(e.session.start).isoformat(),
            e.employee.display_name,
            e.employee.user.email,
            e.employee.employee_number,
            e.employee.department,
            e.status,
            e.hours,
            str(e.decided_by) if e.decided_by_id else "",
            e.decided_at,
        ]
        for e in enrolments
    )
    return csv_response(
        chain([CSV_HEADER], rows),
        filename=filename,
        dialect=spreadsheet_dialect(request.LANGUAGE_CODE),
    )


@login_required
def csr_mission_csv(request, mission_id: int):
    officer, mission = _officer_mission(request, mission_id)
    rows = engagement_reads.mission_enrolments(officer, mission).select_related("decided_by__user")
    return _csv_response(request, f"enrolments-{mission.slug}.csv", rows)


def _officer_session(request, session_id: int):
    officer = require_csr_officer(request.user)
    session = engagement_reads.officer_session(officer, session_id)
    if session is None:
        raise Http404
    return officer, session


def _roster_action(request, officer) -> None:
    """Mark attendance in bulk or correct one person's hours; refusals become messages."""
    action = request.POST.get("action")
    ids = [i for i in map(parse_id, request.POST.getlist("enrolment")) if i]
    try:
        if action in ("attended", "no_show") and ids:
            marked = attendance.mark_attendance(
                officer=officer, enrolment_ids=ids, attended=action == "attended"
            )
            messages.success(request, _("%(n)d marked.") % {"n": len(marked)})
        elif action == "hours":
            enrolment_id = parse_id(request.POST.get("enrolment_id"))
            if enrolment_id is None:
                raise Http404
            attendance.set_hours_by_officer(
                officer=officer,
                enrolment_id=enrolment_id,
                hours=request.POST.get("hours", ""),
            )
            messages.success(request, _("Hours saved."))
        else:
            messages.error(request, _("Choose people, then an action."))
    except NotAllowed:
        raise Http404 from None
    except EngagementError as error:
        messages.error(request, error.message)


@login_required
@require_http_methods(["GET", "POST"])
def csr_roster(request, session_id: int):
    """One session's roster for the officer's company: print-friendly, bulk attendance, hours."""
    officer, session = _officer_session(request, session_id)
    if request.method == "POST":
        _roster_action(request, officer)
        return redirect(NS + "csr_roster", session.pk)
    enrolments = list(engagement_reads.roster(officer, session))
    return render(
        request,
        "missions/engagement/csr_roster.html",
        {
            "session": session,
            "mission": session.mission,
            "enrolments": enrolments,
            "started": session.start <= timezone.now(),
            "can_cancel": _may_cancel(officer, session),
            "association_feedback": association_reads.company_feedback_for(
                company_id=officer.company_id, session=session
            ),
            "sent_messages": csr_reads.messages_of(officer, session),
        },
    )


def _may_cancel(officer, session: MissionSession) -> bool:
    """Only the mission's own company calls a session off, before it starts, once."""
    return (
        session.mission.company_id == officer.company_id
        and session.cancelled_at is None
        and session.start > timezone.now()
    )


@login_required
@require_http_methods(["GET", "POST"])
def csr_cancel_session(request, session_id: int):
    """Confirm, with a reason, that a session of the officer's company's mission is called off."""
    officer, session = _officer_session(request, session_id)
    if session.mission.company_id != officer.company_id:
        raise Http404
    form = CancelSessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cancelled = sessions_service.cancel_session(
                officer=officer, session_id=session.pk, reason=form.cleaned_data["reason"]
            )
        except NotVisible:
            raise Http404 from None
        except EngagementError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Session cancelled: %(n)d person was told.",
                    "Session cancelled: %(n)d people were told.",
                    len(cancelled),
                )
                % {"n": len(cancelled)},
            )
        return redirect(NS + "csr_roster", session.pk)
    return render(
        request,
        "missions/engagement/csr_cancel_session.html",
        {"session": session, "mission": session.mission, "form": form},
    )


@login_required
def csr_roster_csv(request, session_id: int):
    officer, session = _officer_session(request, session_id)
    rows = engagement_reads.roster(officer, session).select_related("session", "decided_by__user")
    return _csv_response(request, f"roster-{session.pk}.csv", rows)


@login_required
@require_http_methods(["GET", "POST"])
def csr_series(request, mission_id: int):
    officer, mission = _officer_mission(request, mission_id)
    if mission.company_id != officer.company_id:
        raise Http404
    form = SeriesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = series.create_series(
                officer=officer,
                mission_id=mission.pk,
                first_start=data["first_start"],
                duration=dt.timedelta(hours=float(data["duration_hours"])),
                frequency=data["frequency"],
                interval=data["interval"],
                count=data["count"],
                seats=data["seats"],
                place=data["place"],
            )
        except NotAllowed:
            raise Http404 from None
        messages.success(request, _("%(n)d sessions created.") % {"n": created.count})
        return redirect(NS + "csr_mission", mission.pk)
    return render(
        request, "missions/engagement/csr_series.html", {"mission": mission, "form": form}
    )


SESSIONS_PER_PAGE = 25


@login_required
def csr_sessions(request):
    """Every session the officer's company sees, with seats, waitlist and fill rate; filtered."""
    officer = require_csr_officer(request.user)
    form = SessionListForm(
        request.GET or None, associations=csr_reads.associations_of_sessions(officer)
    )
    sessions = csr_reads.filtered_sessions(officer, form.filters())
    page = Paginator(sessions, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "missions/engagement/csr_sessions.html",
        {"form": form, "page": page, "query": query.urlencode(), "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def csr_session_message(request, session_id: int):
    """Write to the officer's company's participants of one session."""
    officer, session = _officer_session(request, session_id)
    form = SessionMessageForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = session_messages.message_participants(
                officer=officer, session_id=session.pk, **form.cleaned_data
            )
        except NotAllowed:
            raise Http404 from None
        except EngagementError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Message queued for %(n)d person.",
                    "Message queued for %(n)d people.",
                    sent.recipient_count,
                )
                % {"n": sent.recipient_count},
            )
            return redirect(NS + "csr_roster", session.pk)
    return render(
        request,
        "missions/engagement/csr_session_message.html",
        {
            "session": session,
            "mission": session.mission,
            "form": form,
            "limit": session_messages.daily_limit(),
            "sent_messages": csr_reads.messages_of(officer, session),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def csr_roster_hours(request, session_id: int):
    """Confirm or correct the attendance and hours of the whole roster at once."""
    officer, session = _officer_session(request, session_id)
    enrolments = [
        e
        for e in engagement_reads.roster(officer, session)
        if e.status in attendance.ROSTER_STATUSES
    ]
    initial = [
        {
            "enrolment": e.pk,
            "outcome": RosterLineForm.NO_SHOW if e.status == "no_show" else RosterLineForm.ATTENDED,
            "hours": e.hours if e.hours is not None else session.duration_hours,
        }
        for e in enrolments
    ]
    formset = RosterFormSet(request.POST or None, initial=initial, prefix="roster")
    line_errors: dict[int, str] = {}
    if request.method == "POST" and formset.is_valid():
        lines = {
            f.cleaned_data["enrolment"]: (
                f.cleaned_data["outcome"] == RosterLineForm.ATTENDED,
                f.cleaned_data["hours"],
            )
            for f in formset
            if f.cleaned_data
        }
        try:
            changed = attendance.record_roster(officer=officer, session_id=session.pk, lines=lines)
        except RosterNotSaved as error:
            line_errors = error.errors
            messages.error(request, error.message)
        except EngagementError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(n)d line(s) saved.") % {"n": len(changed)})
            return redirect(NS + "csr_roster", session.pk)
    by_id = {e.pk: e for e in enrolments}
    rows = []
    for form in formset:
        enrolment_id = parse_id(str(form["enrolment"].value() or ""))
        rows.append((form, by_id.get(enrolment_id), line_errors.get(enrolment_id)))
    return render(
        request,
        "missions/engagement/csr_roster_hours.html",
        {
            "session": session,
            "mission": session.mission,
            "formset": formset,
            "rows": rows,
            "started": session.start <= timezone.now(),
        },
    )
