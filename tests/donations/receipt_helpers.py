"""Builders for tax receipt tests: an association ready to issue, gifts of a closed year."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from donations.services import receipts as service
from missions.models import AssociationMembership
from tests.factories import make_association

YEAR = 2025
IN_2025 = dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC)


def signature_png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("signature.png", buffer.getvalue(), content_type="image/png")


def ready_association(*, admin_user=None, **fields):
    """An eligible association that lets Cordée issue its receipts."""
    defaults = {
        "legal_name": "Les Restos du Cœur de Lyon",
        "tax_receipt_eligible": True,
        "identifier_kind": "rna",
        "identifier": "W691234567",
        "address": "12 rue de la Soie",
        "postcode": "69001",
        "city": "Lyon",
    }
    defaults.update(fields)
    association = make_association(**defaults)
    service.update_receipt_settings(
        association=association,
        mode="cordee",
        signatory_name="Claire Martin",
        signatory_title="Présidente",
        object_text="Aide alimentaire aux personnes démunies",
        legal_quality="Association loi 1901 reconnue d'intérêt général",
        signature=signature_png(),
    )
    service.accept_delegation(association=association, by=admin_user)
    if admin_user is not None:
        AssociationMembership.objects.create(
            user=admin_user, association=association, role="admin", is_active=True
        )
    return association


def give_address(profile) -> None:
    service.save_donor_address(
        profile=profile, street="3 place Bellecour", postcode="69002", city="Lyon", country=""
    )


def pdf_text(data: bytes) -> str:
    """The PDF's text as pdftotext reads it (one line per visual line)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        return subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"], capture_output=True, check=True, text=True
        ).stdout
