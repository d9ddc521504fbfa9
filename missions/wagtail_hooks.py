"""Wagtail admin for the catalogue: a CSR officer never sees another company's missions."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from missions.models import Cause, CompanyMissionsPage, Skill
from portal.admin_labels import AddLabelMixin
from portal.tenancy import company_of


def other_companies_sections_filter(user) -> Q | None:
    """Pages in another company's mission section (the section itself included).

    None when the user may see the whole tree (superusers). Page permissions already stop
    edits; this keeps titles of other companies' private missions out of listings and choosers.
    """
    if user.is_superuser:
        return None
    company = company_of(user)
    sections = CompanyMissionsPage.objects.all()
    if company is not None:
        sections = sections.exclude(company=company)
    paths = list(sections.values_list("path", flat=True))
    if not paths:
        return None
    return reduce(or_, (Q(path__startswith=path) for path in paths))


def _hide_other_companies(pages: QuerySet, user) -> QuerySet:
    hidden = other_companies_sections_filter(user)
    return pages if hidden is None else pages.exclude(hidden)


@hooks.register("construct_explorer_page_queryset")
def hide_other_companies_in_explorer(parent_page, pages, request):
    return _hide_other_companies(pages, request.user)


@hooks.register("construct_page_chooser_queryset")
def hide_other_companies_in_chooser(pages, request):
    return _hide_other_companies(pages, request.user)


# ---- The platform admin invites association people (superusers only) ------------------------


@hooks.register("register_admin_urls")
def association_invitation_urls():
    from django.urls import path

    from missions.views.platform import invite_association_member

    return [
        path(
            "association-invitations/",
            invite_association_member,
            name="missions_association_invitations",
        )
    ]


@hooks.register("register_admin_menu_item")
def association_invitations_menu_item():
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _
    from wagtail.admin.menu import MenuItem

    class SuperuserMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.is_superuser

    return SuperuserMenuItem(
        _("Association accounts"),
        reverse("missions_association_invitations"),
        icon_name="user",
        order=9000,
    )


# ---- Causes and skills (snippets) --------------------------------------------------------------


class CauseViewSet(AddLabelMixin, SnippetViewSet):
    model = Cause
    icon = "tag"
    add_item_label = _("Add a cause")
    list_display = ["name", "name_en", "slug"]


class SkillViewSet(AddLabelMixin, SnippetViewSet):
    model = Skill
    icon = "tag"
    add_item_label = _("Add a skill")
    list_display = ["name", "name_en", "slug"]


register_snippet(CauseViewSet)
register_snippet(SkillViewSet)
