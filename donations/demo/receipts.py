"""Receipts demo data: the demo associations let Cordée issue last year's receipts.

The demo accounts (employee@, manager@, csr@... of each company) get a postal address and their
receipts for last year's gifts; each company gets its Cerfa 16216 receipt from the same
associations. Other donors have no address, so the associations' pages show receipts waiting.
Idempotent: settings are kept, and issuing skips what already has a live receipt.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from donations.models import DonorAddress, ReceiptSettings
from donations.selectors import receipts as reads
from donations.services import receipts as service
from portal.models import Company, EmployeeProfile

DEMO_ACCOUNTS = ("employee@", "manager@", "csr@", "payroll@", "executive@")
# Made-up legal identities (valid-looking SIRENs) for the demo companies' Cerfa 16216.
DEMO_LEGAL = {0: ("SA", "552100554"), 1: ("SAS", "732829320")}


def _signature(name: str) -> SimpleUploadedFile:
    """A small deterministic signature-like PNG (a few strokes)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 80), "white")
    draw = ImageDraw.Draw(image)
    seed = sum(name.encode())
    points = [(10 + i * 22, 40 + ((seed * (i + 3)) % 31) - 15) for i in range(10)]
    draw.line(points, fill=(20, 30, 90), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("signature.png", buffer.getvalue(), content_type="image/png")


def _ready(association) -> None:
    current = service.settings_of(association)
    if current.can_issue:
        return
    name = association.contact_name or "Camille Dubois"
    service.update_receipt_settings(
        association=association,
        mode=ReceiptSettings.Mode.CORDEE,
        signatory_name=name,
        signatory_title="Président(e)",
        object_text=association.summary[:300] or association.title,
        legal_quality="Association loi 1901 reconnue d'intérêt général",
        signature=_signature(name),
    )
    service.accept_delegation(association=association, by=None)


def seed(*, scale=None) -> None:
    from missions.models import AssociationPage

    year = timezone.localdate().year - 1
    for index, company in enumerate(Company.objects.order_by("pk")):
        if not company.siren:
            legal_form, siren = DEMO_LEGAL.get(index, ("SAS", "100000009"))
            company.legal_name = company.legal_name or company.name
            company.legal_form, company.siren = legal_form, siren
            company.registered_address = company.registered_address or "Paris, France"
            company.save(update_fields=["legal_name", "legal_form", "siren", "registered_address"])
    accounts = [
        p
        for p in EmployeeProfile.objects.select_related("user", "company").order_by("pk")
        if p.user.email.startswith(DEMO_ACCOUNTS)
    ]
    for profile in accounts:
        if not DonorAddress.objects.filter(profile=profile).exists():
            service.save_donor_address(
                profile=profile,
                street=f"{profile.pk % 90 + 1} rue de la République",
                postcode="69002",
                city="Lyon",
                country="France",
            )
    associations = AssociationPage.objects.filter(
        tax_receipt_eligible=True, vetting_status=AssociationPage.Vetting.APPROVED
    ).order_by("pk")
    for association in associations:
        donors = reads.employee_gifts(association_id=association.pk, year=year)
        mine = [p for p in accounts if p.pk in donors]
        if not mine:
            continue
        _ready(association)
        live = set(
            reads.receipts_of_association(association.pk, year=year)
            .filter(status="issued", kind="employee")
            .values_list("donor_id", flat=True)
        )
        for profile in mine:
            if profile.pk not in live:
                service.issue_employee_receipt(association=association, donor=profile, year=year)
        service.issue_company_receipts(
            association=association, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)
        )
