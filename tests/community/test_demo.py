"""The contribution, grant and vote demo seeders: something to see for each, seeded once."""

import pytest

from donations.models import Ballot, CompanyGift, GrantPolicy, StaffVote
from missions.models import AssociationProposal, SelfReportedHours
from portal.demo.people import DemoScale

pytestmark = pytest.mark.django_db


def test_demo_shows_pending_hours_a_proposal_a_grant_policy_and_an_open_vote(site_tree):
    from donations.demo.community import seed as seed_votes
    from missions.demo.catalogue import seed as seed_missions
    from missions.demo.community import seed as seed_contributions
    from portal.demo.people import seed as seed_people

    scale = DemoScale.named("small")
    seed_people(scale=scale)
    seed_missions(scale=scale)
    seed_contributions(scale=scale)
    seed_votes(scale=scale)
    assert SelfReportedHours.objects.filter(status="pending").exists()
    assert SelfReportedHours.objects.filter(status="approved").exists()
    assert AssociationProposal.objects.filter(status="pending").count() == 2
    assert GrantPolicy.objects.count() == 2
    assert CompanyGift.objects.filter(kind="grant").exists()
    assert StaffVote.objects.filter(status="open").count() == 2
    assert Ballot.objects.exists()
    assert not Ballot.objects.filter(employee__user__email__startswith="employee@").exists()
    counts = [
        m.objects.count()
        for m in (SelfReportedHours, AssociationProposal, GrantPolicy, StaffVote, Ballot)
    ]
    seed_contributions(scale=scale)
    seed_votes(scale=scale)
    assert counts == [
        m.objects.count()
        for m in (SelfReportedHours, AssociationProposal, GrantPolicy, StaffVote, Ballot)
    ]
