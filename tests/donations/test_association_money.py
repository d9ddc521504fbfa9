"""The association workspace's money page: owed and paid per company and month, receipt of a
disbursement confirmed once, audited and shown on the company's finance page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from donations.models import AuditEntry, Disbursement
from donations.selectors.association import money_of_association
from donations.services.company_gifts import record_company_gift
from donations.services.disbursements import (
    BatchAlreadyPaid,
    DisbursementNotPaid,
    confirm_disbursement_received,
    create_disbursement_batch,
    mark_batch_paid,
)
from donations.services.matching import match_donation
from tests.donations.helpers import make_donation
from tests.factories import make_association_member

pytestmark = pytest.mark.django_db

JAN = dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)
FEB = dt.datetime(2026, 2, 15, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def restos(associations):
    return associations[0]


@pytest.fixture
def member(restos):
    return make_association_member(restos, email="treasurer@restos.example", role="member")


@pytest.fixture
def money(company_a, company_b, employee_a, employee_b, restos, associations, policy_a):
    match_donation(make_donation(employee_a, restos, 1_000, when=JAN))
    make_donation(employee_a, restos, 500, when=FEB)
    make_donation(employee_a, associations[1], 9_900, when=JAN)  # another association's
    make_donation(employee_b, restos, 300, when=FEB)
    record_company_gift(
        company=company_b,
        association=restos,
        kind="grant",
        amount_cents=5_000,
        given_on=FEB.date(),
        source_reference="test:grant-b",
    )
    batch = create_disbursement_batch(company=company_a, period_end=dt.date(2026, 2, 1))
    mark_batch_paid(batch=batch, reference="VIR-2026-01")
    return batch


def test_money_per_company_and_month_for_the_association_only(money, restos, company_a, company_b):
    found = {entry.company.pk: entry for entry in money_of_association(restos.pk)}
    assert set(found) == {company_a.pk, company_b.pk}
    a, b = found[company_a.pk], found[company_b.pk]
    assert (a.total.collected_cents, a.total.matched_cents, a.total.paid_cents) == (
        1_500,
        1_000,
        2_000,
    )
    assert a.total.owed_cents == 500
    assert [(m.month.month, m.owed_cents) for m in a.months] == [(2, 500), (1, 0)]
    assert (b.total.collected_cents, b.total.company_gifts_cents, b.total.owed_cents) == (
        300,
        5_000,
        5_300,
    )


def test_the_member_confirms_a_paid_disbursement_once_and_the_company_sees_it(
    client, money, restos, member, csr_a
):
    disbursement = Disbursement.objects.get(batch=money, association=restos)
    client.force_login(member)
    page = client.get(reverse("donations_association:money", args=[restos.pk]))
    assert page.status_code == 200 and b"VIR-2026-01" in page.content
    url = reverse("donations_association:disbursement_received", args=[restos.pk, disbursement.pk])
    assert client.post(url).status_code == 302
    disbursement.refresh_from_db()
    assert disbursement.received_by == member and disbursement.received_at is not None
    entry = AuditEntry.objects.get(action="disbursement.received")
    assert entry.actor == member and entry.company == money.company
    with pytest.raises(BatchAlreadyPaid):
        confirm_disbursement_received(
            user=member, association_id=restos.pk, disbursement_id=disbursement.pk
        )
    client.force_login(csr_a.user)
    finance = client.get(reverse("donations:finance")).content.decode()
    assert "receipt confirmed by the association" in finance and member.email in finance


def test_an_unpaid_disbursement_cannot_be_confirmed(company_b, employee_b, restos, member):
    make_donation(employee_b, restos, 700, when=JAN)
    batch = create_disbursement_batch(company=company_b, period_end=dt.date(2026, 2, 1))
    disbursement = batch.disbursements.get()
    with pytest.raises(DisbursementNotPaid):
        confirm_disbursement_received(
            user=member, association_id=restos.pk, disbursement_id=disbursement.pk
        )


def test_another_associations_disbursement_or_page_answers_404(
    client, money, restos, associations, member, employee_a
):
    other = associations[1]
    theirs = Disbursement.objects.get(batch=money, association=other)
    client.force_login(member)
    assert client.get(reverse("donations_association:money", args=[other.pk])).status_code == 404
    for association_id in (restos.pk, other.pk):
        url = reverse(
            "donations_association:disbursement_received", args=[association_id, theirs.pk]
        )
        assert client.post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.received_at is None
    client.force_login(employee_a.user)
    assert client.get(reverse("donations_association:money", args=[restos.pk])).status_code == 404


def test_the_money_page_reads_a_bounded_number_of_queries(
    client, money, restos, member, django_assert_max_num_queries
):
    client.force_login(member)
    with django_assert_max_num_queries(40):
        assert (
            client.get(reverse("donations_association:money", args=[restos.pk])).status_code == 200
        )
