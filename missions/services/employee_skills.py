"""An employee's own skills (what they say they know), set from their skills page."""

from __future__ import annotations

from django.db import transaction

from missions.models import EmployeeSkill, Skill
from portal.models import EmployeeProfile


@transaction.atomic
def set_employee_skills(*, employee: EmployeeProfile, skill_ids: set[int]) -> list[int]:
    """Replace the employee's skills with these (unknown ids are ignored); returns the ids kept."""
    wanted = set(Skill.objects.filter(pk__in=skill_ids).values_list("pk", flat=True))
    EmployeeSkill.objects.filter(employee=employee).exclude(skill_id__in=wanted).delete()
    have = set(EmployeeSkill.objects.filter(employee=employee).values_list("skill_id", flat=True))
    EmployeeSkill.objects.bulk_create(
        [EmployeeSkill(employee=employee, skill_id=pk) for pk in sorted(wanted - have)]
    )
    return sorted(wanted)
