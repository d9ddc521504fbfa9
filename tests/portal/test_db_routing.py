"""Reporting's figures read from the replica when there is one, never inside a transaction."""

from __future__ import annotations

import pytest
from django.db import connections, transaction

from donations.models import Donation
from portal.db_routing import REPLICA, ReplicaRouter, replica_reads
from reporting.periods import year_period
from reporting.selectors.metrics import company_metrics
from tests.factories import CompanyFactory

# The router reads settings.DATABASES to know whether a replica is declared: the test declares one.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def replica(settings):
    """A second connection to the test database, declared as the replica."""
    settings.DATABASES = {**settings.DATABASES, REPLICA: dict(connections["default"].settings_dict)}
    connections.settings[REPLICA] = dict(connections["default"].settings_dict)
    yield connections[REPLICA]
    connections[REPLICA].close()
    del connections.settings[REPLICA]
    if hasattr(connections._connections, REPLICA):
        delattr(connections._connections, REPLICA)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_a_replica_everything_reads_the_primary():
    with replica_reads():
        assert Donation.objects.all().db == "default"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_only_reads_inside_replica_reads_and_outside_a_transaction_go_to_the_replica(replica):
    assert Donation.objects.all().db == "default"
    with replica_reads():
        assert Donation.objects.all().db == REPLICA
        with transaction.atomic():
            assert Donation.objects.all().db == "default"
    assert Donation.objects.all().db == "default"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_impact_figures_are_read_from_the_replica(replica, monkeypatch):
    company = CompanyFactory()
    answers = []
    route = ReplicaRouter.db_for_read

    def spy(self, model, **hints):
        answers.append(route(self, model, **hints))
        return None  # the replica alias is declared, but this test's rows live on the primary

    monkeypatch.setattr(ReplicaRouter, "db_for_read", spy)
    company_metrics(company=company, period=year_period(2026))
    assert len(answers) > 5
    assert set(answers) == {REPLICA}
    answers.clear()
    Donation.objects.count()  # outside the figures: the primary
    assert answers == [None]
