"""Giving pages: employee and CSR journeys, and tenant/role isolation (404 for others' ids)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from donations.models import Donation, PaymentAttempt, PayrollRun, Pledge
from donations.services.matching import match_donation
from donations.services.payroll import export_deductions, import_net_pay, open_payroll_run
from portal.models import EmployeeProfile
from tests.donations.conftest import MONTH, NET_PAY_FILE
from tests.donations.helpers import confirm_form, make_donation
from tests.factories import make_employee

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("donations:home"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_employee_creates_a_pledge_through_the_form(client, employee_a, round_up_a):
    EmployeeProfile.objects.filter(pk=employee_a.pk).update(employee_number="E-7")
    client.force_login(employee_a.user)
    first, second = round_up_a
    response = client.post(
        reverse("donations:pledge"),
        {
            "rule": "round_5",
            f"share_{first.pk}": "70",
            f"share_{second.pk}": "30",
            "monthly_cap": "8,50",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get(employee=employee_a)
    assert pledge.rule == "round_5" and pledge.monthly_cap_cents == 850
    assert sorted(pledge.allocations.values_list("percent", flat=True)) == [30, 70]


def test_pledge_form_refuses_shares_not_summing_to_100(client, employee_a, round_up_a):
    client.force_login(employee_a.user)
    response = client.post(
        reverse("donations:pledge"),
        {"rule": "cents", f"share_{round_up_a[0].pk}": "50", "consent": "on"},
    )
    assert response.status_code == 200
    assert not Pledge.objects.exists()


def test_pledge_form_needs_consent(client, employee_a, round_up_a):
    client.force_login(employee_a.user)
    client.post(reverse("donations:pledge"), {"rule": "cents", f"share_{round_up_a[0].pk}": "100"})
    assert not Pledge.objects.exists()


def test_employee_stops_the_pledge(client, employee_a, round_up_a):
    from tests.donations.conftest import pledge_for

    pledge_for(employee_a, round_up_a)
    client.force_login(employee_a.user)
    client.post(reverse("donations:pledge_stop"))
    assert Pledge.objects.get().end_month is not None


def test_history_shows_the_match(client, employee_a, associations, policy_a):
    donation = make_donation(employee_a, associations[0], 1000)
    match_donation(donation)
    client.force_login(employee_a.user)
    body = client.get(reverse("donations:home")).content.decode()
    assert "10,00" in body and "20,00" in body


def test_employee_never_sees_another_employees_gifts(client, company_a, employee_a, associations):
    other = make_employee(company_a, first_name="Other")
    make_donation(other, associations[1], 4321)
    client.force_login(employee_a.user)
    assert "43,21" not in client.get(reverse("donations:home")).content.decode()
    assert "43,21" not in client.get(reverse("donations:statement", args=[2026])).content.decode()


def test_employee_cannot_open_another_employees_payment(
    client, company_a, employee_a, associations
):
    other = make_employee(company_a)
    attempt = PaymentAttempt.objects.create(
        company=company_a,
        donor=other,
        association=associations[0],
        amount_cents=500,
        currency="EUR",
        provider="dummy",
        idempotency_key="k-other",
    )
    client.force_login(employee_a.user)
    assert client.get(reverse("donations:card_pay", args=[attempt.pk])).status_code == 404
    assert client.get(reverse("donations:card_done", args=[attempt.pk])).status_code == 404


def test_payroll_pages_are_for_csr_officers_only(client, employee_a, company_a):
    run = open_payroll_run(company=company_a, month=MONTH)
    client.force_login(employee_a.user)
    assert client.get(reverse("donations:payroll_runs")).status_code == 404
    assert client.get(reverse("donations:payroll_run", args=[run.pk])).status_code == 404
    assert client.get(reverse("donations:finance")).status_code == 404


def test_company_b_cannot_see_or_act_on_company_a_runs(client, company_a, csr_b, payroll_people):
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    client.force_login(csr_b.user)
    for name in ("payroll_run", "payroll_run_progress"):
        assert client.get(reverse(f"donations:{name}", args=[run.pk])).status_code == 404
    for name in ("payroll_run_export", "payroll_run_confirm"):
        assert client.post(reverse(f"donations:{name}", args=[run.pk])).status_code == 404
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.PREVIEWED
    # B's list of runs does not link to A's run.
    listing = client.get(reverse("donations:payroll_runs")).content.decode()
    assert reverse("donations:payroll_run", args=[run.pk]) not in listing


def test_company_b_finance_does_not_show_company_a_money(client, employee_a, csr_b, associations):
    make_donation(employee_a, associations[0], 98765)
    client.force_login(csr_b.user)
    assert "987,65" not in client.get(reverse("donations:finance")).content.decode()


def test_csr_runs_the_month_upload_preview_export_confirm(client, csr_a, payroll_people, policy_a):
    client.force_login(csr_a.user)
    response = client.post(reverse("donations:payroll_runs"), {"month": "2026-03"})
    run = PayrollRun.objects.get()
    assert response["Location"] == reverse("donations:payroll_run", args=[run.pk])
    upload = SimpleUploadedFile("paie.csv", NET_PAY_FILE, content_type="text/csv")
    client.post(reverse("donations:payroll_run", args=[run.pk]), {"file": upload})
    page = client.get(reverse("donations:payroll_run", args=[run.pk])).content.decode()
    assert "E001" in page and "0,67" in page
    export = client.post(reverse("donations:payroll_run_export", args=[run.pk]))
    assert export["Content-Type"].startswith("text/csv")
    assert b"E001;0,67;" in export.content
    client.post(
        reverse("donations:payroll_run_confirm", args=[run.pk]), confirm_form(run, acknowledge="on")
    )
    assert Donation.objects.count() == 3
    client.post(
        reverse("donations:payroll_run_confirm", args=[run.pk]), confirm_form(run, acknowledge="on")
    )
    assert Donation.objects.count() == 3


def test_bad_upload_lists_errors_and_writes_nothing(client, csr_a, company_a, payroll_people):
    run = open_payroll_run(company=company_a, month=MONTH)
    client.force_login(csr_a.user)
    upload = SimpleUploadedFile("paie.csv", b"matricule;net\nE001;abc\nE404;3\n")
    response = client.post(reverse("donations:payroll_run", args=[run.pk]), {"file": upload})
    assert response.status_code == 400
    body = response.content.decode()
    # The page speaks the site's language (French): each error names its line and field.
    assert "pas un nombre" in body and "salarié·e inconnu·e" in body
    assert not run.lines.exists()
    upload = SimpleUploadedFile("paie.csv", b"matricule;net\nE001;12\nE404;3\n")
    client.post(
        reverse("donations:payroll_run", args=[run.pk]),
        {"file": upload, "exclude": "on", "excluded_lines": "3"},
    )
    assert list(run.lines.values_list("employee_number", flat=True)) == ["E001"]


def test_upload_to_an_exported_run_is_refused(client, csr_a, company_a, payroll_people):
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    export_deductions(run=run)
    client.force_login(csr_a.user)
    upload = SimpleUploadedFile("paie.csv", b"matricule;net\nE001;99\n")
    response = client.post(reverse("donations:payroll_run", args=[run.pk]), {"file": upload})
    # A conflict with the run's state, said in words (it was exported, when), not a bare 400.
    assert response.status_code == 409
    assert 'id="run-locked"' in response.content.decode()
    assert run.lines.get(employee_number="E001").net_pay_cents == 234567


def test_card_donation_with_dummy_provider_stores_the_key_first(client, employee_a, associations):
    client.force_login(employee_a.user)
    response = client.post(
        reverse("donations:card"),
        {"association": associations[0].pk, "amount": "25", "cover_fees": "on"},
    )
    attempt = PaymentAttempt.objects.get()
    assert response["Location"] == reverse("donations:card_pay", args=[attempt.pk])
    assert attempt.idempotency_key and attempt.external_id
    assert attempt.fee_cents == 63  # 1.5 % of 25 € rounded up + 0.25 €
    # The browser's return never records money.
    client.get(reverse("donations:card_done", args=[attempt.pk]))
    assert not Donation.objects.exists()


def test_statement_pdf_downloads(client, employee_a, associations):
    make_donation(employee_a, associations[0], 12000)
    client.force_login(employee_a.user)
    response = client.get(reverse("donations:statement", args=[2026]), {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_round_up_settings_are_per_company(client, csr_a, csr_b, company_a, associations):
    client.force_login(csr_a.user)
    client.post(reverse("donations:round_up_settings"), {"associations": [associations[0].pk]})
    from donations.models import RoundUpAssociation

    assert list(RoundUpAssociation.objects.values_list("company_id", flat=True)) == [company_a.pk]


def test_csr_records_an_adjustment_on_a_confirmed_run(client, csr_a, company_a, payroll_people):
    from donations.services.payroll import confirm_payroll_run

    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    export_deductions(run=run)
    confirm_payroll_run(run=run)
    association = payroll_people[1].pledges.get().allocations.get().association
    client.force_login(csr_a.user)
    url = reverse("donations:payroll_run_adjust", args=[run.pk])
    client.post(
        url,
        {
            "employee_number": "E002",
            "association": association.pk,
            "amount": "-0,40",
            "reason": "net pay corrected",
        },
    )
    adjustment = Donation.objects.get(source="adjustment")
    assert adjustment.amount_cents == -40 and adjustment.donor == payroll_people[1]
    assert (
        "net pay corrected"
        in client.get(reverse("donations:payroll_run", args=[run.pk])).content.decode()
    )


def test_adjustment_refuses_another_companys_employee(
    client, csr_a, company_a, company_b, payroll_people, round_up_a
):
    from donations.services.payroll import confirm_payroll_run

    make_employee(company_b, employee_number="B001")
    run = open_payroll_run(company=company_a, month=MONTH)
    import_net_pay(run=run, data=NET_PAY_FILE)
    export_deductions(run=run)
    confirm_payroll_run(run=run)
    client.force_login(csr_a.user)
    client.post(
        reverse("donations:payroll_run_adjust", args=[run.pk]),
        {
            "employee_number": "B001",
            "association": round_up_a[0].pk,
            "amount": "5",
            "reason": "x",
        },
    )
    assert not Donation.objects.filter(source="adjustment").exists()


def pledge_post(round_up) -> dict:
    return {"rule": "cents", f"share_{round_up[0].pk}": "100", "consent": "on"}


def test_pledge_without_employee_number_is_explained_and_refused(client, employee_a, round_up_a):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(employee_a.user)
    html = client.get(reverse("donations:pledge")).content.decode()
    assert 'id="missing-employee-number"' in html
    assert "Payroll files match people by their employee number" in html
    assert 'href="/profile/"' in html  # a manual company: the employee enters it there
    assert 'name="consent"' not in html

    response = client.post(reverse("donations:pledge"), pledge_post(round_up_a))
    assert response.status_code == 200
    assert "Payroll files match people by their employee number" in response.content.decode()
    assert not Pledge.objects.exists()


def test_synced_company_says_to_ask_hr_for_the_number(client, company_a, employee_a, round_up_a):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    company_a.directory_source = "hr_file"
    company_a.save()
    client.force_login(employee_a.user)
    html = client.get(reverse("donations:pledge")).content.decode()
    assert "ask your HR or CSR team" in html
    assert (
        'href="/profile/"' not in html.split('id="missing-employee-number"')[1].split("</div>")[0]
    )


def test_the_service_refuses_a_pledge_without_number(employee_a, round_up_a):
    from donations.exceptions import MissingEmployeeNumber
    from donations.services.pledges import PledgeTerms, create_pledge

    terms = PledgeTerms(rule="cents", allocations={round_up_a[0].pk: 100})
    with pytest.raises(MissingEmployeeNumber):
        create_pledge(profile=employee_a, terms=terms, consent=True)
    assert not Pledge.objects.exists()
    EmployeeProfile.objects.filter(pk=employee_a.pk).update(employee_number="E-8")
    employee_a.refresh_from_db()
    assert create_pledge(profile=employee_a, terms=terms, consent=True).employee == employee_a


def test_run_page_lists_pledgers_without_number_before_the_upload(
    client, company_a, round_up_a, employee_a
):
    from tests.donations.conftest import pledge_for

    officer = make_employee(company_a, is_payroll_officer=True)
    numbered = make_employee(company_a, employee_number="N-1", first_name="Numa")
    pledge_for(numbered, round_up_a)
    nobody = make_employee(company_a, email="sans@alpha.example", first_name="Sans")
    pledge_for(nobody, round_up_a)  # its number removed afterwards (tests.factories)
    run = open_payroll_run(company=company_a, month=MONTH)
    client.force_login(officer.user)
    page = client.get(reverse("donations:payroll_run", args=[run.pk])).content.decode()
    section = page.split('id="pledgers-without-number"')[1].split("</section>")[0]
    assert "sans@alpha.example" in section
    assert "Numa" not in section
    assert page.index('id="pledgers-without-number"') < page.index('id="upload-heading"')
