"""Fixes of issue 14, item 9, on the catalogue side: share links, English names of causes."""

from __future__ import annotations

import pytest

from tests.factories import make_employee, make_mission

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_private_mission_page_has_no_share_buttons(english, company_a):
    mission = make_mission(company=company_a, title="Atelier privé")
    english.force_login(make_employee(company_a).user)
    html = english.get(mission.url).content.decode()
    assert "Atelier privé" in html
    assert "share-heading" not in html
    assert "linkedin.com/sharing" not in html


def test_open_mission_page_keeps_its_share_buttons(english, company_a):
    mission = make_mission(company=company_a, title="Atelier ouvert", visibility="all")
    english.force_login(make_employee(company_a).user)
    html = english.get(mission.url).content.decode()
    assert "share-heading" in html
    assert "linkedin.com/sharing" in html


def test_causes_and_skills_read_in_the_visitor_language(client, company_a):
    from tests.factories import CauseFactory, SkillFactory

    cause = CauseFactory(name="Aide alimentaire", name_en="Food aid", slug="food-aid")
    skill = SkillFactory(name="Cuisine", name_en="Cooking", slug="cuisine")
    mission = make_mission(
        company=company_a, title="Repas solidaire", causes=[cause], skills=[skill]
    )
    client.force_login(make_employee(company_a).user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = client.get(mission.url).content.decode()
    assert "Food aid" in html and "Cooking" in html
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    html = client.get(mission.url).content.decode()
    assert "Aide alimentaire" in html and "Cuisine" in html
    assert "Food aid" not in html


def test_a_cause_without_english_name_falls_back_to_french():
    from django.utils import translation

    from tests.factories import CauseFactory

    cause = CauseFactory(name="Handicap", slug="handicap")
    with translation.override("en"):
        assert str(cause) == "Handicap"


def test_sdgs_are_named_in_the_reader_language():
    from django.utils import translation

    from missions.models import SustainableDevelopmentGoal

    goal = SustainableDevelopmentGoal.objects.get(number=1)
    with translation.override("fr"):
        assert str(goal) == "ODD 1 · Pas de pauvreté"
    with translation.override("en"):
        assert str(goal) == "SDG 1 · No poverty"


def test_quota_refusal_writes_decimals_the_french_way():
    from decimal import Decimal

    from django.utils import translation

    from missions.exceptions import QuotaExceeded

    amounts = {
        "hours_left": Decimal("2.50"),
        "days_left": Decimal("0.4"),
        "hours_needed": Decimal("7.00"),
    }
    with translation.override("fr"):
        message = QuotaExceeded(**amounts).message
    assert "7,00" in message and "2,50" in message and "0,4" in message
    assert "7.00" not in message
    with translation.override("en"):
        assert "7.00" in QuotaExceeded(**amounts).message
