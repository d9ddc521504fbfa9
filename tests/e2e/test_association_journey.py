"""The association workspace in a real browser: a member signs in with the e-mail-first page,
lands in the workspace, confirms the attendance of a past session, confirms a payment received;
axe-core on every workspace page, in English and in French."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from donations.models import Disbursement
from donations.services.disbursements import create_disbursement_batch, mark_batch_paid
from missions.models import Enrolment, EnrolmentStatus
from tests.donations.helpers import make_donation
from tests.factories import PASSWORD, make_association, make_association_member, make_employee
from tests.missions.engagement_helpers import past_session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, email: str, *, field: str, button: str, submit: re.Pattern) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(field).fill(email)
    page.get_by_role("button", name=button).click()
    page.get_by_label(re.compile("^(Password|Mot de passe)")).first.fill(PASSWORD)
    page.get_by_role("button", name=submit).click()
    page.wait_for_load_state()


def assert_accessible(page, axe_check, where: str) -> None:
    violations = axe_check(page)
    assert violations == [], f"axe: serious/critical violations on {where}: {violations}"


@pytest.fixture
def world(company_a):
    association = make_association(title="Les Jardins Partagés")
    member = make_association_member(
        association, email="contact@jardins.example", first_name="Jade", role="admin"
    )
    session = past_session(
        company_a, days_ago=1, association=association, title="Potager solidaire"
    )
    came = make_employee(company_a, first_name="Rita", last_name="Came")
    absent = make_employee(company_a, first_name="Omar", last_name="Absent")
    enrolments = [
        Enrolment.objects.create(employee=person, session=session, status="confirmed")
        for person in (came, absent)
    ]
    make_donation(came, association, 2_500, when=dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC))
    batch = create_disbursement_batch(company=company_a, period_end=dt.date(2026, 2, 1))
    mark_batch_paid(batch=batch, reference="VIR-JARDINS-01")
    return association, member, session, enrolments


def test_a_member_signs_in_and_confirms_attendance_of_a_past_session(
    page, world, axe_check, live_server
):
    association, member, session, (came, absent) = world
    sign_in(
        page,
        member.email,
        field="Work e-mail address",
        button="Continue",
        submit=re.compile("sign in", re.I),
    )
    # Straight to the workspace of their only association, with what needs doing.
    assert page.url.endswith(f"/association/{association.pk}/")
    assert "2 people to confirm" in page.content()
    assert_accessible(page, axe_check, "the workspace home")

    page.get_by_role("link", name=re.compile("Potager solidaire")).first.click()
    page.wait_for_url(re.compile(rf"/association/{association.pk}/sessions/{session.pk}/$"))
    assert_accessible(page, axe_check, "the roster")
    page.get_by_role("group", name="Rita Came").get_by_label("Attended").check()
    page.get_by_label("Hours of Rita Came").fill("6")
    page.get_by_role("group", name="Omar Absent").get_by_label("No-show").check()
    page.get_by_role("button", name="Confirm attendance").click()
    page.wait_for_load_state()
    assert "Attendance confirmed for 2 people" in page.content()
    came.refresh_from_db()
    absent.refresh_from_db()
    assert (came.status, str(came.hours)) == (EnrolmentStatus.ATTENDED, "6.00")
    assert absent.status == EnrolmentStatus.NO_SHOW
    assert came.association_confirmed_by == member

    page.get_by_role("link", name="Give feedback").first.click()
    page.wait_for_load_state()
    assert_accessible(page, axe_check, "feedback on a volunteer")
    for path in (
        f"/association/{association.pk}/sessions/",
        f"/association/{association.pk}/members/",
        f"/association/{association.pk}/sessions/{session.pk}/feedback/",
    ):
        page.goto(path)
        assert_accessible(page, axe_check, path)

    page.get_by_role("link", name="Money").click()
    page.wait_for_load_state()
    assert "VIR-JARDINS-01" in page.content()
    assert_accessible(page, axe_check, "the money page")
    page.get_by_role("button", name=re.compile("^Confirm received")).click()
    page.wait_for_load_state()
    assert Disbursement.objects.get(association=association).received_by == member
    assert page.csp_errors == []


def test_the_workspace_in_french(browser, live_server, world, axe_check):
    association, member, session, _enrolments = world
    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/accounts/login/")
        # The site follows the browser's language until someone picks another one.
        sign_in(
            page,
            member.email,
            field=re.compile("e-mail", re.I),
            button="Continuer",
            submit=re.compile("connexion|se connecter", re.I),
        )
        assert "Présences à confirmer" in page.content()
        page.goto(f"/association/{association.pk}/sessions/{session.pk}/")
        assert "Confirmer les présences" in page.content()
        assert_accessible(page, axe_check, "the roster in French")
        page.goto(f"/association/{association.pk}/money/")
        assert "Versements à l'association" in page.content()
    finally:
        context.close()
