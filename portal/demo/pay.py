"""Demo salary data: three pay grades per company and everyone with an employee number in one.

Idempotent and deterministic: grades by name, assignments by (person, date).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from portal.models import Company, EmployeePay, EmployeeProfile, PayGrade

GRADES = [
    # name, monthly gross (cents), employer contributions (%)
    ("Employé·e", 2_600_00, Decimal("42.00")),
    ("Cadre", 4_200_00, Decimal("45.00")),
    ("Cadre dirigeant", 13_500_00, Decimal("45.00")),  # above 3 x PSS: the cap shows
]


def seed() -> None:
    first_day = dt.date(timezone.localdate().year - 1, 1, 1)
    for company in Company.objects.order_by("pk"):
        seed_company(company, valid_from=first_day)


def seed_company(company: Company, *, valid_from: dt.date) -> None:
    rng = random.Random(f"pay-{company.slug}")  # noqa: S311 - reproducible demo data, not secrets
    grades = []
    for name, gross, percent in GRADES:
        grade, _created = PayGrade.objects.get_or_create(
            company=company,
            name=name,
            defaults={"monthly_gross_cents": gross, "employer_contributions_percent": percent},
        )
        grades.append(grade)
    people = EmployeeProfile.objects.filter(company=company).select_related("user").order_by("pk")
    for person in people:
        # Executives in the top band; 40 % of the others are managers ("cadres").
        band = 2 if person.is_executive else (1 if rng.random() < 0.4 else 0)
        grade = grades[band]
        EmployeePay.objects.get_or_create(
            profile=person,
            valid_from=valid_from,
            defaults={"grade": grade, "source": EmployeePay.Source.GRADE},
        )
