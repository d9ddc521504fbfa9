"""Tax receipts: choice and delegation, numbering, employee and company receipts, art. 222 bis."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from donations.exceptions import ReceiptError
from donations.models import CompanyGift, Match, ReceiptCounter, TaxReceipt
from donations.selectors import receipts as reads
from donations.services import receipts as service
from donations.services.company_gifts import record_company_gift
from tests.donations.helpers import make_donation, this_year_policy
from tests.donations.receipt_helpers import (
    IN_2025,
    YEAR,
    give_address,
    pdf_text,
    ready_association,
)
from tests.factories import make_employee

pytestmark = pytest.mark.django_db


def _match(donation, amount_cents, policy):
    return Match.objects.create(
        donation=donation,
        policy=policy,
        company=donation.company,
        employee=donation.donor,
        association=donation.association,
        amount_cents=amount_cents,
        currency="EUR",
    )


def _company_identity(company):
    company.legal_name = f"{company.name} SAS"
    company.legal_form = "SAS"
    company.siren = "552100554"
    company.registered_address = "1 avenue de la Gare, 75008 Paris"
    company.save()


def test_issue_employee_receipt_totals_kept_gifts_by_payment_method(employee_a):
    association = ready_association()
    give_address(employee_a)
    make_donation(employee_a, association, 1_250, when=IN_2025)
    make_donation(employee_a, association, 2_500, when=IN_2025 + dt.timedelta(days=30))
    make_donation(employee_a, association, -250, source="adjustment", when=IN_2025)
    card = make_donation(
        employee_a,
        association,
        10_000,
        source="card",
        when=IN_2025,
        payment=_payment(employee_a, association),
    )
    card.refunded_cents = 4_000  # 60 € kept of the 100 € card gift
    card.save()
    # Another year and another association are not on this receipt.
    make_donation(employee_a, association, 999, when=dt.datetime(2024, 12, 31, 12, tzinfo=dt.UTC))

    receipt = service.issue_employee_receipt(association=association, donor=employee_a, year=YEAR)

    # 12.50 + 25.00 - 2.50 = 35.00 by payroll, 60.00 by card: 95.00 €.
    assert receipt.amount_cents == 9_500
    assert receipt.content["payroll_cents"] == 3_500
    assert receipt.content["card_cents"] == 6_000
    assert receipt.number == 1
    assert receipt.reference == "2025-000001"
    assert receipt.content["amount_words"] == "quatre-vingt-quinze euros"


def _payment(profile, association):
    from donations.models import PaymentAttempt

    return PaymentAttempt.objects.create(
        company=profile.company,
        donor=profile,
        association=association,
        amount_cents=10_000,
        currency="EUR",
        provider="dummy",
        idempotency_key=f"k-{profile.pk}-{PaymentAttempt.objects.count()}",
        status="succeeded",
    )


def test_employee_receipt_pdf_has_every_mandatory_mention(employee_a):
    association = ready_association()
    give_address(employee_a)
    make_donation(employee_a, association, 12_005, when=IN_2025)
    make_donation(
        employee_a,
        association,
        3_000,
        source="card",
        when=IN_2025,
        payment=_payment(employee_a, association),
    )

    receipt = service.issue_employee_receipt(association=association, donor=employee_a, year=YEAR)
    with receipt.pdf.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-")
    text = " ".join(pdf_text(data).split())

    for mention in (
        "Cerfa n° 11580*05",
        "Reçu n° 2025-000001",
        # beneficiary: name, address, object, legal quality, RNA
        "Les Restos du Cœur de Lyon",
        "12 rue de la Soie, 69001 Lyon",
        "Aide alimentaire aux personnes démunies",
        "Association loi 1901 reconnue d'intérêt général",
        "Numéro RNA W691234567",
        # donor: name and full address
        employee_a.display_name,
        "3 place Bellecour, 69002 Lyon, France",
        # amount in figures and words (150.05 €), period, form, nature, payment methods
        "150,05",
        "cent cinquante euros et cinq centimes",
        "du 01/01/2025 au 31/12/2025",
        "Don manuel",
        "Numéraire",
        "Retenue sur salaire, Carte bancaire",
        "article 200 du CGI",
        # date and signature
        "Claire Martin, Présidente",
        "Fait le",
    ):
        assert mention in text, mention
    assert "978" not in text


def test_employee_without_address_waits(employee_a, company_a):
    association = ready_association()
    other = make_employee(company_a)
    give_address(other)
    make_donation(employee_a, association, 1_000, when=IN_2025)
    make_donation(other, association, 2_000, when=IN_2025)

    run = service.issue_employee_receipts(association=association, year=YEAR)

    assert [r.donor for r in run.issued] == [other]
    assert run.waiting_for_address == [employee_a]
    with pytest.raises(ReceiptError):
        service.issue_employee_receipt(association=association, donor=employee_a, year=YEAR)
    # Once the address is given, the next run issues theirs, with the next number.
    give_address(employee_a)
    again = service.issue_employee_receipts(association=association, year=YEAR)
    assert [(r.donor, r.number) for r in again.issued] == [(employee_a, 2)]
    assert again.already_issued == 1


def test_issuing_needs_the_delegation_and_a_closed_year(employee_a):
    association = ready_association()
    give_address(employee_a)
    make_donation(employee_a, association, 1_000, when=IN_2025)
    with pytest.raises(ReceiptError):
        service.issue_employee_receipts(association=association, year=YEAR + 1)
    receipt_settings = service.settings_of(association)
    receipt_settings.delegation_accepted_at = None
    receipt_settings.save()
    with pytest.raises(ReceiptError):
        service.issue_employee_receipts(association=association, year=YEAR)
    assert not TaxReceipt.objects.exists()


def test_delegation_is_accepted_once_with_who_and_version(employee_a):
    association = ready_association(admin_user=employee_a.user)
    first = service.settings_of(association).delegation_accepted_at
    again = service.accept_delegation(association=association, by=None)
    assert again.delegation_accepted_at == first
    assert again.delegation_accepted_by == employee_a.user
    assert again.delegation_text_version


def test_cancel_and_replace_keeps_the_sequence_gap_free(employee_a, company_a):
    association = ready_association()
    donors = [employee_a, make_employee(company_a), make_employee(company_a)]
    for i, donor in enumerate(donors):
        give_address(donor)
        make_donation(donor, association, 1_000 * (i + 1), when=IN_2025)
    service.issue_employee_receipts(association=association, year=YEAR)
    first = TaxReceipt.objects.get(donor=donors[1])
    assert first.number == 2

    # A gift was partly refunded after the receipt: cancel it, and the replacement says so.
    from donations.models import Donation

    Donation.objects.filter(donor=donors[1]).update(refunded_cents=500)
    replacement = service.cancel_receipt(
        receipt_id=first.pk, association_id=association.pk, reason="Refund of 5 €"
    )

    first.refresh_from_db()
    assert first.status == TaxReceipt.Status.CANCELLED
    assert first.cancelled_reason == "Refund of 5 €"
    assert replacement.replaces == first
    assert replacement.number == 4
    assert replacement.amount_cents == 1_500
    assert "annule et remplace le reçu n° 2025-000002" in " ".join(
        pdf_text(replacement.pdf.read()).split()
    )
    numbers = sorted(
        TaxReceipt.objects.filter(association=association).values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3, 4]
    assert ReceiptCounter.objects.get(association=association, year=YEAR).last_number == 4
    with pytest.raises(ReceiptError):
        service.cancel_receipt(receipt_id=first.pk, association_id=association.pk, reason="again")
    with pytest.raises(ReceiptError):
        service.cancel_receipt(receipt_id=replacement.pk, association_id=association.pk, reason=" ")

    summary = reads.yearly_summary(association.pk, YEAR)
    # Cancelled excluded, its replacement counted once: 10 + 15 + 30 = 55 €.
    assert (summary.count, summary.total_cents) == (3, 5_500)


def test_a_failed_receipt_gives_its_number_back(employee_a, monkeypatch):
    association = ready_association()
    give_address(employee_a)
    make_donation(employee_a, association, 1_000, when=IN_2025)

    def broken(*args, **kwargs):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(service, "render_receipt_pdf", broken)
    with pytest.raises(RuntimeError):
        service.issue_employee_receipt(association=association, donor=employee_a, year=YEAR)
    monkeypatch.undo()
    receipt = service.issue_employee_receipt(association=association, donor=employee_a, year=YEAR)
    assert receipt.number == 1


def test_company_receipt_covers_matching_and_company_gifts(employee_a, company_a):
    association = ready_association()
    _company_identity(company_a)
    policy = this_year_policy(company_a)
    gift = make_donation(employee_a, association, 4_000, when=IN_2025)
    _match(gift, 4_000, policy)
    refunded = make_donation(employee_a, association, 2_000, when=IN_2025)
    partly = _match(refunded, 2_000, policy)
    Match.objects.filter(pk=partly.pk).update(reversed_cents=500)
    common = {"company": company_a, "association": association}
    record_company_gift(
        **common,
        kind=CompanyGift.Kind.SKILLS_SPONSORSHIP,
        nature=CompanyGift.Nature.IN_KIND,
        amount_cents=123_456,
        given_on=dt.date(2025, 5, 2),
        source_reference="skills:1",
    )
    record_company_gift(
        **common,
        kind=CompanyGift.Kind.LEAVE_DAY,
        nature=CompanyGift.Nature.CASH,
        amount_cents=15_000,
        given_on=dt.date(2025, 9, 2),
        source_reference="leave:1",
    )
    cancelled = record_company_gift(
        **common,
        kind=CompanyGift.Kind.VOLUNTEER_GRANT,
        nature=CompanyGift.Nature.CASH,
        amount_cents=99_900,
        given_on=dt.date(2025, 9, 2),
        source_reference="grant:1",
    )
    from donations.services.company_gifts import cancel_company_gift

    cancel_company_gift(gift=cancelled, reason="duplicate")

    receipt = service.issue_company_receipt(
        association=association,
        company=company_a,
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
    )
    # matching 40 + 15 = 55 €, skills 1,234.56 € in kind, leave day 150 € cash.
    assert receipt.amount_cents == 5_500 + 123_456 + 15_000
    assert receipt.content["in_kind_cents"] == 123_456
    assert receipt.content["cash_cents"] == 20_500
    text = " ".join(pdf_text(receipt.pdf.read()).split())
    for mention in (
        "Cerfa n° 16216*02",
        "238 bis",
        f"{company_a.name} SAS",
        "SAS",
        "552100554",
        "Mécénat de compétences",
        "En nature (prestation de services)",
        "Don de jours de congé",
        "Abondement des dons des salariés",
        "mille quatre cent trente-neuf euros et cinquante-six centimes",
        "du 01/01/2025 au 31/12/2025",
        "Claire Martin",
        "Les Restos du Cœur de Lyon",
        "W691234567",
    ):
        assert mention in text, mention


def test_company_receipt_needs_legal_identity(company_a, employee_a):
    association = ready_association()
    make_donation(employee_a, association, 4_000, when=IN_2025)
    with pytest.raises(ReceiptError):
        service.issue_company_receipt(
            association=association,
            company=company_a,
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 12, 31),
        )


def test_receipt_totals_equal_the_donations_in_sql(employee_a, company_a, company_b):
    association = ready_association()
    donors = [employee_a, make_employee(company_a), make_employee(company_b)]
    for i, donor in enumerate(donors):
        give_address(donor)
        for month in range(1, 13):
            make_donation(
                donor,
                association,
                100 * (i + 1) + month,
                when=dt.datetime(2025, month, 10, 12, tzinfo=dt.UTC),
            )
    service.issue_employee_receipts(association=association, year=YEAR)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT donor_id, SUM(amount_cents - refunded_cents) FROM donations_donation "
            "WHERE association_id = %s AND status = 'succeeded' "
            "AND occurred_at >= %s AND occurred_at < %s GROUP BY donor_id",
            [association.pk, "2024-12-31 23:00:00", "2025-12-31 23:00:00"],
        )
        expected = dict(cursor.fetchall())
        cursor.execute(
            "SELECT donor_id, amount_cents FROM donations_taxreceipt "
            "WHERE association_id = %s AND status = 'issued'",
            [association.pk],
        )
        assert dict(cursor.fetchall()) == expected
    assert reads.yearly_summary(association.pk, YEAR).total_cents == sum(expected.values())


def test_own_mode_upload_files_the_association_pdf(employee_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    association = ready_association()
    service.update_receipt_settings(
        association=association,
        mode="own",
        signatory_name="",
        signatory_title="",
        object_text="",
        legal_quality="",
    )
    make_donation(employee_a, association, 7_700, when=IN_2025)
    pdf = SimpleUploadedFile("mine.pdf", b"%PDF-1.4 own receipt", content_type="application/pdf")
    receipt = service.upload_own_receipt(
        association=association,
        year=YEAR,
        batch=f"employee:{employee_a.pk}",
        own_reference="R-2025-17",
        pdf=pdf,
    )
    assert (receipt.origin, receipt.number, receipt.amount_cents) == ("uploaded", None, 7_700)
    assert receipt.reference == "R-2025-17"
    with pytest.raises(ReceiptError):
        service.upload_own_receipt(
            association=association,
            year=YEAR,
            batch=f"employee:{employee_a.pk}",
            own_reference="R-2025-18",
            pdf=SimpleUploadedFile("again.pdf", b"%PDF-1.4 x"),
        )
    with pytest.raises(ReceiptError):
        service.upload_own_receipt(
            association=association,
            year=YEAR,
            batch=f"employee:{employee_a.pk}",
            own_reference="R",
            pdf=SimpleUploadedFile("x.pdf", b"<html>not a pdf"),
        )
    with pytest.raises(ReceiptError):
        service.issue_employee_receipts(association=association, year=YEAR)
    assert reads.yearly_summary(association.pk, YEAR).count == 1


def test_signature_must_be_an_image(site_tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    association = ready_association()
    with pytest.raises(ReceiptError):
        service.update_receipt_settings(
            association=association,
            mode="cordee",
            signatory_name="A",
            signatory_title="B",
            object_text="",
            legal_quality="",
            signature=SimpleUploadedFile("s.png", b"GIF89a not a png"),
        )
