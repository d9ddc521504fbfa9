"""Association workspace writes: invitations, members, feedback on volunteers and companies."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from missions.exceptions import (
    InvalidInvitation,
    InvitationRefused,
    LastAdministrator,
    NotAllowed,
)
from missions.models import (
    AssociationInvitation,
    AssociationMembership,
    AssociationPage,
    CompanyFeedback,
    Enrolment,
    EnrolmentStatus,
    MissionSession,
    VolunteerFeedback,
)
from portal.mail import absolute, is_suppressed
from portal.services import company_for_email

Role = AssociationMembership.Role
INVITATION_SALT = "missions.association-invitation"
# Statuses of an enrolment whose volunteer the association met (or expected and did not see).
MET_STATUSES = (EnrolmentStatus.ATTENDED, EnrolmentStatus.NO_SHOW)


def invitation_lifetime() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "CORDEE_ASSOCIATION_INVITATION_DAYS", 7))


def invitation_token(invitation: AssociationInvitation) -> str:
    """The signed part of the link: the invitation's id and nonce (the nonce dies on use)."""
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT)


def invitation_url(invitation: AssociationInvitation) -> str:
    return absolute(reverse("missions:association_invitation", args=[invitation_token(invitation)]))


def invitation_from_token(token: str, *, now: dt.datetime | None = None) -> AssociationInvitation:
    """The live invitation a link names, or InvalidInvitation (forged, expired, used, revoked)."""
    now = now or timezone.now()
    try:
        data = signing.loads(token, salt=INVITATION_SALT)
        pk, nonce = int(data["i"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidInvitation from None
    invitation = AssociationInvitation.objects.select_related("association").filter(pk=pk).first()
    if (
        invitation is None
        or not secrets.compare_digest(invitation.nonce, nonce)
        or invitation.accepted_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= now
    ):
        raise InvalidInvitation
    return invitation


def _check_invitable(email: str) -> None:
    """Association people are never a company's people: refuse those addresses."""
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is not None and hasattr(user, "profile"):
        raise InvitationRefused(
            _("%(email)s belongs to a company's employee, who cannot act for an association.")
            % {"email": email}
        )
    if company_for_email(email) is not None:
        raise InvitationRefused(
            _(
                "%(email)s is an address of a company on Cordée: invite an address of the "
                "association instead."
            )
            % {"email": email}
        )


def invite_member(
    *,
    association_id: int,
    email: str,
    role: str = Role.MEMBER,
    invited_by=None,
    now: dt.datetime | None = None,
) -> AssociationInvitation:
    """Invite `email` to act for the association; the e-mail leaves once the change commits.

    `invited_by` must be an administrator of that association, or a platform admin (superuser).
    """
    now = now or timezone.now()
    email = email.strip().lower()
    if role not in Role.values:
        raise InvitationRefused(_("Choose a role."))
    if invited_by is not None:
        _require_admin(invited_by, association_id)
    if AssociationMembership.objects.filter(
        association_id=association_id, user__email__iexact=email, is_active=True
    ).exists():
        raise InvitationRefused(
            _("%(email)s already acts for this association.") % {"email": email}
        )
    _check_invitable(email)
    with transaction.atomic():
        association = AssociationPage.objects.select_for_update().get(pk=association_id)
        # One live link per address: a new invitation replaces the previous one.
        AssociationInvitation.objects.filter(
            association=association,
            email=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=now)
        invitation = AssociationInvitation.objects.create(
            association=association,
            email=email,
            role=role,
            nonce=secrets.token_hex(16),
            invited_by=invited_by,
            expires_at=now + invitation_lifetime(),
        )
        if not is_suppressed():
            from missions import tasks

            transaction.on_commit(
                lambda: tasks.send_association_invitation.delay(invitation_id=invitation.pk)
            )
    return invitation


def send_invitation(*, invitation_id: int) -> int:
    """Render and send the invitation e-mail (the task's body); 0 once it is no longer live."""
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string

    from portal.mail import subject_and_body

    invitation = (
        AssociationInvitation.objects.select_related("association", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None:
        return 0
    text = render_to_string(
        "emails/missions/association_invitation.txt",
        {
            "invitation": invitation,
            "association": invitation.association,
            "url": invitation_url(invitation),
            "days": invitation_lifetime().days,
        },
    )
    subject, body = subject_and_body(text)
    return EmailMessage(subject, body, to=[invitation.email]).send()


def accept_invitation(
    *,
    token: str,
    user=None,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    now: dt.datetime | None = None,
):
    """Use an invitation once: as the signed-in `user` (same address), or by creating the
    account with `password`. Returns the membership. An existing account must sign in first:
    a link never sets the password of an account that exists."""
    from allauth.account.models import EmailAddress

    now = now or timezone.now()
    with transaction.atomic():
        invitation = invitation_from_token(token, now=now)
        invitation = AssociationInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None or invitation.revoked_at is not None:
            raise InvalidInvitation  # used by a concurrent request
        user_model = get_user_model()
        existing = user_model.objects.filter(email__iexact=invitation.email).first()
        if user is not None and getattr(user, "is_authenticated", False):
            if user.email.lower() != invitation.email:
                raise NotAllowed(
                    _("This invitation is for %(email)s: sign out, then open the link again.")
                    % {"email": invitation.email}
                )
        elif existing is not None:
            raise NotAllowed(_("An account exists for this address: sign in to accept."))
        else:
            if not password:
                raise NotAllowed(_("Choose a password."))
            _check_invitable(invitation.email)
            user = user_model(username=invitation.email[:150], email=invitation.email)
            user.first_name, user.last_name = first_name.strip()[:150], last_name.strip()[:150]
            user.set_password(password)
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError:
                raise NotAllowed(
                    _("An account exists for this address: sign in to accept.")
                ) from None
            # The link reached this address: it is verified.
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if hasattr(user, "profile"):
            raise InvitationRefused(_("A company's employee cannot act for an association."))
        membership, _created = AssociationMembership.objects.update_or_create(
            user=user,
            association=invitation.association,
            defaults={
                "role": invitation.role,
                "is_active": True,
                "invited_by": invitation.invited_by,
            },
        )
        invitation.accepted_at, invitation.accepted_by = now, user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def _require_admin(actor, association_id: int) -> None:
    if actor.is_superuser:
        return
    if not AssociationMembership.objects.filter(
        user=actor, association_id=association_id, is_active=True, role=Role.ADMIN
    ).exists():
        raise NotAllowed


def revoke_member(*, actor, association_id: int, membership_id: int) -> AssociationMembership:
    """An administrator takes a member's access away (their account stays, without access)."""
    with transaction.atomic():
        _require_admin(actor, association_id)
        # The association row serialises revocations, so two admins cannot revoke each other.
        AssociationPage.objects.select_for_update().get(pk=association_id)
        membership = AssociationMembership.objects.filter(
            pk=membership_id, association_id=association_id, is_active=True
        ).first()
        if membership is None:
            raise NotAllowed
        if membership.role == Role.ADMIN:
            others = (
                AssociationMembership.objects.filter(
                    association_id=association_id, is_active=True, role=Role.ADMIN
                )
                .exclude(pk=membership.pk)
                .exists()
            )
            if not others:
                raise LastAdministrator
        membership.is_active = False
        membership.save(update_fields=["is_active"])
    return membership


def revoke_invitation(
    *, actor, association_id: int, invitation_id: int, now: dt.datetime | None = None
) -> None:
    _require_admin(actor, association_id)
    updated = AssociationInvitation.objects.filter(
        pk=invitation_id,
        association_id=association_id,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now or timezone.now())
    if not updated:
        raise NotAllowed


def _require_member(user, association_id: int) -> None:
    if not AssociationMembership.objects.filter(
        user=user, association_id=association_id, is_active=True
    ).exists():
        raise NotAllowed


def _check_rating(rating: int) -> int:
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise NotAllowed(_("A rating goes from 1 to 5."))
    return rating


def give_volunteer_feedback(
    *, user, association_id: int, enrolment_id: int, rating: int, comment: str = ""
) -> VolunteerFeedback:
    """A short word on one volunteer, once they attended (or did not come); may be edited."""
    _require_member(user, association_id)
    enrolment = Enrolment.objects.filter(
        pk=enrolment_id, session__mission__association_id=association_id
    ).first()
    if enrolment is None:
        raise NotAllowed
    if enrolment.status not in MET_STATUSES:
        raise NotAllowed(_("Feedback on a volunteer opens once their attendance is recorded."))
    feedback, _created = VolunteerFeedback.objects.update_or_create(
        enrolment=enrolment,
        defaults={
            "rating": _check_rating(rating),
            "comment": comment.strip()[:500],
            "author": user,
        },
    )
    return feedback


def give_company_feedback(
    *,
    user,
    association_id: int,
    session_id: int,
    company_id: int,
    rating: int,
    comment: str = "",
    now: dt.datetime | None = None,
) -> CompanyFeedback:
    """The association's word on a company whose people came to one of its past sessions."""
    now = now or timezone.now()
    _require_member(user, association_id)
    session = (
        MissionSession.objects.select_related("mission")
        .filter(pk=session_id, mission__association_id=association_id)
        .first()
    )
    if session is None:
        raise NotAllowed
    if session.start > now:
        raise NotAllowed(_("Feedback on a company opens once the session has started."))
    came = Enrolment.objects.filter(
        session=session, employee__company_id=company_id, status__in=MET_STATUSES
    ).exists()
    if not came and session.mission.company_id != company_id:
        raise NotAllowed
    with transaction.atomic():
        feedback, _created = CompanyFeedback.objects.update_or_create(
            association_id=association_id,
            company_id=company_id,
            session=session,
            defaults={
                "mission": session.mission,
                "rating": _check_rating(rating),
                "comment": comment.strip()[:2000],
                "author": user,
            },
        )
    return feedback
