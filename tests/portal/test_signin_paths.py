"""One sign-in path: every login URL of the project leads to allauth (verified e-mail, failure
lockout, second factor), and e-mail or password changes happen only in allauth's pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.admin.sites import AdminSite
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.generic import RedirectView
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from portal.services import create_employee
from tests.factories import PASSWORD, CompanyFactory
from tests.portal.test_settings import production_env, run_manage

User = get_user_model()

ALLAUTH_LOGIN = "/accounts/login/"
# Every URL that ever offered a password form: allauth's, Wagtail's page-privacy login, the
# Wagtail admin's and the Django admin's.
LOGIN_URLS = [ALLAUTH_LOGIN, "/_util/login/", "/admin/login/", "/django-admin/login/"]
OTHER_LOGIN_URLS = LOGIN_URLS[1:]
# A fixed clock: TOTP codes depend on the time, tests never on the real one.
NOW = dt.datetime(2026, 3, 10, 9, 0, 5, tzinfo=dt.UTC)
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def post_password(client, url: str, email: str, password: str):
    # Field names of allauth's form and of Django's AuthenticationForm, so that any login form
    # behind `url` would accept the post.
    return client.post(
        url, {"login": email, "username": email, "password": password, "next": "/missions/"}
    )


def code_at(moment: dt.datetime) -> str:
    return format_hotp_value(hotp_value(TOTP_SECRET, int(moment.timestamp()) // 30))


def link_in(message, pattern: str) -> str:
    match = re.search(rf"https?://testserver({pattern}[^\s]*)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def unverified_a(company_a):
    return create_employee(
        company=company_a, email="una@alpha.example", password=PASSWORD, verified=False
    )


@pytest.fixture
def totp_employee_a(company_a):
    profile = create_employee(company=company_a, email="tom@alpha.example", password=PASSWORD)
    TOTP.activate(profile.user, TOTP_SECRET)
    return profile


# ---- Sign-in URLs ------------------------------------------------------------------------------


def test_verified_account_gets_a_session_from_allauth(client, employee_a):
    # The control for the refusals below: the same post at allauth's page signs in.
    response = post_password(client, ALLAUTH_LOGIN, employee_a.user.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/missions/"
    assert is_signed_in(client)


@pytest.mark.parametrize("url", OTHER_LOGIN_URLS)
def test_other_login_urls_send_to_allauth_with_next_preserved(client, site_tree, url):
    response = client.get(url + "?next=/missions/")
    assert response.status_code == 302
    assert response["Location"] == ALLAUTH_LOGIN + "?next=/missions/"


@pytest.mark.parametrize("url", OTHER_LOGIN_URLS)
def test_other_login_urls_sign_in_nobody_even_with_the_right_password(client, employee_a, url):
    response = post_password(client, url, employee_a.user.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"].startswith(ALLAUTH_LOGIN)
    assert not is_signed_in(client)


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_unverified_account_gets_no_session(client, unverified_a, url):
    response = post_password(client, url, unverified_a.user.email, PASSWORD)
    assert not is_signed_in(client)
    if url == ALLAUTH_LOGIN:
        assert response["Location"] == "/accounts/confirm-email/"


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_locked_account_gets_no_session_with_the_right_password(client, employee_a, url):
    email = employee_a.user.email
    for _ in range(5):  # allauth's limit: 5 failures per address in 5 minutes
        post_password(client, ALLAUTH_LOGIN, email, "wrong")
    response = post_password(client, url, email, PASSWORD)
    assert not is_signed_in(client)
    if url == ALLAUTH_LOGIN:
        assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.parametrize("url", LOGIN_URLS)
def test_totp_account_gets_no_session_without_the_second_factor(client, totp_employee_a, url):
    # Inside the clock: outside it, a session from NOW would look expired.
    with time_machine.travel(NOW, tick=False):
        response = post_password(client, url, totp_employee_a.user.email, PASSWORD)
        assert not is_signed_in(client)
    if url == ALLAUTH_LOGIN:
        assert response["Location"] == "/accounts/2fa/authenticate/"


def test_totp_account_signs_in_with_the_current_code_only(client, totp_employee_a):
    with time_machine.travel(NOW, tick=False):
        post_password(client, ALLAUTH_LOGIN, totp_employee_a.user.email, PASSWORD)
        stale = code_at(NOW - dt.timedelta(minutes=5))
        response = client.post("/accounts/2fa/authenticate/", {"code": stale})
        assert response.status_code == 200
        assert not is_signed_in(client)

        response = client.post("/accounts/2fa/authenticate/", {"code": code_at(NOW)})
        assert response.status_code == 302
        assert response["Location"] == "/missions/"
        assert is_signed_in(client)


# ---- Wagtail's page privacy --------------------------------------------------------------------


def test_login_restricted_page_sends_visitors_to_allauth_and_back(client, employee_a, site_tree):
    PageViewRestriction.objects.create(
        page=site_tree["missions"], restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get("/missions/")
    assert response.status_code == 302
    assert response["Location"] == ALLAUTH_LOGIN + "?next=/missions/"

    response = post_password(client, ALLAUTH_LOGIN, employee_a.user.email, PASSWORD)
    assert response["Location"] == "/missions/"
    assert client.get("/missions/").status_code == 200


def test_a_page_password_opens_the_page_but_signs_nobody_in(client, employee_a, site_tree):
    restriction = PageViewRestriction.objects.create(
        page=site_tree["missions"],
        restriction_type=PageViewRestriction.PASSWORD,
        password="page-secret",
    )
    page = site_tree["missions"]
    url = f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/"

    assert 'name="password"' in client.get("/missions/").content.decode()
    response = client.post(url, {"password": "page-secret", "return_url": "/missions/"})
    assert response.status_code == 302
    assert 'name="password"' not in client.get("/missions/").content.decode()  # the page
    assert not is_signed_in(client)


def test_guessing_a_page_password_is_rate_limited(client, site_tree):
    page = site_tree["missions"]
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="page-secret"
    )
    url = f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/"
    statuses = [
        client.post(url, {"password": f"guess-{i}", "return_url": "/missions/"}).status_code
        for i in range(10)
    ]
    assert statuses == [200] * 10  # the form again, with its error
    # Even the right password is refused while the limit holds.
    response = client.post(url, {"password": "page-secret", "return_url": "/missions/"})
    assert response.status_code == 429
    assert 'name="password"' in client.get("/missions/").content.decode()  # still the form


def test_guessing_a_document_password_is_rate_limited(client, site_tree):
    restriction = CollectionViewRestriction.objects.create(
        collection=Collection.get_first_root_node(),
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="doc-secret",
    )
    url = f"/documents/authenticate_with_password/{restriction.pk}/"
    for i in range(10):
        assert client.post(url, {"password": f"guess-{i}", "return_url": "/"}).status_code == 200
    response = client.post(url, {"password": "doc-secret", "return_url": "/"})
    assert response.status_code == 429


# ---- Any login or password view mounted anywhere -----------------------------------------------

PASSWORD_VIEWS = (
    auth_views.LoginView,
    auth_views.PasswordChangeView,
    auth_views.PasswordResetView,
    auth_views.PasswordResetConfirmView,
)
ADMIN_SITE_VIEWS = {AdminSite.login.__qualname__, AdminSite.password_change.__qualname__}


def walk(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def django_password_views() -> list[str]:
    """Paths of every mounted view built on Django's own login or password views."""
    found = []
    for route, callback in walk(get_resolver().url_patterns):
        view_class = getattr(callback, "view_class", None)
        is_password_view = view_class is not None and issubclass(view_class, PASSWORD_VIEWS)
        if is_password_view or getattr(callback, "__qualname__", "") in ADMIN_SITE_VIEWS:
            found.append("/" + re.sub(r"<[^>]+>", "x", route))
    return found


def test_the_project_mounts_the_known_django_login_and_password_views():
    # If this list changes, the test below covers the new path; review it all the same.
    assert set(django_password_views()) >= {
        "/_util/login/",
        "/admin/login/",
        "/django-admin/login/",
        "/django-admin/password_change/",
        "/admin/password_reset/",
    }


@pytest.mark.django_db
def test_no_django_login_or_password_view_answers(client, admin_user):
    client.force_login(admin_user)
    for path in django_password_views():
        match = get_resolver().resolve(path)
        if getattr(match.func, "view_class", None) is RedirectView:
            response = client.get(path)
            assert response["Location"].startswith("/accounts/"), path
        else:
            assert client.get(path).status_code == 404, path


def test_django_admin_password_change_leads_to_allauth_and_changes_nothing(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/django-admin/password_change/")["Location"] == "/accounts/password/change/"
    client.post(
        "/django-admin/password_change/",
        {
            "old_password": "password",
            "new_password1": "Zq9-new-pw!",
            "new_password2": "Zq9-new-pw!",
        },
    )
    admin_user.refresh_from_db()
    assert not admin_user.check_password("Zq9-new-pw!")


# ---- Wagtail's account page and user forms -----------------------------------------------------


def test_wagtail_account_page_offers_no_email_or_password_change(client, csr_a):
    client.force_login(csr_a.user)
    body = client.get("/admin/account/").content.decode()
    assert 'name="name_email-first_name"' in body  # the page and its name panel are there
    assert 'name="name_email-email"' not in body
    assert 'name="password-new_password1"' not in body
    for url in ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"]:
        assert f'href="{url}"' in body


def test_posting_email_and_password_to_wagtail_account_page_changes_neither(client, csr_a):
    user = csr_a.user
    client.force_login(user)
    response = client.post(
        "/admin/account/",
        {
            "name_email-first_name": "Camille",
            "name_email-last_name": "Martin",
            "name_email-email": "camille@beta.example",
            "password-old_password": PASSWORD,
            "password-new_password1": "Zq9-new-pw!",
            "password-new_password2": "Zq9-new-pw!",
            "locale-preferred_language": "en",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
        },
    )
    assert response.status_code == 302  # the rest of the form was accepted
    user.refresh_from_db()
    assert user.first_name == "Camille"
    assert user.email == "csr@alpha.example"
    assert user.check_password(PASSWORD)


def test_wagtail_password_reset_is_gone(client, site_tree):
    assert client.get("/admin/password_reset/").status_code == 404
    assert client.post("/admin/password_reset/", {"email": "x@alpha.example"}).status_code == 404
    assert mail.outbox == []


def test_wagtail_user_forms_have_no_password_fields(client, admin_user):
    client.force_login(admin_user)
    body = client.get("/admin/users/new/").content.decode()
    assert 'name="email"' in body
    assert 'name="password1"' not in body


# ---- E-mail changes ----------------------------------------------------------------------------


def add_email(client, email: str):
    return client.post("/accounts/email/", {"email": email, "action_add": ""})


@pytest.mark.parametrize(
    "email", ["ana@beta.example", "ana@gmail.example", "ana@evil.alpha.example"]
)
def test_email_change_outside_the_company_is_refused_with_a_message(
    client, employee_a, company_b, email
):
    client.force_login(employee_a.user)
    response = add_email(client, email)
    assert response.status_code == 200
    assert "use an address of its e-mail domains (alpha.example)" in response.content.decode()
    assert list(EmailAddress.objects.filter(user=employee_a.user).values_list("email")) == [
        ("ana@alpha.example",)
    ]
    assert mail.outbox == []


def test_email_change_within_the_company_counts_only_once_verified(client, employee_a):
    user = employee_a.user
    client.force_login(user)
    response = add_email(client, "ana.silva@alpha.example")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "ana@alpha.example"  # the new address waits for its link
    assert not EmailAddress.objects.get(email="ana.silva@alpha.example").verified
    assert [m.to for m in mail.outbox] == [["ana.silva@alpha.example"]]

    # The pending address is no way in.
    client.logout()
    post_password(client, ALLAUTH_LOGIN, "ana.silva@alpha.example", PASSWORD)
    assert not is_signed_in(client)

    client.post(link_in(mail.outbox[0], "/accounts/confirm-email/"))
    user.refresh_from_db()
    assert user.email == "ana.silva@alpha.example"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("ana.silva@alpha.example", True)
    ]


def test_email_change_to_another_domain_of_the_same_company_is_allowed(client, site_tree):
    company = CompanyFactory(slug="gamma", domains=["gamma.example", "gamma-group.example"])
    profile = create_employee(company=company, email="gus@gamma.example", password=PASSWORD)
    client.force_login(profile.user)
    assert add_email(client, "gus@gamma-group.example").status_code == 302
    assert EmailAddress.objects.filter(email="gus@gamma-group.example", verified=False).exists()


def test_platform_admin_without_company_may_use_any_address(client, admin_user, site_tree):
    client.force_login(admin_user)
    assert add_email(client, "ops@platform.example").status_code == 302
    assert EmailAddress.objects.filter(user=admin_user, email="ops@platform.example").exists()
    assert [m.to for m in mail.outbox] == [["ops@platform.example"]]


def test_sign_up_still_refuses_an_unknown_domain(client, company_a):
    response = client.post(
        "/accounts/signup/",
        {"email": "x@gmail.example", "password1": "Zq9-new-pw!", "password2": "Zq9-new-pw!"},
    )
    assert "Use your work e-mail address" in response.content.decode()
    assert not User.objects.filter(email="x@gmail.example").exists()


# ---- The language cookie -----------------------------------------------------------------------


def test_language_cookie_is_secure_http_only_and_same_site(client, site_tree):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    cookie = response.cookies["django_language"]
    assert cookie.value == "en"
    assert cookie["secure"] is True  # DEBUG is off in tests, as in production
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_email_change_refusal_is_translated(client, employee_a):
    client.force_login(employee_a.user)
    response = client.post(
        "/accounts/email/",
        {"email": "ana@gmail.example", "action_add": ""},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert "utilisez une adresse de ses domaines e-mail (alpha.example)" in (
        response.content.decode()
    )


def test_language_cookie_is_not_secure_in_local_development(tmp_path):
    # Served over plain HTTP by `make demo`: a Secure cookie would never come back.
    script = "from django.conf import settings; print(settings.LANGUAGE_COOKIE_SECURE)"
    assert run_manage(production_env(tmp_path), "shell", "-c", script).stdout.split()[-1] == "True"
    development = production_env(tmp_path, DEBUG="true")
    assert run_manage(development, "shell", "-c", script).stdout.split()[-1] == "False"
