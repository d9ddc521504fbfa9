"""The signed-in employee's home: next sessions, hours, gifts and matches, open campaigns and
missions that fit, in a bounded number of queries; signed out, the public home."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from donations.services.campaigns import CampaignTerms, create_campaign, launch_campaign
from donations.services.matching import match_donation
from missions.models import EmployeeSkill, Enrolment, EnrolmentStatus
from portal.calendar import company_today
from tests.donations.helpers import card_donation, this_year_policy
from tests.factories import CauseFactory, SkillFactory, make_association, make_mission


@pytest.fixture
def world(company_a, employee_a, csr_a):
    nature = CauseFactory(name="Nature", slug="nature")
    food = CauseFactory(name="Food", slug="food")
    python = SkillFactory(name="Python", slug="python")
    forest = make_association(title="Forêts Vives", causes=[nature], tax_receipt_eligible=True)
    pantry = make_association(title="Les Restos", causes=[food])
    booked = make_mission(company=company_a, association=pantry, title="Booked mission")
    Enrolment.objects.create(
        employee=employee_a, session=booked.sessions.get(), status=EnrolmentStatus.CONFIRMED
    )
    make_mission(company=company_a, association=pantry, title="Code club", skills=[python])
    make_mission(company=company_a, association=forest, title="Plant trees", causes=[nature])
    make_mission(company=company_a, association=pantry, title="Unrelated")
    EmployeeSkill.objects.create(employee=employee_a, skill=python)
    this_year_policy(company_a)
    match_donation(card_donation(employee_a, forest, 4000, when=timezone.now()))
    today = company_today(company_a)
    campaign = create_campaign(
        company=company_a,
        terms=CampaignTerms(
            kind="giving",
            title="Christmas collection",
            description="",
            starts_on=today,
            ends_on=today + dt.timedelta(days=20),
            association_ids=frozenset({pantry.pk}),
            goal_cents=100_000,
            match_budget_cents=10_000,
            employee_cap_cents=5_000,
        ),
    )
    launch_campaign(campaign=campaign)
    return {"campaign": campaign}


@pytest.mark.django_db
def test_signed_in_home_shows_my_panels(client, employee_a, world, django_assert_max_num_queries):
    client.force_login(employee_a.user)
    with translation.override("en"), django_assert_max_num_queries(60):
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    keys = [panel.key for panel in response.context["home_panels"]]
    assert keys == ["next_sessions", "hours", "giving", "campaigns", "suggestions"]
    html = response.content.decode()
    assert "Booked mission" in html and "Christmas collection" in html
    suggestions = response.context["home_panels"][-1].context["suggestions"]
    titles = [s.mission.title for s, _ in suggestions]
    # Python weighs 2, a cause given to 1; the booked and unrelated missions are not suggested.
    assert titles == ["Code club", "Plant trees"]
    assert suggestions[0][1] == "Because you know Python."
    assert suggestions[1][1] == "Because you gave to Forêts Vives."
    giving = response.context["home_panels"][2].context["summary"]
    assert (giving.given_cents, giving.matched_cents) == (4000, 4000)


@pytest.mark.django_db
def test_home_queries_do_not_grow_with_the_catalogue(
    client, company_a, employee_a, world, django_assert_max_num_queries
):
    client.force_login(employee_a.user)
    client.get("/")
    python = EmployeeSkill.objects.get().skill
    for n in range(8):
        make_mission(company=company_a, title=f"More {n}", skills=[python])
    with django_assert_max_num_queries(60) as captured:
        client.get("/")
    first = len(captured.captured_queries)
    for n in range(8):
        make_mission(company=company_a, title=f"Even more {n}", skills=[python])
    with django_assert_max_num_queries(first):
        client.get("/")


@pytest.mark.django_db
def test_hours_panel_counts_attended_hours_and_the_quota(client, employee_a, world):
    mission = make_mission(
        company=employee_a.company, start=timezone.now() - dt.timedelta(days=1), title="Done"
    )
    Enrolment.objects.create(
        employee=employee_a,
        session=mission.sessions.get(),
        status=EnrolmentStatus.ATTENDED,
        hours=Decimal("3.5"),
    )
    client.force_login(employee_a.user)
    panel = client.get("/").context["home_panels"][1]
    assert panel.context["hours"] == Decimal("3.5")


@pytest.mark.django_db
def test_signed_out_home_is_the_public_one(client, world):
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["home_panels"] is None
    assert "Christmas collection" not in response.content.decode()


@pytest.mark.django_db
def test_another_company_sees_none_of_my_panels(client, employee_b, world):
    client.force_login(employee_b.user)
    html = client.get("/").content.decode()
    assert "Christmas collection" not in html and "Booked mission" not in html
    assert "Code club" not in html  # company A's private mission


@pytest.mark.django_db
def test_skills_page_saves_my_skills(client, employee_a, world):
    from django.urls import reverse

    client.force_login(employee_a.user)
    url = reverse("missions:my_skills")
    assert client.get(url).status_code == 200
    other = SkillFactory(name="Design", slug="design")
    assert client.post(url, {"skills": [str(other.pk)]}).status_code == 302
    assert list(EmployeeSkill.objects.values_list("skill__name", flat=True)) == ["Design"]
    assert client.post(url, {"skills": ["999999"]}).status_code == 200  # an unknown id: refused
