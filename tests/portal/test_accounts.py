"""Sign-up, sign-in, verification, password reset, logout, rate limits and roles."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from portal.models import EmployeeProfile
from tests.factories import PASSWORD, make_employee

User = get_user_model()
NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.fixture(autouse=True)
def _english(client):
    # The site defaults to French; these tests read English messages.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def sign_up(client, email: str, password: str = NEW_PASSWORD):
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "password1": password,
            "password2": password,
            "first_name": "Zoé",
            "last_name": "Martin",
        },
    )


def link_in(message, pattern: str) -> str:
    match = re.search(rf"https?://[^\s]+{pattern}[^\s]*", message.body)
    assert match, message.body
    return match.group(0)


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_sign_up_with_company_domain_creates_employee_of_that_company(client, company_a, company_b):
    response = sign_up(client, "Nina.Rossi@ALPHA.example")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="nina.rossi@alpha.example")
    assert user.profile.company == company_a
    assert user.profile.roles == ["employee"]
    assert not user.profile.is_csr_officer and not user.profile.is_executive
    assert not EmailAddress.objects.get(user=user).verified
    assert [m.to for m in mail.outbox] == [["nina.rossi@alpha.example"]]


def test_sign_up_with_unknown_domain_is_refused_with_a_clear_message(client, company_a):
    response = sign_up(client, "someone@gmail.example")

    assert response.status_code == 200
    assert "Use your work e-mail address; if it is refused" in response.content.decode()
    assert not User.objects.filter(email="someone@gmail.example").exists()
    assert not EmployeeProfile.objects.exists()
    assert mail.outbox == []


def test_sign_up_with_subdomain_of_company_domain_is_refused(client, company_a):
    sign_up(client, "eve@evil.alpha.example")
    assert not User.objects.filter(email="eve@evil.alpha.example").exists()


def test_unverified_user_cannot_sign_in_until_the_link_is_followed(client, company_a):
    sign_up(client, "leo@alpha.example")
    client.logout()
    confirm_url = link_in(mail.outbox[0], "/accounts/confirm-email/")

    response = client.post(
        "/accounts/login/", {"login": "leo@alpha.example", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert not is_signed_in(client)

    client.post(confirm_url.split("testserver", 1)[-1])
    assert EmailAddress.objects.get(email="leo@alpha.example").verified
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "leo@alpha.example", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert is_signed_in(client)


def test_verified_employee_signs_in_and_out(client, employee_a):
    response = client.post(
        "/accounts/login/", {"login": employee_a.user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(client)

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not is_signed_in(client)


def test_wrong_password_does_not_sign_in(client, employee_a):
    response = client.post("/accounts/login/", {"login": employee_a.user.email, "password": "nope"})
    assert response.status_code == 200
    assert not is_signed_in(client)


def test_password_reset_sends_a_working_link(client, employee_a):
    response = client.post("/accounts/password/reset/", {"email": employee_a.user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [employee_a.user.email]
    reset_url = link_in(mail.outbox[0], "/accounts/password/reset/key/").split("testserver", 1)[-1]

    # allauth stores the key in the session and redirects to a key-less URL.
    response = client.get(reset_url, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else reset_url
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    employee_a.user.refresh_from_db()
    assert employee_a.user.check_password(NEW_PASSWORD)


def test_password_reset_does_not_reveal_unknown_addresses(client, employee_a):
    known = client.post("/accounts/password/reset/", {"email": employee_a.user.email})
    unknown = client.post("/accounts/password/reset/", {"email": "ghost@alpha.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # The unknown address is told there is no account, in its own mailbox only.
    assert [m.to for m in mail.outbox] == [[employee_a.user.email], ["ghost@alpha.example"]]
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body


def test_sign_up_with_existing_address_does_not_reveal_it(client, employee_a):
    response = sign_up(client, employee_a.user.email)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert User.objects.filter(email=employee_a.user.email).count() == 1
    assert len(mail.outbox) == 1  # "someone tried to sign up with your address"
    assert "/accounts/confirm-email/" not in mail.outbox[0].body


def test_repeated_failed_logins_are_rate_limited(client, employee_a):
    statuses = [
        client.post(
            "/accounts/login/", {"login": employee_a.user.email, "password": "wrong"}
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [200] * 5
    # Even the right password is refused while the limit holds.
    response = client.post(
        "/accounts/login/", {"login": employee_a.user.email, "password": PASSWORD}
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert not is_signed_in(client)


def test_login_flood_from_one_address_gets_429(client, site_tree):
    statuses = {
        client.post(
            "/accounts/login/", {"login": f"x{i}@alpha.example", "password": "x"}
        ).status_code
        for i in range(31)
    }
    assert 429 in statuses


def test_account_pages_use_the_site_layout(client, site_tree):
    body = client.get("/accounts/login/").content.decode()
    assert 'class="skip-link"' in body
    assert '<main id="main"' in body
    # Step 1 of the e-mail-first sign-in (portal.views.sign_in).
    assert 'name="email"' in body and 'autocomplete="email"' in body
    assert "{#" not in body and "{% comment" not in body


def test_manager_role_is_derived_from_having_reports(company_a):
    boss = make_employee(company_a, is_executive=True)
    report = make_employee(company_a)
    assert boss.roles == ["employee", "executive"]
    assert not boss.is_manager

    report.manager = boss
    report.save()

    assert boss.roles == ["employee", "executive", "manager"]
    assert report.roles == ["employee"]


def test_csr_officer_role_joins_the_company_admin_group(csr_a, company_a):
    assert csr_a.roles == ["employee", "csr_officer"]
    assert csr_a.user.groups.filter(pk=company_a.csr_group_id).exists()
    assert csr_a.user.has_perm("wagtailadmin.access_admin")


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/confirm-email/",
    ],
)
def test_entrance_pages_render_in_the_site_layout(client, site_tree, url):
    response = client.get(url)
    assert response.status_code == 200
    assert 'class="skip-link"' in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/", "/accounts/logout/"]
)
def test_account_management_pages_render_for_a_signed_in_employee(client, employee_a, url):
    client.force_login(employee_a.user)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<main id="main"' in body
    assert employee_a.company.name in body  # the site header knows who is signed in


def _flood(client, *, addresses):
    return [
        client.post(
            "/accounts/login/",
            {"login": f"x{i}@alpha.example", "password": "x"},
            HTTP_X_FORWARDED_FOR=address,
        ).status_code
        for i, address in enumerate(addresses)
    ]


def test_behind_a_trusted_proxy_each_client_address_has_its_own_sign_in_limit(
    client, site_tree, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # 40 people signing in through the load balancer within a minute: none is refused.
    assert 429 not in _flood(client, addresses=[f"10.0.0.{i}" for i in range(40)])
    # One address flooding is still limited.
    assert 429 in _flood(client, addresses=["10.0.1.1"] * 31)


def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_escape_the_limit(
    client, site_tree, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert 429 in _flood(client, addresses=[f"10.0.0.{i}" for i in range(31)])
