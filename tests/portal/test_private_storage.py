"""Private storage, what /media/ may serve, Wagtail documents through their view, no SVG images."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from portal.checks import private_media_outside_public_media
from portal.middleware import AttachmentPolicyMiddleware
from portal.storage import PrivateFileSystemStorage, private_storage

SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser(
        username="platform", email="platform@cordee.example", password="unused-in-tests"
    )
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# The private storage


def test_private_storage_writes_under_private_media_root_and_gives_no_url(settings):
    storage = private_storage()
    name = storage.save("reports/1/2/report.pdf", ContentFile(b"%PDF"))
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / name).read_bytes() == b"%PDF"
    assert not any(Path(settings.MEDIA_ROOT).rglob("*"))
    with pytest.raises(NotImplementedError):
        storage.url(name)


def test_a_base_url_given_in_options_is_ignored(tmp_path):
    storage = PrivateFileSystemStorage(location=tmp_path, base_url="/media/")
    with pytest.raises(NotImplementedError):
        storage.url("x.pdf")
    assert storage.deconstruct()[0] == "portal.storage.PrivateFileSystemStorage"


@pytest.mark.parametrize(
    ("private", "public"),
    [("media/private", "media"), ("media", "media/public"), ("same", "same")],
)
def test_overlapping_media_folders_fail_the_system_check(settings, tmp_path, private, public):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / private
    settings.MEDIA_ROOT = tmp_path / public
    assert [error.id for error in private_media_outside_public_media()] == ["portal.E001"]


def test_separate_media_folders_pass_the_system_check(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "mediathing"  # a shared name prefix is not nesting
    assert private_media_outside_public_media() == []


# /media/: images only, and only in development


def put_in_media(settings, name: str, data: bytes = b"data") -> None:
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.mark.parametrize("folder", ["images", "original_images"])
def test_development_serves_image_files_under_media_with_a_sandbox_policy(client, settings, folder):
    settings.DEBUG = True
    put_in_media(settings, f"{folder}/logo.png", png_bytes())
    response = client.get(f"/media/{folder}/logo.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "url",
    [
        "/media/documents/minutes.pdf",
        "/media/reports/1/2/impact.pdf",
        "/media/images/../documents/minutes.pdf",
        "/media/images%2F..%2Fdocuments/minutes.pdf",
        "/media/",
    ],
)
def test_development_serves_nothing_else_of_media_root(client, settings, db, url):
    settings.DEBUG = True
    put_in_media(settings, "documents/minutes.pdf")
    put_in_media(settings, "reports/1/2/impact.pdf")
    assert client.get(url).status_code == 404


def test_production_serves_no_media_at_all_from_django(client, settings, db):
    settings.DEBUG = False
    put_in_media(settings, "images/logo.png", png_bytes())
    assert client.get("/media/images/logo.png").status_code == 404


# Wagtail documents: through their serve view only


def test_a_document_is_linked_and_served_through_wagtails_view_not_media(client, settings, db):
    document = get_document_model().objects.create(
        title="Minutes", file=ContentFile(b"<html><script>x()</script></html>", name="minutes.html")
    )
    assert document.url == reverse("wagtaildocs_serve", args=[document.pk, document.filename])
    assert not document.url.startswith(settings.MEDIA_URL)

    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"

    settings.DEBUG = True
    assert client.get(f"/media/{document.file.name}").status_code == 404


# No SVG images


def test_the_image_form_refuses_an_svg_with_a_clear_message(admin_client):
    response = admin_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Logo",
            "file": SimpleUploadedFile("logo.svg", SVG_WITH_SCRIPT, "image/svg+xml"),
        },
    )
    assert response.status_code == 200  # the form again, with its error
    errors = response.context["form"].errors["file"]
    assert errors == ["Not a supported image format. Supported formats: GIF, JPG, JPEG, PNG, WEBP."]
    assert not get_image_model().objects.exists()


def test_the_multiple_upload_refuses_an_svg_too(admin_client):
    response = admin_client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile("logo.svg", SVG_WITH_SCRIPT, "image/svg+xml")},
    )
    payload = response.json()
    assert payload["success"] is False
    assert "Not a supported image format" in payload["error_message"]
    assert not get_image_model().objects.exists()


def test_an_svg_disguised_as_png_is_refused(admin_client):
    response = admin_client.post(
        reverse("wagtailimages:add"),
        {"title": "Logo", "file": SimpleUploadedFile("logo.png", SVG_WITH_SCRIPT, "image/png")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not get_image_model().objects.exists()


def test_the_image_form_still_takes_a_png(admin_client):
    response = admin_client.post(
        reverse("wagtailimages:add"),
        {"title": "Logo", "file": SimpleUploadedFile("logo.png", png_bytes(), "image/png")},
    )
    assert response.status_code == 302
    image = get_image_model().objects.get()
    assert image.file.name.startswith("original_images/")


# Every attachment a view hands out


def attachment_response(**headers) -> HttpResponse:
    response = HttpResponse(b"a;b\n", content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="people.csv"'
    for name, value in headers.items():
        response[name] = value
    return response


def test_an_attachment_is_made_private_and_inert(rf):
    response = AttachmentPolicyMiddleware(lambda request: attachment_response())(rf.get("/x"))
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_views_own_attachment_headers_are_kept(rf):
    middleware = AttachmentPolicyMiddleware(
        lambda request: attachment_response(
            **{"Cache-Control": "max-age=60", "Content-Security-Policy": "default-src 'none'"}
        )
    )
    response = middleware(rf.get("/x"))
    assert response["Cache-Control"] == "max-age=60"
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_a_page_is_left_alone(rf):
    middleware = AttachmentPolicyMiddleware(lambda request: HttpResponse("<p>page</p>"))
    response = middleware(rf.get("/x"))
    assert "Cache-Control" not in response
    assert "Content-Security-Policy" not in response
