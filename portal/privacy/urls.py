"""URLs of personal data: the person's own page, a CSR officer's leavers."""

from django.urls import path

from portal.views import privacy

urlpatterns = [
    path("profile/data/", privacy.personal_data, name="personal_data"),
    path("profile/data/export/", privacy.request_export, name="request_personal_data_export"),
    path(
        "profile/data/export/<id:pk>/download/",
        privacy.download_export,
        name="download_personal_data_export",
    ),
    path("profile/data/erase/", privacy.erase_my_data, name="erase_my_data"),
    path("privacy/leavers/", privacy.leavers, name="leavers"),
    path("privacy/leavers/<id:pk>/erase/", privacy.erase_leaver, name="erase_leaver"),
]
