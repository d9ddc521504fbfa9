"""Privileged roles need a second factor (or SSO) on admin and money screens (portal/mfa.py)."""

from __future__ import annotations

import time

import pytest
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth import get_user_model
from django.test import Client

from portal.mfa import is_privileged
from tests.factories import PASSWORD, make_employee

User = get_user_model()

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PAYROLL = "/giving/payroll/"
ACTIVATE = "/accounts/2fa/totp/activate/"
REAUTHENTICATE = "/accounts/2fa/reauthenticate/"


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def code(secret: str = SECRET) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in_with_password(client, email: str) -> None:
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def payroll_officer(company_a):
    return make_employee(company_a, email="paie@alpha.example", is_payroll_officer=True)


@pytest.fixture
def totp_payroll_officer(payroll_officer):
    TOTP.activate(payroll_officer.user, SECRET)
    return payroll_officer


def test_roles_that_need_a_second_factor(company_a, employee_a, csr_a, payroll_officer):
    executive = make_employee(company_a, is_executive=True)
    admin = User.objects.create_superuser("root", "root@platform.example", PASSWORD)
    assert [is_privileged(p.user) for p in (csr_a, payroll_officer, executive)] == [True] * 3
    assert is_privileged(admin)
    assert not is_privileged(employee_a.user)


def test_password_session_without_authenticator_is_sent_to_enrol(
    client, payroll_officer, force_login_without_second_factor
):
    force_login_without_second_factor(client, payroll_officer.user)
    response = client.get(PAYROLL)
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE + "?next=%2Fgiving%2Fpayroll%2F"


def test_password_login_with_totp_not_yet_typed_gives_no_session(client, totp_payroll_officer):
    sign_in_with_password(client, totp_payroll_officer.user.email)
    assert not signed_in(client)
    assert client.get(PAYROLL)["Location"].startswith("/accounts/login/")


def test_password_login_with_totp_code_opens_money_screens(client, totp_payroll_officer):
    sign_in_with_password(client, totp_payroll_officer.user.email)
    response = client.post("/accounts/2fa/authenticate/", {"code": code()})
    assert response.status_code == 302
    assert signed_in(client)
    assert client.get(PAYROLL).status_code == 200


def test_session_without_the_code_is_sent_to_reauthenticate_then_allowed(
    client, totp_payroll_officer, force_login_without_second_factor
):
    # The authenticator exists but this session never used it (e.g. signed in before enrolling).
    force_login_without_second_factor(client, totp_payroll_officer.user)
    response = client.get(PAYROLL + "?month=2026-10")
    assert response.status_code == 302
    assert response["Location"] == REAUTHENTICATE + "?next=%2Fgiving%2Fpayroll%2F%3Fmonth%3D2026-10"

    response = client.post(REAUTHENTICATE + "?next=/giving/payroll/", {"code": "000000"})
    assert response.status_code == 200  # the form again: a wrong code is no second factor
    assert client.get(PAYROLL).status_code == 302

    response = client.post(REAUTHENTICATE, {"code": code(), "next": PAYROLL})
    assert response.status_code == 302
    assert client.get(PAYROLL).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # on_commit: allauth's signal
def test_enrolling_totp_opens_the_screens_without_a_second_code(client, payroll_officer):
    sign_in_with_password(client, payroll_officer.user.email)
    assert signed_in(client)
    response = client.get(PAYROLL)
    assert response["Location"].startswith(ACTIVATE)

    # allauth asks for the password again before an authenticator is added.
    response = client.get(ACTIVATE)
    assert response["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(ACTIVATE, {"code": code(secret), "signup": ""})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=payroll_officer.user, type="totp").exists()
    assert client.get(PAYROLL).status_code == 200


def test_sso_session_counts_as_the_second_factor(
    client, payroll_officer, force_login_without_second_factor
):
    # The record allauth's social login leaves (socialaccount/internal/flows/login.py).
    force_login_without_second_factor(client, payroll_officer.user)
    session = client.session

    class Request:
        pass

    request = Request()
    request.session = session
    record_authentication(
        request, payroll_officer.user, "socialaccount", provider="horizon", uid="42"
    )
    session.save()
    assert client.get(PAYROLL).status_code == 200


@pytest.mark.parametrize(
    "url,role",
    [
        ("/giving/payroll/", "is_payroll_officer"),
        ("/giving/finance/", "is_csr_officer"),
        ("/giving/rules/matching/", "is_csr_officer"),
        ("/giving/refunds/", "is_csr_officer"),
        ("/impact/", "is_executive"),
        ("/engagement/csr/", "is_csr_officer"),
        ("/admin/", "is_csr_officer"),
    ],
)
def test_every_money_and_admin_screen_refuses_a_plain_session(
    client, company_a, force_login_without_second_factor, url, role
):
    person = make_employee(company_a, **{role: True})
    force_login_without_second_factor(client, person.user)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(ACTIVATE)
    # The same person with the record of a TOTP sign-in (tests/conftest.py) gets through.
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.force_login(person.user)
    assert other.get(url).status_code == 200


def test_a_refused_post_writes_nothing(client, company_a, csr_a, force_login_without_second_factor):
    from donations.models import MatchingPolicy

    force_login_without_second_factor(client, csr_a.user)
    response = client.post("/giving/rules/matching/new/", {"ratio": "1", "name": "x"})
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE + "?next=%2Fgiving%2Frules%2Fmatching%2Fnew%2F"
    assert not MatchingPolicy.objects.exists()


@pytest.mark.parametrize("url", ["/admin/", "/django-admin/"])
def test_platform_admin_with_a_password_session_is_refused_the_admins(
    client, site_tree, force_login_without_second_factor, url
):
    admin = User.objects.create_superuser("root", "root@platform.example", PASSWORD)
    force_login_without_second_factor(client, admin)
    assert client.get(url)["Location"].startswith(ACTIVATE)


def test_employees_are_not_forced(client, employee_a, force_login_without_second_factor):
    force_login_without_second_factor(client, employee_a.user)
    assert client.get("/giving/").status_code == 200
    assert client.get("/profile/").status_code == 200
    # A money screen stays a 404 for them, not an invitation to enrol.
    assert client.get(PAYROLL).status_code == 404
