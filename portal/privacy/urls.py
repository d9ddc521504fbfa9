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
    # Accounts without an employee profile (association members).
    path("account/data/", privacy.account_data, name="account_data"),
    path("account/data/download/", privacy.download_account_data, name="download_account_data"),
    path("account/data/erase/", privacy.erase_my_account, name="erase_my_account"),
    path("privacy/leavers/", privacy.leavers, name="leavers"),
    path("privacy/leavers/<id:pk>/erase/", privacy.erase_leaver, name="erase_leaver"),
]
