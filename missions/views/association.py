"""Views of the association workspace (/association/): sessions, rosters, attendance, feedback,
members and invitations. Every page of an association answers 404 to anyone who is not one of
its active members."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from missions.exceptions import EngagementError, InvalidInvitation, NotAllowed
from missions.forms import (
    AcceptInvitationForm,
    CompanyFeedbackForm,
    InviteMemberForm,
    VolunteerFeedbackForm,
    attendance_marks,
)
from missions.models import AssociationMembership
from missions.selectors import association_workspace as workspace
from missions.selectors.association_access import (
    associations_of,
    require_admin_membership,
    require_membership,
)
from missions.services import association as association_service
from missions.services import attendance
from portal.tenancy import profile_of

NS = "missions:"


def _context(membership: AssociationMembership, section: str, **extra) -> dict:
    return {
        "association": membership.association,
        "membership": membership,
        "is_admin": membership.role == AssociationMembership.Role.ADMIN,
        "section": section,
        **extra,
    }


@login_required
def workspace_index(request):
    """My associations; with one, straight to it. Nobody else has a workspace (404)."""
    associations = list(associations_of(request.user).order_by("title"))
    if not associations or profile_of(request.user) is not None:
        raise Http404
    if len(associations) == 1:
        return redirect(NS + "association_home", associations[0].pk)
    return render(request, "missions/association/index.html", {"associations": associations})


@login_required
def home(request, association_id: int):
    membership = require_membership(request.user, association_id)
    todo = workspace.to_do(membership.association)
    return render(
        request, "missions/association/home.html", _context(membership, "home", todo=todo)
    )


@login_required
def sessions(request, association_id: int):
    membership = require_membership(request.user, association_id)
    association = membership.association
    return render(
        request,
        "missions/association/sessions.html",
        _context(
            membership,
            "sessions",
            upcoming=workspace.sessions_of(association, past=False),
            past=workspace.sessions_of(association, past=True)[:100],
        ),
    )


def _session(request, association_id: int, session_id: int):
    membership = require_membership(request.user, association_id)
    session = workspace.session_of(membership.association, session_id)
    if session is None:
        raise Http404
    return membership, session


@login_required
@require_http_methods(["GET", "POST"])
def session_roster(request, association_id: int, session_id: int):
    """Who is coming; after the start, confirm who came (and their hours)."""
    membership, session = _session(request, association_id, session_id)
    enrolments = list(workspace.roster(session))
    if request.method == "POST":
        marks = attendance_marks(request.POST, [e.pk for e in enrolments])
        try:
            if not marks:
                raise NotAllowed(_("Choose attended or no-show for at least one person."))
            done = attendance.confirm_attendance_by_association(
                user=request.user,
                association_id=association_id,
                session_id=session.pk,
                marks=marks,
            )
        except EngagementError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Attendance confirmed for %(n)d people.") % {"n": len(done)}
            )
        return redirect(NS + "association_session", association_id, session.pk)
    return render(
        request,
        "missions/association/roster.html",
        _context(
            membership,
            "sessions",
            session=session,
            enrolments=enrolments,
            started=session.start <= timezone.now(),
            contact_statuses=workspace.CONTACT_STATUSES,
            companies=workspace.companies_at(session),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_feedback(request, association_id: int, enrolment_id: int):
    membership = require_membership(request.user, association_id)
    enrolment = workspace.enrolment_of(membership.association, enrolment_id)
    if enrolment is None:
        raise Http404
    given = getattr(enrolment, "association_feedback", None)
    initial = {"rating": given.rating, "comment": given.comment} if given else None
    form = VolunteerFeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            association_service.give_volunteer_feedback(
                user=request.user,
                association_id=association_id,
                enrolment_id=enrolment.pk,
                **form.cleaned_data,
            )
        except EngagementError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you: the feedback is saved."))
            return redirect(NS + "association_session", association_id, enrolment.session_id)
    return render(
        request,
        "missions/association/volunteer_feedback.html",
        _context(membership, "sessions", enrolment=enrolment, form=form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def company_feedback(request, association_id: int, session_id: int):
    membership, session = _session(request, association_id, session_id)
    companies = workspace.companies_at(session)
    form = CompanyFeedbackForm(request.POST or None, companies=companies)
    if request.method == "POST" and form.is_valid():
        try:
            association_service.give_company_feedback(
                user=request.user,
                association_id=association_id,
                session_id=session.pk,
                company_id=form.cleaned_data["company"],
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except EngagementError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you: the feedback is saved."))
            return redirect(NS + "association_session", association_id, session.pk)
    return render(
        request,
        "missions/association/company_feedback.html",
        _context(membership, "sessions", session=session, form=form, companies=companies),
    )


@login_required
@require_http_methods(["GET", "POST"])
def members(request, association_id: int):
    """Administrators: who acts for the association, invitations, and new ones by e-mail."""
    membership = require_admin_membership(request.user, association_id)
    form = InviteMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = association_service.invite_member(
                association_id=association_id, invited_by=request.user, **form.cleaned_data
            )
        except EngagementError as error:
            form.add_error("email", error.message)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect(NS + "association_members", association_id)
    association = membership.association
    return render(
        request,
        "missions/association/members.html",
        _context(
            membership,
            "members",
            form=form,
            members=workspace.members_of(association),
            invitations=workspace.pending_invitations(association),
        ),
    )


@login_required
@require_POST
def member_revoke(request, association_id: int, membership_id: int):
    require_admin_membership(request.user, association_id)
    try:
        association_service.revoke_member(
            actor=request.user, association_id=association_id, membership_id=membership_id
        )
    except NotAllowed:
        raise Http404 from None
    except EngagementError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Access revoked."))
    return redirect(NS + "association_members", association_id)


@login_required
@require_POST
def invitation_revoke(request, association_id: int, invitation_id: int):
    require_admin_membership(request.user, association_id)
    try:
        association_service.revoke_invitation(
            actor=request.user, association_id=association_id, invitation_id=invitation_id
        )
    except NotAllowed:
        raise Http404 from None
    messages.success(request, _("Invitation withdrawn."))
    return redirect(NS + "association_members", association_id)


@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    """The link of an invitation e-mail: set a password (new account) or join as the signed-in
    person; an existing account signs in first and comes back here."""
    try:
        invited = association_service.invitation_from_token(token)
    except InvalidInvitation as error:
        return render(
            request, "missions/association/invitation_invalid.html", {"error": error}, status=404
        )
    from django.contrib.auth import get_user_model

    signed_in = request.user.is_authenticated
    has_account = get_user_model().objects.filter(email__iexact=invited.email).exists()
    form = AcceptInvitationForm(request.POST or None, email=invited.email)
    if request.method == "POST" and (signed_in or (not has_account and form.is_valid())):
        fields = {} if signed_in else form.cleaned_data
        try:
            joined = association_service.accept_invitation(
                token=token,
                user=request.user if signed_in else None,
                password=fields.get("password1"),
                first_name=fields.get("first_name", ""),
                last_name=fields.get("last_name", ""),
            )
        except EngagementError as error:
            messages.error(request, error.message)
        else:
            if not signed_in:
                login(request, joined.user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(
                request, _("Welcome to the workspace of %(a)s.") % {"a": joined.association.title}
            )
            return redirect(NS + "association_home", joined.association_id)
    return render(
        request,
        "missions/association/invitation.html",
        {
            "invitation": invited,
            "form": form,
            "signed_in": signed_in,
            "has_account": has_account,
            "wrong_account": signed_in and request.user.email.lower() != invited.email,
        },
    )
