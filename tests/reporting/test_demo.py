"""The reporting demo seeder: one archived report per company with an executive, once."""

import pytest

from reporting.demo.reports import seed
from reporting.models import ImpactReport
from tests.factories import make_employee

pytestmark = pytest.mark.django_db


def test_seed_archives_one_report_per_company_and_is_idempotent(
    company_a, company_b, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    make_employee(company_a, email="ceo@alpha.example", is_executive=True)
    seed()
    seed()
    reports = ImpactReport.objects.all()
    assert [(r.company, r.status, r.language) for r in reports] == [(company_a, "ready", "fr")]
