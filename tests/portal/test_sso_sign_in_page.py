"""The e-mail-first sign-in page and companies whose passwords are off."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from portal.accounts.sign_on import configure_oidc_sign_on
from tests.factories import PASSWORD, CompanyFactory, make_employee

User = get_user_model()


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def horizon(site_tree):
    company = CompanyFactory(name="Groupe Horizon", slug="horizon", domains=["horizon.example"])
    configure_oidc_sign_on(
        company,
        server_url="http://127.0.0.1:9/idp",
        client_id="cordee",
        secret="s3cret",
        label="Horizon Connect",
        password_sign_in=False,
    )
    return company


@pytest.fixture
def lumen(site_tree):
    return CompanyFactory(name="Atelier Lumen", slug="lumen", domains=["lumen.example"])


def test_the_sign_in_page_asks_the_email_first(client, horizon):
    response = client.get("/accounts/login/?next=/missions/")
    content = response.content.decode()
    assert 'action="/accounts/sign-in/"' in content
    assert 'name="password"' not in content
    # No list of every company's provider on the page.
    assert "Horizon Connect" not in content


def test_people_of_an_sso_company_get_its_button(client, horizon):
    response = client.post(
        "/accounts/sign-in/", {"email": "Ines@Horizon.example", "next": "/missions/"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Continue with Horizon Connect" in content
    assert 'action="/accounts/oidc/horizon/login/"' in content
    assert 'value="/missions/"' in content
    assert "Use my Cordée password instead" not in content  # passwords are off


def test_the_answer_is_the_same_for_known_and_unknown_addresses(client, horizon, lumen):
    make_employee(lumen, email="lea@lumen.example")
    known = client.post("/accounts/sign-in/", {"email": "lea@lumen.example"})
    client.get("/accounts/sign-in/")
    unknown = client.post("/accounts/sign-in/", {"email": "nobody@lumen.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/login/"
    page = client.get("/accounts/login/").content.decode()
    assert 'value="nobody@lumen.example"' in page and 'name="password"' in page
    # An SSO company's button is the same whether the person exists or not.
    make_employee(horizon, email="ines@horizon.example")
    a = client.post("/accounts/sign-in/", {"email": "ines@horizon.example"}).content
    b = client.post("/accounts/sign-in/", {"email": "nobody@horizon.example"}).content
    strip = lambda html: html.replace(b"ines@", b"X@").replace(b"nobody@", b"X@")  # noqa: E731
    import re

    nonce = re.compile(rb'(nonce|value)="[^"]*"')
    assert nonce.sub(b"", strip(a)) == nonce.sub(b"", strip(b))


def test_a_bad_address_is_refused_with_a_message(client, horizon):
    response = client.post("/accounts/sign-in/", {"email": "not-an-address"})
    assert response.status_code == 400
    assert b"valid email" in response.content


def test_an_open_redirect_is_not_carried_along(client, horizon):
    response = client.post(
        "/accounts/sign-in/", {"email": "ines@horizon.example", "next": "https://evil.example/"}
    )
    assert b"evil.example" not in response.content


def test_password_sign_in_is_refused_when_the_company_turned_passwords_off(client, horizon):
    make_employee(horizon, email="ines@horizon.example")
    response = client.post(
        "/accounts/login/", {"login": "ines@horizon.example", "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert b"signs its people in with its own account" in response.content
    assert b"Continue with Horizon Connect" in response.content


def test_password_sign_in_works_when_passwords_are_allowed(client, horizon):
    horizon.sign_on.password_sign_in = True
    horizon.sign_on.save()
    make_employee(horizon, email="ines@horizon.example")
    response = client.post("/accounts/sign-in/", {"email": "ines@horizon.example"})
    assert "Use my Cordée password instead" in response.content.decode()
    client.post("/accounts/sign-in/", {"email": "ines@horizon.example", "password": "1"})
    response = client.post(
        "/accounts/login/", {"login": "ines@horizon.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_password_reset_is_refused_when_passwords_are_off(client, horizon):
    make_employee(horizon, email="ines@horizon.example")
    response = client.post("/accounts/password/reset/", {"email": "ines@horizon.example"})
    assert b"signs its people in with its own account" in response.content
    assert mail.outbox == []


def test_sign_up_with_a_password_is_refused_when_passwords_are_off(client, horizon):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@horizon.example", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert b"signs its people in with its own account" in response.content
    assert not User.objects.filter(email="new@horizon.example").exists()


def test_other_companies_keep_their_passwords(client, horizon, lumen):
    make_employee(lumen, email="lea@lumen.example")
    response = client.post("/accounts/login/", {"login": "lea@lumen.example", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
