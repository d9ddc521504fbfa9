"""The CSR officer's page of SCIM tokens: create (the secret is shown once), list, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.scim import services
from portal.scim.forms import TokenForm
from portal.scim.models import ScimToken
from portal.tenancy import require_csr_officer


@login_required
def tokens(request):
    officer = require_csr_officer(request.user)
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _token, secret = services.create_token(
            company=officer.company, label=form.cleaned_data["label"], created_by=request.user
        )
        form = TokenForm()
    response = render(
        request,
        "scim/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": ScimToken.objects.filter(company=officer.company),
            "company": officer.company,
            "endpoint": request.build_absolute_uri(reverse("scim:users")).removesuffix("Users"),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke(request, token_id: int):
    officer = require_csr_officer(request.user)
    token = ScimToken.objects.filter(company=officer.company, pk=token_id).first()
    if token is None:
        raise Http404
    services.revoke_token(token=token)
    messages.success(request, _("The token %(token)s is revoked.") % {"token": token})
    return redirect("scim_tokens")
