"""URLs of the impact dashboard and reports (mounted at /impact/)."""

from django.urls import path

from reporting.views import impact as views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:breakdown>.csv", views.export_breakdown, name="export"),
    path("reports/", views.request_report, name="request_report"),
    path("reports/<id:pk>/", views.report_detail, name="report"),
    path("reports/<id:pk>/status/", views.report_status, name="report_status"),
    path("reports/<id:pk>/download/", views.report_download, name="report_download"),
]
