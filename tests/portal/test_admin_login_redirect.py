"""The admin areas have no sign-in of their own: allauth's (verified e-mail, rate limits) serves."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD


@pytest.mark.parametrize("path", ["/admin/login/", "/django-admin/login/"])
def test_admin_login_pages_send_to_allauth(client, db, path):
    response = client.get(path + "?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=/admin/"


@pytest.mark.parametrize("path", ["/admin/login/", "/django-admin/login/"])
def test_posting_a_password_to_an_admin_login_signs_nobody_in(client, csr_a, path):
    # The right password: even so, the admin's own sign-in form is gone.
    response = client.post(path, {"username": csr_a.user.email, "password": PASSWORD})
    assert response.status_code in (301, 302, 405)
    assert "_auth_user_id" not in client.session
