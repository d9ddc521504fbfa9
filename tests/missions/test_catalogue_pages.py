"""Mission and association pages: content, seats, share links, Open Graph, index."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest

from missions.models import Enrolment, EnrolmentStatus, SustainableDevelopmentGoal
from tests.factories import (
    CauseFactory,
    SkillFactory,
    make_association,
    make_employee,
    make_mission,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def meta(html: str, key: str) -> str | None:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    return unescape(match.group(1)) if match else None


def test_mission_page_has_open_graph_and_twitter_meta(english, site_tree):
    mission = make_mission(title="Repair café", summary="Fix things together", visibility="all")
    html = english.get(mission.url).content.decode()
    share_url = f"http://testserver{mission.url}"
    assert meta(html, "og:title") == "Repair café"
    assert meta(html, "og:description") == "Fix things together"
    assert meta(html, "og:url") == share_url
    assert meta(html, "og:type") == "website"
    assert meta(html, "twitter:card") == "summary"


def test_mission_page_share_links_carry_the_encoded_url(english, site_tree):
    mission = make_mission(title="Repair café", visibility="all")
    html = unescape(english.get(mission.url).content.decode())
    encoded = quote(f"http://testserver{mission.url}", safe="")
    assert f"https://www.linkedin.com/sharing/share-offsite/?url={encoded}" in html
    assert f"https://twitter.com/intent/tweet?url={encoded}&text=Repair%20caf%C3%A9" in html
    assert f"https://www.facebook.com/sharer/sharer.php?u={encoded}" in html
    assert f"mailto:?subject=Repair%20caf%C3%A9&body={encoded}" in html


def test_mission_page_shows_sessions_with_seats_left_skills_causes_and_place(
    english, site_tree, company_a
):
    skill = SkillFactory(name="Menuiserie", slug="menuiserie")
    cause = CauseFactory(name="Économie circulaire", slug="economie-circulaire")
    mission = make_mission(
        visibility="all",
        sessions=2,
        seats=4,
        skills=[skill],
        causes=[cause],
        address="12 rue des Lilas",
        postcode="69003",
        city="Lyon",
    )
    first = mission.sessions.order_by("start").first()
    for _ in range(3):
        Enrolment.objects.create(
            employee=make_employee(company_a), session=first, status=EnrolmentStatus.CONFIRMED
        )
    response = english.get(mission.url)
    html = unescape(response.content.decode())
    assert "1 seat left of 4" in html
    assert "4 seats left of 4" in html
    assert "Menuiserie" in html and "Économie circulaire" in html
    assert "12 rue des Lilas" in html and "69003 Lyon" in html
    assert mission.association.title in html
    assert f'href="{mission.association.url}"' in html


def test_mission_page_says_remote_and_full(english, site_tree, company_a):
    mission = make_mission(visibility="all", seats=1, is_remote=True, city="")
    Enrolment.objects.create(
        employee=make_employee(company_a),
        session=mission.sessions.get(),
        status=EnrolmentStatus.CONFIRMED,
    )
    html = english.get(mission.url).content.decode()
    assert "Remote" in html
    assert "Full" in html


def test_mission_page_without_future_session_says_so(english, site_tree):
    import datetime as dt

    from django.utils import timezone

    mission = make_mission(visibility="all", start=timezone.now() - dt.timedelta(days=3))
    assert "No session is planned yet." in english.get(mission.url).content.decode()


def test_association_index_lists_vetted_associations_with_their_causes(english, site_tree):
    cause = CauseFactory(name="Santé", slug="sante")
    make_association(title="Approved one", causes=[cause])
    make_association(title="Pending one", vetting_status="pending")
    response = english.get(site_tree["associations"].url)
    html = response.content.decode()
    assert "Approved one" in html and "Santé" in html
    assert "Pending one" not in html


def test_association_page_shows_causes_and_the_sdgs_they_serve(english, site_tree):
    cause = CauseFactory(name="Climat", slug="climat")
    cause.sdgs.set(SustainableDevelopmentGoal.objects.filter(number__in=[13, 15]))
    cause.save()
    association = make_association(title="Les Jardiniers", causes=[cause])
    make_mission(title="Plant trees", association=association, visibility="all")
    html = unescape(english.get(association.url).content.decode())
    assert "Climat" in html
    assert "Plant trees" in html
    for number in (13, 15):
        sdg = SustainableDevelopmentGoal.objects.get(number=number)
        assert sdg.name in html
    assert "UN Sustainable Development Goals" in html


def test_private_mission_page_asks_crawlers_not_to_index_it(client, employee_a, company_a):
    private = make_mission(company=company_a)
    open_one = make_mission(company=company_a, visibility="all")
    client.force_login(employee_a.user)
    assert meta(client.get(private.url).content.decode(), "robots") == "noindex"
    assert meta(client.get(open_one.url).content.decode(), "robots") is None
