"""The Wagtail admin through its real views: CSR officers manage their own company only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.models import Page, Workflow, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from missions.models import MissionPage
from portal.models import Company, CompanyDomain, EmployeeProfile
from tests.factories import make_association, make_employee, make_mission

DENIED = {302, 403, 404}


@pytest.fixture
def mission_a(company_a):
    return make_mission(company=company_a, title="Alpha secret garden day", slug="alpha-garden")


@pytest.fixture
def mission_b(company_b):
    return make_mission(company=company_b, title="Beta food bank day", slug="beta-food")


@pytest.fixture
def csr_b_client(client, csr_b):
    client.force_login(csr_b.user)
    return client


def mission_form(association, **overrides) -> dict:
    start = (timezone.now() + dt.timedelta(days=10)).replace(microsecond=0)
    local = timezone.localtime(start)
    data = {
        "title": "Beta river clean-up",
        "slug": "beta-river-clean-up",
        "association": association.pk,
        "kind": "citizen_day",
        "visibility": "company",
        "summary": "Clean the banks of the Rhône with colleagues.",
        "description": rich_text("<p>Gloves provided.</p>"),
        "city": "Lyon",
        "postcode": "69007",
        "address": "Quai Claude Bernard",
        "on_work_time": "on",
        "cancellation_cutoff_hours": "48",
        "sessions": inline_formset(
            [
                {
                    "start": local.strftime("%Y-%m-%d %H:%M"),
                    "end": (local + dt.timedelta(hours=6)).strftime("%Y-%m-%d %H:%M"),
                    "seats": "12",
                    "place": "",
                }
            ]
        ),
        "action-publish": "action-publish",
    }
    data.update(overrides)
    return nested_form_data(data)


# ---- Pages ------------------------------------------------------------------------------------


def test_csr_officer_reaches_the_admin_and_an_employee_does_not(client, csr_b, employee_b):
    client.force_login(csr_b.user)
    assert client.get("/admin/").status_code == 200
    client.force_login(employee_b.user)
    assert client.get("/admin/").status_code in DENIED - {404}


def test_admin_sends_anonymous_visitors_to_the_allauth_sign_in(client, site_tree):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/admin/")


def test_csr_officer_edits_own_company_mission(csr_b_client, mission_b):
    assert csr_b_client.get(f"/admin/pages/{mission_b.pk}/edit/").status_code == 200


def test_csr_officer_cannot_edit_other_company_mission(csr_b_client, mission_a):
    url = f"/admin/pages/{mission_a.pk}/edit/"
    assert csr_b_client.get(url).status_code in DENIED
    response = csr_b_client.post(url, mission_form(mission_a.association, title="Hijacked"))
    assert response.status_code in DENIED
    mission_a.refresh_from_db()
    assert mission_a.title == "Alpha secret garden day"
    assert not MissionPage.objects.filter(title="Hijacked").exists()


def test_csr_officer_cannot_publish_or_delete_other_company_mission(csr_b_client, mission_a):
    for url in [
        f"/admin/pages/{mission_a.pk}/delete/",
        f"/admin/pages/{mission_a.pk}/unpublish/",
        f"/admin/pages/{mission_a.pk}/move/",
        f"/admin/pages/{mission_a.pk}/copy/",
    ]:
        assert csr_b_client.post(url).status_code in DENIED, url
    assert MissionPage.objects.live().filter(pk=mission_a.pk).exists()


def test_csr_officer_creates_and_publishes_mission_in_own_section(csr_b_client, company_b):
    association = make_association()
    section = company_b.mission_section
    url = f"/admin/pages/add/missions/missionpage/{section.pk}/"
    assert csr_b_client.get(url).status_code == 200

    response = csr_b_client.post(url, mission_form(association))

    assert response.status_code == 302, response.content.decode()[:2000]
    mission = MissionPage.objects.get(slug="beta-river-clean-up")
    assert mission.live
    assert mission.company == company_b
    assert mission.get_parent().pk == section.pk
    assert mission.sessions.count() == 1


def test_csr_officer_cannot_add_mission_under_other_company_section(csr_b_client, company_a):
    association = make_association()
    url = f"/admin/pages/add/missions/missionpage/{company_a.mission_section.pk}/"
    assert csr_b_client.get(url).status_code in DENIED
    assert csr_b_client.post(url, mission_form(association)).status_code in DENIED
    assert not MissionPage.objects.filter(slug="beta-river-clean-up").exists()


def test_csr_officer_cannot_publish_platform_missions_outside_own_section(csr_b_client, site_tree):
    association = make_association()
    url = f"/admin/pages/add/missions/missionpage/{site_tree['missions'].pk}/"
    assert csr_b_client.post(url, mission_form(association)).status_code in DENIED
    assert not MissionPage.objects.filter(slug="beta-river-clean-up").exists()


def test_explorer_hides_other_company_section_and_missions(
    csr_b_client, mission_a, mission_b, site_tree, company_a
):
    index = site_tree["missions"]
    # Their explorer starts at their own section: the shared index above it redirects there.
    response = csr_b_client.get(f"/admin/pages/{index.pk}/", follow=True)
    body = response.content.decode()
    assert "Beta food bank day" in body
    assert "Alpha" not in body
    own = csr_b_client.get(f"/admin/pages/{mission_b.get_parent().pk}/").content.decode()
    assert "Beta food bank day" in own

    assert csr_b_client.get(f"/admin/pages/{company_a.mission_section.pk}/").status_code in DENIED

    api = csr_b_client.get(
        "/admin/api/main/pages/", {"child_of": index.pk, "for_explorer": 1}
    ).json()
    titles = {item["title"] for item in api["items"]}
    assert "Beta Conseil" in titles
    assert "Alpha Industries" not in titles


def test_admin_search_never_shows_other_company_missions(csr_b_client, mission_a, mission_b):
    body = csr_b_client.get("/admin/pages/search/", {"q": "day"}).content.decode()
    assert "Beta food bank day" in body
    assert "Alpha secret garden day" not in body


def test_page_chooser_hides_other_company_missions_but_offers_associations(
    csr_b_client, mission_a, mission_b, site_tree
):
    association = mission_a.association
    index = site_tree["missions"]
    listing = csr_b_client.get(f"/admin/choose-page/{index.pk}/").content.decode()
    assert "Alpha Industries" not in listing
    search = csr_b_client.get("/admin/choose-page/search/", {"q": "garden"}).content.decode()
    assert "Alpha secret garden day" not in search
    assoc = csr_b_client.get(f"/admin/choose-page/{site_tree['associations'].pk}/")
    assert association.title in assoc.content.decode()


def test_csr_officer_can_submit_mission_to_moderation(csr_b_client, mission_b, company_b):
    workflow = Workflow.objects.filter(active=True).first()
    assert workflow is not None, "Wagtail's default moderation workflow should exist"
    workflow.workflow_pages.get_or_create(page=Page.objects.get(pk=company_b.mission_section.pk))

    data = mission_form(
        mission_b.association, title="Beta food bank day (updated)", slug=mission_b.slug
    )
    del data["action-publish"]
    data["action-submit"] = "action-submit"
    response = csr_b_client.post(f"/admin/pages/{mission_b.pk}/edit/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(mission_b.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS


# ---- People -----------------------------------------------------------------------------------


def test_people_list_shows_only_own_company(csr_b_client, employee_a, employee_b):
    body = csr_b_client.get("/admin/people/").content.decode()
    assert "bob@beta.example" in body or "Bob" in body
    assert "ana@alpha.example" not in body and "Ana" not in body


def test_people_search_stays_in_own_company(csr_b_client, employee_a, employee_b):
    body = csr_b_client.get("/admin/people/", {"q": "ana"}).content.decode()
    assert "ana@alpha.example" not in body


@pytest.mark.parametrize("view", ["edit", "history", "usage"])
def test_other_company_profile_urls_are_404(csr_b_client, employee_a, view):
    assert csr_b_client.get(f"/admin/people/{view}/{employee_a.pk}/").status_code == 404


def test_profiles_are_never_deleted_from_the_admin(csr_b_client, employee_a, employee_b):
    for profile in (employee_a, employee_b):
        response = csr_b_client.post(f"/admin/people/delete/{profile.pk}/")
        assert response.status_code in DENIED
    assert EmployeeProfile.objects.filter(pk__in=[employee_a.pk, employee_b.pk]).count() == 2


def test_csr_officer_cannot_change_other_company_profile_by_post(csr_b_client, employee_a):
    response = csr_b_client.post(
        f"/admin/people/edit/{employee_a.pk}/", {"department": "Hacked", "is_csr_officer": "on"}
    )
    assert response.status_code == 404
    employee_a.refresh_from_db()
    assert employee_a.department == ""
    assert not employee_a.is_csr_officer


def test_csr_officer_edits_team_manager_and_roles(csr_b_client, company_b, employee_b):
    boss = make_employee(company_b, first_name="Chloé")
    response = csr_b_client.post(
        f"/admin/people/edit/{employee_b.pk}/",
        {
            "employee_number": "B-001",
            "department": "Finance",
            "site": "Nantes",
            "manager": boss.pk,
            "is_csr_officer": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    employee_b.refresh_from_db()
    assert (employee_b.department, employee_b.site) == ("Finance", "Nantes")
    assert employee_b.manager == boss
    assert "manager" in boss.roles
    # The CSR role opens the admin: it went through portal.services.set_roles.
    assert employee_b.user.groups.filter(pk=company_b.csr_group_id).exists()


def test_hr_synced_fields_are_read_only_when_a_directory_feeds_them(
    csr_b_client, company_b, employee_b
):
    Company.objects.filter(pk=company_b.pk).update(directory_source="hr_file")
    EmployeeProfile.objects.filter(pk=employee_b.pk).update(department="Ventes", site="Lyon")
    boss = make_employee(company_b, first_name="Chloé")
    page = csr_b_client.get(f"/admin/people/edit/{employee_b.pk}/").content.decode()
    assert "modifiez-le là-bas" in page  # the admin speaks French by default
    response = csr_b_client.post(
        f"/admin/people/edit/{employee_b.pk}/",
        {
            "employee_number": "B-999",
            "department": "Finance",
            "site": "Nantes",
            "manager": boss.pk,
            "leave_date": "2026-12-01",
            "is_csr_officer": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    employee_b.refresh_from_db()
    # The directory's values stay; roles are Cordée's own and still change here.
    assert (employee_b.department, employee_b.site, employee_b.employee_number) == (
        "Ventes",
        "Lyon",
        "",
    )
    assert employee_b.manager is None and employee_b.leave_date is None
    assert employee_b.is_csr_officer


def test_manager_must_be_a_colleague(csr_b_client, employee_a, employee_b):
    response = csr_b_client.post(f"/admin/people/edit/{employee_b.pk}/", {"manager": employee_a.pk})
    assert response.status_code == 200  # form redisplayed with an error
    employee_b.refresh_from_db()
    assert employee_b.manager is None


def test_people_cannot_be_added_from_the_admin(csr_b_client):
    assert csr_b_client.get("/admin/people/new/").status_code in DENIED
    count = EmployeeProfile.objects.count()
    csr_b_client.post("/admin/people/new/", {"department": "x"})
    assert EmployeeProfile.objects.count() == count


def test_plain_employee_cannot_open_people_admin(client, employee_b, employee_a):
    client.force_login(employee_b.user)
    assert client.get("/admin/people/").status_code in DENIED - {200}
    assert client.get(f"/admin/people/edit/{employee_b.pk}/").status_code in DENIED


def test_superuser_sees_everyone(admin_client, employee_a, employee_b):
    body = admin_client.get("/admin/people/").content.decode()
    assert "Ana" in body and "Bob" in body
    assert admin_client.get(f"/admin/people/edit/{employee_a.pk}/").status_code == 200


# ---- Companies --------------------------------------------------------------------------------


def test_csr_officer_cannot_manage_companies(csr_b_client, company_a):
    assert csr_b_client.get("/admin/companies/").status_code in DENIED - {200}
    assert csr_b_client.get(f"/admin/companies/edit/{company_a.pk}/").status_code in DENIED


def test_platform_admin_creates_company_and_it_is_provisioned(admin_client, site_tree):
    response = admin_client.post(
        "/admin/companies/new/",
        {
            "name": "Gamma Santé",
            "slug": "gamma",
            "domains": "gamma.example\nGamma-Sante.example",
            "currency": "EUR",
            "time_zone": "Europe/Paris",
            "fiscal_year_start_month": "1",
            "yearly_quota_days": "3.0",
            "hours_per_day": "7.00",
            "approval_required": "on",
            "hourly_valuation_cents": "6000",
            "brand_colour": "#1f5f8b",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    company = Company.objects.get(slug="gamma")
    assert sorted(company.domains.values_list("domain", flat=True)) == [
        "gamma-sante.example",
        "gamma.example",
    ]
    assert company.csr_group is not None
    assert company.mission_section.get_parent().pk == site_tree["missions"].pk


def test_platform_admin_edits_domains_but_not_to_another_company_s(admin_client, company_a):
    url = f"/admin/companies/edit/{company_a.pk}/"
    form = admin_client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "logo"}
    data["approval_required"] = "on"

    data["domains"] = "alpha.example\nalpha-group.example"
    assert admin_client.post(url, data).status_code == 302
    assert set(company_a.domains.values_list("domain", flat=True)) == {
        "alpha.example",
        "alpha-group.example",
    }

    CompanyDomain.objects.create(company=_other_company(), domain="taken.example")
    data["domains"] = "taken.example"
    assert admin_client.post(url, data).status_code == 200
    assert company_a.domains.filter(domain="alpha.example").exists()


def _other_company() -> Company:
    from tests.factories import CompanyFactory

    return CompanyFactory(name="Other", slug="other", domains=["other.example"])
