"""Per-area HTTP policies that settings alone cannot express."""

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotFound

from portal.downloads import FILE_CONTENT_SECURITY_POLICY
from portal.inputs import MAX_ID

ADMIN_PREFIXES = ("/admin/", "/django-admin/")
FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class AdminContentSecurityPolicyMiddleware:
    """Give Wagtail's admin its looser policy; the public site keeps the strict nonce one.

    Sits after Django's CSP middleware so that its response hook runs first and the policy it
    chooses is the one Django writes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(ADMIN_PREFIXES):
            response._csp_config = settings.CORDEE_ADMIN_CSP
        return response


class AttachmentPolicyMiddleware:
    """Every file a view hands out as an attachment is private to its user and inert.

    Statements, CSV exports, calendars and reports are built for one signed-in user: no shared
    cache may keep them, and a browser that opens one anyway gets a sandbox with no script.
    Sits after Django's CSP middleware so that the policy it sets here is the one kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Disposition", "").startswith("attachment"):
            response.setdefault("Cache-Control", "private, no-store")
            response.setdefault("Content-Security-Policy", FILE_CONTENT_SECURITY_POLICY)
        return response


class OddInputMiddleware:
    """Input that no view can use answers 404/400 before reaching one (else it could be a 500).

    - NUL bytes: PostgreSQL refuses them in any query. A path holding one names nothing (404); a
      query string or form holding one is malformed (400); a cookie holding one is dropped, as
      if the browser had not sent it (a session cookie is looked up in the database).
    - Whole numbers beyond the largest database id (2**63 - 1), as a path segment (404) or a
      query parameter (400): no id, page or offset is that large, and PostgreSQL raises on one
      ("bigint out of range", e.g. the admin API's `offset`). Free-text search terms are spared.

    Sits near the top, before anything reads the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if "\x00" in path or any(_too_large(segment) for segment in path.split("/")):
            return HttpResponseNotFound("Not found", content_type="text/plain")
        if _has_nul(request.GET) or _has_huge_number(request.GET) or self._form_has_nul(request):
            return HttpResponseBadRequest("Bad request", content_type="text/plain")
        for name in [name for name, value in request.COOKIES.items() if "\x00" in name + value]:
            del request.COOKIES[name]
        return self.get_response(request)

    @staticmethod
    def _form_has_nul(request: HttpRequest) -> bool:
        # Form bodies only (CSRF middleware parses them anyway); uploaded files may hold NULs.
        if request.method != "POST" or request.content_type not in FORM_CONTENT_TYPES:
            return False
        try:
            if request.content_type == "application/x-www-form-urlencoded":
                request.body  # noqa: B018 - kept, so a view reading the raw body still can
            return _has_nul(request.POST)
        except (BadRequest, SuspiciousOperation):
            return False  # too big or malformed: the view meets the same error, answered 400


# Query parameters that carry free text, where a long run of digits is a legitimate search.
SEARCH_PARAMETERS = {"q", "search", "query"}


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)


def _has_huge_number(data) -> bool:
    return any(
        _too_large(value)
        for key in data
        if key not in SEARCH_PARAMETERS
        for value in data.getlist(key)
    )


def _too_large(text: str) -> bool:
    digits = text.strip().removeprefix("-")
    return (
        len(digits) >= len(str(MAX_ID))
        and digits.isascii()
        and digits.isdigit()
        and (int(digits) > MAX_ID)
    )
