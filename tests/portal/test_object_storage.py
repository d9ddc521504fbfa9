"""Object storage: media and private files in S3 buckets (moto's S3 server on 127.0.0.1).

Both buckets stay private. Private files have no URL; the view that checked the role and the
company streams them, or redirects to a signed URL of a minute that forces the download.
"""

from __future__ import annotations

import datetime as dt
import io
import socket
import urllib.error
import urllib.parse
import urllib.request

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.urls import reverse
from PIL import Image as PILImage

from portal.storage import private_storage
from reporting import services
from reporting.models import ImpactReport
from tests.factories import make_employee

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7\n% stored in a private bucket\n%%EOF\n"
CREDENTIALS = {"aws_access_key_id": "cordee-test", "aws_secret_access_key": "cordee-test-secret"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def buckets(s3_endpoint, settings, request):
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **CREDENTIALS)
    suffix = request.node.name.lower().replace("_", "-")[:40]
    media, private = f"media-{suffix}", f"private-{suffix}"
    for bucket in (media, private):
        client.create_bucket(Bucket=bucket)
    options = {
        "endpoint_url": s3_endpoint,
        "region_name": "us-east-1",
        "access_key": CREDENTIALS["aws_access_key_id"],
        "secret_key": CREDENTIALS["aws_secret_access_key"],
        "signature_version": "s3v4",
        "addressing_style": "path",
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**options, "bucket_name": media, "querystring_expire": 3600},
        },
        "private": {
            "BACKEND": "portal.object_storage.PrivateS3Storage",
            "OPTIONS": {**options, "bucket_name": private, "querystring_expire": 60},
        },
    }
    return {"client": client, "media": media, "private": private, "endpoint": s3_endpoint}


@pytest.fixture(autouse=True)
def _no_weasyprint(monkeypatch):
    monkeypatch.setattr(services, "write_pdf", lambda html: (FAKE_PDF, 1))


@pytest.fixture
def executive_a(company_a):
    return make_employee(company_a, email="ceo@alpha.example", is_executive=True)


@pytest.fixture
def report(buckets, company_a, executive_a) -> ImpactReport:
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


def _keys(client, bucket) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def _fetch(url: str) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def test_a_built_report_lands_in_the_private_bucket_only(report, buckets):
    assert _keys(buckets["client"], buckets["private"]) == [report.pdf.name]
    assert _keys(buckets["client"], buckets["media"]) == []
    body = buckets["client"].get_object(Bucket=buckets["private"], Key=report.pdf.name)["Body"]
    assert body.read() == FAKE_PDF


def test_a_private_file_in_the_bucket_has_no_url(report):
    with pytest.raises(NotImplementedError):
        report.pdf.url  # noqa: B018 - the property access is what is tested


def test_the_object_is_not_readable_without_a_signature(report, buckets):
    status, _body, _headers = _fetch(
        f"{buckets['endpoint']}/{buckets['private']}/{report.pdf.name}"
    )
    assert status == 403


def test_the_checked_view_streams_the_file_from_the_bucket(client, report, executive_a, settings):
    settings.CORDEE_PRIVATE_DOWNLOADS = "stream"
    client.force_login(executive_a.user)
    response = client.get(reverse("reporting:report_download", args=[report.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FAKE_PDF
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == f'attachment; filename="{report.filename()}"'


def test_the_checked_view_redirects_to_a_short_lived_signed_download(
    client, report, executive_a, settings
):
    settings.CORDEE_PRIVATE_DOWNLOADS = "redirect"
    client.force_login(executive_a.user)
    response = client.get(reverse("reporting:report_download", args=[report.pk]))
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    location = response["Location"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    assert query["X-Amz-Expires"] == ["60"]
    status, body, headers = _fetch(location)
    assert status == 200 and body == FAKE_PDF
    assert headers["Content-Disposition"].startswith("attachment")
    assert report.filename() in headers["Content-Disposition"]
    # The signature covers the file: the same URL for another key is refused.
    tampered = location.replace(report.pdf.name, report.pdf.name.replace(".pdf", "x.pdf"))
    assert _fetch(tampered)[0] == 403


def test_another_company_gets_a_404_and_no_signed_url(client, report, company_b, settings):
    settings.CORDEE_PRIVATE_DOWNLOADS = "redirect"
    outsider = make_employee(company_b, is_executive=True)
    client.force_login(outsider.user)
    response = client.get(reverse("reporting:report_download", args=[report.pk]))
    assert response.status_code == 404
    assert "X-Amz-Signature" not in response.get("Location", "")


def test_images_go_to_the_media_bucket_with_expiring_urls(buckets, settings):
    from wagtail.images import get_image_model

    data = io.BytesIO()
    PILImage.new("RGB", (8, 8), "red").save(data, "PNG")
    image = get_image_model().objects.create(
        title="red", file=ImageFile(io.BytesIO(data.getvalue()), name="red.png")
    )
    keys = _keys(buckets["client"], buckets["media"])
    assert any(key.startswith("original_images/") for key in keys)
    url = image.file.url
    assert "X-Amz-Signature" in url and "X-Amz-Expires=3600" in url
    assert _fetch(url)[0] == 200
    assert _fetch(url.split("?")[0])[0] == 403


def test_the_health_check_writes_and_reads_both_buckets(client, buckets):
    response = client.get("/health/?format=json")
    assert response.status_code == 200, response.content
    assert {name for name in response.json() if name.startswith("Storage")} == {
        "Storage(alias='default')",
        "Storage(alias='private')",
    }
    assert _keys(buckets["client"], buckets["private"]) == []  # its test file is deleted


def test_private_storage_follows_the_settings(buckets):
    name = private_storage().save("statements/x.txt", ContentFile(b"x"))
    assert _keys(buckets["client"], buckets["private"]) == [name]
