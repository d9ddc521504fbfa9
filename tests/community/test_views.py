"""The pages of contributions, grants and votes: behaviour, and 404 for another company's ids
or another association's members."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from donations.models import CompanyGift, GrantPolicy, StaffVote
from donations.services import votes
from missions.models import AssociationMembership, AssociationPage, SelfReportedHours
from missions.services import community
from portal.calendar import company_today
from tests.factories import make_employee

pytestmark = pytest.mark.django_db


def _client(client, profile_or_user):
    client.force_login(getattr(profile_or_user, "user", profile_or_user))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the tests read the English messages
    return client


def _declare(employee, association, days_ago=2):
    return community.report_hours(
        employee=employee,
        association_id=association.pk,
        done_on=company_today(employee.company) - dt.timedelta(days=days_ago),
        hours="3",
        description="Food bank",
    )


def _vote(company, associations, **fields):
    now = timezone.now()
    values = {
        "company": company,
        "title": "Budget 2026",
        "budget_cents": 10_000,
        "mode": "one",
        "opens_at": now - dt.timedelta(hours=1),
        "closes_at": now + dt.timedelta(days=3),
        "association_ids": [a.pk for a in associations],
    }
    values.update(fields)
    return votes.open_vote(**values)


# Self-reported hours -------------------------------------------------------------------------


def test_an_employee_declares_hours_and_sees_them(client, employee_a, associations):
    _client(client, employee_a)
    day = company_today(employee_a.company) - dt.timedelta(days=1)
    response = client.post(
        reverse("missions:self_reported"),
        {
            "association": associations[0].pk,
            "done_on": day.isoformat(),
            "hours": "2,5",
            "description": "Helped at the food bank",
        },
    )
    assert response.status_code == 302
    entry = SelfReportedHours.objects.get()
    assert (entry.employee, str(entry.hours)) == (employee_a, "2.50")
    page = client.get(reverse("missions:self_reported"))
    assert "Helped at the food bank" in page.content.decode()


def test_a_future_date_is_refused_with_a_message_and_nothing_written(
    client, employee_a, associations
):
    _client(client, employee_a)
    day = company_today(employee_a.company) + dt.timedelta(days=1)
    response = client.post(
        reverse("missions:self_reported"),
        {
            "association": associations[0].pk,
            "done_on": day.isoformat(),
            "hours": "2",
            "description": "x",
        },
    )
    assert response.status_code == 400
    assert "future" in response.content.decode()
    assert not SelfReportedHours.objects.exists()


def test_the_csr_officer_decides_in_bulk_only_for_their_company(
    client, csr_a, employee_a, employee_b, associations
):
    ours = [_declare(employee_a, associations[0], d) for d in (1, 2)]
    theirs = _declare(employee_b, associations[0])
    _client(client, csr_a)
    page = client.get(reverse("missions:csr_self_reported"))
    assert page.status_code == 200
    assert employee_b.display_name not in page.content.decode()
    client.post(
        reverse("missions:csr_self_reported"),
        {
            "decision": "refuse",
            "entry": [ours[0].pk, theirs.pk],
            f"reason_{ours[0].pk}": "Not with this association",
        },
    )
    client.post(
        reverse("missions:csr_self_reported"),
        {"decision": "approve", "entry": [ours[1].pk, theirs.pk]},
    )
    statuses = dict(SelfReportedHours.objects.values_list("pk", "status"))
    assert statuses == {ours[0].pk: "refused", ours[1].pk: "approved", theirs.pk: "pending"}


def test_a_refusal_without_reason_changes_nothing(client, csr_a, employee_a, associations):
    entry = _declare(employee_a, associations[0])
    _client(client, csr_a)
    response = client.post(
        reverse("missions:csr_self_reported"),
        {"decision": "refuse", "entry": [entry.pk]},
        follow=True,
    )
    assert "reason" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == "pending"


def test_association_members_decide_for_their_association_only(
    client, employee_a, associations, django_user_model
):
    member = django_user_model.objects.create_user("asso@restos.example", "asso@restos.example")
    AssociationMembership.objects.create(user=member, association=associations[0])
    ours = _declare(employee_a, associations[0])
    other = _declare(employee_a, associations[1], days_ago=4)
    _client(client, member)
    url = reverse("missions:association_hours", args=[associations[0].pk])
    assert client.get(url).status_code == 200
    other_url = reverse("missions:association_hours", args=[associations[1].pk])
    assert client.get(other_url).status_code == 404
    assert client.post(other_url, {"decision": "approve", "entry": [other.pk]}).status_code == 404
    client.post(url, {"decision": "approve", "entry": [ours.pk, other.pk]})
    assert dict(SelfReportedHours.objects.values_list("pk", "status")) == {
        ours.pk: "approved",
        other.pk: "pending",
    }


def test_employees_are_not_association_members(client, employee_a, associations):
    _client(client, employee_a)
    url = reverse("missions:association_hours", args=[associations[0].pk])
    assert client.get(url).status_code == 404


# Proposals -----------------------------------------------------------------------------------


def test_a_proposal_is_vetted_into_a_draft_page_and_the_proposer_told(
    client, employee_a, csr_a, mailoutbox, django_capture_on_commit_callbacks
):
    _client(client, employee_a)
    response = client.post(
        reverse("missions:proposals"),
        {
            "name": "Les Amis du Quartier",
            "identifier_kind": "rna",
            "identifier": "w 123 456 789",
            "reason": "They run our neighbourhood's homework club.",
        },
    )
    assert response.status_code == 302
    _client(client, csr_a)
    proposal = employee_a.association_proposals.get()
    assert proposal.identifier == "W123456789"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("missions:csr_proposal", args=[proposal.pk]), {"decision": "accept"}
        )
    assert response.status_code == 302
    page = AssociationPage.objects.get(identifier="W123456789")
    assert (page.live, page.vetting_status, page.title) == (False, "pending", proposal.name)
    assert [m.to for m in mailoutbox] == [[employee_a.user.email]]
    # Deciding twice is refused.
    again = client.post(
        reverse("missions:csr_proposal", args=[proposal.pk]), {"decision": "decline"}
    )
    assert again.status_code == 400


def test_a_bad_identifier_is_refused_and_declining_needs_a_reason(client, employee_a, csr_a):
    _client(client, employee_a)
    bad = client.post(
        reverse("missions:proposals"),
        {"name": "X", "identifier_kind": "siren", "identifier": "12345", "reason": "Why not"},
    )
    assert bad.status_code == 400 and "9 digits" in bad.content.decode()
    community.propose_association(
        employee=employee_a,
        name="Club",
        identifier_kind="siren",
        identifier="123456789",
        reason="Because",
    )
    proposal = employee_a.association_proposals.get()
    _client(client, csr_a)
    url = reverse("missions:csr_proposal", args=[proposal.pk])
    assert client.post(url, {"decision": "decline", "reason": ""}).status_code == 400
    assert (
        client.post(url, {"decision": "decline", "reason": "Not general interest"}).status_code
        == 302
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decline_reason) == ("declined", "Not general interest")


def test_another_companys_proposal_is_a_404(client, employee_b, csr_a):
    proposal = community.propose_association(
        employee=employee_b,
        name="B club",
        identifier_kind="siren",
        identifier="987654321",
        reason="r",
    )
    _client(client, csr_a)
    url = reverse("missions:csr_proposal", args=[proposal.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "accept"}).status_code == 404
    assert "B club" not in client.get(reverse("missions:csr_proposals")).content.decode()


def test_employees_cannot_reach_the_csr_pages(client, employee_a):
    _client(client, employee_a)
    for name in (
        "missions:csr_self_reported",
        "missions:csr_proposals",
        "donations:grant_policy",
        "donations:vote_manage",
    ):
        assert client.get(reverse(name)).status_code == 404, name


# Grants --------------------------------------------------------------------------------------


def test_the_officer_sets_the_policy_and_computes_grants(client, csr_a, employee_a, associations):
    entry = _declare(employee_a, associations[0])
    community.approve_self_reported(
        scope=SelfReportedHours.objects.all(), ids=[entry.pk], actor=None
    )
    _client(client, csr_a)
    response = client.post(
        reverse("donations:grant_policy"),
        {
            "hours_per_grant": "3",
            "amount_per_grant_cents": "50",
            "yearly_budget_cents": "1 000",
            "person_yearly_cap_cents": "200",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    policy = GrantPolicy.objects.get(company=csr_a.company)
    assert policy.amount_per_grant_cents == 5_000
    client.post(reverse("donations:grant_run"))
    client.post(reverse("donations:grant_run"))
    assert CompanyGift.objects.filter(kind="grant").count() == 1
    page = client.get(reverse("donations:grant_policy")).content.decode()
    assert employee_a.display_name in page


# Votes ---------------------------------------------------------------------------------------


def test_results_are_hidden_until_the_close_and_the_ballot_can_change(
    client, employee_a, csr_a, associations
):
    vote = _vote(csr_a.company, associations)
    _client(client, employee_a)
    url = reverse("donations:vote", args=[vote.pk])
    assert client.post(url, {"choice": associations[0].pk}).status_code == 302
    assert client.post(url, {"choice": associations[1].pk}).status_code == 302
    page = client.get(url).content.decode()
    assert "data-results" not in page and "Change my vote" in page
    _client(client, csr_a)
    assert client.post(reverse("donations:vote_close", args=[vote.pk])).status_code == 302
    assert client.post(reverse("donations:vote_close", args=[vote.pk])).status_code == 302
    gift = CompanyGift.objects.get(kind="vote")
    assert (gift.association_id, gift.amount_cents) == (associations[1].pk, 10_000)
    page = client.get(url).content.decode()
    assert "data-results" in page


def test_another_companys_vote_is_a_404(client, employee_a, csr_a, company_b, associations):
    vote = _vote(company_b, associations)
    _client(client, employee_a)
    url = reverse("donations:vote", args=[vote.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"choice": associations[0].pk}).status_code == 404
    _client(client, csr_a)
    assert client.post(reverse("donations:vote_close", args=[vote.pk])).status_code == 404
    assert StaffVote.objects.get(pk=vote.pk).status == "open"


def test_the_officer_opens_a_vote_and_bad_terms_are_explained(client, csr_a, associations):
    _client(client, csr_a)
    now = timezone.localtime()
    data = {
        "title": "Christmas",
        "budget": "100",
        "mode": "points",
        "points": "10",
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "associations": [associations[0].pk],
    }
    bad = client.post(reverse("donations:vote_manage"), data)
    assert bad.status_code == 400 and "at least two" in bad.content.decode()
    data["associations"] = [a.pk for a in associations]
    assert client.post(reverse("donations:vote_manage"), data).status_code == 302
    vote = StaffVote.objects.get()
    assert (vote.mode, vote.points, vote.budget_cents) == ("points", 10, 10_000)


def test_split_points_ballot_through_the_page(client, employee_a, associations):
    vote = _vote(employee_a.company, associations, mode="points", points=10)
    _client(client, employee_a)
    url = reverse("donations:vote", args=[vote.pk])
    fields = {f"points_{a.pk}": v for a, v in zip(associations, (5, 4, 0), strict=True)}
    bad = client.post(url, fields)
    assert bad.status_code == 400 and "exactly 10" in bad.content.decode()
    fields[f"points_{associations[2].pk}"] = 1
    assert client.post(url, fields).status_code == 302
    assert votes.tally(vote) == {
        associations[0].pk: 5,
        associations[1].pk: 4,
        associations[2].pk: 1,
    }


def test_the_votes_page_lists_open_votes_without_n_plus_one(
    client, employee_a, associations, django_assert_max_num_queries
):
    for i in range(5):
        _vote(employee_a.company, associations, title=f"Vote {i}")
    make_employee(employee_a.company)
    _client(client, employee_a)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("donations:votes"))
    assert page.content.decode().count("data-vote=") == 5


def test_the_pages_speak_french(client, employee_a, associations):
    client.force_login(employee_a.user)
    page = client.get(reverse("missions:self_reported"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Mes heures en autonomie" in page.content.decode()
    votes_page = client.get(reverse("donations:votes"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Votes des salariés" in votes_page.content.decode()
