"""Passkeys in a real browser: a CSR officer adds one, then signs in with it alone and reaches
the admin (a passkey is a second factor of its own); Chromium's virtual authenticator stands in
for the phone or security key."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator

from tests.e2e.test_engagement_journey import sign_in
from tests.factories import PASSWORD, make_employee

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_officer_adds_a_passkey_then_signs_in_with_it_alone(
    page, live_server, company_a, axe_check
):
    officer = make_employee(company_a, email="claire@alpha.example", is_csr_officer=True)
    _virtual_authenticator(page)
    sign_in(page, officer.user.email)  # password + authenticator app, as today
    page.goto("/accounts/2fa/webauthn/add/")
    if "/accounts/reauthenticate/" in page.url:
        # allauth asks for the password again before a new authenticator is added.
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_url(lambda url: "/webauthn/add/" in url)
    page.get_by_label("Name").fill("Clé du bureau")
    page.get_by_label("Passwordless").check()
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    assert Authenticator.objects.filter(
        user=officer.user, type=Authenticator.Type.WEBAUTHN
    ).exists()

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    assert axe_check(page) == []
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    # No password, no code: the passkey is the second factor, so the admin opens.
    response = page.goto("/admin/")
    assert response.status == 200
    assert "/accounts/" not in page.url
    assert page.csp_errors == []
