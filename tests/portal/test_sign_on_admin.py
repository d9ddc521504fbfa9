"""Company sign-on in the Wagtail admin: a CSR officer configures their own company's provider,
never another's; the client secret is never shown back."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialApp

from portal.accounts.sign_on import configure_oidc_sign_on
from portal.models import CompanySignOn

pytestmark = pytest.mark.django_db
DENIED = {302, 403, 404}
SECRET = "very-secret-client-secret"


def form(**overrides) -> dict:
    data = {
        "label": "Horizon Connect",
        "protocol": "oidc",
        "server_url": "https://login.horizon.example/tenant/v2.0",
        "client_id": "cordee-client",
        "client_secret": SECRET,
        "password_sign_in": "on",
        "employee_number_claim": "employee_id",
        "department_claim": "department",
        "site_claim": "office",
        "manager_claim": "manager_id",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def csr_b_client(client, csr_b):
    client.force_login(csr_b.user)
    return client


def test_officer_adds_the_sign_on_of_their_own_company(csr_b_client, company_a, company_b):
    page = csr_b_client.get("/admin/sign-on/new/")
    assert page.status_code == 200
    body = page.content.decode()
    assert company_b.name in body and company_a.name not in body
    response = csr_b_client.post("/admin/sign-on/new/", form(company=company_b.pk))
    assert response.status_code == 302, response.context["form"].errors
    sign_on = CompanySignOn.objects.get(company=company_b)
    app = sign_on.social_app
    assert (app.provider, app.provider_id, app.client_id) == (
        "openid_connect",
        company_b.slug,
        "cordee-client",
    )
    assert app.secret == SECRET
    assert app.settings["server_url"] == "https://login.horizon.example/tenant/v2.0"
    assert sign_on.claim_mapping == {
        "employee_number": "employee_id",
        "department": "department",
        "site": "office",
        "manager_employee_number": "manager_id",
    }


def test_officer_cannot_add_a_sign_on_for_another_company(csr_b_client, company_a, company_b):
    response = csr_b_client.post("/admin/sign-on/new/", form(company=company_a.pk))
    assert response.status_code == 200  # the form refuses the choice
    assert not CompanySignOn.objects.filter(company=company_a).exists()


def test_the_secret_is_never_shown_back_and_kept_when_left_empty(csr_b_client, company_b):
    sign_on = configure_oidc_sign_on(
        company_b, server_url="https://idp.example", client_id="c", secret=SECRET, label="B"
    )
    url = f"/admin/sign-on/edit/{sign_on.pk}/"
    body = csr_b_client.get(url).content.decode()
    assert SECRET not in body
    assert 'value="https://idp.example"' in body
    response = csr_b_client.post(url, form(client_secret="", password_sign_in=None))
    assert response.status_code == 302, response.context["form"].errors
    sign_on.refresh_from_db()
    assert sign_on.social_app.secret == SECRET
    assert sign_on.password_sign_in is False
    assert SocialApp.objects.count() == 1


def test_another_companys_sign_on_is_a_404(csr_b_client, company_a):
    sign_on = configure_oidc_sign_on(
        company_a, server_url="https://idp.example", client_id="c", secret=SECRET, label="A"
    )
    url = f"/admin/sign-on/edit/{sign_on.pk}/"
    assert csr_b_client.get(url).status_code in DENIED
    assert csr_b_client.post(url, form(client_id="hijacked")).status_code in DENIED
    sign_on.social_app.refresh_from_db()
    assert sign_on.social_app.client_id == "c"
    listing = csr_b_client.get("/admin/sign-on/").content.decode()
    assert "https://idp.example" not in listing and ">A<" not in listing


def test_an_employee_has_no_sign_on_admin(client, employee_b):
    client.force_login(employee_b.user)
    assert client.get("/admin/sign-on/").status_code in DENIED
