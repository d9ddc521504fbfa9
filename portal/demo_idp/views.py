"""The demo provider's sign-in page and its authorization endpoint."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.csp import CSP
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_http_methods
from oauth2_provider.views import AuthorizationView

from portal.demo_idp import directory


@require_http_methods(["GET", "POST"])
@csp_override({**settings.SECURE_CSP, "form-action": [CSP.SELF, "http:", "https:"]})
def sign_in(request):
    """The provider's sign-in page; its form ends at the relying party's callback (another
    origin), so its form-action allows any web origin: demo mode only."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.method == "POST":
        entry = directory.person(request.POST.get("email", ""))
        if entry is None:
            return HttpResponseBadRequest("Unknown person.")
        user = directory.subject_user(entry["email"])
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        return redirect(next_url or "oauth2_provider:demo_idp_sign_in")
    return render(
        request,
        "demo_idp/sign_in.html",
        {"people": directory.people(), "next": next_url},
    )


class DemoAuthorizationView(AuthorizationView):
    login_url = "/demo-idp/sign-in/"
