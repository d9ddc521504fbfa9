"""Per-area HTTP policies that settings alone cannot express."""

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotFound

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


class RejectNulBytesMiddleware:
    """No NUL byte reaches a view: PostgreSQL refuses them in any query, which would be a 500.

    A path holding one names nothing (404); a query string or form holding one is malformed
    (400); a cookie holding one is dropped, as if the browser had not sent it (a session cookie
    is looked up in the database). Sits near the top, before anything reads the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info:
            return HttpResponseNotFound("Not found", content_type="text/plain")
        if _has_nul(request.GET) or self._form_has_nul(request):
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
            return _has_nul(request.POST)
        except (BadRequest, SuspiciousOperation):
            return False  # too big or malformed: the view meets the same error, answered 400


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)
