"""SCIM 2.0 provisioning at /scim/v2/, replayed with the requests Entra ID and Okta send.

Payloads follow Microsoft's "Develop a SCIM endpoint" guide (learn.microsoft.com, Entra ID
app provisioning: capitalised ops, `emails[type eq "work"].value` paths, the manager as a bare
id) and Okta's "SCIM 2.0 protocol reference" (developer.okta.com: `password`, `groups: []`,
`locale`, value-object replace without a path).
"""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.test import Client

from portal.models import EmployeeProfile
from portal.people.signals import person_left, person_returned
from portal.scim.models import ScimAccount, ScimToken
from portal.scim.services import create_token, revoke_token
from tests.factories import make_employee

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_the_default_day")]

BASE = "/scim/v2"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
EMPLOYMENT = "urn:ietf:params:scim:schemas:extension:cordee:2.0:User"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
TODAY = datetime.date(2026, 11, 17)


class Scim:
    def __init__(self, raw: str):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw}"}

    def _send(self, method, url, body=None, raw_body=None):
        data = raw_body if raw_body is not None else (json.dumps(body) if body else "")
        return getattr(self.client, method)(
            BASE + url, data=data, content_type="application/scim+json", headers=self.headers
        )

    def get(self, url):
        return self.client.get(BASE + url, headers=self.headers)

    def post(self, url, body=None, raw_body=None):
        return self._send("post", url, body, raw_body)

    def put(self, url, body):
        return self._send("put", url, body)

    def patch(self, url, body=None, raw_body=None):
        return self._send("patch", url, body, raw_body)

    def delete(self, url):
        return self.client.delete(BASE + url, headers=self.headers)


@pytest.fixture
def scim_a(company_a):
    _token, raw = create_token(company=company_a, label="Entra ID")
    return Scim(raw)


@pytest.fixture
def scim_b(company_b):
    _token, raw = create_token(company=company_b, label="Okta")
    return Scim(raw)


def entra_user(email="Test_User@alpha.example", external_id="0a21f0f2-8d2a-4f8e", **extra):
    """Entra ID's create request (Microsoft's SCIM guide, 'Create User')."""
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "externalId": external_id,
        "userName": email,
        "active": True,
        "emails": [{"primary": True, "type": "work", "value": email}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "Ada Martin", "familyName": "Martin", "givenName": "Ada"},
        "roles": [],
    }
    body.update(extra)
    return body


def okta_user(email="test.user@alpha.example", **extra):
    """Okta's create request (Okta's SCIM 2.0 protocol reference, 'Create the user')."""
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": email,
        "name": {"givenName": "Test", "familyName": "User"},
        "emails": [{"primary": True, "value": email, "type": "work"}],
        "displayName": "Test User",
        "locale": "fr-FR",
        "externalId": "00ujl29u0le5T6Aj10h7",
        "groups": [],
        "password": "1mz050nq",
        "active": True,
    }
    body.update(extra)
    return body


def assert_error(response, status, scim_type=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/scim+json")
    body = response.json()
    assert body["schemas"] == [ERROR]
    assert body["status"] == str(status)
    assert body["detail"]
    if scim_type:
        assert body["scimType"] == scim_type
    return body


def profile(email) -> EmployeeProfile:
    return EmployeeProfile.objects.select_related("user").get(user__email=email.lower())


# --- discovery ---------------------------------------------------------------------------------


def test_discovery_documents(scim_a):
    config = scim_a.get("/ServiceProviderConfig").json()
    assert config["patch"]["supported"] is True
    assert config["filter"] == {"supported": True, "maxResults": 200}
    assert config["bulk"]["supported"] is False
    assert config["authenticationSchemes"][0]["type"] == "oauthbearertoken"
    types = scim_a.get("/ResourceTypes").json()
    assert types["Resources"][0]["endpoint"] == "/Users"
    assert {e["schema"] for e in types["Resources"][0]["schemaExtensions"]} == {
        ENTERPRISE,
        EMPLOYMENT,
    }
    schema_ids = {s["id"] for s in scim_a.get("/Schemas").json()["Resources"]}
    assert ENTERPRISE in schema_ids and EMPLOYMENT in schema_ids
    enterprise = scim_a.get(f"/Schemas/{ENTERPRISE}").json()
    assert "employeeNumber" in {a["name"] for a in enterprise["attributes"]}
    assert_error(scim_a.get("/Schemas/urn:nope"), 404)
    assert scim_a.get("/Groups").json()["totalResults"] == 0
    assert_error(scim_a.get("/Nope"), 404)


# --- authentication ----------------------------------------------------------------------------


def test_no_token_bad_token_and_revoked_token_are_401(company_a, scim_a):
    anonymous = Client().get(BASE + "/Users")
    assert_error(anonymous, 401)
    assert anonymous["WWW-Authenticate"].startswith("Bearer")
    assert_error(Scim("cordee_scim_wrong").get("/Users"), 401)
    basic = Client().get(BASE + "/Users", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_error(basic, 401)
    token, raw = create_token(company=company_a, label="old")
    assert Scim(raw).get("/Users").status_code == 200
    revoke_token(token=token)
    assert_error(Scim(raw).get("/Users"), 401)


def test_token_is_stored_hashed_and_its_use_recorded(company_a):
    assert company_a.directory_source == "manual"
    token, raw = create_token(company=company_a, label="Entra ID")
    assert raw.startswith("cordee_scim_") and len(raw) > 40
    assert raw not in token.token_hash and token.token_hash != raw
    assert raw.startswith(token.prefix)
    assert token.last_used_at is None
    Scim(raw).get("/Users")
    token.refresh_from_db()
    company_a.refresh_from_db()
    assert token.last_used_at is not None
    assert company_a.directory_source == "scim"


# --- Entra ID ----------------------------------------------------------------------------------


def test_entra_creates_then_finds_then_patches_a_person(scim_a, company_a):
    found = scim_a.get('/Users?filter=userName+eq+"Test_User@alpha.example"').json()
    assert found["totalResults"] == 0 and found["Resources"] == []

    body = entra_user()
    body[ENTERPRISE] = {"employeeNumber": "A-100", "department": "Finance"}
    created = scim_a.post("/Users", body)
    assert created.status_code == 201, created.content
    resource = created.json()
    person = profile("Test_User@alpha.example")
    assert resource["id"] == str(person.pk)
    assert created["Location"].endswith(f"/scim/v2/Users/{person.pk}")
    assert resource["userName"] == "Test_User@alpha.example"
    assert resource["externalId"] == "0a21f0f2-8d2a-4f8e"
    assert resource["active"] is True
    assert resource[ENTERPRISE] == {"employeeNumber": "A-100", "department": "Finance"}
    assert (person.user.first_name, person.user.last_name) == ("Ada", "Martin")
    assert (person.employee_number, person.department, person.company) == (
        "A-100",
        "Finance",
        company_a,
    )
    assert not person.user.has_usable_password()

    # Entra matches on userName, case-insensitively, and on externalId
    for query in (
        'userName eq "test_user@alpha.example"',
        'externalId eq "0a21f0f2-8d2a-4f8e"',
        f'{ENTERPRISE}:employeeNumber eq "A-100"',
    ):
        listing = scim_a.get("/Users?" + _q(filter=query)).json()
        assert listing["totalResults"] == 1, query
        assert listing["Resources"][0]["id"] == str(person.pk)

    # Microsoft's "Update User [Multi-valued properties]" request
    updated = scim_a.patch(
        f"/Users/{person.pk}",
        {
            "schemas": [PATCH],
            "Operations": [
                {
                    "op": "Replace",
                    "path": 'emails[type eq "work"].value',
                    "value": "ada.martin@alpha.example",
                },
                {"op": "Replace", "path": "name.familyName", "value": "Martin-Leroy"},
            ],
        },
    )
    assert updated.status_code == 200, updated.content
    person.refresh_from_db()
    person.user.refresh_from_db()
    assert person.user.email == "ada.martin@alpha.example"
    assert person.user.last_name == "Martin-Leroy"
    # Microsoft's "Update User [Single-valued properties]" and enterprise attributes
    scim_a.patch(
        f"/Users/{person.pk}",
        {
            "schemas": [PATCH],
            "Operations": [
                {"op": "Replace", "path": "userName", "value": "ada.martin@alpha.example"},
                {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "Audit"},
                {"op": "Add", "path": 'addresses[type eq "work"].locality', "value": "Lyon"},
            ],
        },
    )
    person.refresh_from_db()
    assert (person.department, person.site) == ("Audit", "Lyon")
    assert person.scim_account.user_name == "ada.martin@alpha.example"
    again = scim_a.get(f"/Users/{person.pk}").json()
    assert again["addresses"] == [{"locality": "Lyon", "type": "work"}]
    assert again["emails"][0]["value"] == "ada.martin@alpha.example"


def _q(**params):
    from urllib.parse import urlencode

    return urlencode(params)


def _entra_person(scim, email, number):
    body = entra_user(email=email, external_id=f"ext-{number}")
    body[ENTERPRISE] = {"employeeNumber": number}
    response = scim.post("/Users", body)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_entra_manager_as_bare_id_then_removed(scim_a):
    boss = _entra_person(scim_a, "boss@alpha.example", "B-1")
    ada = _entra_person(scim_a, "ada@alpha.example", "A-1")
    # Entra: {"op":"Add","path":"…:manager","value":"<id>"}
    response = scim_a.patch(
        f"/Users/{ada}",
        {
            "schemas": [PATCH],
            "Operations": [{"op": "Add", "path": f"{ENTERPRISE}:manager", "value": boss}],
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()[ENTERPRISE]["manager"]["value"] == boss
    assert profile("ada@alpha.example").manager == profile("boss@alpha.example")
    # the RFC form: a value object
    other = _entra_person(scim_a, "other@alpha.example", "O-1")
    scim_a.patch(
        f"/Users/{ada}",
        {
            "schemas": [PATCH],
            "Operations": [
                {"op": "replace", "path": f"{ENTERPRISE}:manager", "value": {"value": other}}
            ],
        },
    )
    assert profile("ada@alpha.example").manager == profile("other@alpha.example")
    scim_a.patch(
        f"/Users/{ada}",
        {"schemas": [PATCH], "Operations": [{"op": "Remove", "path": f"{ENTERPRISE}:manager"}]},
    )
    assert profile("ada@alpha.example").manager is None
    # a removal that names the manager, and Entra's empty manager
    add = {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": boss}
    for operation in (
        {"op": "Remove", "path": f"{ENTERPRISE}:manager", "value": [{"value": boss}]},
        {"op": "Replace", "path": f"{ENTERPRISE}:manager", "value": ""},
    ):
        scim_a.patch(f"/Users/{ada}", {"schemas": [PATCH], "Operations": [add]})
        assert profile("ada@alpha.example").manager == profile("boss@alpha.example")
        response = scim_a.patch(f"/Users/{ada}", {"schemas": [PATCH], "Operations": [operation]})
        assert response.status_code == 200, response.content
        assert profile("ada@alpha.example").manager is None


def test_manager_of_another_company_or_unknown_is_refused(scim_a, scim_b, employee_b):
    ada = _entra_person(scim_a, "ada@alpha.example", "A-1")
    bob = _entra_person(scim_b, "bobby@beta.example", "B-9")
    for value in (bob, "999999", "not-an-id"):
        response = scim_a.patch(
            f"/Users/{ada}",
            {
                "schemas": [PATCH],
                "Operations": [{"op": "Add", "path": f"{ENTERPRISE}:manager", "value": value}],
            },
        )
        assert_error(response, 400, "invalidValue")
    assert profile("ada@alpha.example").manager is None


def test_a_manager_without_employee_number_is_found_by_id(scim_a, company_a):
    ada = _entra_person(scim_a, "ada@alpha.example", "A-1")
    boss = make_employee(company_a, email="noboss@alpha.example")
    response = scim_a.patch(
        f"/Users/{ada}",
        {
            "schemas": [PATCH],
            "Operations": [{"op": "Add", "path": f"{ENTERPRISE}:manager", "value": str(boss.pk)}],
        },
    )
    assert response.status_code == 200, response.content
    assert profile("ada@alpha.example").manager == boss


def test_a_person_cannot_be_their_own_manager(scim_a):
    ada = _entra_person(scim_a, "ada@alpha.example", "A-1")
    body = assert_error(
        scim_a.patch(
            f"/Users/{ada}",
            {
                "schemas": [PATCH],
                "Operations": [{"op": "Add", "path": f"{ENTERPRISE}:manager", "value": ada}],
            },
        ),
        400,
        "invalidValue",
    )
    assert body["detail"].startswith("manager_id:")


def test_entra_disable_is_a_leaver_and_enable_a_rehire(scim_a):
    ada = _entra_person(scim_a, "ada@alpha.example", "A-1")
    left, returned = [], []

    def on_left(sender, profile, leave_date, source, **kwargs):
        left.append((profile.pk, leave_date, source))

    def on_returned(sender, profile, source, **kwargs):
        returned.append((profile.pk, source))

    person_left.connect(on_left)
    person_returned.connect(on_returned)
    try:
        # Entra without the aadOptscim062020 flag sends "False" as a string
        for value in ("False", False):
            response = scim_a.patch(
                f"/Users/{ada}",
                {
                    "schemas": [PATCH],
                    "Operations": [{"op": "Replace", "path": "active", "value": value}],
                },
            )
            assert response.status_code == 200, response.content
            assert response.json()["active"] is False
        person = profile("ada@alpha.example")
        assert person.leave_date == TODAY
        assert left == [(person.pk, TODAY, "scim")]  # once: the second PATCH changes nothing

        response = scim_a.patch(
            f"/Users/{ada}",
            {
                "schemas": [PATCH],
                "Operations": [{"op": "Replace", "path": "active", "value": True}],
            },
        )
        assert response.json()["active"] is True
        assert profile("ada@alpha.example").leave_date is None
        assert returned == [(person.pk, "scim")]
    finally:
        person_left.disconnect(on_left)
        person_returned.disconnect(on_returned)


def test_employment_dates_from_the_cordee_extension(scim_a):
    body = entra_user(email="new@alpha.example")
    body["schemas"].append(EMPLOYMENT)
    body[EMPLOYMENT] = {"hireDate": "2026-12-01"}
    assert scim_a.post("/Users", body).status_code == 201
    person = profile("new@alpha.example")
    assert person.hire_date == datetime.date(2026, 12, 1)
    response = scim_a.patch(
        f"/Users/{person.pk}",
        {
            "schemas": [PATCH],
            "Operations": [
                {"op": "replace", "path": f"{EMPLOYMENT}:leaveDate", "value": "2027-03-31"}
            ],
        },
    )
    assert response.json()["active"] is True  # leaves in the future
    assert profile("new@alpha.example").leave_date == datetime.date(2027, 3, 31)
    response = scim_a.patch(
        f"/Users/{person.pk}",
        {
            "schemas": [PATCH],
            "Operations": [
                {"op": "replace", "path": f"{EMPLOYMENT}:leaveDate", "value": "2026-11-01"}
            ],
        },
    )
    assert_error(response, 400, "invalidValue")  # before the hire date


# --- Okta --------------------------------------------------------------------------------------


def test_okta_lifecycle(scim_a):
    listing = scim_a.get(
        "/Users?filter=userName%20eq%20%22test.user%40alpha.example%22&startIndex=1&count=100"
    ).json()
    assert listing["totalResults"] == 0
    created = scim_a.post("/Users", okta_user())
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    person = profile("test.user@alpha.example")
    assert person.language == "fr"
    assert "password" not in created.json()
    assert not person.user.has_usable_password()

    # Okta's "Update a specific user (PUT)"
    put = okta_user(id=pk, name={"givenName": "Another", "familyName": "User"})
    put[ENTERPRISE] = {"employeeNumber": "OK-7", "department": "Legal"}
    put["schemas"].append(ENTERPRISE)
    response = scim_a.put(f"/Users/{pk}", put)
    assert response.status_code == 200, response.content
    person = profile("test.user@alpha.example")
    assert (person.user.first_name, person.employee_number, person.department) == (
        "Another",
        "OK-7",
        "Legal",
    )
    # Okta's "Deactivate the user": a value object without a path
    response = scim_a.patch(
        f"/Users/{pk}",
        {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]},
    )
    assert response.json()["active"] is False
    assert profile("test.user@alpha.example").leave_date == TODAY
    # …and reactivate
    scim_a.patch(
        f"/Users/{pk}",
        {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": True}}]},
    )
    assert profile("test.user@alpha.example").leave_date is None


def test_new_email_follows_the_person_with_or_without_employee_number(scim_a):
    pk = scim_a.post("/Users", okta_user(email="old@alpha.example")).json()["id"]
    put = okta_user(email="new@alpha.example", id=pk)
    response = scim_a.put(f"/Users/{pk}", put)
    assert response.status_code == 200, response.content
    assert response.json()["id"] == pk
    assert EmployeeProfile.objects.count() == 1
    assert profile("new@alpha.example").pk == int(pk)
    # e-mail and employee number change together
    ada = _entra_person(scim_a, "ada@alpha.example", "A-1")
    response = scim_a.patch(
        f"/Users/{ada}",
        {
            "schemas": [PATCH],
            "Operations": [
                {
                    "op": "Replace",
                    "path": 'emails[type eq "work"].value',
                    "value": "ada2@alpha.example",
                },
                {"op": "Replace", "path": f"{ENTERPRISE}:employeeNumber", "value": "A-2"},
            ],
        },
    )
    assert response.status_code == 200, response.content
    moved = profile("ada2@alpha.example")
    assert (moved.pk, moved.employee_number) == (int(ada), "A-2")
    assert EmployeeProfile.objects.count() == 2
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.get(user=moved.user, primary=True)
    assert (address.email, address.verified) == ("ada2@alpha.example", True)


def test_pagination(scim_a, company_a, django_assert_max_num_queries):
    boss = make_employee(company_a, email="boss@alpha.example", employee_number="B")
    for n in range(4):
        make_employee(company_a, email=f"p{n}@alpha.example", manager=boss)
    with django_assert_max_num_queries(8):  # token, company, count, one page: not one per person
        assert len(scim_a.get("/Users").json()["Resources"]) == 5
    page = scim_a.get("/Users?startIndex=2&count=2").json()
    assert page["totalResults"] == 5
    assert page["startIndex"] == 2 and page["itemsPerPage"] == 2
    everyone = scim_a.get("/Users").json()["Resources"]
    assert [r["id"] for r in page["Resources"]] == [r["id"] for r in everyone[1:3]]
    assert scim_a.get("/Users?count=0").json()["Resources"] == []
    assert scim_a.get("/Users?startIndex=0&count=1").json()["startIndex"] == 1
    assert_error(scim_a.get("/Users?count=ten"), 400, "invalidSyntax")


# --- DELETE ------------------------------------------------------------------------------------


def test_delete_deactivates_and_keeps_the_person(scim_a):
    ada = _entra_person(scim_a, "ada@alpha.example", "A-1")
    response = scim_a.delete(f"/Users/{ada}")
    assert response.status_code == 204
    person = profile("ada@alpha.example")
    assert person.leave_date == TODAY and person.user.pk
    assert scim_a.get(f"/Users/{ada}").json()["active"] is False


# --- refusals: nothing written -----------------------------------------------------------------


def _snapshot():
    return (
        list(
            EmployeeProfile.objects.values_list(
                "pk", "user__email", "user__last_name", "employee_number", "leave_date", "manager"
            ).order_by("pk")
        ),
        list(ScimAccount.objects.values_list("pk", "user_name", "external_id").order_by("pk")),
    )


def test_malformed_json_unknown_attributes_and_schemas_are_400s(scim_a):
    ada = _entra_person(scim_a, "ada@alpha.example", "A-1")
    before = _snapshot()
    assert_error(
        scim_a.post("/Users", raw_body='{"userName": "x@alpha.example",'), 400, "invalidSyntax"
    )
    assert_error(scim_a.post("/Users", raw_body="[1, 2]"), 400, "invalidSyntax")
    form = scim_a.client.post(
        BASE + "/Users", {"userName": "f@alpha.example"}, headers=scim_a.headers
    )
    assert_error(form, 400, "invalidSyntax")
    as_json = scim_a.client.post(
        BASE + "/Users", "{}", content_type="application/json", headers=scim_a.headers
    )
    assert_error(as_json, 400)  # read as JSON, refused by the schema check
    assert_error(scim_a.post("/Users", raw_body=b"\xff\xfe"), 400, "invalidSyntax")
    body = assert_error(
        scim_a.post("/Users", entra_user(email="z@alpha.example", shoeSize=44)), 400
    )
    assert "shoeSize" in body["detail"]
    unknown_ext = entra_user(email="z@alpha.example")
    unknown_ext["urn:ietf:params:scim:schemas:extension:acme:2.0:User"] = {"badge": "1"}
    assert_error(scim_a.post("/Users", unknown_ext), 400)
    assert_error(
        scim_a.post("/Users", entra_user(email="z@alpha.example", schemas=["urn:acme:User"])), 400
    )
    assert_error(scim_a.patch(f"/Users/{ada}", raw_body="{nope"), 400, "invalidSyntax")
    body = assert_error(
        scim_a.patch(
            f"/Users/{ada}",
            {
                "schemas": [PATCH],
                "Operations": [
                    {"op": "Replace", "path": "name.familyName", "value": "Changed"},
                    {"op": "Replace", "path": "shoeSize", "value": 44},
                ],
            },
        ),
        400,
    )
    assert "shoeSize" in body["detail"]
    assert_error(
        scim_a.patch(
            f"/Users/{ada}",
            {"schemas": [PATCH], "Operations": [{"op": "Move", "path": "active", "value": False}]},
        ),
        400,
    )
    assert_error(scim_a.patch(f"/Users/{ada}", {"schemas": [PATCH]}), 400)
    core_only = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]}
    assert_error(scim_a.put(f"/Users/{ada}", core_only), 400)
    assert _snapshot() == before


def test_bad_filters_are_400_invalid_filter(scim_a):
    for scim_filter in ('shoeSize eq "44"', "userName eq", 'userName eq "a" and', "((", "name eq"):
        body = assert_error(scim_a.get("/Users?" + _q(filter=scim_filter)), 400, "invalidFilter")
        assert body["detail"]


def test_email_of_another_domain_or_company_is_refused(scim_a, employee_b):
    before = _snapshot()
    body = assert_error(
        scim_a.post("/Users", entra_user(email="bob@beta.example")), 400, "invalidValue"
    )
    assert "beta.example" in body["detail"]
    assert_error(scim_a.post("/Users", okta_user(email="x@gmail.example")), 400, "invalidValue")
    ada = _entra_person(scim_a, "ada@alpha.example", "A-1")
    before = _snapshot()
    # moving someone to B's address: invalid, never "already someone else's" (no oracle)
    body = assert_error(
        scim_a.patch(
            f"/Users/{ada}",
            {
                "schemas": [PATCH],
                "Operations": [
                    {
                        "op": "Replace",
                        "path": 'emails[type eq "work"].value',
                        "value": "bob@beta.example",
                    }
                ],
            },
        ),
        400,
        "invalidValue",
    )
    assert "someone else" not in body["detail"]
    assert _snapshot() == before


def test_conflicts_are_409(scim_a, employee_a):
    ada = _entra_person(scim_a, "ada@alpha.example", "A-1")
    before = _snapshot()
    # the same person again (by e-mail, by employee number)
    assert_error(scim_a.post("/Users", entra_user(email="ada@alpha.example")), 409, "uniqueness")
    assert_error(scim_a.post("/Users", entra_user(email="ANA@alpha.example")), 409, "uniqueness")
    again = entra_user(email="someone@alpha.example")
    again[ENTERPRISE] = {"employeeNumber": "A-1"}
    assert_error(scim_a.post("/Users", again), 409, "uniqueness")
    # another person's employee number on PATCH
    other = _entra_person(scim_a, "other@alpha.example", "O-1")
    before = _snapshot()
    assert_error(
        scim_a.patch(
            f"/Users/{other}",
            {
                "schemas": [PATCH],
                "Operations": [
                    {"op": "Replace", "path": f"{ENTERPRISE}:employeeNumber", "value": "A-1"}
                ],
            },
        ),
        409,
        "uniqueness",
    )
    assert _snapshot() == before
    assert ada


# --- tenancy -----------------------------------------------------------------------------------


def test_a_token_of_company_a_never_touches_company_b(scim_a, scim_b, employee_b, company_b):
    bob_id = str(employee_b.pk)
    _entra_person(scim_b, "carla@beta.example", "C-1")
    before = _snapshot()
    listing = scim_a.get("/Users").json()
    assert "beta.example" not in json.dumps(listing)
    for scim_filter in (
        'userName eq "bob@beta.example"',
        'externalId eq "ext-C-1"',
        'emails.value co "beta"',
    ):
        assert scim_a.get("/Users?" + _q(filter=scim_filter)).json()["totalResults"] == 0
    assert_error(scim_a.get(f"/Users/{bob_id}"), 404)
    assert_error(scim_a.put(f"/Users/{bob_id}", okta_user(email="bob@beta.example")), 404)
    assert_error(
        scim_a.patch(
            f"/Users/{bob_id}",
            {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]},
        ),
        404,
    )
    assert_error(scim_a.delete(f"/Users/{bob_id}"), 404)
    assert _snapshot() == before
    # B's own token sees Bob
    assert scim_b.get(f"/Users/{bob_id}").json()["userName"] == "bob@beta.example"
    assert ScimToken.objects.filter(company=company_b).count() == 1


# --- token management --------------------------------------------------------------------------


def test_csr_officer_creates_sees_once_and_revokes_a_token(client, csr_a, company_a, company_b):
    client.force_login(csr_a.user)
    page = client.get("/company/scim/")
    assert page.status_code == 200
    assert "/scim/v2/" in page.content.decode()
    created = client.post("/company/scim/", {"label": "Entra ID"})
    assert created.status_code == 200
    token = ScimToken.objects.get(company=company_a)
    secret = created.content.decode().split('id="scim-secret">')[1].split("<")[0]
    assert secret.startswith(token.prefix) and token.created_by == csr_a.user
    assert Scim(secret).get("/Users").status_code == 200
    assert secret not in client.get("/company/scim/").content.decode()  # shown once
    assert_error(Client().get(BASE + "/Users"), 401)
    other, _raw = create_token(company=company_b, label="Okta")
    assert client.post(f"/company/scim/{other.pk}/revoke/").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None
    assert client.post(f"/company/scim/{token.pk}/revoke/").status_code == 302
    assert_error(Scim(secret).get("/Users"), 401)


def test_employees_cannot_manage_tokens(client, employee_a, company_a):
    client.force_login(employee_a.user)
    assert client.get("/company/scim/").status_code == 404
    assert client.post("/company/scim/", {"label": "x"}).status_code == 404
    assert not ScimToken.objects.exists()


def test_platform_admin_creates_a_token_in_the_django_admin(client, company_a):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@platform.example", "pw-12345")
    client.force_login(admin)
    response = client.post(
        "/django-admin/scim/scimtoken/add/",
        {"company": company_a.pk, "label": "Okta"},
        follow=True,
    )
    assert response.status_code == 200
    token = ScimToken.objects.get(company=company_a)
    found = re.findall(r"cordee_scim_[A-Za-z0-9_-]{20,}", response.content.decode())
    assert len(found) == 1
    secret = found[0]
    assert secret.startswith(token.prefix)
    assert Scim(secret).get("/ServiceProviderConfig").status_code == 200


def test_management_command_prints_a_working_token(company_a):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("scim_token", "alpha", "--label", "Okta", stdout=out, stderr=io.StringIO())
    secret = out.getvalue().strip()
    assert Scim(secret).get("/Users").status_code == 200
    assert ScimToken.objects.get(company=company_a).label == "Okta"
    with pytest.raises(CommandError):
        call_command("scim_token", "nope", stdout=io.StringIO(), stderr=io.StringIO())
