"""RSS feed of upcoming missions, filtered by what the reader may see."""

from django.contrib.syndication.views import Feed
from django.utils.translation import gettext_lazy as _

from missions.selectors import upcoming_missions


class MissionFeed(Feed):
    title = _("Cordée: upcoming missions")
    link = "/missions/"
    description = _("Missions with a session to come.")

    def get_object(self, request, *args, **kwargs):
        return request.user

    def items(self, user):
        return upcoming_missions(user=user, limit=50)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.url
