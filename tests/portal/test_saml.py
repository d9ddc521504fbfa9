"""SAML 2.0 sign-in per company, against a real identity provider.

pysaml2's IdP runs on 127.0.0.1 (tests/portal/saml_idp.py) and signs with xmlsec1; Cordée is
allauth's SAML provider (python3-saml, xmlsec). The journey is the real one: the sign-in starts
at /accounts/saml/<slug>/login/, the browser (here Django's test client plus urllib) follows the
redirect to the IdP, the IdP answers with its auto-posting form, which is posted to the ACS.
"""

from __future__ import annotations

import base64
from urllib.request import urlopen

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from defusedxml import ElementTree
from django.contrib.auth import get_user_model

from portal.accounts.saml import (
    InvalidSamlConfiguration,
    configure_saml_sign_on,
    hardened_settings,
    saml_app_settings,
    saml_claims,
    sp_entity_id,
)
from portal.models import EmployeeProfile, SeenSamlAssertion
from tests.factories import make_employee
from tests.portal.saml_idp import (
    DEPARTMENT,
    EMAIL,
    EMPLOYEE_ID,
    GIVEN_NAME,
    MANAGER,
    SITE,
    SURNAME,
    SamlIdP,
    pem_body,
    posted_form,
    request_id,
)

pytestmark = pytest.mark.django_db
User = get_user_model()

HOST = "127.0.0.1:8000"  # python3-saml refuses the test client's single-label "testserver"
BASE_URL = f"http://{HOST}"
MAPPING = {
    "employee_number": EMPLOYEE_ID,
    "department": DEPARTMENT,
    "site": SITE,
    "manager_employee_number": MANAGER,
}


def employee_attributes(email: str, **extra) -> dict[str, list[str]]:
    return {
        EMAIL: [email],
        GIVEN_NAME: ["Ann"],
        SURNAME: ["Martin"],
        EMPLOYEE_ID: ["A-1001"],
        DEPARTMENT: ["Finance"],
        SITE: ["Lyon"],
        MANAGER: ["A-0001"],
        **extra,
    }


@pytest.fixture
def idp(company_a, settings, tmp_path, client):
    """Alpha's IdP, trusted by Cordée and trusting Cordée's SP metadata, with a manager known."""
    settings.BASE_URL = BASE_URL
    server = SamlIdP(tmp_path)
    configure_saml_sign_on(
        company_a,
        label="Alpha SSO",
        claim_mapping=MAPPING,
        app_settings=saml_app_settings(
            entity_id=server.entity_id, sso_url=server.sso_url, x509cert=server.cert_pem
        ),
    )
    metadata = client.get("/accounts/saml/alpha/metadata/", HTTP_HOST=HOST)
    assert metadata.status_code == 200
    server.trust_sp(metadata.content.decode())
    make_employee(company_a, email="boss@alpha.example", employee_number="A-0001")
    server.user = employee_attributes("ann@alpha.example")
    server.name_id = "ann@alpha.example"
    yield server
    server.close()


def idp_response(client, slug: str = "alpha") -> dict[str, str]:
    """Start the sign-in at Cordée, follow it to the IdP: the fields the IdP's form posts."""
    start = client.post(f"/accounts/saml/{slug}/login/", HTTP_HOST=HOST)
    assert start.status_code == 302, start.content
    with urlopen(start["Location"], timeout=10) as page:  # noqa: S310 (the local IdP)
        action, fields = posted_form(page.read().decode())
    assert action == f"{BASE_URL}/accounts/saml/{slug}/acs/"
    return fields


def post_to_acs(client, fields: dict[str, str], slug: str = "alpha"):
    """Post the IdP's form to the ACS and follow allauth to the end of the sign-in."""
    response = client.post(f"/accounts/saml/{slug}/acs/", fields, HTTP_HOST=HOST)
    assert response.status_code == 302
    return client.get(response["Location"], HTTP_HOST=HOST)


def signed_in_email(client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id).email if user_id else None


def edit_response(fields: dict[str, str], old: str, new: str) -> dict[str, str]:
    xml = base64.b64decode(fields["SAMLResponse"]).decode()
    assert old in xml
    return {**fields, "SAMLResponse": base64.b64encode(xml.replace(old, new).encode()).decode()}


def assert_refused(response, client, caplog=None, reason: str = "") -> None:
    """Nobody signed in, an error page, and (when given) the reason in Cordée's log."""
    assert signed_in_email(client) is None
    assert response.status_code in (401, 403), response.status_code
    if reason:
        logged = " ".join(record.getMessage() for record in caplog.records)
        assert reason in logged, logged


# --- the service provider's metadata ------------------------------------------------------


def test_sp_metadata_names_the_company_acs_and_asks_for_signed_assertions(idp, client):
    response = client.get("/accounts/saml/alpha/metadata/", HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    ns = {"md": "urn:oasis:names:tc:SAML:2.0:metadata"}
    assert root.get("entityID") == f"{BASE_URL}/accounts/saml/alpha/metadata/"
    descriptor = root.find("md:SPSSODescriptor", ns)
    assert descriptor.get("WantAssertionsSigned") == "true"
    acs = descriptor.find("md:AssertionConsumerService", ns)
    assert acs.get("Location") == f"{BASE_URL}/accounts/saml/alpha/acs/"


def test_sp_entity_id_comes_from_base_url_not_from_the_request_host(idp, client, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]
    response = client.get("/accounts/saml/alpha/metadata/", HTTP_HOST="evil.example")
    root = ElementTree.fromstring(response.content)
    assert (
        root.get("entityID") == sp_entity_id("alpha") == f"{BASE_URL}/accounts/saml/alpha/metadata/"
    )


def test_metadata_and_login_of_a_company_without_saml_are_404(idp, client, company_b):
    for path in ("metadata/", "login/", "acs/finish/"):
        assert (
            client.get(f"/accounts/saml/{company_b.slug}/{path}", HTTP_HOST=HOST).status_code == 404
        )


# --- signed assertions accepted ----------------------------------------------------------


def test_signed_assertion_signs_in_a_new_person_of_the_right_company(idp, client, company_a):
    page = post_to_acs(client, idp_response(client))
    assert page.status_code == 302, page.content
    assert signed_in_email(client) == "ann@alpha.example"
    profile = EmployeeProfile.objects.select_related("user", "manager__user").get(
        user__email="ann@alpha.example"
    )
    assert profile.company == company_a
    assert (profile.user.first_name, profile.user.last_name) == ("Ann", "Martin")
    assert (profile.employee_number, profile.department, profile.site) == (
        "A-1001",
        "Finance",
        "Lyon",
    )
    assert profile.manager.user.email == "boss@alpha.example"
    account = SocialAccount.objects.get(user=profile.user)
    assert account.provider == "alpha"
    assert account.extra_data[EMPLOYEE_ID] == "A-1001"
    assert len(idp.requests) == 1  # SP-initiated: the IdP answered Cordée's AuthnRequest


def test_second_sign_in_updates_the_person_from_the_assertion(idp, client):
    post_to_acs(client, idp_response(client))
    client.logout()
    idp.user = employee_attributes("ann@alpha.example", **{DEPARTMENT: ["Legal"]})
    post_to_acs(client, idp_response(client))
    assert signed_in_email(client) == "ann@alpha.example"
    assert EmployeeProfile.objects.get(user__email="ann@alpha.example").department == "Legal"
    assert User.objects.filter(email="ann@alpha.example").count() == 1


def test_idp_metadata_url_configuration_signs_in(idp, client, company_a):
    configure_saml_sign_on(
        company_a,
        label="Alpha SSO",
        claim_mapping=MAPPING,
        app_settings=saml_app_settings(entity_id=idp.entity_id, metadata_url=f"{idp.url}/metadata"),
    )
    post_to_acs(client, idp_response(client))
    assert signed_in_email(client) == "ann@alpha.example"


def test_idp_metadata_xml_configuration_signs_in(idp, client, company_a):
    with urlopen(f"{idp.url}/metadata", timeout=10) as page:  # noqa: S310 (the local IdP)
        metadata_xml = page.read().decode()
    app_settings = saml_app_settings(metadata_xml=metadata_xml)
    assert app_settings["idp"]["entity_id"] == idp.entity_id
    assert app_settings["idp"]["sso_url"] == idp.sso_url
    configure_saml_sign_on(
        company_a, label="Alpha SSO", claim_mapping=MAPPING, app_settings=app_settings
    )
    post_to_acs(client, idp_response(client))
    assert signed_in_email(client) == "ann@alpha.example"


# --- refused -----------------------------------------------------------------------------


def test_unsigned_assertion_is_refused(idp, client, caplog):
    idp.sign_assertion = False
    page = post_to_acs(client, idp_response(client))
    assert_refused(page, client, caplog, "not signed and the SP require")
    assert not User.objects.filter(email="ann@alpha.example").exists()


def test_assertion_with_the_email_changed_after_signing_is_refused(idp, client, caplog):
    fields = edit_response(idp_response(client), "ann@alpha.example", "boss@alpha.example")
    page = post_to_acs(client, fields)
    assert_refused(page, client, caplog, "Signature validation failed")
    assert not User.objects.filter(email="ann@alpha.example").exists()


def test_assertion_with_an_attribute_changed_after_signing_is_refused(idp, client, caplog):
    fields = edit_response(idp_response(client), ">Finance<", ">Board<")
    page = post_to_acs(client, fields)
    assert_refused(page, client, caplog, "Signature validation failed")
    assert not User.objects.filter(email="ann@alpha.example").exists()


def test_assertion_signed_by_another_key_is_refused(idp, client, tmp_path, caplog):
    # An impostor answers Cordée's genuine request with Alpha's entity id but its own key.
    folder = tmp_path / "impostor"
    folder.mkdir()
    impostor = SamlIdP(folder, name="impostor")
    try:
        impostor.entity_id = idp.entity_id
        sp_metadata = client.get("/accounts/saml/alpha/metadata/", HTTP_HOST=HOST).content
        impostor.trust_sp(sp_metadata.decode())
        impostor.user, impostor.name_id = idp.user, idp.name_id
        start = client.post("/accounts/saml/alpha/login/", HTTP_HOST=HOST)
        _action, fields = posted_form(
            impostor.post_form(
                in_response_to=request_id(start["Location"]),
                destination=f"{BASE_URL}/accounts/saml/alpha/acs/",
                sp_entity_id=sp_entity_id("alpha"),
            )
        )
        assert_refused(post_to_acs(client, fields), client, caplog, "Signature validation failed")
    finally:
        impostor.close()
    assert not User.objects.filter(email="ann@alpha.example").exists()


def test_replayed_assertion_is_refused(idp, client, caplog):
    fields = idp_response(client)
    post_to_acs(client, fields)
    assert signed_in_email(client) == "ann@alpha.example"
    assert SeenSamlAssertion.objects.count() == 1
    client.logout()
    page = post_to_acs(client, fields)
    assert_refused(page, client, caplog, "Replayed SAML assertion")


def test_replayed_assertion_is_refused_from_another_browser(idp, client, caplog):
    from django.test import Client

    fields = idp_response(client)
    post_to_acs(client, fields)
    attacker = Client()
    page = post_to_acs(attacker, fields)
    assert_refused(page, attacker, caplog, "Replayed SAML assertion")


def test_idp_initiated_sign_in_is_refused_unless_allowed(idp, client, company_a, caplog):
    idp_initiated = {
        "in_response_to": None,
        "destination": f"{BASE_URL}/accounts/saml/alpha/acs/",
        "sp_entity_id": sp_entity_id("alpha"),
    }
    _action, fields = posted_form(idp.post_form(**idp_initiated))
    assert_refused(post_to_acs(client, fields), client, caplog, "IdP initiated SSO rejected")

    configure_saml_sign_on(
        company_a,
        label="Alpha SSO",
        claim_mapping=MAPPING,
        app_settings=saml_app_settings(
            entity_id=idp.entity_id,
            sso_url=idp.sso_url,
            x509cert=idp.cert_pem,
            allow_idp_initiated=True,
        ),
    )
    _action, fields = posted_form(idp.post_form(**idp_initiated))
    post_to_acs(client, fields)
    assert signed_in_email(client) == "ann@alpha.example"
    # An IdP-initiated response has no AuthnRequest to match: only the replay cache stops a
    # second use of it.
    client.logout()
    assert_refused(post_to_acs(client, fields), client, caplog, "Replayed SAML assertion")


def test_assertion_for_another_audience_is_refused(idp, client, caplog):
    idp.audience = "https://other-sp.example/saml/metadata/"
    page = post_to_acs(client, idp_response(client))
    assert_refused(page, client, caplog, "not a valid audience")
    assert not User.objects.filter(email="ann@alpha.example").exists()


def test_response_posted_to_another_company_acs_is_refused(idp, client, company_b, caplog):
    # Beta's SAML IdP is the same server (a multi-tenant IdP): a response made for Alpha's ACS
    # must not sign anyone in through Beta's.
    configure_saml_sign_on(
        company_b,
        label="Beta SSO",
        claim_mapping=MAPPING,
        app_settings=saml_app_settings(
            entity_id=idp.entity_id, sso_url=idp.sso_url, x509cert=idp.cert_pem
        ),
    )
    fields = idp_response(client)
    response = client.post(f"/accounts/saml/{company_b.slug}/acs/", fields, HTTP_HOST=HOST)
    page = client.get(response["Location"], HTTP_HOST=HOST)
    assert_refused(
        page, client, caplog, "instead of http://127.0.0.1:8000/accounts/saml/alpha/acs/"
    )
    assert not User.objects.filter(email="ann@alpha.example").exists()


def test_email_of_another_company_is_refused_even_when_signed(idp, client, company_b, caplog):
    other = f"eve@{company_b.domains.first().domain}"
    idp.user = employee_attributes(other)
    idp.name_id = other
    page = post_to_acs(client, idp_response(client))
    assert_refused(page, client, caplog, f"SSO refused for alpha: {other}")
    assert page.status_code == 403
    assert not User.objects.filter(email=other).exists()
    assert not EmployeeProfile.objects.filter(employee_number="A-1001").exists()


def test_assertion_without_an_email_is_refused(idp, client, caplog):
    idp.user = {GIVEN_NAME: ["Ann"]}
    idp.name_id = "A-1001"
    page = post_to_acs(client, idp_response(client))
    assert_refused(page, client, caplog, "SSO refused for alpha")
    assert not EmployeeProfile.objects.filter(employee_number="A-1001").exists()


# --- configuration -----------------------------------------------------------------------


def test_stored_settings_cannot_weaken_the_security_floor():
    weak = {
        "idp": {"entity_id": "x", "sso_url": "https://idp.example/sso", "x509cert": "x"},
        "advanced": {
            "strict": False,
            "want_assertion_signed": False,
            "reject_deprecated_algorithm": False,
        },
        "sp": {"entity_id": "https://attacker.example/"},
    }
    config = hardened_settings(weak, "alpha")
    assert config["advanced"]["strict"] is True
    assert config["advanced"]["want_assertion_signed"] is True
    assert config["advanced"]["reject_deprecated_algorithm"] is True
    assert config["advanced"]["reject_idp_initiated_sso"] is True
    assert config["sp"]["entity_id"] == sp_entity_id("alpha")
    assert weak["advanced"]["strict"] is False  # the stored settings are left as they were


def test_unsigned_assertion_is_refused_even_if_the_stored_settings_allow_it(idp, client, caplog):
    app = SocialApp.objects.get(provider="saml", client_id="alpha")
    app.settings["advanced"].update(want_assertion_signed=False, strict=False)
    app.save()
    idp.sign_assertion = False
    assert_refused(
        post_to_acs(client, idp_response(client)), client, caplog, "not signed and the SP require"
    )


def test_saml_claims_keep_the_first_non_empty_value_of_each_attribute():
    claims = saml_claims(
        {"mail": ["", " ann@alpha.example "], "groups": ["a", "b"], "empty": [], "none": [None]},
        name_id="ann-1",
        mapped={"email": "ann@alpha.example", "first_name": "Ann", "last_name": ""},
    )
    assert claims == {
        "mail": "ann@alpha.example",
        "groups": "a",
        "name_id": "ann-1",
        "email": "ann@alpha.example",
        "given_name": "Ann",
    }


def test_configuration_errors_name_the_field(tmp_path):
    with pytest.raises(InvalidSamlConfiguration) as error:
        saml_app_settings(
            entity_id="https://idp.example", sso_url="https://idp.example/sso", x509cert="nope"
        )
    assert error.value.field == "x509cert"
    with pytest.raises(InvalidSamlConfiguration) as error:
        saml_app_settings(sso_url="https://idp.example/sso", x509cert="")
    assert error.value.field == "entity_id"
    with pytest.raises(InvalidSamlConfiguration) as error:
        saml_app_settings(metadata_url="https://idp.example/metadata")
    assert error.value.field == "entity_id"
    with pytest.raises(InvalidSamlConfiguration) as error:
        saml_app_settings(metadata_xml="<not-metadata/>")
    assert error.value.field == "metadata_xml"


def test_certificate_accepted_as_pem_or_bare_base64(tmp_path):
    from tests.portal.saml_idp import make_key_and_cert

    _key, _cert, pem = make_key_and_cert(tmp_path, "c")
    from_pem = saml_app_settings(entity_id="e", sso_url="https://i.example/sso", x509cert=pem)
    bare = saml_app_settings(entity_id="e", sso_url="https://i.example/sso", x509cert=pem_body(pem))
    assert from_pem["idp"]["x509cert"] == bare["idp"]["x509cert"] == pem_body(pem)


# --- the admin form's SAML fields --------------------------------------------------------


def test_form_checks_the_metadata_url_against_the_idp(idp):
    from portal.accounts.saml_forms import SamlIdentityProviderForm

    form = SamlIdentityProviderForm(
        {"idp_entity_id": idp.entity_id, "metadata_url": f"{idp.url}/metadata"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["app_settings"]["idp"] == {
        "entity_id": idp.entity_id,
        "metadata_url": f"{idp.url}/metadata",
    }
    wrong = SamlIdentityProviderForm(
        {"idp_entity_id": "https://other.example/", "metadata_url": f"{idp.url}/metadata"}
    )
    assert not wrong.is_valid()
    assert "idp_entity_id" in wrong.errors
    unreachable = SamlIdentityProviderForm(
        {"idp_entity_id": idp.entity_id, "metadata_url": f"{idp.url}/nothing-here"}
    )
    assert not unreachable.is_valid()
    assert "metadata_url" in unreachable.errors


def test_form_refuses_a_bad_certificate_and_missing_fields_by_field():
    from portal.accounts.saml_forms import SamlIdentityProviderForm

    form = SamlIdentityProviderForm(
        {
            "idp_entity_id": "https://idp.example/",
            "sso_url": "https://idp.example/sso",
            "x509cert": "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----",
        }
    )
    assert not form.is_valid()
    assert list(form.errors) == ["x509cert"]
    empty = SamlIdentityProviderForm({})
    assert not empty.is_valid()
    assert list(empty.errors) == ["idp_entity_id"]


def test_form_round_trips_the_stored_settings(idp):
    from portal.accounts.saml_forms import SamlIdentityProviderForm

    data = {
        "idp_entity_id": idp.entity_id,
        "sso_url": idp.sso_url,
        "x509cert": idp.cert_pem,
        "allow_idp_initiated": "on",
    }
    form = SamlIdentityProviderForm(data)
    assert form.is_valid(), form.errors
    app_settings = form.cleaned_data["app_settings"]
    assert app_settings["advanced"]["reject_idp_initiated_sso"] is False
    initial = SamlIdentityProviderForm.initial_from(app_settings)
    assert initial["idp_entity_id"] == idp.entity_id
    assert initial["x509cert"] == pem_body(idp.cert_pem)
    assert initial["allow_idp_initiated"] is True
    again = SamlIdentityProviderForm({**initial, "allow_idp_initiated": ""})
    assert again.is_valid(), again.errors
    assert again.cleaned_data["app_settings"]["advanced"]["reject_idp_initiated_sso"] is True


def test_metadata_url_must_be_https_in_production(settings):
    settings.DEBUG = settings.TESTING = False
    with pytest.raises(InvalidSamlConfiguration) as error:
        saml_app_settings(entity_id="e", metadata_url="http://idp.example/metadata")
    assert error.value.field == "metadata_url"


@pytest.mark.parametrize(
    "saml_response",
    [
        "",
        "%%%not-base64",
        base64.b64encode(b"not xml").decode(),
        base64.b64encode(b"<a/>").decode(),
    ],
)
def test_malformed_responses_are_refused_not_500(idp, client, saml_response):
    client.post("/accounts/saml/alpha/login/", HTTP_HOST=HOST)
    page = post_to_acs(client, {"SAMLResponse": saml_response})
    assert_refused(page, client)


def test_sso_endpoints_answer_the_default_test_host(idp, client):
    # Django's test client sends "testserver", a single-label host python3-saml refuses unless
    # told otherwise: the metadata and the sign-in start must not fail with a 500.
    assert client.get("/accounts/saml/alpha/metadata/").status_code == 200
    assert client.post("/accounts/saml/alpha/login/").status_code == 302
    assert client.get("/accounts/saml/alpha/sls/").status_code == 400


def test_response_to_a_request_another_browser_made_is_refused(idp, client):
    from django.test import Client

    fields = idp_response(client)  # the victim's sign-in, intercepted before it is posted
    attacker = Client()
    page = post_to_acs(attacker, fields)
    assert signed_in_email(attacker) is None
    assert page.status_code in (401, 403)
    assert not User.objects.filter(email="ann@alpha.example").exists()


def test_an_unreachable_idp_metadata_url_is_a_refused_sign_in_not_500(idp, client, company_a):
    from tests.donations.stripe_fakes import free_port

    configure_saml_sign_on(
        company_a,
        label="Alpha SSO",
        claim_mapping=MAPPING,
        app_settings=saml_app_settings(
            entity_id=idp.entity_id, metadata_url=f"http://127.0.0.1:{free_port()}/metadata"
        ),
    )
    response = client.post("/accounts/saml/alpha/login/", HTTP_HOST=HOST)
    assert response.status_code == 401
    assert signed_in_email(client) is None


def test_seen_assertions_are_kept_until_they_expire_then_forgotten(idp, client, clock):
    import datetime

    post_to_acs(client, idp_response(client))
    seen = SeenSamlAssertion.objects.get()
    assert seen.not_on_or_after > seen.seen_at
    clock.shift(seen.not_on_or_after - seen.seen_at + datetime.timedelta(minutes=1))
    client.logout()
    post_to_acs(client, idp_response(client))  # a new assertion; the expired one is purged
    assert SeenSamlAssertion.objects.count() == 1
    assert SeenSamlAssertion.objects.get().assertion_id != seen.assertion_id
