"""Statements and the money trail: tax estimate, PDF, disbursements, finance CSV, reconcile."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.utils import translation
from pypdf import PdfReader

from donations.models import Disbursement, DisbursementBatch, Donation, Match, MatchingPolicy
from donations.services.disbursements import (
    BatchAlreadyPaid,
    NothingToDisburse,
    create_disbursement_batch,
    finance_csv,
    mark_batch_paid,
)
from donations.services.matching import match_donation
from donations.services.reconcile import reconcile
from donations.services.statements import estimate_tax_reduction, statement_pdf, yearly_statement
from tests.donations.helpers import make_donation
from tests.factories import make_association

pytestmark = pytest.mark.django_db


def test_estimate_66_percent_within_20_percent_of_income():
    estimate = estimate_tax_reduction(
        helps_difficulty_cents=0,
        other_eligible_cents=100_000,
        taxable_income_cents=300_000,
        on=dt.date(2026, 3, 1),
    )
    # 20 % of 3,000 € is 600 €: 66 % of 600 € now, 400 € carried forward.
    assert estimate.income_limit_cents == 60_000
    assert estimate.counted_66_cents == 60_000
    assert estimate.carried_forward_cents == 40_000
    assert estimate.reduction_cents == 39_600


def test_estimate_75_percent_up_to_the_ceiling_of_the_gift_date_then_66():
    # Before 14 Oct 2025 the ceiling is 1,000 €: 75 % of 1,000 € + 66 % of (500 € + 100 €).
    estimate = estimate_tax_reduction(
        helps_difficulty_cents=150_000,
        other_eligible_cents=10_000,
        taxable_income_cents=None,
        on=dt.date(2025, 6, 1),
    )
    assert estimate.eligible_75_cents == 100_000
    assert estimate.eligible_66_cents == 60_000
    assert estimate.reduction_cents == 75_000 + 39_600


def test_statement_lists_own_gifts_excludes_ineligible_and_refunded(
    employee_a, associations, policy_a
):
    restos, forets = associations
    ineligible = make_association(title="Club", tax_receipt_eligible=False)
    match_donation(make_donation(employee_a, restos, 10_000))
    make_donation(employee_a, forets, 5_000)
    make_donation(employee_a, ineligible, 2_000)
    refunded = make_donation(employee_a, forets, 9_999)
    Donation.objects.filter(pk=refunded.pk).update(
        status="refunded", refunded_at=refunded.occurred_at, refunded_cents=F("amount_cents")
    )
    statement = yearly_statement(profile=employee_a, year=2026)
    assert statement.given_cents == 17_000
    assert statement.matched_cents == 10_000
    # 75 % of 100 € + 66 % of 50 €; the ineligible club counts for nothing.
    assert statement.estimate.reduction_cents == 7_500 + 3_300


def test_statement_pdf_names_the_cerfa_and_the_estimate(employee_a, associations):
    make_donation(employee_a, associations[0], 10_000)
    with translation.override("fr"):
        pdf = statement_pdf(yearly_statement(profile=employee_a, year=2026))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Cerfa 11580" in text
    assert "Les Restos" in text
    assert "75,00" in text


def test_disbursement_batch_pays_what_is_owed_once(company_a, employee_a, associations, policy_a):
    match_donation(make_donation(employee_a, associations[0], 1_000))
    batch = create_disbursement_batch(company=company_a, period_end=dt.date(2027, 1, 1))
    assert list(batch.disbursements.values_list("amount_cents", flat=True)) == [2_000]
    with pytest.raises(NothingToDisburse):
        create_disbursement_batch(company=company_a, period_end=dt.date(2027, 1, 1))
    mark_batch_paid(batch=batch, reference="VIR-2026-001")
    with pytest.raises(BatchAlreadyPaid):
        mark_batch_paid(batch=batch, reference="again")
    text = finance_csv(company_a)
    assert "Les Restos;1000;1000;2000;0;EUR" in text
    assert reconcile() == []


def test_reconcile_passes_on_consistent_data(employee_a, associations, policy_a):
    match_donation(make_donation(employee_a, associations[0], 1_000))
    assert reconcile() == []
    call_command("reconcile", stdout=io.StringIO())


def test_reconcile_reports_a_match_above_the_cap_and_exits_non_zero(
    employee_a, associations, policy_a
):
    donation = make_donation(employee_a, associations[0], 1_000)
    match_donation(donation)
    MatchingPolicy.objects.filter(pk=policy_a.pk).update(employee_yearly_cap_cents=500)
    out = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("reconcile", stdout=out)
    assert info.value.returncode == 2
    assert "[matching cap]" in out.getvalue()


def test_reconcile_reports_overpaid_association_and_orphan_payment(
    company_a, employee_a, associations
):
    batch = DisbursementBatch.objects.create(
        company=company_a, period_end="2027-01-01", currency="EUR"
    )
    Disbursement.objects.create(batch=batch, association=associations[0], amount_cents=100)
    from donations.models import PaymentAttempt

    PaymentAttempt.objects.create(
        company=company_a,
        donor=employee_a,
        association=associations[0],
        amount_cents=500,
        currency="EUR",
        provider="stripe",
        idempotency_key="k",
        external_id="pi_lost",
        status="succeeded",
    )
    checks = {p.check for p in reconcile()}
    assert {"association balance", "card payment"} <= checks


def test_reconcile_reports_a_refund_whose_match_stayed(employee_a, associations, policy_a):
    donation = make_donation(employee_a, associations[0], 1_000)
    match_donation(donation)
    Donation.objects.filter(pk=donation.pk).update(
        status="refunded", refunded_at=donation.occurred_at, refunded_cents=F("amount_cents")
    )
    assert "refund" in {p.check for p in reconcile()}
    assert Match.objects.get().status == "active"
