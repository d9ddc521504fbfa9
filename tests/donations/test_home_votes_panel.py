"""The employee's home shows the staff votes open in their company, and whether they voted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from donations.models import StaffVote
from tests.factories import make_employee

pytestmark = pytest.mark.django_db


def _vote(company, title, *, opens, closes, status="open"):
    return StaffVote.objects.create(
        company=company,
        title=title,
        budget_cents=100_000,
        currency="EUR",
        mode="one",
        opens_at=opens,
        closes_at=closes,
        status=status,
    )


def test_open_votes_of_my_company_only_are_on_my_home(client, company_a, company_b):
    now = timezone.now()
    _vote(
        company_a,
        "Notre budget solidaire",
        opens=now - dt.timedelta(days=1),
        closes=now + dt.timedelta(days=7),
    )
    _vote(
        company_a,
        "Vote à venir",
        opens=now + dt.timedelta(days=2),
        closes=now + dt.timedelta(days=9),
    )
    _vote(
        company_b,
        "Budget de Beta",
        opens=now - dt.timedelta(days=1),
        closes=now + dt.timedelta(days=7),
    )
    employee = make_employee(company_a)
    client.force_login(employee.user)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Notre budget solidaire" in page and "you have not voted yet" in page
    assert "Vote à venir" not in page and "Budget de Beta" not in page


def test_no_vote_panel_without_an_open_vote(client, company_a):
    employee = make_employee(company_a)
    client.force_login(employee.user)
    assert 'id="panel-votes"' not in client.get("/").content.decode()
