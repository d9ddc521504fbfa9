"""The one PDF renderer (the only module importing WeasyPrint): no file or network fetches."""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

logger = logging.getLogger(__name__)

# Archivable PDFs: PDF/A-3b embeds every font and allows attachments.
PDF_VARIANT = "pdf/a-3b"
# Fonts installed with the app's system packages (fonts-dejavu-core, fonts-liberation2): a PDF
# names them explicitly so it renders the same on every machine.
FONT_STACK = '"DejaVu Sans", "Liberation Sans", sans-serif'
BASE_STYLESHEET = f"html {{ font-family: {FONT_STACK}; }}"
# Documents are rendered as if served from this origin, which exists nowhere: relative links
# (`static/css/x.css`, `/static/css/x.css`) resolve under it and are served from the app's own
# static files; any other URL is refused.
BASE_URL = "https://pdf.cordee.invalid/"


class RefusedURL(ValueError):
    """A document asked for something outside the app's static files and `data:` URLs."""


@dataclass(frozen=True)
class RenderedPDF:
    content: bytes
    pages: int


def static_path_of(url: str) -> Path | None:
    """The app's static file that `url` names (under BASE_URL + STATIC_URL), else None."""
    prefix = BASE_URL + settings.STATIC_URL.lstrip("/")
    if not url.startswith(prefix):
        return None
    relative = url[len(prefix) :].split("?")[0].split("#")[0]
    if not relative or relative.startswith(("/", "\\")) or ".." in relative.split("/"):
        return None
    found = finders.find(relative)
    return Path(found) if found else None


def _url_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves the app's static files and `data:` URLs; refuses files, http(s) and the rest."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data"}, allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_path_of(url)
            if path is None:
                logger.warning("PDF rendering refused to fetch %.200s", url)
                raise RefusedURL(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticOnlyFetcher()


def render_pdf(html: str, *, stylesheets: tuple[str, ...] = ()) -> RenderedPDF:
    """`html` as a PDF/A document; `stylesheets` are paths of the app's static CSS files."""
    from weasyprint import CSS, HTML

    fetcher = _url_fetcher()
    css = [CSS(string=BASE_STYLESHEET, url_fetcher=fetcher)]
    for name in stylesheets:
        found = finders.find(name)
        if not found:
            raise FileNotFoundError(name)
        css.append(
            CSS(
                string=Path(found).read_text(encoding="utf-8"),
                base_url=BASE_URL + settings.STATIC_URL.lstrip("/") + name,
                url_fetcher=fetcher,
            )
        )
    options = {"stylesheets": css, "pdf_variant": PDF_VARIANT}
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(**options)
    return RenderedPDF(content=document.write_pdf(**options), pages=len(document.pages))
