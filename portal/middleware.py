"""Per-area HTTP policies that settings alone cannot express."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

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
