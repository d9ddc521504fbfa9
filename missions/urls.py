"""URLs of the missions app that are not Wagtail pages."""

from django.urls import include, path

from missions import feeds

app_name = "missions"

urlpatterns = [
    path("feeds/missions/", feeds.MissionFeed(), name="feed"),
    path("engagement/", include("missions.engagement_urls")),
]
