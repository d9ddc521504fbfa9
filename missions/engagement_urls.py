"""URLs of engagement (enrolment, approvals, calendar, CSR rosters), under /engagement/."""

from django.urls import path

from missions import engagement_views as views

# No app_name: these names live in the including "missions" namespace (missions:enrol, …).

urlpatterns = [
    path("", views.my_engagements, name="my_engagements"),
    path("sessions/<id:session_id>/enrol/", views.enrol, name="enrol"),
    path("enrolments/<id:pk>/", views.enrolment_detail, name="enrolment"),
    path("enrolments/<id:pk>/cancel/", views.cancel, name="cancel"),
    path("enrolments/<id:pk>/hours/", views.correct_hours, name="hours"),
    path("enrolments/<id:pk>/invitation.ics", views.invitation, name="invitation"),
    path("enrolments/<id:pk>/feedback/", views.give_feedback, name="feedback"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/link/<str:token>/", views.approval_link, name="approval_link"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed_view, name="calendar_feed"),
    path("csr/", views.csr_missions, name="csr_missions"),
    path("csr/missions/<id:mission_id>/", views.csr_mission, name="csr_mission"),
    path(
        "csr/missions/<id:mission_id>/enrolments.csv",
        views.csr_mission_csv,
        name="csr_mission_csv",
    ),
    path("csr/missions/<id:mission_id>/series/", views.csr_series, name="csr_series"),
    path("csr/sessions/<id:session_id>/", views.csr_roster, name="csr_roster"),
    path(
        "csr/sessions/<id:session_id>/cancel/",
        views.csr_cancel_session,
        name="csr_cancel_session",
    ),
    path("csr/sessions/<id:session_id>/roster.csv", views.csr_roster_csv, name="csr_roster_csv"),
]
