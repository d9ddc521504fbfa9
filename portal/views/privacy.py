"""Personal data pages: a person's export and erasure; a CSR officer's leavers to erase."""

from __future__ import annotations

import io

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.downloads import private_download
from portal.forms import ErasureConfirmationForm
from portal.models import EmployeeProfile
from portal.privacy import contributors, selectors, services
from portal.tenancy import require_csr_officer, require_profile


@login_required
def personal_data(request: HttpRequest) -> HttpResponse:
    if not services.has_profile(request.user) and _is_association_member(request.user):
        return redirect("portal:account_data")
    profile = require_profile(request.user)
    return render(
        request,
        "portal/personal_data.html",
        {
            "exports": selectors.exports_of(profile),
            "export_days": services.export_days(),
            "blockers": contributors.erasure_blockers(profile),
        },
    )


@login_required
@require_POST
def request_export(request: HttpRequest) -> HttpResponse:
    profile = require_profile(request.user)
    services.request_export(profile=profile, actor=request.user)
    messages.success(request, _("Your data is being gathered: the download appears below."))
    return redirect("portal:personal_data")


@login_required
def download_export(request: HttpRequest, pk: int) -> HttpResponse:
    export = selectors.downloadable_export(user=request.user, export_id=pk)
    if export is None:
        raise Http404
    try:
        handle = export.file.open("rb")
    except (FileNotFoundError, ValueError) as lost:
        raise Http404 from lost
    services.record_download(export=export, actor=request.user)
    return private_download(handle, filename=export.filename(), content_type="application/zip")


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def erase_my_data(request: HttpRequest) -> HttpResponse:
    """After a fresh sign-in (password, MFA or SSO), the person erases their own data."""
    profile = require_profile(request.user)
    form = ErasureConfirmationForm(request.POST or None)
    blockers = contributors.erasure_blockers(profile)
    if request.method == "POST" and form.is_valid() and not blockers:
        try:
            services.erase_person(profile=profile, actor=request.user, reason=services.Reason.SELF)
        except services.ErasureRefused as refused:
            blockers = refused.reasons
        else:
            logout(request)
            messages.success(request, _("Your personal data has been erased. Goodbye."))
            return redirect("/")
    return render(request, "portal/erase_my_data.html", {"form": form, "blockers": blockers})


@login_required
def leavers(request: HttpRequest) -> HttpResponse:
    officer = require_csr_officer(request.user)
    return render(
        request,
        "portal/leavers.html",
        {
            "leavers": selectors.leavers_of(officer.company),
            "log": selectors.erasure_log_of(officer.company),
            "months": services.retention_months(officer.company),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def erase_leaver(request: HttpRequest, pk: int) -> HttpResponse:
    """A CSR officer (their company's leavers) or a platform admin erases a leaver."""
    try:
        profile = EmployeeProfile.objects.select_related("user", "company").get(pk=pk)
        services.check_may_erase(actor=request.user, profile=profile)
    except (ObjectDoesNotExist, services.NotAllowed) as hidden:
        raise Http404 from hidden
    if profile.user_id == request.user.pk or services.erasure_of(profile):
        raise Http404
    form = ErasureConfirmationForm(request.POST or None)
    blockers = contributors.erasure_blockers(profile)
    if request.method == "POST" and form.is_valid() and not blockers:
        try:
            services.erase_person(
                profile=profile, actor=request.user, reason=services.Reason.LEAVER
            )
        except services.ErasureRefused as refused:
            blockers = refused.reasons
        else:
            messages.success(request, _("The leaver's personal data has been erased."))
            return redirect("portal:leavers" if _is_officer(request.user) else "/")
    return render(
        request,
        "portal/erase_leaver.html",
        {"form": form, "blockers": blockers, "person": profile},
    )


# --- accounts without an employee profile (association members) --------------------------------


def _is_association_member(user) -> bool:
    return contributors.holds_account_data(user)


def _require_account_without_profile(user) -> None:
    """The account pages are for association members; employees have /profile/data/ (404)."""
    if services.has_profile(user) or not _is_association_member(user):
        raise Http404


@login_required
def account_data(request: HttpRequest) -> HttpResponse:
    _require_account_without_profile(request.user)
    return render(request, "portal/account_data.html")


@login_required
@require_POST
def download_account_data(request: HttpRequest) -> HttpResponse:
    _require_account_without_profile(request.user)
    content = services.account_export_zip(
        user=request.user, language=get_language() or settings.LANGUAGE_CODE
    )
    return private_download(
        io.BytesIO(content),
        filename=f"cordee-personal-data-account-{request.user.pk}.zip",
        content_type="application/zip",
    )


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def erase_my_account(request: HttpRequest) -> HttpResponse:
    """After a fresh sign-in, an association member erases their own account."""
    _require_account_without_profile(request.user)
    form = ErasureConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.erase_account(user=request.user, actor=request.user)
        logout(request)
        messages.success(request, _("Your personal data has been erased. Goodbye."))
        return redirect("/")
    return render(request, "portal/erase_my_account.html", {"form": form})


def _is_officer(user) -> bool:
    profile = getattr(user, "profile", None)
    return bool(profile and profile.is_csr_officer)
