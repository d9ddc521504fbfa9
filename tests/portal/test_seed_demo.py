"""`manage.py seed_demo`: idempotent, complete demo accounts, a searchable catalogue."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from missions.models import AssociationPage, MissionPage, MissionSession
from portal.demo.people import (
    ADMIN_EMAIL,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    GROUP,
    SME,
    DemoScale,
    demo_accounts,
    plan_people,
)
from portal.models import Company, EmployeeProfile

SMALL = DemoScale.named("small")


def seed(scale: str = "small") -> str:
    out = StringIO()
    call_command("seed_demo", scale=scale, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every table of every installed app (sessions aside: sign-ins write them)."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.label != "sessions.Session" and not model._meta.proxy
    }


@pytest.fixture
def seeded(db):
    return seed()


def test_seed_demo_twice_changes_no_row_count(seeded):
    before = row_counts()
    seed()
    after = row_counts()
    changed = {
        label: (before[label], after[label]) for label in before if before[label] != after[label]
    }
    assert changed == {}


def test_seed_demo_small_scale_creates_the_planned_sizes(seeded):
    horizon = Company.objects.get(slug=GROUP.slug)
    lumen = Company.objects.get(slug=SME.slug)
    assert horizon.employees.count() == SMALL.group_employees
    assert lumen.employees.count() == SMALL.sme_employees
    assert AssociationPage.objects.live().count() == SMALL.associations
    assert MissionPage.objects.live().count() == SMALL.missions


def test_seed_demo_makes_private_missions_in_each_company_section(seeded):
    for slug in (GROUP.slug, SME.slug):
        company = Company.objects.get(slug=slug)
        private = MissionPage.objects.filter(company=company, visibility="company")
        assert private.exists()
        section = company.mission_section
        assert all(m.get_parent().pk == section.pk for m in private)
    assert MissionPage.objects.filter(company__isnull=True, visibility="all").exists()


def test_seed_demo_sessions_are_upcoming_and_some_past(seeded):
    now = timezone.now()
    for mission in MissionPage.objects.all():
        assert mission.sessions.filter(start__gte=now).exists(), mission.slug
    assert MissionSession.objects.filter(start__lt=now).exists()
    assert not MissionSession.objects.filter(start__gt=now + timezone.timedelta(days=100)).exists()


def test_every_demo_account_signs_in_with_the_shared_password(seeded):
    # One seeded database for all eight accounts: seeding is the slow part of these tests.
    for domain in (GROUP.domain, SME.domain):
        for role in ("employee", "manager", "csr", "executive"):
            email = f"{role}@{domain}"
            assert EmailAddress.objects.filter(email=email, verified=True, primary=True).exists()
            client = Client()
            response = sign_in_demo(client, email)
            assert response.status_code == 302, email
            user_id = EmployeeProfile.objects.get(user__email=email).user_id
            assert client.session["_auth_user_id"] == str(user_id)


def test_demo_account_refuses_a_wrong_password(seeded, client):
    response = client.post(
        reverse("account_login"), {"login": f"employee@{GROUP.domain}", "password": "wrong-pass"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_platform_admin_signs_in_as_superuser(seeded, client):
    response = sign_in_demo(client, ADMIN_EMAIL)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_demo_roles_are_real_roles(seeded):
    for spec in (GROUP, SME):
        manager = EmployeeProfile.objects.get(user__email=f"manager@{spec.domain}")
        employee = EmployeeProfile.objects.get(user__email=f"employee@{spec.domain}")
        csr = EmployeeProfile.objects.get(user__email=f"csr@{spec.domain}")
        executive = EmployeeProfile.objects.get(user__email=f"executive@{spec.domain}")
        assert employee.manager_id == manager.pk
        assert manager.is_manager and "manager" in manager.roles
        assert csr.is_csr_officer
        assert csr.user.groups.filter(pk=csr.company.csr_group_id).exists()
        assert executive.is_executive and executive.manager_id is None
        assert not employee.is_csr_officer and not employee.is_executive


def test_demo_csr_officer_reaches_the_wagtail_admin(seeded, client):
    sign_in_demo(client, f"csr@{GROUP.domain}")
    assert client.get("/admin/").status_code == 200


def test_privileged_demo_accounts_need_the_demo_second_factor(seeded, client):
    response = client.post(
        reverse("account_login"), {"login": f"payroll@{GROUP.domain}", "password": DEMO_PASSWORD}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    employee = Client()
    assert sign_in_demo(employee, f"employee@{GROUP.domain}")["Location"] == "/"


def sign_in_demo(client, email: str):
    """The demo password, then the demo TOTP code when the account asks for it."""
    response = client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
    if response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/":
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))
        response = client.post("/accounts/2fa/authenticate/", {"code": code})
    return response


def test_printed_accounts_list_every_role_and_the_password(db):
    output = seed()
    assert DEMO_PASSWORD in output
    assert DEMO_TOTP_SECRET in output and "demo_totp_code" in output
    for account in demo_accounts():
        assert account.email in output
    companies = [a for a in demo_accounts() if a.role != "Association admin"]
    assert len(companies) == 11
    associations = [a for a in demo_accounts() if a.role == "Association admin"]
    assert 1 <= len(associations) <= 5 and "contact@<association slug>.example" in output
    payroll = EmployeeProfile.objects.get(user__email="payroll@horizon.example")
    assert payroll.roles == ["employee", "payroll_officer"]


def test_missions_are_searchable_by_their_skills_and_association(seeded):
    mission = next(m for m in MissionPage.objects.live() if m.skills.exists())
    skill = mission.skills.first().name
    assert mission.pk in {m.pk for m in MissionPage.objects.live().search(skill)}
    association = mission.association.title
    assert mission.pk in {m.pk for m in MissionPage.objects.live().search(association)}


def test_seed_demo_refuses_to_run_in_production(db, settings):
    settings.DEBUG = False
    settings.TESTING = False
    with pytest.raises(CommandError):
        call_command("seed_demo", scale="small", stdout=StringIO())
    assert not Company.objects.exists()


def test_full_plan_is_deterministic_with_one_account_per_role():
    first = plan_people(GROUP, headcount=GROUP_SIZE)
    again = plan_people(GROUP, headcount=GROUP_SIZE)
    assert [p.email for p in first] == [p.email for p in again]
    assert len(first) == GROUP_SIZE
    assert len({p.email for p in first}) == GROUP_SIZE
    roles = sorted(p.demo_role for p in first if p.demo_role)
    assert roles == ["csr_officer", "employee", "executive", "manager", "payroll_officer"]


def test_full_plan_places_managers_above_their_reports():
    people = plan_people(GROUP, headcount=GROUP_SIZE)
    level = {p.email: p.level for p in people}
    for person in people:
        if person.manager:
            assert level[person.manager] < person.level
    sites = {p.site for p in people}
    assert len(sites) == len(GROUP.sites)
    assert len({p.manager for p in people if p.manager}) > 100  # a real hierarchy


GROUP_SIZE = DemoScale().group_employees


def test_demo_association_admin_signs_in_to_the_workspace(seeded):
    from missions.models import AssociationMembership

    membership = AssociationMembership.objects.select_related("user").order_by("pk").first()
    assert membership is not None and membership.role == "admin"
    assert membership.user.email.startswith("contact@")
    client = Client()
    response = sign_in_demo(client, membership.user.email)
    assert response["Location"] == "/association/"
    assert client.get("/association/", follow=True).status_code == 200


def test_demo_csr_officer_has_a_home_with_things_to_do_and_a_message_log(seeded, client):
    from missions.models import SessionMessage

    sign_in_demo(client, f"csr@{GROUP.domain}")
    response = client.get(reverse("csr:home"))
    assert response.status_code == 200
    assert response.context["todo"], "the demo CSR home has something to do"
    assert SessionMessage.objects.filter(company__slug="horizon").exists()
