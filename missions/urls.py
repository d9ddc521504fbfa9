"""URLs of the missions app that are not Wagtail pages: the feed, engagement (/engagement/) and the
association workspace (/association/)."""

from django.urls import path

from missions import feeds
from missions.views import (
    approvals,
    association,
    community,
    community_csr,
    csr,
    employee,
    skills,
)

app_name = "missions"

urlpatterns = [
    path("feeds/missions/", feeds.MissionFeed(), name="feed"),
    path("engagement/", employee.my_engagements, name="my_engagements"),
    path("engagement/sessions/<id:session_id>/enrol/", employee.enrol, name="enrol"),
    path("engagement/enrolments/<id:pk>/", employee.enrolment_detail, name="enrolment"),
    path("engagement/enrolments/<id:pk>/cancel/", employee.cancel, name="cancel"),
    path("engagement/enrolments/<id:pk>/hours/", employee.correct_hours, name="hours"),
    path("engagement/enrolments/<id:pk>/invitation.ics", employee.invitation, name="invitation"),
    path("engagement/enrolments/<id:pk>/feedback/", employee.give_feedback, name="feedback"),
    path("engagement/approvals/", approvals.approvals, name="approvals"),
    path("engagement/approvals/link/<str:token>/", approvals.approval_link, name="approval_link"),
    path("engagement/skills/", skills.my_skills, name="my_skills"),
    path("engagement/calendar/", employee.calendar_settings, name="calendar"),
    path("engagement/calendar/<str:token>.ics", employee.calendar_feed_view, name="calendar_feed"),
    path("engagement/csr/", csr.csr_missions, name="csr_missions"),
    path("engagement/csr/missions/<id:mission_id>/", csr.csr_mission, name="csr_mission"),
    path(
        "engagement/csr/missions/<id:mission_id>/enrolments.csv",
        csr.csr_mission_csv,
        name="csr_mission_csv",
    ),
    path("engagement/csr/missions/<id:mission_id>/series/", csr.csr_series, name="csr_series"),
    path("engagement/csr/sessions/", csr.csr_sessions, name="csr_sessions"),
    path("engagement/csr/sessions/<id:session_id>/", csr.csr_roster, name="csr_roster"),
    path(
        "engagement/csr/sessions/<id:session_id>/message/",
        csr.csr_session_message,
        name="csr_session_message",
    ),
    path(
        "engagement/csr/sessions/<id:session_id>/hours/",
        csr.csr_roster_hours,
        name="csr_roster_hours",
    ),
    path(
        "engagement/csr/sessions/<id:session_id>/cancel/",
        csr.csr_cancel_session,
        name="csr_cancel_session",
    ),
    path(
        "engagement/csr/sessions/<id:session_id>/roster.csv",
        csr.csr_roster_csv,
        name="csr_roster_csv",
    ),
    # The association workspace (its money pages are donations.association_urls).
    path("association/", association.workspace_index, name="association_workspace"),
    path(
        "association/invitations/<str:token>/",
        association.invitation,
        name="association_invitation",
    ),
    path("association/<id:association_id>/", association.home, name="association_home"),
    path(
        "association/<id:association_id>/sessions/",
        association.sessions,
        name="association_sessions",
    ),
    path(
        "association/<id:association_id>/sessions/<id:session_id>/",
        association.session_roster,
        name="association_session",
    ),
    path(
        "association/<id:association_id>/sessions/<id:session_id>/feedback/",
        association.company_feedback,
        name="association_company_feedback",
    ),
    path(
        "association/<id:association_id>/enrolments/<id:enrolment_id>/feedback/",
        association.volunteer_feedback,
        name="association_volunteer_feedback",
    ),
    path(
        "association/<id:association_id>/members/",
        association.members,
        name="association_members",
    ),
    path(
        "association/<id:association_id>/members/<id:membership_id>/revoke/",
        association.member_revoke,
        name="association_member_revoke",
    ),
    path(
        "association/<id:association_id>/invitations/<id:invitation_id>/revoke/",
        association.invitation_revoke,
        name="association_invitation_revoke",
    ),
    # Employees' own contributions, their CSR review, and the association's approval page.
    path("engagement/hours/", community.self_reported, name="self_reported"),
    path("engagement/proposals/", community.proposals, name="proposals"),
    path("engagement/csr/hours/", community_csr.csr_self_reported, name="csr_self_reported"),
    path("engagement/csr/proposals/", community_csr.csr_proposals, name="csr_proposals"),
    path("engagement/csr/proposals/<id:pk>/", community_csr.csr_proposal, name="csr_proposal"),
    path(
        "association/<id:association_id>/hours/",
        community.association_hours,
        name="association_hours",
    ),
]
