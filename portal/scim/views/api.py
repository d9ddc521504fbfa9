"""SCIM 2.0 endpoints under /scim/v2/: thin, token-authenticated, JSON in and out.

Every answer is `application/scim+json`; every refusal is a SCIM Error body. The token names
the company, and every query is scoped to it: another company's ids are 404s.
"""

from __future__ import annotations

import functools
import json

from django.db import IntegrityError
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError as PydanticValidationError
from scim2_models import (
    Context,
    Error,
    InvalidSyntaxException,
    ListResponse,
    NotFoundException,
    SCIMException,
)

from portal.scim import resources, selectors, services

CONTENT_TYPE = "application/scim+json"
MAX_BODY = 256 * 1024
JSON_TYPES = {CONTENT_TYPE, "application/json"}


def _json(data, status=200) -> HttpResponse:
    response = HttpResponse(json.dumps(data, default=str), status=status, content_type=CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response


def _error(status: int, detail: str, scim_type: str | None = None) -> HttpResponse:
    body = {"schemas": [Error.__schema__], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    response = _json(body, status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="SCIM"'
    return response


def _from_exception(error: SCIMException) -> HttpResponse:
    scim_error = error.to_error()
    return _error(int(scim_error.status or 400), scim_error.detail or "", scim_error.scim_type)


def scim_endpoint(methods: tuple[str, ...]):
    """Token check, method check, and SCIM error bodies for what the services refuse."""

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            header = request.headers.get("Authorization", "")
            scheme, _sep, raw = header.partition(" ")
            token = services.authenticate(raw.strip()) if scheme.lower() == "bearer" else None
            if token is None:
                return _error(401, _("A valid SCIM bearer token is required."))
            if request.method not in methods:
                return _error(
                    405, _("Method %(method)s is not allowed here.") % {"method": request.method}
                )
            request.scim_token = token
            try:
                return view(request, token.company, *args, **kwargs)
            except SCIMException as error:
                return _from_exception(error)
            except IntegrityError:
                # Two requests for the same new person at once: the second one lost the race.
                return _error(
                    409, _("This person was just changed by another request."), "uniqueness"
                )
            except PydanticValidationError as error:
                first = Error.from_validation_errors(error.errors())[0]
                return _error(400, first.detail or "", first.scim_type or "invalidValue")

        return wrapped

    return decorate


def _body(request) -> dict:
    if request.content_type not in JSON_TYPES:
        raise InvalidSyntaxException(
            detail=_("The request body must be JSON (Content-Type: application/scim+json).")
        )
    if len(request.body) > MAX_BODY:
        raise InvalidSyntaxException(detail=_("The request body is too large."))
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidSyntaxException(detail=_("The request body is not valid JSON.")) from None
    if not isinstance(payload, dict):
        raise InvalidSyntaxException(detail=_("The request body must be a JSON object."))
    return payload


def _location(request, profile) -> str:
    return request.build_absolute_uri(reverse("scim:user", args=[profile.pk]))


def _person(request, profile, status=200) -> HttpResponse:
    resource = services.to_resource(profile, location=_location(request, profile))
    response = _json(resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE), status)
    response["Location"] = _location(request, profile)
    return response


def _page_params(request) -> tuple[int, int]:
    def number(name: str, default: int) -> int:
        text = request.GET.get(name, "").strip()
        if not text:
            return default
        try:
            return int(text)
        except ValueError:
            raise InvalidSyntaxException(
                detail=_("%(name)s must be a whole number.") % {"name": name}
            ) from None

    start = max(1, number("startIndex", 1))
    count = min(resources.MAX_RESULTS, max(0, number("count", resources.MAX_RESULTS)))
    return start, count


@scim_endpoint(("GET", "POST"))
def users(request, company):
    if request.method == "POST":
        return _person(request, services.create_person(company, _body(request)), status=201)
    start, count = _page_params(request)
    people = selectors.filtered_people(company, request.GET.get("filter"))
    total = people.count()
    page = list(people[start - 1 : start - 1 + count]) if count else []
    listing = ListResponse[resources.Person](
        total_results=total,
        start_index=start,
        items_per_page=len(page),
        resources=[
            services.to_resource(profile, location=_location(request, profile)) for profile in page
        ],
    )
    return _json(listing.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@scim_endpoint(("GET", "PUT", "PATCH", "DELETE"))
def user(request, company, scim_id: str):
    profile = services.find_person(company, scim_id)
    if request.method == "GET":
        return _person(request, profile)
    if request.method == "PUT":
        return _person(request, services.replace_person(company, profile, _body(request)))
    if request.method == "PATCH":
        return _person(request, services.patch_person(company, profile, _body(request)))
    services.deactivate_person(company, profile)
    return HttpResponse(status=204)


@scim_endpoint(("GET",))
def groups(request, company):
    """Cordée has no groups to provision; an empty list keeps IdPs that ask happy."""
    return _json(_listing([]))


@scim_endpoint(("GET",))
def service_provider_config(request, company):
    config = resources.service_provider_config(request.build_absolute_uri())
    return _json(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


def _listing(items) -> dict:
    return {
        "schemas": [ListResponse.__schema__],
        "totalResults": len(items),
        "startIndex": 1,
        "itemsPerPage": len(items),
        "Resources": [item.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE) for item in items],
    }


@scim_endpoint(("GET",))
def schemas(request, company, schema_id: str | None = None):
    items = resources.schemas()
    if schema_id is None:
        return _json(_listing(items))
    found = next((item for item in items if item.id == schema_id), None)
    if found is None:
        raise NotFoundException(detail=_("Unknown schema."))
    return _json(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@scim_endpoint(("GET",))
def resource_types(request, company, type_id: str | None = None):
    items = resources.resource_types()
    if type_id is None:
        return _json(_listing(items))
    found = next((item for item in items if item.id == type_id), None)
    if found is None:
        raise NotFoundException(detail=_("Unknown resource type."))
    return _json(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@csrf_exempt
def not_found(request, rest: str = ""):
    return _error(404, _("There is no SCIM endpoint here."))
