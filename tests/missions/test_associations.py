"""The "live, approved association" rule, written once: AssociationPage.objects.accepting_gifts."""

from __future__ import annotations

import pytest

from donations.exceptions import InvalidCardDonation
from donations.selectors import card_associations
from donations.services.cards import start_card_donation
from missions.models import AssociationPage
from tests.factories import make_association

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(site_tree):
    approved = make_association(title="Approved")
    pending = make_association(title="Pending", vetting_status="pending")
    suspended = make_association(title="Suspended", vetting_status="suspended")
    draft = make_association(title="Draft")
    draft.unpublish()
    return approved, pending, suspended, draft


def test_only_live_approved_associations_accept_gifts(catalogue):
    approved, *_others = catalogue
    assert list(AssociationPage.objects.accepting_gifts()) == [approved]


def test_catalogue_and_card_gifts_list_the_same_associations(catalogue, client, employee_a):
    approved, *_others = catalogue
    client.force_login(employee_a.user)
    index = client.get("/associations/")
    assert [a.pk for a in index.context["associations"]] == [approved.pk]
    assert list(card_associations()) == [approved]


@pytest.mark.parametrize("index", [1, 2, 3])
def test_a_card_gift_to_an_association_not_accepting_gifts_is_refused(catalogue, employee_a, index):
    with pytest.raises(InvalidCardDonation):
        start_card_donation(
            donor=employee_a, association_id=catalogue[index].pk, amount_cents=1_000
        )
