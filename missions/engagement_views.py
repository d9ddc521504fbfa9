"""Views of engagement: thin, they parse the request, call a service and render or redirect."""

from __future__ import annotations

import datetime as dt
from itertools import chain

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from missions import calendar
from missions.exceptions import (
    AlreadyEnrolled,
    EngagementError,
    FeedbackNotOpen,
    NotAllowed,
    NotVisible,
    SessionFull,
)
from missions.models import Enrolment, MissionSession, SessionSeries, Skill
from missions.services import (
    approval_links,
    attendance,
    calendar_feed,
    engagement_reads,
    feedback,
    series,
)
from missions.services import enrolment as enrolment_service
from missions.services import sessions as sessions_service
from portal.csv_export import csv_response, spreadsheet_dialect
from portal.tenancy import require_csr_officer, require_profile

NS = "missions:"


def _own_enrolment(request, pk: int) -> Enrolment:
    profile = require_profile(request.user)
    enrolment = (
        Enrolment.objects.select_related("session__mission__association", "employee__user")
        .filter(pk=pk, employee=profile)
        .first()
    )
    if enrolment is None:
        raise Http404
    return enrolment


# ---------------------------------------------------------------------------- employee


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request, session_id: int):
    """GET: what enrolling means (seat, approval, quota); POST: enrol, then the confirmation."""
    profile = require_profile(request.user)
    session = (
        MissionSession.objects.with_seats_left()
        .select_related("mission__association")
        .filter(pk=session_id)
        .first()
    )
    if session is None or not (
        session.mission.live and session.mission.is_visible_to(request.user)
    ):
        raise Http404
    if request.method == "POST":
        try:
            enrolment = enrolment_service.enrol(
                employee=profile,
                session_id=session.pk,
                waitlist_if_full=request.POST.get("waitlist") == "1",
            )
        except NotVisible:
            raise Http404 from None
        except AlreadyEnrolled as error:
            # A double click or a second tab: show the enrolment that already exists.
            existing = Enrolment.objects.filter(employee=profile, session=session).first()
            if existing is not None:
                messages.info(request, error.message)
                return redirect(NS + "enrolment", existing.pk)
            messages.error(request, error.message)
        except SessionFull as error:
            messages.warning(request, error.message)
        except EngagementError as error:
            messages.error(request, error.message)
        else:
            return redirect(NS + "enrolment", enrolment.pk)
        return HttpResponseRedirect(reverse(NS + "enrol", args=[session.pk]))
    mission = session.mission
    context = {
        "session": session,
        "mission": mission,
        "quota": enrolment_service.quota_of(employee=profile, moment=session.start),
        "work_hours": enrolment_service.work_time_hours(
            session=session, mission=mission, company=profile.company
        ),
        "needs_approval": enrolment_service.needs_approval(
            mission=mission, company=profile.company
        ),
        "existing": Enrolment.objects.filter(employee=profile, session=session).first(),
    }
    return render(request, "missions/engagement/enrol.html", context)


@login_required
def enrolment_detail(request, pk: int):
    enrolment = _own_enrolment(request, pk)
    now = timezone.now()
    context = {
        "enrolment": enrolment,
        "session": enrolment.session,
        "mission": enrolment.session.mission,
        "can_cancel": enrolment_service.may_cancel(enrolment, now),
        "can_correct_hours": enrolment.status in ("confirmed", "attended")
        and enrolment.session.start <= now <= enrolment.session.end + attendance.grace_period(),
        "feedback_open": feedback.feedback_open(enrolment),
        "events": enrolment.events.select_related("actor__user"),
    }
    return render(request, "missions/engagement/enrolment_detail.html", context)


@login_required
def my_engagements(request):
    profile = require_profile(request.user)
    context = {
        "engagements": engagement_reads.engagements_of(profile),
        "quota": enrolment_service.quota_of(employee=profile),
    }
    return render(request, "missions/engagement/my_engagements.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, pk: int):
    enrolment = _own_enrolment(request, pk)
    if request.method == "POST":
        try:
            enrolment_service.cancel(employee=enrolment.employee, enrolment_id=enrolment.pk)
        except EngagementError as error:
            messages.error(request, error.message)
            return redirect(NS + "enrolment", enrolment.pk)
        messages.success(request, _("Your enrolment is cancelled."))
        return redirect(NS + "my_engagements")
    return render(request, "missions/engagement/cancel.html", {"enrolment": enrolment})


class HoursForm(forms.Form):
    hours = forms.DecimalField(
        label=gettext_lazy("Hours"), min_value=0, max_digits=6, decimal_places=2
    )


@login_required
@require_POST
def correct_hours(request, pk: int):
    enrolment = _own_enrolment(request, pk)
    form = HoursForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a number of hours."))
    else:
        try:
            attendance.correct_own_hours(
                employee=enrolment.employee,
                enrolment_id=enrolment.pk,
                hours=form.cleaned_data["hours"],
            )
        except EngagementError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your hours are saved."))
    return redirect(NS + "enrolment", enrolment.pk)


@login_required
def invitation(request, pk: int):
    enrolment = _own_enrolment(request, pk)
    cancelled = enrolment.status not in ("confirmed", "attended")
    response = HttpResponse(
        calendar.enrolment_invitation(enrolment, cancel=cancelled),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="cordee-{enrolment.pk}.ics"'
    return response


class FeedbackForm(forms.Form):
    SCALE = [(i, str(i)) for i in range(1, 6)]

    satisfaction = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with this session? (1 to 5)"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    meaning = forms.TypedChoiceField(
        label=gettext_lazy("How meaningful was it to you? (1 to 5)"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    skills = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Skills you developed"),
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_skills = forms.CharField(
        label=gettext_lazy("Other skills"), max_length=300, required=False
    )
    would_recommend = forms.BooleanField(
        label=gettext_lazy("I would recommend this mission to a colleague"), required=False
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"), widget=forms.Textarea, max_length=3000, required=False
    )
    consent_to_quote = forms.BooleanField(
        label=gettext_lazy("My comment may be quoted in impact reports"), required=False
    )


@login_required
@require_http_methods(["GET", "POST"])
def give_feedback(request, pk: int):
    enrolment = _own_enrolment(request, pk)
    if not feedback.feedback_open(enrolment):
        messages.info(request, FeedbackNotOpen().message)
        return redirect(NS + "enrolment", enrolment.pk)
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback.give_feedback(
                employee=enrolment.employee,
                enrolment_id=enrolment.pk,
                satisfaction=data["satisfaction"],
                meaning=data["meaning"],
                would_recommend=data["would_recommend"],
                skills=list(data["skills"]),
                other_skills=data["other_skills"],
                comment=data["comment"],
                consent_to_quote=data["consent_to_quote"],
            )
        except EngagementError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you for your feedback."))
        return redirect(NS + "enrolment", enrolment.pk)
    return render(
        request, "missions/engagement/feedback.html", {"enrolment": enrolment, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    profile = require_profile(request.user)
    if request.method == "POST":
        calendar_feed.revoke_feed(profile)
        messages.success(request, _("A new calendar address was made; the old one stops working."))
        return redirect(NS + "calendar")
    feed = calendar_feed.feed_of(profile)
    feed_url = request.build_absolute_uri(reverse(NS + "calendar_feed", args=[feed.token]))
    return render(request, "missions/engagement/calendar.html", {"feed_url": feed_url})


def calendar_feed_view(request, token: str):
    """The private feed: the token is the credential (calendar apps cannot sign in)."""
    employee = calendar_feed.employee_for_token(token)
    if employee is None:
        raise Http404
    response = HttpResponse(
        calendar.employee_feed(employee), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=900"
    return response


# ---------------------------------------------------------------------------- approvals


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional, sent to the employee)"),
        max_length=500,
        required=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def approvals(request):
    """Pending requests the signed-in person may decide, with bulk approve or decline."""
    profile = require_profile(request.user)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("enrolment") if v.isdigit()]
        decision = request.POST.get("decision")
        form = DecisionForm(request.POST)
        if decision not in ("approve", "decline") or not ids or not form.is_valid():
            messages.error(request, _("Choose at least one request, then approve or decline."))
        else:
            result = enrolment_service.decide_many(
                approver=profile,
                enrolment_ids=ids,
                approve=decision == "approve",
                reason=form.cleaned_data["reason"],
            )
            if result.done:
                messages.success(request, _("%(n)d request(s) decided.") % {"n": len(result.done)})
            for message in dict.fromkeys(result.refused.values()):
                messages.error(request, message)
        return redirect(NS + "approvals")
    pending = list(enrolment_service.pending_for(profile))
    return render(
        request,
        "missions/engagement/approvals.html",
        {"pending": pending, "form": DecisionForm()},
    )


@require_http_methods(["GET", "POST"])
def approval_link(request, token: str):
    """The one-click link from the e-mail. GET only shows the decision: mail scanners that
    follow links must not decide; the button on the page (one click) does."""
    try:
        link = approval_links.read_token(token)
    except EngagementError as error:
        return render(
            request, "missions/engagement/approval_link_invalid.html", {"error": error}, status=410
        )
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = approval_links.decide_by_link(
                token=token, reason=form.cleaned_data["reason"]
            )
        except EngagementError as error:
            return render(
                request,
                "missions/engagement/approval_link_invalid.html",
                {"error": error},
                status=410,
            )
        return render(request, "missions/engagement/approval_done.html", {"enrolment": enrolment})
    return render(
        request,
        "missions/engagement/approval_link.html",
        {"link": link, "enrolment": link.enrolment, "form": form},
    )


# ---------------------------------------------------------------------------- CSR officers


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


@login_required
@require_http_methods(["GET", "POST"])
def csr_roster(request, session_id: int):
    """One session's roster for the officer's company: print-friendly, bulk attendance, hours."""
    officer, session = _officer_session(request, session_id)
    if request.method == "POST":
        action = request.POST.get("action")
        ids = [int(v) for v in request.POST.getlist("enrolment") if v.isdigit()]
        try:
            if action in ("attended", "no_show") and ids:
                marked = attendance.mark_attendance(
                    officer=officer, enrolment_ids=ids, attended=action == "attended"
                )
                messages.success(request, _("%(n)d marked.") % {"n": len(marked)})
            elif action == "hours":
                enrolment_id = request.POST.get("enrolment_id", "")
                if not enrolment_id.isdigit():
                    raise Http404
                attendance.set_hours_by_officer(
                    officer=officer,
                    enrolment_id=int(enrolment_id),
                    hours=request.POST.get("hours", ""),
                )
                messages.success(request, _("Hours saved."))
            else:
                messages.error(request, _("Choose people, then an action."))
        except NotAllowed:
            raise Http404 from None
        except EngagementError as error:
            messages.error(request, error.message)
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
        },
    )


def _may_cancel(officer, session: MissionSession) -> bool:
    """Only the mission's own company calls a session off, before it starts, once."""
    return (
        session.mission.company_id == officer.company_id
        and session.cancelled_at is None
        and session.start > timezone.now()
    )


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason, told to every participant"),
        max_length=sessions_service.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
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


class SeriesForm(forms.Form):
    first_start = forms.DateTimeField(
        label=gettext_lazy("First session starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    duration_hours = forms.DecimalField(
        label=gettext_lazy("Length (hours)"), min_value=0.5, max_value=24 * 14, decimal_places=2
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("Repeat"), choices=SessionSeries.Frequency.choices
    )
    interval = forms.IntegerField(label=gettext_lazy("Every"), min_value=1, max_value=12)
    count = forms.IntegerField(
        label=gettext_lazy("Number of sessions"), min_value=1, max_value=series.MAX_SESSIONS
    )
    seats = forms.IntegerField(label=gettext_lazy("Seats"), min_value=1, max_value=10000)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=255, required=False)


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
