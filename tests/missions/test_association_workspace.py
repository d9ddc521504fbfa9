"""The association workspace: invitations, members, rosters, attendance, feedback, tenancy."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation

from missions.exceptions import (
    InvalidInvitation,
    InvitationRefused,
    LastAdministrator,
    NotAllowed,
    SessionNotOver,
)
from missions.models import (
    AssociationInvitation,
    AssociationMembership,
    CompanyFeedback,
    Enrolment,
    EnrolmentStatus,
)
from missions.services import association as service
from missions.services.attendance import AttendanceMark, confirm_attendance_by_association
from tests.factories import PASSWORD, make_association, make_association_member, make_mission
from tests.missions.engagement_helpers import colleague, past_session, session_of

pytestmark = pytest.mark.django_db
S = EnrolmentStatus


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def association(site_tree):
    return make_association(title="Les Restos du Quartier")


@pytest.fixture
def admin(association):
    return make_association_member(association, email="admin@restos.example", role="admin")


@pytest.fixture
def member(association):
    return make_association_member(association, email="member@restos.example", role="member")


def _session(company, association, *, days_ago: int | None = 1):
    if days_ago is None:
        return session_of(make_mission(company=company, association=association))
    return past_session(company, days_ago=days_ago, association=association)


def _enrolment(employee, session, status=S.CONFIRMED):
    deadline = timezone.now() + dt.timedelta(days=1) if status == S.PENDING_APPROVAL else None
    return Enrolment.objects.create(
        employee=employee,
        session=session,
        status=status,
        quota_hours=7,
        approval_deadline=deadline,
    )


def _link(mail) -> str:
    return re.search(r"https?://\S+/association/invitations/\S+/", mail.body).group(0)


# ---- Invitations ------------------------------------------------------------------------------


def test_an_invitation_link_creates_the_account_once_and_lands_in_the_workspace(
    client, association, admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("missions:association_members", args=[association.pk]),
            {"email": "New.Person@restos.example", "role": "member"},
        )
    assert response.status_code == 302
    assert mailoutbox[-1].to == ["new.person@restos.example"]
    path = _link(mailoutbox[-1]).split("://", 1)[1].split("/", 1)[1]
    client.logout()
    page = client.get(f"/{path}")
    assert page.status_code == 200 and b"Create my account" in page.content
    joined = client.post(
        f"/{path}",
        {"first_name": "Nina", "last_name": "Vo", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert joined.status_code == 302
    assert joined["Location"] == reverse("missions:association_home", args=[association.pk])
    user = get_user_model().objects.get(email="new.person@restos.example")
    assert user.emailaddress_set.get().verified
    assert AssociationMembership.objects.get(user=user).role == "member"
    assert client.get(joined["Location"]).status_code == 200
    # Used: the same link is dead, even for the same person.
    again = client.get(f"/{path}")
    assert again.status_code == 404 and b"already been used" in again.content


def test_an_expired_revoked_or_forged_invitation_is_refused(association, admin):
    invitation = service.invite_member(
        association_id=association.pk, email="late@restos.example", invited_by=admin
    )
    token = service.invitation_token(invitation)
    later = timezone.now() + service.invitation_lifetime() + dt.timedelta(minutes=1)
    with pytest.raises(InvalidInvitation):
        service.invitation_from_token(token, now=later)
    with pytest.raises(InvalidInvitation):
        service.invitation_from_token(token[:-3] + ("abc" if token[-3:] != "abc" else "xyz"))
    service.revoke_invitation(
        actor=admin, association_id=association.pk, invitation_id=invitation.pk
    )
    with pytest.raises(InvalidInvitation):
        service.accept_invitation(token=token, password=PASSWORD)
    assert not get_user_model().objects.filter(email="late@restos.example").exists()


def test_a_new_invitation_to_the_same_address_replaces_the_previous_link(association, admin):
    first = service.invite_member(
        association_id=association.pk, email="twice@restos.example", invited_by=admin
    )
    service.invite_member(
        association_id=association.pk, email="twice@restos.example", invited_by=admin
    )
    with pytest.raises(InvalidInvitation):
        service.invitation_from_token(service.invitation_token(first))


def test_an_existing_account_signs_in_before_joining(client, association, admin, site_tree):
    other = make_association(title="Other association")
    existing = make_association_member(other, email="both@restos.example", role="member")
    invitation = service.invite_member(
        association_id=association.pk, email="both@restos.example", invited_by=admin
    )
    url = reverse("missions:association_invitation", args=[service.invitation_token(invitation)])
    page = client.get(url)
    assert b"sign in" in page.content.lower() and b"password1" not in page.content
    client.post(url, {"password1": "x" * 20, "password2": "x" * 20})
    assert not AssociationMembership.objects.filter(user=existing, association=association).exists()
    client.force_login(existing)
    assert client.post(url).status_code == 302
    assert AssociationMembership.objects.get(user=existing, association=association).is_active
    # Two associations: the workspace lets them choose.
    assert client.get(reverse("missions:association_workspace")).status_code == 200


def test_another_account_cannot_use_someone_elses_invitation(client, association, admin, member):
    invitation = service.invite_member(
        association_id=association.pk, email="third@restos.example", invited_by=admin
    )
    client.force_login(member)
    url = reverse("missions:association_invitation", args=[service.invitation_token(invitation)])
    client.post(url)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_employees_and_company_addresses_cannot_be_invited(association, admin, employee_a):
    with pytest.raises(InvitationRefused):
        service.invite_member(
            association_id=association.pk, email=employee_a.user.email, invited_by=admin
        )
    domain = employee_a.company.domains.first().domain
    with pytest.raises(InvitationRefused):
        service.invite_member(
            association_id=association.pk, email=f"someone@{domain}", invited_by=admin
        )


def test_a_member_who_is_not_admin_cannot_invite_or_see_members(client, association, member):
    with pytest.raises(NotAllowed):
        service.invite_member(
            association_id=association.pk, email="x@restos.example", invited_by=member
        )
    client.force_login(member)
    url = reverse("missions:association_members", args=[association.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"email": "x@restos.example", "role": "admin"}).status_code == 404
    assert not AssociationInvitation.objects.exists()


def test_a_revoked_member_loses_the_workspace_and_the_last_admin_stays(
    client, association, admin, member
):
    client.force_login(admin)
    membership = AssociationMembership.objects.get(user=member)
    response = client.post(
        reverse("missions:association_member_revoke", args=[association.pk, membership.pk])
    )
    assert response.status_code == 302
    client.force_login(member)
    assert (
        client.get(reverse("missions:association_home", args=[association.pk])).status_code == 404
    )
    assert client.get(reverse("missions:association_workspace")).status_code == 404
    with pytest.raises(LastAdministrator):
        service.revoke_member(
            actor=admin,
            association_id=association.pk,
            membership_id=AssociationMembership.objects.get(user=admin).pk,
        )


def test_the_platform_admin_invites_from_the_wagtail_admin(
    client, association, mailoutbox, django_capture_on_commit_callbacks, csr_a
):
    superuser = get_user_model().objects.create_superuser("root", "root@cordee.example", PASSWORD)
    client.force_login(superuser)
    url = reverse("missions_association_invitations")
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"association": association.pk, "email": "boss@restos.example", "role": "admin"}
        )
    assert response.status_code == 302
    assert AssociationInvitation.objects.get().role == "admin"
    assert mailoutbox[-1].to == ["boss@restos.example"]
    client.force_login(csr_a.user)
    assert client.get(url).status_code == 404


# ---- Tenancy ----------------------------------------------------------------------------------


def test_an_employee_never_gets_into_a_workspace(client, association, employee_a):
    AssociationMembership.objects.create(user=employee_a.user, association=association)
    client.force_login(employee_a.user)
    assert client.get(reverse("missions:association_workspace")).status_code == 404
    assert (
        client.get(reverse("missions:association_home", args=[association.pk])).status_code == 404
    )


def test_another_associations_ids_answer_404(client, association, admin, company_a, employee_a):
    other = make_association(title="Not mine")
    theirs = _session(company_a, other)
    enrolment = _enrolment(employee_a, theirs, S.ATTENDED)
    mine = _session(company_a, association)
    client.force_login(admin)
    urls = [
        reverse("missions:association_home", args=[other.pk]),
        reverse("missions:association_sessions", args=[other.pk]),
        reverse("missions:association_members", args=[other.pk]),
        reverse("missions:association_session", args=[other.pk, theirs.pk]),
        reverse("missions:association_session", args=[association.pk, theirs.pk]),
        reverse("missions:association_company_feedback", args=[association.pk, theirs.pk]),
        reverse("missions:association_volunteer_feedback", args=[association.pk, enrolment.pk]),
        reverse("missions:association_volunteer_feedback", args=[other.pk, enrolment.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("missions:association_session", args=[association.pk, theirs.pk]),
        {f"presence-{enrolment.pk}": "no_show"},
    )
    assert response.status_code == 404
    with pytest.raises(NotAllowed):
        confirm_attendance_by_association(
            user=admin,
            association_id=association.pk,
            session_id=mine.pk,
            marks=[AttendanceMark(enrolment_id=enrolment.pk, attended=False)],
        )
    enrolment.refresh_from_db()
    assert enrolment.status == S.ATTENDED


# ---- Rosters, attendance and feedback ---------------------------------------------------------


def test_the_roster_shows_name_company_status_and_email_only_when_confirmed(
    client, association, member, company_a, company_b, django_assert_max_num_queries
):
    session = _session(company_a, association, days_ago=None)
    confirmed = colleague(company_a, first_name="Ada", last_name="Confirmed")
    waiting = colleague(company_b, first_name="Bob", last_name="Waiting")
    _enrolment(confirmed, session)
    _enrolment(waiting, session, S.WAITLISTED)
    for _n in range(5):
        _enrolment(colleague(company_b), session, S.PENDING_APPROVAL)
    client.force_login(member)
    url = reverse("missions:association_session", args=[association.pk, session.pk])
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    assert "Ada Confirmed" in page and company_a.name in page and confirmed.user.email in page
    assert "Bob Waiting" in page and company_b.name in page
    assert waiting.user.email not in page


def test_the_association_confirms_attendance_and_the_csr_team_sees_it(
    client, association, member, company_a, employee_a, csr_a
):
    session = _session(company_a, association)
    came = _enrolment(employee_a, session)
    absent = _enrolment(colleague(company_a), session)
    client.force_login(member)
    url = reverse("missions:association_session", args=[association.pk, session.pk])
    response = client.post(
        url,
        {
            f"presence-{came.pk}": "attended",
            f"hours-{came.pk}": "5.5",
            f"presence-{absent.pk}": "no_show",
        },
    )
    assert response.status_code == 302
    came.refresh_from_db()
    absent.refresh_from_db()
    assert (came.status, came.hours, came.association_confirmed_by) == (
        S.ATTENDED,
        Decimal("5.50"),
        member,
    )
    assert absent.status == S.NO_SHOW and absent.association_confirmed_at is not None
    client.force_login(csr_a.user)
    roster = client.get(reverse("missions:csr_roster", args=[session.pk])).content.decode()
    assert "Attendance confirmed by the association" in roster


def test_attendance_cannot_be_confirmed_before_the_session_nor_with_bad_hours(
    association, member, company_a, employee_a
):
    upcoming = _session(company_a, association, days_ago=None)
    seat = _enrolment(employee_a, upcoming)
    with pytest.raises(SessionNotOver):
        confirm_attendance_by_association(
            user=member,
            association_id=association.pk,
            session_id=upcoming.pk,
            marks=[AttendanceMark(enrolment_id=seat.pk, attended=True)],
        )
    past = _session(company_a, association)
    other = _enrolment(colleague(company_a), past)
    from missions.exceptions import InvalidHours

    with pytest.raises(InvalidHours):
        confirm_attendance_by_association(
            user=member,
            association_id=association.pk,
            session_id=past.pk,
            marks=[AttendanceMark(enrolment_id=other.pk, attended=True, hours="99")],
        )
    other.refresh_from_db()
    assert other.status == S.CONFIRMED and other.association_confirmed_at is None


def test_feedback_on_a_volunteer_and_on_the_company_reaches_that_company_only(
    client, association, member, company_a, company_b, employee_a, csr_a, csr_b
):
    session = _session(company_a, association)
    enrolment = _enrolment(employee_a, session, S.ATTENDED)
    client.force_login(member)
    response = client.post(
        reverse("missions:association_volunteer_feedback", args=[association.pk, enrolment.pk]),
        {"rating": "5", "comment": "Brilliant with the children"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("missions:association_company_feedback", args=[association.pk, session.pk]),
        {"company": company_a.pk, "rating": "4", "comment": "Well organised team"},
    )
    assert response.status_code == 302
    # A company whose people did not come cannot be rated for this session.
    response = client.post(
        reverse("missions:association_company_feedback", args=[association.pk, session.pk]),
        {"company": company_b.pk, "rating": "1"},
    )
    assert CompanyFeedback.objects.count() == 1
    client.force_login(csr_a.user)
    roster = client.get(reverse("missions:csr_roster", args=[session.pk])).content.decode()
    assert "Brilliant with the children" in roster and "Well organised team" in roster
    with pytest.raises(NotAllowed):
        service.give_volunteer_feedback(
            user=member,
            association_id=association.pk,
            enrolment_id=_enrolment(colleague(company_a), session).pk,
            rating=3,
        )


def test_the_home_page_lists_attendance_to_confirm(client, association, member, company_a):
    session = _session(company_a, association)
    _enrolment(colleague(company_a), session)
    client.force_login(member)
    page = client.get(reverse("missions:association_workspace"), follow=True).content.decode()
    assert "1 person to confirm" in page
    assert reverse("missions:association_session", args=[association.pk, session.pk]) in page


# ---- Sign-in ----------------------------------------------------------------------------------


def test_an_association_member_signs_in_with_the_email_first_page_and_lands_in_the_workspace(
    client, association, member
):
    client.post(reverse("sign_in_email"), {"email": member.email})
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("missions:association_workspace")
    home = client.get(response["Location"], follow=True)
    assert home.status_code == 200
    page = home.content.decode()
    assert "Association workspace" in page and "My engagements" not in page
    # The home page and the profile-less pages answer without error.
    assert client.get("/").status_code == 200


def test_an_association_member_may_reset_their_password(client, association, member, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 302
    assert mailoutbox and mailoutbox[-1].to == [member.email]


def test_an_association_member_may_turn_on_two_factor_from_their_account(client, member):
    client.force_login(member)
    assert client.get(reverse("mfa_index")).status_code == 200
    # allauth asks for the password again before adding a factor (a recent sign-in).
    activate = client.get(reverse("mfa_activate_totp"))
    assert activate.status_code == 302 and "reauthenticate" in activate["Location"]


def test_the_volunteer_finds_the_associations_feedback_in_their_data_and_erasure_clears_it(
    association, member, company_a, employee_a
):
    from missions import privacy

    enrolment = _enrolment(employee_a, _session(company_a, association), S.ATTENDED)
    service.give_volunteer_feedback(
        user=member,
        association_id=association.pk,
        enrolment_id=enrolment.pk,
        rating=4,
        comment="Punctual and kind",
    )
    exported = privacy.export(employee_a)["association_feedback_received"]
    assert [(r["rating"], r["comment"]) for r in exported] == [(4, "Punctual and kind")]
    assert member.email not in str(exported)
    assert privacy.erase(employee_a)["association_feedback_texts"] == 1
    assert privacy.export(employee_a)["association_feedback_received"][0]["comment"] == ""
