"""SAML 2.0 in the company sign-on admin: the protocol choice, the IdP's fields checked by
SamlIdentityProviderForm with errors on the right fields, editing, switching protocol, another
company's sign-on out of reach, metadata URLs on internal addresses refused, reserved slugs."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialApp
from django.core.exceptions import ValidationError

from portal.accounts.onboarding import onboard_company
from portal.accounts.saml import (
    InvalidSamlConfiguration,
    check_public_address,
    configure_saml_sign_on,
    saml_app_settings,
)
from portal.accounts.sign_on import configure_oidc_sign_on
from portal.models import Company, CompanySignOn
from tests.portal.saml_idp import SamlIdP, certificate_pem, pem_body
from tests.portal.test_saml import idp  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
DENIED = {302, 403, 404}
HOST = "127.0.0.1:8000"
SECRET = "very-secret-client-secret"
ENTITY_ID = "https://sts.beta.example/adfs"
SSO_URL = "https://sts.beta.example/adfs/ls/"


@pytest.fixture
def csr_b_client(client, csr_b):
    client.force_login(csr_b.user)
    return client


@pytest.fixture(scope="module")
def cert():
    return certificate_pem("beta-idp")


def saml_form(cert, **overrides) -> dict:
    data = {
        "label": "Beta SAML",
        "protocol": "saml",
        "idp_entity_id": ENTITY_ID,
        "sso_url": SSO_URL,
        "x509cert": cert,
        "password_sign_in": "on",
        "email_claim": "mail",
        "employee_number_claim": "employeeID",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def oidc_form(**overrides) -> dict:
    data = {
        "label": "Beta Connect",
        "protocol": "oidc",
        "server_url": "https://login.beta.example/v2.0",
        "client_id": "cordee",
        "client_secret": SECRET,
        "password_sign_in": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_officer_adds_a_saml_sign_on_without_any_oidc_field(csr_b_client, company_b, cert):
    data = saml_form(cert, company=company_b.pk, server_url="half-typed", client_id="x")
    response = csr_b_client.post("/admin/sign-on/new/", data)
    assert response.status_code == 302, response.context["form"].errors
    sign_on = CompanySignOn.objects.get(company=company_b)
    app = sign_on.social_app
    assert (app.provider, app.provider_id, app.client_id, app.secret) == (
        "saml",
        "beta",
        "beta",
        "",
    )
    assert app.settings["idp"] == {
        "entity_id": ENTITY_ID,
        "sso_url": SSO_URL,
        "x509cert": pem_body(cert),
    }
    assert app.settings["advanced"]["reject_idp_initiated_sso"] is True
    assert sign_on.claim_mapping == {"email": "mail", "employee_number": "employeeID"}
    assert sign_on.label == "Beta SAML" and sign_on.password_sign_in is True


def test_saml_errors_are_shown_on_their_fields_and_nothing_is_saved(csr_b_client, company_b, cert):
    bad_cert = saml_form(cert, company=company_b.pk, x509cert="not a certificate")
    response = csr_b_client.post("/admin/sign-on/new/", bad_cert)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["x509cert"]
    assert "X.509" in errors["x509cert"][0]

    nothing = saml_form(cert, company=company_b.pk, idp_entity_id="", sso_url="", x509cert="")
    errors = csr_b_client.post("/admin/sign-on/new/", nothing).context["form"].errors
    assert list(errors) == ["idp_entity_id"]

    bad_url = saml_form(cert, company=company_b.pk, sso_url="not a url")
    errors = csr_b_client.post("/admin/sign-on/new/", bad_url).context["form"].errors
    assert list(errors) == ["sso_url"] and len(errors["sso_url"]) == 1

    no_protocol = saml_form(cert, company=company_b.pk, protocol=None)
    errors = csr_b_client.post("/admin/sign-on/new/", no_protocol).context["form"].errors
    assert list(errors) == ["protocol"]
    assert not CompanySignOn.objects.exists() and not SocialApp.objects.exists()


def test_oidc_fields_are_required_only_for_oidc(csr_b_client, company_b, cert):
    empty_oidc = oidc_form(company=company_b.pk, server_url="", client_id="", client_secret="")
    errors = csr_b_client.post("/admin/sign-on/new/", empty_oidc).context["form"].errors
    assert set(errors) == {"server_url", "client_id", "client_secret"}
    # SAML fields filled in (one of them invalid) but OIDC chosen: ignored, OIDC saved.
    both = {**saml_form(cert, sso_url="not a url"), **oidc_form(company=company_b.pk)}
    response = csr_b_client.post("/admin/sign-on/new/", both)
    assert response.status_code == 302, response.context["form"].errors
    app = CompanySignOn.objects.get(company=company_b).social_app
    assert app.provider == "openid_connect"
    assert app.settings == {"server_url": "https://login.beta.example/v2.0"}


def test_editing_shows_the_current_saml_values(csr_b_client, company_b, cert):
    sign_on = configure_saml_sign_on(
        company_b,
        label="Beta SAML",
        claim_mapping={"department": "dept"},
        app_settings=saml_app_settings(
            entity_id=ENTITY_ID, sso_url=SSO_URL, x509cert=cert, allow_idp_initiated=True
        ),
    )
    page = csr_b_client.get(f"/admin/sign-on/edit/{sign_on.pk}/")
    assert page.status_code == 200
    form = page.context["form"]
    assert form["protocol"].value() == "saml"
    assert form["idp_entity_id"].value() == ENTITY_ID
    assert form["sso_url"].value() == SSO_URL
    assert form["x509cert"].value() == pem_body(cert)
    assert form["allow_idp_initiated"].value() is True
    assert form["department_claim"].value() == "dept"
    assert form["client_id"].value() in ("", None)
    body = page.content.decode()
    assert f'value="{ENTITY_ID}"' in body and "SAML 2.0" in body
    # Posting the page back unchanged keeps the configuration.
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data["allow_idp_initiated"] = "on"
    response = csr_b_client.post(f"/admin/sign-on/edit/{sign_on.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors
    sign_on.refresh_from_db()
    assert sign_on.social_app.settings["idp"]["entity_id"] == ENTITY_ID
    assert sign_on.social_app.settings["advanced"]["reject_idp_initiated_sso"] is False
    assert sign_on.claim_mapping == {"department": "dept"}


def test_edit_to_a_metadata_url_checked_against_the_idp(
    csr_b_client, company_b, cert, settings, tmp_path, client
):
    settings.BASE_URL = f"http://{HOST}"
    server = SamlIdP(tmp_path)
    try:
        sign_on = configure_saml_sign_on(
            company_b,
            label="Beta SAML",
            app_settings=saml_app_settings(
                entity_id=server.entity_id, sso_url=server.sso_url, x509cert=server.cert_pem
            ),
        )
        server.trust_sp(
            client.get("/accounts/saml/beta/metadata/", HTTP_HOST=HOST).content.decode()
        )
        url = f"/admin/sign-on/edit/{sign_on.pk}/"
        data = saml_form(
            cert,
            idp_entity_id=server.entity_id,
            sso_url="",
            x509cert="",
            metadata_url=server.entity_id,
        )
        wrong = {**data, "idp_entity_id": "https://other.example/"}
        errors = csr_b_client.post(url, wrong).context["form"].errors
        assert list(errors) == ["idp_entity_id"]
        unreachable = {**data, "metadata_url": f"{server.url}/nothing-here"}
        errors = csr_b_client.post(url, unreachable).context["form"].errors
        assert list(errors) == ["metadata_url"]
        response = csr_b_client.post(url, data)
        assert response.status_code == 302, response.context["form"].errors
    finally:
        server.close()
    sign_on.refresh_from_db()
    assert sign_on.social_app.settings["idp"] == {
        "entity_id": server.entity_id,
        "metadata_url": server.entity_id,
    }


def test_switching_from_oidc_to_saml_and_back(csr_b_client, company_b, cert):
    sign_on = configure_oidc_sign_on(
        company_b, server_url="https://idp.example", client_id="c", secret=SECRET, label="B"
    )
    url = f"/admin/sign-on/edit/{sign_on.pk}/"
    response = csr_b_client.post(url, saml_form(cert))
    assert response.status_code == 302, response.context["form"].errors
    app = SocialApp.objects.get()
    assert (app.provider, app.client_id, app.secret) == ("saml", "beta", "")
    assert "server_url" not in app.settings and app.settings["idp"]["entity_id"] == ENTITY_ID
    assert CompanySignOn.objects.get().social_app_id == app.pk

    # Back to OpenID Connect: the secret was dropped, so it must be given again.
    errors = csr_b_client.post(url, oidc_form(client_secret="")).context["form"].errors
    assert list(errors) == ["client_secret"]
    response = csr_b_client.post(url, oidc_form())
    assert response.status_code == 302, response.context["form"].errors
    app = SocialApp.objects.get()
    assert (app.provider, app.provider_id, app.client_id, app.secret) == (
        "openid_connect",
        "beta",
        "cordee",
        SECRET,
    )
    assert app.settings == {"server_url": "https://login.beta.example/v2.0"}


def test_another_companys_saml_sign_on_is_a_404(csr_b_client, company_a, cert):
    sign_on = configure_saml_sign_on(
        company_a,
        label="Alpha SAML",
        app_settings=saml_app_settings(entity_id=ENTITY_ID, sso_url=SSO_URL, x509cert=cert),
    )
    url = f"/admin/sign-on/edit/{sign_on.pk}/"
    assert csr_b_client.get(url).status_code in DENIED
    hijack = saml_form(cert, idp_entity_id="https://evil.example/", sso_url="https://evil.example/")
    assert csr_b_client.post(url, hijack).status_code in DENIED
    assert csr_b_client.post(url, oidc_form()).status_code in DENIED
    sign_on.social_app.refresh_from_db()
    assert sign_on.social_app.provider == "saml"
    assert sign_on.social_app.settings["idp"]["entity_id"] == ENTITY_ID
    listing = csr_b_client.get("/admin/sign-on/").content.decode()
    assert "Alpha SAML" not in listing
    # Nor can they create one for company A.
    response = csr_b_client.post("/admin/sign-on/new/", saml_form(cert, company=company_a.pk))
    assert response.status_code == 200 and "company" in response.context["form"].errors


def test_platform_admin_configures_saml_for_any_company(admin_client, company_a, cert):
    response = admin_client.post("/admin/sign-on/new/", saml_form(cert, company=company_a.pk))
    assert response.status_code == 302, response.context["form"].errors
    sign_on = CompanySignOn.objects.get(company=company_a)
    assert sign_on.social_app.provider == "saml" and sign_on.social_app.client_id == "alpha"
    assert admin_client.get(f"/admin/sign-on/edit/{sign_on.pk}/").status_code == 200


# --- metadata URLs on internal addresses -------------------------------------------------


def test_a_metadata_url_on_an_internal_address_is_refused(
    csr_b_client, company_b, cert, settings, tmp_path
):
    settings.CORDEE_SSO_ALLOW_PRIVATE_METADATA = False
    server = SamlIdP(tmp_path)
    try:
        data = saml_form(
            cert,
            company=company_b.pk,
            idp_entity_id=server.entity_id,
            sso_url="",
            x509cert="",
            metadata_url=f"{server.url}/metadata",
        )
        response = csr_b_client.post("/admin/sign-on/new/", data)
    finally:
        server.close()
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["metadata_url"]
    assert "127.0.0.1" in errors["metadata_url"][0]
    assert not CompanySignOn.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/metadata",
        "https://localhost/metadata",
        "https://10.1.2.3/metadata",
        "https://192.168.0.10/federationmetadata.xml",
        "https://169.254.169.254/latest/meta-data/",
        "https://100.64.0.1/metadata",
        "https://0.0.0.0/metadata",
        "https://[::1]/metadata",
        "https://[::ffff:10.0.0.1]/metadata",
        "https://[fe80::1]/metadata",
        "https:///metadata",
    ],
)
def test_internal_addresses_are_refused(settings, url):
    settings.CORDEE_SSO_ALLOW_PRIVATE_METADATA = False
    with pytest.raises(InvalidSamlConfiguration) as error:
        check_public_address(url)
    assert error.value.field == "metadata_url"
    with pytest.raises(InvalidSamlConfiguration):
        saml_app_settings(entity_id="e", metadata_url=url)


def test_public_addresses_pass_and_the_setting_allows_private_ones(settings):
    settings.CORDEE_SSO_ALLOW_PRIVATE_METADATA = False
    check_public_address("https://93.184.216.34/metadata")  # no error
    check_public_address("https://[2606:2800:220:1:248:1893:25c8:1946]/metadata")
    settings.CORDEE_SSO_ALLOW_PRIVATE_METADATA = True
    check_public_address("https://10.1.2.3/metadata")


# --- reserved company slugs --------------------------------------------------------------


@pytest.mark.parametrize("slug", ["saml", "SAML", "openid_connect"])
def test_reserved_slugs_are_refused_by_onboarding(slug):
    with pytest.raises(ValidationError) as error:
        onboard_company(name="Sam L", slug=slug, domains=["saml.example"])
    assert "slug" in error.value.message_dict
    assert not Company.objects.filter(name="Sam L").exists()


def test_reserved_slug_is_refused_in_the_companies_admin(admin_client, company_a):
    data = {
        "name": "Sam L",
        "slug": "saml",
        "domains": "saml.example",
        "currency": "EUR",
        "time_zone": "Europe/Paris",
        "fiscal_year_start_month": "1",
        "yearly_quota_days": "3.0",
        "hours_per_day": "7.00",
        "hourly_valuation_cents": "6000",
        "brand_colour": "#1f5f8b",
        "leaver_retention_months": "36",
    }
    response = admin_client.post("/admin/companies/new/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["slug"]
    assert "saml" in errors["slug"][0] and "réservé" in errors["slug"][0]  # the admin is in French
    assert not Company.objects.filter(slug="saml").exists()
    # Renaming an existing company to it is refused too.
    edit = admin_client.post(f"/admin/companies/edit/{company_a.pk}/", {**data, "slug": "saml"})
    assert "slug" in edit.context["form"].errors
    company_a.refresh_from_db()
    assert company_a.slug == "alpha"


# --- after a switch, people keep their accounts -------------------------------------------


@pytest.fixture
def alpha_was_oidc(company_a):
    """Alpha used OpenID Connect, and Ann signed in through it, before switching to SAML."""
    from allauth.socialaccount.models import SocialAccount

    from tests.factories import make_employee

    configure_oidc_sign_on(
        company_a, server_url="https://idp.example", client_id="c", secret=SECRET, label="A"
    )
    ann = make_employee(company_a, email="ann@alpha.example", employee_number="A-1001")
    SocialAccount.objects.create(user=ann.user, provider="alpha", uid="oidc-subject-1")
    return ann


@pytest.fixture
def alpha_now_saml(alpha_was_oidc, request):
    """Then Alpha switched to SAML (test_saml's IdP fixture reconfigures the same sign-on)."""
    request.getfixturevalue("idp")
    return alpha_was_oidc


def test_after_switching_to_saml_people_sign_in_to_their_own_account(alpha_now_saml, client):
    from allauth.socialaccount.models import SocialAccount

    from tests.portal.test_saml import idp_response, post_to_acs, signed_in_email

    assert SocialApp.objects.get().provider == "saml"  # the OIDC app, reconfigured
    page = post_to_acs(client, idp_response(client))
    assert page.status_code == 302, page.content
    assert signed_in_email(client) == "ann@alpha.example"
    assert int(client.session["_auth_user_id"]) == alpha_now_saml.user.pk
    assert set(
        SocialAccount.objects.filter(user=alpha_now_saml.user).values_list("uid", flat=True)
    ) == {"oidc-subject-1", "ann@alpha.example"}
