"""Per-area HTTP policies that settings alone cannot express."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from portal.downloads import FILE_CONTENT_SECURITY_POLICY

ADMIN_PREFIXES = ("/admin/", "/django-admin/")


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
