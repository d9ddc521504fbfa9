"""Views of the catalogue: thin, they parse the request and call selectors."""

from django.shortcuts import render

from missions.models import MissionPage
from missions.visibility import visible_missions


def mission_list(request, *, index_page):
    missions = visible_missions(MissionPage.objects.live(), request.user).select_related(
        "association"
    )
    return render(request, "missions/mission_list.html", {"page": index_page, "missions": missions})
