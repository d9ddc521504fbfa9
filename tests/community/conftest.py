"""Fixtures of employees' contributions, grants and votes: English messages, two associations."""

import pytest
from django.utils import translation

from tests.factories import make_association


@pytest.fixture(autouse=True)
def _english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def associations(site_tree):
    return [
        make_association(title="Les Restos", tax_receipt_eligible=True),
        make_association(title="Forêts Vives", tax_receipt_eligible=True),
        make_association(title="Code Pour Tous"),
    ]
