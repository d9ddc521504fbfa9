"""The one PDF renderer: the app's static files and data: URLs only, never a file or the network."""

from __future__ import annotations

import base64
import io
import logging
import urllib.request

import pytest
from pypdf import PdfReader

from portal import pdf
from portal.pdf import BASE_URL, render_pdf, static_path_of

PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d4944415478da63f8cfc0f01f0005000201"
        "d1a0c0b60000000049454e44ae426082"
    )
).decode()


@pytest.fixture
def fetched(monkeypatch):
    """Every URL that reached urllib, which WeasyPrint fetches with (network, files, data:)."""
    urls: list[str] = []
    original = urllib.request.OpenerDirector.open

    def spy(self, request, *args, **kwargs):
        urls.append(request if isinstance(request, str) else request.full_url)
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", spy)
    return urls


def text_of(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="file:///etc/passwd">',
        '<img src="http://example.org/x.png">',
        '<link rel="stylesheet" href="https://example.org/x.css">',
        '<a rel="attachment" href="file:///etc/passwd">file</a>',
        '<img src="/etc/passwd">',
        '<img src="../../../../etc/passwd">',
        '<img src="static//etc/passwd">',
        '<img src="static/../../../etc/passwd">',
        "<style>@import url(file:///etc/passwd);</style>",
    ],
)
def test_files_and_the_network_are_never_fetched(markup, fetched, caplog):
    with caplog.at_level(logging.WARNING, logger="portal.pdf"):
        rendered = render_pdf(f"<p>Before</p>{markup}<p>After</p>")
    assert fetched == []
    assert "refused" in caplog.text
    assert "root:" not in text_of(rendered.content)
    assert b"root:x:" not in rendered.content
    assert "Before" in text_of(rendered.content)


def test_data_urls_and_the_apps_static_files_are_served(fetched, caplog):
    html = (
        f'<img src="data:image/png;base64,{PIXEL}">'
        '<link rel="stylesheet" href="static/css/statement_pdf.css"><p>Statement</p>'
    )
    with caplog.at_level(logging.WARNING, logger="portal.pdf"):
        rendered = render_pdf(html)
    assert "refused" not in caplog.text
    assert [url[:5] for url in fetched] == ["data:"]
    assert rendered.pages == 1


def test_static_paths_resolve_only_inside_the_static_files():
    assert static_path_of(BASE_URL + "static/css/statement_pdf.css").name == "statement_pdf.css"
    assert static_path_of(BASE_URL + "static/css/missing.css") is None
    assert static_path_of(BASE_URL + "static/") is None
    assert static_path_of(BASE_URL + "media/x.png") is None
    assert static_path_of("https://example.org/static/css/statement_pdf.css") is None
    assert static_path_of(BASE_URL + "static//etc/passwd") is None


def test_every_pdf_is_pdf_a_with_the_app_fonts():
    reader = PdfReader(io.BytesIO(render_pdf("<p>Cordée</p>").content))
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in metadata
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert any("DejaVu-Sans" in str(font.get_object()["/BaseFont"]) for font in fonts.values())
    assert pdf.PDF_VARIANT == "pdf/a-3b"
