"""The company sign-on rules, whatever the protocol: claims mapped to a person, the company's
domains enforced, people of another company refused, nothing written on a refusal."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialApp
from django.contrib.auth import get_user_model
from django.utils import translation

from portal.accounts.sso import SignOnRefused, claims_to_record, flatten_claims, sign_in_person
from portal.models import CompanySignOn, EmployeeProfile
from tests.factories import CompanyFactory, make_employee

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(autouse=True)
def _english():
    # The refusals are translated; these tests read the English ones.
    with translation.override("en"):
        yield


def make_sign_on(company, **fields) -> CompanySignOn:
    app = SocialApp.objects.create(
        provider="openid_connect",
        provider_id=company.slug,
        name=company.name,
        client_id=f"cordee-{company.slug}",
        secret="s3cret",
        settings={"server_url": "http://127.0.0.1:1/"},
    )
    fields.setdefault(
        "claim_mapping",
        {
            "employee_number": "employee_id",
            "department": "department",
            "site": "office",
            "manager_employee_number": "manager_id",
        },
    )
    return CompanySignOn.objects.create(
        company=company, social_app=app, label=company.name, **fields
    )


@pytest.fixture
def horizon():
    return CompanyFactory(name="Horizon", slug="horizon", domains=["horizon.example"])


@pytest.fixture
def lumen():
    return CompanyFactory(name="Lumen", slug="lumen", domains=["lumen.example"])


def test_flatten_claims_merges_oidc_userinfo_over_id_token_and_keeps_first_saml_value():
    assert flatten_claims(
        {"id_token": {"sub": "1", "email": "a@x"}, "userinfo": {"email": "b@x"}}
    ) == {
        "sub": "1",
        "email": "b@x",
    }
    assert flatten_claims({"mail": ["a@x", "b@x"], "empty": []}) == {"mail": "a@x", "empty": None}


def test_claims_are_mapped_to_a_person_record(horizon):
    sign_on = make_sign_on(horizon)
    record = claims_to_record(
        sign_on,
        {
            "email": "Ines.Martin@Horizon.example",
            "given_name": "Inès",
            "family_name": "Martin",
            "employee_id": "H-042",
            "department": "Finance",
            "office": "Lyon",
            "manager_id": "",
            "locale": "fr-FR",
        },
    )
    assert record.email == "ines.martin@horizon.example"
    assert (record.first_name, record.last_name) == ("Inès", "Martin")
    assert (record.employee_number, record.department, record.site) == ("H-042", "Finance", "Lyon")
    assert record.manager_employee_number == ""  # an empty manager claim: no manager
    assert record.language == "fr"


def test_a_login_without_email_is_refused(horizon):
    with pytest.raises(SignOnRefused, match="e-mail"):
        claims_to_record(make_sign_on(horizon), {"sub": "1"})


def test_first_sign_in_creates_the_employee_with_a_verified_address_and_manager(horizon):
    make_employee(horizon, email="boss@horizon.example", employee_number="H-001")
    sign_on = make_sign_on(horizon)
    user = sign_in_person(
        sign_on,
        {
            "email": "ines@horizon.example",
            "given_name": "Inès",
            "employee_id": "H-042",
            "manager_id": "H-001",
            "department": "Finance",
        },
    )
    profile = EmployeeProfile.objects.get(user=user)
    assert profile.company == horizon
    assert profile.employee_number == "H-042"
    assert profile.manager.user.email == "boss@horizon.example"
    assert user.emailaddress_set.get().verified
    assert not user.has_usable_password()


def test_an_email_of_another_company_is_refused_even_if_the_provider_asserts_it(horizon, lumen):
    sign_on = make_sign_on(horizon)
    with pytest.raises(SignOnRefused, match="not an address of Horizon"):
        sign_in_person(sign_on, {"email": "mallory@lumen.example", "employee_id": "X"})
    assert not User.objects.filter(email="mallory@lumen.example").exists()


def test_an_existing_user_of_another_company_is_refused(horizon, lumen):
    # A Lumen employee whose address is at a domain Horizon has since taken over.
    lumen_profile = make_employee(lumen, email="paul@horizon.example")
    with pytest.raises(SignOnRefused, match="another company"):
        sign_in_person(make_sign_on(horizon), {"email": "paul@horizon.example"})
    lumen_profile.refresh_from_db()
    assert lumen_profile.company == lumen
    assert EmployeeProfile.objects.filter(company=horizon).count() == 0


def test_a_social_account_of_another_company_user_is_refused(horizon, lumen):
    lumen_user = make_employee(lumen, email="paul@lumen.example").user
    with pytest.raises(SignOnRefused, match="another company"):
        sign_in_person(
            make_sign_on(horizon), {"email": "paul@horizon.example"}, existing_user=lumen_user
        )
    assert not User.objects.filter(email="paul@horizon.example").exists()


def test_an_unknown_manager_refuses_and_writes_nothing(horizon):
    with pytest.raises(SignOnRefused, match="H-999"):
        sign_in_person(
            make_sign_on(horizon), {"email": "ines@horizon.example", "manager_id": "H-999"}
        )
    assert not User.objects.filter(email="ines@horizon.example").exists()


def test_the_demo_identity_provider_is_refused_with_debug_off(settings):
    from portal.checks import demo_identity_provider_only_in_demo

    settings.CORDEE_DEMO_IDP = True
    settings.DEBUG = True
    assert demo_identity_provider_only_in_demo() == []
    settings.DEBUG = False
    settings.TESTING = False
    errors = demo_identity_provider_only_in_demo()
    assert [e.id for e in errors] == ["portal.E002"]
    settings.CORDEE_DEMO_IDP = False
    assert demo_identity_provider_only_in_demo() == []


def test_production_settings_have_no_demo_identity_provider(tmp_path):
    from tests.portal.test_settings import production_env, run_manage

    result = run_manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "ERROR")
    assert result.returncode == 0, result.stderr
    assert "portal.E002" not in result.stdout + result.stderr
    result = run_manage(
        production_env(tmp_path, CORDEE_DEMO_IDP="true"), "check", "--fail-level", "ERROR"
    )
    assert result.returncode != 0
    assert "portal.E002" in result.stdout + result.stderr
