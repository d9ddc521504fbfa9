"""The tables a payroll run writes 300,000 rows into carry no index that another one covers.

Each index is written once per row: on a 100,000-pledge run a redundant one costs about as much
as a foreign key check (bench/payroll.py prints both). An index whose columns begin another
index or unique constraint serves no lookup that the longer one does not serve too.
"""

import pytest
from django.db import connection

from donations.models import Donation, Match, PayrollLine

pytestmark = pytest.mark.django_db


def _indexes(model) -> dict[str, dict]:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, model._meta.db_table)


# Partial indexes (only the rows with a payment, only campaign matches) are not covered by a
# whole index on the same columns: they are smaller, and written for few rows.
PARTIAL = {"donation_payment_idx", "match_campaign_idx"}


@pytest.mark.parametrize("model", [Donation, Match, PayrollLine])
def test_no_index_is_covered_by_another(model):
    constraints = _indexes(model)
    lookups = {
        name: tuple(info["columns"])
        for name, info in constraints.items()
        if (info["index"] or info["unique"]) and info["columns"]
    }
    plain = [
        name
        for name in lookups
        if not constraints[name]["unique"]
        and not constraints[name]["primary_key"]
        and name not in PARTIAL
    ]
    assert plain, "introspection found no plain index: the check would pass on anything"
    redundant = [
        (name, other)
        for name in plain
        for other, longer in lookups.items()
        if other != name and other not in PARTIAL and longer[: len(lookups[name])] == lookups[name]
    ]
    assert redundant == [], f"{model.__name__}: indexes covered by another one: {redundant}"


def test_the_external_reference_stays_unique():
    constraints = _indexes(Donation)
    unique = [
        info["columns"]
        for info in constraints.values()
        if info["unique"] and not info["primary_key"]
    ]
    assert ["external_reference"] in unique
