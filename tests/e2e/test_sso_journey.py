"""Single sign-on in a browser: an employee of a company with its own identity provider enters
her e-mail, signs in at the provider's page (the demo provider, django-oauth-toolkit, on the live
server under another host name), comes back signed in with her synced name and employee number,
and sets up a payroll pledge that the payroll file can match by that number."""

from __future__ import annotations

import re

import pytest

from donations.models import Donation, Pledge
from donations.services.payroll import (
    confirm_payroll_run,
    export_deductions,
    import_net_pay,
    open_payroll_run,
)
from donations.services.pledges import set_round_up_associations
from portal.models import EmployeeProfile
from tests.donations.helpers import this_year_policy
from tests.factories import make_association, make_employee
from tests.oidc_idp import OIDCProvider, provider_settings

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

INES = {
    "email": "ines@alpha.example",
    "given_name": "Inès",
    "family_name": "Martin",
    "employee_id": "A-0042",
    "department": "Finance",
    "office": "Lyon",
    "manager_id": "A-0001",
    "locale": "en-GB",
}


@pytest.fixture
def sso_company(company_a, live_server, settings):
    provider_settings(settings, people=[INES])
    # Cordée at live_server.url (localhost), the provider at 127.0.0.1: two sessions.
    issuer = live_server.url.replace("localhost", "127.0.0.1") + "/demo-idp"
    idp = OIDCProvider(issuer=issuer, client_id="cordee-alpha")
    make_employee(company_a, email="boss@alpha.example", employee_number="A-0001")
    idp.register(
        company_a, callback_base=live_server.url, label="Alpha Connect", password_sign_in=False
    )
    restos = make_association(title="Les Restos", helps_people_in_difficulty=True)
    set_round_up_associations(company=company_a, association_ids=[restos.pk])
    this_year_policy(company_a)
    return idp


def test_employee_signs_in_through_her_company_provider_and_pledges(page, sso_company):
    page.goto("/accounts/login/")
    page.get_by_label("Work e-mail address").fill(INES["email"])
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue with Alpha Connect").click()

    # The provider's own sign-in page.
    page.wait_for_load_state()
    page.wait_for_url(re.compile(r"http://127\.0\.0\.1:\d+/demo-idp/sign-in/.*"))
    page.get_by_role("heading", name="Demo identity provider").wait_for()
    page.get_by_role("button", name=re.compile("Sign in as Inès Martin")).click()

    # Back in Cordée, signed in, with the profile the provider described.
    page.wait_for_url(re.compile(r"http://localhost:\d+/.*"))
    page.wait_for_load_state()
    profile = EmployeeProfile.objects.select_related("user").get(user__email=INES["email"])
    assert (profile.user.first_name, profile.user.last_name) == ("Inès", "Martin")
    assert profile.employee_number == "A-0042"
    assert profile.manager.employee_number == "A-0001"
    assert page.get_by_text("Alpha Industries").first.is_visible()

    # A payroll round-up pledge: possible because the employee number came from the provider.
    page.goto("/giving/")
    page.get_by_role("link", name="Set up a round-up pledge").click()
    page.get_by_label("The cents of my net pay").check()
    page.get_by_label("Share for Les Restos (%)").fill("100")
    page.get_by_label("I agree", exact=False).check()
    page.get_by_role("button", name="Save my pledge").click()
    page.wait_for_url("**/giving/")
    pledge = Pledge.objects.get()
    assert pledge.employee.employee_number == "A-0042"
    assert page.csp_errors == []

    # The month's payroll file names her only by that number: the run finds her pledge, and
    # confirming it records her gift to Les Restos.
    run = open_payroll_run(company=profile.company, month=pledge.start_month)
    run = import_net_pay(
        run=run, data="\ufeffmatricule;net_a_payer\nA-0042;2 345,67\n".encode()
    ).run
    line = run.lines.get()
    assert (line.employee_number, line.employee_id, line.deduction_cents) == (
        "A-0042",
        profile.pk,
        67,
    )
    export_deductions(run=run)
    confirm_payroll_run(run=run)
    gift = Donation.objects.get(donor=profile)
    assert (gift.amount_cents, gift.association.title, gift.source) == (67, "Les Restos", "payroll")
