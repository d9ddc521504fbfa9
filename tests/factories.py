"""factory_boy factories shared by every test folder."""

from __future__ import annotations

import contextlib
import datetime as dt

import factory
from django.utils import timezone

from missions.models import (
    AssociationIndexPage,
    AssociationPage,
    Cause,
    MissionIndexPage,
    MissionKind,
    MissionPage,
    MissionSession,
    Skill,
)
from portal.models import Company
from portal.services import create_company, create_employee

PASSWORD = "correct-horse-battery-staple"


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        domains = kwargs.pop("domains", None) or [f"{kwargs['slug']}.example"]
        return create_company(domains=domains, **kwargs)


def make_employee(company: Company, *, email: str | None = None, **fields):
    """A verified employee of `company` (password: PASSWORD)."""
    domain = company.domains.first().domain
    email = email or f"user{make_employee.counter}@{domain}"
    make_employee.counter += 1
    return create_employee(company=company, email=email, password=PASSWORD, **fields)


make_employee.counter = 0


class CauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cause
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Cause {n}")
    slug = factory.Sequence(lambda n: f"cause-{n}")


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.Sequence(lambda n: f"skill-{n}")


def make_association(**fields) -> AssociationPage:
    index = AssociationIndexPage.objects.get()
    n = AssociationPage.objects.count() + 1
    defaults = {
        "title": f"Association {n}",
        "slug": f"association-{n}",
        "legal_name": f"Association {n}",
        "identifier_kind": "rna",
        "identifier": f"W{n:09d}",
        "vetting_status": "approved",
        "city": "Lyon",
    }
    defaults.update(fields)
    causes = defaults.pop("causes", [])
    association = AssociationPage(**defaults)
    index.add_child(instance=association)
    if causes:
        association.causes.set(causes)
        association.save_revision().publish()
    return association


def make_mission(
    *,
    company: Company | None = None,
    association: AssociationPage | None = None,
    sessions: int = 1,
    seats: int = 10,
    start: dt.datetime | None = None,
    causes=(),
    skills=(),
    **fields,
) -> MissionPage:
    """A live mission; private to `company` (in its section) unless `visibility="all"`."""
    association = association or make_association()
    parent = company.mission_section if company else MissionIndexPage.objects.get()
    n = MissionPage.objects.count() + 1
    defaults = {
        "title": f"Mission {n}",
        "slug": f"mission-{n}",
        "summary": f"Summary of mission {n}",
        "kind": MissionKind.CITIZEN_DAY,
        "city": "Lyon",
    }
    defaults.update(fields)
    mission = MissionPage(association=association, **defaults)
    start = start or timezone.now() + dt.timedelta(days=7)
    for i in range(sessions):
        begin = start + dt.timedelta(days=7 * i)
        mission.sessions.add(
            MissionSession(start=begin, end=begin + dt.timedelta(hours=7), seats=seats)
        )
    mission.causes.set(causes)
    mission.skills.set(skills)
    parent.add_child(instance=mission)
    return mission


@contextlib.contextmanager
def payroll_number_for(profile):
    """A pledge needs an employee number: give `profile` one while the block runs, then take it
    back, as when HR removes a number later (tests of other rules keep their people as they were).
    """
    from portal.models import EmployeeProfile

    if profile.employee_number:
        yield profile
        return
    EmployeeProfile.objects.filter(pk=profile.pk).update(employee_number=f"TMP-{profile.pk}")
    try:
        yield profile
    finally:
        EmployeeProfile.objects.filter(pk=profile.pk).update(employee_number="")


def make_association_member(association: AssociationPage, *, email: str | None = None, **fields):
    """A verified account acting for `association` (admin unless role= says otherwise;
    password: PASSWORD), with no employee profile."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from missions.models import AssociationMembership

    email = (email or f"member{make_association_member.counter}@asso.example").lower()
    make_association_member.counter += 1
    user = get_user_model().objects.create_user(
        username=email,
        email=email,
        password=PASSWORD,
        first_name=fields.pop("first_name", ""),
        last_name=fields.pop("last_name", ""),
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    AssociationMembership.objects.create(
        user=user, association=association, role=fields.pop("role", "admin"), **fields
    )
    return user


make_association_member.counter = 0
