"""The ledger pages: executives' and CSR officers' finance view, figures form and CSV export."""

import datetime as dt

import pytest
from django.urls import reverse

from donations.models import AuditEntry, CompanyFiscalYear
from donations.services.company_gifts import record_company_gift
from tests.factories import make_association, make_employee

pytestmark = pytest.mark.django_db


@pytest.fixture
def executive_a(company_a):
    return make_employee(company_a, is_executive=True)


@pytest.fixture
def gifts(company_a, company_b, site_tree):
    ours = make_association(
        title="Les Restos", legal_name="Les Restos", helps_people_in_difficulty=True
    )
    theirs = make_association(title="Qzbeta Only", legal_name="Qzbeta Only")
    record_company_gift(
        company=company_a,
        association=ours,
        kind="grant",
        amount_cents=2_500_000,
        given_on=dt.date(2026, 4, 1),
        source_reference="grant:a",
    )
    record_company_gift(
        company=company_b,
        association=theirs,
        kind="grant",
        amount_cents=9_900_000,
        given_on=dt.date(2026, 4, 1),
        source_reference="grant:b",
    )


def test_an_executive_reads_the_ledger_of_a_fiscal_year_with_its_rules(client, executive_a, gifts):
    client.force_login(executive_a.user)
    assert client.get(reverse("donations:ledger")).status_code == 302
    response = client.get(reverse("donations:ledger_year", args=[2026]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Les Restos" in body and "Qzbeta" not in body
    assert "CGI art. 238 bis-1" in body  # each rule with its reference
    assert "25\u202f000,00\xa0€" in body or "25 000,00" in body or "€25,000.00" in body


def test_figures_are_saved_audited_and_bad_input_writes_nothing(client, csr_a, company_a, gifts):
    client.force_login(csr_a.user)
    url = reverse("donations:ledger_figures", args=[2026])
    bad = client.post(url, {"turnover": "-5", "tax_due": "abc"})
    assert bad.status_code == 400 and not CompanyFiscalYear.objects.exists()
    ok = client.post(url, {"turnover": "10 000 000", "tax_due": ""})
    assert ok.status_code == 302
    row = CompanyFiscalYear.objects.get(company=company_a, year=2026)
    assert (row.turnover_cents, row.tax_due_cents, row.updated_by) == (
        1_000_000_000,
        None,
        csr_a.user,
    )
    assert AuditEntry.objects.filter(action="ledger.figures_set", company=company_a).count() == 1
    page = client.get(reverse("donations:ledger_year", args=[2026]))
    assert page.context["p"].cap_cents == 5_000_000  # 5 ‰ of 10 M€


def test_the_csv_lists_every_gift_of_the_company_only(client, executive_a, gifts):
    client.force_login(executive_a.user)
    response = client.get(reverse("donations:ledger_csv", args=[2026]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mecenat-ledger-2026.csv"'
    text = response.content.decode("utf-8-sig")
    assert "grant:a" in text and "grant:b" not in text and "Qzbeta" not in text
    assert "CGI art. 238 bis-1" in text


def test_other_roles_get_a_404_and_years_without_rules_too(
    client, company_a, employee_a, executive_a
):
    payroll = make_employee(company_a, is_payroll_officer=True)
    for profile in (employee_a, payroll):
        client.force_login(profile.user)
        for url in (
            reverse("donations:ledger"),
            reverse("donations:ledger_year", args=[2026]),
            reverse("donations:ledger_csv", args=[2026]),
        ):
            assert client.get(url).status_code == 404
        response = client.post(reverse("donations:ledger_figures", args=[2026]), {"turnover": "1"})
        assert response.status_code == 404
    assert not CompanyFiscalYear.objects.exists()
    client.force_login(executive_a.user)
    assert client.get(reverse("donations:ledger_year", args=[1950])).status_code == 404


def test_figures_entered_by_another_company_never_change_this_ledger(
    client, company_a, company_b, executive_a, gifts
):
    CompanyFiscalYear.objects.create(company=company_b, year=2026, turnover_cents=10**12)
    client.force_login(executive_a.user)
    page = client.get(reverse("donations:ledger_year", args=[2026]))
    assert page.context["p"].turnover_cents is None
    assert page.context["p"].cap_cents == 2_000_000


def test_the_ledger_and_salary_data_ask_for_the_second_factor(
    client, executive_a, csr_a, force_login_without_second_factor
):
    force_login_without_second_factor(client, executive_a.user)
    response = client.get(reverse("donations:ledger_year", args=[2026]))
    assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]
    force_login_without_second_factor(client, csr_a.user)
    response = client.get(reverse("pay_data"))
    assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]


def test_revaluing_turns_the_year_s_skills_hours_into_gifts_in_kind(client, csr_a, company_a):
    from decimal import Decimal

    from django.utils import timezone

    from donations.models import CompanyGift
    from missions.models import Enrolment, EnrolmentStatus, MissionKind
    from tests.factories import make_mission

    person = make_employee(company_a)
    mission = make_mission(
        company=company_a,
        kind=MissionKind.SKILLS_SPONSORSHIP,
        start=timezone.now() - dt.timedelta(hours=30),
    )
    Enrolment.objects.create(
        employee=person,
        session=mission.sessions.get(),
        status=EnrolmentStatus.ATTENDED,
        hours=Decimal(3),
    )
    client.force_login(csr_a.user)
    year = timezone.localdate().year  # company_a's fiscal year starts in January
    response = client.post(reverse("donations:ledger_revalue", args=[year]))
    assert response.status_code == 302
    gift = CompanyGift.objects.get(company=company_a)
    assert (gift.kind, gift.nature, gift.employee) == ("skills", "in_kind", person)
    page = client.get(reverse("donations:ledger_year", args=[year]))
    assert page.context["p"].gifts_cents == gift.amount_cents
