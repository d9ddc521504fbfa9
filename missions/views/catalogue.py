"""Views of the catalogue: thin, they parse the request and call selectors."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from missions.forms import MissionFilterForm
from missions.selectors.catalogue import (
    cards_for,
    mission_filter_choices,
    ordered_mission_ids,
    search_missions,
)

MISSIONS_PER_PAGE = 12


def mission_list(request, *, index_page):
    """The searchable, filterable list of the missions this visitor may see."""
    choices = mission_filter_choices(user=request.user)
    form = MissionFilterForm(request.GET, cities=choices["cities"])
    filters = form.to_filters()
    partial_matches = False
    if filters.query:
        results = search_missions(user=request.user, filters=filters)
        if not results.count():
            results = search_missions(user=request.user, filters=filters, partial=True)
            partial_matches = True
    else:
        results = ordered_mission_ids(user=request.user, filters=filters)
    page_obj = Paginator(results, MISSIONS_PER_PAGE).get_page(request.GET.get("page"))
    cards = cards_for(page_obj.object_list, filters, user=request.user)
    return render(
        request,
        "missions/mission_list.html",
        {
            "page": index_page,
            "self": index_page,
            "form": form,
            "filters": filters,
            "partial_matches": partial_matches,
            "active_filters": form.active_filters(),
            "page_obj": page_obj,
            "paginator": page_obj.paginator,
            "missions": cards,
            "elided_page_range": page_obj.paginator.get_elided_page_range(
                page_obj.number, on_each_side=2, on_ends=1
            ),
        },
    )
