"""The employee's skills page: tick what you know, and missions are suggested accordingly."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from missions.forms import EmployeeSkillsForm
from missions.models import EmployeeSkill, Skill
from missions.services.employee_skills import set_employee_skills
from portal.tenancy import require_profile


@login_required
def my_skills(request: HttpRequest) -> HttpResponse:
    profile = require_profile(request.user)
    current = list(EmployeeSkill.objects.filter(employee=profile).values_list("skill", flat=True))
    form = EmployeeSkillsForm(
        request.POST or None,
        skills=Skill.objects.order_by("name"),
        initial={"skills": current},
    )
    if request.method == "POST" and form.is_valid():
        set_employee_skills(employee=profile, skill_ids=set(form.cleaned_data["skills"]))
        messages.success(request, _("Your skills are saved."))
        return redirect("missions:my_skills")
    return render(request, "missions/my_skills.html", {"form": form})
