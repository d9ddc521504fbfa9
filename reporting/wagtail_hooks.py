"""The Wagtail admin's dashboard speaks Cordée: the CSR officer's to-do, or the platform's."""

from __future__ import annotations

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.components import Component

from missions.selectors import csr as csr_reads
from portal.models import Company
from portal.tenancy import profile_of
from reporting.selectors import csr_home


class CsrTodoPanel(Component):
    """The same to-do as the CSR home, scoped to the officer's company."""

    name = "cordee_csr_todo"
    template_name = "reporting/admin/csr_todo_panel.html"
    order = 50

    def __init__(self, officer):
        self.officer = officer

    def get_context_data(self, parent_context):
        return {
            "todo": csr_home.todo_for(self.officer),
            "company": self.officer.company,
            "home_url": reverse("csr:home"),
            "sessions_url": reverse("missions:csr_sessions"),
        }


class PlatformPanel(Component):
    """A platform admin (no company) sees what the platform holds and what waits for vetting."""

    name = "cordee_platform"
    template_name = "reporting/admin/platform_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        return {"companies": Company.objects.count(), **csr_reads.platform_counts()}


@hooks.register("construct_homepage_panels")
def add_cordee_panels(request, panels) -> None:
    profile = profile_of(request.user)
    if profile is not None and profile.is_csr_officer:
        panels.append(CsrTodoPanel(profile))
    elif profile is None and request.user.is_superuser:
        panels.append(PlatformPanel())
