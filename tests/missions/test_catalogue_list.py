"""The mission list: each filter, combined filters, search, sort, pagination, query count."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.utils import timezone

from missions.models import Enrolment, EnrolmentStatus, MissionKind
from tests.factories import CauseFactory, SkillFactory, make_employee, make_mission

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [mission.title for mission in response.context["missions"]]


@pytest.fixture
def list_url(site_tree):
    return site_tree["missions"].url


def days(n: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=n)


def test_anonymous_list_shows_open_missions_soonest_first(client, list_url, company_a):
    make_mission(title="Later", visibility="all", start=days(20))
    make_mission(title="Sooner", visibility="all", start=days(3))
    make_mission(title="Alpha only", company=company_a)
    assert titles(client.get(list_url)) == ["Sooner", "Later"]


def test_cause_filter_keeps_only_missions_of_that_cause(client, list_url):
    climate = CauseFactory(name="Climat", slug="climat")
    other = CauseFactory(name="Culture", slug="culture")
    make_mission(title="Planting", visibility="all", causes=[climate])
    make_mission(title="Museum", visibility="all", causes=[other])
    make_mission(title="Nothing", visibility="all")
    assert titles(client.get(list_url, {"cause": "climat"})) == ["Planting"]


def test_skill_filter_keeps_only_missions_wanting_that_skill(client, list_url):
    python = SkillFactory(name="Python", slug="python")
    accounting = SkillFactory(name="Comptabilité", slug="comptabilite")
    make_mission(title="Website", visibility="all", skills=[python, accounting])
    make_mission(title="Books", visibility="all", skills=[accounting])
    assert titles(client.get(list_url, {"skill": "python"})) == ["Website"]
    assert sorted(titles(client.get(list_url, {"skill": "comptabilite"}))) == ["Books", "Website"]


def test_kind_filter(client, list_url):
    make_mission(title="Day", visibility="all", kind=MissionKind.CITIZEN_DAY)
    make_mission(title="Skills", visibility="all", kind=MissionKind.SKILLS_SPONSORSHIP)
    assert titles(client.get(list_url, {"kind": "skills"})) == ["Skills"]


def test_date_range_keeps_missions_with_a_session_starting_in_it(client, list_url):
    make_mission(title="Weekly", visibility="all", sessions=3, start=days(2))  # +2, +9, +16
    make_mission(title="Next month", visibility="all", start=days(40))
    make_mission(title="Tomorrow", visibility="all", start=days(1))
    date_from = (timezone.localdate() + dt.timedelta(days=8)).isoformat()
    date_to = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    response = client.get(list_url, {"date_from": date_from, "date_to": date_to})
    assert titles(response) == ["Weekly"]
    # The card shows the session in the range, not the mission's very next one.
    card = response.context["missions"][0]
    assert date_from <= timezone.localdate(card.next_start).isoformat() <= date_to


def test_open_ended_date_range(client, list_url):
    make_mission(title="Soon", visibility="all", start=days(2))
    make_mission(title="Far", visibility="all", start=days(60))
    date_from = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    assert titles(client.get(list_url, {"date_from": date_from})) == ["Far"]
    assert titles(client.get(list_url, {"date_to": date_from})) == ["Soon"]


def test_past_sessions_do_not_match_a_date_range(client, list_url):
    make_mission(title="Past", visibility="all", start=days(-3))
    date_from = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    assert titles(client.get(list_url, {"date_from": date_from})) == []


def test_reversed_date_range_shows_an_error_and_ignores_the_end(client, list_url):
    make_mission(title="Soon", visibility="all", start=days(2))
    date_from = timezone.localdate().isoformat()
    date_to = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    response = client.get(list_url, {"date_from": date_from, "date_to": date_to})
    assert titles(response) == ["Soon"]
    assert "date_to" in response.context["form"].errors


def test_city_and_remote_filters(client, list_url):
    make_mission(title="In Lyon", visibility="all", city="Lyon")
    make_mission(title="In Paris", visibility="all", city="Paris")
    make_mission(title="Online", visibility="all", city="", is_remote=True)
    assert titles(client.get(list_url, {"where": "Paris"})) == ["In Paris"]
    assert titles(client.get(list_url, {"where": "remote"})) == ["Online"]


def test_seats_left_filter_drops_missions_whose_upcoming_sessions_are_full(
    client, list_url, company_a
):
    full = make_mission(title="Full", visibility="all", seats=1)
    make_mission(title="Free", visibility="all", seats=1)
    employee = make_employee(company_a)
    Enrolment.objects.create(
        employee=employee, session=full.sessions.get(), status=EnrolmentStatus.CONFIRMED
    )
    assert sorted(titles(client.get(list_url))) == ["Free", "Full"]
    assert titles(client.get(list_url, {"seats": "on"})) == ["Free"]


def test_seats_left_counts_only_seat_holding_enrolments(client, list_url, company_a):
    mission = make_mission(title="Waitlist only", visibility="all", seats=1)
    Enrolment.objects.create(
        employee=make_employee(company_a),
        session=mission.sessions.get(),
        status=EnrolmentStatus.CANCELLED,
    )
    response = client.get(list_url, {"seats": "on"})
    assert titles(response) == ["Waitlist only"]
    assert response.context["missions"][0].next_seats_left == 1


def test_combined_filters_all_apply(client, list_url):
    climate = CauseFactory(name="Climat", slug="climat")
    make_mission(
        title="Match", visibility="all", causes=[climate], kind="volunteering", city="Nantes"
    )
    make_mission(
        title="Wrong city", visibility="all", causes=[climate], kind="volunteering", city="Lyon"
    )
    make_mission(title="Wrong kind", visibility="all", causes=[climate], city="Nantes")
    make_mission(title="No cause", visibility="all", kind="volunteering", city="Nantes")
    response = client.get(list_url, {"cause": "climat", "kind": "volunteering", "where": "Nantes"})
    assert titles(response) == ["Match"]


def test_search_finds_missions_by_their_text(client, list_url):
    make_mission(title="Jardin partagé", summary="Planter des légumes", visibility="all")
    make_mission(title="Atelier code", summary="Apprendre Python", visibility="all")
    assert titles(client.get(list_url, {"q": "jardin"})) == ["Jardin partagé"]
    assert titles(client.get(list_url, {"q": "python"})) == ["Atelier code"]


def test_search_and_filters_combine(client, list_url):
    make_mission(title="Jardin à Lyon", visibility="all", city="Lyon")
    make_mission(title="Jardin à Paris", visibility="all", city="Paris")
    make_mission(title="Cuisine à Paris", visibility="all", city="Paris")
    assert titles(client.get(list_url, {"q": "jardin", "where": "Paris"})) == ["Jardin à Paris"]


def test_search_sorted_by_date_on_request(client, list_url):
    make_mission(title="Jardin tardif", visibility="all", start=days(30))
    make_mission(title="Jardin proche", visibility="all", start=days(2))
    make_mission(title="Jardin moyen", visibility="all", start=days(10))
    response = client.get(list_url, {"q": "jardin", "sort": "date"})
    assert titles(response) == ["Jardin proche", "Jardin moyen", "Jardin tardif"]


def test_search_ranks_by_relevance_by_default(client, list_url):
    make_mission(
        title="Jardin jardin",
        summary="Jardin, jardinage et jardin",
        visibility="all",
        start=days(30),
    )
    make_mission(title="Atelier", summary="Un peu de jardin", visibility="all", start=days(2))
    response = client.get(list_url, {"q": "jardin"})
    assert response.context["filters"].orders_by_relevance
    assert titles(response)[0] == "Jardin jardin"


def test_unknown_filter_values_are_ignored_not_an_error(client, list_url):
    make_mission(title="Any", visibility="all")
    response = client.get(
        list_url, {"cause": "nope", "kind": "nope", "date_from": "yesterday", "page": "x"}
    )
    assert titles(response) == ["Any"]


def test_cards_show_association_kind_place_and_seats(client, list_url, company_a):
    mission = make_mission(
        title="Card", visibility="all", seats=3, kind=MissionKind.VOLUNTEERING, city="Grenoble"
    )
    Enrolment.objects.create(
        employee=make_employee(company_a),
        session=mission.sessions.get(),
        status=EnrolmentStatus.CONFIRMED,
    )
    make_mission(title="Remote card", visibility="all", is_remote=True, city="")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = unescape(client.get(list_url).content.decode())
    assert mission.association.title in html
    assert "Volunteering" in html
    assert "Grenoble" in html
    assert "2 seats left" in html
    assert "Remote" in html


def test_pagination_keeps_the_filters(client, list_url):
    for i in range(14):
        make_mission(title=f"Skills {i:02d}", visibility="all", kind="skills", start=days(i + 1))
    make_mission(title="Other", visibility="all", kind="volunteering")
    response = client.get(list_url, {"kind": "skills"})
    assert len(titles(response)) == 12
    html = response.content.decode()
    next_links = re.findall(r'href="(\?[^"]*)" rel="next"', html)
    assert next_links, "no link to the next page"
    next_query = unescape(next_links[0])
    assert "kind=skills" in next_query and "page=2" in next_query
    second = client.get(list_url + next_query)
    assert titles(second) == ["Skills 12", "Skills 13"]


@pytest.mark.parametrize("count", [5, 100])
def test_list_runs_a_constant_number_of_queries(
    client, list_url, employee_a, company_a, django_assert_max_num_queries, count
):
    causes = [CauseFactory(), CauseFactory()]
    skills = [SkillFactory()]
    for i in range(count):
        mission = make_mission(
            company=company_a if i % 2 else None,
            visibility="company" if i % 2 else "all",
            sessions=2,
            causes=causes,
            skills=skills,
            title=f"Jardin {i}",
        )
        Enrolment.objects.create(
            employee=employee_a, session=mission.sessions.first(), status="confirmed"
        )
    client.force_login(employee_a.user)
    # Eight pages of cards at 100 missions, one at 5: the bound is the same. About 10 of these
    # queries are Wagtail's routing, the session and the layout; the list itself takes ~6.
    with django_assert_max_num_queries(20):
        response = client.get(list_url, {"page": "1"})
    assert len(response.context["missions"]) == min(count, 12)
    with django_assert_max_num_queries(21):
        response = client.get(list_url, {"q": "jardin", "cause": causes[0].slug, "seats": "on"})
    assert response.context["paginator"].count == count


def test_search_falls_back_to_word_beginnings_when_whole_words_find_nothing(client, list_url):
    make_mission(title="Simulations d'entretiens d'embauche", visibility="all")
    make_mission(title="Atelier cuisine", visibility="all")
    assert titles(client.get(list_url, {"q": "entretien"})) == [
        "Simulations d'entretiens d'embauche"
    ]
    assert titles(client.get(list_url, {"q": "zzzz"})) == []


def test_cause_choices_sort_accented_names_among_their_letter(client, list_url):
    names = {"zoologie": "Zoologie", "education": "Éducation", "culture": "Culture"}
    for slug, name in names.items():
        CauseFactory(name=name, slug=slug)
    html = client.get(list_url).content.decode()
    positions = [html.index(f'value="{slug}"') for slug in ("culture", "education", "zoologie")]
    assert positions == sorted(positions)
    assert titles(client.get(list_url, {"cause": "education"})) == []


def test_each_active_filter_has_a_link_removing_only_it(client, list_url):
    CauseFactory(name="Climat", slug="climat")
    response = client.get(
        list_url, {"cause": "climat", "kind": "skills", "page": "1"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    chips = response.context["active_filters"]
    assert [chip["label"] for chip in chips] == ["Cause: Climat", "Skills sponsorship"]
    html = unescape(response.content.decode())
    assert f'href="{list_url}?kind=skills"' in html  # removes the cause (and the page)
    assert f'href="{list_url}?cause=climat"' in html  # removes the kind
