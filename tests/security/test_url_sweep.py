"""Every URL pattern, as each role of company A and anonymously, against company B's objects.

A finding is a 5xx (or an exception a view raised), a 200 whose body holds B's marker, or a
successful request that changed one of B's rows. Each is printed as one line:
``METHOD path [pattern] as role: status detail``. The world is built once for the module and
every request's writes are rolled back, so a POST that succeeds never changes what the next
request sees. A new URL is swept as soon as it exists; if one of its parameters has no value
below, `test_every_url_parameter_has_a_value_from_the_world` names it (add a Rule).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from django.db import transaction
from django.test import Client, override_settings

from tests.security import urlsweep
from tests.security.world import MARKER, NOW, ROLES, World, build_world, fingerprint

# ---------------------------------------------------------------------------------------------
# Parameter values. A value names a key of B's ids ("mission"), of A's ids ("a:section"), of the
# shared objects ("shared:site"), or is a literal ("=original"). A list makes one request each.
# Rules are tried in order; the first whose route regex matches gives the parameter its value.


@dataclass(frozen=True)
class Rule:
    route: str
    values: dict
    query: str = ""  # a query string sent with one more GET (ids for bulk actions, searches)
    data: tuple = ()  # (field, value) pairs sent with one more POST


SEARCH = "search=private&q=private"

RULES = [
    # Development's /media/ route: B's archived report at its old public path, and an image path.
    Rule(r"^\^media/", {"path": ["report_path", "=images/x.png"]}),
    Rule(r"^django-admin/r/", {"content_type_id": "ct_missionpage", "object_id": "mission"}),
    Rule(r"^django-admin/wagtaildocs/", {"object_id": "document"}),
    Rule(r"^django-admin/wagtailimages/", {"object_id": "image"}),
    Rule(r"^django-admin/taggit/", {"object_id": "tag"}),
    Rule(r"^django-admin/account/", {"object_id": "email_address"}),
    Rule(r"^django-admin/mfa/", {"object_id": "authenticator"}),
    Rule(r"^accounts/2fa/webauthn/keys/", {"pk": "passkey"}),
    Rule(r"^django-admin/socialaccount/socialapp/", {"object_id": "social_app"}),
    Rule(r"^django-admin/socialaccount/socialaccount/", {"object_id": "social_account"}),
    Rule(r"^django-admin/socialaccount/socialtoken/", {"object_id": "social_token"}),
    Rule(r"^django-admin/auth/group/", {"object_id": "group"}),
    Rule(r"^django-admin/scim/scimtoken/", {"object_id": "scim_token"}),
    Rule(r"^django-admin/auth/user/", {"object_id": "user", "id": "user"}),
    Rule(r"^django-admin/sites/", {"object_id": "shared:site"}),
    Rule(r"^django-admin/\^\(\?P<app_label>", {"app_label": ["=auth", "=wagtailimages"]}),
    Rule(r"^django-admin/\(\?P<url>", {"url": "=sweep/"}),
    Rule(
        r"^admin/api/main/\^pages/",
        {
            "pk": ["draft_page", "mission"],
            "action_name": ["=copy", "=move", "=delete", "=publish", "=unpublish"],
        },
        query=f"{SEARCH}&child_of=" + "{section}",
    ),
    Rule(r"^admin/api/main/\^documents/", {"pk": "document"}, query=SEARCH),
    Rule(r"^admin/api/main/\^images/", {"pk": "image"}, query=SEARCH),
    Rule(
        r"^admin/bulk/",
        {
            ("app_label", "model_name", "action"): [
                ("=wagtailcore", "=page", "=delete"),
                ("=wagtailcore", "=page", "=move"),
                ("=wagtailcore", "=page", "=publish"),
                ("=wagtailcore", "=page", "=unpublish"),
                ("=wagtailimages", "=image", "=delete"),
                ("=wagtailimages", "=image", "=add_tags"),
                ("=wagtailimages", "=image", "=add_to_collection"),
                ("=wagtaildocs", "=document", "=delete"),
                ("=wagtaildocs", "=document", "=add_to_collection"),
                ("=auth", "=user", "=delete"),
                ("=auth", "=user", "=assign_role"),
            ]
        },
        query="id={draft_page}&id={mission}&id={image}&id={document}&id={user}",
    ),
    Rule(
        r"^admin/pages/add/",
        {
            "content_type_app_name": "=missions",
            "content_type_model_name": "=missionpage",
            "parent_page_id": "section",
        },
    ),
    Rule(
        r"^admin/pages/usage/",
        {"content_type_app_name": "=missions", "content_type_model_name": "=missionpage"},
    ),
    Rule(r"^admin/pages/create/", {"app_label": "=missions", "model_name": "=missionpage"}),
    Rule(r"^admin/pages/workflow/", {"action_name": ["=approve", "=reject"]}),
    # Moving B's draft into A's section, and A's mission into B's section.
    Rule(
        r"^admin/pages/<int:page_to_move_id>/move/<int:destination_id>/",
        {
            ("page_to_move_id", "destination_id"): [
                ("draft_page", "a:section"),
                ("a:mission", "section"),
            ]
        },
    ),
    Rule(
        r"^admin/pages/\^\(\?P<pk>",
        {
            "pk": "draft_page",
            ("revision_id_a", "revision_id_b"): [("=earliest", "=latest"), ("revision", "=live")],
        },
    ),
    Rule(
        r"^admin/tag-autocomplete/",
        {
            ("app_name", "model_name"): [
                ("=wagtailimages", "=image"),
                ("=wagtaildocs", "=document"),
                ("=missions", "=missionpage"),
            ]
        },
        query=f"term={MARKER[:3]}",
    ),
    Rule(r"^admin/collections/", {"pk": "collection", "collection_id": "collection"}),
    Rule(r"^admin/workflows/remove/", {"page_pk": "section", "workflow_pk": "shared:workflow"}),
    Rule(r"^admin/workflows/tasks/add/", {"app_label": "=wagtailcore", "model_name": "=task"}),
    Rule(r"^admin/workflows/tasks/", {"pk": "shared:task"}),
    Rule(r"^admin/workflows/", {"pk": "shared:workflow"}),
    Rule(
        r"^admin/editing-sessions/",
        {
            "app_label": "=missions",
            "model_name": "=missionpage",
            "object_id": "draft_page",
            "session_id": "editing_session",
        },
    ),
    Rule(r"^admin/forms/submissions/", {"page_id": "mission"}),
    Rule(r"^admin/redirects/", {"redirect_id": "=1"}),
    Rule(r"^admin/settings/", {"app_name": "=wagtailcore", "model_name": "=site", "pk": "=1"}),
    Rule(r"^admin/images/<int:image_id>/preview/", {"filter_spec": ["=original", "=fill-8x8"]}),
    Rule(r"^admin/documents/chooser/", {"pk": "document"}, query=SEARCH),
    Rule(r"^admin/images/chooser/", {"pk": "image"}, query=SEARCH),
    Rule(r"^admin/snippets/choose/missions/cause/", {"pk": "shared:cause"}),
    Rule(r"^admin/snippets/choose/missions/skill/", {"pk": "shared:skill"}),
    # Wagtail matches a pasted URL to a page and answers with its id and admin title.
    Rule(
        r"^admin/choose-external-link/",
        {},
        data=(("external-link-chooser-url", "/{mission_url}"),),
    ),
    Rule(r"^admin/password_reset/confirm/", {"uidb64": "=MQ", "token": "=sweep-token"}),
    Rule(r"^documents/authenticate_with_password/", {"restriction_id": "collection_restriction"}),
    Rule(r"^documents/\^\(", {"_1": "document", "_2": "document_filename"}),
    Rule(r"^accounts/\^confirm-email/", {"key": "=sweep-key"}),
    Rule(r"^accounts/\^password/reset/key/", {"uidb36": "=1", "key": "=sweep-key"}),
    # SAML: B's organisation and an unknown one (public endpoints: an IdP and a browser reach them
    # before anyone is signed in).
    Rule(r"^accounts/\^saml/", {"organization_slug": ["saml_org", "=sweep-unknown"]}),
    # Approval links and calendar feeds are bearer URLs by design (one click from an e-mail, a
    # calendar app's subscription): whoever holds B's real token is B's approver or B's calendar
    # app. So the sweep sends B's tokens altered, which must be refused.
    Rule(r"^engagement/approvals/link/", {"token": "forged_approval_token"}),
    Rule(r"^engagement/calendar/", {"token": "forged_calendar_token"}),
    Rule(r"^engagement/enrolments/", {"pk": "enrolment"}),
    # The association workspace: the shared association holds B's session, enrolment and
    # disbursement; the "association" role administers another one ("a:home_association").
    # Invitation links are bearer URLs: the sweep sends B's real one altered.
    Rule(r"^association/invitations/<str:token>/", {"token": "forged_invitation_token"}),
    Rule(
        r"^association/",
        {
            "association_id": ["shared:association", "a:home_association"],
            "enrolment_id": "enrolment",
            "membership_id": "association_membership",
            "invitation_id": "association_invitation",
            "disbursement_id": "disbursement",
        },
        # The declared-hours approval page posts entries with a decision.
        data=(("decision", "approve"), ("entry", "{self_reported}")),
    ),
    Rule(
        r"^engagement/csr/(hours|proposals)/",
        {"pk": "proposal"},
        data=(("decision", "approve"), ("entry", "{self_reported}")),
    ),
    Rule(r"^giving/votes/", {"pk": "vote"}, data=(("choice", "{association}"),)),
    Rule(r"^impact/export/", {"breakdown": ["=sites", "=departments", "=missions", "=money"]}),
    Rule(r"^profile/data/export/", {"pk": "data_export"}),
    Rule(r"^privacy/leavers/", {"pk": ["leaver", "profile"]}, data=(("confirm", "on"),)),
    Rule(r"^impact/reports/", {"pk": "report"}),
    Rule(
        r"^people/import/",
        {"pk": "people_import"},
        data=(("fingerprint", "{people_import_fingerprint}"),),
    ),
    Rule(r"^giving/give/", {"pk": "payment"}),
    Rule(r"^giving/receipts/", {"pk": "receipt"}),
    Rule(r"^giving/company-receipts/", {"pk": "company_receipt"}),
    # A's employee is the admin of A's own association: B's receipts (in the shared association)
    # through A's association's URL, and the shared association A is no member of.
    Rule(
        r"^association/<id:association_id>/receipts/",
        {
            "association_id": ["a:own_association", "shared:association"],
            "receipt_id": ["receipt", "company_receipt"],
        },
    ),
    Rule(r"^giving/payroll/", {"pk": "payroll_run"}),
    Rule(r"^giving/finance/batches/", {"pk": "batch"}),
    Rule(r"^giving/rules/matching/", {"pk": "policy"}),
    Rule(r"^people/pay/grades/", {"pk": "pay_grade"}),
    Rule(r"^giving/campaigns/", {"pk": "campaign"}),
    Rule(r"^giving/refunds/", {"pk": "donation"}),
    Rule(r"^giving/leave-days/", {"pk": "leave_request"}),
    Rule(
        r"^_util/authenticate_with_password/",
        {"page_view_restriction_id": "page_restriction", "page_id": "restricted_mission"},
    ),
    # SCIM: B's people by their SCIM id and B's IdP's externalId, asked with A's token (the
    # "scim" role) or none; B's token on the CSR officer's revoke page.
    Rule(
        r"^scim/v2/",
        {
            "scim_id": "profile",
            "schema_id": "=urn:ietf:params:scim:schemas:core:2.0:User",
            "type_id": "=User",
            "rest": "=sweep",
        },
        query="filter=externalId%20eq%20%22{scim_external_id}%22&startIndex=1&count=10",
    ),
    Rule(r"^company/scim/", {"token_id": "scim_token"}),
    # Wagtail's page serving: B's private, password-protected and draft pages by their path.
    Rule(r"^\^\(\(\?:", {"_1": ["mission_url", "restricted_url", "draft_url"]}),
]

# The model a Wagtail viewset declares says what its `pk` is.
MODEL_KEYS = {
    "wagtailimages.image": "image",
    "wagtaildocs.document": "document",
    "wagtailcore.collection": "collection",
    "wagtailcore.site": "shared:site",
    "portal.employeeprofile": "profile",
    "portal.company": "company",
    "portal.companyrules": "company",
    "portal.companysignon": "sign_on",
    "portal.fiscalparameter": "shared:fiscal_parameter",
    "auth.user": "user",
    "auth.group": "group",
    "missions.cause": "shared:cause",
    "missions.skill": "shared:skill",
}

# Everywhere else a parameter's name says what it is.
NAME_KEYS = {
    "page_id": ["draft_page", "mission"],
    "parent_page_id": "section",
    "page_to_move_id": "draft_page",
    "destination_id": "a:section",
    "page_pk": "draft_page",
    "revision_id": "revision",
    "task_state_id": "task_state",
    "workflow_state_id": "workflow_state",
    "task_id": "shared:task",
    "image_id": "image",
    "document_id": "document",
    "doc_id": "document",
    "uploaded_file_id": "uploaded_file",
    "session_id": "session",
    "mission_id": "mission",
    "year": "statement_year",
    # allauth's OpenID Connect login and callback: B's provider (its SocialApp provider_id).
    "provider_id": "provider_id",
}

# Patterns never requested, each with its reason. Keep this short: a pattern left out is a
# pattern nobody checks.
EXCLUDED: dict[str, str] = {}

ANONYMOUS = "anonymous"
# Not a company's person: the administrator of another association than the shared one.
ASSOCIATION = "association"
# Not a person: company A's identity provider, with A's SCIM bearer token on every request.
SCIM = "scim"


@dataclass(frozen=True)
class Request:
    endpoint: urlsweep.Endpoint
    method: str
    path: str
    mapped: bool  # False: some parameter had no rule, and got a placeholder
    data: tuple = ()


def _lookup(world: World, value: str) -> str:
    if value.startswith("="):
        return value[1:]
    if value.startswith("a:"):
        return world.a.ids[value[2:]]
    if value.startswith("shared:"):
        return world.shared[value[7:]]
    return world.b.ids[value]


def _choices(endpoint: urlsweep.Endpoint) -> tuple[list[tuple[tuple[str, ...], list]], bool]:
    """For each parameter (or group of parameters): its candidate values; and if all mapped."""
    params = [name for name, _converter in endpoint.params()]
    converters = dict(endpoint.params())
    chosen: dict[tuple[str, ...], list] = {}
    for rule in RULES:
        if not re.search(rule.route, endpoint.route):
            continue
        for names, values in rule.values.items():
            names = names if isinstance(names, tuple) else (names,)
            if all(n in params for n in names) and not any(n in k for k in chosen for n in names):
                chosen[names] = values if isinstance(values, list) else [values]
    model = endpoint.model
    label = model._meta.label_lower if model is not None else ""
    mapped = True
    for name in params:
        if any(name in key for key in chosen):
            continue
        if name in {"pk", "object_id"} and label in MODEL_KEYS:
            value = MODEL_KEYS[label]
        elif name in NAME_KEYS:
            value = NAME_KEYS[name]
        else:
            mapped = False
            value = "=1" if converters[name] == "int" else f"=sweep-{name}"
        chosen[(name,)] = value if isinstance(value, list) else [value]
    return list(chosen.items()), mapped


def _rule_extra(endpoint: urlsweep.Endpoint, attribute: str):
    """The query (or POST data) of the first matching rule that has one."""
    matching = (r for r in RULES if getattr(r, attribute) and re.search(r.route, endpoint.route))
    return next((getattr(r, attribute) for r in matching), None)


def requests_for(world: World, endpoint: urlsweep.Endpoint) -> Iterator[Request]:
    """GET and POST for each combination of values, plus a GET with the rule's query."""
    choices, mapped = _choices(endpoint)
    query = _rule_extra(endpoint, "query")
    data = _rule_extra(endpoint, "data")
    groups = [[(names, v) for v in values] for names, values in choices]
    for combination in itertools.product(*groups):
        values: dict[str, str] = {}
        for names, value in combination:
            for name, one in zip(
                names, value if isinstance(value, tuple) else (value,), strict=True
            ):
                values[name] = _lookup(world, one)
        path = urlsweep.build_path(endpoint, values)
        yield Request(endpoint, "GET", path, mapped)
        if query:
            filled = query.format(**world.b.ids)
            yield Request(endpoint, "GET", f"{path}?{filled}", mapped)
        yield Request(endpoint, "POST", path, mapped)
        if data:
            filled = tuple((k, v.format(**world.b.ids)) for k, v in data)
            yield Request(endpoint, "POST", path, mapped, filled)


def swept_endpoints() -> list[urlsweep.Endpoint]:
    return [e for e in urlsweep.endpoints() if e.route not in EXCLUDED]


# ---------------------------------------------------------------------------------------------
# The world, built once per module, rolled back at its end


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("sweep-media")
    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        override_settings(MEDIA_ROOT=str(media), CELERY_TASK_ALWAYS_EAGER=True),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _with_shared(build_world())
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _with_shared(world: World) -> World:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    from missions.models import MissionPage
    from tests.factories import CauseFactory, SkillFactory

    world.shared["cause"] = str(CauseFactory(name="Shared cause", slug="shared-cause").pk)
    world.shared["skill"] = str(SkillFactory(name="Shared skill", slug="shared-skill").pk)
    for key in ("approval_token", "calendar_token", "invitation_token"):
        real = world.b.ids[key]
        world.b.ids[f"forged_{key}"] = real[:-4] + ("AAAA" if real[-4:] != "AAAA" else "BBBB")
    world.b.ids["ct_missionpage"] = str(ContentType.objects.get_for_model(MissionPage).pk)
    for key, page_key in (
        ("mission_url", "mission"),
        ("restricted_url", "restricted_mission"),
        ("draft_url", "draft_page"),
    ):
        page = Page.objects.get(pk=world.b.ids[page_key]).specific
        # Relative to the site root: what Wagtail's serve pattern captures.
        world.b.ids[key] = page.url_path.split("/", 2)[2]
    return world


def client_for(world: World, role: str) -> Client:
    if role == SCIM:
        token = world.a.ids["scim_secret"]
        return Client(raise_request_exception=True, headers={"Authorization": f"Bearer {token}"})
    client = Client(raise_request_exception=True)
    if role == ASSOCIATION:
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(pk=world.a.ids["association_user"]))
    elif role not in (ANONYMOUS, SCIM):
        client.force_login(world.a.people[role].user)
    return client


def sweep(world: World, role: str, requests: list[Request]) -> list[urlsweep.Finding]:
    client = client_for(world, role)
    baseline = fingerprint(world.b)

    def changed(response) -> str | None:
        """Which of B's rows a successful request changed (checked before the rollback)."""
        if response.status_code >= 400:
            return None
        now = fingerprint(world.b)
        return next((key for key in baseline if now[key] != baseline[key]), None)

    findings = []
    for request in requests:
        response, body, change = urlsweep.send(
            client, request.method, request.path, dict(request.data), changed=changed
        )
        route = request.endpoint.route
        if isinstance(response, Exception):
            detail = f"{type(response).__name__}: {str(response)[:160]}"
            findings.append(
                urlsweep.Finding(route, role, request.method, request.path, "exception", detail)
            )
            continue
        status = response.status_code
        if status >= 500:
            findings.append(urlsweep.Finding(route, role, request.method, request.path, status, ""))
        elif change:
            detail = f"changed company B's {change}"
            findings.append(
                urlsweep.Finding(route, role, request.method, request.path, status, detail)
            )
        elif status == 200 and (
            leak := urlsweep.leak_of(
                body, (MARKER,), echo=(request.path, *(v for _k, v in request.data))
            )
        ):
            findings.append(
                urlsweep.Finding(route, role, request.method, request.path, status, f"«{leak}»")
            )
    return findings


# ---------------------------------------------------------------------------------------------
# The tests


def test_the_sweep_sees_every_pattern_including_admin_allauth_and_downloads():
    routes = [e.route for e in urlsweep.endpoints()]
    assert len(routes) > 300
    for expected in ("admin/pages/<int:page_id>/edit/", "accounts/", "impact/reports/<id:pk>/"):
        assert any(r.startswith(expected) for r in routes), expected
    assert all(route in routes for route in EXCLUDED), "an exclusion names no pattern"


def test_every_url_parameter_has_a_value_from_the_world(world, db):
    """A new pattern whose parameter nobody mapped is still swept (with a placeholder), but
    this test names it, so that it gets B's real id in RULES, MODEL_KEYS or NAME_KEYS."""
    unmapped = [e.route for e in swept_endpoints() if not _choices(e)[1]]
    assert unmapped == []


def test_every_built_path_resolves_to_its_own_pattern(world, db):
    from django.urls import resolve

    every = urlsweep.endpoints()
    wrong = []
    for endpoint in swept_endpoints():
        for request in requests_for(world, endpoint):
            match = resolve(request.path.split("?")[0])
            served = next(e for e in every if e.callback is match.func)
            # An earlier pattern answering the same path shadows this one: that is what is
            # served, so what the sweep requests.
            if served is not endpoint and every.index(served) > every.index(endpoint):
                wrong.append((endpoint.route, request.path, match.route))
    assert wrong == []


@pytest.mark.parametrize("role", [*ROLES, ANONYMOUS, SCIM, ASSOCIATION])
def test_no_role_of_company_a_reaches_company_b_or_a_server_error(world, db, role):
    requests = [r for e in swept_endpoints() for r in requests_for(world, e)]
    findings = sweep(world, role, requests)
    report = "\n".join(str(f) for f in findings)
    assert not findings, f"{len(findings)} findings as {role}:\n{report}"


# Odd values per parameter kind: overflowing ids, NUL bytes, huge strings, dates out of range.
ODD_INT = ["0", "2147483648", str(2**63), "9" * 30]
ODD_YEAR = ["0", "1", "9999", "10000"]
ODD_TEXT = ["%00", "x" * 3000, "-1", "0001-01-01", "%C0%AF", "..%2F..%2Fetc", "%F0%9F%92%A9"]
# The same in the query parameters list views, searches and filters commonly read.
ODD_QUERY = (
    "q=%00&search=%00&p=-1&page=99999999999999999999&ordering=%00&tag=%00&collection_id=%00"
    "&year=0&month=13&period=%00&start=0001-01-01&end=9999-12-31&child_of=%00&type=%00"
)


def _odd_requests(world: World) -> list[Request]:
    requests = []
    for endpoint in swept_endpoints():
        params = endpoint.params()
        # A's own ids elsewhere, so that the odd value is what the view trips on, not a 404.
        choices, mapped = _choices(endpoint)
        base: dict[str, str] = {}
        for names, values in choices:
            first = values[0]
            for name, one in zip(
                names, first if isinstance(first, tuple) else (first,), strict=True
            ):
                own = f"a:{one}" if one in world.a.ids else one
                base[name] = _lookup(world, own)
        for name, converter in params:
            odd = ODD_YEAR if name == "year" else ODD_INT if converter == "int" else ODD_TEXT
            for value in odd:
                path = urlsweep.build_path(endpoint, {**base, name: value})
                requests.append(Request(endpoint, "GET", path, mapped))
        path = urlsweep.build_path(endpoint, base)
        requests.append(Request(endpoint, "GET", f"{path}?{ODD_QUERY}", mapped))
    return requests


@pytest.mark.parametrize("role", ["csr", ANONYMOUS, SCIM, ASSOCIATION])
def test_odd_values_in_url_parameters_never_cause_a_server_error(world, db, role):
    requests = _odd_requests(world)
    # Only server errors count here: the values are A's own or nobody's.
    findings = [
        f for f in sweep(world, role, requests) if f.status == "exception" or int(f.status) >= 500
    ]
    report = "\n".join(str(f) for f in findings)
    assert not findings, f"{len(findings)} findings as {role}:\n{report}"


def test_the_sweep_reports_a_leak_a_cross_company_write_and_a_crash(world, db):
    """The sweep itself can fail: each broken view of a small URLconf gives one finding."""
    with override_settings(ROOT_URLCONF="tests.security.leaky_urls"):
        requests = [r for e in urlsweep.endpoints() for r in requests_for(world, e)]
        findings = sweep(world, "employee", requests)
    found = {(f.route.split("/")[0], f.method, str(f.status)[:3]) for f in findings}
    assert found == {
        ("leak", "GET", "200"),
        ("leak", "POST", "200"),
        ("write", "POST", "200"),
        ("boom", "GET", "exc"),
        ("boom", "POST", "exc"),
    }
    write = next(f for f in findings if f.route.startswith("write"))
    assert "company (portal.company)" in write.detail
