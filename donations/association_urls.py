"""URLs of the association workspace's money pages, mounted at /association/ beside the missions
app's workspace pages (donations' own URLs live under /giving/)."""

from django.urls import path

from donations.views import association

app_name = "donations_association"

urlpatterns = [
    path("<id:association_id>/money/", association.money, name="money"),
    path(
        "<id:association_id>/money/disbursements/<id:disbursement_id>/received/",
        association.disbursement_received,
        name="disbursement_received",
    ),
]
