"""The mission list's queries do not grow with the catalogue, and its cached order stays exact:
per company, refreshed by any change to missions or sessions and when the first session starts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from missions.models import Enrolment, MissionKind, MissionSession
from missions.services.sessions import cancel_session
from tests.factories import CauseFactory, make_mission

pytestmark = pytest.mark.django_db

URLS = [
    {},
    {"page": "2"},
    {"kind": MissionKind.CITIZEN_DAY, "where": "Lyon", "seats": "on"},
    {"q": "jardin"},
    {"q": "jardin", "kind": MissionKind.CITIZEN_DAY, "seats": "on"},
]


@pytest.fixture
def list_url(site_tree):
    return site_tree["missions"].url


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [mission.title for mission in response.context["missions"]]


def _catalogue(count: int, *, company, employee, start: int = 0) -> None:
    cause = CauseFactory()
    for i in range(start, start + count):
        mission = make_mission(
            company=company if i % 2 else None,
            visibility="company" if i % 2 else "all",
            sessions=2,
            causes=[cause],
            title=f"Jardin {i:03d}",
            slug=f"jardin-{i}",
            start=timezone.now() + dt.timedelta(days=1 + i),
        )
        Enrolment.objects.create(
            employee=employee, session=mission.sessions.first(), status="confirmed"
        )


def _queries(client, url, params) -> int:
    client.get(url, params)  # warm: the cached facts a first visit fills
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_the_number_of_missions(client, list_url, company_a, employee_a):
    client.force_login(employee_a.user)
    _catalogue(14, company=company_a, employee=employee_a)
    small = [_queries(client, list_url, params) for params in URLS]
    _catalogue(40, company=company_a, employee=employee_a, start=14)
    large = [_queries(client, list_url, params) for params in URLS]
    assert small == large
    # The unfiltered list reads its order from the cache: no scan of the catalogue, only the
    # cards of the page (and their sessions).
    with CaptureQueriesContext(connection) as queries:
        client.get(list_url)
    reads = [
        q["sql"] for q in queries.captured_queries if 'FROM "missions_missionpage"' in q["sql"]
    ]
    assert len(reads) == 1 and '"page_ptr_id" IN (' in reads[0]  # the cards of the page only
    assert large[0] < large[2]  # a filtered list orders in SQL instead


def test_cached_order_is_per_company(
    client, list_url, company_a, company_b, employee_a, employee_b
):
    mine = make_mission(company=company_a, title="Private of A")
    theirs = make_mission(company=company_b, title="Private of B")
    make_mission(title="Open to all", visibility="all")
    client.force_login(employee_a.user)
    assert set(titles(client.get(list_url))) == {"Private of A", "Open to all"}
    assert set(titles(client.get(list_url))) == {"Private of A", "Open to all"}  # from the cache
    client.force_login(employee_b.user)
    assert set(titles(client.get(list_url))) == {"Private of B", "Open to all"}
    client.logout()
    assert titles(client.get(list_url)) == ["Open to all"]
    assert mine.pk != theirs.pk


def test_a_new_or_unpublished_mission_shows_at_once(client, list_url, employee_a):
    client.force_login(employee_a.user)
    first = make_mission(title="First", visibility="all")
    assert titles(client.get(list_url)) == ["First"]
    make_mission(title="Second", visibility="all")
    assert titles(client.get(list_url)) == ["First", "Second"]
    first.unpublish()
    assert titles(client.get(list_url)) == ["Second"]


def test_session_changes_reorder_the_cached_list(client, list_url, company_a, employee_a, csr_a):
    client.force_login(employee_a.user)
    soon = make_mission(title="Soon", visibility="all", start=timezone.now() + dt.timedelta(days=2))
    later = make_mission(
        title="Later", company=company_a, start=timezone.now() + dt.timedelta(days=5)
    )
    assert titles(client.get(list_url)) == ["Soon", "Later"]
    # A session added to "Later" before the other's.
    begin = timezone.now() + dt.timedelta(days=1)
    MissionSession.objects.create(
        mission=later, start=begin, end=begin + dt.timedelta(hours=3), seats=5
    )
    assert titles(client.get(list_url)) == ["Later", "Soon"]
    # Cancelled, it no longer counts.
    session = later.sessions.get(start=begin)
    cancel_session(officer=csr_a, session_id=session.pk, reason="Rain")
    assert titles(client.get(list_url)) == ["Soon", "Later"]
    assert soon.pk != later.pk


def test_the_cached_order_follows_the_clock(client, list_url, employee_a, clock):
    client.force_login(employee_a.user)
    now = timezone.now()
    # Minutes apart: well within the cache's own timeout, so only the order's clock refreshes it.
    a = make_mission(title="A", visibility="all", start=now + dt.timedelta(minutes=10), sessions=1)
    make_mission(title="B", visibility="all", start=now + dt.timedelta(minutes=30), sessions=1)
    begin = now + dt.timedelta(days=3)
    MissionSession.objects.create(mission=a, start=begin, end=begin + dt.timedelta(hours=2))
    assert titles(client.get(list_url)) == ["A", "B"]
    # A's first session starts: its next one is in three days, after B's.
    clock.shift(dt.timedelta(minutes=15))
    response = client.get(list_url)
    assert titles(response) == ["B", "A"]
    assert response.context["missions"][1].next_start == begin
