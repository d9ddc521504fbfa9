"""Impact reports: requesting, building in the task, archiving, downloading, and the PDF itself."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import subprocess

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reporting import services
from reporting.models import ImpactReport
from reporting.periods import year_period
from tests.factories import PASSWORD, make_employee

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


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


def build(company, user, language="en", year=2025) -> ImpactReport:
    report = ImpactReport.objects.create(
        company=company,
        period_kind="year",
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year + 1, 1, 1),
        period_year=year,
        language=language,
        requested_by=user,
    )
    return services.build_report(report_id=report.pk)


def pdf_text(report) -> str:
    with report.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def english_report(impact_data, executive_a):
    return build(impact_data.company, executive_a.user, "en")


def test_request_view_queues_the_task_which_archives_the_report(
    client, impact_data, executive_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(client, executive_a).post(
            reverse("reporting:request_report"), {"kind": "year", "year": "2025", "language": "en"}
        )
    report = ImpactReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:report", args=[report.pk])
    assert report.status == "ready" and report.progress == 100
    assert report.requested_by == executive_a.user
    assert report.metrics["kpis"]["hours"] == 24.0
    with report.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == report.checksum
    page = client.get(reverse("reporting:report", args=[report.pk])).content.decode()
    assert reverse("reporting:report_download", args=[report.pk]) in page


def test_a_pending_report_shows_progress_and_polls_a_static_script(
    client, impact_data, executive_a
):
    report = ImpactReport.objects.create(
        company=impact_data.company,
        period_kind="year",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2026, 1, 1),
        language="fr",
    )
    page = signed_in(client, executive_a).get(reverse("reporting:report", args=[report.pk]))
    html = page.content.decode()
    assert "<progress" in html and "js/report-status.js" in html
    status = client.get(reverse("reporting:report_status", args=[report.pk])).json()
    assert status["status"] == "pending" and status["done"] is False
    # No file yet: nothing to download.
    assert client.get(reverse("reporting:report_download", args=[report.pk])).status_code == 404


def test_the_pdf_holds_the_kpis_metadata_and_pages(english_report):
    report = english_report
    with report.pdf.open("rb") as handle:
        data = handle.read()
    reader = PdfReader(io.BytesIO(data))
    text = pdf_text(report)
    assert "Alpha Industries" in text
    assert "24 h" in text  # hours given
    assert "67 %" in text  # participation: 4 of 6 (the executive counts too)
    assert "€103" in text  # 10,324 cents raised and matched, in whole euros
    assert "€700" in text  # skills sponsorship valued: 14 h x €50
    assert "A day that gave meaning to my job." in text
    assert "Please do not quote this." not in text
    assert "GRI 413-1" in text and "Methodology" in text
    assert 8 <= len(reader.pages) <= 30
    assert report.page_count == len(reader.pages)
    meta = reader.metadata
    assert meta.title.startswith("Impact report 2025")
    assert meta.author == "Alpha Industries"
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "pdfaid" in xmp and "3" in xmp.split("pdfaid:part")[1][:8]  # PDF/A-3 ...
    assert "B" in xmp.split("pdfaid:conformance")[1][:8]  # ... level B
    assert root["/Lang"] == "en"
    # Bookmarks (the PDF outline) list the chapters.
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Executive summary" in titles and "Methodology" in titles


def test_the_report_is_written_in_the_requesters_language(impact_data, executive_a):
    report = build(impact_data.company, executive_a.user, "fr")
    text = pdf_text(report)
    assert "Synthèse" in text
    assert "Méthodologie" in text
    with report.pdf.open("rb") as handle:
        assert PdfReader(io.BytesIO(handle.read())).trailer["/Root"]["/Lang"] == "fr"


def test_an_archived_report_never_changes_when_new_data_arrives(english_report, impact_data):
    report = english_report
    before_checksum, before_metrics = report.checksum, report.metrics
    impact_data.give(
        impact_data.employees[0],
        impact_data.associations["x"],
        123_456,
        dt.datetime(2025, 8, 1, 12, tzinfo=dt.UTC),
    )
    # Running the task again (a retry, a duplicate message) leaves it as it was.
    again = services.build_report(report_id=report.pk)
    report.refresh_from_db()
    assert again.checksum == report.checksum == before_checksum
    assert report.metrics == before_metrics
    with report.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == before_checksum
    # A new report sees the new gift.
    fresh = build(impact_data.company, None, "en")
    assert (
        fresh.metrics["kpis"]["donations_cents"]
        == before_metrics["kpis"]["donations_cents"] + 123_456
    )


@pytest.mark.parametrize("who", ["executive_a", "csr_a"])
def test_executives_and_csr_officers_download_their_companys_report(
    client, request, english_report, who
):
    response = signed_in(client, request.getfixturevalue(who)).get(
        reverse("reporting:report_download", args=[english_report.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("name", ["report", "report_status", "report_download"])
def test_another_companys_executive_gets_404(client, english_report, executive_b, name):
    response = signed_in(client, executive_b).get(
        reverse(f"reporting:{name}", args=[english_report.pk])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["report", "report_download"])
def test_a_plain_employee_gets_404(client, english_report, employee_a, name):
    response = signed_in(client, employee_a).get(
        reverse(f"reporting:{name}", args=[english_report.pk])
    )
    assert response.status_code == 404


def test_a_plain_employee_cannot_request_a_report(client, impact_data, employee_a):
    response = signed_in(client, employee_a).post(
        reverse("reporting:request_report"), {"kind": "year", "year": "2025", "language": "en"}
    )
    assert response.status_code == 404
    assert not ImpactReport.objects.exists()


def test_a_bad_request_creates_nothing(client, impact_data, executive_a):
    response = signed_in(client, executive_a).post(
        reverse("reporting:request_report"), {"kind": "year", "year": "2025", "language": "de"}
    )
    assert response.status_code == 302
    assert not ImpactReport.objects.exists()


def test_a_failed_build_is_marked_failed(impact_data, executive_a, monkeypatch):
    def broken(html):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(services, "write_pdf", broken)
    with pytest.raises(RuntimeError):
        build(impact_data.company, executive_a.user)
    report = ImpactReport.objects.get()
    assert report.status == "failed" and "renderer down" in report.error
    assert not report.pdf


def test_a_company_without_data_gets_a_report(company_b, executive_b):
    report = build(company_b, executive_b.user, "en")
    assert report.status == "ready"
    assert "No data for this period." in pdf_text(report)


def test_report_pages_render_to_images(impact_data, executive_a, tmp_path):
    # Keeps the "look at every page" check one command away (pdftoppm, 50 dpi).
    out = os.environ.get("CORDEE_REPORT_PNG_DIR")
    if not out:
        pytest.skip("set CORDEE_REPORT_PNG_DIR to write page images")
    for language in ("en", "fr"):
        report = build(impact_data.company, executive_a.user, language)
        path = tmp_path / f"report-{language}.pdf"
        with report.pdf.open("rb") as handle:
            path.write_bytes(handle.read())
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), f"{out}/{language}"], check=True)


def test_year_period_label_used_in_filename(english_report):
    assert english_report.filename() == "impact-alpha-20250101-20260101.pdf"
    assert english_report.period == year_period(2025)
