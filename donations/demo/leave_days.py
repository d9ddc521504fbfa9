"""Leave-day donation demo data: each company's demo employee has given one day (accepted by
the payroll officer) and offered another, waiting for HR.

Idempotent: an employee who already has an offer is left as they are. The pay needed to value
the day is created only when the person has none (the pay-grade seeder may have set it).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from donations.models import LeaveDayRequest
from donations.selectors.leave_days import eligible_leave_associations
from donations.services.leave_days import accept_leave_request, offer_leave_days
from donations.services.notifications import suppressed
from portal.models import Company, EmployeePay, EmployeeProfile

# 3,467.20 € gross a month (160.00 € a day): a plausible pay for the demo employee.
DEMO_MONTHLY_GROSS_CENTS = 346_720


def seed(*, scale=None) -> None:
    associations = list(eligible_leave_associations()[:2])
    if not associations:
        return
    for company in Company.objects.order_by("pk"):
        seed_company(company, associations)


@suppressed()  # demo decisions e-mail nobody
@transaction.atomic
def seed_company(company: Company, associations) -> None:
    people = EmployeeProfile.objects.filter(company=company).select_related("user")
    employee = people.filter(user__email__startswith="employee@").first()
    officer = people.filter(user__email__startswith="payroll@").first()
    if employee is None or officer is None:
        return
    if LeaveDayRequest.objects.filter(employee=employee).exists():
        return
    if not EmployeePay.objects.filter(profile=employee).exists():
        today = timezone.localdate()
        EmployeePay.objects.get_or_create(
            profile=employee,
            valid_from=dt.date(today.year - 2, 1, 1),
            defaults={
                "monthly_gross_cents": DEMO_MONTHLY_GROSS_CENTS,
                "monthly_employer_contributions_cents": DEMO_MONTHLY_GROSS_CENTS * 42 // 100,
                "source": EmployeePay.Source.MANUAL,
            },
        )
    given = offer_leave_days(
        profile=employee, association_id=associations[0].pk, days=1, kind="rtt"
    )
    accept_leave_request(officer=officer, request_id=given.pk)
    offer_leave_days(profile=employee, association_id=associations[-1].pk, days=1, kind="cet")
