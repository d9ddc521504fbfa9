"""The employee's profile page: who the company knows them as, e-mail choices, sign-in security."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.forms import NotificationPreferencesForm, ProfileDetailsForm
from portal.mfa import second_factor_status
from portal.people.profile import (
    may_edit_directory_fields,
    set_notification_preferences,
    update_own_profile,
)
from portal.tenancy import require_profile


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    me = require_profile(request.user)
    editable = may_edit_directory_fields(me)
    details = ProfileDetailsForm(
        initial=ProfileDetailsForm.initial_for(me), directory_editable=editable
    )
    notifications = NotificationPreferencesForm(instance=me)
    if request.method == "POST" and "save_details" in request.POST:
        details = ProfileDetailsForm(request.POST, directory_editable=editable)
        if details.is_valid():
            try:
                update_own_profile(
                    profile=me,
                    language=details.cleaned_data["language"],
                    **details.directory_values(),
                )
            except ValidationError as refusal:
                for field, errors in refusal.message_dict.items():
                    details.add_error(field if field in details.fields else None, errors)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("profile")
    elif request.method == "POST" and "save_notifications" in request.POST:
        notifications = NotificationPreferencesForm(request.POST, instance=me)
        if notifications.is_valid():
            set_notification_preferences(
                profile=me,
                **{name: notifications.cleaned_data[name] for name in notifications.fields},
            )
            messages.success(request, _("Your e-mail preferences are saved."))
            return redirect("profile")
    return render(
        request,
        "portal/profile.html",
        {
            "me": me,
            "details": details,
            "notifications": notifications,
            "directory_editable": editable,
            "social_accounts": list(request.user.socialaccount_set.all()),
            "second_factor": second_factor_status(request),
        },
        status=400 if request.method == "POST" else 200,
    )
