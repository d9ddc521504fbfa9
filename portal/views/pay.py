"""Salary data for skills-sponsorship valuation: CSR and payroll officers only, never managers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.forms import PayAssignmentForm, PayGradeForm, SalaryFileUploadForm
from portal.models import EmployeePay, PayGrade, SalaryUpload
from portal.people import salaries
from portal.tenancy import require_payroll_officer

RECENT_ROWS = 50


def _page(
    request,
    officer,
    *,
    grade_form=None,
    assign_form=None,
    upload_form=None,
    errors=None,
    file_error="",
    status=200,
) -> HttpResponse:
    company = officer.company
    context = {
        "company": company,
        "grades": PayGrade.objects.filter(company=company),
        "grade_form": grade_form or PayGradeForm(),
        "assign_form": assign_form or PayAssignmentForm(company=company),
        "upload_form": upload_form or SalaryFileUploadForm(),
        "file_error": file_error,
        "line_errors": errors or [],
        "uploads": SalaryUpload.objects.filter(company=company).select_related("uploaded_by")[
            :RECENT_ROWS
        ],
        "recent": EmployeePay.objects.filter(profile__company=company)
        .select_related("profile__user", "grade", "created_by")
        .order_by("-created_at", "-pk")[:RECENT_ROWS],
        "currency": company.currency,
    }
    return render(request, "portal/pay/pay_data.html", context, status=status)


@login_required
def pay_data(request: HttpRequest) -> HttpResponse:
    officer = require_payroll_officer(request.user)
    return _page(request, officer)


@login_required
@require_POST
def pay_grade_create(request: HttpRequest) -> HttpResponse:
    officer = require_payroll_officer(request.user)
    form = PayGradeForm(request.POST)
    if form.is_valid():
        try:
            salaries.save_pay_grade(company=officer.company, **form.cleaned_data_for_service())
        except salaries.GradeNameTaken:
            form.add_error("name", _("The company already has a grade with this name."))
        else:
            messages.success(request, _("Pay grade saved."))
            return redirect("pay_data")
    return _page(request, officer, grade_form=form, status=400)


@login_required
def pay_grade_edit(request: HttpRequest, pk: int) -> HttpResponse:
    officer = require_payroll_officer(request.user)
    grade = get_object_or_404(PayGrade, pk=pk, company=officer.company)
    form = PayGradeForm(
        request.POST or None,
        initial={
            "name": grade.name,
            "monthly_gross": grade.monthly_gross_cents / 100,
            "employer_contributions_percent": grade.employer_contributions_percent,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                salaries.save_pay_grade(
                    company=officer.company, grade=grade, **form.cleaned_data_for_service()
                )
            except salaries.GradeNameTaken:
                form.add_error("name", _("The company already has a grade with this name."))
            else:
                messages.success(request, _("Pay grade saved."))
                return redirect("pay_data")
        status = 400
    return render(
        request, "portal/pay/grade_edit.html", {"grade": grade, "form": form}, status=status
    )


@login_required
@require_POST
def pay_assign(request: HttpRequest) -> HttpResponse:
    officer = require_payroll_officer(request.user)
    form = PayAssignmentForm(request.POST, company=officer.company)
    if form.is_valid():
        try:
            profile = salaries.find_person(officer.company, form.cleaned_data["person"])
        except salaries.UnknownPerson:
            form.add_error("person", _("Nobody in the company has this employee number or e-mail."))
        else:
            salaries.assign_grade(
                profile=profile,
                grade=form.cleaned_data["grade"],
                valid_from=form.cleaned_data["valid_from"],
                actor=request.user,
            )
            messages.success(
                request,
                _("%(person)s is in grade %(grade)s.")
                % {"person": profile.display_name, "grade": form.cleaned_data["grade"].name},
            )
            return redirect("pay_data")
    return _page(request, officer, assign_form=form, status=400)


@login_required
@require_POST
def salary_upload(request: HttpRequest) -> HttpResponse:
    officer = require_payroll_officer(request.user)
    form = SalaryFileUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, officer, upload_form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        row = salaries.apply_salary_file(
            company=officer.company, user=request.user, name=upload.name, data=upload.read()
        )
    except salaries.InvalidSalaryFile as error:
        return _page(request, officer, file_error=error.message, errors=error.errors, status=400)
    messages.success(
        request,
        _("Salary file applied: %(created)s added, %(replaced)s replaced.")
        % {"created": row.created, "replaced": row.replaced},
    )
    return redirect("pay_data")
