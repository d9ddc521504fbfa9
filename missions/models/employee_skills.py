"""The skills an employee says they have (ticked on their own page), used to suggest missions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmployeeSkill(models.Model):
    # Kept in missions (skills are its snippets): portal's profile imports no app.
    employee = models.ForeignKey(
        "portal.EmployeeProfile",
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="skill_links",
    )
    skill = models.ForeignKey(
        "missions.Skill", verbose_name=_("skill"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("employee skill")
        verbose_name_plural = _("employee skills")
        constraints = [
            models.UniqueConstraint(fields=["employee", "skill"], name="employee_skill_once")
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} · {self.skill_id}"
