"""Portal views: the language switch (which also remembers the choice for e-mails) and the
company's brand stylesheet."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from portal.branding import brand_stylesheet
from portal.mail import remember_language
from portal.tenancy import company_of


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch; a signed-in employee's choice also sets their e-mails' language."""
    response = django_set_language(request)
    if request.method == "POST":
        remember_language(request.user, request.POST.get("language", ""))
    return response


@require_GET
def brand_css(request: HttpRequest) -> HttpResponse:
    """The signed-in person's company colours; the URL carries the colour, so it caches well."""
    company = company_of(request.user)
    if company is None:
        raise Http404
    response = HttpResponse(brand_stylesheet(company.brand_colour), content_type="text/css")
    response["Cache-Control"] = "private, max-age=86400"
    return response
