"""URLs of the missions app that are not Wagtail pages: the feed and engagement (/engagement/)."""

from django.urls import path

from missions import feeds
from missions.views import approvals, community, community_csr, csr, employee

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
    path("engagement/csr/sessions/<id:session_id>/", csr.csr_roster, name="csr_roster"),
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
