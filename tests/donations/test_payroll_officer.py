"""The payroll officer: runs payroll and the money trail of their company, nothing more."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from donations.models import DisbursementBatch, PayrollRun
from donations.services.payroll import import_net_pay, open_payroll_run
from portal.services import set_roles
from tests.donations.conftest import MONTH, NET_PAY_FILE
from tests.donations.helpers import confirm_form
from tests.factories import make_employee

pytestmark = pytest.mark.django_db


@pytest.fixture
def payroll_a(company_a):
    return make_employee(company_a, email="paie@alpha.example", is_payroll_officer=True)


@pytest.fixture
def payroll_b(company_b):
    return make_employee(company_b, is_payroll_officer=True)


def test_the_role_is_granted_and_withdrawn_by_the_service(employee_a):
    assert "payroll_officer" not in employee_a.roles
    set_roles(profile=employee_a, payroll_officer=True)
    employee_a.refresh_from_db()
    assert employee_a.is_payroll_officer and "payroll_officer" in employee_a.roles
    # Payroll work gives no CMS access: that stays with CSR officers.
    assert not employee_a.user.groups.exists()
    set_roles(profile=employee_a, payroll_officer=False)
    employee_a.refresh_from_db()
    assert not employee_a.is_payroll_officer


def test_payroll_officer_runs_the_month(client, payroll_a, company_a, payroll_people, policy_a):
    client.force_login(payroll_a.user)
    response = client.post(reverse("donations:payroll_runs"), {"month": MONTH.strftime("%Y-%m")})
    run = PayrollRun.objects.get(company=company_a)
    assert response.status_code == 302
    import_net_pay(run=run, data=NET_PAY_FILE)
    assert client.get(reverse("donations:payroll_run", args=[run.pk])).status_code == 200
    assert client.post(reverse("donations:payroll_run_export", args=[run.pk])).status_code == 200
    client.post(
        reverse("donations:payroll_run_confirm", args=[run.pk]), confirm_form(run, acknowledge="on")
    )
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.CONFIRMED
    assert run.confirmed_by == payroll_a.user


def test_the_month_to_open_defaults_to_the_current_one(client, payroll_a):
    client.force_login(payroll_a.user)
    html = client.get(reverse("donations:payroll_runs")).content.decode()
    assert f'value="{timezone.localdate():%Y-%m}"' in html


def test_payroll_officer_keeps_the_money_trail(client, payroll_a, company_a, payroll_people):
    client.force_login(payroll_a.user)
    assert client.get(reverse("donations:finance")).status_code == 200
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    client.post(reverse("donations:payroll_run_export", args=[run.pk]))
    client.post(
        reverse("donations:payroll_run_confirm", args=[run.pk]), confirm_form(run, acknowledge="on")
    )
    client.post(reverse("donations:disbursement_create"))
    batch = DisbursementBatch.objects.get(company=company_a)
    client.post(reverse("donations:disbursement_paid", args=[batch.pk]), {"reference": "VIR-9"})
    batch.refresh_from_db()
    assert batch.reference == "VIR-9" and batch.paid_at


def test_payroll_officer_does_not_set_the_csr_rules(client, payroll_a):
    client.force_login(payroll_a.user)
    for name in ("round_up_settings", "rules_policies", "rules_pledge_bounds", "rules_refunds"):
        assert client.get(reverse(f"donations:{name}")).status_code == 404, name


def test_giving_page_shows_the_payroll_links_only(client, payroll_a):
    client.force_login(payroll_a.user)
    html = client.get(reverse("donations:home")).content.decode()
    assert reverse("donations:payroll_runs") in html
    assert reverse("donations:finance") in html
    assert reverse("donations:round_up_settings") not in html
    assert reverse("donations:rules_policies") not in html


def test_money_trail_shows_the_rules_links_to_csr_officers_only(client, payroll_a, csr_a):
    client.force_login(payroll_a.user)
    assert (
        reverse("donations:rules_policies")
        not in client.get(reverse("donations:finance")).content.decode()
    )
    client.force_login(csr_a.user)
    assert (
        reverse("donations:rules_policies")
        in client.get(reverse("donations:finance")).content.decode()
    )


def test_company_b_payroll_officer_cannot_touch_company_a_runs(
    client, payroll_b, company_a, payroll_people
):
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    client.force_login(payroll_b.user)
    assert client.get(reverse("donations:payroll_run", args=[run.pk])).status_code == 404
    for name in ("payroll_run_export", "payroll_run_confirm", "payroll_run_adjust"):
        assert client.post(reverse(f"donations:{name}", args=[run.pk])).status_code == 404
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.PREVIEWED


def test_company_b_payroll_officer_cannot_pay_company_a_batches(
    client, payroll_a, payroll_b, company_a, payroll_people
):
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    client.force_login(payroll_a.user)
    client.post(reverse("donations:payroll_run_export", args=[run.pk]))
    client.post(
        reverse("donations:payroll_run_confirm", args=[run.pk]), confirm_form(run, acknowledge="on")
    )
    client.post(reverse("donations:disbursement_create"))
    batch = DisbursementBatch.objects.get(company=company_a)
    client.force_login(payroll_b.user)
    url = reverse("donations:disbursement_paid", args=[batch.pk])
    assert client.post(url, {"reference": "X"}).status_code == 404
    batch.refresh_from_db()
    assert batch.paid_at is None
