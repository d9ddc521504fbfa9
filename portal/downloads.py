"""Responses that hand a private file to the one user a view has checked."""

from __future__ import annotations

from typing import BinaryIO

from django.conf import settings
from django.http import FileResponse, HttpResponseRedirect

# A file opened on its own is a document, not a page: no script, no plugin, no same-origin rights
# (it matters if a browser ever shows one inline, e.g. an HTML or SVG file served by mistake).
FILE_CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox"


def private_download(handle: BinaryIO, *, filename: str, content_type: str):
    """Stream `handle` as an attachment that no shared cache keeps and no browser sniffs.

    With a private bucket and CORDEE_PRIVATE_DOWNLOADS=redirect, the browser is sent instead to
    a short-lived signed URL of that one file (the bucket then does the sending).
    """
    # A model's FieldFile knows its storage as `storage`, a storage's own file as `_storage`.
    storage = getattr(handle, "storage", None) or getattr(handle, "_storage", None)
    if settings.CORDEE_PRIVATE_DOWNLOADS == "redirect" and hasattr(storage, "signed_download_url"):
        url = storage.signed_download_url(handle.name, filename=filename, content_type=content_type)
        handle.close()
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = FILE_CONTENT_SECURITY_POLICY
    return response
