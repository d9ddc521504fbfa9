"""A new employee in a real browser: sign up, verify, sign in, search, filter, open a mission."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.factories import CauseFactory, make_association, make_mission

# The live server thread commits for real: the database is flushed after each test, and
# serialized_rollback puts back what migrations created (Wagtail's root page, workflows, SDGs).
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.fixture
def catalogue(company_a, company_b):
    environment = CauseFactory(name="Environment", slug="environment")
    education = CauseFactory(name="Education", slug="education")
    tutors = make_association(title="Les Tuteurs du Rhône", legal_name="Les Tuteurs du Rhône")
    river = make_association(title="Rivières Propres", legal_name="Rivières Propres")
    return {
        "tutoring": make_mission(
            company=company_a,
            association=tutors,
            title="Tutoring teenagers in maths",
            slug="tutoring-teenagers",
            summary="Help pupils of a Lyon middle school with their maths homework.",
            kind="skills",
            causes=[education],
        ),
        "river_day": make_mission(
            association=river,
            title="Tutoring volunteers for the river clean-up",
            slug="river-clean-up",
            summary="Show new volunteers how to sort what the Rhône brings.",
            kind="citizen_day",
            visibility="all",
            causes=[environment],
        ),
        "beta_only": make_mission(
            company=company_b,
            association=tutors,
            title="Tutoring at Beta's own school",
            slug="beta-school",
            kind="skills",
        ),
    }


def assert_accessible(page, axe_check, where: str) -> None:
    violations = axe_check(page)
    assert violations == [], f"axe: serious/critical violations on {where}: {violations}"


def confirmation_link(address: str) -> str:
    messages = [m for m in mail.outbox if address in m.to]
    assert messages, f"no e-mail sent to {address}"
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+", messages[-1].body)
    assert match, messages[-1].body
    return match.group(0)


def test_new_employee_signs_up_verifies_signs_in_and_finds_a_mission(page, axe_check, catalogue):
    address = "zoe.martin@alpha.example"

    # Sign up with the work address.
    page.goto("/accounts/signup/")
    assert_accessible(page, axe_check, "the sign-up page")
    page.get_by_label("Email").fill(address)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()

    # Not signed in yet: the link in the e-mail comes first.
    page.goto(confirmation_link(address))
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url("**/accounts/login/**")
    # The sign-in page asks the e-mail first, then the password.
    page.get_by_label("Work e-mail address").fill(address)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r".*/$"))
    assert page.get_by_text("Alpha Industries").first.is_visible()

    # Home page, then a search from its search box.
    assert_accessible(page, axe_check, "the home page")
    page.get_by_role("searchbox", name="Find a mission").fill("tutoring")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    page.wait_for_url("**/missions/?q=tutoring*")
    results = page.get_by_role("main").get_by_role("list").first
    results.get_by_role("link", name="Tutoring teenagers in maths").wait_for()
    assert results.get_by_role("link", name="Tutoring volunteers for the river clean-up").count()
    # Another company's private mission never shows up.
    assert page.get_by_role("link", name="Tutoring at Beta's own school").count() == 0
    assert_accessible(page, axe_check, "the mission list")

    # Filter by kind: only the skills-sponsorship mission stays, and the filter is in the URL.
    page.get_by_label("Kind").select_option(label="Skills sponsorship")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r".*kind=skills.*"))
    assert "q=tutoring" in page.url
    page.get_by_role("link", name="Tutoring teenagers in maths").wait_for()
    assert page.get_by_role("link", name="Tutoring volunteers for the river clean-up").count() == 0

    # Open the mission.
    page.get_by_role("link", name="Tutoring teenagers in maths").click()
    page.get_by_role("heading", level=1, name="Tutoring teenagers in maths").wait_for()
    assert page.get_by_text("Les Tuteurs du Rhône").first.is_visible()
    assert_accessible(page, axe_check, "the mission page")

    assert page.csp_errors == []


def test_sign_up_with_unknown_domain_is_refused_in_the_browser(page, catalogue):
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("someone@gmail.example")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_text("Use your work e-mail address; if it is refused").wait_for()
    assert mail.outbox == []
