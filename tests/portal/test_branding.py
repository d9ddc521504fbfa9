"""Each company's brand colour, served as a stylesheet (no inline style under the CSP)."""

from __future__ import annotations

import re

import pytest

from portal.branding import brand_stylesheet, contrast_on_white, readable

pytestmark = pytest.mark.django_db


def _rgb(hex_colour: str):
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def test_a_dark_enough_colour_is_kept_as_it_is():
    assert readable("#8b3a1f") == "#8b3a1f"
    css = brand_stylesheet("#8b3a1f")
    assert "--c-primary: #8b3a1f;" in css
    assert re.search(r"--c-primary-dark: #[0-9a-f]{6};", css)
    assert re.search(r"--c-primary-soft: #[0-9a-f]{6};", css)


@pytest.mark.parametrize("colour", ["#ffff00", "#ffffff", "#7fdbff", "#ff851b"])
def test_a_light_colour_is_darkened_until_white_text_reads_on_it(colour):
    primary = readable(colour)
    assert contrast_on_white(_rgb(colour)) < 4.5
    assert contrast_on_white(_rgb(primary)) >= 4.5


def test_the_page_links_its_company_s_stylesheet(client, employee_b, company_b):
    company_b.brand_colour = "#8b3a1f"
    company_b.save()
    client.force_login(employee_b.user)
    html = client.get("/").content.decode()
    assert 'href="/brand.css?c=8b3a1f"' in html
    response = client.get("/brand.css?c=8b3a1f")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css"
    assert "--c-primary: #8b3a1f;" in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_each_person_gets_their_own_company_s_colours(client, employee_a, employee_b, company_a):
    company_a.brand_colour = "#1d6b3a"
    company_a.save()
    client.force_login(employee_b.user)
    assert "#1d6b3a" not in client.get("/brand.css").content.decode()
    client.force_login(employee_a.user)
    assert "--c-primary: #1d6b3a;" in client.get("/brand.css").content.decode()


def test_visitors_get_no_brand_stylesheet(client, site_tree):
    assert "brand.css" not in client.get("/").content.decode()
    assert client.get("/brand.css").status_code == 404
