"""Portal views: the language switch, which also remembers the choice for e-mails."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.i18n import set_language as django_set_language

from portal.mail import remember_language


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch; a signed-in employee's choice also sets their e-mails' language."""
    response = django_set_language(request)
    if request.method == "POST":
        remember_language(request.user, request.POST.get("language", ""))
    return response
