"""URLs of an association's tax receipts, mounted at /association/<id:association_id>/receipts/."""

from django.urls import path

from donations.views import association_receipts as views

app_name = "association_receipts"

urlpatterns = [
    path("", views.receipts_home, name="home"),
    path("settings/", views.receipts_settings, name="settings"),
    path("delegation/", views.receipts_delegation, name="delegation"),
    path("issue/", views.receipts_issue, name="issue"),
    path("issue-company/", views.receipts_issue_company, name="issue_company"),
    path("upload/", views.receipts_upload, name="upload"),
    path("<id:receipt_id>/", views.receipt_download, name="download"),
    path("<id:receipt_id>/cancel/", views.receipt_cancel, name="cancel"),
    path("summary/<year:year>/", views.receipts_summary, name="summary"),
]
