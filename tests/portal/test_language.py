"""Each person's language: remembered from the site, used for the e-mails written to them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from missions.services.enrolment import decide, enrol
from portal.models import EmployeeProfile
from tests.factories import PASSWORD
from tests.missions.engagement_helpers import colleague, open_session

pytestmark = pytest.mark.django_db


def language(profile) -> str:
    return EmployeeProfile.objects.get(pk=profile.pk).language


def test_sign_in_remembers_the_browser_s_language(client, employee_a):
    assert language(employee_a) == ""
    response = client.post(
        reverse("account_login"),
        {"login": employee_a.user.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9",
    )
    assert response.status_code == 302
    assert language(employee_a) == "en"


def test_the_language_switch_remembers_the_choice(client, employee_a):
    client.force_login(employee_a.user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert language(employee_a) == "en"
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert language(employee_a) == "fr"


def test_an_unknown_language_is_not_stored(client, employee_a):
    client.force_login(employee_a.user)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert language(employee_a) == "fr"


def test_anonymous_switch_stores_nothing(client, employee_a):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert not EmployeeProfile.objects.exclude(language="").exists()


def test_engagement_e_mails_are_written_in_each_reader_s_language(
    company_a, mailoutbox, django_capture_on_commit_callbacks
):
    manager = colleague(company_a, email="manon@alpha.example", language="en")
    report = colleague(company_a, email="rita@alpha.example", manager=manager, language="fr")
    session = open_session(company_a, approval=True)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrol(employee=report, session_id=session.pk)
    (to_manager,) = [m for m in mailoutbox if m.to == [manager.user.email]]
    (to_report,) = [m for m in mailoutbox if m.to == [report.user.email]]
    assert "demande" in to_report.body.lower()  # French for her, English for him
    assert to_manager.subject.endswith("Approval requested: " + report.display_name)
    assert "Approve:" in to_manager.body
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(approver=manager, enrolment_id=enrolment.pk, approve=True)
    (to_report,) = [m for m in mailoutbox if m.to == [report.user.email]]
    assert "Acceptée : " in to_report.subject


def test_giving_e_mails_follow_the_reader_s_language(
    employee_a, mailoutbox, django_capture_on_commit_callbacks, site_tree
):
    from donations.services.pledges import PledgeTerms, create_pledge, set_round_up_associations
    from tests.factories import make_association, payroll_number_for

    restos = make_association(title="Les Restos")
    set_round_up_associations(company=employee_a.company, association_ids=[restos.pk])
    EmployeeProfile.objects.filter(pk=employee_a.pk).update(language="en")
    employee_a.refresh_from_db()
    terms = PledgeTerms(rule="cents", allocations={restos.pk: 100})
    with django_capture_on_commit_callbacks(execute=True), payroll_number_for(employee_a):
        create_pledge(profile=employee_a, terms=terms, consent=True)
    (message,) = mailoutbox
    assert "I agree" in message.body and "J'accepte" not in message.body
