"""Staff votes: one ballot per person, results at the close, the budget shared to the cent."""

import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from donations.models import Ballot, CompanyGift, StaffVote
from donations.selectors.community import open_votes_for
from donations.services import votes
from donations.services.votes import VoteError, share_budget
from tests.factories import make_association, make_employee

pytestmark = pytest.mark.django_db


# The largest remainder method ------------------------------------------------------------------


def test_100_euros_over_three_equal_votes_adds_up_and_the_lowest_id_gets_the_cent():
    shares = share_budget(10_000, {7: 1, 3: 1, 5: 1})
    assert shares == {3: 3_334, 5: 3_333, 7: 3_333}
    assert sum(shares.values()) == 10_000


def test_one_cent_budget_goes_to_one_association_only():
    assert share_budget(1, {1: 1, 2: 1, 3: 1}) == {1: 1, 2: 0, 3: 0}
    assert share_budget(1, {1: 1, 2: 5}) == {1: 0, 2: 1}


def test_no_votes_share_nothing_and_zero_points_get_nothing():
    assert share_budget(10_000, {}) == {}
    assert share_budget(10_000, {1: 0, 2: 0}) == {}
    assert share_budget(10_000, {1: 0, 2: 3}) == {2: 10_000}


@pytest.mark.parametrize(
    ("budget", "points"),
    [
        (10_000, {1: 1, 2: 1, 3: 1}),
        (99_999, {1: 7, 2: 11, 3: 13, 4: 1}),
        (2, {1: 1, 2: 1, 3: 1}),
        (1_000_003, {i: i for i in range(1, 30)}),
        (5, {1: 33, 2: 33, 3: 34}),
    ],
)
def test_shares_always_add_up_to_the_budget_and_stay_within_a_cent_of_the_exact_share(
    budget, points
):
    shares = share_budget(budget, points)
    assert sum(shares.values()) == budget
    total = sum(points.values())
    for key, value in shares.items():
        assert abs(value - budget * points[key] / total) < 1


def test_a_tie_on_remainders_goes_to_more_points_then_lower_id():
    # 10 cents over 3/3/4 points: exact 3, 3, 4 -> no remainder; 11 cents: remainders 3,3,4
    assert share_budget(11, {1: 3, 2: 3, 3: 4}) == {1: 3, 2: 3, 3: 5}


# The vote's life ---------------------------------------------------------------------------


def _open(company, associations, **fields):
    now = timezone.now()
    values = {
        "company": company,
        "title": "Where do 100 € go?",
        "budget_cents": 10_000,
        "mode": StaffVote.Mode.ONE_CHOICE,
        "opens_at": now - dt.timedelta(minutes=1),
        "closes_at": now + dt.timedelta(days=7),
        "association_ids": [a.pk for a in associations],
    }
    values.update(fields)
    return votes.open_vote(**values)


def test_each_employee_votes_once_and_may_change_until_the_close(company_a, associations):
    vote = _open(company_a, associations)
    ana, ben, cleo = (make_employee(company_a) for _ in range(3))
    votes.cast_ballot(vote_id=vote.pk, employee=ana, allocations={associations[0].pk: 1})
    votes.cast_ballot(vote_id=vote.pk, employee=ana, allocations={associations[1].pk: 1})
    votes.cast_ballot(vote_id=vote.pk, employee=ben, allocations={associations[1].pk: 1})
    votes.cast_ballot(vote_id=vote.pk, employee=cleo, allocations={associations[2].pk: 1})
    assert Ballot.objects.filter(vote=vote).count() == 3
    assert votes.tally(vote) == {associations[1].pk: 2, associations[2].pk: 1}
    with pytest.raises(IntegrityError):
        Ballot.objects.create(vote=vote, employee=ana)


def test_closing_shares_the_budget_as_vote_gifts_once(company_a, associations):
    vote = _open(company_a, associations)
    for choice in (0, 1, 2):
        person = make_employee(company_a)
        votes.cast_ballot(
            vote_id=vote.pk, employee=person, allocations={associations[choice].pk: 1}
        )
    closed = votes.close_vote(vote_id=vote.pk)
    again = votes.close_vote(vote_id=vote.pk)
    gifts = CompanyGift.objects.filter(kind="vote", company=company_a)
    assert gifts.count() == 3
    assert sum(g.amount_cents for g in gifts) == 10_000
    assert closed.status == again.status == "closed"
    assert closed.results["ballots"] == 3
    assert sum(row["amount_cents"] for row in closed.results["rows"]) == 10_000
    with pytest.raises(VoteError):
        votes.cast_ballot(
            vote_id=vote.pk,
            employee=make_employee(company_a),
            allocations={associations[0].pk: 1},
        )


def test_a_vote_without_ballots_closes_with_no_gift(company_a, associations):
    vote = _open(company_a, associations)
    closed = votes.close_vote(vote_id=vote.pk)
    assert closed.results["ballots"] == 0
    assert not CompanyGift.objects.exists()


def test_split_points_must_add_up_and_share_the_budget_by_points(company_a, associations):
    vote = _open(company_a, associations, mode="points", points=10, budget_cents=1)
    person = make_employee(company_a)
    with pytest.raises(VoteError, match="exactly 10"):
        votes.cast_ballot(vote_id=vote.pk, employee=person, allocations={associations[0].pk: 4})
    with pytest.raises(VoteError):
        votes.cast_ballot(
            vote_id=vote.pk,
            employee=person,
            allocations={associations[0].pk: 12, associations[1].pk: -2},
        )
    votes.cast_ballot(
        vote_id=vote.pk,
        employee=person,
        allocations={associations[0].pk: 3, associations[1].pk: 7, associations[2].pk: 0},
    )
    votes.close_vote(vote_id=vote.pk)
    gift = CompanyGift.objects.get(kind="vote")
    assert (gift.association_id, gift.amount_cents) == (associations[1].pk, 1)


def test_ballots_outside_the_vote_or_the_company_are_refused(company_a, company_b, associations):
    vote = _open(company_a, associations[:2])
    outsider = make_association(title="Not in the vote")
    with pytest.raises(VoteError):
        votes.cast_ballot(
            vote_id=vote.pk, employee=make_employee(company_a), allocations={outsider.pk: 1}
        )
    with pytest.raises(VoteError, match="does not exist"):
        votes.cast_ballot(
            vote_id=vote.pk,
            employee=make_employee(company_b),
            allocations={associations[0].pk: 1},
        )
    with pytest.raises(VoteError, match="one association"):
        votes.cast_ballot(
            vote_id=vote.pk,
            employee=make_employee(company_a),
            allocations={associations[0].pk: 1, associations[1].pk: 1},
        )


def test_opening_a_vote_checks_its_terms(company_a, associations):
    with pytest.raises(VoteError):
        _open(company_a, associations[:1])
    with pytest.raises(VoteError):
        _open(company_a, associations, budget_cents=0)
    with pytest.raises(VoteError):
        _open(company_a, associations, closes_at=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(VoteError):
        _open(company_a, associations, mode="points", points=1)
    assert not StaffVote.objects.exists()


def test_due_votes_close_by_the_beat_task_and_open_votes_list_for_the_home(
    company_a, associations, clock
):
    vote = _open(company_a, associations)
    person = make_employee(company_a)
    assert [v.pk for v in open_votes_for(person)] == [vote.pk]
    assert open_votes_for(person).get().has_voted is False
    votes.cast_ballot(vote_id=vote.pk, employee=person, allocations={associations[0].pk: 1})
    assert open_votes_for(person).get().has_voted is True
    assert votes.close_due_votes() == 0
    clock.shift(dt.timedelta(days=8))
    from donations.tasks import close_due_votes

    assert close_due_votes() == 1
    assert open_votes_for(person).count() == 0
    assert CompanyGift.objects.get(kind="vote").amount_cents == 10_000
