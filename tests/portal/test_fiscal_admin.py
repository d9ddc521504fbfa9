"""The platform admin's fiscal rules: list with references, new dated values, past values locked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.fiscal import FiscalKey, FiscalParameter, rule

pytestmark = pytest.mark.django_db

DENIED = {302, 403, 404}


def form_data(parameter: FiscalParameter, **changes) -> dict:
    data = {
        "key": parameter.key,
        "valid_from": parameter.valid_from.isoformat(),
        "value": str(parameter.value),
        "reference": parameter.reference,
        "note": parameter.note,
    }
    if parameter.is_verified:
        data["is_verified"] = "on"
    data.update(changes)
    return data


def ceiling_2000() -> FiscalParameter:
    return FiscalParameter.objects.get(
        key=FiscalKey.INDIVIDUAL_HELPING_CEILING, valid_from=dt.date(2025, 10, 14)
    )


def test_the_list_shows_value_date_reference_and_verified_flag(admin_client):
    body = admin_client.get("/admin/fiscal-rules/?key=individual_helping_ceiling").content.decode()
    assert "Loi de finances pour 2026" in body
    assert "loi 2025-127 art. 6" in body
    assert "000,00" in body or "2,000.00" in body


def test_a_new_dated_value_is_added_and_used_from_its_day(admin_client):
    future = timezone.localdate() + dt.timedelta(days=40)
    response = admin_client.post(
        "/admin/fiscal-rules/new/",
        {
            "key": FiscalKey.LEAVE_DAYS_PER_YEAR,
            "valid_from": future.isoformat(),
            "value": "5",
            "reference": "Décret de test",
            "note": "",
            "is_verified": "on",
        },
    )
    assert response.status_code == 302
    assert rule(FiscalKey.LEAVE_DAYS_PER_YEAR, future).count == 5
    assert rule(FiscalKey.LEAVE_DAYS_PER_YEAR, timezone.localdate()).count == 3


def test_a_value_in_force_keeps_its_figure_but_its_reference_can_be_corrected(admin_client):
    row = ceiling_2000()
    url = f"/admin/fiscal-rules/edit/{row.pk}/"
    page = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "add a new value with the date it applies from" in page
    response = admin_client.post(
        url,
        form_data(row, value="300000", valid_from="2025-11-01", reference="LF 2026 art. 3"),
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.value == Decimal("200000")
    assert row.valid_from == dt.date(2025, 10, 14)
    assert row.reference == "LF 2026 art. 3"


def test_a_value_in_force_cannot_be_deleted_a_future_one_can(admin_client):
    row = ceiling_2000()
    admin_client.post(f"/admin/fiscal-rules/delete/{row.pk}/")
    assert FiscalParameter.objects.filter(pk=row.pk).exists()
    future = FiscalParameter.objects.create(
        key=FiscalKey.PSS_MONTHLY,
        valid_from=timezone.localdate() + dt.timedelta(days=60),
        value=Decimal("410000"),
        reference="Arrêté de test",
    )
    edited = admin_client.post(
        f"/admin/fiscal-rules/edit/{future.pk}/", form_data(future, value="420000")
    )
    assert edited.status_code == 302
    future.refresh_from_db()
    assert future.value == Decimal("420000")
    admin_client.post(f"/admin/fiscal-rules/delete/{future.pk}/")
    assert not FiscalParameter.objects.filter(pk=future.pk).exists()


def test_company_people_cannot_open_the_fiscal_rules(client, csr_a, employee_a):
    row = ceiling_2000()
    for profile in (csr_a, employee_a):
        client.force_login(profile.user)
        assert client.get("/admin/fiscal-rules/").status_code in DENIED
        assert client.get(f"/admin/fiscal-rules/edit/{row.pk}/").status_code in DENIED
        client.post(f"/admin/fiscal-rules/edit/{row.pk}/", form_data(row, note="hacked"))
        client.post(f"/admin/fiscal-rules/delete/{row.pk}/")
    row.refresh_from_db()
    assert row.note != "hacked"
