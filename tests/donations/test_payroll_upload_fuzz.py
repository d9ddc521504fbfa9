"""Fuzzing the upload page: any file gives a clean import or a 400 naming lines, never a 500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from donations.services.payroll import open_payroll_run
from tests.donations.conftest import MONTH

pytestmark = pytest.mark.django_db

cells = st.one_of(
    st.sampled_from(["E001", "E002", "E003", "E999", "", "-1", "12,5", "1 000,00", '"', "x"]),
    st.text(max_size=8),
)
files = st.one_of(
    st.binary(max_size=200),
    st.lists(st.lists(cells, min_size=1, max_size=3), max_size=6).map(
        lambda rows: "\n".join(";".join(r) for r in [["matricule", "net"], *rows]).encode()
    ),
)


def test_upload_page_never_fails_and_writes_nothing_on_error(
    client, csr_a, company_a, payroll_people
):
    run = open_payroll_run(company=company_a, month=MONTH)
    client.force_login(csr_a.user)
    url = reverse("donations:payroll_run", args=[run.pk])

    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=files)
    def check(data):
        before = list(run.lines.values_list("employee_number", "net_pay_cents"))
        response = client.post(url, {"file": SimpleUploadedFile("f.csv", data)})
        assert response.status_code in (302, 400)
        if response.status_code == 400:
            assert list(run.lines.values_list("employee_number", "net_pay_cents")) == before
            errors = response.context["file_errors"]
            form = response.context["form"]
            assert errors or form.errors
            for error in errors.first if errors else []:
                assert error.line >= 1 and error.field

    check()
