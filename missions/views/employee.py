"""Views of an employee's engagement: enrol, cancel, hours, invitation, feedback, calendar."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from missions import calendar
from missions.exceptions import (
    AlreadyEnrolled,
    EngagementError,
    FeedbackNotOpen,
    NotVisible,
    SessionFull,
)
from missions.forms import FeedbackForm, HoursForm
from missions.models import Enrolment, MissionSession
from missions.selectors import engagement as engagement_reads
from missions.services import (
    attendance,
    calendar_feed,
    feedback,
)
from missions.services import enrolment as enrolment_service
from portal.tenancy import require_profile

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


def _open_session(request, session_id: int) -> MissionSession:
    """The session with its seats left, if its mission is live and visible to this user."""
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
    return session


def _enrol_and_redirect(request, profile, session_id: int) -> HttpResponse:
    """Enrol, then show the enrolment; a refusal comes back to the enrol page as a message.

    The service reads the session and checks that its mission is live and visible to the
    employee's company (NotVisible: 404), so the view reads nothing before it."""
    try:
        enrolment = enrolment_service.enrol(
            employee=profile,
            session_id=session_id,
            waitlist_if_full=request.POST.get("waitlist") == "1",
        )
    except NotVisible:
        raise Http404 from None
    except AlreadyEnrolled as error:
        # A double click or a second tab: show the enrolment that already exists.
        existing = Enrolment.objects.filter(employee=profile, session_id=session_id).first()
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
    return HttpResponseRedirect(reverse(NS + "enrol", args=[session_id]))


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request, session_id: int):
    """GET: what enrolling means (seat, approval, quota); POST: enrol, then the confirmation."""
    profile = require_profile(request.user)
    if request.method == "POST":
        return _enrol_and_redirect(request, profile, session_id)
    session = _open_session(request, session_id)
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
