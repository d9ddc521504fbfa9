"""URLs of the CSR officer's home (mounted at /csr/)."""

from django.urls import path

from reporting.views import csr as views

app_name = "csr"

urlpatterns = [
    path("", views.home, name="home"),
    path("feedback/read/", views.feedback_read, name="feedback_read"),
]
