"""The money trail per association and month: collected, matched, paid and owed."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import translation

from donations.models import Donation
from donations.selectors import money_by_association_month
from donations.services.disbursements import (
    create_disbursement_batch,
    finance_csv,
    mark_batch_paid,
)
from donations.services.matching import match_donation, reverse_match
from portal.csv_export import ENGLISH_SPREADSHEET
from tests.donations.helpers import make_donation

pytestmark = pytest.mark.django_db

JAN = dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)
FEB = dt.datetime(2026, 2, 15, 12, tzinfo=dt.UTC)
MAR = dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC)


@pytest.fixture
def three_months(company_a, employee_a, associations, policy_a):
    restos = associations[0]
    for when, cents in ((JAN, 1_000), (FEB, 500), (MAR, 200)):
        match_donation(make_donation(employee_a, restos, cents, when=when))
    return restos


def month_rows(company):
    months, totals = money_by_association_month(company)
    return {r.month.strftime("%Y-%m"): r for r in months}, totals


def test_a_paid_batch_settles_the_months_it_covers(company_a, three_months):
    batch = create_disbursement_batch(company=company_a, period_end=dt.date(2026, 2, 1))
    rows, totals = month_rows(company_a)
    # Created but not paid yet: everything is still owed, January sits in the batch.
    assert [
        (m, r.paid_cents, r.owed_cents, r.in_unpaid_batches_cents) for m, r in rows.items()
    ] == [
        ("2026-03", 0, 400, 0),
        ("2026-02", 0, 1_000, 0),
        ("2026-01", 0, 2_000, 2_000),
    ]
    mark_batch_paid(batch=batch, reference="VIR-01")
    rows, totals = month_rows(company_a)
    assert (rows["2026-01"].paid_cents, rows["2026-01"].owed_cents) == (2_000, 0)
    assert (rows["2026-02"].paid_cents, rows["2026-02"].owed_cents) == (0, 1_000)
    assert (rows["2026-03"].paid_cents, rows["2026-03"].owed_cents) == (0, 400)
    [total] = totals
    assert (total.paid_cents, total.owed_cents) == (2_000, 1_400)
    assert sum(r.owed_cents for r in rows.values()) == total.owed_cents


def test_months_add_up_when_a_paid_gift_is_refunded(company_a, employee_a, three_months):
    batch = create_disbursement_batch(company=company_a, period_end=dt.date(2026, 4, 1))
    mark_batch_paid(batch=batch, reference="VIR-02")
    # February's gift is refunded after the association was paid: the association owes it back.
    feb = Donation.objects.get(occurred_at=FEB)
    Donation.objects.filter(pk=feb.pk).update(
        status=Donation.Status.REFUNDED, refunded_at=MAR, refunded_cents=F("amount_cents")
    )
    reverse_match(donation=feb)
    rows, [total] = month_rows(company_a)
    assert total.owed_cents == -1_000
    assert sum(r.paid_cents for r in rows.values()) == total.paid_cents == 3_400
    assert sum(r.owed_cents for r in rows.values()) == -1_000
    assert rows["2026-01"].owed_cents == 0


def test_finance_csv_has_paid_and_owed_per_month(company_a, three_months):
    batch = create_disbursement_batch(company=company_a, period_end=dt.date(2026, 2, 1))
    mark_batch_paid(batch=batch, reference="VIR-03")
    with translation.override("en"):
        lines = finance_csv(company_a, dialect=ENGLISH_SPREADSHEET).splitlines()
    assert lines[0] == (
        "\ufeffMonth,Association,Collected (cents),Matched (cents),Paid (cents),Owed (cents),"
        "Currency"
    )
    assert "2026-01,Les Restos,1000,1000,2000,0,EUR" in lines
    assert "2026-02,Les Restos,500,500,0,1000,EUR" in lines


def test_finance_csv_downloads_for_a_french_spreadsheet_with_names_guarded(
    client, company_a, three_months
):
    from tests.factories import make_employee

    type(three_months).objects.filter(pk=three_months.pk).update(title="=Les Restos du Cœur")
    officer = make_employee(company_a, is_payroll_officer=True)
    client.force_login(officer.user)
    response = client.get(
        reverse("donations:finance"), {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Mois", "Association", "Collecté (centimes)"]
    assert ["2026-01", "'=Les Restos du Cœur", "1000", "1000", "0", "2000", "EUR"] in rows


def test_finance_page_shows_paid_and_owed_per_month(client, company_a, three_months):
    from tests.factories import make_employee

    officer = make_employee(company_a, is_csr_officer=True)
    client.force_login(officer.user)
    batch = create_disbursement_batch(company=company_a, period_end=dt.date(2026, 2, 1))
    mark_batch_paid(batch=batch, reference="VIR-04")
    html = client.get(reverse("donations:finance")).content.decode()
    assert "01/2026" in html and "02/2026" in html
    assert "VIR-04" in html


def assert_months_add_up_to_totals(company):
    """Each column of the month-by-month table sums to the per-association table."""
    months, totals = money_by_association_month(company)
    columns = ("collected_cents", "matched_cents", "paid_cents", "in_unpaid_batches_cents")
    for total in totals:
        rows = [r for r in months if r.association_id == total.association_id]
        assert rows, f"{total.association} has totals but no month"
        for column in (*columns, "owed_cents"):
            assert sum(getattr(r, column) for r in rows) == getattr(total, column), column
    assert {r.association_id for r in months} == {t.association_id for t in totals}


def test_both_tables_hold_the_same_money_when_all_gifts_were_refunded_after_payment(
    company_a, employee_a, associations, policy_a, three_months
):
    forets = associations[1]
    gift = make_donation(employee_a, forets, 245_232, when=FEB)
    match_donation(gift)
    batch = create_disbursement_batch(company=company_a, period_end=dt.date(2026, 4, 1))
    mark_batch_paid(batch=batch, reference="VIR-05")
    Donation.objects.filter(pk=gift.pk).update(
        status=Donation.Status.REFUNDED, refunded_at=MAR, refunded_cents=F("amount_cents")
    )
    reverse_match(donation=gift)
    make_donation(employee_a, three_months, 300, when=MAR)
    create_disbursement_batch(company=company_a, period_end=dt.date(2026, 4, 1))
    months, totals = money_by_association_month(company_a)
    forets_total = next(t for t in totals if t.association_id == forets.pk)
    paid = forets_total.paid_cents
    assert paid > 245_232 and forets_total.owed_cents == -paid  # the gift and its match
    # Its payment shows on a month too, not only in the per-association table.
    assert sum(r.paid_cents for r in months if r.association_id == forets.pk) == paid
    assert_months_add_up_to_totals(company_a)


def test_months_add_up_with_a_paid_and_an_unpaid_batch(company_a, three_months):
    mark_batch_paid(
        batch=create_disbursement_batch(company=company_a, period_end=dt.date(2026, 2, 1)),
        reference="VIR-06",
    )
    create_disbursement_batch(company=company_a, period_end=dt.date(2026, 4, 1))
    assert_months_add_up_to_totals(company_a)
