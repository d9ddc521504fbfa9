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
