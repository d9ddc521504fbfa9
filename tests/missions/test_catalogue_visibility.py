"""A private mission is seen by its company only: URL, list, search, home, feed, sitemap."""

from __future__ import annotations

import pytest

from tests.factories import make_mission

pytestmark = pytest.mark.django_db


@pytest.fixture
def missions(company_a):
    return {
        "private_a": make_mission(title="Secret Alpha gardening", company=company_a),
        "open_a": make_mission(title="Open Alpha gardening", company=company_a, visibility="all"),
        "platform": make_mission(title="Platform gardening"),
    }


def listed_titles(client, url, **params) -> set[str]:
    response = client.get(url, params)
    assert response.status_code == 200
    return {mission.title for mission in response.context["missions"]}


def test_private_mission_url_is_404_to_another_company_and_anonymous(
    client, missions, employee_a, employee_b
):
    url = missions["private_a"].url
    assert client.get(url).status_code == 404
    client.force_login(employee_b.user)
    assert client.get(url).status_code == 404
    client.force_login(employee_a.user)
    assert client.get(url).status_code == 200


def test_list_and_search_hide_another_companys_private_mission(
    client, site_tree, missions, employee_a, employee_b
):
    list_url = site_tree["missions"].url
    everyone = {"Open Alpha gardening", "Platform gardening"}
    client.force_login(employee_b.user)
    assert listed_titles(client, list_url) == everyone
    assert listed_titles(client, list_url, q="gardening") == everyone
    assert listed_titles(client, list_url, q="secret") == set()
    assert listed_titles(client, list_url, q="secret", sort="date") == set()
    client.force_login(employee_a.user)
    assert listed_titles(client, list_url) == everyone | {"Secret Alpha gardening"}
    assert listed_titles(client, list_url, q="secret") == {"Secret Alpha gardening"}


def test_anonymous_list_shows_only_open_missions(client, site_tree, missions):
    list_url = site_tree["missions"].url
    assert listed_titles(client, list_url) == {"Open Alpha gardening", "Platform gardening"}
    assert listed_titles(client, list_url, q="secret") == set()


def test_home_page_shows_upcoming_missions_the_visitor_may_see(
    client, missions, employee_a, employee_b
):
    client.force_login(employee_b.user)
    html = client.get("/").content.decode()
    assert "Open Alpha gardening" in html and "Platform gardening" in html
    assert "Secret Alpha gardening" not in html
    client.force_login(employee_a.user)
    assert "Secret Alpha gardening" in client.get("/").content.decode()


def test_feed_lists_only_what_the_reader_may_see(client, missions, employee_a, employee_b):
    anonymous = client.get("/feeds/missions/").content.decode()
    assert "Platform gardening" in anonymous and "Open Alpha gardening" in anonymous
    assert "Secret Alpha gardening" not in anonymous
    client.force_login(employee_b.user)
    assert "Secret Alpha gardening" not in client.get("/feeds/missions/").content.decode()
    client.force_login(employee_a.user)
    assert "Secret Alpha gardening" in client.get("/feeds/missions/").content.decode()


def test_sitemap_lists_open_missions_but_no_private_one_nor_company_sections(
    client, missions, employee_a, company_a
):
    client.force_login(employee_a.user)  # even a member of the company: crawlers see the same
    xml = client.get("/sitemap.xml").content.decode()
    assert missions["platform"].url_path.split("/")[-2] in xml
    assert missions["open_a"].url in xml or missions["open_a"].slug in xml
    assert missions["private_a"].slug not in xml
    assert f"/missions/{company_a.slug}/<" not in xml


def test_association_page_lists_only_visible_missions(client, missions, employee_a, employee_b):
    association = missions["private_a"].association
    make_mission(title="Open sibling", association=association)
    client.force_login(employee_b.user)
    response = client.get(association.url)
    titles = {mission.title for mission in response.context["missions"]}
    assert titles == {"Open sibling"}
    client.force_login(employee_a.user)
    response = client.get(association.url)
    titles = {mission.title for mission in response.context["missions"]}
    assert titles == {"Open sibling", "Secret Alpha gardening"}


def test_feed_items_tell_association_place_and_link_to_the_mission(client, site_tree):
    mission = make_mission(title="Maraude", city="Rennes")
    xml = client.get("/feeds/missions/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"<link>http://testserver{mission.url}</link>" in xml
    assert mission.association.title in xml and "Rennes" in xml


def test_anonymous_list_invites_to_sign_in_for_company_missions(client, site_tree, employee_a):
    list_url = site_tree["missions"].url
    html = client.get(list_url, {"kind": "skills"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="/accounts/login/?next={list_url}%3Fkind%3Dskills"' in html
    client.force_login(employee_a.user)
    html = client.get(list_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "missions your company reserves" not in html
