"""The demo's HR file (portal/demo/lumen-hr-export.csv) against Atelier Lumen's demo directory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from portal.demo.people import SME, ensure_company_people
from portal.models import EmployeeProfile
from portal.people import imports

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "portal" / "demo" / "lumen-hr-export.csv"


def test_the_sample_file_previews_a_small_diff_and_imports(site_tree):
    lumen = ensure_company_people(SME, headcount=80)  # the full demo's Atelier Lumen
    assert lumen.directory_source == "hr_file"
    data = SAMPLE.read_bytes()
    preview = imports.preview_file(lumen, data)
    assert preview.errors == []
    assert preview.counts == {
        "lines": 82,
        "joiners": 2,
        "movers": 2,
        "leavers": 1,
        "unchanged": 77,
        "absent": 0,
        "errors": 0,
    }
    row = imports.upload(company=lumen, user=None, name=SAMPLE.name, data=data)
    imports.confirm(row=row, user=None, fingerprint=preview.fingerprint)
    hugo = EmployeeProfile.objects.get(company=lumen, employee_number="LUM-00082")
    assert hugo.manager.user.email == "claire.vidal@lumen.example"
    assert hugo.hire_date == dt.date(2026, 12, 1) and hugo.language == "fr"
    leaver = EmployeeProfile.objects.get(company=lumen, employee_number="LUM-00012")
    assert leaver.leave_date == dt.date(2026, 12, 31)
