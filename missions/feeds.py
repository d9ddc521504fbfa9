"""RSS feed of upcoming missions, filtered by what the reader may see."""

from django.contrib.syndication.views import Feed
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from missions.selectors.catalogue import upcoming_missions


class MissionFeed(Feed):
    """Links are built from the request's host, not django.contrib.sites' placeholder domain."""

    title = _("Cordée: upcoming missions")
    description = _("Missions with a session to come.")

    def get_object(self, request, *args, **kwargs):
        return request

    def link(self, request):
        return request.build_absolute_uri("/missions/")

    def feed_url(self, request):
        return request.build_absolute_uri(request.path)

    def items(self, request):
        missions = list(upcoming_missions(user=request.user, limit=50))
        for mission in missions:
            mission.absolute_url = request.build_absolute_uri(mission.get_url(request))
        return missions

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Plain text (the feed escapes it): who, when, where, then the summary.
        when = formats.date_format(timezone.localtime(item.next_start), "DATETIME_FORMAT")
        where = _("Remote") if item.is_remote else item.city
        parts = [item.association.title, when, where, item.summary]
        return " · ".join(str(part) for part in parts if part)

    def item_link(self, item):
        return item.absolute_url

    def item_pubdate(self, item):
        return item.first_published_at

    def item_categories(self, item):
        return [item.get_kind_display()]
