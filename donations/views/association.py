"""The association workspace's money page: owed and paid by each company, month by month, and
the confirmation that a disbursement was received. 404 for anyone not a member."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from donations.exceptions import GivingError
from donations.selectors import association as association_money
from donations.services import disbursements
from missions.models import AssociationMembership
from missions.selectors.association_access import require_membership


@login_required
def money(request: HttpRequest, association_id: int) -> HttpResponse:
    membership = require_membership(request.user, association_id)
    return render(
        request,
        "donations/association/money.html",
        {
            "association": membership.association,
            "membership": membership,
            "is_admin": membership.role == AssociationMembership.Role.ADMIN,
            "section": "money",
            "companies": association_money.money_of_association(association_id),
            "disbursements": association_money.disbursements_to(association_id),
        },
    )


@login_required
@require_POST
def disbursement_received(
    request: HttpRequest, association_id: int, disbursement_id: int
) -> HttpResponse:
    require_membership(request.user, association_id)
    try:
        disbursements.confirm_disbursement_received(
            user=request.user, association_id=association_id, disbursement_id=disbursement_id
        )
    except PermissionError:
        raise Http404 from None
    except GivingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you: the payment is confirmed as received."))
    return redirect("donations_association:money", association_id)
