"""Archived impact reports are private files: out of MEDIA_ROOT, no URL, one checked download."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse

from portal.storage import private_storage
from reporting import services
from reporting.models import ImpactReport
from tests.factories import make_employee

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7\n% Alpha Industries impact report\n%%EOF\n"

move_migration = importlib.import_module(
    "reporting.migrations.0003_move_archived_reports_to_private_storage"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()


@pytest.fixture(autouse=True)
def _no_weasyprint(monkeypatch):
    # What is stored and who may read it matters here, not the layout: skip the slow renderer.
    monkeypatch.setattr(services, "write_pdf", lambda html: (FAKE_PDF, 1))


@pytest.fixture
def executive_a(company_a):
    return make_employee(company_a, email="ceo@alpha.example", is_executive=True)


@pytest.fixture
def executive_b(company_b):
    return make_employee(company_b, email="ceo@beta.example", is_executive=True)


@pytest.fixture
def report(company_a, executive_a) -> ImpactReport:
    pending = ImpactReport.objects.create(
        company=company_a,
        period_kind="year",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2026, 1, 1),
        period_year=2025,
        language="en",
        requested_by=executive_a.user,
    )
    return services.build_report(report_id=pending.pk)


def files_under(folder) -> list[Path]:
    return sorted(path for path in Path(folder).rglob("*") if path.is_file())


def old_media_url(report: ImpactReport) -> str:
    return f"/media/{report.pdf.name}"


def test_a_built_report_is_written_to_the_private_folder_and_nothing_to_media_root(
    report, settings
):
    assert files_under(settings.MEDIA_ROOT) == []
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / report.pdf.name
    assert files_under(settings.PRIVATE_MEDIA_ROOT) == [stored]
    assert stored.read_bytes() == FAKE_PDF
    assert report.pdf.name == f"reports/{report.company_id}/{report.pk}/{report.filename()}"


def test_a_report_file_has_no_url(report):
    with pytest.raises(NotImplementedError):
        report.pdf.url  # noqa: B018 - the property access is what is tested


def test_the_executive_downloads_the_pdf_as_a_private_attachment(client, report, executive_a):
    client.force_login(executive_a.user)
    response = client.get(reverse("reporting:report_download", args=[report.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FAKE_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{report.filename()}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_csr_officer_of_the_company_downloads_it_too(client, report, csr_a):
    client.force_login(csr_a.user)
    response = client.get(reverse("reporting:report_download", args=[report.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FAKE_PDF


def test_a_csv_export_is_private_and_inert_too(client, company_a, executive_a):
    client.force_login(executive_a.user)
    response = client.get(reverse("reporting:export", args=["kinds"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]
    page = client.get(reverse("reporting:dashboard"))
    assert "sandbox" not in page["Content-Security-Policy"]


def test_an_anonymous_visitor_is_sent_to_sign_in(client, report):
    response = client.get(reverse("reporting:report_download", args=[report.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["executive_b", "csr_b", "employee_a"])
def test_other_companies_and_plain_employees_get_404_from_the_view(client, report, who, request):
    client.force_login(request.getfixturevalue(who).user)
    response = client.get(reverse("reporting:report_download", args=[report.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("who", [None, "executive_b", "executive_a"])
@pytest.mark.parametrize("debug", [False, True])
def test_the_old_media_path_answers_404_to_everyone(client, report, settings, who, debug, request):
    # Even with a stray copy left at the old place and the development media route on.
    settings.DEBUG = debug
    leftover = Path(settings.MEDIA_ROOT) / report.pdf.name
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(FAKE_PDF)
    if who:
        client.force_login(request.getfixturevalue(who).user)
    for url in (old_media_url(report), f"/media/images/../{report.pdf.name}"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert FAKE_PDF not in response.content


def test_a_report_whose_file_is_lost_answers_404_not_500(client, report, executive_a):
    private_storage().delete(report.pdf.name)
    client.force_login(executive_a.user)
    response = client.get(reverse("reporting:report_download", args=[report.pk]))
    assert response.status_code == 404


# The data migration that moves archives made before the private storage.


def archived_in_public_media(company) -> ImpactReport:
    """A report row as 0001 left it: its file written by the default (public) storage."""
    report = ImpactReport.objects.create(
        company=company,
        period_kind="year",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2025, 1, 1),
        period_year=2024,
        language="fr",
    )
    name = f"reports/{company.pk}/{report.pk}/{report.filename()}"
    ImpactReport.objects.filter(pk=report.pk).update(pdf=name)
    assert storages["default"].save(name, ContentFile(FAKE_PDF)) == name
    report.refresh_from_db()
    return report


def test_the_migration_moves_an_archived_file_out_of_media_root(company_a, settings):
    report = archived_in_public_media(company_a)
    assert files_under(settings.MEDIA_ROOT) != []

    move_migration.to_private(apps, None)

    assert files_under(settings.MEDIA_ROOT) == []
    assert not (Path(settings.MEDIA_ROOT) / "reports").exists()  # empty folders removed too
    with private_storage().open(report.pdf.name, "rb") as handle:
        assert handle.read() == FAKE_PDF
    report.refresh_from_db()
    assert report.pdf.name == f"reports/{company_a.pk}/{report.pk}/{report.filename()}"


def test_the_migration_can_run_twice_and_finishes_an_interrupted_move(company_a, settings):
    report = archived_in_public_media(company_a)
    move_migration.to_private(apps, None)
    # As if a first run had copied the file and stopped before deleting the public one.
    storages["default"].save(report.pdf.name, ContentFile(FAKE_PDF))

    assert (
        move_migration.move_report_files(
            report_model=ImpactReport, source=storages["default"], destination=private_storage()
        )
        == 0
    )

    assert files_under(settings.MEDIA_ROOT) == []
    assert files_under(settings.PRIVATE_MEDIA_ROOT) == [
        Path(settings.PRIVATE_MEDIA_ROOT) / report.pdf.name
    ]


def test_the_migration_skips_a_missing_file_and_moves_the_others(company_a, settings, caplog):
    present = archived_in_public_media(company_a)
    missing = archived_in_public_media(company_a)
    storages["default"].delete(missing.pdf.name)

    with caplog.at_level(logging.WARNING, logger="reporting.migrations"):
        move_migration.to_private(apps, None)

    assert private_storage().exists(present.pdf.name)
    assert not private_storage().exists(missing.pdf.name)
    assert f"Impact report {missing.pk}" in caplog.text
    missing.refresh_from_db()
    assert missing.pdf.name  # the row is kept as it was; its download answers 404


def test_the_migration_reversed_puts_the_file_back(company_a, settings):
    report = archived_in_public_media(company_a)
    move_migration.to_private(apps, None)
    move_migration.to_public(apps, None)
    assert files_under(settings.PRIVATE_MEDIA_ROOT) == []
    assert storages["default"].exists(report.pdf.name)
