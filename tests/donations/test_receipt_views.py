"""Receipt pages: the association's workspace, the employee's receipts, the company's receipts,
and tenancy (another association's, company's or employee's ids answer 404)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from donations.models import CompanyGift, DonorAddress, TaxReceipt
from donations.services import receipts as service
from donations.services.company_gifts import record_company_gift
from missions.models import AssociationMembership
from tests.donations.helpers import make_donation
from tests.donations.receipt_helpers import (
    IN_2025,
    YEAR,
    give_address,
    pdf_text,
    ready_association,
    signature_png,
)
from tests.factories import make_employee

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_pages(client):
    """Pages' messages are checked in English (the French ones are in the .po file)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def admin_user(company_b):
    # Association people have their own accounts; any user works for the membership.
    return make_employee(company_b, email="treasurer@beta.example").user


@pytest.fixture
def association(admin_user):
    return ready_association(admin_user=admin_user)


def _home(association_id) -> str:
    return reverse("association_receipts:home", args=[association_id])


def _issued(association, donor) -> TaxReceipt:
    give_address(donor)
    make_donation(donor, association, 4_200, when=IN_2025)
    return service.issue_employee_receipt(association=association, donor=donor, year=YEAR)


def test_admin_issues_downloads_cancels_and_summarises(
    client, admin_user, association, employee_a, company_a
):
    give_address(employee_a)
    make_donation(employee_a, association, 4_200, when=IN_2025)
    waiting = make_employee(company_a)
    make_donation(waiting, association, 1_000, when=IN_2025)
    client.force_login(admin_user)

    page = client.get(_home(association.pk), {"year": YEAR})
    assert page.status_code == 200
    assert b"waiting for the donor" in page.content

    response = client.post(
        reverse("association_receipts:issue", args=[association.pk]), {"year": YEAR}, follow=True
    )
    assert response.status_code == 200
    receipt = TaxReceipt.objects.get(association=association)
    assert receipt.donor == employee_a
    assert b"1 receipt issued" in response.content
    assert b"1 donor has not given a postal address" in response.content

    download = client.get(
        reverse("association_receipts:download", args=[association.pk, receipt.pk])
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "42,00" in pdf_text(b"".join(download.streaming_content))

    cancel = client.post(
        reverse("association_receipts:cancel", args=[association.pk, receipt.pk]),
        {"reason": "Wrong address", "replace": "on"},
    )
    assert cancel.status_code == 302
    receipt.refresh_from_db()
    assert receipt.status == "cancelled"
    assert receipt.replaced_by.number == 2

    summary = client.get(reverse("association_receipts:summary", args=[association.pk, YEAR]))
    assert summary.status_code == 200
    csv = client.get(
        reverse("association_receipts:summary", args=[association.pk, YEAR]),
        {"format": "csv"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    rows = csv.content.decode("utf-8-sig").splitlines()
    assert rows[1] == "2025;1;42,00;EUR"  # the default language is French


def test_admin_saves_settings_and_accepts_delegation(client, admin_user, site_tree):
    from tests.factories import make_association

    association = make_association(tax_receipt_eligible=True)
    AssociationMembership.objects.create(user=admin_user, association=association, role="admin")
    client.force_login(admin_user)
    response = client.post(
        reverse("association_receipts:settings", args=[association.pk]),
        {
            "mode": "cordee",
            "signatory_name": "Jeanne Roux",
            "signatory_title": "Trésorière",
            "object_text": "Reforestation",
            "legal_quality": "Association loi 1901",
            "signature": signature_png(),
        },
    )
    assert response.status_code == 302
    settings = service.settings_of(association)
    assert settings.signatory_name == "Jeanne Roux" and settings.signature
    assert not settings.can_issue
    client.post(reverse("association_receipts:delegation", args=[association.pk]), {})
    settings.refresh_from_db()
    assert settings.delegation_accepted_at is None
    client.post(
        reverse("association_receipts:delegation", args=[association.pk]), {"accept": "yes"}
    )
    settings.refresh_from_db()
    assert settings.delegation_accepted_by == admin_user and settings.can_issue


def test_own_mode_upload_through_the_page(client, admin_user, association, employee_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    service.update_receipt_settings(
        association=association,
        mode="own",
        signatory_name="",
        signatory_title="",
        object_text="",
        legal_quality="",
    )
    make_donation(employee_a, association, 3_300, when=IN_2025)
    client.force_login(admin_user)
    response = client.post(
        reverse("association_receipts:upload", args=[association.pk]),
        {
            "year": YEAR,
            "batch": f"employee:{employee_a.pk}",
            "own_reference": "2025/17",
            "pdf": SimpleUploadedFile("r.pdf", b"%PDF-1.4 mine", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    receipt = TaxReceipt.objects.get(association=association)
    assert (receipt.origin, receipt.amount_cents, receipt.own_reference) == (
        "uploaded",
        3_300,
        "2025/17",
    )


def test_plain_member_reads_but_cannot_change(client, association, employee_a, company_b):
    receipt = _issued(association, employee_a)
    member = make_employee(company_b).user
    AssociationMembership.objects.create(user=member, association=association, role="member")
    client.force_login(member)
    assert client.get(_home(association.pk)).status_code == 200
    assert (
        client.get(
            reverse("association_receipts:download", args=[association.pk, receipt.pk])
        ).status_code
        == 200
    )
    for name, args in (
        ("issue", [association.pk]),
        ("settings", [association.pk]),
        ("delegation", [association.pk]),
        ("upload", [association.pk]),
        ("issue_company", [association.pk]),
        ("cancel", [association.pk, receipt.pk]),
    ):
        response = client.post(
            reverse(f"association_receipts:{name}", args=args),
            {"year": YEAR, "reason": "x", "accept": "yes"},
        )
        assert response.status_code == 404, name
    receipt.refresh_from_db()
    assert receipt.status == "issued"


def test_another_association_and_its_receipts_are_404(client, admin_user, association, employee_a):
    other = ready_association(legal_name="Autre", identifier="W690000001")
    theirs = _issued(other, employee_a)
    mine = _issued(association, make_employee(employee_a.company))
    client.force_login(admin_user)
    # Another association's pages, and its receipt through my association's URL.
    assert client.get(_home(other.pk)).status_code == 404
    assert (
        client.get(reverse("association_receipts:summary", args=[other.pk, YEAR])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("association_receipts:download", args=[association.pk, theirs.pk])
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("association_receipts:cancel", args=[association.pk, theirs.pk]),
            {"reason": "x"},
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.status == "issued"
    assert (
        client.get(
            reverse("association_receipts:download", args=[association.pk, mine.pk])
        ).status_code
        == 200
    )


def test_non_members_and_inactive_members_get_404(client, association, employee_a, admin_user):
    client.force_login(employee_a.user)
    assert client.get(_home(association.pk)).status_code == 404
    AssociationMembership.objects.filter(user=admin_user).update(is_active=False)
    client.force_login(admin_user)
    assert client.get(_home(association.pk)).status_code == 404


def test_employee_downloads_only_their_own_receipts(
    client, association, employee_a, company_a, employee_b
):
    mine = _issued(association, employee_a)
    colleague = _issued(association, make_employee(company_a))
    other_company = _issued(association, employee_b)
    client.force_login(employee_a.user)
    home = client.get(reverse("donations:home"))
    assert mine.reference.encode() in home.content
    assert colleague.reference.encode() not in home.content
    assert (
        client.get(reverse("donations:receipt_download", args=[mine.pk]))["Content-Type"]
        == "application/pdf"
    )
    for receipt in (colleague, other_company):
        assert (
            client.get(reverse("donations:receipt_download", args=[receipt.pk])).status_code == 404
        )
        assert (
            client.get(reverse("donations:company_receipt_download", args=[receipt.pk])).status_code
            == 404
        )


def test_employee_gives_their_address(client, employee_a):
    client.force_login(employee_a.user)
    page = client.get(reverse("donations:receipts"))
    assert page.status_code == 200
    response = client.post(
        reverse("donations:receipts"),
        {"street": "1 rue Neuve", "postcode": "69003", "city": "Lyon", "country": "France"},
    )
    assert response.status_code == 302
    assert (
        DonorAddress.objects.get(profile=employee_a).one_line == "1 rue Neuve, 69003 Lyon, France"
    )
    bad = client.post(reverse("donations:receipts"), {"street": "", "postcode": "", "city": ""})
    assert bad.status_code == 200
    assert DonorAddress.objects.get(profile=employee_a).street == "1 rue Neuve"


def test_company_receipts_for_officers_of_that_company_only(
    client, association, company_a, csr_a, csr_b, employee_a
):
    company_a.legal_form, company_a.siren = "SA", "552100554"
    company_a.save()
    record_company_gift(
        company=company_a,
        association=association,
        kind=CompanyGift.Kind.SKILLS_SPONSORSHIP,
        nature=CompanyGift.Nature.IN_KIND,
        amount_cents=50_000,
        given_on=dt.date(2025, 4, 1),
        source_reference="skills:views",
    )
    receipt = service.issue_company_receipt(
        association=association,
        company=company_a,
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
    )
    client.force_login(csr_a.user)
    listing = client.get(reverse("donations:company_receipts"))
    assert receipt.reference.encode() in listing.content
    url = reverse("donations:company_receipt_download", args=[receipt.pk])
    assert client.get(url).status_code == 200
    client.force_login(csr_b.user)
    assert client.get(url).status_code == 404
    assert (
        receipt.reference.encode() not in client.get(reverse("donations:company_receipts")).content
    )
    client.force_login(employee_a.user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("donations:company_receipts")).status_code == 404


def test_association_home_queries_do_not_grow_with_receipts(
    client, admin_user, association, company_a, django_assert_max_num_queries
):
    for _ in range(6):
        _issued(association, make_employee(company_a))
    client.force_login(admin_user)
    with django_assert_max_num_queries(25):
        response = client.get(_home(association.pk), {"year": YEAR})
    assert response.content.count(b"Download receipt") == 6
