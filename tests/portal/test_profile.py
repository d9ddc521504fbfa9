"""The employee's profile page, e-mail preferences, names at sign-up and the site's domain."""

from __future__ import annotations

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.sites.models import Site
from django.core import mail

from missions.services import notifications as mission_mails
from portal.models import EmployeeProfile
from portal.sites import sync_site
from tests.factories import make_employee

PROFILE = "/profile/"


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def details(**overrides) -> dict:
    data = {
        "first_name": "Ana",
        "last_name": "Lopez",
        "employee_number": "E-100",
        "department": "Finance",
        "site": "Lyon",
        "language": "fr",
        "save_details": "",
    }
    data.update(overrides)
    return data


def test_profile_needs_a_sign_in(client, site_tree):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_profile_shows_what_the_company_knows(client, company_a, employee_a):
    boss = make_employee(company_a, first_name="Marc", last_name="Boss")
    employee_a.manager = boss
    employee_a.employee_number = "A-42"
    employee_a.department = "Sales"
    employee_a.save()
    client.force_login(employee_a.user)
    html = client.get(PROFILE).content.decode()
    assert "ana@alpha.example" in html
    assert "A-42" in html and "Marc Boss" in html and "Sales" in html
    assert 'href="/accounts/email/"' in html
    assert 'href="/accounts/2fa/"' in html
    assert 'href="/profile/"' in html  # the header menu


def test_manual_company_employee_edits_details(client, employee_a):
    client.force_login(employee_a.user)
    response = client.post(PROFILE, details())
    assert response.status_code == 302
    employee_a.refresh_from_db()
    employee_a.user.refresh_from_db()
    assert employee_a.user.get_full_name() == "Ana Lopez"
    assert (employee_a.employee_number, employee_a.department, employee_a.site) == (
        "E-100",
        "Finance",
        "Lyon",
    )
    assert employee_a.language == "fr"


def test_employee_number_taken_in_the_company_is_refused_and_nothing_saved(
    client, company_a, employee_a
):
    make_employee(company_a, employee_number="E-100")
    client.force_login(employee_a.user)
    response = client.post(PROFILE, details(department="Changed"))
    assert response.status_code == 400
    assert "already someone else" in response.content.decode()
    employee_a.refresh_from_db()
    assert employee_a.employee_number == "" and employee_a.department == ""


def test_the_same_number_in_another_company_is_fine(client, company_b, employee_a):
    make_employee(company_b, employee_number="E-100")
    client.force_login(employee_a.user)
    assert client.post(PROFILE, details()).status_code == 302


def test_a_name_on_two_lines_is_refused(client, employee_a):
    client.force_login(employee_a.user)
    response = client.post(PROFILE, details(last_name="Lopez\nBcc: x@evil.example"))
    assert response.status_code == 400
    employee_a.user.refresh_from_db()
    assert employee_a.user.last_name != "Lopez"


@pytest.mark.parametrize("source", ["hr_file", "scim"])
def test_synced_company_fields_are_read_only(client, company_a, employee_a, source):
    company_a.directory_source = source
    company_a.save()
    employee_a.employee_number = "HR-1"
    employee_a.save()
    client.force_login(employee_a.user)
    html = client.get(PROFILE).content.decode()
    assert 'name="employee_number"' not in html
    assert 'id="profile-source"' in html
    # A crafted post changes the language only.
    response = client.post(PROFILE, details(employee_number="MINE", language="en"))
    assert response.status_code == 302
    employee_a.refresh_from_db()
    assert employee_a.employee_number == "HR-1"
    assert employee_a.language == "en"


def test_notification_preferences_are_saved(client, employee_a):
    client.force_login(employee_a.user)
    response = client.post(PROFILE, {"notify_approval_requests": "on", "save_notifications": ""})
    assert response.status_code == 302
    employee_a.refresh_from_db()
    assert not employee_a.notify_reminders
    assert employee_a.notify_approval_requests
    assert not employee_a.notify_campaign_news


def test_reminders_turned_off_are_not_sent_but_decisions_are(employee_a):
    from missions.models import Enrolment
    from tests.factories import make_mission

    session = make_mission().sessions.get()
    enrolment = Enrolment.objects.create(employee=employee_a, session=session, status="confirmed")
    EmployeeProfile.objects.filter(pk=employee_a.pk).update(notify_reminders=False)
    assert mission_mails.send(enrolment_id=enrolment.pk, kind="reminder") == 0
    assert mission_mails.send(enrolment_id=enrolment.pk, kind="confirmed") == 1
    EmployeeProfile.objects.filter(pk=employee_a.pk).update(notify_reminders=True)
    assert mission_mails.send(enrolment_id=enrolment.pk, kind="reminder") == 1


def test_connected_company_sign_on_is_listed(client, employee_a):
    SocialAccount.objects.create(user=employee_a.user, provider="openid_connect", uid="ana-42")
    client.force_login(employee_a.user)
    html = client.get(PROFILE).content.decode()
    assert 'id="profile-social-accounts"' in html
    assert "Managed by your company" in html


def test_mfa_status_says_required_for_privileged_roles(client, csr_a, employee_a):
    client.force_login(csr_a.user)
    assert "Required for your role" in client.get(PROFILE).content.decode()
    client.force_login(employee_a.user)
    assert "Required for your role" not in client.get(PROFILE).content.decode()


def test_profile_page_in_french(client, employee_a):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    client.force_login(employee_a.user)
    html = client.get(PROFILE).content.decode()
    assert "Mon profil" in html
    assert "Numéro de matricule" in html or "Matricule" in html


# ---- Sign-up ------------------------------------------------------------------------------------


def sign_up(client, **overrides):
    data = {
        "email": "zoe@alpha.example",
        "password1": "a-long-and-unusual-passphrase-42",
        "password2": "a-long-and-unusual-passphrase-42",
        "first_name": "Zoé",
        "last_name": "Martin",
    }
    data.update(overrides)
    return client.post("/accounts/signup/", data)


def test_sign_up_asks_for_names(client, company_a):
    html = client.get("/accounts/signup/").content.decode()
    assert 'name="first_name"' in html and 'name="last_name"' in html
    response = sign_up(client)
    assert response.status_code == 302
    profile = EmployeeProfile.objects.get(user__email="zoe@alpha.example")
    assert profile.user.get_full_name() == "Zoé Martin"
    assert profile.company == company_a


def test_sign_up_without_names_is_refused(client, company_a):
    response = sign_up(client, first_name="", last_name="")
    assert response.status_code == 200
    assert not EmployeeProfile.objects.filter(user__email="zoe@alpha.example").exists()


def test_sign_up_form_in_french(client, company_a):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    html = client.get("/accounts/signup/").content.decode()
    assert "Prénom" in html and "Nom" in html


@pytest.mark.parametrize("language", ["en", "fr"])
def test_verification_email_names_the_site_from_base_url(client, company_a, settings, language):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    settings.BASE_URL = "https://cordee.example.org"
    sync_site()
    sign_up(client)
    (message,) = mail.outbox
    text = message.subject + message.body
    assert "example.com" not in text
    assert "cordee.example.org" in text
    assert re.search(r"https?://\S+/accounts/confirm-email/", message.body)


def test_site_is_synced_after_migrations(db, settings):
    site = Site.objects.get(pk=settings.SITE_ID)
    assert site.domain == "127.0.0.1:8000" or site.domain == settings.BASE_URL.split("//")[1]
    assert site.name == "Cordée"
    assert site.domain != "example.com"
