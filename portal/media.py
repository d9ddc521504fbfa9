"""Public media during development: Wagtail images only, as a production web server maps them."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, re_path
from django.views.static import serve

from portal.downloads import FILE_CONTENT_SECURITY_POLICY


def public_media(request: HttpRequest, path: str) -> HttpResponse:
    """A file of MEDIA_ROOT under one of PUBLIC_MEDIA_PREFIXES, with DEBUG on; 404 otherwise.

    Production never reaches this view for images (its web server serves them); anything else
    under MEDIA_ROOT is not public, whatever the setting.
    """
    # Normalised first, so that "images/../reports/…" cannot step out of a public folder.
    path = posixpath.normpath(path).lstrip("/")
    if not settings.DEBUG or not path.startswith(tuple(settings.PUBLIC_MEDIA_PREFIXES)):
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Security-Policy"] = FILE_CONTENT_SECURITY_POLICY
    return response


def public_media_urlpatterns() -> list[URLPattern]:
    """The /media/ route, unless media are served from another host."""
    if not settings.MEDIA_URL or urlsplit(settings.MEDIA_URL).netloc:
        return []
    prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    return [re_path(rf"^{prefix}(?P<path>.*)$", public_media, name="public_media")]
