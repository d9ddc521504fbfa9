"""The catalogue's full-text search on PostgreSQL understands French words."""

from __future__ import annotations

import pytest
from django.db import connection

from missions.models import MissionPage
from tests.factories import make_mission

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's full-text search has no French stemming")


def found(query: str) -> set[str]:
    return {m.title for m in MissionPage.objects.live().search(query)}


def test_plural_and_singular_find_each_other(site_tree):
    make_mission(title="Soins aux animaux du refuge", slug="soins-animaux")
    make_mission(title="Atelier vélo solidaire", slug="atelier-velo")
    # French stemming: "animal" and "animaux" share a stem (English stemming gives them none).
    assert found("animal") == {"Soins aux animaux du refuge"}
    assert found("ateliers") == {"Atelier vélo solidaire"}
