"""The impact dashboard and its CSV exports: who may see them, and what they show."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from portal.models import EmployeeProfile
from tests.factories import PASSWORD, make_employee

pytestmark = pytest.mark.django_db


@pytest.fixture
def executive_a(company_a):
    return make_employee(company_a, email="ceo@alpha.example", is_executive=True)


@pytest.fixture
def executive_b(company_b):
    return make_employee(company_b, email="ceo@beta.example", is_executive=True)


def signed_in(client, profile):
    client.login(username=profile.user.username, password=PASSWORD)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_executive_sees_kpis_charts_and_comparison(client, impact_data, executive_a):
    response = signed_in(client, executive_a).get(
        reverse("reporting:dashboard"), {"kind": "year", "year": "2025"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alpha Industries" in html
    assert "<svg" in html and '<title id="chart-hours-by-cause-title">' in html
    assert "<desc id=" in html and '<table class="data-table">' in html
    assert "24 h" in html  # hours given
    assert "2024" in html  # the comparison period is named
    assert "<style" not in html and 'style="' not in html  # strict CSP: no inline styles


def test_csr_officer_sees_the_dashboard(client, impact_data, csr_a):
    assert signed_in(client, csr_a).get(reverse("reporting:dashboard")).status_code == 200


@pytest.mark.parametrize("who", ["employee_a", "anonymous_admin"])
def test_others_get_404(client, request, impact_data, who, django_user_model):
    if who == "employee_a":
        signed_in(client, request.getfixturevalue("employee_a"))
    else:
        admin = django_user_model.objects.create_superuser("root", "root@example.com", "x")
        client.force_login(admin)
    assert client.get(reverse("reporting:dashboard")).status_code == 404
    assert client.get(reverse("reporting:export", args=["sites"])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("reporting:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_company_b_executive_sees_only_company_b(client, impact_data, executive_b):
    html = (
        signed_in(client, executive_b)
        .get(reverse("reporting:dashboard"), {"year": "2025"})
        .content.decode()
    )
    assert "Beta Conseil" in html
    assert "Lire Ensemble" not in html


def test_an_invalid_period_falls_back_with_a_message(client, impact_data, executive_a):
    response = signed_in(client, executive_a).get(
        reverse("reporting:dashboard"),
        {"kind": "custom", "start": "2025-05-01", "end": "2025-01-01"},
    )
    assert response.status_code == 200
    assert "This period does not exist" in response.content.decode()


@pytest.mark.parametrize(
    ("start", "end"), [("2020-01-01", "9999-12-31"), ("0001-01-01", "0001-01-02")]
)
def test_dates_out_of_range_fall_back_with_a_message(client, impact_data, executive_a, start, end):
    response = signed_in(client, executive_a).get(
        reverse("reporting:dashboard"), {"kind": "custom", "start": start, "end": end}
    )
    assert response.status_code == 200
    assert "This period does not exist" in response.content.decode()
    csv_response = client.get(
        reverse("reporting:export", args=["kinds"]), {"kind": "custom", "start": start, "end": end}
    )
    assert csv_response.status_code == 200


def test_empty_company_dashboard_renders(client, company_b, executive_b):
    response = signed_in(client, executive_b).get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    assert "No data for this period." in response.content.decode()


def test_csv_export_of_a_breakdown_sums_to_the_total(client, impact_data, executive_a):
    response = signed_in(client, executive_a).get(
        reverse("reporting:export", args=["sites"]), {"kind": "year", "year": "2025"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Site", "Hours", "Volunteers", "Donations (cents)"]
    assert sum(float(r[1]) for r in rows[1:]) == 24.0
    assert sum(int(r[3]) for r in rows[1:]) == 5212


def test_csv_export_in_french_reads_back_in_a_french_spreadsheet(client, impact_data, executive_a):
    EmployeeProfile.objects.filter(site="Paris").update(site="=Île-de-France")
    client.login(username=executive_a.user.username, password=PASSWORD)
    response = client.get(
        reverse("reporting:export", args=["sites"]),
        {"kind": "year", "year": "2025"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Site", "Heures"]
    assert "'=Île-de-France" in [r[0] for r in rows[1:]]
    assert sum(float(r[1].replace(",", ".")) for r in rows[1:]) == 24.0


@pytest.mark.parametrize(
    "slug",
    [
        "kinds",
        "causes",
        "sdgs",
        "sites",
        "departments",
        "months",
        "associations",
        "missions",
        "money",
    ],
)
def test_every_breakdown_exports(client, impact_data, executive_a, slug):
    response = signed_in(client, executive_a).get(reverse("reporting:export", args=[slug]))
    assert response.status_code == 200


def test_unknown_breakdown_is_404(client, executive_a):
    response = signed_in(client, executive_a).get(reverse("reporting:export", args=["salaries"]))
    assert response.status_code == 404


def test_csv_cells_cannot_become_formulas(client, impact_data, executive_a):
    impact_data.employees[0].site = '=HYPERLINK("x")'
    impact_data.employees[0].save()
    response = signed_in(client, executive_a).get(
        reverse("reporting:export", args=["sites"]), {"year": "2025"}
    )
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")


def test_the_dashboard_speaks_french(client, impact_data, executive_a):
    signed_in(client, executive_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    html = client.get(reverse("reporting:dashboard"), {"year": "2025"}).content.decode()
    assert "Tableau de bord d'impact" in html and "Heures par cause" in html
