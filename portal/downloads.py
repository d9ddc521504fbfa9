"""Responses that hand a private file to the one user a view has checked."""

from __future__ import annotations

from typing import BinaryIO

from django.http import FileResponse

# A file opened on its own is a document, not a page: no script, no plugin, no same-origin rights
# (it matters if a browser ever shows one inline, e.g. an HTML or SVG file served by mistake).
FILE_CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox"


def private_download(handle: BinaryIO, *, filename: str, content_type: str) -> FileResponse:
    """Stream `handle` as an attachment that no shared cache keeps and no browser sniffs."""
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = FILE_CONTENT_SECURITY_POLICY
    return response
