"""The platform admin's page in the Wagtail admin: invite people to act for an association."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from missions.exceptions import EngagementError
from missions.forms import AdminInviteForm
from missions.models import AssociationInvitation
from missions.services import association as association_service


@require_http_methods(["GET", "POST"])
def invite_association_member(request):
    """Platform admins only (company people never reach it: admin_scope answers 404 first)."""
    if not request.user.is_superuser:
        raise PermissionDenied
    form = AdminInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = association_service.invite_member(
                association_id=data["association"].pk,
                email=data["email"],
                role=data["role"],
                invited_by=request.user,
            )
        except EngagementError as error:
            form.add_error("email", error.message)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("missions_association_invitations")
    recent = AssociationInvitation.objects.select_related("association").filter(
        created_at__gte=timezone.now() - dt.timedelta(days=30)
    )[:50]
    return render(
        request,
        "missions/association/admin_invite.html",
        {"form": form, "recent": recent, "now": timezone.now()},
    )
