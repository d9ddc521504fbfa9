"""Staff votes in a browser: the CSR officer opens a vote, an employee votes, the officer closes
it, the results and the company gifts appear; the contribution pages pass axe-core too."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from donations.models import CompanyGift, StaffVote
from tests.e2e.test_giving_journeys import sign_in, sign_out
from tests.factories import make_association, make_employee

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def vote_setup(company_a):
    associations = [
        make_association(title="Les Restos"),
        make_association(title="Forêts Vives"),
        make_association(title="Code Pour Tous"),
    ]
    make_employee(company_a, email="eve@alpha.example", first_name="Eve")
    make_employee(company_a, email="csr@alpha.example", is_csr_officer=True)
    return associations


def test_open_vote_close_and_share_journey(page, vote_setup, axe_check):
    # The CSR officer opens a vote on 100 € between three associations.
    sign_in(page, "csr@alpha.example")
    page.goto("/giving/votes/manage/")
    assert axe_check(page) == []
    page.get_by_label("Title").fill("Where do our 100 € go?")
    page.get_by_label("Budget shared by the vote").fill("100")
    page.get_by_label("One choice per person").check()
    for name in ("Les Restos", "Forêts Vives", "Code Pour Tous"):
        page.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Open the vote").click()
    page.wait_for_url(re.compile(r".*/giving/votes/\d+/$"))
    vote = StaffVote.objects.get()
    assert vote.budget_cents == 10_000

    # The employee votes; the results stay hidden while the vote is open.
    sign_out(page)
    sign_in(page, "eve@alpha.example")
    page.goto("/giving/votes/")
    page.get_by_role("link", name="Where do our 100 € go?").click()
    assert axe_check(page) == []
    page.get_by_label("Forêts Vives").check()
    page.get_by_role("button", name="Vote").click()
    page.get_by_text("Your vote is recorded").wait_for()
    assert page.locator("[data-results]").count() == 0
    assert page.get_by_role("button", name="Change my vote").is_visible()
    # Her own pages of contributions are accessible too.
    for path in ("/engagement/hours/", "/engagement/proposals/"):
        page.goto(path)
        assert axe_check(page) == [], path

    # The officer closes the vote: the whole budget goes to the only association chosen.
    sign_out(page)
    sign_in(page, "csr@alpha.example")
    page.goto(f"/giving/votes/{vote.pk}/")
    page.get_by_role("button", name="Close the vote now and share the budget").click()
    page.locator("[data-results]").wait_for()
    row = page.locator(f"[data-results] tr[data-association='{vote_setup[1].pk}']")
    assert "100" in row.inner_text()
    assert axe_check(page) == []
    gift = CompanyGift.objects.get(kind="vote")
    assert (gift.association_id, gift.amount_cents) == (vote_setup[1].pk, 10_000)
    for path in ("/engagement/csr/hours/", "/engagement/csr/proposals/", "/giving/grants/"):
        page.goto(path)
        assert axe_check(page) == [], path
    assert page.csp_errors == []


def test_ballot_and_declaration_pages_in_french_on_a_phone(
    page, live_server, vote_setup, axe_check
):
    from django.utils import timezone

    from donations.services import votes
    from portal.models import EmployeeProfile

    company = EmployeeProfile.objects.get(user__email="eve@alpha.example").company
    now = timezone.now()
    vote = votes.open_vote(
        company=company,
        title="Budget de Noël",
        budget_cents=10_000,
        mode="points",
        points=10,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=3),
        association_ids=[a.pk for a in vote_setup],
    )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "eve@alpha.example")
    # The language chosen on the site (its cookie) also reaches the axe-core context.
    page.context.add_cookies([{"name": "django_language", "value": "fr", "url": live_server.url}])
    page.goto(f"/giving/votes/{vote.pk}/")
    assert page.get_by_role("heading", name="Votre vote").is_visible()
    page.get_by_label("Forêts Vives").fill("6")
    page.get_by_label("Les Restos").fill("4")
    page.get_by_role("button", name="Voter").click()
    page.get_by_text("Votre vote est enregistré").wait_for()
    assert axe_check(page) == []
    page.goto("/engagement/hours/")
    assert page.get_by_role("heading", name="Mes heures en autonomie").is_visible()
    assert axe_check(page) == []
    assert votes.tally(vote) == {vote_setup[0].pk: 4, vote_setup[1].pk: 6}
