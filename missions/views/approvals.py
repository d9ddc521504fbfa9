"""Views of managers' approvals: the list of pending requests and the one-click e-mail link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from missions.exceptions import (
    EngagementError,
)
from missions.forms import DecisionForm
from missions.services import (
    approval_links,
)
from missions.services import enrolment as enrolment_service
from portal.inputs import parse_id
from portal.tenancy import require_profile

NS = "missions:"


@login_required
@require_http_methods(["GET", "POST"])
def approvals(request):
    """Pending requests the signed-in person may decide, with bulk approve or decline."""
    profile = require_profile(request.user)
    if request.method == "POST":
        ids = [i for i in map(parse_id, request.POST.getlist("enrolment")) if i]
        decision = request.POST.get("decision")
        form = DecisionForm(request.POST)
        if decision not in ("approve", "decline") or not ids or not form.is_valid():
            messages.error(request, _("Choose at least one request, then approve or decline."))
        else:
            result = enrolment_service.decide_many(
                approver=profile,
                enrolment_ids=ids,
                approve=decision == "approve",
                reason=form.cleaned_data["reason"],
            )
            if result.done:
                messages.success(request, _("%(n)d request(s) decided.") % {"n": len(result.done)})
            for message in dict.fromkeys(result.refused.values()):
                messages.error(request, message)
        return redirect(NS + "approvals")
    pending = list(enrolment_service.pending_for(profile))
    return render(
        request,
        "missions/engagement/approvals.html",
        {"pending": pending, "form": DecisionForm()},
    )


@require_http_methods(["GET", "POST"])
def approval_link(request, token: str):
    """The one-click link from the e-mail. GET only shows the decision: mail scanners that
    follow links must not decide; the button on the page (one click) does."""
    try:
        link = approval_links.read_token(token)
    except EngagementError as error:
        return render(
            request, "missions/engagement/approval_link_invalid.html", {"error": error}, status=410
        )
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = approval_links.decide_by_link(
                token=token, reason=form.cleaned_data["reason"]
            )
        except EngagementError as error:
            return render(
                request,
                "missions/engagement/approval_link_invalid.html",
                {"error": error},
                status=410,
            )
        return render(request, "missions/engagement/approval_done.html", {"enrolment": enrolment})
    return render(
        request,
        "missions/engagement/approval_link.html",
        {"link": link, "enrolment": link.enrolment, "form": form},
    )
