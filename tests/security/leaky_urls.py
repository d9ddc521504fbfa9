"""A URLconf of deliberately broken views, to prove the sweep catches each kind of finding."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from tests.security.world import MARKER


def _company_b():
    from portal.models import Company

    return Company.objects.get(slug=MARKER)


def leak(request, pk: int):
    return HttpResponse(f"<h1>{_company_b().name}</h1>")


@csrf_exempt
def write(request, pk: int):
    if request.method == "POST":
        company = _company_b()
        company.hours_per_day = 1
        company.save(update_fields=["hours_per_day"])
    return HttpResponse("ok")


def boom(request, pk: int):
    raise ValueError("a view that breaks")


def fine(request, pk: int):
    return HttpResponse(f"object {pk}")


urlpatterns = [
    path("leak/<int:pk>/", leak),
    path("write/<int:pk>/", write),
    path("boom/<int:pk>/", boom),
    path("fine/<int:pk>/", fine),
]
