"""Catalogue provisioning: each company's section of the mission tree and its permissions."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import GroupPagePermission, Page

from missions.models import CompanyMissionsPage, MissionIndexPage
from portal.models import Company
from portal.services import ensure_csr_group

# What a company's CSR officers may do on their own section of the page tree.
CSR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


@transaction.atomic
def provision_company_catalogue(company: Company) -> CompanyMissionsPage | None:
    """Create the company's mission section and let its CSR group manage that subtree only.

    Idempotent. Returns None when the site has no mission index yet (before the demo tree).
    """
    index = MissionIndexPage.objects.first()
    if index is None:
        return None
    section = CompanyMissionsPage.objects.filter(company=company).first()
    if section is None:
        section = CompanyMissionsPage(title=company.name, slug=company.slug, company=company)
        index.add_child(instance=section)
    group = ensure_csr_group(company)
    for codename in CSR_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=Page.objects.get(pk=section.pk),
            permission__codename=codename,
            defaults={"permission": _page_permission(codename)},
        )
    return section


def _page_permission(codename: str):
    return _permission("wagtailcore", codename)


def _permission(app_label: str, codename: str):
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def ensure_site_tree() -> dict[str, Page]:
    """The home page, association index and mission index under Wagtail's root (idempotent).

    Replaces Wagtail's default welcome page as the site root.
    """
    from wagtail.models import Site

    from missions.models import AssociationIndexPage
    from portal.models import HomePage

    home = HomePage.objects.first()
    if home is None:
        # Wagtail's migrations leave a plain welcome page at the top; ours takes its place.
        Page.objects.filter(depth=2, content_type__model="page").delete()
        root = Page.get_first_root_node()
        home = HomePage(
            title="Cordée",
            slug="home",
            intro="Give time, skills and money to the associations that matter to you.",
        )
        root.add_child(instance=home)
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={
                "hostname": "localhost",
                "port": 80,
                "root_page": home,
                "site_name": "Cordée",
            },
        )
    associations = AssociationIndexPage.objects.first()
    if associations is None:
        associations = AssociationIndexPage(title="Associations", slug="associations")
        home.add_child(instance=associations)
    missions = MissionIndexPage.objects.first()
    if missions is None:
        missions = MissionIndexPage(title="Missions", slug="missions")
        home.add_child(instance=missions)
    return {"home": home, "associations": associations, "missions": missions}
