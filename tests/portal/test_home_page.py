"""The home page and the base layout: search box, causes, account links, language switch."""

from __future__ import annotations

import re

import pytest

from tests.factories import CauseFactory, make_mission

pytestmark = pytest.mark.django_db


def test_home_has_a_search_box_sending_to_the_mission_list(client, site_tree):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    form = re.search(r'<form class="hero__search" method="get" action="([^"]+)"', html)
    assert form and form.group(1) == site_tree["missions"].url
    assert 'name="q"' in html


def test_home_links_each_cause_to_the_filtered_list(client, site_tree):
    CauseFactory(name="Éducation", slug="education")
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="{site_tree["missions"].url}?cause=education"' in html
    assert "Éducation" in html


def test_home_shows_the_next_missions_soonest_first(client, site_tree):
    import datetime as dt

    from django.utils import timezone

    make_mission(title="Second", start=timezone.now() + dt.timedelta(days=9))
    make_mission(title="First", start=timezone.now() + dt.timedelta(days=2))
    make_mission(title="Past", start=timezone.now() - dt.timedelta(days=2))
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.index("First") < html.index("Second")
    assert ">Past<" not in html


def test_anonymous_layout_offers_sign_in_and_sign_up(client, site_tree):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/accounts/login/?next=/"' in html
    assert 'href="/accounts/signup/"' in html
    assert "Sign out" not in html


def test_signed_in_layout_shows_the_name_and_a_post_sign_out(client, employee_a):
    client.force_login(employee_a.user)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert employee_a.display_name in html
    assert employee_a.company.name in html
    assert re.search(r'<form[^>]*method="post" action="/accounts/logout/"', html)
    assert "Sign in" not in html


def test_layout_has_skip_link_landmarks_and_no_inline_styles_or_scripts(client, site_tree):
    make_mission(title="Any")
    for url in ["/", site_tree["missions"].url, site_tree["associations"].url]:
        html = client.get(url).content.decode()
        assert 'href="#main"' in html and 'id="main"' in html
        assert "<header" in html and "<main" in html and "<footer" in html
        assert " style=" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), f"inline script on {url}"


def test_accept_language_picks_the_interface_language(client, site_tree):
    assert "Skip to content" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Aller au contenu" in french
    assert '<html lang="fr">' in french


def test_language_switch_posts_to_set_language_and_sticks(client, site_tree):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'<form class="language-switch" action="/i18n/setlang/" method="post"', html)
    response = client.post(
        "/i18n/setlang/", {"language": "fr", "next": "/"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    french = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Missions à venir" in french
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Upcoming missions" in client.get("/").content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_home_and_association_index_run_a_constant_number_of_queries(
    client, site_tree, employee_a, django_assert_max_num_queries, count
):
    causes = [CauseFactory(), CauseFactory()]
    for _ in range(count):
        make_mission(causes=causes)
    client.force_login(employee_a.user)
    # Signed in, the home adds the employee's panels (portal/home.py): seven queries or so.
    with django_assert_max_num_queries(25):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(site_tree["associations"].url).status_code == 200


def test_favicon_ico_points_at_the_served_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
    assert client.get(response["Location"]).status_code == 200
