"""Demo data of employees' own contributions: declared hours (some waiting, some approved) and an
association proposal waiting for the CSR team. Idempotent: a company that has any is left alone."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from missions.exceptions import EngagementError
from missions.models import AssociationPage, AssociationProposal, SelfReportedHours
from missions.services import community
from portal.calendar import company_today
from portal.mail import suppressed
from portal.models import Company, EmployeeProfile

DECLARATIONS = [
    # (days ago, hours, what, approved)
    (3, "3", "Sorted and handed out food parcels", False),
    (10, "2.5", "Homework help for two pupils", False),
    (24, "6", "Cleaned the river bank with the local group", True),
    (40, "4", "Kept the stand at the charity fair", True),
]


def seed(*, scale=None) -> None:
    associations = list(AssociationPage.objects.accepting_gifts().order_by("pk")[:3])
    if not associations:
        return
    for company in Company.objects.order_by("pk"):
        seed_company(company, associations)


@suppressed()
@transaction.atomic
def seed_company(company: Company, associations) -> None:
    people = list(
        EmployeeProfile.objects.filter(company=company, leave_date__isnull=True)
        .select_related("user")
        .order_by("pk")
    )
    employee = next((p for p in people if p.user.email.startswith("employee@")), None)
    if employee is None:
        return
    today = company_today(company)
    if not SelfReportedHours.objects.filter(employee__company=company).exists():
        others = [p for p in people if p != employee][:3]
        for i, (days, hours, what, approved) in enumerate(DECLARATIONS):
            person = employee if i % 2 == 0 else (others[i % len(others)] if others else employee)
            try:
                entry = community.report_hours(
                    employee=person,
                    association_id=associations[i % len(associations)].pk,
                    done_on=today - dt.timedelta(days=days),
                    hours=hours,
                    description=what,
                )
            except EngagementError:  # hired after that day: the demo skips the line
                continue
            if approved:
                community.approve_self_reported(
                    scope=SelfReportedHours.objects.filter(pk=entry.pk), ids=[entry.pk], actor=None
                )
    if not AssociationProposal.objects.filter(company=company).exists():
        community.propose_association(
            employee=employee,
            name="Les Jardins Partagés du Canal",
            identifier_kind="rna",
            identifier=f"W75{company.pk:07d}",
            reason="A community garden next to our office: they need hands every Saturday.",
            website="https://jardins-du-canal.example",
        )
